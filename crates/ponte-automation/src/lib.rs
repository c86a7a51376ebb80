//! The automation language of Ponte: load → check → compile → run.
//!
//! An automation is a YAML document that serves one catalog function against one ERP: HTTP
//! requests with MiniJinja templates, jq mappings through jaq, bounded loops and pagination,
//! auth, retries, and a final mapping validated against the function's output schema.
//!
//! The stages are types: a [`model::AutomationDoc`] is only parsed; [`compile`] checks it and
//! returns every problem as a [`Diagnostic`] or a [`CompiledAutomation`], the only thing the
//! [`Engine`] runs. Templates and jq programs are compiled once, in [`compile`].
//!
//! A run goes one way: the [`Engine`] walks the steps; a request step renders, authenticates,
//! sends under its policy, decides success and decodes the answer; the run remembers what it
//! did, and its [`RunOutcome`] gives a summary, or the trace redacted by the run's one
//! [`Redactor`] under the [`PrivacyRules`], only when asked.
//!
//! This crate knows nothing of databases, HTTP servers or configuration files; the HTTP client
//! sits behind the [`Transport`] trait.

mod auth;
mod check;
mod compile_count;
mod compiled;
mod context;
pub mod diagnostics;
mod engine;
mod env;
mod error;
pub mod filters;
pub mod jq;
mod limits;
pub mod model;
pub mod privacy;
mod record;
mod redact;
mod refs;
mod render;
mod request;
mod send;
mod set;
pub mod shared;
mod state;
pub mod template;
pub mod testing;
pub mod trace;
pub mod transport;

pub use auth::TokenCache;
pub use check::{check_shared, compile, compile_with};
pub use compiled::CompiledAutomation;
pub use diagnostics::{Code, Diagnostic};
pub use engine::Engine;
pub use env::RunEnv;
pub use error::{OutputMismatch, RunError, clean_message};
pub use limits::Limits;
pub use privacy::{Category, PrivacyRules};
pub use record::{RequestSummary, RunOutcome, RunSummary};
pub use redact::Redactor;
pub use set::AutomationSet;
pub use shared::SharedLibrary;
pub use trace::Trace;
pub use transport::{
    InboundResponse, OutboundRequest, ReqwestTransport, Transport, TransportError, is_internal,
};

/// Parse YAML the way every Ponte document is read: YAML 1.2 booleans only, so ERP flags
/// such as `S`/`N` (IXC) or `y`/`n` stay the strings they are instead of turning into
/// `true`/`false` behind the author's back.
///
/// # Errors
/// The parser's error, with its position.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(source: &str) -> Result<T, serde_saphyr::Error> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(source, options)
}

/// The JSON Schema of a shared-steps file (`shared/<name>.yaml`), for editors.
#[must_use]
pub fn shared_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(model::SharedDoc)).unwrap_or_default()
}

/// The JSON Schema of the automation document, for editors' YAML completion.
#[must_use]
pub fn document_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(model::AutomationDoc)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn erp_flags_stay_strings() {
        let v: serde_json::Value = super::parse_yaml("a: S\nb: N\nc: yes\nd: true\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": "S", "b": "N", "c": "yes", "d": true})
        );
    }
}
