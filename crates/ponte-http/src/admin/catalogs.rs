//! `/admin/v1/integrations/{id}/cache` and `/admin/v1/integrations/{id}/associations/{kind}`:
//! the catalog cache and the associations of the platform's codes with the ERP's (SPEC §5.5).

use axum::Json;
use axum::extract::State;
use ponte_core::model::Association;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{AdminAccess, JsonBody, PathParams};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(clear_cache))
        .routes(routes!(get_associations, put_associations))
}

/// What clearing the cache did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CacheCleared {
    /// How many cached lists were dropped.
    pub cleared: usize,
}

/// One platform code associated with one ERP code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssociationItem {
    /// The platform's own code (a product id, a reseller code...).
    #[schema(example = "plano-300")]
    pub platform_code: String,
    /// The ERP's code, from the catalog list.
    #[schema(example = "12")]
    pub erp_code: String,
    /// A human name.
    #[serde(default)]
    #[schema(example = "Fibra 300 Mega")]
    pub label: String,
}

impl From<Association> for AssociationItem {
    fn from(a: Association) -> Self {
        AssociationItem {
            platform_code: a.platform_code,
            erp_code: a.erp_code,
            label: a.label,
        }
    }
}

/// Drops the integration's cached catalog lists (`list_products`, `list_resellers`,
/// `list_due_dates`, `list_commercial_origins`) in the process that answers; the next call of
/// each asks the ERP.
#[utoipa::path(
    delete,
    path = "/admin/v1/integrations/{id}/cache",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 200, description = "Cleared", body = CacheCleared),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn clear_cache(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<CacheCleared>, Problem> {
    admin.require_admin()?;
    let cleared = state.ponte.admin(admin.actor()).clear_cache(&id).await?;
    Ok(Json(CacheCleared { cleared }))
}

/// The integration's associations of one kind (`products`, `resellers`, `due_dates`,
/// `origins`), ordered by platform code.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/associations/{kind}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("kind" = String, Path, description = "`products`, `resellers`, `due_dates` or `origins`", example = "products"),
    ),
    responses(
        (status = 200, description = "The associations", body = Vec<AssociationItem>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such integration or kind", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_associations(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, kind)): PathParams<(String, String)>,
) -> Result<Json<Vec<AssociationItem>>, Problem> {
    let list = state
        .ponte
        .admin(admin.actor())
        .associations(&id, &kind)
        .await?;
    Ok(Json(list.into_iter().map(AssociationItem::from).collect()))
}

/// Replaces the integration's associations of one kind with the list sent (an empty list
/// removes them all). Automations read them as `settings.associations.<kind>`; with any of a
/// kind configured, an order naming a platform code of that kind without one is
/// `association_missing`.
#[utoipa::path(
    put,
    path = "/admin/v1/integrations/{id}/associations/{kind}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("kind" = String, Path, description = "`products`, `resellers`, `due_dates` or `origins`", example = "products"),
    ),
    request_body(content = Vec<AssociationItem>, content_type = "application/json"),
    responses(
        (status = 200, description = "The new set", body = Vec<AssociationItem>),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such integration or kind", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: not a list of `{platform_code, erp_code, label}`, an empty code, or a platform code twice", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn put_associations(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, kind)): PathParams<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<Vec<AssociationItem>>, Problem> {
    admin.require_admin()?;
    let items: Vec<AssociationItem> = serde_json::from_value(body).map_err(|err| {
        Problem::new(
            ponte_core::service::ErrorCode::InvalidInput,
            format!("Send a list of `{{platform_code, erp_code, label}}`: {err}."),
        )
    })?;
    let associations = items
        .into_iter()
        .map(|item| Association {
            platform_code: item.platform_code,
            erp_code: item.erp_code,
            label: item.label,
        })
        .collect();
    let list = state
        .ponte
        .admin(admin.actor())
        .set_associations(&id, &kind, associations)
        .await?;
    Ok(Json(list.into_iter().map(AssociationItem::from).collect()))
}
