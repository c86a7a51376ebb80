//! The extractors of the public API. Each one turns a malformed request into a [`Problem`], so
//! no handler ever answers axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use ponte_core::service::ErrorCode;
use serde_json::Value;

use crate::Problem;

/// The API key of `Authorization: Bearer <key>`.
///
/// A missing or malformed header is `unauthorized` here; whether the key is known is the
/// service's business.
#[derive(Debug)]
pub struct BearerKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .filter(|key| !key.is_empty());
        match key {
            Some(key) => Ok(BearerKey(key.to_owned())),
            None => Err(Problem::new(
                ErrorCode::Unauthorized,
                "Send the integration's API key as `Authorization: Bearer <key>`.",
            )),
        }
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
