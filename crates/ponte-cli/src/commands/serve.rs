//! `ponte serve`: the HTTP API over the configured store, with the file's integrations synced.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use ponte_core::service::Ponte;
use ponte_core::store::Store;
use secrecy::SecretString;

use crate::{config, provision};

/// How often old execution records are looked for.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3_600);

/// Serve the HTTP API.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file (default: ./ponte.toml when it exists).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let loaded = config::load(args.config.as_deref())?;
    crate::logging::init(&loaded.config.log);
    // Checked before anything opens, exactly as `ponte config check` checks it.
    let prepared = provision::prepare(&loaded).map_err(|problems| provision::refused(&problems))?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let reference = loaded
            .config
            .security
            .master_key
            .as_deref()
            .context("security.master_key is not set: `ponte keygen master` prints a key; reference it as env:NAME or file:/path")?;
        let master = config::resolve_secret(reference, &loaded.base, "security.master_key")?;
        let store = provision::open_store(&loaded.database_url(), &master).await?;
        let recording = loaded.config.executions.recording()?;
        let payments = loaded.config.payments.settings()?;
        let links = links(&loaded, &master)?;
        let ponte = Arc::new(
            provision::service(store.clone(), recording)?
                .with_payment_settings(payments)
                .with_links(links)
                .with_session_ttl(loaded.config.security.session_ttl()?),
        );
        provision::sync(&store, &ponte, &prepared).await?;
        drop(prepared);
        // Load what calls read now, so a database problem stops the start instead of the first
        // call; then follow changes other processes make.
        ponte
            .refresh()
            .await
            .map_err(|err| anyhow::anyhow!("loading the configuration from the database: {err}"))?;
        let refresh_every =
            std::time::Duration::from_millis(loaded.config.database.refresh_interval_ms.max(50));
        let refreshing = tokio::spawn(ponte.clone().keep_refreshing(refresh_every));
        let reloading = tokio::spawn(reload_on_hangup(
            args.config.clone(),
            store.clone(),
            ponte.clone(),
        ));
        let mut state = ponte_http::AppState::new(ponte.clone())
            .with_body_limit(loaded.config.server.body_limit_bytes)
            // The console's sessions of the bootstrap token last as long as operators' do.
            .with_console_session_ttl(loaded.config.security.session_ttl()?)
            .with_tools(&loaded.config.tools)?;
        match admin_token(&loaded)? {
            Some(token) => state = state.with_admin_token(token),
            None => tracing::info!("the admin API is off: security.admin_token is not set"),
        }
        let listener = tokio::net::TcpListener::bind(&loaded.config.server.listen)
            .await
            .with_context(|| format!("cannot listen on {}", loaded.config.server.listen))?;
        // Records older than the retention are deleted at start and then every hour.
        let pruning = loaded.config.executions.retention().map(|keep| {
            tokio::spawn(ponte.clone().keep_pruning_executions(keep, PRUNE_EVERY))
        });
        // Payments stored before a crash or by another process are taken up from here on.
        let settling = tokio::spawn(ponte.clone().run_payment_workers());
        tracing::info!(address = %listener.local_addr()?, "ponte is serving");
        let served = ponte_http::serve(listener, state, crate::shutdown_signal()).await;
        // A payment a worker holds stays leased; whichever process takes it next verifies the
        // invoice again before writing anything off.
        settling.abort();
        if let Some(pruning) = pruning {
            pruning.abort();
        }
        refreshing.abort();
        reloading.abort();
        served?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Re-reads the configuration's integrations and their automation files on every SIGHUP.
/// A configuration with any problem is not applied: its problems are logged and what was
/// serving keeps serving. Settings outside `[[integrations]]` (listen address, database) are
/// read at start only.
async fn reload_on_hangup(path: Option<PathBuf>, store: Arc<dyn Store>, ponte: Arc<Ponte>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; the configuration is read at start only");
            return;
        };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the configuration");
            reload(path.as_deref(), &store, &ponte).await;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, store, ponte);
        std::future::pending::<()>().await;
    }
}

/// Reads, checks and applies the configuration's integrations once; see [`reload_on_hangup`].
async fn reload(path: Option<&std::path::Path>, store: &Arc<dyn Store>, ponte: &Ponte) {
    let loaded = match config::load(path) {
        Ok(loaded) => loaded,
        Err(err) => {
            tracing::error!(
                error = %format!("{err:#}"),
                "the configuration was not reloaded; the previous one keeps serving"
            );
            return;
        }
    };
    let prepared = match provision::prepare(&loaded) {
        Ok(prepared) => prepared,
        Err(problems) => {
            for problem in &problems {
                tracing::error!("{problem}");
            }
            tracing::error!(
                problems = problems.len(),
                "the configuration was not reloaded; the previous one keeps serving"
            );
            return;
        }
    };
    if let Err(err) = provision::sync(store, ponte, &prepared).await {
        tracing::error!(error = %format!("{err:#}"), "the configuration could not be stored");
    }
    match ponte.refresh().await {
        Ok(()) => tracing::info!(
            integrations = prepared.len(),
            "the configuration was reloaded"
        ),
        Err(err) => tracing::error!(error = %err, "the reloaded configuration could not be loaded"),
    }
}

/// The signer of the invoices' links: the configured key, or one derived from the master key.
fn links(
    loaded: &config::Loaded,
    master: &SecretString,
) -> anyhow::Result<ponte_core::service::LinkSigner> {
    use secrecy::ExposeSecret;
    let config = &loaded.config.links;
    let key = match config.key.as_deref() {
        Some(reference) => config::resolve_secret(reference, &loaded.base, "links.key")?
            .expose_secret()
            .as_bytes()
            .to_vec(),
        None => {
            ponte_core::service::LinkSigner::derive_key(master.expose_secret().as_bytes()).to_vec()
        }
    };
    Ok(ponte_core::service::LinkSigner::new(
        &key,
        std::time::Duration::from_secs(config.ttl_seconds.max(1)),
        &config.base_url,
    ))
}

/// The admin token `security.admin_token` refers to, checked; `None` when none is configured,
/// which leaves the admin API off.
pub(crate) fn admin_token(loaded: &config::Loaded) -> anyhow::Result<Option<SecretString>> {
    let Some(reference) = loaded.config.security.admin_token.as_deref() else {
        return Ok(None);
    };
    let token = config::resolve_secret(reference, &loaded.base, "security.admin_token")?;
    ponte_core::service::check_admin_token(&token)
        .map_err(|err| anyhow::anyhow!("security.admin_token: {err}"))?;
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    /// A configuration whose admin token is read from a file holding `token`.
    fn with_token_file(token: Option<&str>) -> (tempfile::TempDir, config::Loaded) {
        let dir = tempfile::tempdir().unwrap();
        let mut loaded = config::Loaded {
            config: config::Config::default(),
            base: dir.path().to_owned(),
        };
        if let Some(token) = token {
            std::fs::write(dir.path().join("admin_token"), format!("{token}\n")).unwrap();
            loaded.config.security.admin_token = Some("file:admin_token".into());
        }
        (dir, loaded)
    }

    #[test]
    fn no_admin_token_leaves_the_admin_api_off() {
        let (_dir, loaded) = with_token_file(None);
        assert!(admin_token(&loaded).unwrap().is_none());
    }

    #[test]
    fn the_admin_token_is_resolved_from_its_reference() {
        let token = "0123456789abcdef0123456789abcdef";
        let (_dir, loaded) = with_token_file(Some(token));
        let resolved = admin_token(&loaded).unwrap().unwrap();
        assert_eq!(resolved.expose_secret(), token);
    }

    #[test]
    fn a_short_or_api_key_shaped_admin_token_stops_the_start_without_showing_it() {
        for token in ["short-token", &format!("ponte_{}", "ab".repeat(32))] {
            let (_dir, loaded) = with_token_file(Some(token));
            let err = admin_token(&loaded).unwrap_err().to_string();
            assert!(err.starts_with("security.admin_token:"), "{err}");
            assert!(!err.contains(token), "{err}");
        }
    }
}
