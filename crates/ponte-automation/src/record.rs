//! What a run remembers of itself, and the trace made of it on demand.
//!
//! While it runs, the engine only keeps what it already holds: the requests as sent (shared
//! with the transport, not copied into text), the response bodies (reference-counted bytes),
//! statuses and timings. Nothing is redacted, masked, cut or serialised until the caller asks
//! for the stored form with [`RunOutcome::trace`]; a caller that keeps only a summary
//! ([`RunOutcome::summary`]) never pays for it.

use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method};
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::error::RunError;
use crate::redact::Redactor;
use crate::trace::{PaginationTrace, RequestTrace, StepTrace, Trace, TraceError};

/// A request as it went to the transport (after auth), shared by its attempts.
#[derive(Debug)]
pub(crate) struct Sent {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// One attempt of one request.
#[derive(Debug)]
pub(crate) struct Attempt {
    pub sent: Arc<Sent>,
    pub attempt: u32,
    pub page: Option<u32>,
    pub duration_ms: u64,
    pub status: Option<u16>,
    pub content_type: Option<HeaderValue>,
    pub response: Option<Bytes>,
    pub error: Option<String>,
}

/// How a pagination went.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pages {
    pub pages: u32,
    pub records: usize,
    pub stopped_by: &'static str,
}

/// One step of a run.
#[derive(Debug)]
pub(crate) struct StepRecord {
    pub id: Arc<str>,
    pub kind: &'static str,
    pub skipped: bool,
    pub duration_ms: u64,
    pub iterations: Option<usize>,
    pub pagination: Option<Pages>,
    pub requests: Vec<Attempt>,
}

impl StepRecord {
    pub fn new(id: Arc<str>, kind: &'static str) -> Self {
        Self {
            id,
            kind,
            skipped: false,
            duration_ms: 0,
            iterations: None,
            pagination: None,
            requests: Vec::new(),
        }
    }
}

/// The result of a run, what it did, and its trace on demand.
#[derive(Debug)]
pub struct RunOutcome {
    /// The function's output, or why there is none.
    pub result: Result<Value, RunError>,
    pub(crate) function: &'static str,
    pub(crate) automation: Arc<str>,
    pub(crate) automation_sha256: Arc<str>,
    pub(crate) duration_ms: u64,
    pub(crate) steps: Vec<StepRecord>,
    pub(crate) redactor: Redactor,
    pub(crate) trace_body_bytes: usize,
}

/// What is worth keeping of a run that went well: its duration and its ERP requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Function id.
    pub function: &'static str,
    /// Total duration in milliseconds.
    pub duration_ms: u64,
    /// Each ERP request (every attempt), in the order sent.
    pub requests: Vec<RequestSummary>,
}

/// One ERP request in a [`RunSummary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestSummary {
    /// Response status; none when the ERP did not answer.
    pub status: Option<u16>,
    /// Duration in milliseconds.
    pub duration_ms: u64,
}

impl RunOutcome {
    /// Total duration of the run in milliseconds.
    #[must_use]
    pub fn duration_ms(&self) -> u64 {
        self.duration_ms
    }

    /// The run's redactor: it knows every secret, token and credential the run saw and the
    /// customer's documents, so texts that leave the run (an error's detail) go through it.
    #[must_use]
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The result and the redactor, taken (once the trace, if wanted, has been made).
    pub fn into_result(self) -> (Result<Value, RunError>, Redactor) {
        (self.result, self.redactor)
    }

    /// How many ERP requests the run sent (every attempt, token requests included).
    #[must_use]
    pub fn erp_requests(&self) -> usize {
        self.steps.iter().map(|s| s.requests.len()).sum()
    }

    /// The run in a few numbers: duration, and each ERP request's status and duration.
    #[must_use]
    pub fn summary(&self) -> RunSummary {
        RunSummary {
            function: self.function,
            duration_ms: self.duration_ms,
            requests: self
                .steps
                .iter()
                .flat_map(|s| &s.requests)
                .map(|r| RequestSummary {
                    status: r.status,
                    duration_ms: r.duration_ms,
                })
                .collect(),
        }
    }

    /// The stored form of the run: every step and request, redacted, personal data masked,
    /// bodies cut to the trace's size; the output (masked like the rest) or the error.
    #[must_use]
    pub fn trace(&self) -> Trace {
        let r = &self.redactor;
        Trace {
            function: self.function.to_owned(),
            automation: self.automation.to_string(),
            automation_sha256: self.automation_sha256.to_string(),
            duration_ms: self.duration_ms,
            steps: self.steps.iter().map(|s| self.step_trace(s)).collect(),
            output: self.result.as_ref().ok().map(|v| r.value(v)),
            error: self.result.as_ref().err().map(|e| TraceError {
                code: e.code().to_owned(),
                message: r.free_text(&e.to_string()).into_owned(),
            }),
        }
    }

    fn step_trace(&self, step: &StepRecord) -> StepTrace {
        StepTrace {
            id: step.id.to_string(),
            kind: step.kind.to_owned(),
            skipped: step.skipped,
            duration_ms: step.duration_ms,
            iterations: step.iterations,
            pagination: step.pagination.map(|p| PaginationTrace {
                pages: p.pages,
                records: p.records,
                stopped_by: p.stopped_by.to_owned(),
            }),
            requests: step
                .requests
                .iter()
                .map(|a| self.request_trace(a))
                .collect(),
        }
    }

    fn request_trace(&self, a: &Attempt) -> RequestTrace {
        let r = &self.redactor;
        let limit = self.trace_body_bytes;
        let sent = &a.sent;
        let request_type = sent.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let content_type = a
            .content_type
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        RequestTrace {
            method: sent.method.to_string(),
            url: r.url(&sent.url),
            headers: r.headers(&sent.headers),
            body: (!sent.body.is_empty()).then(|| r.body(&sent.body, request_type, limit)),
            attempt: a.attempt,
            page: a.page,
            status: a.status,
            duration_ms: a.duration_ms,
            response_body: a
                .response
                .as_ref()
                .map(|body| r.body(body, content_type.as_deref(), limit)),
            content_type,
            error: a.error.as_deref().map(|e| r.text(e)),
        }
    }
}
