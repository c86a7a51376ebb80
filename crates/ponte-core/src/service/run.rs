//! One run of an automation for an integration: the circuit breaker, the integration's
//! concurrency gate, the run environment, the execution record. A platform's call and an
//! operator's test run share it; [`RunMode`] names the few things that differ.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ponte_automation::{CompiledAutomation, Limits, Redactor, RunEnv, RunError};
use ponte_br::document::Document;
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

/// The customer's documents found in the validated input, each (bare and formatted) with its
/// masked form, so traces and error details never carry the full number.
fn document_masks(input: &Value) -> Vec<(String, String)> {
    let mut masks = Vec::new();
    collect_documents(input, &mut masks);
    masks
}

fn collect_documents(value: &Value, masks: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if let (true, Some(text)) = (key.ends_with("document_number"), value.as_str())
                    && let Ok(document) = Document::parse(text)
                {
                    let masked = document.masked();
                    masks.push((document.formatted(), masked.clone()));
                    masks.push((document.as_str().to_owned(), masked));
                } else {
                    collect_documents(value, masks);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_documents(item, masks)),
        _ => {}
    }
}

impl Ponte {
    /// Runs `automation` under the integration's gate and records the execution. An error here
    /// means nothing ran (the circuit is open, or no slot freed up in time).
    pub(super) async fn run(
        &self,
        served: &Served,
        automation: &CompiledAutomation,
        input: Value,
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

        let env = RunEnv {
            integration: integration.id.to_string(),
            vars: integration.variables.clone(),
            secrets: served.secrets.clone(),
            settings: served.settings_json.clone(),
            allowed_hosts: settings.allowed_hosts.clone(),
            limits,
            masks: document_masks(&input),
        };
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
        if mode == RunMode::Call {
            self.metrics.observe_erp(&integration.id, &outcome.trace);
        }

        let result = outcome.result.map_err(|error| {
            let redactor = redactor_for(&env);
            let mut call = CallError::from_run(&error, execution_id, |text| redactor.text(text));
            // Apart from the ERP's own refusals, the detail is the trace's message: the engine
            // redacted it with everything it knows, tokens fetched during the run included.
            if !matches!(error, RunError::Rejected { .. } | RunError::Failed { .. })
                && let Some(traced) = &outcome.trace.error
            {
                call.detail = redactor.text(&traced.message);
            }
            call
        });
        let test_run = mode == RunMode::Test;
        let (erp_requests, erp_statuses) = erp_summary(&outcome.trace);
        let duration_ms = outcome.trace.duration_ms;
        let trace = self
            .recording
            .keeps_trace(result.is_err(), test_run)
            .then(|| stored_trace(outcome.trace, self.recording.trace_max_bytes));
        let handed_back = if test_run { trace.clone() } else { None };
        let record = ExecutionRecord {
            id: execution_id,
            integration: integration.id.clone(),
            function: automation.function().id.as_str().to_owned(),
            started_at,
            duration_ms,
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

/// Hides the integration's secrets and the customer's document in texts sent to the caller.
fn redactor_for(env: &RunEnv) -> Redactor {
    use secrecy::ExposeSecret;
    let mut redactor = Redactor::default();
    for value in env.secrets.values() {
        redactor.add_secret(value.expose_secret());
    }
    for (needle, masked) in &env.masks {
        redactor.add_mask(needle, masked);
    }
    redactor
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_anywhere_in_the_input_are_masked_bare_and_formatted() {
        let masks = document_masks(&json!({
            "customer_document_number": "52998224725",
            "wda_user": {"id": "1", "document_number": "11222333000181"},
        }));
        let needles: Vec<&str> = masks.iter().map(|(n, _)| n.as_str()).collect();
        assert!(needles.contains(&"52998224725"));
        assert!(needles.contains(&"529.982.247-25"));
        assert!(needles.contains(&"11222333000181"));
        assert!(masks.iter().all(|(n, m)| n != m));
    }

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
