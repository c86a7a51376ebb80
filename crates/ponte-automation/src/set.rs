//! An integrator's folder of automations: every automation file of the folder, compiled with
//! the shared steps of its `shared/` subfolder, by the function each serves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ponte_catalog::FunctionId;

use crate::compiled::CompiledAutomation;
use crate::diagnostics::{Code, Diagnostic};
use crate::shared::SharedLibrary;

/// The automations of a folder, and every problem found loading it.
#[derive(Debug, Default)]
pub struct AutomationSet {
    /// The automations that compiled, by the function each serves.
    pub automations: BTreeMap<FunctionId, CompiledAutomation>,
    /// Every problem: a file that does not compile is left out of `automations`; of two files
    /// serving one function, both are left out.
    pub diagnostics: Vec<Diagnostic>,
}

impl AutomationSet {
    /// Load `dir`: each `*.yaml`/`*.yml` directly in it that is not a `*.test.yaml` is an
    /// automation; the files of `dir/shared/` are the shared steps they may `use`. Everything
    /// is checked and compiled here; nothing is read again when the automations run.
    ///
    /// # Errors
    /// The folder, or a file in it, cannot be read.
    pub fn load_dir(dir: &Path) -> std::io::Result<Self> {
        let library = SharedLibrary::load(&dir.join("shared"))?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .filter(|p| {
                let name = p.to_string_lossy();
                (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".test.yaml")
            })
            .collect();
        files.sort();
        let mut set = Self::default();
        let mut served: BTreeMap<FunctionId, Vec<(String, usize)>> = BTreeMap::new();
        for path in files {
            let name = path.display().to_string();
            let source = std::fs::read_to_string(&path)?;
            match crate::compile_with(&name, &source, &library) {
                Ok(automation) => {
                    let id = automation.function().id;
                    let line = source
                        .lines()
                        .position(|l| l.starts_with("function:"))
                        .map_or(1, |n| n + 1);
                    served.entry(id).or_default().push((name, line));
                    set.automations.insert(id, automation);
                }
                Err(mut d) => set.diagnostics.append(&mut d),
            }
        }
        for (id, files) in served {
            if files.len() < 2 {
                continue;
            }
            set.automations.remove(&id);
            let all: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
            for (file, line) in &files {
                set.diagnostics.push(Diagnostic {
                    code: Code::DuplicateFunction,
                    message: format!("`{id}` is served by {} files", files.len()),
                    file: file.clone(),
                    line: *line,
                    column: 1,
                    snippet: format!("function: {id}"),
                    hint: Some(format!("keep one of {}", all.join(", "))),
                    used_at: None,
                });
            }
        }
        Ok(set)
    }
}
