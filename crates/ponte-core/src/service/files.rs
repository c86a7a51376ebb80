//! Automations served from the integrator's own files.
//!
//! The configuration file may bind a function of an integration to an automation file
//! (`automation_dir`, `[integrations.functions]`). The process that reads the configuration
//! checks each file and hands the sources that compile to the service here; the store only
//! records where each came from ([`crate::model::AutomationRef::File`]), so the admin API and
//! other processes see the binding. A file that stops compiling is never handed over, so the
//! version handed over before keeps serving.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use ponte_catalog::FunctionId;

use crate::model::IntegrationId;

/// One checked automation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAutomation {
    /// Where it was read from, as the configuration resolved it.
    pub path: String,
    /// Its source, as read.
    pub source: String,
}

/// The automation files each integration's functions are served by.
#[derive(Debug, Default)]
pub(super) struct FileAutomations {
    entries: RwLock<HashMap<IntegrationId, Arc<BTreeMap<FunctionId, FileAutomation>>>>,
}

impl FileAutomations {
    /// Replaces the files of `integration`.
    pub(super) fn set(
        &self,
        integration: &IntegrationId,
        files: BTreeMap<FunctionId, FileAutomation>,
    ) {
        if let Ok(mut entries) = self.entries.write() {
            entries.insert(integration.clone(), Arc::new(files));
        }
    }

    /// True when the configuration file declares `integration` (its files, even none, were
    /// handed over).
    pub(super) fn declares(&self, integration: &IntegrationId) -> bool {
        self.entries
            .read()
            .is_ok_and(|entries| entries.contains_key(integration))
    }

    /// The file serving `function` of `integration`, when one was handed over.
    pub(super) fn get(
        &self,
        integration: &IntegrationId,
        function: FunctionId,
    ) -> Option<FileAutomation> {
        self.entries.read().ok().and_then(|entries| {
            entries
                .get(integration)
                .and_then(|files| files.get(&function).cloned())
        })
    }
}
