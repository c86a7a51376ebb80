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
    /// Automation files or folders (every `*.yaml` that is not a `*.test.yaml`). A test file
    /// named here is checked as a test file: it parses, its automation compiles, its inputs
    /// are valid.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Automation files under the given paths (every `*.yaml`/`*.yml` that is not a test file);
/// those in a `shared/` folder are shared steps, checked on their own and through their uses.
fn automation_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    ponte_automation::testing::files_under(paths, |p| {
        let name = p.to_string_lossy();
        (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".test.yaml")
    })
}

/// Add the diagnostics not already there: a problem in shared steps used by several
/// automations is told once in the shared file; each use still gets its own line.
fn push_new(diagnostics: &mut Vec<Diagnostic>, new: Vec<Diagnostic>) {
    for d in new {
        if !diagnostics.iter().any(|seen| {
            seen.file == d.file
                && seen.line == d.line
                && seen.column == d.column
                && seen.message == d.message
        }) {
            diagnostics.push(d);
        }
    }
}

/// A file in a `shared/` folder: shared steps.
fn is_shared(path: &std::path::Path) -> bool {
    path.parent()
        .and_then(|d| d.file_name())
        .is_some_and(|d| d == "shared")
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
            Ok(source) if is_shared(file) => {
                let library = ponte_automation::SharedLibrary::load(
                    file.parent().unwrap_or(std::path::Path::new(".")),
                )
                .map_err(|e| anyhow::anyhow!("cannot read the shared steps beside {name}: {e}"))?;
                push_new(
                    &mut diagnostics,
                    ponte_automation::check_shared(&name, &source, &library),
                );
            }
            Ok(source) if ponte_automation::testing::looks_like_test_file(file, &source) => {
                diagnostics.extend(ponte_automation::testing::check_file(file));
            }
            Ok(source) => {
                let library = ponte_automation::SharedLibrary::beside(file)
                    .map_err(|e| anyhow::anyhow!("cannot read the shared steps of {name}: {e}"))?;
                if let Err(d) = ponte_automation::compile_with(&name, &source, &library) {
                    push_new(&mut diagnostics, d);
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
                crate::output::line(format!("{} file(s) checked, no problems", files.len()));
            } else {
                crate::output::line(format!(
                    "{} file(s) checked, {} problem(s)",
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
