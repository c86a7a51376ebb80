//! `ponte serve`: the HTTP API over the configured store, with the file's integrations synced.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

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
        provision::sync(&store, &loaded).await?;
        let ponte = Arc::new(provision::service(store)?);
        let state = ponte_http::AppState::new(ponte.clone()).with_body_limit(loaded.config.server.body_limit_bytes);
        let listener = tokio::net::TcpListener::bind(&loaded.config.server.listen)
            .await
            .with_context(|| format!("cannot listen on {}", loaded.config.server.listen))?;
        // Records older than the retention are deleted at start and then every hour.
        let pruning = loaded.config.executions.retention().map(|keep| {
            tokio::spawn(ponte.clone().keep_pruning_executions(keep, PRUNE_EVERY))
        });
        tracing::info!(address = %listener.local_addr()?, "ponte is serving");
        let served = ponte_http::serve(listener, state, crate::shutdown_signal()).await;
        if let Some(pruning) = pruning {
            pruning.abort();
        }
        served?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
