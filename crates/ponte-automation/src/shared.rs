//! Shared steps: where an automation's `use: <name>` finds its steps.
//!
//! A [`SharedLibrary`] maps a name to the file and source of a [`crate::model::SharedDoc`].
//! On disk they are the `shared/<name>.yaml` files beside the automations
//! ([`SharedLibrary::beside`]); an embedded preset adds its own ([`SharedLibrary::add`]). The
//! library is only read by [`crate::compile_with`]: shared steps are checked and compiled into
//! every automation that uses them, so a run reads no file and resolves no name.
//!
//! An automation and the shared steps it uses can also travel as one text, the *bundle*
//! ([`SharedLibrary::bundle`]): the automation, then each shared file after a line
//! `--- # ponte shared: <name> <file>`. [`crate::compile`] reads a bundle back, so a service
//! that stores or passes automations as one text keeps them with their shared steps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The marker line that starts a shared file in a bundle.
const MARKER: &str = "--- # ponte shared: ";

/// One shared-steps file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedSource {
    /// How diagnostics name the file.
    pub file: String,
    /// Its YAML source.
    pub source: String,
}

/// The shared steps an automation may `use`, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedLibrary {
    entries: BTreeMap<String, SharedSource>,
}

impl SharedLibrary {
    /// An empty library.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) the shared steps `name`, read from `file`.
    pub fn add(&mut self, name: &str, file: &str, source: &str) {
        self.entries.insert(
            name.to_owned(),
            SharedSource {
                file: file.to_owned(),
                source: source.to_owned(),
            },
        );
    }

    /// The shared steps called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&SharedSource> {
        self.entries.get(name)
    }

    /// The names of every entry.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Every `*.yaml` of `dir`, each under its file stem (`dir/customer.yaml` is `customer`).
    /// A missing folder is an empty library.
    ///
    /// # Errors
    /// A file or folder that exists and cannot be read.
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut library = Self::new();
        if !dir.is_dir() {
            return Ok(library);
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .filter(|p| !p.to_string_lossy().ends_with(".test.yaml"))
            .collect();
        files.sort();
        for path in files {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let source = std::fs::read_to_string(&path)?;
            library.add(name, &path.display().to_string(), &source);
        }
        Ok(library)
    }

    /// The shared steps an automation file may use: the `shared/` folder beside it.
    ///
    /// # Errors
    /// A shared file that exists and cannot be read.
    pub fn beside(automation: &Path) -> std::io::Result<Self> {
        let dir = automation
            .parent()
            .map_or_else(|| PathBuf::from("shared"), |p| p.join("shared"));
        Self::load(&dir)
    }

    /// The automation `source` followed by every shared file of this library, as one text
    /// [`crate::compile`] reads back with its shared steps.
    #[must_use]
    pub fn bundle(&self, source: &str) -> String {
        let mut out = source.to_owned();
        for (name, shared) in &self.entries {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(MARKER);
            out.push_str(name);
            out.push(' ');
            out.push_str(&shared.file);
            out.push('\n');
            out.push_str(&shared.source);
        }
        out
    }

    /// Split a bundle: the automation's own source and the library that came with it. A text
    /// without a marker is all automation.
    #[must_use]
    pub fn unbundle(text: &str) -> (&str, Self) {
        let mut library = Self::new();
        let Some(first) = find_marker(text, 0) else {
            return (text, library);
        };
        let automation = &text[..first];
        let mut at = first;
        while at < text.len() {
            let header_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let header = &text[at + MARKER.len()..header_end];
            let body_start = (header_end + 1).min(text.len());
            let next = find_marker(text, body_start).unwrap_or(text.len());
            let (name, file) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
            let file = if file.is_empty() { name } else { file };
            library.add(name, file, &text[body_start..next]);
            at = next;
        }
        (automation, library)
    }
}

/// The byte offset of the next marker line at or after `from`.
fn find_marker(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        if text[at..].starts_with(MARKER) && (at == 0 || text.as_bytes()[at - 1] == b'\n') {
            return Some(at);
        }
        let next = text[at..].find('\n')?;
        at += next + 1;
        if at >= text.len() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_reads_back_as_the_automation_and_its_library() {
        let mut library = SharedLibrary::new();
        library.add("a", "shared/a.yaml", "steps: []\n");
        library.add("b", "shared/b.yaml", "steps:\n  - id: x\n    set: '1'\n");
        let text = library.bundle("function: list_invoices\nsteps: []");
        let (automation, back) = SharedLibrary::unbundle(&text);
        assert_eq!(automation, "function: list_invoices\nsteps: []\n");
        assert_eq!(back, library);
        let (alone, empty) = SharedLibrary::unbundle("function: x\n---\nsteps: []\n");
        assert_eq!(alone, "function: x\n---\nsteps: []\n");
        assert_eq!(empty, SharedLibrary::new());
    }
}
