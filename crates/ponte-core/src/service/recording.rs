//! What a run leaves behind: a summary always, the full redacted trace when the policy keeps
//! it, never more than a set size.
//!
//! An ISP platform doing ten calls a second makes 864,000 runs a day; keeping each one's trace
//! (tens of kilobytes with the ERP's answers) would write gigabytes a day of data nobody reads.
//! So every run leaves a summary row (who, what, how it ended, how long, which ERP statuses),
//! and the trace, which is what an operator reads to understand a failure, is kept for
//! failures, test runs and, when asked, all or a sample of the successes.

use std::io::Write;

use ponte_automation::RunSummary;
use ponte_automation::trace::{RequestTrace, Trace};
use serde::{Deserialize, Serialize};

/// Which successful runs keep their trace (failures and test runs always do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeptTraces {
    /// Only failures and test runs.
    #[default]
    Errors,
    /// Every run.
    All,
    /// Failures, test runs, and a random share of the successes (`sample_rate`).
    Sample,
}

/// How runs are recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordingPolicy {
    /// Which successful runs keep their trace.
    pub traces: KeptTraces,
    /// With [`KeptTraces::Sample`], the share of successes that keep their trace (0.0–1.0).
    pub sample_rate: f64,
    /// The largest trace stored, in bytes of JSON; bigger ones have their bodies cut down.
    pub trace_max_bytes: usize,
    /// Records that may wait for the writer; past that a call's record is dropped and counted.
    pub queue: usize,
    /// How long the writer gathers records after the first one before it commits them: one
    /// commit then serves every call of that interval, which keeps the database's writes per
    /// call small at low traffic too. Zero commits as soon as a record arrives.
    pub gather: std::time::Duration,
}

impl Default for RecordingPolicy {
    fn default() -> Self {
        Self {
            traces: KeptTraces::Errors,
            sample_rate: 0.01,
            trace_max_bytes: 64 * 1024,
            queue: super::recorder::DEFAULT_QUEUE,
            gather: super::recorder::DEFAULT_GATHER,
        }
    }
}

impl RecordingPolicy {
    /// Whether a run's trace is kept.
    pub(super) fn keeps_trace(&self, failed: bool, test_run: bool) -> bool {
        if failed || test_run {
            return true;
        }
        match self.traces {
            KeptTraces::Errors => false,
            KeptTraces::All => true,
            KeptTraces::Sample => rand::random::<f64>() < self.sample_rate,
        }
    }
}

/// How many requests the run sent and the status of each (`0`: no answer), for the summary.
pub(super) fn erp_summary(summary: &RunSummary) -> (u32, Vec<u16>) {
    let statuses: Vec<u16> = summary
        .requests
        .iter()
        .map(|request| request.status.unwrap_or(0))
        .collect();
    (u32::try_from(statuses.len()).unwrap_or(u32::MAX), statuses)
}

/// What a cut body ends with.
const CUT: &str = "… [cut: the trace was over its size limit]";

/// The trace as stored: its JSON, with the longest bodies cut until it fits in `max_bytes`.
/// Bodies go first because they are what grows (a listing of a thousand invoices); the steps,
/// statuses and timings that tell what happened are kept whole.
pub(super) fn stored_trace(mut trace: Trace, max_bytes: usize) -> serde_json::Value {
    // Each pass cuts the longest remaining body to a quarter, so a few passes always suffice;
    // the bound only guards against a trace whose skeleton alone is over the limit.
    for _ in 0..64 {
        if json_len(&trace) <= max_bytes {
            break;
        }
        let Some(longest) = longest_body(&mut trace) else {
            break;
        };
        let keep = longest.len() / 4;
        let mut end = keep;
        while !longest.is_char_boundary(end) {
            end -= 1;
        }
        longest.truncate(end);
        longest.push_str(CUT);
    }
    serde_json::to_value(&trace).unwrap_or(serde_json::Value::Null)
}

/// The longest request or response body of the trace, when it is worth cutting.
fn longest_body(trace: &mut Trace) -> Option<&mut String> {
    trace
        .steps
        .iter_mut()
        .flat_map(|step| step.requests.iter_mut())
        .flat_map(|request: &mut RequestTrace| {
            [request.body.as_mut(), request.response_body.as_mut()]
        })
        .flatten()
        .filter(|body| body.len() > CUT.len() * 2)
        .max_by_key(|body| body.len())
}

/// The length of the trace's JSON, counted without building it.
fn json_len(trace: &Trace) -> usize {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, trace) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

#[cfg(test)]
mod tests {
    use ponte_automation::RequestSummary;
    use ponte_automation::trace::StepTrace;

    use super::*;

    fn trace_with_bodies(sizes: &[usize]) -> Trace {
        Trace {
            function: "list_invoices".into(),
            steps: vec![StepTrace {
                id: "invoices".into(),
                kind: "request".into(),
                requests: sizes
                    .iter()
                    .map(|&n| RequestTrace {
                        method: "POST".into(),
                        status: Some(200),
                        response_body: Some("x".repeat(n)),
                        ..RequestTrace::default()
                    })
                    .collect(),
                ..StepTrace::default()
            }],
            ..Trace::default()
        }
    }

    #[test]
    fn a_trace_over_the_limit_has_its_longest_bodies_cut_until_it_fits() {
        let trace = trace_with_bodies(&[200_000, 50_000, 300]);
        let stored = stored_trace(trace, 16 * 1024);
        let text = serde_json::to_string(&stored).unwrap();
        assert!(text.len() <= 16 * 1024, "{} bytes", text.len());
        let requests = stored["steps"][0]["requests"].as_array().unwrap();
        assert_eq!(requests.len(), 3, "every request is still there");
        assert!(
            requests[0]["response_body"]
                .as_str()
                .unwrap()
                .ends_with(CUT)
        );
        assert_eq!(requests[2]["response_body"].as_str().unwrap().len(), 300);
        assert_eq!(requests[0]["status"], 200);
    }

    #[test]
    fn a_trace_under_the_limit_is_stored_whole() {
        let trace = trace_with_bodies(&[1_000]);
        let stored = stored_trace(trace, 64 * 1024);
        assert_eq!(
            stored["steps"][0]["requests"][0]["response_body"]
                .as_str()
                .unwrap()
                .len(),
            1_000
        );
    }

    #[test]
    fn failures_and_test_runs_keep_their_trace_and_successes_follow_the_policy() {
        let errors = RecordingPolicy::default();
        assert!(errors.keeps_trace(true, false));
        assert!(errors.keeps_trace(false, true));
        assert!(!errors.keeps_trace(false, false));
        let all = RecordingPolicy {
            traces: KeptTraces::All,
            ..RecordingPolicy::default()
        };
        assert!(all.keeps_trace(false, false));
        let none_sampled = RecordingPolicy {
            traces: KeptTraces::Sample,
            sample_rate: 0.0,
            ..RecordingPolicy::default()
        };
        assert!(!(0..100).any(|_| none_sampled.keeps_trace(false, false)));
        let every_one_sampled = RecordingPolicy {
            traces: KeptTraces::Sample,
            sample_rate: 1.0,
            ..RecordingPolicy::default()
        };
        assert!((0..100).all(|_| every_one_sampled.keeps_trace(false, false)));
    }

    #[test]
    fn the_summary_counts_every_request_and_marks_unanswered_ones() {
        let summary = RunSummary {
            function: "list_invoices",
            duration_ms: 3,
            requests: vec![
                RequestSummary {
                    status: Some(200),
                    duration_ms: 1,
                },
                RequestSummary {
                    status: None,
                    duration_ms: 2,
                },
            ],
        };
        assert_eq!(erp_summary(&summary), (2, vec![200, 0]));
    }
}
