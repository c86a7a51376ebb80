//! The extractors of the API, one per kind of request part. Each one turns a malformed
//! request into a [`Problem`] with a code of the table, so no handler ever answers axum's
//! plain-text rejections:
//!
//! | part | extractor | refusal |
//! |---|---|---|
//! | API key | [`Authenticated`] (checked against the store), [`BearerKey`] (shape only) | `unauthorized` |
//! | admin token or operator session | [`AdminAccess`] | `unauthorized` (`forbidden` for a viewer's change) |
//! | path | [`PathParams`] | `not_found` |
//! | query | [`QueryParams`] | `invalid_parameter` |
//! | body | [`JsonBody`] | `invalid_json`, `unsupported_media_type`, `payload_too_large` |
//!
//! Unknown paths and methods are answered by the router's fallbacks in [`crate::problem`].
//! Extractors that read headers run before the body is read, so a request without valid
//! credentials is refused without its body being read at all.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use ponte_catalog::{InputError, InputErrorCode};
use ponte_core::model::{Actor, ApiKey};
use ponte_core::service::operators::is_session_token;
use ponte_core::service::{CallError, Caller, ErrorCode, admin_token_matches};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{AppState, Problem};

/// The credential of `Authorization: Bearer <credential>`, when the header has that shape.
pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
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

/// The bearer credential when one is sent, for routes that also take a signed link instead.
#[derive(Debug)]
pub struct MaybeBearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeBearer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeBearer(bearer(parts).map(str::to_owned)))
    }
}

/// The caller of an integration's route, its API key checked against the store: a missing,
/// malformed, unknown or revoked key is `unauthorized` before the request's body is read.
#[derive(Debug)]
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let BearerKey(key) = BearerKey::from_request_parts(parts, state).await?;
        Ok(Authenticated(state.ponte.authenticate(&key).await?))
    }
}

/// Leave to use the admin API: `Authorization: Bearer <credential>`, where the credential is
/// the admin token (compared with [`AppState::admin_token`] by their SHA-256 digests) or an
/// operator's session token (`POST /admin/v1/sessions`, looked up by its hash). Without a
/// configured admin token the admin API is off and every request is `unauthorized`. An
/// integration's API key never passes.
///
/// It carries the [`Actor`] the request acts as, which the audit log names; every route that
/// changes something calls [`AdminAccess::require_admin`] first.
#[derive(Debug)]
pub struct AdminAccess(pub Actor);

impl AdminAccess {
    /// Refuses with `forbidden` (403) an actor whose role may not change anything. (A
    /// [`CallError`], which `?` turns into the handler's [`Problem`].)
    pub fn require_admin(&self) -> Result<(), CallError> {
        if self.0.role.may_change() {
            Ok(())
        } else {
            Err(CallError::new(
                ErrorCode::Forbidden,
                format!(
                    "`{}` signed in as a viewer, who reads but changes nothing.",
                    self.0.name
                ),
            ))
        }
    }

    /// The actor to hand to the service's admin use cases.
    pub fn actor(&self) -> &Actor {
        &self.0
    }
}

/// The bearer credential of an admin request, checked: the admin token or a live session.
async fn admin_actor(state: &AppState, presented: &str) -> Result<Actor, Problem> {
    if let Some(token) = &state.admin_token
        && admin_token_matches(token, presented)
    {
        return Ok(Actor::admin_token());
    }
    if is_session_token(presented) {
        return Ok(state.ponte.session(presented).await?.actor);
    }
    Err(Problem::new(
        ErrorCode::Unauthorized,
        "The admin token is not valid.",
    ))
}

impl FromRequestParts<AppState> for AdminAccess {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let refuse = |detail: &str| Problem::new(ErrorCode::Unauthorized, detail);
        if state.admin_token.is_none() {
            return Err(refuse(
                "The admin API is off until `security.admin_token` is set.",
            ));
        }
        match bearer(parts) {
            None => Err(refuse(
                "Send the admin token as `Authorization: Bearer <token>`.",
            )),
            Some(presented) if ApiKey::lookup_prefix(presented).is_some() => Err(refuse(
                "An integration's API key does not open the admin API; send the admin token.",
            )),
            Some(presented) => admin_actor(state, presented).await.map(AdminAccess),
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

/// Query parameters. A missing required one, or one that does not parse as its type, is
/// `invalid_parameter` naming it (`errors[0].path` is `?name`); unknown ones are ignored.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = form_urlencoded::parse(query.as_bytes());
        serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs))
            .map(QueryParams)
            .map_err(|error| query_problem(query, &error))
    }
}

/// The problem for a query that does not deserialize, naming the parameter: serde's path
/// names it when its value is wrong, serde's message when it is missing.
fn query_problem(
    query: &str,
    error: &serde_path_to_error::Error<serde_urlencoded::de::Error>,
) -> Problem {
    let message = error.inner().to_string();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return parameter_problem(
            name,
            InputErrorCode::Missing,
            "a value",
            "nothing",
            format!("The query parameter `{name}` is required."),
        );
    }
    let name = error.path().to_string();
    let got = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| *key == name)
        .map(|(_, value)| shorten(&value))
        .unwrap_or_default();
    parameter_problem(
        &name,
        InputErrorCode::WrongType,
        "a value of the parameter's type (see /openapi.json)",
        &got,
        format!("The query parameter `{name}` does not parse: {message}."),
    )
}

/// An `invalid_parameter` problem about one query parameter.
pub(crate) fn parameter_problem(
    name: &str,
    code: InputErrorCode,
    expected: &str,
    got: &str,
    detail: String,
) -> Problem {
    CallError {
        errors: vec![InputError {
            path: format!("?{name}"),
            code,
            expected: expected.to_owned(),
            got: got.to_owned(),
        }],
        ..CallError::new(ErrorCode::InvalidParameter, detail)
    }
    .into()
}

/// A value cut to 60 characters, for echoing in an error.
pub(crate) fn shorten(value: &str) -> String {
    if value.chars().count() > 60 {
        format!("{}…", value.chars().take(60).collect::<String>())
    } else {
        value.to_owned()
    }
}

/// A JSON request body. An empty body is `{}` (functions without inputs need none); anything
/// else, whitespace included, must be sent as `application/json` and parse.
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
        if bytes.is_empty() {
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

/// A JSON body read into the type a route expects. What does not fit is `invalid_input` with
/// the field at fault as a JSON pointer in `errors[0].path` (a missing field, a wrong type, an
/// unknown field or value).
pub(crate) fn body_as<T: DeserializeOwned>(body: Value) -> Result<T, CallError> {
    serde_path_to_error::deserialize(body).map_err(|error| {
        let message = error.inner().to_string();
        let mut path = String::new();
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    path.push_str(&format!("/{index}"));
                }
                serde_path_to_error::Segment::Map { key } => {
                    path.push('/');
                    path.push_str(key);
                }
                serde_path_to_error::Segment::Enum { variant } => {
                    path.push('/');
                    path.push_str(variant);
                }
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        let (code, path) = if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            (InputErrorCode::Missing, format!("{path}/{field}"))
        } else if message.starts_with("unknown field `") {
            // The path already ends with the unknown field's name.
            (InputErrorCode::UnknownField, path)
        } else if message.starts_with("invalid type") {
            (InputErrorCode::WrongType, path)
        } else {
            (InputErrorCode::InvalidValue, path)
        };
        CallError {
            errors: vec![InputError {
                path: if path.is_empty() {
                    "/".to_owned()
                } else {
                    path
                },
                code,
                expected: "see the route's schema in /openapi.json".to_owned(),
                got: String::new(),
            }],
            ..CallError::new(
                ErrorCode::InvalidInput,
                format!("The body does not fit: {message}."),
            )
        }
    })
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
