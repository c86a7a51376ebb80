//! The integrator's own automation files named by the configuration (`automation_dir`,
//! `[integrations.functions]`): found, read and checked here, so `ponte config check`,
//! `ponte serve` and a reload judge them by the same code.
//!
//! A file is checked exactly as `ponte check` checks it; its diagnostics keep their file,
//! line and column. Every automation an integration binds, its own or a preset's, must find
//! each variable it declares without a default and each secret it reads in the integration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ponte_automation::model::AutomationDoc;
use ponte_catalog::FunctionId;
use ponte_core::service::FileAutomation;

use crate::config::IntegrationConfig;

/// An integration's own automation files, checked: the functions they serve, and every
/// problem found (each a whole message, diagnostics with their snippet).
#[derive(Debug, Default)]
pub struct OwnAutomations {
    /// The automation file serving each function, for the files that compile.
    pub files: BTreeMap<FunctionId, FileAutomation>,
    /// What is wrong, in words; empty when everything compiles.
    pub problems: Vec<String>,
}

/// Automation files in a folder: every `*.yaml`/`*.yml` that is not a `*.test.yaml`.
fn automation_files(dir: &Path) -> Vec<PathBuf> {
    ponte_automation::testing::files_under(&[dir.to_owned()], |p| {
        let name = p.to_string_lossy();
        (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".test.yaml")
    })
}

/// Reads and compiles one file; the function it serves, or its problems.
fn compile_file(path: &Path, what: &str) -> Result<(FunctionId, FileAutomation), Vec<String>> {
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|err| vec![format!("{what}: cannot read {name}: {err}")])?;
    match ponte_automation::compile(&name, &source) {
        Ok(compiled) => Ok((
            compiled.function().id,
            FileAutomation { path: name, source },
        )),
        Err(diagnostics) => Err(diagnostics
            .iter()
            .map(|d| format!("{what}: {}", d.to_string().trim_end()))
            .collect()),
    }
}

/// Finds, reads and compiles the automation files `entry` names, paths relative to `base`.
/// A file of `[integrations.functions]` takes the place of a file of `automation_dir` serving
/// the same function.
pub fn load(entry: &IntegrationConfig, base: &Path) -> OwnAutomations {
    let mut own = OwnAutomations::default();
    let what = format!("integration `{}`", entry.id);
    if let Some(dir) = &entry.automation_dir {
        let dir = base.join(dir);
        if dir.is_dir() {
            let mut seen: BTreeMap<FunctionId, String> = BTreeMap::new();
            for path in automation_files(&dir) {
                match compile_file(&path, &what) {
                    Ok((function, file)) => {
                        if let Some(first) = seen.get(&function) {
                            own.problems.push(format!(
                                "{what}: {} and {first} both serve `{function}`; keep one, or \
                                 name the one to serve in [integrations.functions]",
                                file.path
                            ));
                        }
                        seen.insert(function, file.path.clone());
                        own.files.insert(function, file);
                    }
                    Err(mut problems) => own.problems.append(&mut problems),
                }
            }
        } else {
            own.problems.push(format!(
                "{what}: automation_dir {} is not a folder",
                dir.display()
            ));
        }
    }
    for (name, file) in &entry.functions {
        let Some(spec) = ponte_catalog::function(name) else {
            let known: Vec<&str> = FunctionId::ALL.iter().map(|f| f.as_str()).collect();
            let hint = ponte_automation::diagnostics::did_you_mean(name, known.iter().copied())
                .map(|close| format!(" (did you mean `{close}`?)"))
                .unwrap_or_default();
            own.problems.push(format!(
                "{what}: [integrations.functions] names `{name}`, which is no catalog \
                 function{hint}"
            ));
            continue;
        };
        match compile_file(&base.join(file), &what) {
            Ok((function, file)) if function == spec.id => {
                own.files.insert(function, file);
            }
            Ok((function, file)) => own.problems.push(format!(
                "{what}: {} serves `{function}`, but [integrations.functions] binds it to \
                 `{name}`",
                file.path
            )),
            Err(mut problems) => own.problems.append(&mut problems),
        }
    }
    own
}

/// The variables without a default and the secrets `source` reads that `entry` does not set,
/// as problems naming each.
pub fn missing_values(
    entry: &IntegrationConfig,
    function: FunctionId,
    origin: &str,
    source: &str,
) -> Vec<String> {
    // A preset's automation comes bundled with its shared steps: its own declarations are
    // the part before them.
    let (own, _) = ponte_automation::SharedLibrary::unbundle(source);
    let Ok(doc) = ponte_automation::parse_yaml::<AutomationDoc>(own) else {
        // It does not parse: its compile diagnostics say why.
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (name, decl) in &doc.variables {
        if decl.default.is_none() && !entry.variables.contains_key(name) {
            problems.push(format!(
                "integration `{}`: `{function}` ({origin}) reads variable `{name}`, which is not \
                 set: add it under [integrations.variables]",
                entry.id
            ));
        }
    }
    for name in &doc.secrets {
        if !entry.secrets.contains_key(name) {
            problems.push(format!(
                "integration `{}`: `{function}` ({origin}) reads secret `{name}`, which is not \
                 set: add it under [integrations.secrets] as env:NAME or file:/path",
                entry.id
            ));
        }
    }
    problems
}
