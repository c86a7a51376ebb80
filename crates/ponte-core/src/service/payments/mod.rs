//! Payments settled exactly once (SPEC §5.3).
//!
//! `POST /v1/payments` lands in [`Ponte::submit_payment`]: the request is validated as the input
//! of `settle_boleto` (only a malformed one is refused), stored with its hash, and handed to the
//! [`worker`], which alone talks to the ERP. The order of writes is what makes a crash at any
//! moment harmless:
//!
//! 1. the request is stored (`pending`) before any ERP call, so an answered request is never
//!    lost;
//! 2. a worker leases it (`claim_payments`; on PostgreSQL `FOR UPDATE SKIP LOCKED`), so two
//!    workers never hold it at once, and a dead worker's lease runs out;
//! 3. it checks the invoice with `get_invoice` and `list_invoices` (`verifying`);
//! 4. it records `settling`, with the invoice's value due, **before** calling `settle_boleto`;
//!    from then on the payment is known to possibly have been applied;
//! 5. the answer is recorded (`settled` or `failed`); an ERP that did not answer (down, timed
//!    out, lost answer) sends the payment back to `pending` for a later attempt, which starts
//!    again at 3: an invoice no longer open is then `settled` only if this payment had reached
//!    `settling` before, since it was this payment's write-off that closed it.
//!
//! The lease given at `settling` is longer than the longest `settle_boleto` call can take (twice
//! the integration's total function timeout, plus a second), so a write-off in flight always
//! ends before another worker may look at the payment again.

mod worker;

use std::sync::Arc;
use std::time::Duration;

use ponte_catalog::FunctionId;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;

use super::{CallError, Caller, ErrorCode, Ponte, internal};
use crate::model::{
    IntegrationId, Payment, PaymentError, PaymentEvent, PaymentQuery, PaymentState,
};
use crate::store::now_micros;

/// How the payment workers run (the `[payments]` section of the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentSettings {
    /// Workers per process.
    pub workers: u32,
    /// How often an idle worker looks for due payments (a new payment wakes one at once).
    pub poll_interval: Duration,
    /// The wait before the first retry after an ERP failure; doubled at each attempt.
    pub backoff_initial: Duration,
    /// The longest wait between two attempts.
    pub backoff_max: Duration,
    /// How long an ERP that does not answer is retried before the payment is `failed`.
    pub max_retry: Duration,
    /// How long a worker holds a payment it took (at least twice the integration's total
    /// function timeout plus a second is used, whatever this says).
    pub lease: Duration,
    /// How long `POST /v1/payments` waits for the final state before answering `202`.
    pub request_wait: Duration,
}

impl Default for PaymentSettings {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_interval: Duration::from_secs(1),
            backoff_initial: Duration::from_secs(5),
            backoff_max: Duration::from_secs(600),
            max_retry: Duration::from_secs(24 * 3_600),
            lease: Duration::from_secs(120),
            request_wait: Duration::from_secs(2),
        }
    }
}

/// What the workers share within a process.
#[derive(Debug, Default)]
pub(super) struct Payments {
    pub(super) settings: PaymentSettings,
    /// Woken when a payment is stored, so an idle worker need not wait for its next poll.
    pub(super) wake: Notify,
}

/// A settlement as the platform and the operator see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentView {
    /// The integration it belongs to (shown to the operator only).
    #[serde(skip)]
    pub integration: IntegrationId,
    /// `transaction.id`.
    pub transaction_id: String,
    /// Where it stands.
    pub state: PaymentState,
    /// Times a worker took it.
    pub attempts: u32,
    /// Why it failed, or `null`.
    pub error: Option<PaymentError>,
    /// Every state change with the ERP's answer, oldest first.
    pub history: Vec<PaymentEvent>,
}

/// What `POST /v1/payments` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The settlement, as it stands when the answer is sent.
    pub payment: PaymentView,
    /// This request stored it (`false`: a repeat of an earlier request).
    pub created: bool,
}

impl Ponte {
    /// The payment workers' settings.
    #[must_use]
    pub fn with_payment_settings(mut self, settings: PaymentSettings) -> Self {
        self.payments = Arc::new(Payments {
            settings,
            wake: Notify::new(),
        });
        self
    }

    /// Stores a payment (`{transaction, boleto_id, customer_document_number}`) for the
    /// caller's integration and waits a moment for its final state. Refused only when the
    /// request is malformed (`invalid_input`, `invalid_document`), the integration cannot
    /// settle (`integration_inactive`, `function_not_configured`), or the transaction id was
    /// used with other data (`transaction_conflict`).
    pub async fn submit_payment(
        &self,
        caller: &Caller,
        request: Value,
    ) -> Result<Submitted, CallError> {
        let served = &caller.0;
        let integration = &served.integration;
        let input = FunctionId::SettleBoleto
            .spec()
            .validate_input(&request)
            .map_err(CallError::from_input_errors)?
            .into_value();
        if !integration.active {
            return Err(CallError::new(
                ErrorCode::IntegrationInactive,
                format!("Integration `{}` is inactive.", integration.id),
            ));
        }
        served.automation(FunctionId::SettleBoleto, &self.compiled)?;
        let transaction_id = transaction_id(&input)?;
        let payment = Payment::new(integration.id.clone(), transaction_id, input, now_micros());
        let (stored, created) = self
            .store
            .insert_payment(&payment)
            .await
            .map_err(|err| internal("storing a payment", &err))?;
        if !created && stored.request_sha256 != payment.request_sha256 {
            return Err(CallError::new(
                ErrorCode::TransactionConflict,
                format!(
                    "Transaction `{}` was already submitted with different data; the first \
                     payment stands.",
                    stored.transaction_id
                ),
            ));
        }
        if created {
            self.payments.wake.notify_one();
        }
        let view = self.wait_for_final(stored).await?;
        Ok(Submitted {
            payment: view,
            created,
        })
    }

    /// Polls the payment until it is final or the request's wait is over.
    async fn wait_for_final(&self, stored: Payment) -> Result<PaymentView, CallError> {
        let deadline = tokio::time::Instant::now() + self.payments.settings.request_wait;
        let mut current = stored;
        while !current.state.is_final() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(25)).await;
            if let Some(read) = self
                .store
                .get_payment(&current.integration, &current.transaction_id)
                .await
                .map_err(|err| internal("reading a payment", &err))?
            {
                current = read;
            }
        }
        self.view(current).await
    }

    /// The caller's payment by transaction id; `not_found` when it has none.
    pub async fn payment(
        &self,
        caller: &Caller,
        transaction_id: &str,
    ) -> Result<PaymentView, CallError> {
        let found = self
            .store
            .get_payment(caller.integration(), transaction_id)
            .await
            .map_err(|err| internal("reading a payment", &err))?
            .ok_or_else(|| payment_not_found(transaction_id))?;
        self.view(found).await
    }

    /// Payments of every integration (or one), optionally in one state, oldest first: the
    /// operator's list (`?state=failed` for those waiting on them).
    pub async fn list_payments(&self, query: &PaymentQuery) -> Result<Vec<PaymentView>, CallError> {
        let found = self
            .store
            .list_payments(query)
            .await
            .map_err(|err| internal("listing payments", &err))?;
        let mut views = Vec::with_capacity(found.len());
        for payment in found {
            views.push(self.view(payment).await?);
        }
        Ok(views)
    }

    /// The operator's retry of a `failed` payment, named by transaction id (and integration,
    /// when several integrations used that id): it becomes `pending` and is verified again
    /// from the start, so an invoice it already settled is not written off twice.
    pub async fn retry_payment(
        &self,
        transaction_id: &str,
        integration: Option<&IntegrationId>,
    ) -> Result<PaymentView, CallError> {
        let found = self
            .store
            .list_payments(&PaymentQuery {
                integration: integration.cloned(),
                transaction_id: Some(transaction_id.to_owned()),
                ..PaymentQuery::default()
            })
            .await
            .map_err(|err| internal("reading a payment", &err))?;
        let payment = match found.as_slice() {
            [] => return Err(payment_not_found(transaction_id)),
            [one] => one.clone(),
            _ => {
                return Err(CallError::new(
                    ErrorCode::InvalidParameter,
                    "Several integrations have a payment with this transaction id; name one \
                     with `?integration=`.",
                ));
            }
        };
        if payment.state != PaymentState::Failed {
            return Err(CallError::new(
                ErrorCode::InvalidInput,
                format!(
                    "Payment `{transaction_id}` is {}; only a failed payment can be retried.",
                    payment.state
                ),
            ));
        }
        self.store
            .retry_payment(payment.id, now_micros())
            .await
            .map_err(|err| internal("retrying a payment", &err))?;
        self.payments.wake.notify_one();
        let read = self
            .store
            .get_payment(&payment.integration, transaction_id)
            .await
            .map_err(|err| internal("reading a payment", &err))?
            .ok_or_else(|| payment_not_found(transaction_id))?;
        self.view(read).await
    }

    async fn view(&self, payment: Payment) -> Result<PaymentView, CallError> {
        let history = self
            .store
            .payment_history(payment.id)
            .await
            .map_err(|err| internal("reading a payment's history", &err))?;
        Ok(PaymentView {
            integration: payment.integration,
            transaction_id: payment.transaction_id,
            state: payment.state,
            attempts: payment.attempts,
            error: payment.error,
            history,
        })
    }
}

fn payment_not_found(transaction_id: &str) -> CallError {
    CallError::new(
        ErrorCode::NotFound,
        format!("No payment has transaction id `{transaction_id}`."),
    )
}

/// The transaction's id as the text payments are keyed by: a string as sent, an integer in
/// decimal. Validation has already refused anything else; should one come through, it is
/// refused here too rather than stored under a key that is not its own.
fn transaction_id(input: &Value) -> Result<String, CallError> {
    match input.pointer("/transaction/id") {
        Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
        Some(Value::Number(number)) if number.is_i64() => Ok(number.to_string()),
        _ => Err(CallError::from_input_errors(ponte_catalog::InputErrors(
            vec![ponte_catalog::InputError {
                path: "/transaction/id".to_owned(),
                code: ponte_catalog::InputErrorCode::InvalidValue,
                expected: "a non-empty string or a 64-bit integer".to_owned(),
                got: "a number that is not a 64-bit integer".to_owned(),
            }],
        ))),
    }
}

impl crate::service::admin::Admin<'_> {
    /// The operator's retry of a `failed` payment ([`crate::service::Ponte::retry_payment`]),
    /// refused to a viewer and recorded in the audit log.
    pub async fn retry_payment(
        &self,
        transaction_id: &str,
        integration: Option<&crate::model::IntegrationId>,
    ) -> Result<PaymentView, CallError> {
        self.require_change()?;
        let view = self
            .ponte
            .retry_payment(transaction_id, integration)
            .await?;
        let target = format!("integration:{}/payment:{transaction_id}", view.integration);
        self.audit(
            "payment.retry",
            &target,
            Some(serde_json::json!({"state": "failed"})),
            Some(serde_json::json!({"state": "pending"})),
        )
        .await;
        Ok(view)
    }
}
