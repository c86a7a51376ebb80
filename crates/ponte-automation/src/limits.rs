//! The engine's limits: every run is bounded in steps, iterations, bytes, work and time.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::LimitsDoc;

/// Bounds applied to every run. The defaults suit an ERP answering within seconds; an
/// integration may change them, and an automation may override them in its `limits:` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Step executions per run, loop iterations included (default 100).
    pub max_steps: u32,
    /// Loop iterations per run (default 500).
    pub max_iterations: u32,
    /// Size of one response body in bytes (default 10 MiB).
    pub max_response_bytes: u64,
    /// Template fuel per rendering (default 20 000 instructions).
    pub template_fuel: u64,
    /// Per-request timeout (default 10 s).
    pub request_timeout_ms: u64,
    /// Total time of a run (default 30 s).
    pub total_timeout_ms: u64,
    /// Concurrent requests of one `for_each` (default 8).
    pub max_concurrency: u32,
    /// Bytes of each body kept in a trace (default 4 KiB).
    pub trace_body_bytes: usize,
    /// Redirects followed per request (default 5).
    pub max_redirects: u32,
    /// Longest `Retry-After` honoured, in seconds (default 30); longer waits fail the request.
    pub max_retry_after_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_steps: 100,
            max_iterations: 500,
            max_response_bytes: 10 * 1024 * 1024,
            template_fuel: 20_000,
            request_timeout_ms: 10_000,
            total_timeout_ms: 30_000,
            max_concurrency: 8,
            trace_body_bytes: 4096,
            max_redirects: 5,
            max_retry_after_secs: 30,
        }
    }
}

impl Limits {
    /// These limits with an automation's overrides applied.
    #[must_use]
    pub fn with_overrides(mut self, doc: &LimitsDoc) -> Self {
        if let Some(v) = doc.max_steps {
            self.max_steps = v;
        }
        if let Some(v) = doc.max_iterations {
            self.max_iterations = v;
        }
        if let Some(v) = doc.max_response_bytes {
            self.max_response_bytes = v;
        }
        if let Some(v) = doc.template_fuel {
            self.template_fuel = v;
        }
        if let Some(v) = doc.request_timeout_ms {
            self.request_timeout_ms = v;
        }
        if let Some(v) = doc.total_timeout_ms {
            self.total_timeout_ms = v;
        }
        if let Some(v) = doc.max_concurrency {
            self.max_concurrency = v;
        }
        self
    }

    /// The per-request timeout.
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// The total run timeout.
    #[must_use]
    pub fn total_timeout(&self) -> Duration {
        Duration::from_millis(self.total_timeout_ms)
    }
}
