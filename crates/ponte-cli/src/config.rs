//! Configuration: defaults, then a TOML file, then `PONTE_SECTION__KEY` environment variables.
//! Strict: an unknown key anywhere is an error naming it. Secrets are never written in the
//! file itself but referenced: `env:NAME` or `file:/path`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ponte_core::model::IntegrationSettings;
use ponte_core::service::{KeptTraces, PaymentSettings, RecordingPolicy};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Sections that environment variables may set (`PONTE_SERVER__LISTEN=0.0.0.0:8080`).
/// Integrations are declared in the file only.
const ENV_SECTIONS: &[&str] = &[
    "server__",
    "database__",
    "security__",
    "log__",
    "executions__",
    "tools__",
    "payments__",
];

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The HTTP server.
    #[serde(default)]
    pub server: ServerConfig,
    /// The database.
    #[serde(default)]
    pub database: DatabaseConfig,
    /// Keys and credentials.
    #[serde(default)]
    pub security: SecurityConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
    /// Execution records.
    #[serde(default)]
    pub executions: ExecutionsConfig,
    /// `/v1/tools/`: rate limit per client, API key.
    #[serde(default)]
    pub tools: ponte_http::ToolsConfig,
    /// The payment workers: how many, how often they look, how they retry.
    #[serde(default)]
    pub payments: PaymentsConfig,
    /// The signed links of invoices (PDF, barcode, QR code).
    #[serde(default)]
    pub links: LinksConfig,
    /// Integrations provisioned from this file, synced into the store at start.
    #[serde(default)]
    pub integrations: Vec<IntegrationConfig>,
}

/// `[server]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            body_limit_bytes: 1024 * 1024,
        }
    }
}

/// `[database]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://FILE` (relative paths are next to the config file) or `postgres://...`.
    pub url: String,
    /// How often, in milliseconds, this process checks the database for configuration changes
    /// made by another process sharing it (a revoked key, a new secret). Changes made through
    /// this process's own admin API take effect at once.
    pub refresh_interval_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://ponte.db".into(),
            refresh_interval_ms: 1_000,
        }
    }
}

/// `[payments]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentsConfig {
    /// Payment workers in this process (each settles one payment at a time).
    pub workers: u32,
    /// How often an idle worker looks for due payments, in milliseconds (a payment received
    /// by this process wakes one at once).
    pub poll_interval_ms: u64,
    /// The wait before the first retry after the ERP did not answer, in milliseconds; doubled
    /// at each attempt.
    pub backoff_initial_ms: u64,
    /// The longest wait between two attempts, in milliseconds.
    pub backoff_max_ms: u64,
    /// How long an ERP that does not answer is retried before the payment is `failed` and
    /// listed for the operator, in hours.
    pub max_retry_hours: f64,
    /// How long a worker holds a payment, in milliseconds; at least twice an integration's
    /// `timeouts.function_ms` plus a second is used whatever this says, so a write-off in
    /// flight always ends before another worker looks at the payment.
    pub lease_ms: u64,
    /// How long `POST /v1/payments` waits for the final state before answering `202`, in
    /// milliseconds.
    pub request_wait_ms: u64,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        let settings = PaymentSettings::default();
        let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Self {
            workers: settings.workers,
            poll_interval_ms: ms(settings.poll_interval),
            backoff_initial_ms: ms(settings.backoff_initial),
            backoff_max_ms: ms(settings.backoff_max),
            max_retry_hours: settings.max_retry.as_secs_f64() / 3_600.0,
            lease_ms: ms(settings.lease),
            request_wait_ms: ms(settings.request_wait),
        }
    }
}

impl PaymentsConfig {
    /// The worker settings these values describe.
    ///
    /// # Errors
    /// A negative or non-finite `max_retry_hours`, or no workers.
    pub fn settings(&self) -> anyhow::Result<PaymentSettings> {
        use std::time::Duration;
        if !(self.max_retry_hours.is_finite() && self.max_retry_hours >= 0.0) {
            bail!("payments.max_retry_hours must be a number of hours, 0 or more");
        }
        if self.workers == 0 {
            bail!("payments.workers must be at least 1");
        }
        Ok(PaymentSettings {
            workers: self.workers,
            poll_interval: Duration::from_millis(self.poll_interval_ms.max(10)),
            backoff_initial: Duration::from_millis(self.backoff_initial_ms),
            backoff_max: Duration::from_millis(self.backoff_max_ms.max(self.backoff_initial_ms)),
            max_retry: Duration::from_secs_f64(self.max_retry_hours * 3_600.0),
            lease: Duration::from_millis(self.lease_ms),
            request_wait: Duration::from_millis(self.request_wait_ms),
        })
    }
}

/// `[security]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Reference to the master key that encrypts secrets at rest: 32 bytes, base64.
    /// `ponte keygen master` prints one.
    pub master_key: Option<String>,
    /// Reference to the admin API's bearer token.
    pub admin_token: Option<String>,
    /// How long an operator's session lasts, in minutes (12 hours when unset; at most 30 days).
    pub session_ttl_minutes: Option<u64>,
}

impl SecurityConfig {
    /// How long an operator's session lasts.
    ///
    /// # Errors
    /// More than 30 days (43200 minutes): a session is a bearer credential, and a longer one
    /// would also be a time beyond what the clock arithmetic is meant for.
    pub fn session_ttl(&self) -> anyhow::Result<std::time::Duration> {
        const MAX_MINUTES: u64 = 30 * 24 * 60;
        match self.session_ttl_minutes.filter(|minutes| *minutes > 0) {
            None => Ok(ponte_core::service::DEFAULT_SESSION_TTL.unsigned_abs()),
            Some(minutes) if minutes > MAX_MINUTES => bail!(
                "security.session_ttl_minutes must be at most {MAX_MINUTES} (30 days), got {minutes}"
            ),
            Some(minutes) => Ok(std::time::Duration::from_secs(minutes * 60)),
        }
    }
}

/// `[links]`: the signed links of `GET /v1/customers/{document}/invoices`, which work
/// without the API key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Reference to the key links are signed with; without one it is derived from the master
    /// key, so every node sharing the database accepts the others' links.
    pub key: Option<String>,
    /// How long a link works, in seconds (24 hours by default).
    pub ttl_seconds: u64,
    /// Ponte's public address, prefixed to the links (`https://ponte.example.com`); empty
    /// gives paths, which the platform resolves against the address it calls.
    pub base_url: String,
}

impl Default for LinksConfig {
    fn default() -> Self {
        Self {
            key: None,
            ttl_seconds: 24 * 60 * 60,
            base_url: String::new(),
        }
    }
}

/// `[executions]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecutionsConfig {
    /// Days an execution record (and its trace) is kept; `0` keeps them forever.
    pub retention_days: u32,
    /// Which successful calls keep their full trace: `errors` (none: only failures and test
    /// runs do), `all`, or `sample` (a share of them, `sample_rate`). Every call keeps a
    /// summary.
    pub traces: KeptTraces,
    /// With `traces = "sample"`, the share of successful calls that keep their trace (0–1).
    pub sample_rate: f64,
    /// The largest trace stored, in bytes; the longest bodies of a bigger one are cut.
    pub trace_max_bytes: usize,
    /// Records that may wait for the database; past that, a call's record is dropped and
    /// counted in `ponte_execution_records_dropped_total` rather than slowing the call.
    pub queue: usize,
    /// Milliseconds the writer gathers records before one commit stores them all (`0`: a
    /// commit per record). A crash loses at most this much of the recent records.
    pub gather_ms: u64,
}

impl Default for ExecutionsConfig {
    fn default() -> Self {
        let policy = RecordingPolicy::default();
        Self {
            retention_days: 30,
            traces: policy.traces,
            sample_rate: policy.sample_rate,
            trace_max_bytes: policy.trace_max_bytes,
            queue: policy.queue,
            gather_ms: u64::try_from(policy.gather.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl ExecutionsConfig {
    /// The recording policy these settings describe.
    ///
    /// # Errors
    /// A sample rate outside 0–1, or a zero size or queue.
    pub fn recording(&self) -> anyhow::Result<RecordingPolicy> {
        if !(0.0..=1.0).contains(&self.sample_rate) {
            bail!(
                "executions.sample_rate must be between 0 and 1 (got {})",
                self.sample_rate
            );
        }
        if self.trace_max_bytes < 1024 {
            bail!(
                "executions.trace_max_bytes must be at least 1024 (got {})",
                self.trace_max_bytes
            );
        }
        if self.queue == 0 {
            bail!("executions.queue must be at least 1");
        }
        if self.gather_ms > 10_000 {
            bail!(
                "executions.gather_ms must be at most 10000 (got {}): records wait that long \
                 in memory before they are stored",
                self.gather_ms
            );
        }
        Ok(RecordingPolicy {
            traces: self.traces,
            sample_rate: self.sample_rate,
            trace_max_bytes: self.trace_max_bytes,
            queue: self.queue,
            gather: std::time::Duration::from_millis(self.gather_ms),
        })
    }

    /// How long records are kept, or `None` to keep them forever.
    pub fn retention(&self) -> Option<std::time::Duration> {
        (self.retention_days > 0)
            .then(|| std::time::Duration::from_secs(u64::from(self.retention_days) * 86_400))
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Human-readable lines.
    #[default]
    Pretty,
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `RUST_LOG`-style filter.
    pub level: String,
    /// Output format.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Pretty,
        }
    }
}

/// `[[integrations]]`: one ISP's ERP connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationConfig {
    /// Stable id (lower-case slug).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Preset whose automations serve the functions (`ixc`).
    #[serde(default)]
    pub preset: Option<String>,
    /// A folder of the integrator's automation files (relative to the configuration file):
    /// each `*.yaml` that is not a `*.test.yaml` serves the function it names, instead of the
    /// preset's.
    #[serde(default)]
    pub automation_dir: Option<PathBuf>,
    /// Automation files by function (`list_invoices = "automations/list_invoices.yaml"`,
    /// relative to the configuration file), serving those functions instead of the preset's
    /// or the folder's.
    #[serde(default)]
    pub functions: BTreeMap<String, PathBuf>,
    /// An inactive integration is never called.
    #[serde(default = "yes")]
    pub active: bool,
    /// Settings of SPEC §3.
    #[serde(default)]
    pub settings: IntegrationSettings,
    /// Variables the automations read (`base_url`...).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Secrets, by reference: `env:NAME` or `file:/path`.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// API keys of the platform, by reference (`env:ACME_PONTE_KEY`); each must be a key of
    /// Ponte's shape (`ponte keygen api-key` prints one).
    #[serde(default)]
    pub api_keys: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A configuration with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The values.
    pub config: Config,
    /// The folder relative paths are resolved from.
    pub base: PathBuf,
}

/// Load the configuration: defaults, the file (when given or when `ponte.toml` exists), then
/// the environment.
///
/// # Errors
/// A file that cannot be read, bad TOML, an unknown key, a value of the wrong type.
pub fn load(path: Option<&Path>) -> anyhow::Result<Loaded> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    let base = match path {
        Some(p) => {
            if !p.exists() {
                bail!("configuration file {} does not exist", p.display());
            }
            figment = figment.merge(Toml::file_exact(p));
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        }
        None => {
            if Path::new("ponte.toml").exists() {
                figment = figment.merge(Toml::file_exact("ponte.toml"));
            }
            PathBuf::from(".")
        }
    };
    figment = figment.merge(
        Env::prefixed("PONTE_")
            .filter(|key| {
                let key = key.as_str().to_ascii_lowercase();
                ENV_SECTIONS.iter().any(|s| key.starts_with(s))
            })
            .split("__"),
    );
    let config: Config = figment.extract().map_err(|e| {
        let mut text = String::new();
        for err in e {
            text.push_str(&format!("\n  - {err}"));
        }
        anyhow::anyhow!("invalid configuration:{text}")
    })?;
    Ok(Loaded { config, base })
}

/// Read a secret reference: `env:NAME` or `file:/path` (relative to `base`).
///
/// # Errors
/// A reference of another form, an unset variable, an unreadable file.
pub fn resolve_secret(reference: &str, base: &Path, what: &str) -> anyhow::Result<SecretString> {
    if let Some(name) = reference.strip_prefix("env:") {
        let value = std::env::var(name)
            .with_context(|| format!("{what}: environment variable {name} is not set"))?;
        return Ok(SecretString::from(value));
    }
    if let Some(file) = reference.strip_prefix("file:") {
        let path = base.join(file);
        let value = std::fs::read_to_string(&path)
            .with_context(|| format!("{what}: cannot read {}", path.display()))?;
        return Ok(SecretString::from(value.trim_end().to_owned()));
    }
    bail!("{what}: write secrets as `env:NAME` or `file:/path`, never in the file itself")
}

impl Loaded {
    /// The database URL, with a relative SQLite path made relative to the config folder.
    #[must_use]
    pub fn database_url(&self) -> String {
        let url = &self.config.database.url;
        let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            return url.clone();
        };
        if path.starts_with('/') || path.starts_with(':') || path.is_empty() {
            return url.clone();
        }
        let (file, query) = path
            .split_once('?')
            .map_or((path, None), |(f, q)| (f, Some(q)));
        let full = self.base.join(file);
        match query {
            Some(q) => format!("sqlite://{}?{q}", full.display()),
            None => format!("sqlite://{}", full.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ponte.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let loaded = load(None).unwrap();
        assert_eq!(loaded.config.server.listen, "127.0.0.1:8080");
        assert!(loaded.database_url().ends_with("ponte.db"));
    }

    #[test]
    fn sessions_last_twelve_hours_by_default_and_at_most_thirty_days() {
        let loaded = load(None).unwrap();
        assert_eq!(
            loaded.config.security.session_ttl().unwrap(),
            std::time::Duration::from_secs(12 * 3600)
        );
        let (_d, path) = write("[security]\nsession_ttl_minutes = 43200\n");
        let loaded = load(Some(&path)).unwrap();
        assert_eq!(
            loaded.config.security.session_ttl().unwrap(),
            std::time::Duration::from_secs(30 * 86_400)
        );
        let (_d, path) = write("[security]\nsession_ttl_minutes = 10000000000\n");
        let loaded = load(Some(&path)).unwrap();
        let err = loaded
            .config
            .security
            .session_ttl()
            .unwrap_err()
            .to_string();
        assert!(err.contains("session_ttl_minutes"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let (_d, path) = write("[server]\nlisten = \"0.0.0.0:1\"\nlisen = 3\n");
        let err = load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("lisen"), "{err}");
        let (_d, path) = write(
            "[[integrations]]\nid = \"a\"\nname = \"A\"\n[integrations.settings]\ntimeout = 3\n",
        );
        let err = load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("timeout"), "{err}");
    }

    #[test]
    // figment's Jail fixes the closure's error type; it is not ours to shrink.
    #[allow(clippy::result_large_err)]
    fn environment_variables_override_the_file_but_not_unrelated_ones() {
        let (_d, path) = write("[server]\nlisten = \"127.0.0.1:1\"\n");
        // figment's Jail sets the variables for this closure only and serialises such tests.
        figment::Jail::expect_with(|jail| {
            jail.set_env("PONTE_SERVER__LISTEN", "127.0.0.1:2");
            jail.set_env("PONTE_TEST_POSTGRES_URL", "postgres://x");
            let loaded = load(Some(&path)).expect("the configuration loads");
            assert_eq!(loaded.config.server.listen, "127.0.0.1:2");
            Ok(())
        });
    }

    #[test]
    fn a_relative_sqlite_path_is_next_to_the_config_file() {
        let (dir, path) = write("[database]\nurl = \"sqlite://data/p.db\"\n");
        let loaded = load(Some(&path)).unwrap();
        assert_eq!(
            loaded.database_url(),
            format!("sqlite://{}", dir.path().join("data/p.db").display())
        );
    }

    #[test]
    fn the_example_configuration_of_the_readme_is_valid() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .unwrap();
        let start = readme
            .find("```toml\n")
            .expect("the README shows a configuration")
            + 8;
        let end = start + readme[start..].find("```").unwrap();
        let (_d, path) = write(&readme[start..end]);
        let loaded = load(Some(&path)).unwrap();
        let acme = &loaded.config.integrations[0];
        assert_eq!(acme.preset.as_deref(), Some("ixc"));
        assert_eq!(acme.api_keys, ["env:ACME_PONTE_KEY"]);
        assert_eq!(acme.settings.timeouts.function_ms, 30000);
        assert_eq!(acme.settings.pix.len(), 1);
        let tools = &loaded.config.tools;
        assert_eq!(tools.requests_per_minute, 300);
        assert_eq!(tools.burst, 60);
        assert!(!tools.require_api_key);
        assert_eq!(tools.client_ip_header, None);
    }

    #[test]
    fn the_tools_section_is_read_and_strict() {
        let (_d, path) = write(
            "[tools]\nrequests_per_minute = 0\nrequire_api_key = true\nclient_ip_header = \"X-Real-IP\"\n",
        );
        let tools = load(Some(&path)).unwrap().config.tools;
        assert_eq!(tools.requests_per_minute, 0);
        assert_eq!(tools.burst, 60, "unset keys keep their defaults");
        assert!(tools.require_api_key);
        assert_eq!(tools.client_ip_header.as_deref(), Some("X-Real-IP"));
        let (_d, path) = write("[tools]\nrate = 3\n");
        let err = load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("rate"), "{err}");
    }

    #[test]
    fn secrets_are_references_never_values() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tok"), "abc\n").unwrap();
        use secrecy::ExposeSecret as _;
        assert_eq!(
            resolve_secret("file:tok", dir.path(), "t")
                .unwrap()
                .expose_secret(),
            "abc"
        );
        assert!(resolve_secret("plain-value", dir.path(), "t").is_err());
        assert!(resolve_secret("env:PONTE_SURELY_UNSET_VAR", dir.path(), "t").is_err());
    }
}
