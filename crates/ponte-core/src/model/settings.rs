//! The settings of an integration (SPEC §3), with the table's defaults.
//!
//! Every struct rejects unknown fields: a misspelt setting is an error when it is loaded, not a
//! silently ignored line that leaves the default in force.

use serde::{Deserialize, Serialize};

/// The settings table of SPEC §3, minus `active`, variables, secrets and bindings, which live on
/// [`super::Integration`] and in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct IntegrationSettings {
    /// Skip TLS certificate verification for this ERP (discouraged; logged as a warning).
    pub allow_insecure_tls: bool,
    /// What to do for a buyer who is already an ERP customer.
    pub order_procedure: OrderProcedure,
    /// Do not ask the ERP whether the buyer is a customer; always `create_order`.
    pub skip_customer_check: bool,
    /// When the buyer already exists in the ERP, create a lead instead of an order.
    pub lead_for_existing_customer: bool,
    /// Values the settlement automations need (company id, bank account id, ...).
    pub payment: serde_json::Map<String, serde_json::Value>,
    /// The PIX receivers; the first one is the default.
    pub pix: Vec<PixReceiver>,
    /// How pendency messages are judged (SPEC §5.4); empty means no rules.
    pub pendency_rules: Vec<PendencyRule>,
    /// Time-to-live of the catalog lists and of customer reads.
    pub cache: CacheSettings,
    /// Per-request and per-function time limits.
    pub timeouts: TimeoutSettings,
    /// Concurrency limits towards the ERP.
    pub limits: LimitSettings,
    /// Hosts the automations may call; empty means "the host of `base_url`".
    pub allowed_hosts: Vec<String>,
    /// Field names of this ERP's bodies that hold credentials or personal data, beyond the
    /// defaults that cover every ERP Ponte knows (LGPD: what stored traces remove or mask).
    pub privacy: PrivacySettings,
}

/// Extra field names to keep out of stored traces, by what they hold. Names are compared
/// without regard to case, wherever the field appears in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Removed whole (`[REDACTED]`): passwords, tokens, keys.
    pub credentials: Vec<String>,
    /// Masked as documents (CPF, CNPJ, RG).
    pub documents: Vec<String>,
    /// Masked as names of people or companies.
    pub names: Vec<String>,
    /// Masked as e-mail addresses.
    pub emails: Vec<String>,
    /// Masked as phone numbers.
    pub phones: Vec<String>,
    /// Masked as address parts.
    pub addresses: Vec<String>,
    /// Other personal data, masked whole (birth dates, logins, IP addresses).
    pub personal: Vec<String>,
}

/// The order procedure for a buyer who is already an ERP customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrderProcedure {
    /// Criar Pedido/Prospecto: call `create_order`.
    #[default]
    CreateOrder,
    /// Criar Chamado/Atendimento: call `create_order_existing_customer`.
    CreateTicket,
}

/// One PIX receiver used to build static BR Codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixReceiver {
    /// The name invoices use (`identifier` of INVOICE) to pick this receiver.
    pub identifier: String,
    /// The PIX key.
    pub key: String,
    /// Merchant name as the BR Code carries it.
    pub merchant_name: String,
    /// Merchant city as the BR Code carries it.
    pub merchant_city: String,
}

/// One rule that marks a pendency message as a pendency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendencyRule {
    /// The label reported when the rule matches.
    pub label: String,
    /// How `pattern` is read.
    #[serde(rename = "match", default)]
    pub kind: PendencyMatch,
    /// The keyword or regular expression; matching ignores case and accents.
    pub pattern: String,
}

/// How a pendency rule's pattern is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PendencyMatch {
    /// The message contains the keyword.
    #[default]
    Keyword,
    /// The message matches the regular expression.
    Regex,
}

/// Cache lifetimes, in seconds; `0` disables that cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSettings {
    /// The four catalog lists (resellers, products, due dates, origins).
    pub lists_ttl_seconds: u64,
    /// Customer reads.
    pub reads_ttl_seconds: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            lists_ttl_seconds: 600,
            reads_ttl_seconds: 0,
        }
    }
}

/// Time limits, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeoutSettings {
    /// One ERP request.
    pub request_ms: u64,
    /// A whole function call, all its requests included.
    pub function_ms: u64,
}

impl Default for TimeoutSettings {
    fn default() -> Self {
        Self {
            request_ms: 10_000,
            function_ms: 30_000,
        }
    }
}

/// Limits that protect the ERP and the other integrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Maximum ERP requests in flight for this integration.
    pub max_concurrent_requests: u32,
    /// When to stop calling an ERP that does not answer.
    pub breaker: BreakerSettings,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_concurrent_requests: 8,
            breaker: BreakerSettings::default(),
        }
    }
}

/// The integration's circuit breaker: after `failures` calls in a row that the ERP did not
/// answer (`erp_unavailable`, `erp_timeout`), calls are refused at once with
/// `erp_circuit_open` for `open_ms`, then one call probes the ERP again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerSettings {
    /// Misses in a row that open the circuit; `0` switches the breaker off.
    pub failures: u32,
    /// How long the circuit stays open before a probe, in milliseconds.
    pub open_ms: u64,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        Self {
            failures: 5,
            open_ms: 30_000,
        }
    }
}
