//! Who is signed in to the console, and the guards every change passes.
//!
//! A session is a random token in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` when the
//! request came over TLS, as a TLS-terminating proxy says with `X-Forwarded-Proto: https`);
//! only its SHA-256 is kept. Each session has its own CSRF token, which every form that changes
//! something carries in a hidden field. A change is refused, and nothing is changed, when:
//!
//! - the browser says the request comes from another site (`Sec-Fetch-Site: cross-site` or
//!   `same-site`), or its `Origin` is not this console's;
//! - the session is missing or expired (the operator goes back to the sign-in page);
//! - the form's CSRF token is not the session's;
//! - the operator's role may not change anything (a viewer).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::model::Actor;
use ponte_core::service::operators::is_session_token;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::pages::refusal;
use crate::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "ponte_console";

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// How long a session lasts when nothing else is configured.
pub const DEFAULT_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// A signed-in operator.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who acts.
    pub actor: Actor,
    /// The token every change must carry.
    pub csrf: String,
    expires: Instant,
}

/// The console's open sessions, by the SHA-256 of their token.
#[derive(Debug)]
pub struct Sessions {
    open: Mutex<HashMap<String, Session>>,
    ttl: Duration,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::new(DEFAULT_TTL)
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    /// Sessions that last `ttl` from sign-in.
    #[must_use]
    pub fn new(ttl: Duration) -> Self {
        Sessions {
            open: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    /// Opens a session for `actor`; the answer is the cookie's token.
    pub fn open(&self, actor: Actor) -> String {
        let token = random_token();
        let session = Session {
            actor,
            csrf: random_token(),
            expires: Instant::now() + self.ttl,
        };
        if let Ok(mut open) = self.open.lock() {
            let now = Instant::now();
            open.retain(|_, s| s.expires > now);
            open.insert(digest(&token), session);
        }
        token
    }

    /// The session of a cookie's token, unless it is unknown or expired.
    pub fn find(&self, token: &str) -> Option<Session> {
        let mut open = self.open.lock().ok()?;
        let key = digest(token);
        match open.get(&key) {
            Some(session) if session.expires > Instant::now() => Some(session.clone()),
            Some(_) => {
                open.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends the session of a cookie's token.
    pub fn close(&self, token: &str) {
        if let Ok(mut open) = self.open.lock() {
            open.remove(&digest(token));
        }
    }
}

/// The session cookie's value, when the request has one.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` that opens a session.
pub fn set_cookie(headers: &HeaderMap, token: &str) -> HeaderValue {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("ponte_console=; Path=/console"))
}

/// The `Set-Cookie` that forgets the session.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("ponte_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Where a request that needs a session goes without one: the sign-in page, saying why.
fn to_sign_in(had_cookie: bool) -> Response {
    let target = if had_cookie {
        "/console/entrar?motivo=expirou"
    } else {
        "/console/entrar"
    };
    let mut response = Redirect::to(target).into_response();
    if had_cookie {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, clear_cookie());
    }
    response
}

/// The signed-in operator of a page; without a session, the request goes to the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie_token(&parts.headers);
        let session = match token.as_deref() {
            Some(token) => find_session(state, token).await,
            None => None,
        };
        match session {
            Some(session) => Ok(SignedIn(session)),
            None => Err(to_sign_in(token.is_some())),
        }
    }
}

/// The session a cookie's token opens: a named operator's, kept by the service (and so shared
/// by every node), or one of the bootstrap admin token, kept by this process.
pub async fn find_session(state: &AppState, token: &str) -> Option<Session> {
    if is_session_token(token) {
        let active = state.ponte.session(token).await.ok()?;
        return Some(Session {
            actor: active.actor,
            csrf: active.csrf_token,
            expires: Instant::now(),
        });
    }
    state.console.sessions.find(token)
}

/// Whether the browser says this request comes from another site.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    // `Origin: null` (a sandboxed or privacy-sensitive context) is not this console either.
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    origin_host != Some(host)
}

/// A change: the operator, checked as the module says, and the submitted form.
#[derive(Debug)]
pub struct Change {
    /// The operator making it.
    pub session: Session,
    /// The form's fields in order (the CSRF token included).
    pub fields: Vec<(String, String)>,
}

impl Change {
    /// The first value of a field, trimmed; `""` when absent.
    #[must_use]
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    }
}

impl FromRequest<AppState> for Change {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        if cross_site(&parts.headers) {
            return Err(refusal(403, "refused.cross_site"));
        }
        let SignedIn(session) = SignedIn::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|_| refusal(400, "refused.csrf"))?;
        let csrf_ok = fields.iter().any(|(key, value)| {
            key == CSRF_FIELD && constant_time_eq(value.as_bytes(), session.csrf.as_bytes())
        });
        if !csrf_ok {
            return Err(refusal(403, "refused.csrf"));
        }
        if !session.actor.role.may_change() {
            return Err(refusal(403, "refused.viewer"));
        }
        Ok(Change { session, fields })
    }
}

/// Compares a presented CSRF token with the session's in constant time.
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_found_by_its_token_until_it_expires_or_closes() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let token = sessions.open(Actor::admin_token());
        assert_eq!(sessions.find(&token).unwrap().actor, Actor::admin_token());
        assert!(sessions.find("other").is_none());
        sessions.close(&token);
        assert!(sessions.find(&token).is_none());
        let expired = Sessions::new(Duration::ZERO).open(Actor::admin_token());
        assert!(Sessions::new(Duration::ZERO).find(&expired).is_none());
    }

    #[test]
    fn requests_from_another_site_are_recognised() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("ponte.local:8080"));
        assert!(!cross_site(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://ponte.local:8080"),
        );
        assert!(!cross_site(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(cross_site(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(cross_site(&headers));
        headers.remove(header::ORIGIN);
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&headers));
    }
}
