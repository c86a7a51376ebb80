//! `ponte check`: load and compile automations without running them, report every problem.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ponte_automation::Diagnostic;

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// One JSON document for tools.
    Json,
}

/// Check automations: templates parse, jq compiles, references exist, the output is covered.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Automation files or folders (every `*.yaml` that is not a `*.test.yaml`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Automation files under the given paths (every `*.yaml`/`*.yml` that is not a test file).
fn automation_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    ponte_automation::testing::files_under(paths, |p| {
        let name = p.to_string_lossy();
        (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".test.yaml")
    })
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let files = automation_files(&args.paths);
    for p in &args.paths {
        if !p.exists() {
            anyhow::bail!("{} does not exist", p.display());
        }
    }
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        match std::fs::read_to_string(file) {
            Ok(source) => {
                if let Err(mut d) = ponte_automation::compile(&name, &source) {
                    diagnostics.append(&mut d);
                }
            }
            Err(e) => anyhow::bail!("cannot read {name}: {e}"),
        }
    }
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "files": files.len(),
                "errors": diagnostics.len(),
                "diagnostics": diagnostics,
            });
            crate::output::line(serde_json::to_string_pretty(&doc)?);
        }
        Format::Human => {
            for d in &diagnostics {
                crate::output::line(d);
            }
            if diagnostics.is_empty() {
                crate::output::line(format!(
                    "{} automation(s) checked, no problems",
                    files.len()
                ));
            } else {
                crate::output::line(format!(
                    "{} automation(s) checked, {} problem(s)",
                    files.len(),
                    diagnostics.len()
                ));
            }
        }
    }
    Ok(if diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
