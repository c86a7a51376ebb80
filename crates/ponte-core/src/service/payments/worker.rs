//! The payment worker: takes due payments under a lease and moves each one step by step,
//! recording every state before acting on it (see the module above for why that order).

use std::sync::Arc;
use std::time::Duration;

use ponte_br::Cents;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::super::snapshot::Served;
use super::super::{CallError, ErrorCode, Ponte, RunMode};
use crate::model::{Payment, PaymentError, PaymentState, PaymentUpdate};
use crate::store::now_micros;

/// Payment error codes that are not in the HTTP table: they only appear in a payment's
/// `error.code`.
pub(super) const BOLETO_NOT_FOUND: &str = "boleto_not_found";
pub(super) const BOLETO_OF_ANOTHER_CUSTOMER: &str = "boleto_of_another_customer";
pub(super) const AMOUNT_MISMATCH: &str = "amount_mismatch";
pub(super) const INVOICE_NOT_OPEN: &str = "invoice_not_open";

/// What became of one step.
enum Step {
    /// Go on with the next step.
    Next(Value),
    /// The payment reached a final state, was rescheduled, or the lease was lost: stop.
    Done,
}

impl Ponte {
    /// Runs `settings.workers` payment workers until the task is dropped. Each has its own
    /// lease owner name, so one process's workers do not mistake each other's leases.
    pub async fn run_payment_workers(self: Arc<Self>) {
        let workers = self.payments.settings.workers.max(1);
        let process = uuid::Uuid::now_v7();
        let mut tasks = Vec::new();
        for index in 0..workers {
            let owner = format!("{process}/{index}");
            tasks.push(tokio::spawn(self.clone().payment_worker(owner)));
        }
        for task in tasks {
            // A worker ends only when its task is aborted.
            let _ = task.await;
        }
    }

    /// One worker: claim one due payment at a time and settle it; idle, wait for a new
    /// payment or the poll interval.
    async fn payment_worker(self: Arc<Self>, owner: String) {
        let settings = self.payments.settings;
        loop {
            let now = now_micros();
            let claimed = self
                .store
                .claim_payments(&owner, now, now + settings.lease, 1)
                .await;
            match claimed {
                Ok(payments) if !payments.is_empty() => {
                    for payment in payments {
                        self.settle(&owner, payment).await;
                    }
                }
                Ok(_) => {
                    let _ =
                        tokio::time::timeout(settings.poll_interval, self.payments.wake.notified())
                            .await;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "claiming payments failed; trying again");
                    tokio::time::sleep(settings.poll_interval).await;
                }
            }
        }
    }

    /// Moves one leased payment as far as it goes now.
    async fn settle(&self, owner: &str, payment: Payment) {
        let Some(served) = self.served(&payment.integration).await.ok().flatten() else {
            // The integration was deleted (its payments go with it) or the configuration
            // cannot be read now: leave it for a later attempt.
            let _ = self
                .retry_later(owner, &payment, transient("configuration unavailable"))
                .await;
            return;
        };
        let lease = self.lease_for(&served);
        let settling = Settling {
            ponte: self,
            owner,
            served: &served,
            payment: &payment,
            lease,
        };
        if let Err(err) = settling.run().await {
            tracing::warn!(error = %err, "a payment step could not be stored; it is retried when its lease ends");
        }
    }

    /// The lease that covers the longest `settle_boleto` call of this integration.
    fn lease_for(&self, served: &Served) -> Duration {
        let function = Duration::from_millis(served.integration.settings.timeouts.function_ms);
        self.payments
            .settings
            .lease
            .max(function * 2 + Duration::from_secs(1))
    }

    /// Sends a payment back to `pending` after an ERP failure, or fails it when the retry
    /// period is over.
    async fn retry_later(
        &self,
        owner: &str,
        payment: &Payment,
        error: CallError,
    ) -> Result<bool, crate::store::StoreError> {
        let settings = self.payments.settings;
        let now = now_micros();
        let answer = json!({"error": {"code": error.code(), "detail": error.detail}});
        let elapsed = now - payment.retry_since;
        let update = if elapsed >= settings.max_retry {
            PaymentUpdate {
                state: PaymentState::Failed,
                erp_answer: answer,
                settling_value: None,
                error: Some(PaymentError {
                    code: error.code().to_owned(),
                    detail: format!(
                        "The ERP did not settle this payment within the retry period: {}",
                        error.detail
                    ),
                }),
                retry_at: None,
                lease_until: None,
            }
        } else {
            PaymentUpdate {
                state: PaymentState::Pending,
                erp_answer: answer,
                settling_value: None,
                error: None,
                retry_at: Some(now + backoff(&settings, payment.attempts)),
                lease_until: None,
            }
        };
        self.store
            .update_payment(payment.id, owner, &update, now)
            .await
    }
}

/// The wait before attempt `attempts + 1`: the initial backoff doubled per attempt, capped.
fn backoff(settings: &super::PaymentSettings, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    settings
        .backoff_initial
        .saturating_mul(1 << doublings)
        .min(settings.backoff_max)
}

/// An error that is worth retrying (the ERP, or Ponte's own store, did not answer).
fn transient(detail: &str) -> CallError {
    CallError::new(ErrorCode::ErpUnavailable, detail)
}

/// Whether an error means "no answer, try again later" rather than an answer.
fn is_transient(error: &CallError) -> bool {
    matches!(
        error.code,
        ErrorCode::ErpUnavailable
            | ErrorCode::ErpTimeout
            | ErrorCode::ErpCircuitOpen
            | ErrorCode::ErpInvalidResponse
            | ErrorCode::Internal
    )
}

/// One payment being moved by one worker.
struct Settling<'a> {
    ponte: &'a Ponte,
    owner: &'a str,
    served: &'a Served,
    payment: &'a Payment,
    lease: Duration,
}

impl Settling<'_> {
    async fn run(&self) -> Result<(), crate::store::StoreError> {
        let request = &self.payment.request;
        let boleto_id = text(request, "/boleto_id");
        let document = text(request, "/customer_document_number");
        // A write-off may have reached the ERP in an earlier attempt.
        let sent_before = self.payment.settling_value.clone();

        if !self
            .record(PaymentState::Verifying, Value::Null, None, None)
            .await?
        {
            return Ok(());
        }

        let invoice = match self.find_invoice(&boleto_id, &document).await? {
            Step::Next(invoice) => invoice,
            Step::Done => return Ok(()),
        };
        let open = match self.is_open(&boleto_id, &document).await? {
            Step::Next(open) => open.as_bool().unwrap_or(false),
            Step::Done => return Ok(()),
        };
        let value_due = text(&invoice, "/valor_final");
        if let Some(before) = &sent_before {
            // Our own earlier write-off closed it, or took its value down.
            let went_down = matches!(
                (Cents::parse(before), Cents::parse(&value_due)),
                (Ok(before), Ok(now)) if now.get() < before.get()
            );
            if !open || went_down {
                return self
                    .finish(
                        PaymentState::Settled,
                        json!({"invoice": invoice, "open": open,
                               "reason": "the write-off sent before went through"}),
                        None,
                    )
                    .await;
            }
        } else if !open {
            return self
                .finish(
                    PaymentState::Failed,
                    json!({"invoice": invoice, "open": false}),
                    Some(PaymentError {
                        code: INVOICE_NOT_OPEN.into(),
                        detail: format!(
                            "Boleto `{boleto_id}` is no longer open in the ERP (paid or \
                             cancelled elsewhere); the money received needs an operator."
                        ),
                    }),
                )
                .await;
        }
        if let Some(mismatch) = self.amount_mismatch(&invoice) {
            return self
                .finish(
                    PaymentState::Failed,
                    json!({"invoice": invoice}),
                    Some(mismatch),
                )
                .await;
        }

        // Recorded before the call: a crash from here on finds `settling_value` and checks
        // the invoice again instead of writing it off blindly.
        if !self
            .record(
                PaymentState::Settling,
                json!({"invoice": invoice}),
                Some(value_due),
                Some(now_micros() + self.lease),
            )
            .await?
        {
            return Ok(());
        }
        match self.call("settle_boleto", request.clone()).await {
            Ok(output) if output.get("success") == Some(&Value::Bool(true)) => {
                let answer = output.get("api_response").cloned().unwrap_or(Value::Null);
                self.finish(PaymentState::Settled, answer, None).await
            }
            Ok(output) => {
                let answer = output.get("api_response").cloned().unwrap_or(Value::Null);
                let words = erp_words(&answer);
                self.finish(
                    PaymentState::Failed,
                    answer,
                    Some(PaymentError {
                        code: ErrorCode::ErpRejected.code().into(),
                        detail: format!("The ERP refused the write-off: {words}"),
                    }),
                )
                .await
            }
            Err(error) if is_transient(&error) => self.again(error).await,
            Err(error) => {
                let answer = error_answer(&error);
                // The automation's own check found the invoice closed.
                if error.automation_code.as_deref() == Some("boleto_not_open") {
                    return if sent_before.is_some() {
                        self.finish(PaymentState::Settled, answer, None).await
                    } else {
                        self.finish(
                            PaymentState::Failed,
                            answer,
                            Some(PaymentError {
                                code: INVOICE_NOT_OPEN.into(),
                                detail: error.detail.clone(),
                            }),
                        )
                        .await
                    };
                }
                let code = if error.code == ErrorCode::NotFoundInErp {
                    BOLETO_NOT_FOUND.to_owned()
                } else {
                    error.code().to_owned()
                };
                self.finish(
                    PaymentState::Failed,
                    answer,
                    Some(PaymentError {
                        code,
                        detail: error.detail.clone(),
                    }),
                )
                .await
            }
        }
    }

    /// The invoice by `get_invoice`; a boleto the customer does not have is failed here,
    /// telling an unknown boleto from another customer's.
    async fn find_invoice(
        &self,
        boleto_id: &str,
        document: &str,
    ) -> Result<Step, crate::store::StoreError> {
        let input = json!({"customer_bill_id": boleto_id, "customer_document_number": document});
        let found = match self.call("get_invoice", input).await {
            Ok(found) => found,
            Err(error) => return self.failed_call(error).await,
        };
        let invoice = found
            .as_array()
            .and_then(|invoices| {
                invoices
                    .iter()
                    .find(|i| same_boleto(i, boleto_id))
                    .or_else(|| invoices.first())
            })
            .cloned();
        if let Some(invoice) = invoice {
            let owner = digits(&text(&invoice, "/document_number"));
            if owner.is_empty() || owner == digits(document) {
                return Ok(Step::Next(invoice));
            }
            return self
                .fail_with(
                    BOLETO_OF_ANOTHER_CUSTOMER,
                    boleto_id,
                    json!({"invoice": invoice}),
                )
                .await;
        }
        // `get_invoice` answers `[]` both for an unknown boleto and for one of another
        // customer; `get_boleto_pdf`, which takes no customer, tells them apart.
        match self
            .call("get_boleto_pdf", json!({"boleto_id": boleto_id}))
            .await
        {
            Ok(_) => {
                self.fail_with(BOLETO_OF_ANOTHER_CUSTOMER, boleto_id, found)
                    .await
            }
            Err(error) if is_transient(&error) => self.again(error).await,
            Err(_) => self.fail_with(BOLETO_NOT_FOUND, boleto_id, found).await,
        }
    }

    /// Whether `list_invoices` (the customer's open invoices) still has the boleto.
    async fn is_open(
        &self,
        boleto_id: &str,
        document: &str,
    ) -> Result<Step, crate::store::StoreError> {
        let input = json!({"customer_document_number": document});
        match self.call("list_invoices", input).await {
            Ok(listed) => Ok(Step::Next(Value::Bool(listed.as_array().is_some_and(
                |invoices| invoices.iter().any(|i| same_boleto(i, boleto_id)),
            )))),
            Err(error) => self.failed_call(error).await,
        }
    }

    /// The amount paid against `valor_final` and `valor_inicial`, within the integration's
    /// `payment.amount_tolerance`.
    fn amount_mismatch(&self, invoice: &Value) -> Option<PaymentError> {
        let paid = text(&self.payment.request, "/transaction/amount");
        let tolerance = self
            .served
            .integration
            .settings
            .payment
            .get("amount_tolerance")
            .map(|value| match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .and_then(|s| Cents::parse(&s).ok())
            .map_or(0, Cents::get);
        let paid_cents = Cents::parse(&paid).ok()?.get();
        let matches = ["/valor_final", "/valor_inicial"].iter().any(|field| {
            Cents::parse(&text(invoice, field))
                .is_ok_and(|due| due.get().abs_diff(paid_cents) <= tolerance)
        });
        (!matches).then(|| PaymentError {
            code: AMOUNT_MISMATCH.into(),
            detail: format!(
                "Paid {paid}; the invoice is due {} (originally {}).",
                text(invoice, "/valor_final"),
                text(invoice, "/valor_inicial")
            ),
        })
    }

    async fn call(&self, function: &str, input: Value) -> Result<Value, CallError> {
        let (_, ran) = self
            .ponte
            .call_for(self.served, function, input, RunMode::Call)
            .await?;
        ran.result
    }

    /// A failed check: retried when the ERP did not answer, else the payment fails with the
    /// error's code.
    async fn failed_call(&self, error: CallError) -> Result<Step, crate::store::StoreError> {
        if is_transient(&error) {
            return self.again(error).await;
        }
        let answer = error_answer(&error);
        self.finish::<()>(
            PaymentState::Failed,
            answer,
            Some(PaymentError {
                code: error.code().to_owned(),
                detail: error.detail,
            }),
        )
        .await?;
        Ok(Step::Done)
    }

    async fn fail_with(
        &self,
        code: &str,
        boleto_id: &str,
        answer: Value,
    ) -> Result<Step, crate::store::StoreError> {
        let detail = match code {
            BOLETO_OF_ANOTHER_CUSTOMER => {
                format!("Boleto `{boleto_id}` belongs to another customer.")
            }
            _ => format!("The ERP has no boleto `{boleto_id}`."),
        };
        self.finish::<()>(
            PaymentState::Failed,
            answer,
            Some(PaymentError {
                code: code.into(),
                detail,
            }),
        )
        .await?;
        Ok(Step::Done)
    }

    async fn again<T>(&self, error: CallError) -> Result<T, crate::store::StoreError>
    where
        T: From<Step>,
    {
        self.ponte
            .retry_later(self.owner, self.payment, error)
            .await?;
        Ok(T::from(Step::Done))
    }

    /// An ERP answer as the history keeps it: personal data masked and credentials removed by
    /// the integration's privacy rules, as a stored trace is.
    fn masked(&self, answer: &Value) -> Value {
        if answer.is_null() {
            return Value::Null;
        }
        ponte_automation::Redactor::new(self.served.env.privacy().clone()).value(answer)
    }

    async fn record(
        &self,
        state: PaymentState,
        erp_answer: Value,
        settling_value: Option<String>,
        lease_until: Option<OffsetDateTime>,
    ) -> Result<bool, crate::store::StoreError> {
        let update = PaymentUpdate {
            state,
            erp_answer: self.masked(&erp_answer),
            settling_value,
            error: None,
            retry_at: None,
            lease_until: lease_until.or_else(|| Some(now_micros() + self.lease)),
        };
        self.ponte
            .store
            .update_payment(self.payment.id, self.owner, &update, now_micros())
            .await
    }

    async fn finish<T>(
        &self,
        state: PaymentState,
        erp_answer: Value,
        error: Option<PaymentError>,
    ) -> Result<T, crate::store::StoreError>
    where
        T: From<Step>,
    {
        let update = PaymentUpdate {
            state,
            erp_answer: self.masked(&erp_answer),
            settling_value: None,
            error,
            retry_at: None,
            lease_until: None,
        };
        self.ponte
            .store
            .update_payment(self.payment.id, self.owner, &update, now_micros())
            .await?;
        Ok(T::from(Step::Done))
    }
}

impl From<Step> for () {
    fn from(_: Step) -> Self {}
}

/// The string at `pointer`, or `""`.
fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn digits(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether an INVOICE is the boleto named `boleto_id` (`remote_id`, or else `fatura`).
fn same_boleto(invoice: &Value, boleto_id: &str) -> bool {
    text(invoice, "/remote_id") == boleto_id || text(invoice, "/fatura") == boleto_id
}

/// An error as the history keeps it.
fn error_answer(error: &CallError) -> Value {
    json!({"error": {"code": error.code(), "automation_code": error.automation_code,
                     "detail": error.detail}})
}

/// The ERP's message in an `api_response`, for a refusal's detail.
fn erp_words(answer: &Value) -> String {
    ["/message", "/mensagem", "/msg"]
        .iter()
        .find_map(|p| answer.pointer(p).and_then(Value::as_str))
        .map_or_else(|| answer.to_string(), str::to_owned)
        .chars()
        .take(300)
        .collect()
}
