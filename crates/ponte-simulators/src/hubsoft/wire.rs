//! Hubsoft's transport habits (erps.md §6.2): JSON in and out, the `{status, msg, ...}`
//! envelope, business and validation errors as HTTP 200 with `status: "error"`, 401 only for
//! credentials. Parameters arrive as query strings on `GET` and as JSON (or a form, which the
//! server's framework reads the same way) on `POST`; empty values count as absent.

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::Date;

use super::guesses::{
    NOT_FOUND_BODY, UNAUTHENTICATED_BODY, VALIDATION_MESSAGE, above_max, below_min, invalid_value,
    not_a_date, not_integer, required,
};
use super::values::{parse_iso, parse_money};

/// Content type of every JSON answer.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Request parameters by name, values as the client sent them.
pub(crate) type Fields = Map<String, Value>;

/// 200 with a JSON body.
pub(crate) fn json_ok(value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        value.to_string(),
    )
        .into_response()
}

/// `{"status": <word>, "msg": <msg>, ...payload}` with HTTP 200.
pub(crate) fn envelope(word: &str, msg: &str, payload: Value) -> Response {
    let mut body = Map::new();
    body.insert("status".into(), Value::from(word));
    body.insert("msg".into(), Value::from(msg));
    if let Value::Object(fields) = payload {
        body.extend(fields);
    }
    json_ok(&Value::Object(body))
}

/// A success envelope.
pub(crate) fn success(msg: &str, payload: Value) -> Response {
    envelope("success", msg, payload)
}

/// `{"status":"error","msg":...,"errors":[]}`: the usual business refusal (documented on
/// `liquidar` and `solicitar_desconexao`).
pub(crate) fn error(msg: &str) -> Response {
    envelope("error", msg, json!({"errors": []}))
}

/// `{"status":"error","msg":...}` without `errors`, as the prospect endpoints refuse.
pub(crate) fn error_bare(msg: &str) -> Response {
    envelope("error", msg, json!({}))
}

/// The validation refusal: the fixed message and every problem in `errors` (documented).
pub(crate) fn invalid(errors: Vec<String>) -> Response {
    envelope("error", VALIDATION_MESSAGE, json!({"errors": errors}))
}

/// The 401 a missing, wrong, expired or revoked token gets.
pub(crate) fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        UNAUTHENTICATED_BODY,
    )
        .into_response()
}

/// The 404 of a path no route serves.
pub(crate) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        NOT_FOUND_BODY,
    )
        .into_response()
}

/// The query string as fields (the first of repeated keys wins).
pub(crate) fn query(uri: &Uri) -> Fields {
    let mut fields = Fields::new();
    for (key, value) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        fields
            .entry(key.into_owned())
            .or_insert(Value::String(value.into_owned()));
    }
    fields
}

/// A request body as fields: a JSON object, or a form. A body that is neither reads as empty,
/// so the validation of required fields answers, as the server does.
pub(crate) fn body(headers: &HeaderMap, bytes: &[u8]) -> Fields {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        return url::form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map,
        _ => Fields::new(),
    }
}

/// `http://host` of the request, so links point back at the address the client used.
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Reads and checks parameters, collecting every problem before answering, as the server's
/// validator does.
pub(crate) struct Params<'a> {
    fields: &'a Fields,
    errors: Vec<String>,
}

impl<'a> Params<'a> {
    pub(crate) fn new(fields: &'a Fields) -> Self {
        Params {
            fields,
            errors: Vec::new(),
        }
    }

    /// The raw value, `None` when absent, null or an empty string.
    pub(crate) fn value(&self, key: &str) -> Option<&'a Value> {
        match self.fields.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    /// The value as text (numbers and booleans in their JSON form).
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.value(key)? {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Records a problem found outside this helper.
    pub(crate) fn fail(&mut self, message: String) {
        self.errors.push(message);
    }

    /// A text that must be there.
    pub(crate) fn required(&mut self, key: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_none() {
            self.errors.push(required(key));
        }
        text
    }

    /// A whole number above zero, required or not.
    pub(crate) fn id(&mut self, key: &str, must: bool) -> Option<u64> {
        match self.value(key) {
            None => {
                if must {
                    self.errors.push(required(key));
                }
                None
            }
            Some(value) => {
                let parsed = match value {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.trim().parse::<u64>().ok(),
                    _ => None,
                };
                match parsed {
                    Some(n) if n > 0 => Some(n),
                    _ => {
                        self.errors.push(not_integer(key));
                        None
                    }
                }
            }
        }
    }

    /// One of `allowed`, or `default` when absent.
    pub(crate) fn choice(&mut self, key: &str, allowed: &[&str], default: &str) -> String {
        match self.text(key) {
            None => default.to_string(),
            Some(v) if allowed.contains(&v.as_str()) => v,
            Some(_) => {
                self.errors.push(invalid_value(key));
                default.to_string()
            }
        }
    }

    /// `sim`/`nao` as a boolean.
    pub(crate) fn yes_no(&mut self, key: &str, default: bool) -> bool {
        self.choice(key, &["sim", "nao"], if default { "sim" } else { "nao" }) == "sim"
    }

    /// A whole number within `min..=max`, `default` when absent.
    pub(crate) fn bounded(&mut self, key: &str, min: u64, max: u64, default: u64) -> u64 {
        let Some(value) = self.value(key) else {
            return default;
        };
        let parsed = match value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        match parsed {
            None => {
                self.errors.push(not_integer(key));
                default
            }
            Some(n) if n < min => {
                self.errors.push(below_min(key, min));
                default
            }
            Some(n) if n > max => {
                self.errors.push(above_max(key, max));
                default
            }
            Some(n) => n,
        }
    }

    /// A `YYYY-MM-DD` date, if given.
    pub(crate) fn date(&mut self, key: &str) -> Option<Date> {
        let text = self.text(key)?;
        let parsed = parse_iso(&text);
        if parsed.is_none() {
            self.errors.push(not_a_date(key));
        }
        parsed
    }

    /// Money in cents, required or not.
    pub(crate) fn money(&mut self, key: &str, must: bool) -> Option<i64> {
        let Some(value) = self.value(key) else {
            if must {
                self.errors.push(required(key));
            }
            return None;
        };
        let parsed = parse_money(value);
        if parsed.is_none() {
            self.errors.push(invalid_value(key));
        }
        parsed
    }

    /// The problems found so far, to merge into another set of parameters.
    pub(crate) fn into_errors(self) -> Vec<String> {
        self.errors
    }

    /// The validation refusal, when anything was wrong.
    pub(crate) fn refusal(self) -> Option<Response> {
        (!self.errors.is_empty()).then(|| invalid(self.errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_absent_and_problems_are_collected() {
        let fields = query(
            &"/x?busca=&limit=500&termo_busca=a&pagina=abc"
                .parse()
                .unwrap(),
        );
        let mut p = Params::new(&fields);
        assert_eq!(p.text("busca"), None);
        assert_eq!(p.bounded("limit", 1, 100, 5), 5);
        assert_eq!(p.bounded("pagina", 0, 10, 0), 0);
        assert_eq!(p.required("termo_busca").as_deref(), Some("a"));
        p.required("busca");
        let Some(response) = p.refusal() else {
            panic!("three problems were found")
        };
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[test]
    fn bodies_are_read_as_json_or_as_forms() {
        let mut headers = HeaderMap::new();
        assert_eq!(body(&headers, br#"{"a":1}"#)["a"], 1);
        assert!(body(&headers, b"not json").is_empty());
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert_eq!(body(&headers, b"a=1&b=x%20y")["b"], "x y");
    }
}
