//! Payments (SPEC §5.3): a settlement of one boleto, stored before any ERP call and moved
//! through its states by the payment worker, with every change kept in its history.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::integration::IntegrationId;

/// Where a settlement stands. The wire spelling is part of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Stored, waiting for the worker (also after an ERP failure, until the next attempt).
    Pending,
    /// The worker is checking the invoice with the ERP.
    Verifying,
    /// The write-off is being sent; from here on it may have been applied.
    Settling,
    /// The ERP wrote the invoice off for this payment. Final.
    Settled,
    /// It needs an operator (`error` says why). Final until retried.
    Failed,
}

impl PaymentState {
    /// The wire and column spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentState::Pending => "pending",
            PaymentState::Verifying => "verifying",
            PaymentState::Settling => "settling",
            PaymentState::Settled => "settled",
            PaymentState::Failed => "failed",
        }
    }

    /// Reads the spelling back.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => PaymentState::Pending,
            "verifying" => PaymentState::Verifying,
            "settling" => PaymentState::Settling,
            "settled" => PaymentState::Settled,
            "failed" => PaymentState::Failed,
            _ => return None,
        })
    }

    /// Settled or failed: the worker takes it no more.
    pub const fn is_final(self) -> bool {
        matches!(self, PaymentState::Settled | PaymentState::Failed)
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a settlement failed: a stable code and a human detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentError {
    /// `boleto_not_found`, `boleto_of_another_customer`, `amount_mismatch`,
    /// `invoice_not_open` or an `erp_*` code.
    pub code: String,
    /// What happened, in words.
    pub detail: String,
}

/// One entry of a settlement's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentEvent {
    /// The state entered.
    pub state: PaymentState,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What the ERP answered on the way (`null` when nothing was asked).
    pub erp_answer: Value,
}

/// A settlement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// Internal id.
    pub id: Uuid,
    /// The integration whose API key sent it.
    pub integration: IntegrationId,
    /// `transaction.id`, the idempotency key within the integration.
    pub transaction_id: String,
    /// The validated request (`{transaction, boleto_id, customer_document_number}`), the
    /// input of `settle_boleto`.
    pub request: Value,
    /// [`request_sha256`] of `request`: a repeat with other data is a conflict.
    pub request_sha256: String,
    /// Where it stands.
    pub state: PaymentState,
    /// Times the worker took it.
    pub attempts: u32,
    /// The invoice's value due when the write-off was first sent; `Some` means a write-off
    /// may have reached the ERP.
    pub settling_value: Option<String>,
    /// Why it failed, when it did.
    pub error: Option<PaymentError>,
    /// Not taken before this moment.
    pub next_attempt_at: OffsetDateTime,
    /// Start of the current retry period (creation, or the operator's last retry).
    pub retry_since: OffsetDateTime,
    /// When it was stored.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

impl Payment {
    /// A new pending settlement of `request`, due now.
    pub fn new(
        integration: IntegrationId,
        transaction_id: String,
        request: Value,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            integration,
            request_sha256: request_sha256(&request),
            transaction_id,
            request,
            state: PaymentState::Pending,
            attempts: 0,
            settling_value: None,
            error: None,
            next_attempt_at: now,
            retry_since: now,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A change the worker makes to a settlement it holds, applied only while its lease is held.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentUpdate {
    /// The state entered (recorded in the history with `erp_answer`).
    pub state: PaymentState,
    /// What the ERP answered on the way.
    pub erp_answer: Value,
    /// Sets the value due at the first write-off (only when none is stored yet).
    pub settling_value: Option<String>,
    /// Sets (or clears, with `None`) the error.
    pub error: Option<PaymentError>,
    /// For a non-final state: when it may be taken again, releasing the lease. `None` keeps the
    /// lease (the worker goes on).
    pub retry_at: Option<OffsetDateTime>,
    /// Extends the lease to this moment.
    pub lease_until: Option<OffsetDateTime>,
}

/// Which settlements to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentQuery {
    /// Only this integration's.
    pub integration: Option<IntegrationId>,
    /// Only those in this state.
    pub state: Option<PaymentState>,
    /// Only those with this transaction id.
    pub transaction_id: Option<String>,
    /// At most this many, oldest first (default 100, at most 500).
    pub limit: Option<u32>,
}

/// The hash that tells a repeated request from a different one with the same transaction id:
/// SHA-256 of the JSON with object keys sorted, so key order does not matter.
pub fn request_sha256(request: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|key| (key.clone(), canonical(&map[key])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    hex::encode(Sha256::digest(canonical(request).to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_request_hash_ignores_key_order_but_not_values() {
        let a = json!({"a": 1, "b": {"c": "x", "d": [1, 2]}});
        let b = json!({"b": {"d": [1, 2], "c": "x"}, "a": 1});
        let c = json!({"a": 1, "b": {"c": "y", "d": [1, 2]}});
        assert_eq!(request_sha256(&a), request_sha256(&b));
        assert_ne!(request_sha256(&a), request_sha256(&c));
    }

    #[test]
    fn states_round_trip_their_spelling() {
        for state in [
            PaymentState::Pending,
            PaymentState::Verifying,
            PaymentState::Settling,
            PaymentState::Settled,
            PaymentState::Failed,
        ] {
            assert_eq!(PaymentState::parse(state.as_str()), Some(state));
        }
    }
}
