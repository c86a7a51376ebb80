//! SGP's transport habits: parameters in a form body, a JSON body or the query string (Django
//! REST Framework reads all three), JSON answers, refusals in Django REST Framework's
//! `{"detail": ...}` style, and Django's HTML page for unknown routes.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::guesses::SgpGuesses;

/// Content type of SGP's JSON answers.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Django REST Framework's refusal of a wrong credential, as a probe of the vendor's demo
/// instance answered it (erps-addendum §3 auth; [MEAS], the status was not recorded).
pub const BAD_CREDENTIALS: &str = "Credenciais de autenticação incorretas.";

/// Django REST Framework's "not found" for an object named in the path.
pub const NOT_FOUND: &str = "Não encontrado.";

/// A finished refusal, boxed because a response is large and travels in `Err`.
pub(crate) type Refusal = Box<Response>;

/// The request's parameters: the query string first, then the body's fields over it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub Map<String, Value>);

impl Params {
    /// Reads the query and the body (JSON when it looks like JSON, else a form). A body that
    /// is neither is Django REST Framework's parse error.
    pub fn read(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Self, Refusal> {
        let mut map = Map::new();
        if let Some(query) = query {
            for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
                map.insert(key.into_owned(), Value::String(value.into_owned()));
            }
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| Box::new(parse_error()))?
            .trim();
        if text.is_empty() {
            return Ok(Params(map));
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type.starts_with("application/json") || text.starts_with('{') {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(fields)) => map.extend(fields),
                _ => return Err(Box::new(parse_error())),
            }
        } else {
            for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
                map.insert(key.into_owned(), Value::String(value.into_owned()));
            }
        }
        Ok(Params(map))
    }

    /// A field as text (numbers and booleans in their text form), trimmed; `""` when absent.
    pub fn text(&self, key: &str) -> String {
        match self.0.get(key) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    }

    /// Whether the field was sent with a non-empty value.
    pub fn has(&self, key: &str) -> bool {
        !self.text(key).is_empty()
    }

    /// A field as a positive id.
    pub fn id(&self, key: &str) -> Option<u64> {
        self.text(key).parse().ok()
    }

    /// A switch: `1`, `true`, `True`, `sim`, `S` or a JSON `true`.
    pub fn flag(&self, key: &str) -> bool {
        matches!(
            self.text(key).to_lowercase().as_str(),
            "1" | "true" | "sim" | "s" | "on"
        )
    }

    /// `offset` and `limit`, with the endpoint's default and maximum for `limit`.
    pub fn page(&self, default: usize, max: usize, clamp: bool) -> Result<(usize, usize), String> {
        let offset = match self.text("offset") {
            t if t.is_empty() => 0,
            t => t.parse().map_err(|_| format!("offset inválido: {t}"))?,
        };
        let limit = match self.text("limit") {
            t if t.is_empty() => default,
            t => t.parse().map_err(|_| format!("limit inválido: {t}"))?,
        };
        if limit > max && !clamp {
            return Err(format!("limit máximo: {max}"));
        }
        Ok((offset, limit.min(max)))
    }
}

/// 200 with a JSON body.
pub(crate) fn ok(value: &Value) -> Response {
    with_status(StatusCode::OK, value)
}

/// A JSON body with this status.
pub(crate) fn with_status(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        value.to_string(),
    )
        .into_response()
}

/// A refused or missing credential.
pub(crate) fn unauthorized(guesses: &SgpGuesses, detail: &str) -> Response {
    let status =
        StatusCode::from_u16(guesses.unauthorized_status).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut response = with_status(status, &json!({ "detail": detail }));
    if status == StatusCode::UNAUTHORIZED
        && let Some(realm) = guesses
            .www_authenticate
            .as_deref()
            .and_then(|v| v.parse().ok())
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, realm);
    }
    response
}

/// Django REST Framework's 404 for an object named in the path.
pub(crate) fn not_found() -> Response {
    with_status(StatusCode::NOT_FOUND, &json!({ "detail": NOT_FOUND }))
}

/// Django's 404 page for a route that does not exist.
pub(crate) fn unknown_route(guesses: &SgpGuesses) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        guesses.unknown_route_body.clone(),
    )
        .into_response()
}

/// Django REST Framework's answer to a method the route does not take.
pub(crate) fn method_not_allowed(method: &str) -> Response {
    with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({ "detail": format!("Método \"{method}\" não é permitido.") }),
    )
}

fn parse_error() -> Response {
    with_status(
        StatusCode::BAD_REQUEST,
        &json!({ "detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)" }),
    )
}

/// A boolean as the instance writes it: JSON `true`/`false`, or `"True"`/`"False"` on the
/// instances that send strings.
pub(crate) fn boolean(guesses: &SgpGuesses, value: bool) -> Value {
    if guesses.booleans_as_strings {
        Value::String(if value { "True" } else { "False" }.to_string())
    } else {
        Value::Bool(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_form_and_json_parameters_are_read_alike() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let form = Params::read(Some("app=x"), &headers, b"token=t&cpfcnpj=123").unwrap();
        assert_eq!(form.text("app"), "x");
        assert_eq!(form.text("cpfcnpj"), "123");
        let json = Params::read(None, &HeaderMap::new(), br#"{"contrato": 308}"#).unwrap();
        assert_eq!(json.id("contrato"), Some(308));
        assert!(Params::read(None, &HeaderMap::new(), b"{broken").is_err());
    }

    #[test]
    fn pages_use_the_default_and_respect_the_maximum() {
        let p = Params::read(Some("limit=500&offset=10"), &HeaderMap::new(), b"").unwrap();
        assert_eq!(p.page(250, 250, true), Ok((10, 250)));
        assert!(p.page(250, 250, false).is_err());
        assert_eq!(Params::default().page(100, 100, true), Ok((0, 100)));
    }
}
