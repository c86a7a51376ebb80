//! Run traces: the stored form of a run.
//!
//! A trace records, per step, each request as rendered (URL, headers, body), its status,
//! duration and a truncated response body, and the run's output or error. It is made from what
//! the run remembers only when asked for ([`crate::RunOutcome::trace`]), and everything in it
//! has passed through the run's [`crate::Redactor`]: credential headers replaced wholesale,
//! every secret value the run knows (integration secrets, rendered auth values, session
//! tokens) cut out wherever it appears, and personal data masked (LGPD): the customer's
//! document wherever it appears, and the fields of bodies by the privacy rules.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use crate::privacy::REDACTED;

/// The record of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// Function id.
    pub function: String,
    /// Automation name and version hash.
    pub automation: String,
    /// SHA-256 of the automation source.
    pub automation_sha256: String,
    /// Total duration in milliseconds.
    pub duration_ms: u64,
    /// The steps, in the order they ran.
    pub steps: Vec<StepTrace>,
    /// The output, when the run succeeded (masked like the rest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The error, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TraceError>,
}

/// The error that ended a run.
#[derive(Debug, Clone, Serialize)]
pub struct TraceError {
    /// Stable code.
    pub code: String,
    /// Message (redacted).
    pub message: String,
}

/// One step of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepTrace {
    /// Step id.
    pub id: String,
    /// `request`, `set`, `return`, `fail`, or `auth` for a token request.
    pub kind: String,
    /// The `when` condition was false.
    pub skipped: bool,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Loop iterations, for a `for_each` step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Pages read, for a paginated request, and why reading stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationTrace>,
    /// The HTTP exchanges, retries and pages included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestTrace>,
}

/// How a pagination went.
#[derive(Debug, Clone, Serialize)]
pub struct PaginationTrace {
    /// Pages read.
    pub pages: u32,
    /// Records gathered.
    pub records: usize,
    /// `empty_page`, `repeated_page`, `stop_expression`, `no_next`, `max_pages`.
    pub stopped_by: String,
}

/// One HTTP exchange.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestTrace {
    /// Method.
    pub method: String,
    /// URL, redacted.
    pub url: String,
    /// Request headers, redacted.
    pub headers: BTreeMap<String, String>,
    /// Request body, redacted and truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Attempt number (1 for the first try).
    pub attempt: u32,
    /// Page number, for paginated requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Response status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Response content type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Response body, redacted and truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Transport error or the reason this attempt was not accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
