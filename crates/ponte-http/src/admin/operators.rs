//! `/admin/v1/operators` and `/admin/v1/sessions`: named operators with a role (`admin` or
//! `viewer`), and their sessions. A password is write-only: it is hashed (Argon2id) on the way
//! in and never shown; a session token is in the answer that creates it and nowhere else.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use ponte_core::model::{Operator, Role};
use ponte_core::service::ErrorCode;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::extract::{AdminAccess, JsonBody, PathParams, body_as};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_operators, add_operator))
        .routes(routes!(remove_operator))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
}

/// An operator, without its password.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperatorInfo {
    /// The sign-in name.
    #[schema(example = "maria")]
    pub name: String,
    /// `admin` (everything) or `viewer` (reads only).
    #[schema(example = "admin")]
    pub role: String,
    /// When the account was created (RFC 3339); absent for the bootstrap token.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// A disabled operator cannot sign in.
    pub disabled: bool,
}

impl From<&Operator> for OperatorInfo {
    fn from(operator: &Operator) -> Self {
        OperatorInfo {
            name: operator.name.clone(),
            role: operator.role.as_str().to_owned(),
            created_at: Some(rfc3339(operator.created_at)),
            disabled: operator.disabled,
        }
    }
}

/// Every operator.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperatorList {
    /// By name.
    pub operators: Vec<OperatorInfo>,
}

/// A new operator.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOperator {
    /// 1–64 lower-case letters, digits, `-`, `_` and `.`.
    #[schema(example = "maria")]
    pub name: String,
    /// `admin` or `viewer`.
    #[schema(example = "viewer")]
    pub role: RoleName,
    /// At least 12 characters, varied, not containing the name. Never shown again.
    #[schema(value_type = String, format = Password)]
    pub password: String,
}

impl std::fmt::Debug for NewOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOperator")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A role's name.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// Everything: reads and changes.
    Admin,
    /// Reads only.
    Viewer,
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Role::Admin,
            RoleName::Viewer => Role::Viewer,
        }
    }
}

/// A sign-in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The operator's name.
    #[schema(example = "maria")]
    pub name: String,
    /// The operator's password.
    #[schema(value_type = String, format = Password)]
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A session just begun. `token` is in this answer only: Ponte keeps its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    /// Send it as `Authorization: Bearer <token>` on `/admin/v1/`.
    pub token: String,
    /// What a browser sends back with every change (the console's CSRF check).
    pub csrf_token: String,
    /// When the session stops being accepted (RFC 3339).
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// Who signed in.
    pub operator: SessionOperator,
}

/// The signed-in operator.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOperator {
    /// The name.
    pub name: String,
    /// `admin` or `viewer`.
    pub role: String,
}

/// Every operator, without passwords.
#[utoipa::path(
    get,
    path = "/admin/v1/operators",
    tag = "admin",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The operators", body = OperatorList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_operators(
    State(state): State<AppState>,
    admin: AdminAccess,
) -> Result<Json<OperatorList>, Problem> {
    let operators = state.ponte.admin(admin.actor()).list_operators().await?;
    Ok(Json(OperatorList {
        operators: operators.iter().map(OperatorInfo::from).collect(),
    }))
}

/// Creates an operator (admin only). The password is hashed and never shown.
#[utoipa::path(
    post,
    path = "/admin/v1/operators",
    tag = "admin",
    security(("admin_token" = [])),
    request_body(content = NewOperator, content_type = "application/json"),
    responses(
        (status = 201, description = "The operator", body = OperatorInfo),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: a bad name, role or weak password, or a name taken; `errors` names the field", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn add_operator(
    State(state): State<AppState>,
    admin: AdminAccess,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<OperatorInfo>), Problem> {
    admin.require_admin()?;
    let new: NewOperator = body_as(body)?;
    let operator = state
        .ponte
        .admin(admin.actor())
        .add_operator(
            &new.name,
            new.role.into(),
            &SecretString::from(new.password),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(OperatorInfo::from(&operator))))
}

/// Removes an operator (admin only); its sessions end at once.
#[utoipa::path(
    delete,
    path = "/admin/v1/operators/{name}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("name" = String, Path, description = "The operator", example = "maria")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn remove_operator(
    State(state): State<AppState>,
    admin: AdminAccess,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, Problem> {
    admin.require_admin()?;
    state
        .ponte
        .admin(admin.actor())
        .remove_operator(&name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs an operator in with name and password; the answer's token opens the admin API as
/// that operator until it expires or the operator signs out.
#[utoipa::path(
    post,
    path = "/admin/v1/sessions",
    tag = "admin",
    request_body(content = SignIn, content_type = "application/json"),
    responses(
        (status = 201, description = "The session", body = SessionInfo),
        (status = 400, description = "`invalid_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`: the name and password do not match an operator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: no `name` or `password`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<SessionInfo>), Problem> {
    if state.admin_token.is_none() {
        return Err(Problem::new(
            ErrorCode::Unauthorized,
            "The admin API is off until `security.admin_token` is set.",
        ));
    }
    let sign_in: SignIn = body_as(body)?;
    let session = state
        .ponte
        .authenticate_operator(&sign_in.name, &SecretString::from(sign_in.password))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionInfo {
            token: session.token.expose_secret().to_owned(),
            csrf_token: session.csrf_token,
            expires_at: rfc3339(session.expires_at),
            operator: SessionOperator {
                name: session.actor.name,
                role: session.actor.role.as_str().to_owned(),
            },
        }),
    ))
}

/// Ends the session whose token is sent (signing out). The admin token has no session: it
/// answers 204 and stays valid.
#[utoipa::path(
    delete,
    path = "/admin/v1/sessions/current",
    tag = "admin",
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn sign_out(
    State(state): State<AppState>,
    _admin: AdminAccess,
    parts: Parts,
) -> Result<StatusCode, Problem> {
    if let Some(token) = crate::extract::bearer(&parts) {
        state.ponte.end_session(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
