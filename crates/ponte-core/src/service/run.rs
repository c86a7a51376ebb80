//! One run of an automation for an integration: the circuit breaker, the integration's
//! concurrency gate, the run environment, the execution record. A platform's call and an
//! operator's test run share it; [`RunMode`] names the few things that differ.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ponte_automation::{CompiledAutomation, Limits, RunError};
use ponte_catalog::ValidatedInput;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::recording::{erp_summary, stored_trace};
use super::snapshot::Served;
use super::{CallError, ErrorCode, Ponte, internal};
use crate::model::{
    BreakerSettings, ExecutionId, ExecutionOutcome, ExecutionRecord, IntegrationId,
    IntegrationSettings,
};
use crate::store::now_micros;

/// One semaphore per integration, sized by its `limits.max_concurrent_requests`, so a slow ERP
/// fills only its own integration's slots and never starves the others.
#[derive(Debug, Default)]
pub(super) struct Gates {
    gates: Mutex<HashMap<IntegrationId, (u32, Arc<Semaphore>)>>,
}

impl Gates {
    /// The integration's semaphore; a new one when its size setting changed.
    fn for_integration(&self, id: &IntegrationId, size: u32) -> Arc<Semaphore> {
        let size = size.max(1);
        let Ok(mut gates) = self.gates.lock() else {
            // A poisoned map only means another call panicked mid-insert; a fresh semaphore
            // still bounds this call.
            return Arc::new(Semaphore::new(size as usize));
        };
        match gates.get(id) {
            Some((current, semaphore)) if *current == size => semaphore.clone(),
            _ => {
                let semaphore = Arc::new(Semaphore::new(size as usize));
                gates.insert(id.clone(), (size, semaphore.clone()));
                semaphore
            }
        }
    }
}

/// Who asked for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RunMode {
    /// A platform's call: admitted by the circuit breaker and counted in the metrics.
    Call,
    /// An operator's test run: past the circuit breaker (an operator must be able to probe an
    /// ERP the breaker keeps off), with no effect on it, left out of the metrics, and recorded
    /// with `test_run`; its trace is handed back.
    Test,
}

/// A run that took place; its record is queued for the writer.
#[derive(Debug)]
pub(super) struct Ran {
    /// The run, also the record's id.
    pub(super) execution_id: ExecutionId,
    /// The automation's output, or the error the caller is answered.
    pub(super) result: Result<Value, CallError>,
    /// The redacted trace, for test runs (a call's trace goes to its record only, when the
    /// recording policy keeps it).
    pub(super) trace: Option<Value>,
}

/// The engine limits an integration's settings ask for.
fn limits_for(settings: &IntegrationSettings) -> Limits {
    Limits {
        request_timeout_ms: settings.timeouts.request_ms,
        total_timeout_ms: settings.timeouts.function_ms,
        ..Limits::default()
    }
}

impl Ponte {
    /// Runs `automation` under the integration's gate and records the execution. An error here
    /// means nothing ran (the circuit is open, or no slot freed up in time).
    pub(super) async fn run(
        &self,
        served: &Served,
        automation: &CompiledAutomation,
        input: ValidatedInput,
        mode: RunMode,
    ) -> Result<Ran, CallError> {
        let integration = &served.integration;
        let settings = &integration.settings;
        let breaker = settings.limits.breaker;
        let ticket = match mode {
            RunMode::Call => Some(
                self.breakers
                    .admit(&integration.id, breaker)
                    .map_err(|wait| circuit_open(wait, breaker))?,
            ),
            RunMode::Test => None,
        };
        let mut limits = limits_for(settings);
        let gate = self
            .gates
            .for_integration(&integration.id, settings.limits.max_concurrent_requests);
        let waiting = Instant::now();
        // The wait for a slot counts against the total timeout: a caller never waits longer
        // than the integration allows for a whole call.
        let permit = match tokio::time::timeout(limits.total_timeout(), gate.acquire_owned()).await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(internal("concurrency gate", &closed)),
            Err(_) => {
                return Err(CallError::new(
                    ErrorCode::ErpTimeout,
                    "Every slot for this integration's ERP stayed busy for the whole timeout.",
                ));
            }
        };
        let waited = u64::try_from(waiting.elapsed().as_millis()).unwrap_or(u64::MAX);
        limits.total_timeout_ms = limits.total_timeout_ms.saturating_sub(waited).max(1);

        let mut env = served.env.clone();
        env.limits = limits;
        let engine = match (&self.insecure_engine, settings.allow_insecure_tls) {
            (Some(insecure), true) => {
                tracing::warn!(
                    integration = integration.id.as_str(),
                    "TLS certificates are not verified for this integration"
                );
                insecure
            }
            _ => &self.engine,
        };

        let execution_id = ExecutionId::new();
        tracing::Span::current().record("execution_id", tracing::field::display(execution_id));
        let started_at = now_micros();
        let outcome = engine.run(automation, input, &env).await;
        drop(permit);
        let summary = outcome.summary();
        if mode == RunMode::Call {
            self.metrics.observe_erp(&integration.id, &summary);
        }
        let test_run = mode == RunMode::Test;
        // The stored form of the trace (redaction, masking) is made only when it is kept.
        let trace = self
            .recording
            .keeps_trace(outcome.result.is_err(), test_run)
            .then(|| stored_trace(outcome.trace(), self.recording.trace_max_bytes));
        let handed_back = if test_run { trace.clone() } else { None };
        let (erp_requests, erp_statuses) = erp_summary(&summary);

        // The run's own redactor: it knows every secret, token and document the run saw.
        let (result, redactor) = outcome.into_result();
        let result = result.map_err(|error| {
            let mut call = CallError::from_run(&error, execution_id, |text| redactor.text(text));
            // Apart from the ERP's own refusals, the detail is the error's message redacted.
            if !matches!(error, RunError::Rejected { .. } | RunError::Failed { .. }) {
                call.detail = redactor.text(&error.to_string());
            }
            call
        });
        let record = ExecutionRecord {
            id: execution_id,
            integration: integration.id.clone(),
            function: automation.function().id.as_str().to_owned(),
            started_at,
            duration_ms: summary.duration_ms,
            outcome: match &result {
                Ok(_) => ExecutionOutcome::Ok,
                Err(error) => ExecutionOutcome::Error {
                    code: error.code().to_owned(),
                },
            },
            erp_requests,
            erp_statuses,
            trace,
            test_run,
        };
        if let Some(ticket) = ticket {
            ticket.finish(result.as_ref().err().map(|error| error.code));
        }
        if test_run {
            self.recorder.record_surely(record).await;
        } else {
            self.recorder.record(record).await;
        }
        Ok(Ran {
            execution_id,
            result,
            trace: handed_back,
        })
    }

    /// Waits until the record of every call answered so far is stored. Records are written
    /// off the request path; call this before shutting down, or before reading a record back.
    pub async fn flush_executions(&self) {
        self.recorder.flush().await;
    }

    /// How many automation sources are compiled and cached.
    pub fn compiled_automations(&self) -> usize {
        self.compiled.len()
    }
}

/// The refusal of a call while the integration's circuit is open.
fn circuit_open(wait: std::time::Duration, breaker: BreakerSettings) -> CallError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    CallError {
        retry_after_secs: Some(seconds.max(1)),
        ..CallError::new(
            ErrorCode::ErpCircuitOpen,
            format!(
                "The ERP missed the last {} calls in a row; it is not called again for {seconds} \
                 s, then one call probes it.",
                breaker.failures
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_come_from_the_integration_settings() {
        let mut settings = IntegrationSettings::default();
        settings.timeouts.request_ms = 1234;
        settings.timeouts.function_ms = 5678;
        let limits = limits_for(&settings);
        assert_eq!(
            (limits.request_timeout_ms, limits.total_timeout_ms),
            (1234, 5678)
        );
    }
}
