//! `/v1/functions`: the catalog as the caller's integration sees it, and calling one function.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ponte_core::service::{AutomationSource, FunctionListing, ServingAutomation};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Authenticated, JsonBody, PathParams};
use crate::{AppState, EXECUTION_ID_HEADER, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_functions))
        .routes(routes!(call_function))
}

/// The catalog for one integration.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionList {
    /// The caller's integration.
    pub integration: String,
    /// Whether the integration is active; an inactive one serves nothing.
    pub active: bool,
    /// Every function of the catalog.
    pub functions: Vec<FunctionInfo>,
}

/// One catalog function.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionInfo {
    /// Stable identifier, the `{id}` of `POST /v1/functions/{id}`.
    #[schema(example = "list_invoices")]
    pub id: &'static str,
    /// Portuguese name.
    #[schema(example = "Listar faturas")]
    pub title: &'static str,
    /// When the platform calls it.
    pub summary: &'static str,
    /// `json` (HTTP 200 with the output) or `none` (HTTP 204).
    #[schema(example = "json")]
    pub output_kind: &'static str,
    /// The names of its inputs.
    pub inputs: Vec<&'static str>,
    /// JSON Schema (2020-12) of the inputs.
    #[schema(value_type = Object)]
    pub input_schema: Value,
    /// JSON Schema (2020-12) of the output.
    #[schema(value_type = Object)]
    pub output_schema: Value,
    /// Whether the caller's integration has an automation for it.
    pub served: bool,
    /// The automation bound to it, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation: Option<AutomationInfo>,
}

/// Which automation serves a function: a preset's, an automation file named in the
/// configuration file, or a version stored through the admin API.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutomationInfo {
    /// `preset`, `file` or `stored`.
    #[schema(example = "file")]
    pub source: &'static str,
    /// The preset's name, for `preset`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "ixc")]
    pub preset: Option<String>,
    /// The file's path, for `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "automations/list_invoices.yaml")]
    pub path: Option<String>,
    /// The stored version, for `stored`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Lower-case hex SHA-256 of the source being served: it changes with every edit.
    pub sha256: String,
}

impl From<ServingAutomation> for AutomationInfo {
    fn from(serving: ServingAutomation) -> Self {
        let mut info = AutomationInfo {
            source: "preset",
            preset: None,
            path: None,
            version: None,
            sha256: serving.sha256,
        };
        match serving.source {
            AutomationSource::Preset { preset } => info.preset = Some(preset),
            AutomationSource::File { path } => {
                info.source = "file";
                info.path = Some(path);
            }
            AutomationSource::Stored { version } => {
                info.source = "stored";
                info.version = Some(version);
            }
        }
        info
    }
}

impl From<FunctionListing> for FunctionList {
    fn from(listing: FunctionListing) -> Self {
        let functions = listing
            .functions
            .into_iter()
            .map(|listed| FunctionInfo {
                id: listed.spec.id.as_str(),
                title: listed.spec.title,
                summary: listed.spec.summary,
                output_kind: match listed.spec.output_kind {
                    ponte_catalog::OutputKind::Json => "json",
                    ponte_catalog::OutputKind::None => "none",
                },
                inputs: listed.spec.input_fields().to_vec(),
                input_schema: listed.spec.input_schema().clone(),
                output_schema: listed.spec.output_schema().clone(),
                served: listed.served,
                automation: listed.automation.map(AutomationInfo::from),
            })
            .collect();
        FunctionList {
            integration: listing.integration.to_string(),
            active: listing.active,
            functions,
        }
    }
}

/// The catalog, with each function's schemas and whether the caller's integration serves it.
#[utoipa::path(
    get,
    path = "/v1/functions",
    tag = "functions",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The catalog", body = FunctionList),
        (status = 401, description = "`unauthorized`", body = Problem,
            content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem,
            content_type = "application/problem+json"),
    )
)]
async fn list_functions(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<FunctionList>, Problem> {
    let listing = state.ponte.list_functions_as(&caller).await?;
    Ok(Json(listing.into()))
}

/// Calls one function of the caller's integration. The body holds the inputs; the answer is
/// exactly the function's output (`204` for functions without one): an object, a list (the
/// `list_` functions, `get_invoice`) or `null` (`get_customer_info` of an unknown customer).
/// The run is named by the `Ponte-Execution-Id` header, on errors too whenever an automation
/// ran. The API key is checked before the body is read.
#[utoipa::path(
    post,
    path = "/v1/functions/{id}",
    tag = "functions",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The function's identifier", example = "list_invoices")),
    request_body(content = Object, content_type = "application/json",
        description = "The function's inputs (see its `input_schema`)"),
    responses(
        (status = 200, description = "The function's output", body = Object,
            headers(("Ponte-Execution-Id" = String, description = "The run"))),
        (status = 204, description = "Done; the function has no output",
            headers(("Ponte-Execution-Id" = String, description = "The run"))),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_function`; `not_found_in_erp`: the ERP has no record the inputs name (`automation_code` says which)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`, `invalid_document`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`erp_unavailable`, `erp_rejected`, `erp_invalid_response`, `erp_auth_failed`, `host_not_allowed`, `limit_exceeded`, `automation_error`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`, `erp_circuit_open` (with `Retry-After`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the ERP is tried again (`erp_circuit_open`)"))),
        (status = 504, description = "`erp_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn call_function(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(input): JsonBody,
) -> Result<Response, Problem> {
    tracing::Span::current().record("function", id.as_str());
    let outcome = state.ponte.call_function_as(&caller, &id, input).await?;
    let header = [(EXECUTION_ID_HEADER, outcome.execution_id.to_string())];
    Ok(match outcome.output {
        Some(output) => (header, Json(output)).into_response(),
        None => (StatusCode::NO_CONTENT, header).into_response(),
    })
}
