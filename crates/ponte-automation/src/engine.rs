//! The engine: runs a [`CompiledAutomation`] against an ERP through a [`Transport`].
//!
//! A run owns a JSON context (`input`, `vars`, `settings`, `steps`), walks the steps in order,
//! and ends with the `output` mapping or a `return`; the result is checked against the
//! function's output schema. Every run is bounded by [`Limits`] and leaves a [`Trace`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use futures::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use crate::auth::TokenCache;
use crate::compiled::{CompiledAutomation, Step, StepKind};
use crate::context::{Both, Context, Scope, TemplateView};
use crate::error::{OutputMismatch, RunError, short};
use crate::limits::Limits;
use crate::template::context;
use crate::trace::{Redactor, StepTrace, Trace, TraceError};
use crate::transport::Transport;

/// What one call brings besides the function input: the integration's values.
#[derive(Debug, Clone, Default)]
pub struct RunEnv {
    /// Integration id: tokens are cached per integration.
    pub integration: String,
    /// Integration variables (`vars.NAME`); declared defaults fill the gaps.
    pub vars: BTreeMap<String, String>,
    /// Integration secrets (`secrets.NAME`, templates only).
    pub secrets: BTreeMap<String, SecretString>,
    /// Integration settings (`settings.payment.company_id`...).
    pub settings: Value,
    /// Hosts requests may go to (`host` or `host:port`; `*` allows any public host, never an
    /// internal address). Empty: the host of the `base_url` variable.
    pub allowed_hosts: Vec<String>,
    /// The limits in force (the automation's own `limits:` apply on top).
    pub limits: Limits,
    /// Values to mask in traces, with their masked form (the customer's document).
    pub masks: Vec<(String, String)>,
}

/// The result of a run and its trace.
#[derive(Debug)]
pub struct RunOutcome {
    /// The function's output, or why there is none.
    pub result: Result<Value, RunError>,
    /// What happened, redacted.
    pub trace: Trace,
}

/// Runs automations. Cheap to clone; share one per process (it holds the token cache).
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) tokens: TokenCache,
}

/// The state of one run, shared by its steps.
pub(crate) struct Run<'a> {
    pub automation: &'a CompiledAutomation,
    pub env: &'a RunEnv,
    pub limits: Limits,
    /// The integration's variables over the automation's declared defaults, merged once.
    pub vars: BTreeMap<String, String>,
    pub secrets: Value,
    pub redactor: Mutex<Redactor>,
    pub steps_trace: Mutex<Vec<StepTrace>>,
    pub step_count: AtomicU32,
    pub iterations: AtomicU32,
    pub deadline: tokio::time::Instant,
    /// [`Run::auth_ctx`], built at its first use.
    pub auth_ctx: OnceLock<minijinja::Value>,
}

impl Run<'_> {
    pub(crate) fn redactor(&self) -> Redactor {
        self.redactor.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub(crate) fn add_secret(&self, value: &str) {
        if let Ok(mut r) = self.redactor.lock() {
            r.add_secret(value);
        }
    }

    pub(crate) fn add_sensitive_header(&self, name: &str) {
        if let Ok(mut r) = self.redactor.lock() {
            r.add_sensitive_header(name);
        }
    }

    pub(crate) fn record(&self, step: StepTrace) {
        if let Ok(mut t) = self.steps_trace.lock() {
            t.push(step);
        }
    }

    /// The template context of a step: what it sees, plus secrets (templates only).
    pub(crate) fn template_ctx(&self, scope: &Scope<'_>) -> minijinja::Value {
        context(&scope.for_templates(&self.secrets))
    }

    /// The template context of a JSON context, plus secrets.
    pub(crate) fn template_ctx_of(&self, ctx: &Value) -> minijinja::Value {
        context(&TemplateView::with_secrets(ctx, &self.secrets))
    }

    /// The template context of auth values: variables and settings (and secrets). The same for
    /// the whole run, so it is built once.
    pub(crate) fn auth_ctx(&self) -> minijinja::Value {
        self.auth_ctx
            .get_or_init(|| {
                self.template_ctx_of(&json!({"vars": self.vars, "settings": self.env.settings}))
            })
            .clone()
    }

    pub(crate) fn remaining(&self) -> std::time::Duration {
        self.deadline
            .saturating_duration_since(tokio::time::Instant::now())
    }
}

fn elapsed_ms(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

enum Flow {
    Continue(Both),
    Return(Value),
}

impl Engine {
    /// An engine sending through `transport`.
    #[must_use]
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport,
            tokens: TokenCache::default(),
        }
    }

    /// Run an automation on an input (already validated by the catalog).
    pub async fn run(
        &self,
        automation: &CompiledAutomation,
        input: Value,
        env: &RunEnv,
    ) -> RunOutcome {
        let started = Instant::now();
        let limits = env.limits.with_overrides(&automation.limits);
        let mut redactor = Redactor::default();
        let mut secrets = Map::new();
        for (name, value) in &env.secrets {
            redactor.add_secret(value.expose_secret());
            secrets.insert(
                name.clone(),
                Value::String(value.expose_secret().to_owned()),
            );
        }
        for (needle, masked) in &env.masks {
            redactor.add_mask(needle, masked);
        }
        let mut vars: BTreeMap<String, String> = automation.variable_defaults.clone();
        vars.extend(env.vars.clone());
        let run = Run {
            automation,
            env,
            limits,
            vars: vars.clone(),
            secrets: Value::Object(secrets),
            redactor: Mutex::new(redactor),
            steps_trace: Mutex::new(Vec::new()),
            step_count: AtomicU32::new(0),
            iterations: AtomicU32::new(0),
            deadline: tokio::time::Instant::now() + limits.total_timeout(),
            auth_ctx: OnceLock::new(),
        };
        // Optional inputs not given are `""` (SPEC §1: absent and "" both mean "not given"),
        // so a template can test `{% if input.contract_id %}` without tripping strict mode.
        let mut input = input;
        if let Value::Object(map) = &mut input {
            for field in automation.function.input_fields() {
                map.entry((*field).to_owned())
                    .or_insert_with(|| Value::String(String::new()));
            }
        }
        let ctx = Context::new(json!({
            "input": input,
            "vars": vars,
            "settings": env.settings.clone(),
            "steps": {},
        }));
        let result =
            match tokio::time::timeout(limits.total_timeout(), self.run_steps(&run, ctx)).await {
                Ok(r) => r,
                Err(_) => {
                    let step = run
                        .steps_trace
                        .lock()
                        .ok()
                        .and_then(|t| t.last().map(|s| s.id.clone()))
                        .unwrap_or_default();
                    Err(RunError::Timeout {
                        step,
                        after_ms: limits.total_timeout_ms,
                    })
                }
            };
        let result = result.and_then(|output| validate_output(automation, output));
        let redactor = run.redactor();
        let trace = Trace {
            function: automation.function.id.as_str().to_owned(),
            automation: automation.name.clone(),
            automation_sha256: automation.sha256.clone(),
            duration_ms: elapsed_ms(started),
            steps: run.steps_trace.into_inner().unwrap_or_default(),
            output: result.as_ref().ok().map(|v| redact_value(&redactor, v)),
            error: result.as_ref().err().map(|e| TraceError {
                code: e.code().to_owned(),
                message: redactor.text(&e.to_string()),
            }),
        };
        RunOutcome { result, trace }
    }

    async fn run_steps(&self, run: &Run<'_>, mut ctx: Context) -> Result<Value, RunError> {
        for step in &run.automation.steps {
            match self.step(run, step, &ctx).await? {
                Flow::Continue(value) => ctx.add_step(&step.id, value),
                Flow::Return(value) => return Ok(value),
            }
        }
        match &run.automation.output {
            Some(program) => program
                .first_on(ctx.jq())
                .map_err(|e| RunError::InvalidResponse {
                    step: "output".into(),
                    message: e.0,
                }),
            None => Ok(Value::Null),
        }
    }

    fn count_step(run: &Run<'_>, step: &str) -> Result<(), RunError> {
        let n = run.step_count.fetch_add(1, Ordering::Relaxed) + 1;
        if n > run.limits.max_steps {
            return Err(RunError::LimitExceeded {
                step: step.to_owned(),
                message: format!("more than {} step executions", run.limits.max_steps),
            });
        }
        Ok(())
    }

    async fn step(&self, run: &Run<'_>, step: &Step, ctx: &Context) -> Result<Flow, RunError> {
        let started = Instant::now();
        let automation_err = |message: String| RunError::Automation {
            step: step.id.clone(),
            message,
        };
        if let Some(when) = &step.when
            && !when
                .test_on(ctx.jq())
                .map_err(|e| automation_err(format!("when: {}", e.0)))?
        {
            run.record(StepTrace {
                id: step.id.clone(),
                kind: kind_name(&step.kind).into(),
                skipped: true,
                ..StepTrace::default()
            });
            return Ok(Flow::Continue(Both::from_json(Value::Null)));
        }
        Self::count_step(run, &step.id)?;
        let Some(each) = &step.for_each else {
            return self.step_once(run, step, &ctx.scope(), started).await;
        };
        let (items, items_jq) = each
            .items
            .first_both(ctx.jq())
            .map_err(|e| automation_err(format!("for_each: {}", e.0)))?;
        let items: Vec<Both> = match items {
            Value::Array(items) => items
                .into_iter()
                .zip(items_jq.into_items())
                .map(|(json, jq)| Both { json, jq })
                .collect(),
            Value::Null => Vec::new(),
            other => {
                return Err(automation_err(format!(
                    "for_each needs a list, got {}",
                    short(&other)
                )));
            }
        };
        if items.len() > each.max_items as usize {
            return Err(RunError::LimitExceeded {
                step: step.id.clone(),
                message: format!(
                    "for_each has {} items, more than its max_items {}",
                    items.len(),
                    each.max_items
                ),
            });
        }
        let total = run
            .iterations
            .fetch_add(
                u32::try_from(items.len()).unwrap_or(u32::MAX),
                Ordering::Relaxed,
            )
            .saturating_add(u32::try_from(items.len()).unwrap_or(u32::MAX));
        if total > run.limits.max_iterations {
            return Err(RunError::LimitExceeded {
                step: step.id.clone(),
                message: format!(
                    "more than {} loop iterations in the run",
                    run.limits.max_iterations
                ),
            });
        }
        let concurrency = each.concurrency.min(run.limits.max_concurrency).max(1) as usize;
        let count = items.len();
        let results: Vec<Result<Flow, RunError>> =
            futures::stream::iter(items.into_iter().enumerate())
                .map(|(index, item)| {
                    let scope = ctx.item_scope(item, index);
                    async move {
                        Self::count_step(run, &step.id)?;
                        self.step_once(run, step, &scope, Instant::now()).await
                    }
                })
                .buffered(concurrency)
                .collect()
                .await;
        let mut out = Vec::with_capacity(count);
        for r in results {
            match r? {
                Flow::Continue(v) => out.push(v),
                Flow::Return(v) => return Ok(Flow::Return(v)),
            }
        }
        run.record(StepTrace {
            id: step.id.clone(),
            kind: "for_each".into(),
            duration_ms: elapsed_ms(started),
            iterations: Some(count),
            ..StepTrace::default()
        });
        Ok(Flow::Continue(Both::list(out)))
    }

    async fn step_once(
        &self,
        run: &Run<'_>,
        step: &Step,
        scope: &Scope<'_>,
        started: Instant,
    ) -> Result<Flow, RunError> {
        let automation_err = |message: String| RunError::Automation {
            step: step.id.clone(),
            message,
        };
        let mut trace = StepTrace {
            id: step.id.clone(),
            kind: kind_name(&step.kind).into(),
            ..StepTrace::default()
        };
        let flow = match &step.kind {
            StepKind::Set(p) => {
                let (json, jq) =
                    p.first_both(&scope.jq)
                        .map_err(|e| RunError::InvalidResponse {
                            step: step.id.clone(),
                            message: e.0,
                        })?;
                Flow::Continue(Both { json, jq })
            }
            StepKind::Return(p) => {
                Flow::Return(
                    p.first_on(&scope.jq)
                        .map_err(|e| RunError::InvalidResponse {
                            step: step.id.clone(),
                            message: e.0,
                        })?,
                )
            }
            StepKind::Fail {
                code,
                message,
                not_found,
            } => {
                let message = run
                    .automation
                    .templates
                    .render(message, &run.template_ctx(scope))
                    .map_err(automation_err)?;
                run.record(StepTrace {
                    duration_ms: elapsed_ms(started),
                    ..trace
                });
                return Err(RunError::Failed {
                    code: code.clone(),
                    message,
                    not_found: *not_found,
                });
            }
            StepKind::Request(request) => {
                let result = self
                    .request(run, &step.id, request, scope, &mut trace)
                    .await;
                trace.duration_ms = elapsed_ms(started);
                run.record(trace);
                return result.map(Flow::Continue);
            }
        };
        trace.duration_ms = elapsed_ms(started);
        run.record(trace);
        Ok(flow)
    }
}

fn kind_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Request(_) => "request",
        StepKind::Set(_) => "set",
        StepKind::Return(_) => "return",
        StepKind::Fail { .. } => "fail",
    }
}

/// A copy of `value` with its strings redacted (keys are kept as they are).
fn redact_value(redactor: &Redactor, value: &Value) -> Value {
    // Copying the whole value and then replacing the few strings that change is cheaper than
    // rebuilding it string by string: objects are copied without hashing their keys again.
    let mut copy = value.clone();
    redact_in_place(redactor, &mut copy);
    copy
}

fn redact_in_place(redactor: &Redactor, value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(redacted) = redactor.redacted(s) {
                *s = redacted;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_in_place(redactor, v)),
        Value::Object(map) => map.values_mut().for_each(|v| redact_in_place(redactor, v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn validate_output(automation: &CompiledAutomation, output: Value) -> Result<Value, RunError> {
    if automation.function.output_kind == ponte_catalog::OutputKind::None {
        return Ok(Value::Null);
    }
    let mismatches: Vec<OutputMismatch> = automation
        .output_validator
        .iter_errors(&output)
        .take(20)
        .map(|e| {
            let path = e.instance_path().to_string();
            let got = pointer(&output, &path).map_or_else(|| "nothing".into(), short);
            OutputMismatch {
                path: if path.is_empty() { "/".into() } else { path },
                expected: e.to_string(),
                got,
            }
        })
        .collect();
    if mismatches.is_empty() {
        Ok(output)
    } else {
        Err(RunError::OutputInvalid(mismatches))
    }
}

fn pointer<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        Some(value)
    } else {
        value.pointer(path)
    }
}
