//! Automations as the store sees them: versioned YAML sources and the references that bind a
//! function to one of them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::integration::IntegrationId;

/// Which automation serves a function of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AutomationRef {
    /// The automation shipped for this function in a preset (for example `ixc`).
    Preset {
        /// The preset's name.
        preset: String,
    },
    /// The newest stored version of this integration's automation for the function.
    Latest,
    /// One stored version, pinned.
    Version {
        /// The version number, starting at 1.
        version: u32,
    },
    /// An automation file of the integrator's, named in the configuration file
    /// (`automation_dir` or `[integrations.functions]`). The process that read the
    /// configuration holds the checked source; the store keeps where it came from.
    File {
        /// The file's path, as resolved from the configuration.
        path: String,
        /// Lower-case hex SHA-256 of the source being served.
        sha256: String,
    },
}

/// One stored version of an integration's automation for one function.
///
/// Versions are numbered per (integration, function) from 1 upwards and never rewritten, so a
/// trace can always name the exact source that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationVersion {
    /// The integration this automation belongs to.
    pub integration: IntegrationId,
    /// The catalog function it serves.
    pub function: String,
    /// The version number, starting at 1.
    pub version: u32,
    /// The YAML source, as written.
    pub source: String,
    /// Lower-case hex SHA-256 of `source`.
    pub sha256: String,
    /// When this version was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The lower-case hex SHA-256 of an automation source, as stored in
/// [`AutomationVersion::sha256`].
pub fn source_sha256(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}
