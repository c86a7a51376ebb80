//! The state of one run, shared by its steps: the automation, the env, the limits in force,
//! the run's one [`Redactor`], what the run records of itself, its counters and its deadline.
//!
//! Every part of a request (rendering, auth, sending) reads this and nothing above it, so the
//! request path goes one way: the engine walks the steps and calls the request step, which
//! renders, authenticates and sends.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::auth::{Fixed, TokenCache};
use crate::compiled::CompiledAutomation;
use crate::env::{AutomationEnv, RunEnv};
use crate::error::RunError;
use crate::limits::Limits;
use crate::record::StepRecord;
use crate::redact::Redactor;
use crate::template::Fuel;
use crate::transport::Transport;

/// One run.
pub(crate) struct Run<'a> {
    pub automation: &'a CompiledAutomation,
    pub env: &'a RunEnv,
    pub transport: &'a dyn Transport,
    pub tokens: &'a TokenCache,
    /// The env's values as this automation reads them.
    pub values: Arc<AutomationEnv>,
    pub limits: Limits,
    /// The template fuel in force: the lower of the env's and the automation's.
    pub fuel: Fuel,
    redactor: Mutex<Redactor>,
    steps: Mutex<Vec<StepRecord>>,
    step_count: AtomicU32,
    iterations: AtomicU32,
    pub deadline: tokio::time::Instant,
    /// The template context of auth values, built at its first use.
    pub auth_ctx: OnceLock<minijinja::Value>,
    /// Basic, bearer or API-key credentials (none for token auth), rendered at their first use.
    pub fixed_auth: OnceLock<Result<Option<Fixed>, RunError>>,
    /// The token cache's key for this run's credential, made at its first use.
    pub credential_key: OnceLock<String>,
}

impl<'a> Run<'a> {
    pub fn new(
        automation: &'a CompiledAutomation,
        env: &'a RunEnv,
        transport: &'a dyn Transport,
        tokens: &'a TokenCache,
        redactor: Redactor,
    ) -> Self {
        let limits = env.limits.lowered_by(&automation.limits);
        Self {
            automation,
            env,
            transport,
            tokens,
            values: env.for_automation(automation),
            limits,
            fuel: automation.templates.fuel_for(limits.template_fuel),
            redactor: Mutex::new(redactor),
            steps: Mutex::new(Vec::new()),
            step_count: AtomicU32::new(0),
            iterations: AtomicU32::new(0),
            deadline: tokio::time::Instant::now() + limits.total_timeout(),
            auth_ctx: OnceLock::new(),
            fixed_auth: OnceLock::new(),
            credential_key: OnceLock::new(),
        }
    }

    /// Redact this value wherever it appears in what the run leaves.
    pub fn add_secret(&self, value: &str) {
        if let Ok(mut r) = self.redactor.lock() {
            r.add_secret(value);
        }
    }

    /// Treat this header as a credential.
    pub fn add_sensitive_header(&self, name: &str) {
        if let Ok(mut r) = self.redactor.lock() {
            r.add_sensitive_header(name);
        }
    }

    /// `text` with what the run knows to hide removed (for error messages).
    pub fn redact(&self, text: &str) -> String {
        self.redactor
            .lock()
            .map_or_else(|_| String::new(), |r| r.text(text))
    }

    /// Keep the record of a step.
    pub fn record(&self, step: StepRecord) {
        if let Ok(mut steps) = self.steps.lock() {
            steps.push(step);
        }
    }

    /// The id of the last step recorded.
    pub fn last_step(&self) -> String {
        self.steps
            .lock()
            .ok()
            .and_then(|s| s.last().map(|s| s.id.to_string()))
            .unwrap_or_default()
    }

    /// Count a step execution against `max_steps`.
    pub fn count_step(&self, step: &str) -> Result<(), RunError> {
        let n = self.step_count.fetch_add(1, Ordering::Relaxed) + 1;
        if n > self.limits.max_steps {
            return Err(RunError::LimitExceeded {
                step: step.to_owned(),
                message: format!("more than {} step executions", self.limits.max_steps),
            });
        }
        Ok(())
    }

    /// Count `n` loop iterations against `max_iterations`.
    pub fn count_iterations(&self, step: &str, n: usize) -> Result<(), RunError> {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let total = self
            .iterations
            .fetch_add(n, Ordering::Relaxed)
            .saturating_add(n);
        if total > self.limits.max_iterations {
            return Err(RunError::LimitExceeded {
                step: step.to_owned(),
                message: format!(
                    "more than {} loop iterations in the run",
                    self.limits.max_iterations
                ),
            });
        }
        Ok(())
    }

    /// Time left before the run's deadline.
    pub fn remaining(&self) -> std::time::Duration {
        self.deadline
            .saturating_duration_since(tokio::time::Instant::now())
    }

    /// What the run recorded, and its redactor, once it is over.
    pub fn finish(self) -> (Vec<StepRecord>, Redactor) {
        let steps = self.steps.into_inner().unwrap_or_default();
        let redactor = self.redactor.into_inner().unwrap_or_default();
        (steps, redactor)
    }
}
