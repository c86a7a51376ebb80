//! Compiled automations, cached by the SHA-256 of their source.
//!
//! Compiling parses the YAML, checks it and compiles every template and jq program; doing that
//! per call would cost more than the ERP round trip on a fast ERP. The cache key is the source
//! hash, so a new version (or an edited preset) compiles once and an unchanged one never again.
//! Sources that do not compile are remembered too, so a broken automation does not recompile
//! on every call.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ponte_automation::CompiledAutomation;
use ponte_catalog::FunctionId;

use super::{CallError, ErrorCode};
use crate::model::source_sha256;

type Entry = Result<Arc<CompiledAutomation>, ()>;

/// The cache: source SHA-256 → compiled automation (or "does not compile").
#[derive(Debug, Default)]
pub(super) struct CompiledCache {
    entries: RwLock<HashMap<String, Entry>>,
}

impl CompiledCache {
    /// The compiled form of `source`, compiling it on first sight.
    pub(super) fn get_or_compile(
        &self,
        name: &str,
        source: &str,
        function: FunctionId,
    ) -> Result<Arc<CompiledAutomation>, CallError> {
        let sha = source_sha256(source);
        let cached = self
            .entries
            .read()
            .ok()
            .and_then(|entries| entries.get(&sha).cloned());
        let entry = match cached {
            Some(entry) => entry,
            None => {
                let entry = compile(name, source);
                if let Ok(mut entries) = self.entries.write() {
                    entries.insert(sha, entry.clone());
                }
                entry
            }
        };
        let broken = |detail: String| CallError::new(ErrorCode::AutomationError, detail);
        let compiled = entry.map_err(|()| {
            broken(format!(
                "The automation bound to `{function}` does not compile; `ponte check` lists \
                 its problems."
            ))
        })?;
        if compiled.function().id != function {
            tracing::warn!(
                automation = name,
                bound_to = function.as_str(),
                serves = compiled.function().id.as_str(),
                "an automation is bound to a function it does not serve"
            );
            return Err(broken(format!(
                "The automation bound to `{function}` serves `{}`.",
                compiled.function().id
            )));
        }
        Ok(compiled)
    }

    /// How many sources are cached (for tests of the "compile once" rule).
    pub(super) fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

fn compile(name: &str, source: &str) -> Entry {
    match ponte_automation::compile(name, source) {
        Ok(compiled) => Ok(Arc::new(compiled)),
        Err(diagnostics) => {
            let first = diagnostics
                .iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            tracing::warn!(
                automation = name,
                problems = diagnostics.len(),
                first = %first,
                "an automation does not compile"
            );
            Err(())
        }
    }
}
