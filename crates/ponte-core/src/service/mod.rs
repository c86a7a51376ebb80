//! The use cases reached over HTTP: calling one catalog function and listing the catalog for
//! the caller's integration, and the operator's side in [`admin`] (integrations, API keys,
//! execution records, test runs).
//!
//! [`Ponte`] is built once at start-up from the store, the engine and a [`PresetSource`], and
//! shared by every request. A call walks: API key → integration → function → automation, all
//! found in memory (the [`snapshot`] of the store, compiled once per source) → validated input
//! → run under the integration's concurrency gate → output or [`CallError`], with a summary of
//! the run (and its trace when the [`RecordingPolicy`] keeps it) queued for a writer task off
//! the request path.
//!
//! No web framework here: the HTTP crate extracts, calls these methods and maps the result.

pub mod admin;
mod breaker;
mod compiled;
pub mod configure;
mod error;
mod files;
mod flows;
mod metrics;
pub mod operators;
mod payments;
mod presets;
mod recorder;
mod recording;
mod retention;
mod run;
mod snapshot;
pub mod versions;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ponte_automation::Engine;
use ponte_catalog::{FunctionSpec, OutputKind};
use serde_json::Value;

use crate::model::{ApiKey, ApiKeyHash, ExecutionId, IntegrationId};
use crate::store::Store;

pub use admin::{Admin, admin_token_matches, check_admin_token};
pub use error::{CallError, ErrorCode, errors_markdown};
pub use files::FileAutomation;
pub use flows::{
    DEFAULT_LINK_TTL, LinkSigner, OrderPath, OrderPlaced, Pay, PayProblem, Pendency, PendencyFound,
    barcode_path, check_pendency_rules, pdf_path, pix_qr_path,
};
pub use metrics::{METRICS_CONTENT_TYPE, Metrics};
pub use operators::{ActiveSession, DEFAULT_SESSION_TTL, NewSession};
pub use payments::{PaymentSettings, PaymentView, Submitted};
pub use presets::{InMemoryPresets, PresetSource};
pub use recording::{KeptTraces, RecordingPolicy};
pub use snapshot::privacy_rules;

use breaker::Breakers;
pub use breaker::CircuitState;
use compiled::CompiledCache;
use files::FileAutomations;
use flows::catalogs::{CatalogCache, is_catalog};
use recorder::{Recorder, RecorderCounters};
use run::{Gates, Ran, RunMode};
use snapshot::{Served, Snapshots, Sources};

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
#[derive(Debug, Clone)]
pub struct ListedFunction {
    /// The function's contract.
    pub spec: &'static FunctionSpec,
    /// An automation is bound and can be found.
    pub served: bool,
    /// The automation bound to it, when one is: where it comes from and its source's hash.
    pub automation: Option<ServingAutomation>,
}

/// Which automation serves a function of an integration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServingAutomation {
    /// Where the automation comes from.
    #[serde(flatten)]
    pub source: AutomationSource,
    /// Lower-case hex SHA-256 of the source being served.
    pub sha256: String,
}

/// Where a served automation comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum AutomationSource {
    /// A shipped preset.
    Preset {
        /// The preset's name (`ixc`).
        preset: String,
    },
    /// An automation file named in the configuration file.
    File {
        /// The file's path.
        path: String,
    },
    /// A version stored through the admin API.
    Stored {
        /// The version number.
        version: u32,
    },
}

/// An integration whose API key was checked by [`Ponte::authenticate`]; only that method
/// builds one, so a call made with it was authenticated. It lets the HTTP edge refuse a bad
/// key before it reads a request's body.
#[derive(Debug, Clone)]
pub struct Caller(Arc<Served>);

impl Caller {
    /// The caller's integration.
    pub fn integration(&self) -> &IntegrationId {
        &self.0.integration.id
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
    files: FileAutomations,
    snapshots: Snapshots,
    gates: Gates,
    breakers: Breakers,
    recording: RecordingPolicy,
    recorder: Recorder,
    metrics: Metrics,
    payments: Arc<payments::Payments>,
    catalogs: CatalogCache,
    links: LinkSigner,
    session_ttl: time::Duration,
}

impl Ponte {
    /// The service over `store`, running automations with `engine` (one per process: it holds
    /// the token cache) and finding preset automations in `presets`.
    pub fn new(store: Arc<dyn Store>, engine: Engine, presets: Arc<dyn PresetSource>) -> Self {
        Self::with_recording(store, engine, presets, RecordingPolicy::default())
    }

    /// As [`Ponte::new`], recording runs as `recording` says.
    pub fn with_recording(
        store: Arc<dyn Store>,
        engine: Engine,
        presets: Arc<dyn PresetSource>,
        recording: RecordingPolicy,
    ) -> Self {
        let counters = RecorderCounters::default();
        let mut metrics = Metrics::default();
        metrics.register_recorder(&counters);
        Self {
            recorder: Recorder::new(store.clone(), recording.queue, recording.gather, counters),
            recording,
            metrics,
            store,
            engine,
            insecure_engine: None,
            presets,
            compiled: CompiledCache::default(),
            files: FileAutomations::default(),
            snapshots: Snapshots::default(),
            gates: Gates::default(),
            breakers: Breakers::default(),
            payments: Arc::default(),
            catalogs: CatalogCache::default(),
            links: LinkSigner::random(),
            session_ttl: operators::DEFAULT_SESSION_TTL,
        }
    }

    /// The engine used for integrations with `allow_insecure_tls` (its transport skips
    /// certificate checks). Without one, those integrations use the normal engine.
    #[must_use]
    pub fn with_insecure_tls_engine(mut self, engine: Engine) -> Self {
        self.insecure_engine = Some(engine);
        self
    }

    /// The signer of the invoices' links (PDF, barcode, QR code). Without one, links are signed
    /// with a key of this process, valid here only.
    #[must_use]
    pub fn with_links(mut self, links: LinkSigner) -> Self {
        self.links = links;
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
        self.call_served(&caller.0, function, input).await
    }

    /// A platform's call of `function` for an integration, from a function route or a flow:
    /// the catalog lists come from the cache while fresh, everything else runs; every call is
    /// counted in the metrics.
    async fn call_served(
        &self,
        served: &Served,
        function: &str,
        input: Value,
    ) -> Result<CallOutcome, CallError> {
        let started = Instant::now();
        let result = match self.cached_catalog(served, function, &input) {
            Some(hit) => Ok(hit),
            None => self
                .call_for(served, function, input, RunMode::Call)
                .await
                .and_then(|(spec, ran)| {
                    let output = ran.result?;
                    if is_catalog(spec.id) {
                        self.catalogs.put(
                            &served.integration.id,
                            spec.id,
                            &output,
                            ran.execution_id,
                        );
                    }
                    Ok(CallOutcome {
                        output: output_of(spec, output),
                        execution_id: ran.execution_id,
                    })
                }),
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.code(),
        };
        self.metrics
            .observe_call(&served.integration.id, function, outcome, started.elapsed());
        result
    }

    /// A catalog list kept within the integration's `cache.lists_ttl_seconds`, when the call
    /// would run at all (active integration, bound function, valid input); `None` otherwise.
    fn cached_catalog(
        &self,
        served: &Served,
        function: &str,
        input: &Value,
    ) -> Option<CallOutcome> {
        let spec = ponte_catalog::function(function)?;
        let integration = &served.integration;
        let ttl = integration.settings.cache.lists_ttl_seconds;
        if !is_catalog(spec.id) || ttl == 0 || !integration.active || !served.serves(spec.id) {
            return None;
        }
        spec.validate_input(input).ok()?;
        let (output, execution_id) =
            self.catalogs
                .get(&integration.id, spec.id, Duration::from_secs(ttl))?;
        Some(CallOutcome {
            output: Some(output),
            execution_id,
        })
    }

    /// Where the circuit breaker of `integration` stands now.
    pub fn circuit_state(&self, integration: &IntegrationId) -> CircuitState {
        self.breakers.state(integration)
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
        served: &Served,
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
        let integration = &served.integration;
        if !integration.active {
            return Err(CallError::new(
                ErrorCode::IntegrationInactive,
                format!("Integration `{}` is inactive.", integration.id),
            ));
        }
        let automation = served.automation(spec.id, &self.compiled)?;
        let input = spec
            .validate_input(&input)
            .map_err(CallError::from_input_errors)?;
        let ran = self.run(served, &automation, input, mode).await?;
        Ok((spec, ran))
    }

    /// The catalog, with whether the integration of `api_key` serves each function.
    pub async fn list_functions(&self, api_key: &str) -> Result<FunctionListing, CallError> {
        let caller = self.authenticate(api_key).await?;
        self.list_functions_as(&caller).await
    }

    /// The catalog, with whether an authenticated caller's integration serves each function.
    pub async fn list_functions_as(&self, caller: &Caller) -> Result<FunctionListing, CallError> {
        let served = &caller.0;
        let integration = &served.integration;
        let functions = ponte_catalog::catalog()
            .iter()
            .map(|spec| ListedFunction {
                spec,
                served: integration.active && served.serves(spec.id),
                automation: served.serving(spec.id).cloned(),
            })
            .collect();
        Ok(FunctionListing {
            integration: integration.id.clone(),
            active: integration.active,
            functions,
        })
    }

    /// The caller the key speaks for, from the snapshot; `unauthorized` otherwise.
    pub async fn authenticate(&self, api_key: &str) -> Result<Caller, CallError> {
        let unauthorized = || {
            CallError::new(
                ErrorCode::Unauthorized,
                "Send a valid API key as `Authorization: Bearer <key>`.",
            )
        };
        // Only a key of the right shape can match; anything else needs no lookup.
        if ApiKey::lookup_prefix(api_key).is_none() {
            return Err(unauthorized());
        }
        let hash = ApiKeyHash::of(api_key);
        let snapshot = self.snapshot().await?;
        if let Some(served) = snapshot.by_key(&hash) {
            return Ok(Caller(record_integration(served)));
        }
        // A key created a moment ago by another process: compare the configuration version
        // once (one small query) before refusing.
        if self.reload(true).await?
            && let Some(served) = self.snapshot().await?.by_key(&hash)
        {
            return Ok(Caller(record_integration(served)));
        }
        Err(unauthorized())
    }

    /// An integration by id from the snapshot, after checking that it is current; for the
    /// operator's test runs and the flows that name an integration.
    async fn served(&self, id: &IntegrationId) -> Result<Option<Arc<Served>>, CallError> {
        self.reload(true).await?;
        Ok(self.snapshot().await?.by_id(id).cloned())
    }

    async fn snapshot(&self) -> Result<Arc<snapshot::Snapshot>, CallError> {
        self.snapshots
            .current(&self.sources())
            .await
            .map_err(|err| internal("configuration load", &err))
    }

    fn sources(&self) -> Sources<'_> {
        Sources {
            store: self.store.as_ref(),
            presets: self.presets.as_ref(),
            compiled: &self.compiled,
            files: &self.files,
        }
    }

    async fn reload(&self, only_if_changed: bool) -> Result<bool, CallError> {
        self.snapshots
            .reload(&self.sources(), only_if_changed)
            .await
            .map_err(|err| internal("configuration load", &err))
    }

    /// Hands over the checked automation files serving functions of `integration`, replacing
    /// those handed over before. They serve the functions whose stored binding is an
    /// [`AutomationRef::File`](crate::model::AutomationRef::File) from the next reload
    /// ([`Ponte::refresh`]) on; a function bound to a file not handed over here is not served.
    pub fn serve_files(
        &self,
        integration: &IntegrationId,
        files: std::collections::BTreeMap<ponte_catalog::FunctionId, FileAutomation>,
    ) {
        self.files.set(integration, files);
    }

    /// True when this process's configuration file declares the integration: the next start or
    /// reload provisions it again (its name, settings, variables and bindings), so the admin
    /// API refuses to change those as `managed_by_file`.
    pub fn declared_by_file(&self, integration: &IntegrationId) -> bool {
        self.files.declares(integration)
    }

    /// Reloads integrations, keys, secrets and automations from the store now. Call it after
    /// changing them in the store other than through [`Ponte::admin`] (which reloads by
    /// itself); other processes sharing the database pick the change up through
    /// [`Ponte::keep_refreshing`].
    pub async fn refresh(&self) -> Result<(), CallError> {
        self.reload(false).await.map(drop)
    }

    /// Compares the store's configuration version every `every` and reloads when it moved,
    /// so a change made by another process sharing the database takes effect here within
    /// that time. Runs until the task is dropped; a failed comparison is logged and retried.
    pub async fn keep_refreshing(self: Arc<Self>, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // `internal` has logged the cause already.
            let _ = self.reload(true).await;
        }
    }
}

/// Names the integration in the request's log span.
fn record_integration(served: &Arc<Served>) -> Arc<Served> {
    tracing::Span::current().record("integration", served.integration.id.as_str());
    Arc::clone(served)
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
