//! The use cases reached over HTTP: calling one catalog function and listing the catalog for
//! the caller's integration, and the operator's side in [`admin`] (integrations, API keys,
//! execution records, test runs).
//!
//! [`Ponte`] is built once at start-up from the store, the engine and a [`PresetSource`], and
//! shared by every request. A call walks: API key → integration → function → binding →
//! automation (compiled once per source, cached by its SHA-256) → validated input → run under
//! the integration's concurrency gate → output or [`CallError`], with the execution record
//! queued for a writer task off the request path.
//!
//! No web framework here: the HTTP crate extracts, calls these methods and maps the result.

pub mod admin;
mod breaker;
mod compiled;
mod error;
mod metrics;
mod presets;
mod recorder;
mod retention;
mod run;

use std::sync::Arc;
use std::time::Instant;

use ponte_automation::{CompiledAutomation, Engine};
use ponte_catalog::{FunctionId, FunctionSpec, OutputKind};
use serde_json::Value;

use crate::model::{AutomationRef, ExecutionId, Integration, IntegrationId};
use crate::store::{Store, StoreError};

pub use admin::{Admin, admin_token_matches, check_admin_token};
pub use error::{CallError, ErrorCode, errors_markdown};
pub use metrics::{METRICS_CONTENT_TYPE, Metrics};
pub use presets::{InMemoryPresets, PresetSource};

use breaker::Breakers;
use compiled::CompiledCache;
use recorder::Recorder;
use run::{Gates, Ran, RunMode};

/// What a successful call answers.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutcome {
    /// The function's output, exactly; `None` for functions that answer nothing (HTTP 204).
    pub output: Option<Value>,
    /// The run, also sent as `Ponte-Execution-Id`.
    pub execution_id: ExecutionId,
}

/// The catalog as one integration sees it.
#[derive(Debug, Clone)]
pub struct FunctionListing {
    /// The caller's integration.
    pub integration: IntegrationId,
    /// Whether it is active (an inactive integration serves nothing).
    pub active: bool,
    /// Every catalog function, in the catalog's order.
    pub functions: Vec<ListedFunction>,
}

/// One catalog function and whether the caller's integration serves it.
#[derive(Debug, Clone, Copy)]
pub struct ListedFunction {
    /// The function's contract.
    pub spec: &'static FunctionSpec,
    /// An automation is bound and can be found.
    pub served: bool,
}

/// An integration whose API key was checked by [`Ponte::authenticate`]; only that method
/// builds one, so a call made with it was authenticated. It lets the HTTP edge refuse a bad
/// key before it reads a request's body.
#[derive(Debug, Clone)]
pub struct Caller(Integration);

impl Caller {
    /// The caller's integration.
    pub fn integration(&self) -> &IntegrationId {
        &self.0.id
    }
}

/// The function-call service. Build one per process and share it.
#[derive(Debug)]
pub struct Ponte {
    store: Arc<dyn Store>,
    engine: Engine,
    insecure_engine: Option<Engine>,
    presets: Arc<dyn PresetSource>,
    compiled: CompiledCache,
    gates: Gates,
    breakers: Breakers,
    recorder: Recorder,
    metrics: Metrics,
}

impl Ponte {
    /// The service over `store`, running automations with `engine` (one per process: it holds
    /// the token cache) and finding preset automations in `presets`.
    pub fn new(store: Arc<dyn Store>, engine: Engine, presets: Arc<dyn PresetSource>) -> Self {
        Self {
            recorder: Recorder::new(store.clone()),
            metrics: Metrics::default(),
            store,
            engine,
            insecure_engine: None,
            presets,
            compiled: CompiledCache::default(),
            gates: Gates::default(),
            breakers: Breakers::default(),
        }
    }

    /// The engine used for integrations with `allow_insecure_tls` (its transport skips
    /// certificate checks). Without one, those integrations use the normal engine.
    #[must_use]
    pub fn with_insecure_tls_engine(mut self, engine: Engine) -> Self {
        self.insecure_engine = Some(engine);
        self
    }

    /// The store, for health checks and the admin side.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Checks that the database answers.
    pub async fn ready(&self) -> Result<(), CallError> {
        self.store
            .ping()
            .await
            .map_err(|err| internal("store ping", &err))
    }

    /// Calls `function` for the integration `api_key` speaks for, with `input` as sent.
    pub async fn call_function(
        &self,
        api_key: &str,
        function: &str,
        input: Value,
    ) -> Result<CallOutcome, CallError> {
        let caller = self.authenticate(api_key).await?;
        self.call_function_as(&caller, function, input).await
    }

    /// Calls `function` for an already authenticated caller, with `input` as sent.
    pub async fn call_function_as(
        &self,
        caller: &Caller,
        function: &str,
        input: Value,
    ) -> Result<CallOutcome, CallError> {
        let integration = &caller.0;
        let started = Instant::now();
        let result = self
            .call_for(integration, function, input, RunMode::Call)
            .await
            .and_then(|(spec, ran)| {
                let output = ran.result?;
                Ok(CallOutcome {
                    output: output_of(spec, output),
                    execution_id: ran.execution_id,
                })
            });
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.code(),
        };
        self.metrics
            .observe_call(&integration.id, function, outcome, started.elapsed());
        result
    }

    /// The service's metrics, for `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Everything a call does once its integration is known, for a platform's call and an
    /// operator's test run alike: function, activity, automation, input validation, the run.
    /// An error here means nothing ran; a run that failed is in [`Ran::result`].
    async fn call_for(
        &self,
        integration: &Integration,
        function: &str,
        input: Value,
        mode: RunMode,
    ) -> Result<(&'static FunctionSpec, Ran), CallError> {
        let spec = ponte_catalog::function(function).ok_or_else(|| {
            CallError::new(
                ErrorCode::UnknownFunction,
                "The catalog has no function by this name; GET /v1/functions lists them.",
            )
        })?;
        if !integration.active {
            return Err(CallError::new(
                ErrorCode::IntegrationInactive,
                format!("Integration `{}` is inactive.", integration.id),
            ));
        }
        let automation = self.automation_for(integration, spec.id).await?;
        let input = spec
            .validate_input(&input)
            .map_err(CallError::from_input_errors)?;
        let ran = self.run(integration, &automation, input, mode).await?;
        Ok((spec, ran))
    }

    /// The catalog, with whether the integration of `api_key` serves each function.
    pub async fn list_functions(&self, api_key: &str) -> Result<FunctionListing, CallError> {
        let caller = self.authenticate(api_key).await?;
        self.list_functions_as(&caller).await
    }

    /// The catalog, with whether an authenticated caller's integration serves each function.
    pub async fn list_functions_as(&self, caller: &Caller) -> Result<FunctionListing, CallError> {
        let integration = &caller.0;
        let mut functions = Vec::new();
        for spec in ponte_catalog::catalog() {
            let served = integration.active && self.is_served(integration, spec.id).await?;
            functions.push(ListedFunction { spec, served });
        }
        Ok(FunctionListing {
            integration: integration.id.clone(),
            active: integration.active,
            functions,
        })
    }

    /// The caller the key speaks for; `unauthorized` otherwise.
    pub async fn authenticate(&self, api_key: &str) -> Result<Caller, CallError> {
        let unauthorized = || {
            CallError::new(
                ErrorCode::Unauthorized,
                "Send a valid API key as `Authorization: Bearer <key>`.",
            )
        };
        if api_key.is_empty() {
            return Err(unauthorized());
        }
        let id = self
            .store
            .integration_for_key(api_key)
            .await
            .map_err(|err| internal("API key lookup", &err))?
            .ok_or_else(unauthorized)?;
        let integration = match self.store.get_integration(&id).await {
            Ok(integration) => integration,
            // Deleted between the key lookup and now: the key no longer speaks for anything.
            Err(StoreError::NotFound(_)) => return Err(unauthorized()),
            Err(err) => return Err(internal("integration read", &err)),
        };
        tracing::Span::current().record("integration", integration.id.as_str());
        Ok(Caller(integration))
    }

    /// The source of the automation bound to `function`, as `(name, yaml)`, or `None`.
    async fn source_for(
        &self,
        integration: &Integration,
        function: FunctionId,
    ) -> Result<Option<(String, String)>, CallError> {
        let Some(binding) = integration.bindings.get(function.as_str()) else {
            return Ok(None);
        };
        let id = &integration.id;
        let version = match binding {
            AutomationRef::Preset { preset } => {
                return Ok(self.presets.automation(preset, function));
            }
            AutomationRef::Latest => self
                .store
                .latest_automation_version(id, function.as_str())
                .await
                .map_err(|err| internal("automation read", &err))?,
            AutomationRef::Version { version } => match self
                .store
                .get_automation_version(id, function.as_str(), *version)
                .await
            {
                Ok(found) => Some(found),
                Err(StoreError::NotFound(_)) => None,
                Err(err) => return Err(internal("automation read", &err)),
            },
        };
        Ok(version.map(|v| (format!("{id}/{function}@v{}", v.version), v.source)))
    }

    async fn is_served(
        &self,
        integration: &Integration,
        function: FunctionId,
    ) -> Result<bool, CallError> {
        Ok(self.source_for(integration, function).await?.is_some())
    }

    /// The compiled automation serving `function`; `function_not_configured` when none.
    async fn automation_for(
        &self,
        integration: &Integration,
        function: FunctionId,
    ) -> Result<Arc<CompiledAutomation>, CallError> {
        let (name, source) = self
            .source_for(integration, function)
            .await?
            .ok_or_else(|| {
                CallError::new(
                    ErrorCode::FunctionNotConfigured,
                    format!(
                        "Integration `{}` has no automation for `{function}`.",
                        integration.id
                    ),
                )
            })?;
        self.compiled.get_or_compile(&name, &source, function)
    }
}

/// What a call answers for a run's result: the output, or nothing for functions without one.
fn output_of(spec: &FunctionSpec, output: Value) -> Option<Value> {
    match spec.output_kind {
        OutputKind::Json => Some(output),
        OutputKind::None => None,
    }
}

/// Logs the cause of an internal error once, here at the boundary, and answers `internal`.
fn internal(what: &str, err: &dyn std::fmt::Display) -> CallError {
    tracing::error!(error = %err, "{what} failed");
    CallError::internal()
}
