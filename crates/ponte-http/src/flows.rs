//! The platform flows under `/v1/` (SPEC §5): placing an order and a customer's pendency.
//! Handlers translate; the flows live in `ponte_core::service`.

use axum::Json;
use axum::extract::State;
use ponte_core::service::{OrderPlaced, Pendency};
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
        .routes(routes!(place_order))
        .routes(routes!(customer_pendency))
}

/// The answer of `POST /v1/orders`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderAnswer {
    /// The platform's `order.id`.
    #[schema(example = "ord-1001")]
    pub order_id: String,
    /// The function that placed the order: `create_order`, `create_order_existing_customer` or
    /// `create_lead`.
    #[schema(example = "create_order")]
    pub path: String,
    /// Whether the ERP knows the buyer (`false` when `skip_customer_check` is on).
    pub customer_found: bool,
    /// That function's output (`null` for `create_lead`).
    pub output: Value,
}

impl From<OrderPlaced> for OrderAnswer {
    fn from(placed: OrderPlaced) -> Self {
        let path = serde_json::to_value(placed.path)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        OrderAnswer {
            order_id: placed.order_id,
            path,
            customer_found: placed.customer_found,
            output: placed.output,
        }
    }
}

/// The verdict on a customer's pendency messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendencyAnswer {
    /// At least one message matched one of the integration's `pendency_rules`.
    pub has_pendency: bool,
    /// Each message with each rule (by label) it matched.
    pub matches: Vec<PendencyMatchAnswer>,
    /// Every message the ERP answered.
    pub messages: Vec<String>,
}

/// One message that matched one rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendencyMatchAnswer {
    /// The message, as the ERP answered it.
    pub message: String,
    /// The rule's label.
    pub rule: String,
}

impl From<Pendency> for PendencyAnswer {
    fn from(pendency: Pendency) -> Self {
        PendencyAnswer {
            has_pendency: pendency.has_pendency,
            matches: pendency
                .matches
                .into_iter()
                .map(|found| PendencyMatchAnswer {
                    message: found.message,
                    rule: found.rule,
                })
                .collect(),
            messages: pendency.messages,
        }
    }
}

/// Places an order (SPEC §5.1). Body: `{order: ORDER, message, wda_user?: USER}`. Unless
/// `skip_customer_check`, `get_customer_info` tells whether the buyer is a customer; a new
/// buyer gets `create_order`; a customer gets `create_lead` with `lead_for_existing_customer`,
/// else `create_order` or `create_order_existing_customer` by `order_procedure` (its `wda_user`
/// built from `order.customer` when none is sent). Idempotent by `order.id`: a repeat answers
/// the first answer and calls nothing; the same id with other content is `order_conflict`.
#[utoipa::path(
    post,
    path = "/v1/orders",
    tag = "flows",
    security(("api_key" = [])),
    request_body(content = Object, content_type = "application/json",
        description = "`{order: ORDER, message, wda_user?: USER}`"),
    responses(
        (status = 200, description = "The order was placed (now or by an earlier request with the same content)", body = OrderAnswer),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found_in_erp`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`order_conflict`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`, `invalid_document`, `association_missing`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`erp_unavailable`, `erp_rejected`, `erp_invalid_response`, `erp_auth_failed`, `host_not_allowed`, `limit_exceeded`, `automation_error`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`, `erp_circuit_open`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`erp_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn place_order(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(request): JsonBody,
) -> Result<Json<OrderAnswer>, Problem> {
    let placed = state.ponte.place_order(&caller, request).await?;
    Ok(Json(placed.into()))
}

/// The customer's internal pendency (SPEC §5.4): the texts of
/// `get_internal_pendency_messages`, judged by the integration's `pendency_rules` (keywords or
/// regular expressions, case- and accent-insensitive, each with a label).
#[utoipa::path(
    get,
    path = "/v1/customers/{document}/pendency",
    tag = "flows",
    security(("api_key" = [])),
    params(("document" = String, Path, description = "The customer's CPF or CNPJ, formatted or bare", example = "52998224725")),
    responses(
        (status = 200, description = "The verdict", body = PendencyAnswer),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_document`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`, `pendency_rules_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`erp_unavailable`, `erp_rejected`, `erp_invalid_response`, `erp_auth_failed`, `automation_error`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`, `erp_circuit_open`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`erp_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn customer_pendency(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    PathParams(document): PathParams<String>,
) -> Result<Json<PendencyAnswer>, Problem> {
    let pendency = state.ponte.pendency(&caller, &document).await?;
    Ok(Json(pendency.into()))
}
