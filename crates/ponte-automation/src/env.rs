//! [`RunEnv`]: what a call brings besides its input, the integration's values, prepared once.
//!
//! Everything here is the same from one call to the next, so it is shared (`Arc`) and what a
//! run needs of it is built at the first run and kept: the jq and template forms of the
//! settings and secrets, the redactor that knows the secrets, and, per automation, the
//! variables over the automation's defaults and the hosts its requests may reach. A caller
//! keeps one `RunEnv` per integration and hands a clone (a few reference counts) to each call.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use crate::compiled::CompiledAutomation;
use crate::jq::JqInput;
use crate::limits::Limits;
use crate::privacy::PrivacyRules;
use crate::redact::Redactor;

/// The integration's values for a run: variables, secrets, settings, allowed hosts, limits
/// and privacy rules. Cheap to clone; build one per integration and reuse it.
#[derive(Clone)]
pub struct RunEnv {
    integration: Arc<str>,
    vars: Arc<BTreeMap<String, String>>,
    secrets: Arc<BTreeMap<String, SecretString>>,
    settings: Arc<Value>,
    allowed_hosts: Arc<[String]>,
    privacy: Arc<PrivacyRules>,
    /// The limits in force. An automation's own `limits:` may lower them, never raise them.
    pub limits: Limits,
    prepared: Arc<Prepared>,
}

impl std::fmt::Debug for RunEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunEnv")
            .field("integration", &self.integration)
            .field("vars", &self.vars)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .field("allowed_hosts", &self.allowed_hosts)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for RunEnv {
    fn default() -> Self {
        Self::new("")
    }
}

/// What runs derive from the values, built once and shared by every clone of the env. A
/// setter starts a new one, so nothing here is ever stale.
#[derive(Default)]
struct Prepared {
    shared: OnceLock<Shared>,
    /// Per automation (by the SHA-256 of its source): at most one entry per automation this
    /// integration runs.
    automations: Mutex<HashMap<String, Arc<AutomationEnv>>>,
}

/// The forms of the settings and secrets a run reads, and the redactor every run starts from.
pub(crate) struct Shared {
    pub settings_jq: JqInput,
    pub settings_mj: minijinja::Value,
    pub secrets_mj: minijinja::Value,
    pub redactor: Redactor,
}

/// What one automation reads of the env: its variables over the automation's defaults, in
/// the forms jq and templates read, and the hosts its requests may go to (the host of the
/// `base_url` variable when the env names none).
#[derive(Debug)]
pub(crate) struct AutomationEnv {
    pub vars_jq: JqInput,
    pub vars_mj: minijinja::Value,
    /// Lower-case allow-list entries (`host`, `host:port` or `*`).
    pub allowed_hosts: Vec<String>,
}

impl RunEnv {
    /// An env for the integration `integration`, with no values yet and default limits and
    /// privacy rules.
    #[must_use]
    pub fn new(integration: &str) -> Self {
        Self {
            integration: Arc::from(integration),
            vars: Arc::default(),
            secrets: Arc::default(),
            settings: Arc::new(Value::Null),
            allowed_hosts: Arc::from(Vec::new()),
            privacy: PrivacyRules::shared_default(),
            limits: Limits::default(),
            prepared: Arc::default(),
        }
    }

    fn changed(mut self) -> Self {
        self.prepared = Arc::default();
        self
    }

    /// With the integration variables (`vars.NAME`); declared defaults fill the gaps.
    #[must_use]
    pub fn with_vars(mut self, vars: BTreeMap<String, String>) -> Self {
        self.vars = Arc::new(vars);
        self.changed()
    }

    /// With the integration secrets (`secrets.NAME`, templates only).
    #[must_use]
    pub fn with_secrets(mut self, secrets: BTreeMap<String, SecretString>) -> Self {
        self.secrets = Arc::new(secrets);
        self.changed()
    }

    /// With the integration settings (`settings.payment.company_id`...).
    #[must_use]
    pub fn with_settings(mut self, settings: Value) -> Self {
        self.settings = Arc::new(settings);
        self.changed()
    }

    /// With the hosts requests may go to (`host` or `host:port`; `*` allows any public host,
    /// never an internal address). None: the host of the `base_url` variable.
    #[must_use]
    pub fn with_allowed_hosts(mut self, hosts: Vec<String>) -> Self {
        self.allowed_hosts = Arc::from(hosts);
        self.changed()
    }

    /// With these limits (an automation's own `limits:` may only lower them).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// With these rules for personal data in traces.
    #[must_use]
    pub fn with_privacy(mut self, rules: Arc<PrivacyRules>) -> Self {
        self.privacy = rules;
        self.changed()
    }

    /// The integration id (tokens are cached per integration).
    #[must_use]
    pub fn integration(&self) -> &str {
        &self.integration
    }

    /// The integration variables.
    #[must_use]
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// The integration secrets.
    #[must_use]
    pub fn secrets(&self) -> &BTreeMap<String, SecretString> {
        &self.secrets
    }

    /// The integration settings.
    #[must_use]
    pub fn settings(&self) -> &Value {
        &self.settings
    }

    /// The allowed hosts as given.
    #[must_use]
    pub fn allowed_hosts(&self) -> &[String] {
        &self.allowed_hosts
    }

    /// The privacy rules.
    #[must_use]
    pub fn privacy(&self) -> &Arc<PrivacyRules> {
        &self.privacy
    }

    /// A redactor knowing the integration's secrets and applying its privacy rules: the one a
    /// run starts from.
    #[must_use]
    pub fn redactor(&self) -> Redactor {
        self.shared().redactor.clone()
    }

    pub(crate) fn shared(&self) -> &Shared {
        self.prepared.shared.get_or_init(|| {
            let mut redactor = Redactor::new(self.privacy.clone());
            let mut secrets = serde_json::Map::new();
            for (name, value) in self.secrets.iter() {
                redactor.add_secret(value.expose_secret());
                redactor.add_secret_name(name);
                secrets.insert(
                    name.clone(),
                    Value::String(value.expose_secret().to_owned()),
                );
            }
            Shared {
                settings_jq: JqInput::new(&self.settings),
                settings_mj: crate::template::context(self.settings.as_ref()),
                secrets_mj: crate::template::context(&secrets),
                redactor,
            }
        })
    }

    /// What `automation` reads of this env, built at its first run.
    pub(crate) fn for_automation(&self, automation: &CompiledAutomation) -> Arc<AutomationEnv> {
        let key = automation.sha256();
        if let Ok(known) = self.prepared.automations.lock()
            && let Some(found) = known.get(key)
        {
            return found.clone();
        }
        let built = Arc::new(self.build_for(automation));
        if let Ok(mut known) = self.prepared.automations.lock() {
            known.insert(key.to_owned(), built.clone());
        }
        built
    }

    fn build_for(&self, automation: &CompiledAutomation) -> AutomationEnv {
        let mut vars = automation.variable_defaults.clone();
        vars.extend(self.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let json = serde_json::to_value(&vars).unwrap_or(Value::Null);
        let mut allowed_hosts: Vec<String> = self
            .allowed_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        if allowed_hosts.is_empty()
            && let Some(base) = vars.get("base_url")
            && let Ok(url) = Url::parse(base)
            && let Some(host) = url.host_str()
        {
            allowed_hosts.push(host.to_ascii_lowercase());
        }
        AutomationEnv {
            vars_jq: JqInput::new(&json),
            vars_mj: crate::template::context(&json),
            allowed_hosts,
        }
    }
}
