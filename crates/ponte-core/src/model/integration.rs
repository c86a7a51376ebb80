//! An integration: one ISP's ERP connection, addressed by a short, URL-safe identifier.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::automation::AutomationRef;
use super::settings::IntegrationSettings;

/// Longest accepted identifier or secret name; long enough for any sensible name and short
/// enough to keep URLs and log lines readable.
const MAX_NAME_LEN: usize = 64;

/// A name that breaks the identifier rules, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} `{value}`: {reason}")]
pub struct InvalidName {
    kind: &'static str,
    value: String,
    reason: &'static str,
}

impl InvalidName {
    /// A broken rule about a `kind` of name, for the other names of the model.
    pub(crate) fn new(kind: &'static str, value: &str, reason: &'static str) -> Self {
        Self {
            kind,
            value: value.chars().take(MAX_NAME_LEN + 8).collect(),
            reason,
        }
    }
}

/// The identifier of an integration: 1–64 characters of lower-case ASCII letters, digits, `-`
/// and `_`, starting with a letter or digit (for example `acme-ixc`).
///
/// It appears in admin URLs and in log fields, so it is restricted to characters that need no
/// escaping anywhere. Built only through [`IntegrationId::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IntegrationId(String);

impl IntegrationId {
    /// Checks `value` against the identifier rules.
    pub fn parse(value: &str) -> Result<Self, InvalidName> {
        let invalid = |reason| InvalidName {
            kind: "integration id",
            value: value.chars().take(MAX_NAME_LEN + 8).collect(),
            reason,
        };
        if value.is_empty() {
            return Err(invalid("it is empty"));
        }
        if value.len() > MAX_NAME_LEN {
            return Err(invalid("it is longer than 64 characters"));
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(invalid(
                "only lower-case letters, digits, `-` and `_` are allowed",
            ));
        }
        if !value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid("it must start with a letter or a digit"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IntegrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IntegrationId {
    type Error = InvalidName;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IntegrationId> for String {
    fn from(id: IntegrationId) -> Self {
        id.0
    }
}

impl std::str::FromStr for IntegrationId {
    type Err = InvalidName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Checks a secret's name: 1–64 characters of ASCII letters, digits, `_`, `-` and `.`.
///
/// Secret names are shown in listings and referenced from automations (`secrets.api_token`),
/// so they follow the same "no escaping needed" rule as identifiers, with upper case allowed.
pub fn validate_secret_name(name: &str) -> Result<(), InvalidName> {
    let invalid = |reason| InvalidName {
        kind: "secret name",
        value: name.chars().take(MAX_NAME_LEN + 8).collect(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(invalid("it is longer than 64 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(invalid(
            "only letters, digits, `_`, `-` and `.` are allowed",
        ));
    }
    Ok(())
}

/// One ISP's ERP connection (SPEC §3). Secrets are not part of this record: they are
/// write-only and kept apart by the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// Stable identifier, chosen when the integration is created.
    pub id: IntegrationId,
    /// Human-readable name, for example the ISP's name.
    pub name: String,
    /// The preset (ERP bundle) this integration started from, such as `ixc`.
    #[serde(default)]
    pub preset: Option<String>,
    /// An inactive integration is never called.
    #[serde(default = "default_active")]
    pub active: bool,
    /// The settings of SPEC §3.
    #[serde(default)]
    pub settings: IntegrationSettings,
    /// Plain variables the automations read (`base_url` and whatever else they reference).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Which automation serves each function, keyed by function id.
    #[serde(default)]
    pub bindings: BTreeMap<String, AutomationRef>,
}

fn default_active() -> bool {
    true
}

impl Integration {
    /// A new, active integration with default settings and nothing bound yet.
    pub fn new(id: IntegrationId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            preset: None,
            active: true,
            settings: IntegrationSettings::default(),
            variables: BTreeMap::new(),
            bindings: BTreeMap::new(),
        }
    }
}
