//! Errors as `application/problem+json` (RFC 9457), one shape for every endpoint.
//!
//! A [`Problem`] is built only from a [`CallError`], so its `code`, `status` and `title` come
//! from the one table in `ponte_core::service::ErrorCode`. `internal` problems carry a fixed
//! detail: the cause goes to the log, never to the caller.

use std::any::Any;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ponte_core::service::{CallError, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::EXECUTION_ID_HEADER;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the error code: its entry in the API reference page.
    #[serde(rename = "type")]
    #[schema(example = "/docs#error-erp_timeout")]
    pub type_: String,
    /// A fixed title per code.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What happened in this occurrence, in words.
    pub detail: String,
    /// The stable error code (see `docs/errors.md`).
    #[schema(example = "erp_timeout")]
    pub code: String,
    /// Every problem in the inputs (`invalid_input`, `invalid_document`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemInputError>,
    /// The run of the automation, whenever one ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<String>,
    /// The automation's own code, when it refused on purpose (a `fail` step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation_code: Option<String>,
    /// Seconds after which trying again makes sense; sent as `Retry-After`, not in the body.
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after_secs: Option<u64>,
}

/// One problem in the inputs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemInputError {
    /// JSON pointer to the offending value (`""` is the whole body).
    #[schema(example = "/customer_document_number")]
    pub path: String,
    /// The kind of problem: `missing`, `empty`, `wrong_type`, `invalid_document`,
    /// `invalid_value` or `unknown_field`.
    pub code: String,
    /// What the contract asks for.
    pub expected: String,
    /// What came, shortened (for documents, why they are invalid, never the number).
    pub got: String,
}

impl From<CallError> for Problem {
    fn from(error: CallError) -> Self {
        let code = error.code;
        Problem {
            type_: format!("/docs#error-{}", code.code()),
            title: code.title().to_owned(),
            status: code.status(),
            detail: error.detail,
            code: code.code().to_owned(),
            errors: error
                .errors
                .into_iter()
                .map(|e| ProblemInputError {
                    path: e.path,
                    code: e.code.as_str().to_owned(),
                    expected: e.expected,
                    got: e.got,
                })
                .collect(),
            execution_id: error.execution_id.map(|id| id.to_string()),
            automation_code: error.automation_code,
            retry_after_secs: error.retry_after_secs,
        }
    }
}

impl Problem {
    /// A problem with a code and a detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        CallError::new(code, detail).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let execution_id = self
            .execution_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok());
        let retry_after = self.retry_after_secs.map(HeaderValue::from);
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, seconds);
        }
        if let Some(id) = execution_id {
            headers.insert(EXECUTION_ID_HEADER, id);
        }
        response
    }
}

/// The fallback for paths no route answers.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::new(
        ErrorCode::NotFound,
        format!("No endpoint answers {}.", uri.path()),
    )
}

/// The fallback for a path some route answers, with a method it does not take. The router adds
/// the `Allow` header listing the methods it does take.
pub(crate) async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Problem {
    Problem::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} does not take {method}; `Allow` lists the methods it takes.",
            uri.path()
        ),
    )
}

/// A panic in a handler becomes a plain `internal` problem; its message goes to the log only.
pub(crate) fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a request handler panicked");
    Problem::from(CallError::internal()).into_response()
}
