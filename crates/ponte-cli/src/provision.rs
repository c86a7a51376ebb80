//! Wiring shared by `serve` and `demo`: the embedded presets, the store, and the sync of the
//! integrations declared in the configuration file into the store.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{ApiKey, AutomationRef, Integration, IntegrationId, source_sha256};
use ponte_core::service::{FileAutomation, Ponte, RecordingPolicy};
use ponte_core::store::{Provisioned, Store, StoreError, now_micros};
use secrecy::{ExposeSecret, SecretString};

use crate::automations;
use crate::config::{IntegrationConfig, Loaded, resolve_secret};

/// The service over a store: one engine with verified TLS, one for integrations that allow
/// insecure TLS, and the embedded presets.
///
/// # Errors
/// When the TLS stack cannot start.
pub fn service(store: Arc<dyn Store>, recording: RecordingPolicy) -> anyhow::Result<Ponte> {
    let engine = Engine::new(Arc::new(ReqwestTransport::new(false)?));
    let insecure = Engine::new(Arc::new(ReqwestTransport::new(true)?));
    Ok(
        Ponte::with_recording(store, engine, Arc::new(ponte_presets::Embedded), recording)
            .with_insecure_tls_engine(insecure),
    )
}

/// Open the store named by `url`, encrypting secrets with `master_key` (32 bytes, base64).
///
/// # Errors
/// A bad key, an unknown URL scheme, a database that cannot be opened or migrated.
pub async fn open_store(url: &str, master_key: &SecretString) -> anyhow::Result<Arc<dyn Store>> {
    let cipher = AesGcmCipher::from_base64(1, master_key.expose_secret())
        .context("security.master_key must be 32 random bytes in base64 (`ponte keygen master`)")?;
    ponte_store::open_store(url, Arc::new(cipher))
        .await
        .with_context(|| "cannot open the database".to_owned())
}

/// One integration of the configuration file, checked and ready to be written into the store
/// and served: its record with its bindings, its opened secrets, its keys and its own
/// automation files.
#[derive(Debug)]
pub struct PreparedIntegration {
    /// What the store is given.
    pub provisioned: Provisioned,
    /// The automation files serving some of its functions, checked.
    pub files: BTreeMap<FunctionId, FileAutomation>,
}

/// The configuration file's integrations, checked as a whole: every problem found, or
/// everything ready to serve. `ponte config check`, `ponte serve` and a reload all come here,
/// so they are exactly as strict as each other.
///
/// # Errors
/// Every problem found, each a whole message.
pub fn prepare(loaded: &Loaded) -> Result<Vec<PreparedIntegration>, Vec<String>> {
    let mut prepared = Vec::new();
    let mut problems = Vec::new();
    for entry in &loaded.config.integrations {
        match prepare_one(entry, loaded) {
            Ok(one) => prepared.push(one),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(prepared)
    } else {
        Err(problems)
    }
}

fn prepare_one(
    entry: &IntegrationConfig,
    loaded: &Loaded,
) -> Result<PreparedIntegration, Vec<String>> {
    let mut problems = Vec::new();
    let own = automations::load(entry, &loaded.base);
    problems.extend(own.problems);
    let integration = match integration_of(entry, &own.files) {
        Ok(integration) => Some(integration),
        Err(err) => {
            problems.push(format!("{err:#}"));
            None
        }
    };
    if let Some(integration) = &integration {
        for (function, reference) in &integration.bindings {
            let Some(spec) = ponte_catalog::function(function) else {
                continue;
            };
            let found = match reference {
                AutomationRef::Preset { preset } => ponte_presets::preset(preset)
                    .and_then(|p| p.automation(spec.id))
                    .map(|source| (format!("preset {preset}"), source.to_owned())),
                AutomationRef::File { .. } => own
                    .files
                    .get(&spec.id)
                    .map(|file| (file.path.clone(), file.source.clone())),
                AutomationRef::Latest | AutomationRef::Version { .. } => None,
            };
            if let Some((origin, source)) = found {
                problems.extend(automations::missing_values(
                    entry, spec.id, &origin, &source,
                ));
            }
        }
    }
    let what = format!("integration `{}`", entry.id);
    let mut secrets = BTreeMap::new();
    for (name, reference) in &entry.secrets {
        match resolve_secret(reference, &loaded.base, &format!("{what} secret `{name}`")) {
            Ok(value) => {
                secrets.insert(name.clone(), value);
            }
            Err(err) => problems.push(format!("{err:#}")),
        }
    }
    let mut api_keys = Vec::new();
    for (n, reference) in entry.api_keys.iter().enumerate() {
        let what = format!("{what} api_keys[{n}]");
        let key = resolve_secret(reference, &loaded.base, &what).and_then(|plain| {
            let id = IntegrationId::parse(&entry.id)
                .with_context(|| format!("integration id `{}`", entry.id))?;
            ApiKey::from_plain(id, plain.expose_secret(), now_micros()).with_context(|| {
                format!("{what}: not a Ponte key (`ponte keygen api-key` prints one)")
            })
        });
        match key {
            Ok(key) => api_keys.push(key),
            Err(err) => problems.push(format!("{err:#}")),
        }
    }
    match integration {
        Some(integration) if problems.is_empty() => Ok(PreparedIntegration {
            provisioned: Provisioned {
                integration,
                secrets,
                api_keys,
            },
            files: own.files,
        }),
        _ => Err(problems),
    }
}

/// The integration record a configuration entry describes, bound to its own automation
/// `files` and, for the other functions, to its preset's automations.
///
/// # Errors
/// An invalid id or an unknown preset.
pub fn integration_of(
    entry: &IntegrationConfig,
    files: &BTreeMap<FunctionId, FileAutomation>,
) -> anyhow::Result<Integration> {
    let id = IntegrationId::parse(&entry.id)
        .with_context(|| format!("integration id `{}`", entry.id))?;
    let mut integration = Integration::new(id, entry.name.clone());
    integration.preset.clone_from(&entry.preset);
    integration.active = entry.active;
    integration.settings = entry.settings.clone();
    ponte_core::service::check_pendency_rules(&integration.settings.pendency_rules).map_err(
        |problem| {
            anyhow::anyhow!(
                "integration `{}`: settings.pendency_rules: {problem}",
                entry.id
            )
        },
    )?;
    integration.variables = entry.variables.clone();
    if let Some(name) = &entry.preset {
        let Some(preset) = ponte_presets::preset(name) else {
            bail!(
                "integration `{}`: unknown preset `{name}` (known: {})",
                entry.id,
                ponte_presets::names().join(", ")
            );
        };
        for function in FunctionId::ALL {
            if preset.automation(function).is_some() {
                integration.bindings.insert(
                    function.as_str().to_owned(),
                    AutomationRef::Preset {
                        preset: name.clone(),
                    },
                );
            }
        }
    }
    for (function, file) in files {
        integration.bindings.insert(
            function.as_str().to_owned(),
            AutomationRef::File {
                path: file.path.clone(),
                sha256: source_sha256(&file.source),
            },
        );
    }
    Ok(integration)
}

/// Writes every prepared integration into the store, declaratively: each is created or
/// updated with its bindings, its secrets from the file become exactly the file's (one removed
/// from the file is deleted), its keys from the file exactly the file's (one removed is
/// revoked). Secrets and keys made through the admin API, and integrations the file does not
/// name, are left alone. Each integration is one transaction, so two processes starting at
/// once on the same database both succeed. The automation files are handed to `ponte`, which
/// serves them from its next reload.
///
/// # Errors
/// The first integration that cannot be synced, named.
pub async fn sync(
    store: &Arc<dyn Store>,
    ponte: &Ponte,
    prepared: &[PreparedIntegration],
) -> anyhow::Result<()> {
    for one in prepared {
        let provisioned = &one.provisioned;
        let id = provisioned.integration.id.clone();
        ponte.serve_files(&id, one.files.clone());
        store.provision(provisioned).await.map_err(|err| match err {
            StoreError::Conflict(what) => anyhow::anyhow!(
                "integration `{id}`: {what} already exists: a key of the file belongs to another \
                 integration"
            ),
            other => anyhow::Error::new(other).context(format!("provisioning integration `{id}`")),
        })?;
        tracing::info!(
            integration = %id,
            preset = ?provisioned.integration.preset,
            files = one.files.len(),
            active = provisioned.integration.active,
            "integration provisioned from the configuration"
        );
    }
    Ok(())
}

/// The problems `prepare` found, as one error listing them all.
pub fn refused(problems: &[String]) -> anyhow::Error {
    let mut text = String::from("the configuration has problems:");
    for problem in problems {
        text.push('\n');
        text.push_str(problem);
    }
    anyhow::anyhow!(text)
}
