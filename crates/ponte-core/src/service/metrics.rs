//! Metrics per integration and function, in the OpenMetrics text format Prometheus scrapes.
//!
//! The registry belongs to the [`super::Ponte`] that records into it (no process-wide
//! recorder), so two services in one process, as in tests, never mix their figures.
//!
//! Label values are bounded: integration ids come from the store, function names only from the
//! catalog (anything else is `unknown`), outcomes from the error-code table, ERP statuses by
//! class. A caller cannot grow the series by sending odd names.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use ponte_automation::RunSummary;

use crate::model::IntegrationId;

/// The content type of [`Metrics::render`].
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    integration: String,
    function: String,
    /// `ok`, or the error code the caller received.
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FunctionLabels {
    integration: String,
    function: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErpLabels {
    integration: String,
    function: String,
    /// `2xx` … `5xx`, or `failed` when no answer came (timeout, refused connection, ...).
    status: String,
}

/// Upper bounds, in seconds, shared by the call and ERP-request histograms: from a cached
/// answer to a call that hits the default 30 s function timeout.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The service's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    call_seconds: Family<FunctionLabels, Histogram, fn() -> Histogram>,
    erp_requests: Family<ErpLabels, Counter>,
    erp_seconds: Family<FunctionLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ponte");
        let calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "function_calls",
            "Function calls answered, by integration, function and outcome",
            calls.clone(),
        );
        let call_seconds = Family::new_with_constructor(histogram as fn() -> Histogram);
        registry.register(
            "function_call_duration_seconds",
            "Time to answer a function call, automation run included",
            call_seconds.clone(),
        );
        let erp_requests = Family::<ErpLabels, Counter>::default();
        registry.register(
            "erp_requests",
            "Requests sent to ERPs (each retry and page counts), by status class",
            erp_requests.clone(),
        );
        let erp_seconds = Family::new_with_constructor(histogram as fn() -> Histogram);
        registry.register(
            "erp_request_duration_seconds",
            "Time an ERP took to answer one request",
            erp_seconds.clone(),
        );
        Self {
            registry,
            calls,
            call_seconds,
            erp_requests,
            erp_seconds,
        }
    }
}

impl Metrics {
    /// Registers the execution recorder's counters.
    pub(super) fn register_recorder(&mut self, counters: &super::recorder::RecorderCounters) {
        self.registry.register(
            "execution_records_dropped",
            "Execution records dropped because the writer was behind (never silently)",
            counters.dropped.clone(),
        );
        self.registry.register(
            "execution_records_written",
            "Execution records stored",
            counters.written.clone(),
        );
        self.registry.register(
            "execution_records_failed",
            "Execution records the database refused (each one logged)",
            counters.failed.clone(),
        );
    }

    /// Counts one answered call and its duration.
    pub(super) fn observe_call(
        &self,
        integration: &IntegrationId,
        function: &str,
        outcome: &str,
        took: Duration,
    ) {
        let function = function_label(function);
        self.calls
            .get_or_create(&CallLabels {
                integration: integration.to_string(),
                function: function.clone(),
                outcome: outcome.to_owned(),
            })
            .inc();
        self.call_seconds
            .get_or_create(&FunctionLabels {
                integration: integration.to_string(),
                function,
            })
            .observe(took.as_secs_f64());
    }

    /// Counts the ERP requests a run made, read from its trace.
    pub(super) fn observe_erp(&self, integration: &IntegrationId, summary: &RunSummary) {
        let function = function_label(summary.function);
        for request in &summary.requests {
            let status = match request.status {
                Some(code) => format!("{}xx", code / 100),
                None => "failed".to_owned(),
            };
            self.erp_requests
                .get_or_create(&ErpLabels {
                    integration: integration.to_string(),
                    function: function.clone(),
                    status,
                })
                .inc();
            if request.status.is_some() {
                // Milliseconds as whole numbers in the trace; seconds here.
                #[allow(clippy::cast_precision_loss)]
                let seconds = request.duration_ms as f64 / 1000.0;
                self.erp_seconds
                    .get_or_create(&FunctionLabels {
                        integration: integration.to_string(),
                        function: function.clone(),
                    })
                    .observe(seconds);
            }
        }
    }

    /// Every metric in the OpenMetrics text format ([`METRICS_CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail; an encoder error would be a bug in a label type.
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(error = %err, "metrics could not be encoded");
        }
        text
    }
}

/// The catalog's name for `function`, or `unknown`.
fn function_label(function: &str) -> String {
    ponte_catalog::function(function)
        .map_or_else(|| "unknown".to_owned(), |spec| spec.id.as_str().to_owned())
}
