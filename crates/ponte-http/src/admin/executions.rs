//! `/admin/v1/executions`: the record of every run with its redacted trace, and
//! `/admin/v1/integrations/{id}/test-runs/{function}`: an operator's run of one function.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ponte_core::model::{ExecutionOutcome, ExecutionRecord};
use ponte_core::service::admin::{ExecutionFilter, TestRun};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::extract::{AdminAccess, JsonBody, PathParams, QueryParams};
use crate::{AppState, EXECUTION_ID_HEADER, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_executions))
        .routes(routes!(get_execution))
        .routes(routes!(test_run))
}

/// `?integration=&function=&outcome=&from=&to=&test_run=&limit=&after=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExecutionsQuery {
    /// Only this integration's runs.
    pub integration: Option<String>,
    /// Only this function's runs.
    pub function: Option<String>,
    /// Page size: 50 by default, at most 500.
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// Only runs that ended so: `ok`, `error` (any failure) or one error code.
    pub outcome: Option<String>,
    /// Only runs that started at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Only runs that started before this time (RFC 3339).
    pub to: Option<String>,
    /// `true`: test runs only; `false`: the platform's calls only; absent: both.
    pub test_run: Option<bool>,
}

/// A page of executions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionPage {
    /// The runs.
    pub executions: Vec<ExecutionSummary>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// One run, without its trace.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionSummary {
    /// The run, as sent in `Ponte-Execution-Id`.
    pub id: String,
    /// The integration.
    #[schema(example = "acme-ixc")]
    pub integration: String,
    /// The catalog function.
    #[schema(example = "list_invoices")]
    pub function: String,
    /// When it started (RFC 3339).
    #[schema(format = DateTime)]
    pub started_at: String,
    /// How long it took.
    pub duration_ms: u64,
    /// `ok`, or the error code it answered.
    #[schema(example = "erp_timeout")]
    pub outcome: String,
    /// How many requests it sent to the ERP.
    pub erp_requests: u32,
    /// The status of each of those requests, in order; `0` for one the ERP never answered.
    #[schema(example = json!([200, 200]))]
    pub erp_statuses: Vec<u16>,
    /// Whether an operator started it through a test run.
    pub test_run: bool,
}

/// One run with its trace.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionDetail {
    /// What the listing shows.
    #[serde(flatten)]
    pub summary: ExecutionSummary,
    /// Every step, request and response of the run, redacted; `null` when the recording
    /// policy did not keep it (successful calls keep only their summary unless
    /// `executions.traces` says otherwise; failures and test runs always keep it).
    #[schema(value_type = Option<Object>)]
    pub trace: Option<Value>,
}

impl From<&ExecutionRecord> for ExecutionSummary {
    fn from(record: &ExecutionRecord) -> Self {
        ExecutionSummary {
            id: record.id.to_string(),
            integration: record.integration.to_string(),
            function: record.function.clone(),
            started_at: rfc3339(record.started_at),
            duration_ms: record.duration_ms,
            outcome: match &record.outcome {
                ExecutionOutcome::Ok => "ok".to_owned(),
                ExecutionOutcome::Error { code } => code.clone(),
            },
            erp_requests: record.erp_requests,
            erp_statuses: record.erp_statuses.clone(),
            test_run: record.test_run,
        }
    }
}

impl From<ExecutionRecord> for ExecutionDetail {
    fn from(record: ExecutionRecord) -> Self {
        ExecutionDetail {
            summary: ExecutionSummary::from(&record),
            trace: record.trace,
        }
    }
}

/// What a test run answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestRunAnswer {
    /// The run, recorded with `test_run: true`.
    pub execution_id: String,
    /// The function answered.
    pub ok: bool,
    /// What a call would have answered; `null` when it failed or the function has no output.
    pub output: Option<Value>,
    /// The problem a call would have answered, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// Every step, request and response of the run, redacted.
    #[schema(value_type = Object)]
    pub trace: Value,
}

impl From<TestRun> for TestRunAnswer {
    fn from(run: TestRun) -> Self {
        TestRunAnswer {
            execution_id: run.execution_id.to_string(),
            ok: run.ok(),
            output: run.output,
            error: run.error.map(Problem::from),
            trace: run.trace,
        }
    }
}

/// A page of execution records, newest first, test runs included. Runs answered a moment ago
/// are listed.
#[utoipa::path(
    get,
    path = "/admin/v1/executions",
    tag = "admin",
    security(("admin_token" = [])),
    params(ExecutionsQuery),
    responses(
        (status = 200, description = "A page of runs", body = ExecutionPage),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such integration or function", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `after` is not a cursor this listing gave", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_executions(
    State(state): State<AppState>,
    admin: AdminAccess,
    QueryParams(query): QueryParams<ExecutionsQuery>,
) -> Result<Json<ExecutionPage>, Problem> {
    let filter = ExecutionFilter {
        integration: query.integration,
        function: query.function,
        limit: query.limit,
        after: query.after,
        outcome: query.outcome,
        from: super::time_param("from", query.from.as_deref())?,
        to: super::time_param("to", query.to.as_deref())?,
        test_run: query.test_run,
    };
    let list = state
        .ponte
        .admin(admin.actor())
        .list_executions(&filter)
        .await?;
    Ok(Json(ExecutionPage {
        executions: list.records.iter().map(ExecutionSummary::from).collect(),
        next: list.next,
    }))
}

/// One execution record with its redacted trace.
#[utoipa::path(
    get,
    path = "/admin/v1/executions/{id}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The run (`Ponte-Execution-Id`)")),
    responses(
        (status = 200, description = "The run", body = ExecutionDetail),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_execution(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<ExecutionDetail>, Problem> {
    let record = state.ponte.admin(admin.actor()).execution(&id).await?;
    Ok(Json(record.into()))
}

/// Runs one function for the integration exactly as a call would (same validation, automation
/// and redaction), past the circuit breaker, and answers the outcome with the whole redacted
/// trace. The run is recorded with `test_run: true`. A run that failed is still `200`, with
/// `ok: false` and the problem a call would have answered; a problem answer means nothing ran.
#[utoipa::path(
    post,
    path = "/admin/v1/integrations/{id}/test-runs/{function}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "The function", example = "list_invoices"),
    ),
    request_body(content = Object, content_type = "application/json",
        description = "The function's inputs (see its `input_schema`)"),
    responses(
        (status = 200, description = "The run: its output or its problem, and its trace", body = TestRunAnswer,
            headers(("Ponte-Execution-Id" = String, description = "The run"))),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`, `unknown_function`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`, `invalid_document`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`erp_timeout`: no slot of the integration freed up in time", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn test_run(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
    JsonBody(input): JsonBody,
) -> Result<Response, Problem> {
    admin.require_admin()?;
    tracing::Span::current().record("function", function.as_str());
    let run = state
        .ponte
        .admin(admin.actor())
        .test_run(&id, &function, input)
        .await?;
    let header = [(EXECUTION_ID_HEADER, run.execution_id.to_string())];
    Ok((header, Json(TestRunAnswer::from(run))).into_response())
}
