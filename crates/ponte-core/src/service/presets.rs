//! Where preset automations come from.
//!
//! The binary embeds the shipped presets; the core only needs to ask "the automation of preset
//! `ixc` for `list_invoices`", so the source is a small trait plugged in at start-up.

use std::collections::BTreeMap;

use ponte_catalog::FunctionId;

/// A source of preset automations.
pub trait PresetSource: Send + Sync + std::fmt::Debug {
    /// The automation preset `preset` ships for `function`, as `(name, yaml)`, or `None` when
    /// the preset does not exist or does not serve the function.
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)>;
}

/// Presets held in memory, for tests and for embedders that build them at run time.
#[derive(Debug, Clone, Default)]
pub struct InMemoryPresets {
    automations: BTreeMap<(String, FunctionId), (String, String)>,
}

impl InMemoryPresets {
    /// No presets at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the automation of `preset` for `function`.
    #[must_use]
    pub fn with(
        mut self,
        preset: &str,
        function: FunctionId,
        name: impl Into<String>,
        yaml: impl Into<String>,
    ) -> Self {
        self.automations
            .insert((preset.to_owned(), function), (name.into(), yaml.into()));
        self
    }
}

impl PresetSource for InMemoryPresets {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        self.automations
            .get(&(preset.to_owned(), function))
            .cloned()
    }
}
