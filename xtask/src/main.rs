//! Development commands of the workspace, run as `cargo xtask <command>` (an alias in
//! `.cargo/config.toml` for `cargo run --release -p xtask --`):
//!
//! - `bench`: `list_invoices` over HTTP as a user measures it — Ponte, a static ERP and a
//!   hand-written baseline each in their own process, a closed-loop load generator here;
//! - `tidy`: the dependency rules of `ARCHITECTURE.md`, checked against the manifests;
//! - `static-erp`, `baseline`: parts of the benchmark, started by `bench`, runnable alone;
//! - `capture-fixtures`: rewrites the static ERP's canned answers from the IXC simulator.

mod baseline;
mod bench;
mod fixtures;
mod serve;
mod static_erp;
mod tidy;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Ponte's development commands.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// list_invoices under load: Ponte against a hand-written server, each its own process.
    Bench(bench::BenchArgs),
    /// Check the dependency rules of ARCHITECTURE.md; exit code 1 on a violation.
    Tidy,
    /// Serve the canned IXC answers of xtask/fixtures/ixc (a part of `bench`).
    StaticErp(static_erp::Args),
    /// Serve the hand-written list_invoices (a part of `bench`).
    Baseline(baseline::Args),
    /// Rewrite xtask/fixtures/ixc from the simulated IXC of ponte-simulators.
    CaptureFixtures,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Bench(args) => bench::run(&args).map(|()| ExitCode::SUCCESS),
        Cmd::Tidy => tidy::run(),
        Cmd::StaticErp(args) => static_erp::run(&args).map(|()| ExitCode::SUCCESS),
        Cmd::Baseline(args) => baseline::run(&args).map(|()| ExitCode::SUCCESS),
        Cmd::CaptureFixtures => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(fixtures::capture()))
            .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
