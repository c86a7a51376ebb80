//! The credentials a simulated ERP accepts: API tokens (each bound to an app name, possibly
//! with a lifetime) and Basic users, any of which can be revoked through `/__sim/`.
//!
//! Lifetimes run on the real clock (not the simulator's "today"), so a test can watch a token
//! expire by waiting a moment.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One issued token.
#[derive(Debug, Clone)]
struct Token {
    token: String,
    app: String,
    issued: Instant,
    lifetime: Option<Duration>,
    revoked: bool,
}

/// One Basic user.
#[derive(Debug, Clone)]
struct BasicUser {
    user: String,
    password: String,
    revoked: bool,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Known, in force, and given with its own app.
    Valid,
    /// Never issued.
    Unknown,
    /// Issued for another app name.
    WrongApp,
    /// Past its lifetime.
    Expired,
    /// Revoked.
    Revoked,
}

/// The credentials of one simulator.
#[derive(Debug, Clone)]
pub struct Credentials {
    tokens: Vec<Token>,
    users: Vec<BasicUser>,
    issued: u64,
    seed: u64,
}

impl Credentials {
    /// One token for `app` (with the default lifetime) and, when `user` is not empty, one
    /// Basic user.
    pub fn new(
        token: &str,
        app: &str,
        lifetime: Option<Duration>,
        user: &str,
        password: &str,
        seed: u64,
    ) -> Self {
        let mut credentials = Credentials {
            tokens: Vec::new(),
            users: Vec::new(),
            issued: 0,
            seed,
        };
        credentials.tokens.push(Token {
            token: token.to_string(),
            app: app.to_string(),
            issued: Instant::now(),
            lifetime,
            revoked: false,
        });
        if !user.is_empty() {
            credentials.users.push(BasicUser {
                user: user.to_string(),
                password: password.to_string(),
                revoked: false,
            });
        }
        credentials
    }

    /// Checks a token given with `app` (`None` when the ERP binds tokens to no app).
    pub fn check_token(&self, token: &str, app: Option<&str>) -> TokenCheck {
        let Some(found) = self.tokens.iter().find(|t| t.token == token) else {
            return TokenCheck::Unknown;
        };
        if found.revoked {
            TokenCheck::Revoked
        } else if found.lifetime.is_some_and(|l| found.issued.elapsed() >= l) {
            TokenCheck::Expired
        } else if app.is_some_and(|a| a != found.app) {
            TokenCheck::WrongApp
        } else {
            TokenCheck::Valid
        }
    }

    /// Whether this Basic user and password are known and not revoked.
    pub fn check_basic(&self, user: &str, password: &str) -> bool {
        self.users
            .iter()
            .any(|u| !u.revoked && u.user == user && u.password == password)
    }

    /// Issues a new token for `app`; the text looks like SGP's (a UUID) and is derived from
    /// the seed and a counter, so runs are repeatable.
    pub fn issue(&mut self, app: &str, lifetime: Option<Duration>) -> String {
        self.issued += 1;
        let mut rng = crate::rng::Rng::new(self.seed ^ (self.issued << 32));
        let hex = |rng: &mut crate::rng::Rng, n: usize| -> String {
            (0..n)
                .map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize]))
                .collect()
        };
        let token = format!(
            "{}-{}-4{}-a{}-{}",
            hex(&mut rng, 8),
            hex(&mut rng, 4),
            hex(&mut rng, 3),
            hex(&mut rng, 3),
            hex(&mut rng, 12)
        );
        self.tokens.push(Token {
            token: token.clone(),
            app: app.to_string(),
            issued: Instant::now(),
            lifetime,
            revoked: false,
        });
        token
    }

    /// Revokes a token; `false` when it was never issued.
    pub fn revoke_token(&mut self, token: &str) -> bool {
        let mut found = false;
        for t in self.tokens.iter_mut().filter(|t| t.token == token) {
            t.revoked = true;
            found = true;
        }
        found
    }

    /// Revokes a Basic user; `false` when there is no such user.
    pub fn revoke_user(&mut self, user: &str) -> bool {
        let mut found = false;
        for u in self.users.iter_mut().filter(|u| u.user == user) {
            u.revoked = true;
            found = true;
        }
        found
    }

    /// The credentials as the control API lists them (token texts included: they are test
    /// data).
    pub fn to_json(&self) -> Value {
        let tokens: Vec<Value> = self
            .tokens
            .iter()
            .map(|t| {
                let state = match self.check_token(&t.token, None) {
                    TokenCheck::Valid => "valid",
                    TokenCheck::Expired => "expired",
                    TokenCheck::Revoked => "revoked",
                    TokenCheck::Unknown | TokenCheck::WrongApp => "unknown",
                };
                json!({
                    "token": t.token,
                    "app": t.app,
                    "state": state,
                    "lifetime_ms": t.lifetime.map(|l| u64::try_from(l.as_millis()).unwrap_or(u64::MAX)),
                })
            })
            .collect();
        let users: Vec<Value> = self
            .users
            .iter()
            .map(|u| json!({"user": u.user, "revoked": u.revoked}))
            .collect();
        json!({"tokens": tokens, "basic_users": users})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_refused_with_another_app_after_revocation_and_after_its_lifetime() {
        let mut c = Credentials::new("t1", "app", None, "u", "p", 1);
        assert_eq!(c.check_token("t1", Some("app")), TokenCheck::Valid);
        assert_eq!(c.check_token("t1", Some("other")), TokenCheck::WrongApp);
        assert_eq!(c.check_token("nope", Some("app")), TokenCheck::Unknown);
        let short = c.issue("app", Some(Duration::ZERO));
        assert_eq!(c.check_token(&short, Some("app")), TokenCheck::Expired);
        assert!(c.revoke_token("t1"));
        assert_eq!(c.check_token("t1", Some("app")), TokenCheck::Revoked);
        assert!(c.check_basic("u", "p"));
        assert!(c.revoke_user("u"));
        assert!(!c.check_basic("u", "p"));
    }

    #[test]
    fn issued_tokens_look_like_uuids_and_differ() {
        let mut c = Credentials::new("t1", "app", None, "", "", 7);
        let a = c.issue("app", None);
        let b = c.issue("app", None);
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.split('-').count(), 5);
    }
}
