//! One module per subcommand. Each exposes an `Args` struct (clap) and a `run` function that
//! returns the process exit code: 0 ok/valid, 1 invalid/failed, 2 usage error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod br;
pub mod check;
pub mod config;
pub mod demo;
pub mod keygen;
pub mod new;
pub mod operators;
pub mod presets;
pub mod run;
pub mod schema;
pub mod serve;
pub mod simulate;
pub mod test;

/// Ponte: the bridge between ISP customer platforms and their ERPs.
#[derive(Debug, Parser)]
#[command(
    name = "ponte",
    version,
    about = "Ponte: the bridge between ISP customer platforms and their ERPs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a demo: a simulated IXC ERP and Ponte in front of it, with calls to try.
    Demo(demo::DemoArgs),
    /// Serve the HTTP API (configuration from ponte.toml and PONTE_ variables).
    Serve(serve::ServeArgs),
    /// Check automations without running them.
    Check(check::CheckArgs),
    /// Run one automation against the live ERP of a configured integration (`--record` writes
    /// the run as a test case).
    Run(run::RunArgs),
    /// Run automation test cases offline.
    Test(test::TestArgs),
    /// Run a simulated ERP (for demos and tests).
    Simulate(simulate::SimulateArgs),
    /// Validate a CPF or CNPJ (alphanumeric CNPJ included).
    Document(br::DocumentArgs),
    /// Parse and validate a boleto (linha digitável or barcode, cobrança or arrecadação).
    Boleto(br::BoletoArgs),
    /// Build, parse or draw a PIX BR Code.
    Pix(br::PixArgs),
    /// Draw a boleto's ITF barcode as SVG or PNG.
    Barcode(br::BarcodeArgs),
    /// Print a new master key or API key for the configuration.
    Keygen(keygen::KeygenArgs),
    /// Configuration commands (`ponte config check`).
    Config(config::ConfigArgs),
    /// Print JSON Schemas: the automation document, shared steps, or the function catalog.
    Schema(schema::SchemaArgs),
    /// Write a new automation for a catalog function, and its test file.
    New(new::NewArgs),
    /// The presets embedded in Ponte: `ponte presets list`, `ponte presets show <name>`.
    Presets(presets::PresetsArgs),
    /// Operator accounts of the admin API and the console: `add`, `list`, `remove`.
    Operators(operators::OperatorsArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::New(args) => new::run(&args),
        Command::Presets(args) => presets::run(&args),
        Command::Operators(args) => operators::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Document(args) => br::run_document(&args),
        Command::Boleto(args) => br::run_boleto(&args),
        Command::Pix(args) => br::run_pix(&args),
        Command::Barcode(args) => br::run_barcode(&args),
    }
}
