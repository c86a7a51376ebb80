//! Fault injection shared by every simulator.
//!
//! A [`Faults`] handle holds an ordered list of [`FaultRule`]s. Each incoming request (other than
//! the `/__sim/` control API) takes the first rule whose path prefix matches, spending one of its
//! uses; rules without a use count stay until cleared. Tests set rules in Rust through
//! [`crate::ixc::RunningIxc::faults`]; a simulator running as a process is driven over HTTP with
//! `POST /__sim/faults` (body: [`FaultSpec`]) and `DELETE /__sim/faults`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One way for a simulated ERP to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally, but only after this delay.
    Latency(Duration),
    /// Answer with this HTTP status (meant for 5xx) and a short plain-text body.
    Status(u16),
    /// Close the connection without a complete answer.
    DropConnection,
    /// Never answer; the client's own timeout is the only way out.
    Hang,
    /// Answer 200 with a JSON body cut in the middle.
    MalformedJson,
    /// Answer exactly as the ERP does for a wrong or expired credential.
    RejectToken,
    /// Serve the request (a write is applied) but drop the connection instead of answering:
    /// the client cannot tell whether its write happened.
    LostAnswer,
    /// Serve the request (a write is applied), then never answer: the client times out
    /// without knowing its write happened.
    LostAnswerHang,
    /// Serve the request (a write is applied), then answer this status (meant for 5xx)
    /// instead of the real answer.
    LostAnswerStatus(u16),
    /// Answer 429 with a `Retry-After` header.
    RateLimit {
        /// Value of the `Retry-After` header, in seconds.
        retry_after_secs: u64,
    },
}

/// A fault with its scope: how many requests it hits and on which paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// What happens.
    pub fault: Fault,
    /// Requests left to hit; `None` hits every request until the rule is cleared.
    pub remaining: Option<u32>,
    /// Only requests whose path starts with this prefix are hit; `None` hits every path.
    pub path_prefix: Option<String>,
}

impl FaultRule {
    /// A rule hitting every request until cleared.
    pub fn always(fault: Fault) -> Self {
        FaultRule {
            fault,
            remaining: None,
            path_prefix: None,
        }
    }

    /// A rule hitting the next `n` requests.
    pub fn times(n: u32, fault: Fault) -> Self {
        FaultRule {
            fault,
            remaining: Some(n),
            path_prefix: None,
        }
    }

    /// Restricts the rule to paths starting with `prefix` (for example `/webservice/v1/cliente`).
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }
}

/// The fault rules of one running simulator. Cloning shares the same rules.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<FaultRule>>>,
}

impl Faults {
    /// No rules: every request is answered normally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hits every request with `fault` until [`Faults::clear`].
    pub fn set(&self, fault: Fault) {
        self.add(FaultRule::always(fault));
    }

    /// Hits the next `n` requests with `fault`.
    pub fn set_next(&self, n: u32, fault: Fault) {
        self.add(FaultRule::times(n, fault));
    }

    /// Appends a rule; earlier rules win when several match.
    pub fn add(&self, rule: FaultRule) {
        self.lock().push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The rules still active, in order.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// The fault for a request to `path`, spending one use of the matching rule.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|rule| {
            rule.path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        let rule = rules.get_mut(index)?;
        let fault = rule.fault.clone();
        if let Some(left) = rule.remaining.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                rules.remove(index);
            }
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        // A panic while holding this lock cannot leave the list half-written (every change is a
        // single push, remove or clear), so a poisoned lock is still safe to use.
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The JSON form of a rule, for `POST /__sim/faults`.
///
/// `{"fault":"latency","ms":250}`, `{"fault":"status","status":503,"times":2}`,
/// `{"fault":"rate_limit","retry_after_secs":5,"path_prefix":"/webservice/v1/fn_areceber"}`,
/// `{"fault":"drop_connection"}`, `{"fault":"hang"}`, `{"fault":"malformed_json"}`,
/// `{"fault":"reject_token"}`, `{"fault":"lost_answer","path_prefix":"/api/banco"}`,
/// `{"fault":"lost_answer_hang"}`, `{"fault":"lost_answer_status","status":502}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `latency`, `status`, `drop_connection`, `hang`, `malformed_json`, `reject_token`,
    /// `lost_answer`, `lost_answer_hang`, `lost_answer_status` or `rate_limit`.
    pub fault: String,
    /// Delay for `latency`, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// HTTP status for `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` for `rate_limit`, in seconds (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// How many requests to hit; absent means all of them until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Restricts the rule to paths with this prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

/// Why a [`FaultSpec`] could not become a rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultSpecError {
    /// The `fault` name is not one of the known kinds.
    #[error(
        "unknown fault `{0}`; expected latency, status, drop_connection, hang, malformed_json, reject_token, lost_answer, lost_answer_hang, lost_answer_status or rate_limit"
    )]
    UnknownKind(String),
    /// A kind that needs a parameter came without it.
    #[error("fault `{kind}` needs the field `{field}`")]
    MissingField {
        /// The fault kind.
        kind: String,
        /// The missing field.
        field: &'static str,
    },
    /// A status outside 100..=599.
    #[error("status {0} is not an HTTP status code")]
    BadStatus(u16),
}

impl TryFrom<FaultSpec> for FaultRule {
    type Error = FaultSpecError;

    fn try_from(spec: FaultSpec) -> Result<Self, Self::Error> {
        let fault = match spec.fault.as_str() {
            "latency" => Fault::Latency(Duration::from_millis(spec.ms.ok_or(
                FaultSpecError::MissingField {
                    kind: spec.fault.clone(),
                    field: "ms",
                },
            )?)),
            "status" => {
                let status = spec.status.ok_or(FaultSpecError::MissingField {
                    kind: spec.fault.clone(),
                    field: "status",
                })?;
                if !(100..=599).contains(&status) {
                    return Err(FaultSpecError::BadStatus(status));
                }
                Fault::Status(status)
            }
            "drop_connection" => Fault::DropConnection,
            "hang" => Fault::Hang,
            "malformed_json" => Fault::MalformedJson,
            "reject_token" => Fault::RejectToken,
            "lost_answer" => Fault::LostAnswer,
            "lost_answer_hang" => Fault::LostAnswerHang,
            "lost_answer_status" => {
                let status = spec.status.ok_or(FaultSpecError::MissingField {
                    kind: spec.fault.clone(),
                    field: "status",
                })?;
                if !(100..=599).contains(&status) {
                    return Err(FaultSpecError::BadStatus(status));
                }
                Fault::LostAnswerStatus(status)
            }
            "rate_limit" => Fault::RateLimit {
                retry_after_secs: spec.retry_after_secs.unwrap_or(1),
            },
            other => return Err(FaultSpecError::UnknownKind(other.to_string())),
        };
        Ok(FaultRule {
            fault,
            remaining: spec.times,
            path_prefix: spec.path_prefix,
        })
    }
}

impl From<&FaultRule> for FaultSpec {
    fn from(rule: &FaultRule) -> Self {
        let mut spec = FaultSpec {
            fault: String::new(),
            ms: None,
            status: None,
            retry_after_secs: None,
            times: rule.remaining,
            path_prefix: rule.path_prefix.clone(),
        };
        spec.fault = match &rule.fault {
            Fault::Latency(d) => {
                spec.ms = Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                "latency"
            }
            Fault::Status(s) => {
                spec.status = Some(*s);
                "status"
            }
            Fault::DropConnection => "drop_connection",
            Fault::Hang => "hang",
            Fault::MalformedJson => "malformed_json",
            Fault::RejectToken => "reject_token",
            Fault::LostAnswer => "lost_answer",
            Fault::LostAnswerHang => "lost_answer_hang",
            Fault::LostAnswerStatus(s) => {
                spec.status = Some(*s);
                "lost_answer_status"
            }
            Fault::RateLimit { retry_after_secs } => {
                spec.retry_after_secs = Some(*retry_after_secs);
                "rate_limit"
            }
        }
        .to_string();
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_rule_disappears_after_its_uses() {
        let faults = Faults::new();
        faults.set_next(2, Fault::Status(503));
        assert_eq!(faults.take("/a"), Some(Fault::Status(503)));
        assert_eq!(faults.take("/a"), Some(Fault::Status(503)));
        assert_eq!(faults.take("/a"), None);
    }

    #[test]
    fn a_rule_with_a_prefix_leaves_other_paths_alone() {
        let faults = Faults::new();
        faults.add(FaultRule::always(Fault::Hang).on_path("/webservice/v1/cliente"));
        assert_eq!(faults.take("/webservice/v1/fn_areceber"), None);
        assert_eq!(
            faults.take("/webservice/v1/cliente_contrato"),
            Some(Fault::Hang)
        );
    }

    #[test]
    fn a_spec_round_trips_through_a_rule() {
        let spec: FaultSpec =
            serde_json::from_str(r#"{"fault":"rate_limit","retry_after_secs":7,"times":1}"#)
                .unwrap();
        let rule = FaultRule::try_from(spec.clone()).unwrap();
        assert_eq!(
            rule.fault,
            Fault::RateLimit {
                retry_after_secs: 7
            }
        );
        assert_eq!(FaultSpec::from(&rule), spec);
    }

    #[test]
    fn a_spec_without_its_parameter_is_refused() {
        let spec: FaultSpec = serde_json::from_str(r#"{"fault":"latency"}"#).unwrap();
        assert!(matches!(
            FaultRule::try_from(spec),
            Err(FaultSpecError::MissingField { .. })
        ));
    }
}
