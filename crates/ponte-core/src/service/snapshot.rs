//! What a call reads, kept in memory: integrations, their settings and bindings, their opened
//! secrets, their compiled automations, and the API keys that speak for them.
//!
//! A call must not pay for what does not change per call. Every call used to look its key up,
//! read its integration, open its secrets and hash its automation's source in the database;
//! now it hashes the key it was sent and finds everything else in a [`Snapshot`] built from
//! the store in one go and swapped in whole ([`arc_swap`]), so readers never wait for a writer
//! and never see half a change.
//!
//! The snapshot follows the store through its configuration version
//! ([`Store::config_version`]), which every change to those records moves in the same
//! transaction:
//! - a change made through this process's admin API reloads the snapshot before it answers;
//! - a background task compares the version every `refresh_interval` and reloads when it moved,
//!   which is how a change made by another process sharing the database arrives;
//! - a key the snapshot does not know makes the service compare the version once before
//!   refusing it, so a key created a moment ago elsewhere works at once.
//!
//! A snapshot that cannot be loaded leaves the previous one serving; the failure is logged.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwap;
use ponte_automation::{Category, CompiledAutomation, PrivacyRules, RunEnv};
use ponte_catalog::FunctionId;
use tokio::sync::Mutex;

use super::compiled::CompiledCache;
use super::files::FileAutomations;
use super::presets::PresetSource;
use super::{AutomationSource, CallError, ErrorCode, ServingAutomation};
use crate::model::{
    ApiKeyHash, Association, AssociationKind, AutomationRef, Integration, IntegrationId,
    PrivacySettings, source_sha256,
};
use crate::store::{Store, StoreError};

/// An integration ready to serve calls.
#[derive(Debug)]
pub(super) struct Served {
    /// The integration as stored.
    pub(super) integration: Integration,
    /// What its runs read besides their input: variables, opened secrets, settings, allowed
    /// hosts and privacy rules, prepared once per snapshot and cloned (a few reference counts)
    /// per call.
    pub(super) env: RunEnv,
    /// What serves each catalog function.
    automations: HashMap<FunctionId, Binding>,
    /// Where each bound automation comes from.
    origins: HashMap<FunctionId, ServingAutomation>,
    /// The platform codes associated with the ERP's, by kind (kinds without any are absent).
    pub(super) associations: BTreeMap<AssociationKind, Vec<Association>>,
}

/// What serves one function of an integration.
#[derive(Debug, Clone)]
pub(super) enum Binding {
    /// A compiled automation.
    Ready(Arc<CompiledAutomation>),
    /// The bound automation does not compile, or serves another function: the detail says
    /// which, in words for the caller.
    Broken(String),
    /// A preset's automation, compiled at the first call of its function. Presets ship
    /// compiled and tested (`ponte check presets` in CI), and an integration usually calls a
    /// few of the functions its preset serves: compiling all of them at start would keep
    /// megabytes of templates and programs nothing runs.
    Preset {
        name: String,
        yaml: Arc<str>,
        compiled: OnceLock<Result<Arc<CompiledAutomation>, String>>,
    },
}

impl Served {
    /// The automation serving `function`, or the error a call of it answers.
    pub(super) fn automation(
        &self,
        function: FunctionId,
        cache: &CompiledCache,
    ) -> Result<Arc<CompiledAutomation>, CallError> {
        match self.automations.get(&function) {
            Some(Binding::Ready(automation)) => Ok(automation.clone()),
            Some(Binding::Broken(detail)) => {
                Err(CallError::new(ErrorCode::AutomationError, detail.clone()))
            }
            Some(Binding::Preset {
                name,
                yaml,
                compiled,
            }) => compiled
                .get_or_init(|| {
                    cache
                        .get_or_compile(name, yaml, function)
                        .map_err(|error| error.detail)
                })
                .clone()
                .map_err(|detail| CallError::new(ErrorCode::AutomationError, detail)),
            None => Err(CallError::new(
                ErrorCode::FunctionNotConfigured,
                format!(
                    "Integration `{}` has no automation for `{function}`.",
                    self.integration.id
                ),
            )),
        }
    }

    /// Whether a call of `function` would find an automation (even a broken one).
    pub(super) fn serves(&self, function: FunctionId) -> bool {
        self.automations.contains_key(&function)
    }

    /// Where the automation bound to `function` comes from.
    pub(super) fn serving(&self, function: FunctionId) -> Option<&ServingAutomation> {
        self.origins.get(&function)
    }

    /// Where each bound automation comes from, by function name.
    pub(super) fn origins(&self) -> impl Iterator<Item = (FunctionId, &ServingAutomation)> {
        self.origins
            .iter()
            .map(|(function, origin)| (*function, origin))
    }
}

/// Everything calls read, as of one configuration version.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    /// The store's configuration version this was loaded at; `None` before the first load.
    version: Option<i64>,
    by_key: HashMap<ApiKeyHash, Arc<Served>>,
    by_id: HashMap<IntegrationId, Arc<Served>>,
}

impl Snapshot {
    /// The integration a key (by its hash) speaks for.
    pub(super) fn by_key(&self, hash: &ApiKeyHash) -> Option<&Arc<Served>> {
        self.by_key.get(hash)
    }

    /// An integration by id.
    pub(super) fn by_id(&self, id: &IntegrationId) -> Option<&Arc<Served>> {
        self.by_id.get(id)
    }
}

/// The current snapshot and how to reload it.
#[derive(Debug, Default)]
pub(super) struct Snapshots {
    current: ArcSwap<Snapshot>,
    /// Held while loading, so concurrent reloads do the work once.
    loading: Mutex<()>,
}

impl Snapshots {
    /// The snapshot in force, loading the first one if none was loaded yet.
    pub(super) async fn current(&self, sources: &Sources<'_>) -> Result<Arc<Snapshot>, StoreError> {
        let current = self.current.load_full();
        if current.version.is_some() {
            return Ok(current);
        }
        let _loading = self.loading.lock().await;
        let current = self.current.load_full();
        if current.version.is_some() {
            return Ok(current);
        }
        let version = sources.store.config_version().await?;
        let snapshot = Arc::new(load(sources, version).await?);
        self.current.store(Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// Reloads from the store. With `only_if_changed`, keeps the snapshot when the
    /// configuration version did not move. Answers whether a new snapshot was swapped in.
    ///
    /// The version is read after taking the loading lock, so a reload asked for after a change
    /// was committed always sees that change, whatever other reloads were under way.
    pub(super) async fn reload(
        &self,
        sources: &Sources<'_>,
        only_if_changed: bool,
    ) -> Result<bool, StoreError> {
        let _loading = self.loading.lock().await;
        let version = sources.store.config_version().await?;
        if only_if_changed && self.current.load().version == Some(version) {
            return Ok(false);
        }
        let snapshot = load(sources, version).await?;
        tracing::debug!(
            version,
            integrations = snapshot.by_id.len(),
            keys = snapshot.by_key.len(),
            "configuration snapshot loaded"
        );
        self.current.store(Arc::new(snapshot));
        Ok(true)
    }
}

/// What a snapshot is built from.
pub(super) struct Sources<'a> {
    pub(super) store: &'a dyn Store,
    pub(super) presets: &'a dyn PresetSource,
    pub(super) compiled: &'a CompiledCache,
    pub(super) files: &'a FileAutomations,
}

/// Reads everything a call needs from the store, as of `version` or later (a change made
/// while this reads is caught by the next version comparison).
async fn load(sources: &Sources<'_>, version: i64) -> Result<Snapshot, StoreError> {
    let store = sources.store;
    let keys = store.active_api_keys().await?;
    let mut by_id = HashMap::new();
    for integration in store.list_integrations().await? {
        let secrets = store.secrets_for(&integration.id).await?;
        let (automations, origins) = bind(sources, &integration).await?;
        let associations = store.associations(&integration.id).await?;
        let settings_json = automation_settings(&integration, &associations)?;
        let env = RunEnv::new(integration.id.as_str())
            .with_vars(integration.variables.clone())
            .with_secrets(secrets)
            .with_settings(settings_json)
            .with_allowed_hosts(integration.settings.allowed_hosts.clone())
            .with_privacy(privacy_rules(&integration.settings.privacy));
        let served = Served {
            env,
            automations,
            origins,
            integration,
            associations,
        };
        by_id.insert(served.integration.id.clone(), Arc::new(served));
    }
    let by_key = keys
        .into_iter()
        .filter_map(|(hash, id)| by_id.get(&id).map(|served| (hash, Arc::clone(served))))
        .collect();
    Ok(Snapshot {
        version: Some(version),
        by_key,
        by_id,
    })
}

/// The settings as automations read them (`settings.payment.company_id`...), with the
/// associations added as `settings.associations.<kind>`: a list of `{platform_code, erp_code,
/// label}` for each of `products`, `resellers`, `due_dates` and `origins` (empty when none).
fn automation_settings(
    integration: &Integration,
    associations: &BTreeMap<AssociationKind, Vec<Association>>,
) -> Result<serde_json::Value, StoreError> {
    let mut settings = serde_json::to_value(&integration.settings)
        .map_err(|err| StoreError::Corrupt(format!("settings do not encode: {err}")))?;
    let by_kind: serde_json::Map<String, serde_json::Value> = AssociationKind::ALL
        .into_iter()
        .map(|kind| {
            let list = associations.get(&kind).map_or(&[][..], Vec::as_slice);
            let value = serde_json::to_value(list).unwrap_or_default();
            (kind.as_str().to_owned(), value)
        })
        .collect();
    if let serde_json::Value::Object(map) = &mut settings {
        map.insert("associations".to_owned(), by_kind.into());
    }
    Ok(settings)
}

/// The default privacy rules with the integration's own field names added.
pub fn privacy_rules(extra: &PrivacySettings) -> Arc<PrivacyRules> {
    let lists = [
        (Category::Credential, &extra.credentials),
        (Category::Document, &extra.documents),
        (Category::Name, &extra.names),
        (Category::Email, &extra.emails),
        (Category::Phone, &extra.phones),
        (Category::Address, &extra.addresses),
        (Category::Personal, &extra.personal),
    ];
    if lists.iter().all(|(_, names)| names.is_empty()) {
        return PrivacyRules::shared_default();
    }
    let mut rules = PrivacyRules::default();
    for (category, names) in lists {
        for name in names {
            rules.add(category, name);
        }
    }
    Arc::new(rules)
}

/// What serves each function of an integration, and where each automation comes from.
type Bound = (
    HashMap<FunctionId, Binding>,
    HashMap<FunctionId, ServingAutomation>,
);

/// Finds and compiles the automation bound to each function of `integration`. A binding whose
/// source cannot be found is left out (the function answers `function_not_configured`).
async fn bind(sources: &Sources<'_>, integration: &Integration) -> Result<Bound, StoreError> {
    let mut bound = HashMap::new();
    let mut origins = HashMap::new();
    for (name, reference) in &integration.bindings {
        let Some(function) = ponte_catalog::function(name).map(|spec| spec.id) else {
            tracing::warn!(
                integration = integration.id.as_str(),
                function = name.as_str(),
                "a binding names no catalog function; it is ignored"
            );
            continue;
        };
        let id = &integration.id;
        let source = match reference {
            AutomationRef::Preset { preset } => {
                sources.presets.automation(preset, function).map(|found| {
                    let origin = AutomationSource::Preset {
                        preset: preset.clone(),
                    };
                    (found, origin)
                })
            }
            AutomationRef::Latest => sources
                .store
                .latest_automation_version(id, name)
                .await?
                .map(|v| {
                    let origin = AutomationSource::Stored { version: v.version };
                    (
                        (format!("{id}/{function}@v{}", v.version), v.source),
                        origin,
                    )
                }),
            AutomationRef::Version { version } => {
                match sources
                    .store
                    .get_automation_version(id, name, *version)
                    .await
                {
                    Ok(v) => Some((
                        (format!("{id}/{function}@v{}", v.version), v.source),
                        AutomationSource::Stored { version: v.version },
                    )),
                    Err(StoreError::NotFound(_)) => None,
                    Err(err) => return Err(err),
                }
            }
            AutomationRef::File { path, .. } => {
                let found = sources.files.get(id, function);
                if found.is_none() {
                    tracing::warn!(
                        integration = id.as_str(),
                        function = name.as_str(),
                        path = path.as_str(),
                        "a function is bound to an automation file this process has not loaded; \
                         it is not served here"
                    );
                }
                found.map(|file| {
                    let origin = AutomationSource::File {
                        path: file.path.clone(),
                    };
                    ((file.path, file.source), origin)
                })
            }
        };
        let Some(((automation_name, yaml), origin)) = source else {
            continue;
        };
        origins.insert(
            function,
            ServingAutomation {
                source: origin,
                sha256: source_sha256(&yaml),
            },
        );
        let binding = match reference {
            AutomationRef::Preset { .. } => Binding::Preset {
                name: automation_name,
                yaml: yaml.into(),
                compiled: OnceLock::new(),
            },
            _ => match sources
                .compiled
                .get_or_compile(&automation_name, &yaml, function)
            {
                Ok(compiled) => Binding::Ready(compiled),
                Err(error) => Binding::Broken(error.detail),
            },
        };
        bound.insert(function, binding);
    }
    Ok((bound, origins))
}
