//! OAuth2 as Hubsoft runs it (erps.md §6.2, addendum §2): `POST /oauth/token` with the password
//! grant (JSON or a form, the client credentials in the body or as HTTP Basic) answers
//! `{token_type, expires_in, access_token, refresh_token}`; every API call sends
//! `Authorization: Bearer <access_token>` and gets 401 when the token is missing, wrong,
//! expired or revoked. Tokens expire after `token_lifetime_secs` on the simulator's token clock,
//! and can all be revoked at once, as the real server does during updates.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::codes::hex;
use super::guesses::{INVALID_CLIENT, INVALID_REFRESH, INVALID_REQUEST, UNSUPPORTED_GRANT};
use super::state::HubsoftState;
use super::wire::{JSON_CONTENT_TYPE, Params, body, unauthenticated};
use crate::rng::Rng;

/// The documented answer to wrong user credentials (erps.md §6.2).
const INVALID_CREDENTIALS: (&str, &str) = (
    "invalid_credentials",
    "The user credentials were incorrect.",
);

/// The issued tokens and when they expire, on the token clock (milliseconds).
#[derive(Debug)]
pub(crate) struct TokenStore {
    rng: Rng,
    access: HashMap<String, i64>,
    refresh: HashMap<String, (i64, String)>,
}

impl TokenStore {
    pub(crate) fn new(seed: u64) -> Self {
        TokenStore {
            rng: Rng::new(seed ^ 0x0A17_4C0D_E5EE_D000),
            access: HashMap::new(),
            refresh: HashMap::new(),
        }
    }

    /// A new access token and its refresh token.
    fn issue(
        &mut self,
        now_ms: i64,
        lifetime_secs: u64,
        refresh_secs: u64,
        aud: &str,
    ) -> (String, String) {
        let jti = hex(&mut self.rng, 80);
        let header =
            URL_SAFE_NO_PAD.encode(json!({"typ": "JWT", "alg": "RS256", "jti": jti}).to_string());
        let issued = now_ms / 1000;
        let lifetime = i64::try_from(lifetime_secs).unwrap_or(i64::MAX / 2000);
        let payload = URL_SAFE_NO_PAD.encode(
            json!({"aud": aud, "jti": jti, "iat": issued, "nbf": issued,
                   "exp": issued.saturating_add(lifetime), "sub": "1", "scopes": []})
            .to_string(),
        );
        let signature = URL_SAFE_NO_PAD.encode(hex(&mut self.rng, 128));
        let access = format!("{header}.{payload}.{signature}");
        let refresh = format!("def50200{}", hex(&mut self.rng, 600));
        let refresh_lifetime = i64::try_from(refresh_secs).unwrap_or(i64::MAX / 2000);
        self.access.insert(
            access.clone(),
            now_ms.saturating_add(lifetime.saturating_mul(1000)),
        );
        self.refresh.insert(
            refresh.clone(),
            (
                now_ms.saturating_add(refresh_lifetime.saturating_mul(1000)),
                access.clone(),
            ),
        );
        (access, refresh)
    }

    /// Whether `token` was issued, is not revoked and has not expired.
    pub(crate) fn valid(&self, token: &str, now_ms: i64) -> bool {
        self.access
            .get(token)
            .is_some_and(|expires| now_ms < *expires)
    }

    /// Spends a refresh token: it and the access token it came with stop working.
    fn redeem(&mut self, token: &str, now_ms: i64) -> bool {
        match self.refresh.remove(token) {
            Some((expires, access)) => {
                self.access.remove(&access);
                now_ms < expires
            }
            None => false,
        }
    }

    /// Every token issued so far stops working.
    pub(crate) fn revoke_all(&mut self) {
        self.access.clear();
        self.refresh.clear();
    }
}

/// An OAuth2 error answer: `{error, error_description, [hint], message}`.
fn oauth_error(
    status: StatusCode,
    (code, description): (&str, &str),
    hint: Option<&str>,
) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("error".into(), Value::from(code));
    body.insert("error_description".into(), Value::from(description));
    if let Some(hint) = hint {
        body.insert("hint".into(), Value::from(hint));
    }
    body.insert("message".into(), Value::from(description));
    (
        status,
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        Value::Object(body).to_string(),
    )
        .into_response()
}

fn missing(parameter: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        INVALID_REQUEST,
        Some(&format!("Check the `{parameter}` parameter")),
    )
}

/// Client id and secret from the body, or from an HTTP Basic header.
fn client_credentials(
    headers: &HeaderMap,
    params: &Params<'_>,
) -> (Option<String>, Option<String>) {
    let (mut id, mut secret) = (params.text("client_id"), params.text("client_secret"));
    if id.is_none()
        && let Some(decoded) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b| STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
        && let Some((user, pass)) = decoded.split_once(':')
    {
        id = Some(user.to_string());
        secret = Some(pass.to_string());
    }
    (id, secret)
}

/// `POST /oauth/token`.
pub(crate) async fn token(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let fields = body(&headers, &bytes);
    let params = Params::new(&fields);
    let config = state.config();
    let Some(grant) = params.text("grant_type") else {
        return missing("grant_type");
    };
    let refresh = match grant.as_str() {
        "password" => false,
        "refresh_token" if config.refresh_grant => true,
        _ => return oauth_error(StatusCode::BAD_REQUEST, UNSUPPORTED_GRANT, None),
    };
    let (client_id, client_secret) = client_credentials(&headers, &params);
    let Some(client_id) = client_id else {
        return missing("client_id");
    };
    if client_id != config.client_id
        || client_secret.as_deref() != Some(config.client_secret.as_str())
    {
        return oauth_error(StatusCode::UNAUTHORIZED, INVALID_CLIENT, None);
    }
    let mut inner = state.lock();
    let now = state.now_ms(&inner);
    if refresh {
        let Some(token) = params.text("refresh_token") else {
            return missing("refresh_token");
        };
        if inner.user_revoked || !inner.tokens.redeem(&token, now) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                INVALID_REFRESH,
                Some("Token has been revoked"),
            );
        }
    } else {
        let Some(username) = params.text("username") else {
            return missing("username");
        };
        let Some(password) = params.text("password") else {
            return missing("password");
        };
        if inner.user_revoked || username != config.username || password != config.password {
            return oauth_error(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS, None);
        }
    }
    let (access, refresh_token) = inner.tokens.issue(
        now,
        config.token_lifetime_secs,
        config.refresh_token_lifetime_secs,
        &config.client_id,
    );
    let answer = json!({
        "token_type": "Bearer",
        "expires_in": config.token_lifetime_secs,
        "access_token": access,
        "refresh_token": refresh_token,
    });
    super::wire::json_ok(&answer)
}

/// Whether the request carries `Authorization: Bearer <a valid token>`.
pub(crate) fn authorized(state: &HubsoftState, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return false;
    }
    let inner = state.lock();
    let now = state.now_ms(&inner);
    inner.tokens.valid(token.trim(), now)
}

/// Middleware of every `/api/v1/integracao` route: 401 unless the Bearer token is valid.
pub(crate) async fn require_token(
    State(state): State<HubsoftState>,
    request: Request,
    next: Next,
) -> Response {
    if authorized(&state, request.headers()) {
        next.run(request).await
    } else {
        unauthenticated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_expires_and_a_refresh_token_works_once() {
        let mut store = TokenStore::new(1);
        let (access, refresh) = store.issue(0, 10, 20, "3");
        assert!(store.valid(&access, 9_999));
        assert!(!store.valid(&access, 10_000));
        assert!(store.redeem(&refresh, 5_000));
        assert!(
            !store.valid(&access, 5_001),
            "the old token goes with its refresh token"
        );
        assert!(!store.redeem(&refresh, 5_002));
    }

    #[test]
    fn tokens_look_like_jwts_and_refresh_tokens_like_the_vendor_sample() {
        let mut store = TokenStore::new(1);
        let (access, refresh) = store.issue(0, 10, 20, "3");
        assert_eq!(access.split('.').count(), 3);
        assert!(access.starts_with("eyJ"));
        assert!(refresh.starts_with("def50200"));
        store.revoke_all();
        assert!(!store.valid(&access, 1));
    }
}
