//! IXC's transport habits: Basic auth with `userId:token`, bodies as JSON or forms with every
//! value a string, successes as `text/x-json`, errors as HTTP 200 `text/html` envelopes.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::config::IxcConfig;
use super::guesses::{BAD_BODY_MESSAGE, UNAUTHORIZED_BODY};

/// Content type of IXC's successful JSON answers.
pub const JSON_CONTENT_TYPE: &str = "text/x-json";

/// A request body: field name to value, values kept as the client sent them.
pub(crate) type Fields = Map<String, Value>;

/// 200 `text/x-json`.
pub(crate) fn ok_json(value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        value.to_string(),
    )
        .into_response()
}

/// 200 `text/html` with `{"type":"error","message":...}`: IXC's way of failing.
pub(crate) fn error(message: impl Into<String>) -> Response {
    let body = json!({"type": "error", "message": message.into()});
    ([(header::CONTENT_TYPE, "text/html")], body.to_string()).into_response()
}

/// `{"type":"success","message":...,"id":...}`.
pub(crate) fn success(message: &str, id: &str) -> Response {
    ok_json(&json!({"type": "success", "message": message, "id": id}))
}

/// The 401 IXC gives for a wrong or missing token.
pub(crate) fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::CONTENT_TYPE, "text/html"),
            (header::WWW_AUTHENTICATE, "Basic realm=\"webservice\""),
        ],
        UNAUTHORIZED_BODY,
    )
        .into_response()
}

/// Whether the `Authorization` header carries `Basic base64(userId:token)` for this config.
pub(crate) fn authorized(headers: &HeaderMap, config: &IxcConfig) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .is_some_and(|decoded| decoded == config.credential())
}

/// Reads a body as a JSON object, or as a form (the official PHP client form-encodes).
/// On failure, the error message to send.
pub(crate) fn fields(headers: &HeaderMap, body: &[u8]) -> Result<Fields, &'static str> {
    let text = std::str::from_utf8(body)
        .map_err(|_| BAD_BODY_MESSAGE)?
        .trim();
    if text.is_empty() {
        return Ok(Fields::new());
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form || text.starts_with('{') {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
            return Ok(map);
        }
        if !is_form {
            return Err(BAD_BODY_MESSAGE);
        }
    }
    Ok(url::form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect())
}

/// A field as IXC reads it: strings as they are, numbers and booleans in their text form,
/// anything else (absent, null, arrays) as `""`.
pub(crate) fn text(fields: &Fields, key: &str) -> String {
    match fields.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_credential_is_authorized() {
        let config = IxcConfig::default();
        let mut headers = HeaderMap::new();
        let good = format!("Basic {}", STANDARD.encode(config.credential()));
        headers.insert(header::AUTHORIZATION, good.parse().unwrap());
        assert!(authorized(&headers, &config));
        let bad = format!(
            "Basic {}",
            STANDARD.encode(format!("{}:nope", config.user_id))
        );
        headers.insert(header::AUTHORIZATION, bad.parse().unwrap());
        assert!(!authorized(&headers, &config));
        assert!(!authorized(&HeaderMap::new(), &config));
    }

    #[test]
    fn form_bodies_are_read_like_json_ones() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let form = fields(&headers, b"qtype=cliente.id&query=1&oper=%3D").unwrap();
        assert_eq!(text(&form, "oper"), "=");
        let json = fields(&HeaderMap::new(), br#"{"page":2}"#).unwrap();
        assert_eq!(text(&json, "page"), "2");
    }
}
