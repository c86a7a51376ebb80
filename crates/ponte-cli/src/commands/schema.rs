//! `ponte schema`: the JSON Schemas generated from the code, for editors and tools.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

/// Which schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The automation document (for YAML completion in editors).
    Automation,
    /// A shared-steps file (`shared/<name>.yaml`).
    Shared,
    /// The function catalog with each function's input and output schema.
    Catalog,
}

/// Print a JSON Schema generated from the code.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub which: Which,
    /// With `catalog`: one function, shown for people: an example output and each output
    /// field's format.
    pub function: Option<String>,
}

/// One function of the catalog for people: what it is, an example call, each output field.
fn describe(function: &str) -> anyhow::Result<String> {
    let Some(spec) = ponte_catalog::function(function) else {
        let names: Vec<&str> = ponte_catalog::catalog()
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        let hint = ponte_automation::diagnostics::did_you_mean(function, names.iter().copied())
            .map_or_else(
                || format!("the functions are: {}", names.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
        anyhow::bail!("unknown function `{function}`: {hint}");
    };
    let mut out = format!(
        "{} — {}
{}

inputs: {}
",
        spec.id.as_str(),
        spec.title,
        spec.summary,
        spec.input_fields().join(", ")
    );
    if let Some(example) = spec.examples().first() {
        out.push_str(&format!(
            "
example ({}):
  input: {}
  output:
{}
",
            example.title,
            example.input,
            serde_json::to_string_pretty(&example.output)?
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let fields = super::new::fields(spec);
    if !fields.is_empty() {
        out.push_str(
            "
output fields:
",
        );
        for f in fields {
            out.push_str(&format!("  {}: {}", f.path, f.format));
            if let Some(example) = f.example {
                out.push_str(&format!(" — e.g. {example}"));
            }
            out.push('\n');
            if !f.description.is_empty() {
                out.push_str(&format!("      {}\n", f.description));
            }
        }
    }
    Ok(out)
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    if let Some(function) = &args.function {
        if args.which != Which::Catalog {
            anyhow::bail!("a function can only be given with `ponte schema catalog`");
        }
        crate::output::line(describe(function)?.trim_end());
        return Ok(ExitCode::SUCCESS);
    }
    let doc = match args.which {
        Which::Automation => ponte_automation::document_schema(),
        Which::Shared => ponte_automation::shared_schema(),
        Which::Catalog => ponte_catalog::catalog_json(),
    };
    crate::output::line(serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}
