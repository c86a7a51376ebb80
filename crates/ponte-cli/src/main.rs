//! The `ponte` binary. It parses the command line and hands each subcommand to its module in
//! `commands/`; everything that does real work lives in the library crates.

mod automations;
mod commands;
mod config;
mod logging;
mod output;
mod provision;
mod record;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a call allocates tens of thousands of small,
/// short-lived blocks (mostly jq values), and under load glibc's malloc took about a third of
/// Ponte's CPU with contention between threads; `docs/benchmarks.md` has the figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM, for a graceful shutdown.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
