//! `ponte schema`: the JSON Schemas generated from the code, for editors and tools.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

/// Which schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The automation document (for YAML completion in editors).
    Automation,
    /// The function catalog with each function's input and output schema.
    Catalog,
}

/// Print a JSON Schema generated from the code.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub which: Which,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let doc = match args.which {
        Which::Automation => ponte_automation::document_schema(),
        Which::Catalog => ponte_catalog::catalog_json(),
    };
    crate::output::line(serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}
