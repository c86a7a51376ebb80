//! The engine's limits: every run is bounded in steps, iterations, bytes, work and time.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::LimitsDoc;

/// Bounds applied to every run. The defaults suit an ERP answering within seconds; an
/// integration may change them, and an automation may lower them in its `limits:` block.
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
    /// These limits with an automation's own `limits:` applied. An automation may lower a
    /// limit the operator set, never raise it: each of its values counts only when it is the
    /// lower one.
    #[must_use]
    pub fn lowered_by(mut self, doc: &LimitsDoc) -> Self {
        fn lower<T: Ord + Copy>(limit: &mut T, asked: Option<T>) {
            if let Some(asked) = asked {
                *limit = (*limit).min(asked);
            }
        }
        lower(&mut self.max_steps, doc.max_steps);
        lower(&mut self.max_iterations, doc.max_iterations);
        lower(&mut self.max_response_bytes, doc.max_response_bytes);
        lower(&mut self.template_fuel, doc.template_fuel);
        lower(&mut self.request_timeout_ms, doc.request_timeout_ms);
        lower(&mut self.total_timeout_ms, doc.total_timeout_ms);
        lower(&mut self.max_concurrency, doc.max_concurrency);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The operator's limits: each test lowers one below it and asks to raise it above.
    fn operator() -> Limits {
        Limits {
            max_steps: 50,
            max_iterations: 200,
            max_response_bytes: 1_000_000,
            template_fuel: 10_000,
            request_timeout_ms: 5_000,
            total_timeout_ms: 20_000,
            max_concurrency: 4,
            ..Limits::default()
        }
    }

    fn check(doc_low: LimitsDoc, doc_high: LimitsDoc, read: fn(&Limits) -> u64, low: u64) {
        let base = operator();
        assert_eq!(
            read(&base.lowered_by(&doc_low)),
            low,
            "a lower value applies"
        );
        assert_eq!(
            read(&base.lowered_by(&doc_high)),
            read(&base),
            "a higher value is ignored"
        );
        assert_eq!(read(&base.lowered_by(&LimitsDoc::default())), read(&base));
    }

    #[test]
    fn an_automation_may_lower_max_steps_but_never_raise_it() {
        check(
            LimitsDoc {
                max_steps: Some(10),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                max_steps: Some(1000),
                ..LimitsDoc::default()
            },
            |l| u64::from(l.max_steps),
            10,
        );
    }

    #[test]
    fn an_automation_may_lower_max_iterations_but_never_raise_it() {
        check(
            LimitsDoc {
                max_iterations: Some(20),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                max_iterations: Some(100_000),
                ..LimitsDoc::default()
            },
            |l| u64::from(l.max_iterations),
            20,
        );
    }

    #[test]
    fn an_automation_may_lower_max_response_bytes_but_never_raise_it() {
        check(
            LimitsDoc {
                max_response_bytes: Some(1_000),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                max_response_bytes: Some(u64::MAX),
                ..LimitsDoc::default()
            },
            |l| l.max_response_bytes,
            1_000,
        );
    }

    #[test]
    fn an_automation_may_lower_template_fuel_but_never_raise_it() {
        check(
            LimitsDoc {
                template_fuel: Some(500),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                template_fuel: Some(10_000_000),
                ..LimitsDoc::default()
            },
            |l| l.template_fuel,
            500,
        );
    }

    #[test]
    fn an_automation_may_lower_request_timeout_ms_but_never_raise_it() {
        check(
            LimitsDoc {
                request_timeout_ms: Some(1_000),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                request_timeout_ms: Some(600_000),
                ..LimitsDoc::default()
            },
            |l| l.request_timeout_ms,
            1_000,
        );
    }

    #[test]
    fn an_automation_may_lower_total_timeout_ms_but_never_raise_it() {
        check(
            LimitsDoc {
                total_timeout_ms: Some(2_000),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                total_timeout_ms: Some(3_600_000),
                ..LimitsDoc::default()
            },
            |l| l.total_timeout_ms,
            2_000,
        );
    }

    #[test]
    fn an_automation_may_lower_max_concurrency_but_never_raise_it() {
        check(
            LimitsDoc {
                max_concurrency: Some(1),
                ..LimitsDoc::default()
            },
            LimitsDoc {
                max_concurrency: Some(64),
                ..LimitsDoc::default()
            },
            |l| u64::from(l.max_concurrency),
            1,
        );
    }
}
