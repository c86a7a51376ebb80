//! One module per subcommand. Each exposes an `Args` struct (clap) and a `run` function that
//! returns the process exit code: 0 ok/valid, 1 invalid/failed, 2 usage error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod check;
pub mod schema;
pub mod test;

/// Ponte: the bridge between ISP customer platforms and their ERPs.
#[derive(Debug, Parser)]
#[command(name = "ponte", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check automations without running them.
    Check(check::CheckArgs),
    /// Run automation test cases offline.
    Test(test::TestArgs),
    /// Print JSON Schemas: the automation document, or the function catalog.
    Schema(schema::SchemaArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Schema(args) => schema::run(&args),
    }
}
