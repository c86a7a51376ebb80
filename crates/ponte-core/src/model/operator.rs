//! Who is acting on the admin API or the console: the bootstrap admin token, or a named
//! operator with a role. The audit log names the actor of every change.
//!
//! An [`Operator`] keeps its password only as an Argon2id PHC string; a session keeps only the
//! SHA-256 of its token. Neither the hash nor a token ever leaves through `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::integration::InvalidName;

/// What an operator may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything: reads and changes.
    Admin,
    /// Reads only: no change, no secret (secrets are never shown to anyone anyway).
    Viewer,
}

impl Role {
    /// The role's name on the wire and in the store (`"admin"`, `"viewer"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    /// Reads a role's name; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// True when the role may change something.
    #[must_use]
    pub const fn may_change(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// The one acting: a named operator, or the bootstrap admin token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The operator's name; [`Actor::ADMIN_TOKEN`] for the bootstrap token.
    pub name: String,
    /// What the actor may do.
    pub role: Role,
}

impl Actor {
    /// The name under which the bootstrap admin token acts.
    pub const ADMIN_TOKEN: &'static str = "admin-token";

    /// The name under which `ponte operators` acts from the command line.
    pub const COMMAND_LINE: &'static str = "command-line";

    /// Whoever runs `ponte operators` on the server, with access to its configuration.
    #[must_use]
    pub fn command_line() -> Actor {
        Actor {
            name: Actor::COMMAND_LINE.to_owned(),
            role: Role::Admin,
        }
    }

    /// The bootstrap admin token, which may do everything.
    #[must_use]
    pub fn admin_token() -> Actor {
        Actor {
            name: Actor::ADMIN_TOKEN.to_owned(),
            role: Role::Admin,
        }
    }
}

/// Checks an operator's name: 1–64 characters of lower-case ASCII letters, digits, `-`, `_`
/// and `.`, starting with a letter or a digit. Names appear in URLs and in the audit log.
pub fn validate_operator_name(name: &str) -> Result<(), InvalidName> {
    let invalid = |reason| InvalidName::new("operator name", name, reason);
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > 64 {
        return Err(invalid("it is longer than 64 characters"));
    }
    if !name.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' || b == b'.'
    }) {
        return Err(invalid(
            "only lower-case letters, digits, `-`, `_` and `.` are allowed",
        ));
    }
    if !name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return Err(invalid("it must start with a letter or a digit"));
    }
    if name == Actor::ADMIN_TOKEN || name == Actor::COMMAND_LINE {
        return Err(invalid(
            "it is the name the bootstrap admin token acts under",
        ));
    }
    Ok(())
}

/// A named operator account.
#[derive(Clone, PartialEq, Eq)]
pub struct Operator {
    /// The sign-in name, checked by [`validate_operator_name`].
    pub name: String,
    /// What the operator may do.
    pub role: Role,
    /// The password as an Argon2id PHC string (`$argon2id$v=19$...`); never shown.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: OffsetDateTime,
    /// A disabled operator cannot sign in, and its sessions stop working.
    pub disabled: bool,
}

impl Operator {
    /// The actor this operator acts as.
    #[must_use]
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            role: self.role,
        }
    }
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operator")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// A signed-in operator's session, as stored: the token itself is never kept.
#[derive(Clone, PartialEq, Eq)]
pub struct OperatorSession {
    /// Lower-case hex SHA-256 of the session token.
    pub token_hash: String,
    /// The operator's name.
    pub operator: String,
    /// The token a browser sends back with every change (the console's CSRF check).
    pub csrf_token: String,
    /// When the session began.
    pub created_at: OffsetDateTime,
    /// When it stops being accepted.
    pub expires_at: OffsetDateTime,
}

impl fmt::Debug for OperatorSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorSession")
            .field("operator", &self.operator)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// One recorded change: who did what to which record, with the record before and after (secret
/// values are never part of either).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing with every entry; 0 for an entry not stored yet.
    pub id: i64,
    /// When the change was made.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The actor's name ([`Actor::ADMIN_TOKEN`] for the bootstrap token).
    pub actor: String,
    /// What was done, as a stable dotted name (`integration.create`, `secret.set`...).
    pub action: String,
    /// What it was done to: `integration:acme`, `integration:acme/secret:token`,
    /// `operator:maria`...
    pub target: String,
    /// The record before the change, when there was one.
    pub before: Option<Value>,
    /// The record after the change, when there is one.
    pub after: Option<Value>,
}

/// The largest page [`AuditQuery::limit`] may ask for.
pub const MAX_AUDIT_PAGE: u32 = 500;

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this actor's changes.
    pub actor: Option<String>,
    /// Only changes to this target or to what it contains (`integration:acme` also matches
    /// `integration:acme/secret:token`).
    pub target: Option<String>,
    /// Only changes at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Only changes before this time.
    pub to: Option<OffsetDateTime>,
    /// Only entries older than this id (the previous page's last id).
    pub before_id: Option<i64>,
    /// Page size: 50 when 0, at most [`MAX_AUDIT_PAGE`].
    pub limit: u32,
}

impl AuditQuery {
    /// The page size in force.
    #[must_use]
    pub fn page_size(&self) -> u32 {
        match self.limit {
            0 => 50,
            n => n.min(MAX_AUDIT_PAGE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_are_url_safe_and_never_the_admin_tokens() {
        assert!(validate_operator_name("maria.silva").is_ok());
        assert!(validate_operator_name("").is_err());
        assert!(validate_operator_name("Maria").is_err());
        assert!(validate_operator_name(".x").is_err());
        assert!(validate_operator_name(Actor::ADMIN_TOKEN).is_err());
    }

    #[test]
    fn an_operator_and_a_session_debug_without_hash_or_token() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let operator = Operator {
            name: "maria".into(),
            role: Role::Viewer,
            password_hash: "$argon2id$v=19$secret-hash".into(),
            created_at: at,
            disabled: false,
        };
        assert!(!format!("{operator:?}").contains("secret-hash"));
        let session = OperatorSession {
            token_hash: "abcdef0123".into(),
            operator: "maria".into(),
            csrf_token: "csrf-value-1".into(),
            created_at: at,
            expires_at: at,
        };
        let shown = format!("{session:?}");
        assert!(!shown.contains("abcdef0123") && !shown.contains("csrf-value-1"));
    }

    #[test]
    fn roles_read_back_their_own_names_and_nothing_else() {
        for role in [Role::Admin, Role::Viewer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
        assert!(Role::Admin.may_change());
        assert!(!Role::Viewer.may_change());
    }
}
