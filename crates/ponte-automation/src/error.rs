//! Run errors: what can end a run, each with a stable code.

use serde::Serialize;

/// One way the output does not match the function's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputMismatch {
    /// JSON pointer of the offending value (`/0/vencimento`).
    pub path: String,
    /// What the schema wants there.
    pub expected: String,
    /// The value that came, shortened.
    pub got: String,
}

/// Why a run failed. Every variant names the step it happened in, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The ERP did not answer in time (a request timeout or the run's total timeout).
    #[error("step `{step}`: the ERP did not answer within {after_ms} ms")]
    Timeout {
        /// Step id.
        step: String,
        /// The deadline that passed.
        after_ms: u64,
    },
    /// The ERP could not be reached, dropped the connection, or answered 5xx until retries ran out.
    #[error("step `{step}`: the ERP is unavailable: {message}")]
    Unavailable {
        /// Step id.
        step: String,
        /// What happened.
        message: String,
    },
    /// The ERP answered and refused (a 4xx, or a body the success predicate rejects).
    #[error("step `{step}`: the ERP refused the request (HTTP {status}): {message}")]
    Rejected {
        /// Step id.
        step: String,
        /// HTTP status.
        status: u16,
        /// The ERP's own message, cleaned of markup.
        message: String,
    },
    /// The ERP's answer could not be read as the automation expects.
    #[error("step `{step}`: unexpected answer from the ERP: {message}")]
    InvalidResponse {
        /// Step id (or `output`).
        step: String,
        /// What could not be read.
        message: String,
    },
    /// The output does not match the function's schema.
    #[error("the output does not match the function's contract: {}", describe(.0))]
    OutputInvalid(Vec<OutputMismatch>),
    /// The ERP refused the credentials, even after a fresh token.
    #[error("step `{step}`: the ERP refused the credentials (HTTP {status})")]
    AuthFailed {
        /// Step id.
        step: String,
        /// HTTP status.
        status: u16,
    },
    /// A request would go to a host the integration does not allow.
    #[error("step `{step}`: host `{host}` is not in the integration's allowed hosts")]
    HostNotAllowed {
        /// Step id.
        step: String,
        /// The refused host.
        host: String,
    },
    /// A limit of the engine was reached.
    #[error("step `{step}`: limit reached: {message}")]
    LimitExceeded {
        /// Step id.
        step: String,
        /// Which limit and by how much.
        message: String,
    },
    /// A template or jq program failed on this run's data (a missing variable, a bad value).
    #[error("step `{step}`: {message}")]
    Automation {
        /// Step id.
        step: String,
        /// What failed.
        message: String,
    },
    /// A `fail` step ended the run.
    #[error("{message}")]
    Failed {
        /// The automation's error code.
        code: String,
        /// Its message.
        message: String,
        /// The step said the ERP has no record the inputs name (`not_found: true`).
        not_found: bool,
    },
}

fn describe(list: &[OutputMismatch]) -> String {
    list.iter()
        .map(|m| format!("{}: expected {}, got {}", m.path, m.expected, m.got))
        .collect::<Vec<_>>()
        .join("; ")
}

impl RunError {
    /// Stable code of the error (the API's error codes for ERP failures).
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Timeout { .. } => "erp_timeout",
            Self::Unavailable { .. } => "erp_unavailable",
            Self::Rejected { .. } => "erp_rejected",
            Self::InvalidResponse { .. } | Self::OutputInvalid(_) => "erp_invalid_response",
            Self::AuthFailed { .. } => "erp_auth_failed",
            Self::HostNotAllowed { .. } => "host_not_allowed",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::Automation { .. } => "automation_error",
            Self::Failed { code, .. } => code,
        }
    }
}

/// Shorten a value for an error message.
pub(crate) fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// An ERP message made readable: tags removed, entities decoded, whitespace collapsed, capped.
#[must_use]
pub fn clean_message(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 300 {
        format!("{}…", collapsed.chars().take(300).collect::<String>())
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erp_messages_lose_their_markup() {
        assert_eq!(
            clean_message("<p>Cliente <b>bloqueado</b>&nbsp;&amp; sem\n crédito</p>"),
            "Cliente bloqueado & sem crédito"
        );
    }
}
