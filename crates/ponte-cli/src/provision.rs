//! Wiring shared by `serve` and `demo`: the embedded presets, the store, and the sync of the
//! integrations declared in the configuration file into the store.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{ApiKey, AutomationRef, Integration, IntegrationId};
use ponte_core::service::{Ponte, RecordingPolicy};
use ponte_core::store::{Provisioned, Store, StoreError, now_micros};
use secrecy::{ExposeSecret, SecretString};

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

/// The integration record a configuration entry describes, bound to its preset's automations.
///
/// # Errors
/// An invalid id or an unknown preset.
pub fn integration_of(entry: &IntegrationConfig) -> anyhow::Result<Integration> {
    let id = IntegrationId::parse(&entry.id)
        .with_context(|| format!("integration id `{}`", entry.id))?;
    let mut integration = Integration::new(id, entry.name.clone());
    integration.preset.clone_from(&entry.preset);
    integration.active = entry.active;
    integration.settings = entry.settings.clone();
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
    Ok(integration)
}

/// Writes every integration of the file into the store, declaratively: each is created or
/// updated with its bindings, its secrets from the file become exactly the file's (one removed
/// from the file is deleted), its keys from the file exactly the file's (one removed is
/// revoked). Secrets and keys made through the admin API, and integrations the file does not
/// name, are left alone. Each integration is one transaction, so two processes starting at
/// once on the same database both succeed.
///
/// # Errors
/// The first entry that cannot be synced, named.
pub async fn sync(store: &Arc<dyn Store>, loaded: &Loaded) -> anyhow::Result<()> {
    for entry in &loaded.config.integrations {
        let integration = integration_of(entry)?;
        let id = integration.id.clone();
        let mut secrets = BTreeMap::new();
        for (name, reference) in &entry.secrets {
            let value = resolve_secret(
                reference,
                &loaded.base,
                &format!("integration `{id}` secret `{name}`"),
            )?;
            secrets.insert(name.clone(), value);
        }
        let mut api_keys = Vec::new();
        for (n, reference) in entry.api_keys.iter().enumerate() {
            let what = format!("integration `{id}` api_keys[{n}]");
            let plain = resolve_secret(reference, &loaded.base, &what)?;
            let key = ApiKey::from_plain(id.clone(), plain.expose_secret(), now_micros())
                .with_context(|| {
                    format!("{what}: not a Ponte key (`ponte keygen api-key` prints one)")
                })?;
            api_keys.push(key);
        }
        let provisioned = Provisioned {
            integration,
            secrets,
            api_keys,
        };
        store.provision(&provisioned).await.map_err(|err| match err {
            StoreError::Conflict(what) => anyhow::anyhow!(
                "integration `{id}`: {what} already exists: a key of the file belongs to another \
                 integration"
            ),
            other => anyhow::Error::new(other).context(format!("provisioning integration `{id}`")),
        })?;
        tracing::info!(integration = %id, preset = ?entry.preset, active = entry.active, "integration provisioned from the configuration");
    }
    Ok(())
}
