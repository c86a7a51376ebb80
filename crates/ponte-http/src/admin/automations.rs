//! `/admin/v1/integrations/{id}/functions`: each catalog function of an integration with its
//! binding, the stored versions of its automation, publishing a new version (refused with
//! `ponte check`'s diagnostics when it has problems), binding, rollback, and the preset's
//! automation as a starting point. A function bound by the configuration file is
//! `managed_by_file`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use ponte_core::model::AutomationVersion;
use ponte_core::service::versions::{BindingChoice, Diagnostic, FunctionState, PublishError};
use ponte_core::service::{CallError, ErrorCode};
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
        .routes(routes!(list_functions))
        .routes(routes!(list_versions, publish_version))
        .routes(routes!(get_version))
        .routes(routes!(set_binding))
        .routes(routes!(rollback))
        .routes(routes!(preset_source))
}

/// The catalog's functions for one integration.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionList {
    /// In the catalog's order.
    pub functions: Vec<FunctionItem>,
}

/// One function of an integration.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionItem {
    /// The function's id.
    #[schema(example = "list_invoices")]
    pub function: String,
    /// Its Portuguese title.
    pub title: String,
    /// The binding: `{"kind": "preset", "preset"}`, `{"kind": "latest"}`, `{"kind":
    /// "version", "version"}`, `{"kind": "file", ...}`, or `null` when unbound.
    #[schema(value_type = Object)]
    pub binding: Value,
    /// What this process serves it with, or `null`.
    pub serving: Option<AutomationInfo>,
    /// Bound by the configuration file: the admin API does not change it.
    pub managed_by_file: bool,
    /// How many versions are stored.
    pub versions: usize,
}

impl From<FunctionState> for FunctionItem {
    fn from(state: FunctionState) -> Self {
        FunctionItem {
            function: state.spec.id.as_str().to_owned(),
            title: state.spec.title.to_owned(),
            binding: serde_json::to_value(&state.binding).unwrap_or(Value::Null),
            serving: state.serving.map(AutomationInfo::from),
            managed_by_file: state.managed_by_file,
            versions: state.versions,
        }
    }
}

/// A stored version, without its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    /// From 1 upwards.
    pub version: u32,
    /// SHA-256 of the source.
    pub sha256: String,
    /// When it was stored (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&AutomationVersion> for VersionInfo {
    fn from(version: &AutomationVersion) -> Self {
        VersionInfo {
            version: version.version,
            sha256: version.sha256.clone(),
            created_at: rfc3339(version.created_at),
        }
    }
}

/// A function's versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionList {
    /// Oldest first.
    pub versions: Vec<VersionInfo>,
    /// The binding now.
    #[schema(value_type = Object)]
    pub binding: Value,
}

/// A version with its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDetail {
    /// The version.
    #[serde(flatten)]
    pub info: VersionInfo,
    /// The YAML source.
    pub source: String,
}

/// A new version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// The automation's YAML source.
    pub source: String,
    /// Bind the function to it at once (the default), or only store it.
    #[serde(default = "yes")]
    pub publish: bool,
}

fn yes() -> bool {
    true
}

/// A version just stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedVersion {
    /// The version.
    #[serde(flatten)]
    pub info: VersionInfo,
    /// The function's binding now.
    #[schema(value_type = Object)]
    pub binding: Value,
}

/// What to bind a function to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingBody {
    /// A version number, `"latest"` (the newest stored version, whichever it is) or
    /// `"preset"` (the integration's preset).
    #[schema(value_type = Object, example = json!(3))]
    pub binding: Value,
}

/// The binding after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingInfo {
    /// The binding.
    #[schema(value_type = Object)]
    pub binding: Value,
}

/// The preset's automation for a function.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetSource {
    /// The preset's name.
    pub preset: String,
    /// Its YAML source: a starting point for a version of one's own.
    pub source: String,
}

/// A version refused for its problems: `automation_invalid` with `diagnostics`.
#[derive(Debug)]
struct Refused(Vec<Diagnostic>);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let count = self.0.len();
        let problem = Problem::from(CallError::new(
            ErrorCode::AutomationInvalid,
            format!("`ponte check` finds {count} problem(s) in this version; see `diagnostics`."),
        ));
        let mut body = serde_json::to_value(&problem).unwrap_or(Value::Null);
        body["diagnostics"] = serde_json::to_value(&self.0).unwrap_or(Value::Null);
        let mut response = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// The 21 functions of the integration, each with its binding, what serves it and whether the
/// configuration file manages it.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/functions",
    tag = "admin",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The integration", example = "acme-ixc")),
    responses(
        (status = 200, description = "The functions", body = FunctionList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_functions(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(id): PathParams<String>,
) -> Result<Json<FunctionList>, Problem> {
    let states = state.ponte.admin(admin.actor()).functions(&id).await?;
    Ok(Json(FunctionList {
        functions: states.into_iter().map(FunctionItem::from).collect(),
    }))
}

/// The stored versions of the function's automation, oldest first, and its binding.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/functions/{function}/versions",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
    ),
    responses(
        (status = 200, description = "The versions", body = VersionList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_versions(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
) -> Result<Json<VersionList>, Problem> {
    let admin = state.ponte.admin(admin.actor());
    let versions = admin.versions(&id, &function).await?;
    let view = admin.integration(&id).await?;
    Ok(Json(VersionList {
        versions: versions.iter().map(VersionInfo::from).collect(),
        binding: serde_json::to_value(view.integration.bindings.get(&function))
            .unwrap_or(Value::Null),
    }))
}

/// One stored version with its source.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/functions/{function}/versions/{version}",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
        ("version" = u32, Path, description = "The version", example = 2),
    ),
    responses(
        (status = 200, description = "The version", body = VersionDetail),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_version(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function, version)): PathParams<(String, String, u32)>,
) -> Result<Json<VersionDetail>, Problem> {
    let versions = state
        .ponte
        .admin(admin.actor())
        .versions(&id, &function)
        .await?;
    let found = versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| {
            Problem::new(
                ErrorCode::NotFound,
                format!("`{function}` of `{id}` has no version {version}."),
            )
        })?;
    Ok(Json(VersionDetail {
        info: VersionInfo::from(found),
        source: found.source.clone(),
    }))
}

/// Stores a new version after running `ponte check` on it, and (unless `"publish": false`)
/// binds the function to it. A version with problems is `automation_invalid` with
/// `diagnostics` (code, line, column, hint), and nothing is stored.
#[utoipa::path(
    post,
    path = "/admin/v1/integrations/{id}/functions/{function}/versions",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
    ),
    request_body(content = NewVersion, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored (and bound)", body = PublishedVersion),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`managed_by_file`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`automation_invalid` with `diagnostics`, or `invalid_input`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn publish_version(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<PublishedVersion>), Response> {
    admin
        .require_admin()
        .map_err(|err| Problem::from(err).into_response())?;
    let body: NewVersion = body_as(body).map_err(|err| Problem::from(err).into_response())?;
    match state
        .ponte
        .admin(admin.actor())
        .publish_version(&id, &function, &body.source, body.publish)
        .await
    {
        Ok(published) => Ok((
            StatusCode::CREATED,
            Json(PublishedVersion {
                info: VersionInfo::from(&published.version),
                binding: serde_json::to_value(&published.binding).unwrap_or(Value::Null),
            }),
        )),
        Err(PublishError::Invalid(diagnostics)) => Err(Refused(diagnostics).into_response()),
        Err(PublishError::Call(err)) => Err(Problem::from(err).into_response()),
    }
}

/// Binds the function to a stored version, to `"latest"` or to `"preset"`.
#[utoipa::path(
    put,
    path = "/admin/v1/integrations/{id}/functions/{function}/binding",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
    ),
    request_body(content = BindingBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Bound", body = BindingInfo),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`managed_by_file`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: no such version, or no preset", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn set_binding(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<BindingInfo>, Problem> {
    admin.require_admin()?;
    let body: BindingBody = body_as(body)?;
    let choice = match &body.binding {
        Value::String(text) if text == "latest" => BindingChoice::Latest,
        Value::String(text) if text == "preset" => BindingChoice::Preset,
        Value::Number(n) if n.as_u64().and_then(|n| u32::try_from(n).ok()).is_some() => {
            BindingChoice::Version(n.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
        }
        other => {
            return Err(
                CallError::from_input_errors(ponte_catalog::InputErrors(vec![
                    ponte_catalog::InputError {
                        path: "/binding".to_owned(),
                        code: ponte_catalog::InputErrorCode::InvalidValue,
                        expected: "a version number, \"latest\" or \"preset\"".to_owned(),
                        got: crate::extract::shorten(&other.to_string()),
                    },
                ]))
                .into(),
            );
        }
    };
    let bound = state
        .ponte
        .admin(admin.actor())
        .set_binding(&id, &function, choice)
        .await?;
    Ok(Json(BindingInfo {
        binding: serde_json::to_value(bound).unwrap_or(Value::Null),
    }))
}

/// Binds the function to the version before the one serving it.
#[utoipa::path(
    post,
    path = "/admin/v1/integrations/{id}/functions/{function}/rollback",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
    ),
    responses(
        (status = 200, description = "Rolled back", body = BindingInfo),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such integration or function, or no earlier version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`managed_by_file`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn rollback(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
) -> Result<Json<BindingInfo>, Problem> {
    admin.require_admin()?;
    let bound = state
        .ponte
        .admin(admin.actor())
        .rollback(&id, &function)
        .await?;
    Ok(Json(BindingInfo {
        binding: serde_json::to_value(bound).unwrap_or(Value::Null),
    }))
}

/// The automation the integration's preset ships for the function: a starting point.
#[utoipa::path(
    get,
    path = "/admin/v1/integrations/{id}/functions/{function}/preset-source",
    tag = "admin",
    security(("admin_token" = [])),
    params(
        ("id" = String, Path, description = "The integration", example = "acme-ixc"),
        ("function" = String, Path, description = "A catalog function", example = "list_invoices"),
    ),
    responses(
        (status = 200, description = "The preset's source", body = PresetSource),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such integration or function, or no preset automation", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn preset_source(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams((id, function)): PathParams<(String, String)>,
) -> Result<Json<PresetSource>, Problem> {
    let (preset, source) = state
        .ponte
        .admin(admin.actor())
        .preset_source(&id, &function)
        .await?;
    Ok(Json(PresetSource { preset, source }))
}
