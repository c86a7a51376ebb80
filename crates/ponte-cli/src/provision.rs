//! Wiring shared by `serve` and `demo`: the embedded presets, the store, and the sync of the
//! integrations declared in the configuration file into the store.

use std::sync::Arc;

use anyhow::{Context, bail};
use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{ApiKey, AutomationRef, Integration, IntegrationId};
use ponte_core::service::Ponte;
use ponte_core::store::{Store, StoreError, now_micros};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{IntegrationConfig, Loaded, resolve_secret};

/// The service over a store: one engine with verified TLS, one for integrations that allow
/// insecure TLS, and the embedded presets.
///
/// # Errors
/// When the TLS stack cannot start.
pub fn service(store: Arc<dyn Store>) -> anyhow::Result<Ponte> {
    let engine = Engine::new(Arc::new(ReqwestTransport::new(false)?));
    let insecure = Engine::new(Arc::new(ReqwestTransport::new(true)?));
    Ok(Ponte::new(store, engine, Arc::new(ponte_presets::Embedded))
        .with_insecure_tls_engine(insecure))
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

/// Create or update every integration of the file, set its secrets and store its API keys.
/// The file is authoritative for what it declares; other integrations are left alone.
///
/// # Errors
/// The first entry that cannot be synced, named.
pub async fn sync(store: &Arc<dyn Store>, loaded: &Loaded) -> anyhow::Result<()> {
    for entry in &loaded.config.integrations {
        let integration = integration_of(entry)?;
        let id = integration.id.clone();
        match store.get_integration(&id).await {
            Ok(_) => store.update_integration(&integration).await?,
            Err(StoreError::NotFound(_)) => store.create_integration(&integration).await?,
            Err(e) => return Err(e).context("reading integrations"),
        }
        for (name, reference) in &entry.secrets {
            let value = resolve_secret(
                reference,
                &loaded.base,
                &format!("integration `{id}` secret `{name}`"),
            )?;
            store.set_secret(&id, name, &value).await?;
        }
        for (n, reference) in entry.api_keys.iter().enumerate() {
            let what = format!("integration `{id}` api_keys[{n}]");
            let plain = resolve_secret(reference, &loaded.base, &what)?;
            let plain = plain.expose_secret();
            match store.integration_for_key(plain).await? {
                Some(owner) if owner == id => {}
                Some(_) => bail!("{what}: this key already belongs to another integration"),
                None => {
                    let key =
                        ApiKey::from_plain(id.clone(), plain, now_micros()).with_context(|| {
                            format!("{what}: not a Ponte key (`ponte keygen api-key` prints one)")
                        })?;
                    store.insert_api_key(&key).await?;
                }
            }
        }
        tracing::info!(integration = %id, preset = ?entry.preset, active = entry.active, "integration provisioned from the configuration");
    }
    Ok(())
}
