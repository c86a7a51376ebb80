//! The audit log: who changed what, when, with the record before and after (secrets are never
//! in it: the service leaves them out when it writes the entry).

use axum::extract::{Query, State};
use axum::response::Response;
use ponte_core::model::AuditQuery;
use serde::{Deserialize, Serialize};

use super::pages::{error, page};
use super::session::SignedIn;
use crate::AppState;
use crate::admin::rfc3339;

#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct Filters {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    target: String,
}

#[derive(Debug, Serialize)]
struct Row {
    at: String,
    actor: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
}

fn pretty(value: Option<serde_json::Value>) -> Option<String> {
    value.map(|value| serde_json::to_string_pretty(&value).unwrap_or_default())
}

/// `GET /console/audit`.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(filters): Query<Filters>,
) -> Response {
    let non_empty = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    let query = AuditQuery {
        actor: non_empty(&filters.actor),
        target: non_empty(&filters.target),
        limit: 200,
        ..AuditQuery::default()
    };
    match state.ponte.admin(&session.actor).audit_log(&query).await {
        Ok(entries) => {
            let rows: Vec<Row> = entries
                .into_iter()
                .map(|entry| Row {
                    at: rfc3339(entry.at),
                    actor: entry.actor,
                    action: entry.action,
                    target: entry.target,
                    before: pretty(entry.before),
                    after: pretty(entry.after),
                })
                .collect();
            page(
                "audit.html",
                &session,
                "audit",
                serde_json::json!({ "rows": rows, "filters": filters }),
            )
        }
        Err(err) => error(&session, &err),
    }
}
