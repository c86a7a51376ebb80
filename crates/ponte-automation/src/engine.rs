//! The engine: runs a [`CompiledAutomation`] against an ERP through a [`Transport`].
//!
//! A run builds its context (`input`, `vars`, `settings`, `steps`), walks the steps in order,
//! and ends with the `output` mapping or a `return`; the result is checked against the
//! function's output schema. Every run is bounded by [`crate::Limits`] and remembers what it
//! did, from which the caller gets a summary or the redacted trace ([`RunOutcome`]).
//!
//! The engine only walks steps: a request step goes down the request path in
//! [`crate::request`] (render → authenticate → send → decide success), which never calls back
//! up here.

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use ponte_catalog::ValidatedInput;
use serde_json::Value;

use crate::auth::TokenCache;
use crate::compiled::{CompiledAutomation, Step, StepKind};
use crate::context::{Both, Context, EnvForms, Scope};
use crate::env::RunEnv;
use crate::error::{OutputMismatch, RunError, short};
use crate::record::{RunOutcome, StepRecord};
use crate::request::request;
use crate::state::Run;
use crate::transport::Transport;

/// Runs automations. Cheap to clone; share one per process (it holds the token cache).
#[derive(Debug, Clone)]
pub struct Engine {
    transport: Arc<dyn Transport>,
    tokens: TokenCache,
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

    /// The token cache (to forget an integration's tokens when its credentials change).
    #[must_use]
    pub fn tokens(&self) -> &TokenCache {
        &self.tokens
    }

    /// Run an automation on an input validated by the catalog for the automation's function.
    pub async fn run(
        &self,
        automation: &CompiledAutomation,
        input: ValidatedInput,
        env: &RunEnv,
    ) -> RunOutcome {
        let started = Instant::now();
        let mut redactor = env.redactor();
        for document in input.documents() {
            redactor.add_document(document);
        }
        let run = Run::new(
            automation,
            env,
            self.transport.as_ref(),
            &self.tokens,
            redactor,
        );
        let result = if input.function() == automation.function.id {
            let shared = env.shared();
            let forms = EnvForms {
                vars_jq: run.values.vars_jq.clone(),
                vars_mj: run.values.vars_mj.clone(),
                settings_jq: shared.settings_jq.clone(),
                settings_mj: shared.settings_mj.clone(),
                secrets_mj: shared.secrets_mj.clone(),
            };
            let ctx = Context::new(input.into_value(), forms);
            let limit = run.limits.total_timeout();
            match tokio::time::timeout(limit, run_steps(&run, ctx)).await {
                Ok(r) => r,
                Err(_) => Err(RunError::Timeout {
                    step: run.last_step(),
                    after_ms: run.limits.total_timeout_ms,
                }),
            }
        } else {
            Err(RunError::Automation {
                step: "input".into(),
                message: format!(
                    "the input was validated for `{}`, the automation serves `{}`",
                    input.function(),
                    automation.function.id
                ),
            })
        };
        let result = result.and_then(|output| validate_output(automation, output));
        let trace_body_bytes = run.limits.trace_body_bytes;
        let (steps, redactor) = run.finish();
        RunOutcome {
            result,
            function: automation.function.id.as_str(),
            automation: automation.name.clone(),
            automation_sha256: automation.sha256.clone(),
            duration_ms: elapsed_ms(started),
            steps,
            redactor,
            trace_body_bytes,
        }
    }
}

/// How a sequence of steps ended: a `return`, or its last step.
enum SeqEnd {
    Returned(Value),
    Finished(Box<Context>),
}

/// Run `steps` in order in `ctx`, each step's value added under its key.
async fn run_seq(run: &Run<'_>, steps: &[Step], mut ctx: Context) -> Result<SeqEnd, RunError> {
    for step in steps {
        match step_flow(run, step, &ctx).await? {
            Flow::Continue(value) => ctx.add_step(&step.key, value),
            Flow::Return(value) => return Ok(SeqEnd::Returned(value)),
        }
    }
    Ok(SeqEnd::Finished(Box::new(ctx)))
}

/// [`run_seq`] for shared steps, boxed: a step may run a sequence that runs steps.
fn run_seq_boxed<'r>(
    run: &'r Run<'_>,
    steps: &'r [Step],
    ctx: Context,
) -> futures::future::BoxFuture<'r, Result<SeqEnd, RunError>> {
    Box::pin(run_seq(run, steps, ctx))
}

async fn run_steps(run: &Run<'_>, ctx: Context) -> Result<Value, RunError> {
    let ctx = match run_seq(run, &run.automation.steps, ctx).await? {
        SeqEnd::Returned(value) => return Ok(value),
        SeqEnd::Finished(ctx) => ctx,
    };
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

async fn step_flow(run: &Run<'_>, step: &Step, ctx: &Context) -> Result<Flow, RunError> {
    let started = Instant::now();
    let automation_err = |message: String| RunError::Automation {
        step: step.id.to_string(),
        message,
    };
    if let Some(when) = &step.when
        && !when
            .test_on(ctx.jq())
            .map_err(|e| automation_err(format!("when: {}", e.0)))?
    {
        let mut record = StepRecord::new(step.id.clone(), kind_name(&step.kind));
        record.skipped = true;
        run.record(record);
        return Ok(Flow::Continue(Both::from_json(Value::Null)));
    }
    run.count_step(&step.id)?;
    let Some(each) = &step.for_each else {
        return step_once(run, step, &ctx.scope(), started).await;
    };
    let items = each
        .items
        .first_jq(ctx.jq())
        .map_err(|e| automation_err(format!("for_each: {}", e.0)))?;
    if !items.is_null() && !items.is_list() {
        return Err(automation_err(format!(
            "for_each needs a list, got {}",
            short(&items.to_json())
        )));
    }
    let items: Vec<Both> = items.into_items().into_iter().map(Both::from_jq).collect();
    if items.len() > each.max_items as usize {
        return Err(RunError::LimitExceeded {
            step: step.id.to_string(),
            message: format!(
                "for_each has {} items, more than its max_items {}",
                items.len(),
                each.max_items
            ),
        });
    }
    run.count_iterations(&step.id, items.len())?;
    let concurrency = each.concurrency.min(run.limits.max_concurrency).max(1) as usize;
    let count = items.len();
    let results: Vec<Result<Flow, RunError>> = futures::stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| {
            let scope = ctx.item_scope(item, index);
            async move {
                run.count_step(&step.id)?;
                step_once(run, step, &scope, Instant::now()).await
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
    let mut record = StepRecord::new(step.id.clone(), "for_each");
    record.duration_ms = elapsed_ms(started);
    record.iterations = Some(count);
    run.record(record);
    Ok(Flow::Continue(Both::list(out)))
}

async fn step_once(
    run: &Run<'_>,
    step: &Step,
    scope: &Scope<'_>,
    started: Instant,
) -> Result<Flow, RunError> {
    let mut record = StepRecord::new(step.id.clone(), kind_name(&step.kind));
    let invalid = |e: crate::jq::JqRunError| RunError::InvalidResponse {
        step: step.id.to_string(),
        message: e.0,
    };
    let flow = match &step.kind {
        StepKind::Set(p) => Flow::Continue(Both::from_jq(p.first_jq(&scope.jq).map_err(invalid)?)),
        StepKind::Return(p) => Flow::Return(p.first_on(&scope.jq).map_err(invalid)?),
        StepKind::Fail {
            code,
            message,
            not_found,
        } => {
            let message = run
                .automation
                .templates
                .render_with(message, &scope.for_templates(), &run.fuel)
                .map_err(|message| RunError::Automation {
                    step: step.id.to_string(),
                    message,
                })?;
            record.duration_ms = elapsed_ms(started);
            run.record(record);
            return Err(RunError::Failed {
                code: code.clone(),
                message,
                not_found: *not_found,
            });
        }
        StepKind::Use(call) => {
            let mut params = serde_json::Map::new();
            for (name, program) in &call.args {
                let value = program
                    .first_on(&scope.jq)
                    .map_err(|e| RunError::Automation {
                        step: step.id.to_string(),
                        message: format!("with.{name}: {}", e.0),
                    })?;
                params.insert(name.clone(), value);
            }
            let shared = Context::shared(Value::Object(params), scope.env().clone());
            let value = match run_seq_boxed(run, &call.steps, shared).await? {
                SeqEnd::Returned(value) => Both::from_json(value),
                SeqEnd::Finished(ctx) => match &call.result {
                    Some(p) => Both::from_jq(p.first_jq(ctx.jq()).map_err(invalid)?),
                    None => Both::from_json(Value::Null),
                },
            };
            Flow::Continue(value)
        }
        StepKind::Request(req) => {
            let result = request(run, &step.id, req, scope, &mut record).await;
            record.duration_ms = elapsed_ms(started);
            run.record(record);
            return result.map(Flow::Continue);
        }
    };
    record.duration_ms = elapsed_ms(started);
    run.record(record);
    Ok(flow)
}

fn kind_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Request(_) => "request",
        StepKind::Set(_) => "set",
        StepKind::Return(_) => "return",
        StepKind::Fail { .. } => "fail",
        StepKind::Use(_) => "use",
    }
}

fn validate_output(automation: &CompiledAutomation, output: Value) -> Result<Value, RunError> {
    if automation.function.output_kind == ponte_catalog::OutputKind::None {
        return Ok(Value::Null);
    }
    // The usual case, checked without collecting anything.
    if automation.output_validator.is_valid(&output) {
        return Ok(output);
    }
    // An output that may be null is checked against its non-null form, which names the
    // field at fault.
    let validator = match &automation.present_validator {
        Some(present) if !output.is_null() => present,
        _ => &automation.output_validator,
    };
    let mismatches: Vec<OutputMismatch> = validator
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use async_trait::async_trait;
    use bytes::Bytes;
    use serde_json::json;

    use super::*;
    use crate::transport::{InboundResponse, OutboundRequest, TransportError};

    /// An IXC answering from memory: one customer, two invoices, a PIX code for each.
    #[derive(Debug)]
    struct Ixc;

    #[async_trait]
    impl Transport for Ixc {
        async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError> {
            let body = match request.url.path().rsplit('/').next() {
                Some("cliente") => json!({"total": "1", "registros": [
                    {"id": "2", "razao": "Maria Souza", "cnpj_cpf": "529.982.247-25", "senha": "123456"}
                ]}),
                Some("fn_areceber") => json!({"page": "1", "total": "2", "registros": [
                    {"id": "10", "id_cliente": "2", "valor": "99.90", "valor_aberto": "99.90",
                     "data_emissao": "2026-11-01", "data_vencimento": "2026-12-10"},
                    {"id": "11", "id_cliente": "2", "valor": "99.90", "valor_aberto": "99.90",
                     "data_emissao": "2026-11-01", "data_vencimento": "2027-01-10"}
                ]}),
                _ => json!({"type": "success", "qrcode": "00020101021226850014br.gov.bcb.pix"}),
            };
            Ok(InboundResponse {
                status: 200,
                headers: http::HeaderMap::new(),
                body: Bytes::from(body.to_string()),
            })
        }
    }

    fn preset_library() -> crate::SharedLibrary {
        let mut library = crate::SharedLibrary::new();
        library.add(
            "customer_by_document",
            "presets/ixc/shared/customer_by_document.yaml",
            include_str!("../../../presets/ixc/shared/customer_by_document.yaml"),
        );
        library
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_run_compiles_no_template_and_no_jq_program() {
        let automation = crate::compile_with(
            "presets/ixc/list_invoices.yaml",
            include_str!("../../../presets/ixc/list_invoices.yaml"),
            &preset_library(),
        )
        .unwrap();
        let engine = Engine::new(Arc::new(Ixc));
        let input = || {
            ponte_catalog::validate_input(
                ponte_catalog::FunctionId::ListInvoices,
                &json!({"customer_document_number": "52998224725"}),
            )
            .unwrap()
        };
        let mut env = RunEnv::new("ixc")
            .with_vars(BTreeMap::from([
                (
                    "base_url".to_owned(),
                    "http://ixc.test/webservice/v1".to_owned(),
                ),
                ("ixc_user_id".to_owned(), "7".to_owned()),
            ]))
            .with_secrets(BTreeMap::from([(
                "ixc_token".to_owned(),
                secrecy::SecretString::from("0123456789abcdef"),
            )]));
        // Fuel other than the automation's: the run renders with a refuelled copy of the
        // templates, which must not compile them again either.
        env.limits.template_fuel = 5_000;
        let before = crate::compile_count::so_far();
        let jaq_before = crate::compile_count::jaq_runs();
        for _ in 0..3 {
            let out = engine.run(&automation, input(), &env).await;
            assert_eq!(out.result.as_ref().unwrap().as_array().unwrap().len(), 2);
            assert_eq!(out.erp_requests(), 4);
            drop(out.trace());
        }
        assert_eq!(
            crate::compile_count::so_far(),
            before,
            "a run compiled something"
        );
        // Every jq program of this automation is within the direct evaluator's subset.
        assert_eq!(
            crate::compile_count::jaq_runs(),
            jaq_before,
            "a jq program of the IXC list_invoices ran on jaq"
        );
        // The counter does count: compiling the automation again is seen.
        drop(crate::compile_with(
            "presets/ixc/list_invoices.yaml",
            include_str!("../../../presets/ixc/list_invoices.yaml"),
            &preset_library(),
        ));
        assert!(crate::compile_count::so_far() > before);
    }
}
