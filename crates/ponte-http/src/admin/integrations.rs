//! `/admin/v1/integrations`: integrations as configured (secret names, never values) and their
//! API keys (prefixes, never hashes; a plain key only in the answer that creates it).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ponte_core::model::{ApiKey, IssuedApiKey};
use ponte_core::service::admin::IntegrationView;
use ponte_core::service::configure::{IntegrationPatch, NewIntegration};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::extract::{AdminAccess, JsonBody, PathParams, body_as};
use crate::functions::AutomationInfo;
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_integrations, create_integration))
        .routes(routes!(
            get_integration,
            update_integration,
            delete_integration
        ))
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// Every integration.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationList {
    /// Ordered by id.
    pub integrations: Vec<IntegrationSummary>,
}

/// An integration in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationSummary {
    /// Stable identifier.
    #[schema(example = "acme-ixc")]
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// The preset it started from.
    #[schema(example = "ixc")]
    pub preset: Option<String>,
    /// An inactive integration serves nothing.
    pub active: bool,
    /// The bound functions, each with the automation serving it: `{"kind": "preset", "preset":
    /// "ixc"}`, `{"kind": "latest"}`, `{"kind": "version", "version": 3}` or `{"kind": "file",
    /// "path": "…", "sha256": "…"}`.
    #[schema(value_type = Object)]
    pub bindings: BTreeMap<String, Value>,
    /// What this process serves each bound function with, resolved: where the automation comes
    /// from and the hash of its source.
    pub serving: BTreeMap<String, AutomationInfo>,
    /// The names of its secrets; values are never shown.
    #[schema(example = json!(["ixc_token"]))]
    pub secrets: Vec<String>,
}

/// One integration, with its settings and variables.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationDetail {
    /// What the listing shows.
    #[serde(flatten)]
    pub summary: IntegrationSummary,
    /// The settings of SPEC §3.
    #[schema(value_type = Object)]
    pub settings: Value,
    /// Plain variables the automations read (`base_url`, ...).
    pub variables: BTreeMap<String, String>,
}

impl From<&IntegrationView> for IntegrationSummary {
    fn from(view: &IntegrationView) -> Self {
        let integration = &view.integration;
        IntegrationSummary {
            id: integration.id.to_string(),
            name: integration.name.clone(),
            preset: integration.preset.clone(),
            active: integration.active,
            bindings: integration
                .bindings
                .iter()
                .map(|(function, automation)| {
                    let automation = serde_json::to_value(automation).unwrap_or(Value::Null);
                    (function.clone(), automation)
                })
                .collect(),
            secrets: view.secret_names.clone(),
            serving: view
                .serving
                .iter()
                .map(|(function, serving)| {
                    (function.clone(), AutomationInfo::from(serving.clone()))
                })
                .collect(),
        }
    }
}

impl From<IntegrationView> for IntegrationDetail {
    fn from(view: IntegrationView) -> Self {
        let summary = IntegrationSummary::from(&view);
        let integration = view.integration;
        IntegrationDetail {
            summary,
            settings: serde_json::to_value(&integration.settings).unwrap_or(Value::Null),
            variables: integration.variables,
        }
    }
}

/// An integration's API keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    /// Oldest first, revoked ones included.
    pub api_keys: Vec<ApiKeyInfo>,
}

/// An API key, without the key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyInfo {
    /// Identifier, for revoking.
    pub id: String,
    /// The key's first characters, to recognise it.
    #[schema(example = "ponte_3f9a01bc")]
    pub prefix: String,
    /// When it was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// A revoked key never authenticates again.
    pub revoked: bool,
}

impl From<&ApiKey> for ApiKeyInfo {
    fn from(key: &ApiKey) -> Self {
        ApiKeyInfo {
            id: key.id.to_string(),
            prefix: key.prefix.clone(),
            created_at: rfc3339(key.created_at),
            revoked: key.revoked,
        }
    }
}

/// A key just created. `key` is shown here and never again: Ponte keeps only its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiKey {
    /// The key's record.
    #[serde(flatten)]
    pub info: ApiKeyInfo,
    /// The plain key, for `Authorization: Bearer` on `/v1/`.
    #[schema(example = "ponte_3f9a01bc…")]
    pub key: String,
}

impl From<IssuedApiKey> for NewApiKey {
    fn from(issued: IssuedApiKey) -> Self {
        NewApiKey {
            info: ApiKeyInfo::from(&issued.key),
            key: issued.plain.reveal(),
        }
    }
}

/// Every integration, with its bound functions and the names of its secrets.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations",
    tag = "admin",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The integrations", body = IntegrationList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_integrations(
    State(state): State<AppState>,
    admin: AdminAccess,
) -> Result<Json<IntegrationList>, Problem> {
    let views = state.ponte.admin(admin.actor()).list_integrations().await?;
    Ok(Json(IntegrationList {
        integrations: views.iter().map(IntegrationSummary::from).collect(),
    }))
}

/// One integration: bindings, secret names, settings and variables.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 200, description = "The integration", body = IntegrationDetail),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_integration(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<IntegrationDetail>, Problem> {
    let view = state.ponte.admin(admin.actor()).integration(&id).await?;
    Ok(Json(view.into()))
}

/// The integration's API keys, revoked ones included. Never the keys themselves.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/api-keys",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 200, description = "The keys", body = ApiKeyList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_api_keys(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<ApiKeyList>, Problem> {
    let keys = state.ponte.admin(admin.actor()).list_api_keys(&id).await?;
    Ok(Json(ApiKeyList {
        api_keys: keys.iter().map(ApiKeyInfo::from).collect(),
    }))
}

/// Creates an API key for the integration. The plain key is in this answer only.
#[utoipa::path(
    post,
    path = "/admin/v1/integrations/{id}/api-keys",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 201, description = "The new key, shown once", body = NewApiKey),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn create_api_key(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<(StatusCode, Json<NewApiKey>), Problem> {
    admin.require_admin()?;
    let issued = state.ponte.admin(admin.actor()).create_api_key(&id).await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

/// Revokes an API key of the integration; it stops authenticating at once.
#[utoipa::path(
    delete,
    path = "/admin/v1/integrations/{id}/api-keys/{key_id}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("key_id" = String, Path, description = "The key's `id`"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn revoke_api_key(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, key_id)): PathParams<(String, String)>,
) -> Result<StatusCode, Problem> {
    admin.require_admin()?;
    state
        .ponte
        .admin(admin.actor())
        .revoke_api_key(&id, &key_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new integration: empty, or from a preset, every function the preset serves bound to it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegration {
    /// Stable identifier: 1–64 lower-case letters, digits, `-` and `_`.
    #[schema(example = "acme-ixc")]
    pub id: String,
    /// Human-readable name.
    #[schema(example = "Acme Telecom")]
    pub name: String,
    /// A preset of `GET /admin/v1/presets`.
    #[schema(example = "ixc")]
    pub preset: Option<String>,
    /// Active unless `false`.
    pub active: Option<bool>,
    /// The settings of SPEC §3 (defaults for what is absent), read as strictly as the
    /// configuration file's.
    #[schema(value_type = Object)]
    pub settings: Option<Value>,
    /// Plain variables (`base_url`, ...).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Secrets by name; write-only, listed by name afterwards.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub secrets: BTreeMap<String, String>,
}

impl std::fmt::Debug for CreateIntegration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateIntegration")
            .field("id", &self.id)
            .field("preset", &self.preset)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A change to an integration; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIntegration {
    /// A new name.
    pub name: Option<String>,
    /// `false` deactivates (it serves nothing), `true` activates.
    pub active: Option<bool>,
    /// A JSON merge patch of the settings: the fields given replace the current ones, `null`
    /// restores a default. Checked as the configuration file's settings are.
    #[schema(value_type = Object)]
    pub settings: Option<Value>,
    /// Variables to set; `null` removes one.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub variables: BTreeMap<String, Option<String>>,
}

/// Creates an integration, empty or from a preset, with its variables and secrets. A bad body
/// is `invalid_input` naming each field, and nothing is created.
#[utoipa::path(
    post,
    path = "/admin/v1/integrations",
    tag = "admin",
    security(("admin_token" = [])),
    request_body(content = CreateIntegration, content_type = "application/json"),
    responses(
        (status = 201, description = "The integration", body = IntegrationDetail),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `errors` names each field (a bad or taken id, an unknown preset, settings that do not read, a bad secret name)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn create_integration(
    State(state): State<AppState>,
    admin: AdminAccess,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<IntegrationDetail>), Problem> {
    admin.require_admin()?;
    let body: CreateIntegration = body_as(body)?;
    let view = state
        .ponte
        .admin(admin.actor())
        .create_integration(NewIntegration {
            id: body.id,
            name: body.name,
            preset: body.preset,
            active: body.active,
            settings: body.settings,
            variables: body.variables,
            secrets: body
                .secrets
                .into_iter()
                .map(|(name, value)| (name, SecretString::from(value)))
                .collect(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Changes an integration's name, state (`active`), settings or variables. A bad body is
/// `invalid_input` naming the field, and nothing changes.
#[utoipa::path(
    patch,
    path = "/admin/v1/integrations/{id}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    request_body(content = UpdateIntegration, content_type = "application/json"),
    responses(
        (status = 200, description = "The integration as changed", body = IntegrationDetail),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `errors` names the field", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn update_integration(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<IntegrationDetail>, Problem> {
    admin.require_admin()?;
    let body: UpdateIntegration = body_as(body)?;
    let view = state
        .ponte
        .admin(admin.actor())
        .update_integration(
            &id,
            IntegrationPatch {
                name: body.name,
                active: body.active,
                settings: body.settings,
                variables: body.variables,
            },
        )
        .await?;
    Ok(Json(view.into()))
}

/// Deletes an integration and everything it owns: secrets, keys, automation versions and
/// execution records.
#[utoipa::path(
    delete,
    path = "/admin/v1/integrations/{id}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn delete_integration(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode, Problem> {
    admin.require_admin()?;
    state
        .ponte
        .admin(admin.actor())
        .delete_integration(&id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
