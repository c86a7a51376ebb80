//! The extractors of the API. Each one turns a malformed request into a [`Problem`], so no
//! handler ever answers axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use ponte_core::model::ApiKey;
use ponte_core::service::{ErrorCode, admin_token_matches};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{AppState, Problem};

/// The credential of `Authorization: Bearer <credential>`, when the header has that shape.
fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credential)| credential.trim())
        .filter(|credential| !credential.is_empty())
}

/// The API key of `Authorization: Bearer <key>`.
///
/// A missing or malformed header is `unauthorized` here; whether the key is known is the
/// service's business.
#[derive(Debug)]
pub struct BearerKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            Some(key) => Ok(BearerKey(key.to_owned())),
            None => Err(Problem::new(
                ErrorCode::Unauthorized,
                "Send the integration's API key as `Authorization: Bearer <key>`.",
            )),
        }
    }
}

/// Leave to use the admin API: `Authorization: Bearer <admin token>`, compared with the token
/// in [`AppState::admin_token`] by their SHA-256 digests. Without a configured token the admin
/// API is off and every request is `unauthorized`. An integration's API key never passes.
#[derive(Debug)]
pub struct AdminAccess(());

impl FromRequestParts<AppState> for AdminAccess {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let refuse = |detail: &str| Problem::new(ErrorCode::Unauthorized, detail);
        let Some(token) = &state.admin_token else {
            return Err(refuse(
                "The admin API is off until `security.admin_token` is set.",
            ));
        };
        match bearer(parts) {
            None => Err(refuse(
                "Send the admin token as `Authorization: Bearer <token>`.",
            )),
            Some(presented) if ApiKey::lookup_prefix(presented).is_some() => Err(refuse(
                "An integration's API key does not open the admin API; send the admin token.",
            )),
            Some(presented) if admin_token_matches(token, presented) => Ok(AdminAccess(())),
            Some(_) => Err(refuse("The admin token is not valid.")),
        }
    }
}

/// Path parameters; a path that does not parse names nothing, so it is `not_found`.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(params)) => Ok(PathParams(params)),
            Err(_) => Err(Problem::new(
                ErrorCode::NotFound,
                format!("No resource answers {}.", parts.uri.path()),
            )),
        }
    }
}

/// Query parameters; one that does not parse is `invalid_input`, naming it.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(params)| QueryParams(params))
            .map_err(|rejection| {
                Problem::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "The query string does not parse: {}.",
                        rejection.body_text()
                    ),
                )
            })
    }
}

/// A JSON request body. An empty body is `{}` (functions without inputs need none); anything
/// else must be sent as `application/json` and parse.
#[derive(Debug)]
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(is_json_media_type);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(unreadable_body)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(Value::Object(serde_json::Map::new())));
        }
        if is_json != Some(true) {
            return Err(Problem::new(
                ErrorCode::UnsupportedMediaType,
                "Send the inputs with `Content-Type: application/json`.",
            ));
        }
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|err| {
            Problem::new(
                ErrorCode::InvalidJson,
                format!("The body is not valid JSON: {err}."),
            )
        })
    }
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn unreadable_body(rejection: BytesRejection) -> Problem {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(
            ErrorCode::PayloadTooLarge,
            "The body is larger than this server accepts.",
        )
    } else {
        Problem::new(ErrorCode::InvalidJson, "The body could not be read.")
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn json_media_types_are_recognised_with_parameters_and_suffixes() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(is_json_media_type("application/merge-patch+json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/x-www-form-urlencoded"));
    }
}
