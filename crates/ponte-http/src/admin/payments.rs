//! `/admin/v1/payments`: settlements for the operator, above all the failed ones waiting for
//! them, and the retry of one.

use axum::Json;
use axum::extract::State;
use ponte_core::model::{IntegrationId, PaymentQuery, PaymentState};
use ponte_core::service::{CallError, ErrorCode, PaymentView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{AdminAccess, PathParams, QueryParams};
use crate::payments::PaymentAnswer;
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_payments))
        .routes(routes!(retry_payment))
}

/// `?state=&integration=&limit=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentsQuery {
    /// Only settlements in this state (`failed` for those waiting on the operator).
    pub state: Option<String>,
    /// Only this integration's.
    pub integration: Option<String>,
    /// At most this many, oldest first: 100 by default, at most 500.
    pub limit: Option<u32>,
}

/// `?integration=`, needed only when several integrations used the transaction id.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetryQuery {
    /// The payment's integration.
    pub integration: Option<String>,
}

/// A settlement with its integration.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminPayment {
    /// The integration it belongs to.
    #[schema(example = "acme-ixc")]
    pub integration: String,
    /// The settlement as the platform sees it.
    #[serde(flatten)]
    pub payment: PaymentAnswer,
}

impl From<PaymentView> for AdminPayment {
    fn from(view: PaymentView) -> Self {
        AdminPayment {
            integration: view.integration.to_string(),
            payment: view.into(),
        }
    }
}

/// The settlements Ponte holds, oldest first; `?state=failed` lists those waiting for the
/// operator.
#[utoipa::path(
    get,
    path = "/admin/v1/payments",
    tag = "admin",
    security(("admin_token" = [])),
    params(PaymentsQuery),
    responses(
        (status = 200, description = "The settlements", body = Vec<AdminPayment>),
        (status = 400, description = "`invalid_parameter`: `limit` is not a number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: an unknown state or integration id", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_payments(
    State(state): State<AppState>,
    _admin: AdminAccess,
    QueryParams(query): QueryParams<PaymentsQuery>,
) -> Result<Json<Vec<AdminPayment>>, Problem> {
    let wanted = match query.state.as_deref() {
        None => None,
        Some(text) => Some(PaymentState::parse(text).ok_or_else(|| {
            CallError::new(
                ErrorCode::InvalidInput,
                format!(
                    "`state` is one of pending, verifying, settling, settled, failed; got `{text}`."
                ),
            )
        })?),
    };
    let query = PaymentQuery {
        integration: integration_id(query.integration.as_deref())?,
        state: wanted,
        transaction_id: None,
        limit: query.limit,
    };
    let views = state.ponte.list_payments(&query).await?;
    Ok(Json(views.into_iter().map(AdminPayment::from).collect()))
}

/// Retries a `failed` settlement: it becomes `pending` and a worker verifies the invoice again
/// from the start (an invoice this settlement already wrote off is not written off twice).
#[utoipa::path(
    post,
    path = "/admin/v1/payments/{transaction_id}/retry",
    tag = "admin",
    security(("admin_token" = [])),
    params(("transaction_id" = String, Path, description = "`transaction.id` of the payment"), RetryQuery),
    responses(
        (status = 200, description = "The settlement, pending again", body = AdminPayment),
        (status = 400, description = "`invalid_parameter`: several integrations used this transaction id; name one", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: the settlement is not `failed`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn retry_payment(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(transaction_id): PathParams<String>,
    QueryParams(query): QueryParams<RetryQuery>,
) -> Result<Json<AdminPayment>, Problem> {
    admin.require_admin()?;
    let integration = integration_id(query.integration.as_deref())?;
    let view = state
        .ponte
        .admin(admin.actor())
        .retry_payment(&transaction_id, integration.as_ref())
        .await?;
    Ok(Json(view.into()))
}

fn integration_id(text: Option<&str>) -> Result<Option<IntegrationId>, CallError> {
    text.map(|text| {
        IntegrationId::parse(text)
            .map_err(|err| CallError::new(ErrorCode::InvalidInput, err.to_string()))
    })
    .transpose()
}
