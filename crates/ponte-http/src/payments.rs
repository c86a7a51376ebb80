//! `/v1/payments`: settling a paid boleto exactly once (SPEC §5.3), and reading where a
//! settlement stands.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ponte_core::service::PaymentView;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Authenticated, JsonBody, PathParams};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit_payment))
        .routes(routes!(get_payment))
}

/// A settlement and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentAnswer {
    /// `transaction.id` of the request.
    #[schema(example = "tx-7f3a")]
    pub transaction_id: String,
    /// `pending`, `verifying`, `settling`, `settled` (final) or `failed` (final until an
    /// operator retries it).
    #[schema(example = "settled")]
    pub state: String,
    /// Times a worker took it.
    pub attempts: u32,
    /// Why it failed (`boleto_not_found`, `boleto_of_another_customer`, `amount_mismatch`,
    /// `invoice_not_open`, `erp_*`), or `null`.
    pub error: Option<PaymentErrorAnswer>,
    /// Every state change, oldest first, with what the ERP answered.
    pub history: Vec<PaymentEventAnswer>,
}

/// Why a settlement failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentErrorAnswer {
    /// A stable code (see docs/payments.md).
    #[schema(example = "amount_mismatch")]
    pub code: String,
    /// What happened, in words.
    pub detail: String,
}

/// One state change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentEventAnswer {
    /// The state entered.
    pub state: String,
    /// When (RFC 3339).
    pub at: String,
    /// What the ERP answered on the way, or `null`.
    pub erp_answer: Value,
}

impl From<PaymentView> for PaymentAnswer {
    fn from(view: PaymentView) -> Self {
        PaymentAnswer {
            transaction_id: view.transaction_id,
            state: view.state.as_str().to_owned(),
            attempts: view.attempts,
            error: view.error.map(|error| PaymentErrorAnswer {
                code: error.code,
                detail: error.detail,
            }),
            history: view
                .history
                .into_iter()
                .map(|event| PaymentEventAnswer {
                    state: event.state.as_str().to_owned(),
                    at: crate::admin::rfc3339(event.at),
                    erp_answer: event.erp_answer,
                })
                .collect(),
        }
    }
}

/// Settles a paid boleto: `{transaction: TRANSACTION, boleto_id, customer_document_number}`.
/// The request is stored before anything else and settled by a worker, exactly once: a repeat
/// with the same `transaction.id` and data answers the same settlement and writes nothing off
/// again. The answer is `200` when the settlement ended within a short wait (`settled` or
/// `failed`), else `202`; `GET /v1/payments/{transaction_id}` follows it. Everything about the
/// invoice (unknown, another customer's, amount, no longer open, ERP down) shows in `state`
/// and `error`, never as a refusal of the request.
#[utoipa::path(
    post,
    path = "/v1/payments",
    tag = "payments",
    security(("api_key" = [])),
    request_body(content = Object, content_type = "application/json",
        description = "`{transaction, boleto_id, customer_document_number}`, the inputs of `settle_boleto`"),
    responses(
        (status = 200, description = "The settlement ended (`settled` or `failed`)", body = PaymentAnswer),
        (status = 202, description = "Stored; the worker goes on (`pending`, `verifying`, `settling`)", body = PaymentAnswer),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`transaction_conflict`: this `transaction.id` was used with other data", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`, `invalid_document`: the request is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`: the integration cannot settle boletos", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn submit_payment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(request): JsonBody,
) -> Result<Response, Problem> {
    let submitted = state.ponte.submit_payment(&caller, request).await?;
    let status = if submitted.payment.state.is_final() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(PaymentAnswer::from(submitted.payment))).into_response())
}

/// Where one of the caller's settlements stands, with its history.
#[utoipa::path(
    get,
    path = "/v1/payments/{transaction_id}",
    tag = "payments",
    security(("api_key" = [])),
    params(("transaction_id" = String, Path, description = "`transaction.id` of the payment")),
    responses(
        (status = 200, description = "The settlement", body = PaymentAnswer),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: the integration has no payment with this transaction id", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_payment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    PathParams(transaction_id): PathParams<String>,
) -> Result<Json<PaymentAnswer>, Problem> {
    let view = state.ponte.payment(&caller, &transaction_id).await?;
    Ok(Json(view.into()))
}
