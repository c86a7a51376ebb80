//! Executions: a filterable list, and one run with its trace step by step.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use ponte_core::model::{ExecutionOutcome, ExecutionRecord};
use ponte_core::service::admin::ExecutionFilter;
use serde::{Deserialize, Serialize};

use super::pages::{error, page};
use super::session::SignedIn;
use crate::AppState;
use crate::admin::rfc3339;

/// The list's filters, as the form sends them (empty means any).
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct Filters {
    #[serde(default)]
    integration: String,
    #[serde(default)]
    function: String,
    /// `ok`, `error`, or empty.
    #[serde(default)]
    outcome: String,
    /// `only`, `exclude`, or empty.
    #[serde(default)]
    test: String,
    #[serde(default)]
    after: String,
}

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    integration: String,
    function: String,
    started_at: String,
    duration_ms: u64,
    ok: bool,
    code: String,
    erp_requests: u32,
    test_run: bool,
}

impl From<&ExecutionRecord> for Row {
    fn from(record: &ExecutionRecord) -> Self {
        let (ok, code) = match &record.outcome {
            ExecutionOutcome::Ok => (true, String::new()),
            ExecutionOutcome::Error { code } => (false, code.clone()),
        };
        Row {
            id: record.id.to_string(),
            integration: record.integration.to_string(),
            function: record.function.clone(),
            started_at: rfc3339(record.started_at),
            duration_ms: record.duration_ms,
            ok,
            code,
            erp_requests: record.erp_requests,
            test_run: record.test_run,
        }
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// `GET /console/executions`.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(filters): Query<Filters>,
) -> Response {
    let admin = state.ponte.admin(&session.actor);
    let filter = ExecutionFilter {
        integration: non_empty(&filters.integration),
        function: non_empty(&filters.function),
        limit: Some(100),
        after: non_empty(&filters.after),
        outcome: non_empty(&filters.outcome),
        test_run: match filters.test.as_str() {
            "only" => Some(true),
            "exclude" => Some(false),
            _ => None,
        },
        ..ExecutionFilter::default()
    };
    let page_of = match admin.list_executions(&filter).await {
        Ok(page) => page,
        Err(err) => return error(&session, &err),
    };
    let integrations = match admin.list_integrations().await {
        Ok(views) => views
            .into_iter()
            .map(|view| view.integration.id.to_string())
            .collect::<Vec<_>>(),
        Err(err) => return error(&session, &err),
    };
    let rows: Vec<Row> = page_of.records.iter().map(Row::from).collect();
    let functions: Vec<&str> = ponte_catalog::FunctionId::ALL
        .iter()
        .map(|function| function.as_str())
        .collect();
    page(
        "executions.html",
        &session,
        "executions",
        serde_json::json!({
            "rows": rows,
            "next": page_of.next,
            "filters": filters,
            "integrations": integrations,
            "functions": functions,
        }),
    )
}

/// `GET /console/executions/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match state.ponte.admin(&session.actor).execution(&id).await {
        Ok(record) => page(
            "execution.html",
            &session,
            "executions",
            serde_json::json!({
                "execution": Row::from(&record),
                "trace": record.trace,
            }),
        ),
        Err(err) => error(&session, &err),
    }
}
