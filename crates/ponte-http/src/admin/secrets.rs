//! `/admin/v1/integrations/{id}/secrets`: an integration's secrets, write-only. They are set
//! or rotated and deleted by name; a listing shows names, never values.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{AdminAccess, JsonBody, PathParams, body_as};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_secrets))
        .routes(routes!(set_secret, delete_secret))
}

/// An integration's secrets, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretList {
    /// Sorted; values are never shown.
    #[schema(example = json!(["ixc_token"]))]
    pub secrets: Vec<String>,
}

/// A secret's new value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretValue {
    /// The value; encrypted at rest, never shown again.
    #[schema(format = Password)]
    pub value: String,
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue([redacted])")
    }
}

/// What setting a secret did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretSet {
    /// The secret's name.
    pub name: String,
    /// `true` when it replaced a value (a rotation).
    pub rotated: bool,
}

/// The names of the integration's secrets.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/secrets",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 200, description = "The names", body = SecretList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_secrets(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<SecretList>, Problem> {
    let secrets = state
        .ponte
        .admin(admin.actor())
        .secret_names_of(&id)
        .await?;
    Ok(Json(SecretList { secrets }))
}

/// Sets or rotates a secret. The value is encrypted at rest and never shown, logged or
/// audited; automations read the new value from the next call.
#[utoipa::path(
    put,
    path = "/admin/v1/integrations/{id}/secrets/{name}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("name" = String, Path, description = "The secret's name", example = "ixc_token"),
    ),
    request_body(content = SecretValue, content_type = "application/json"),
    responses(
        (status = 200, description = "Set", body = SecretSet),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: a bad name or an empty value", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn set_secret(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, name)): PathParams<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<SecretSet>, Problem> {
    admin.require_admin()?;
    let body: SecretValue = body_as(body)?;
    let rotated = state
        .ponte
        .admin(admin.actor())
        .set_secret(&id, &name, &SecretString::from(body.value))
        .await?;
    Ok(Json(SecretSet { name, rotated }))
}

/// Deletes a secret.
#[utoipa::path(
    delete,
    path = "/admin/v1/integrations/{id}/secrets/{name}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("name" = String, Path, description = "The secret's name", example = "ixc_token"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn delete_secret(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, name)): PathParams<(String, String)>,
) -> Result<StatusCode, Problem> {
    admin.require_admin()?;
    state
        .ponte
        .admin(admin.actor())
        .delete_secret(&id, &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
