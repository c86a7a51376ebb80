//! `/admin/v1/audit`: the audit log, every change made through the admin API (and the console
//! and `ponte operators`), newest first. Entries never carry a secret value or a password hash.

use axum::Json;
use axum::extract::State;
use ponte_core::model::{AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{rfc3339, time_param};
use crate::extract::{AdminAccess, QueryParams};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Which entries to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this actor's changes (an operator's name, or `admin-token`).
    pub actor: Option<String>,
    /// Only changes to this target and what it contains (`integration:acme` also lists its
    /// secrets, keys and functions).
    pub target: Option<String>,
    /// Shorthand for `target=integration:<id>`.
    pub integration: Option<String>,
    /// Only changes at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Only changes before this time (RFC 3339).
    pub to: Option<String>,
    /// Page size: 50 by default, at most 500.
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub before: Option<i64>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditItem>,
    /// Pass as `before` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    /// Increasing with every change.
    pub id: i64,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who: an operator's name, `admin-token` or `command-line`.
    #[schema(example = "maria")]
    pub actor: String,
    /// What was done.
    #[schema(example = "secret.set")]
    pub action: String,
    /// To what.
    #[schema(example = "integration:acme/secret:ixc_token")]
    pub target: String,
    /// The record before the change, or `null`.
    #[schema(value_type = Object)]
    pub before: Option<Value>,
    /// The record after the change, or `null`.
    #[schema(value_type = Object)]
    pub after: Option<Value>,
}

impl From<AuditEntry> for AuditItem {
    fn from(entry: AuditEntry) -> Self {
        AuditItem {
            id: entry.id,
            at: rfc3339(entry.at),
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            before: entry.before,
            after: entry.after,
        }
    }
}

/// The audit log, newest first, filtered by actor, target or integration, and time.
#[utoipa::path(
    get,
    path = "/admin/v1/audit",
    tag = "admin",
    security(("admin_token" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "`invalid_parameter`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_audit(
    State(state): State<AppState>,
    admin: AdminAccess,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Json<AuditPage>, Problem> {
    let target = match (params.target, params.integration) {
        (Some(_), Some(id)) => {
            return Err(crate::extract::parameter_problem(
                "integration",
                ponte_catalog::InputErrorCode::InvalidValue,
                "no `integration` when `target` is given",
                &crate::extract::shorten(&id),
                "Pass `target` or `integration`, not both.".to_owned(),
            ));
        }
        (Some(target), None) => Some(target),
        (None, Some(id)) => Some(format!("integration:{id}")),
        (None, None) => None,
    };
    let query = AuditQuery {
        actor: params.actor,
        target,
        from: time_param("from", params.from.as_deref())?,
        to: time_param("to", params.to.as_deref())?,
        before_id: params.before,
        limit: params.limit.unwrap_or(0),
    };
    let entries = state.ponte.admin(admin.actor()).audit_log(&query).await?;
    let full = u32::try_from(entries.len()).is_ok_and(|n| n == query.page_size());
    let next = if full {
        entries.last().map(|entry| entry.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        entries: entries.into_iter().map(AuditItem::from).collect(),
        next,
    }))
}
