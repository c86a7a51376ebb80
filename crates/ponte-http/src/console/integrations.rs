//! The integrations: the list with each one's health, and one integration's page (settings,
//! secret names, keys, its 21 functions, the chart of its last 24 hours).

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::response::Response;
use ponte_catalog::FunctionId;
use ponte_core::model::{AutomationRef, IntegrationId};
use ponte_core::service::admin::IntegrationView;
use serde::Serialize;
use serde_json::Value;

use super::health::{self, Figures};
use super::pages::{error, page};
use super::session::{Change, SignedIn};
use super::text::Text;
use super::{chart, session};
use crate::AppState;
use crate::admin::rfc3339;

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    name: String,
    preset: Option<String>,
    active: bool,
    health: Figures,
    circuit: &'static str,
}

/// `GET /console/integrations`.
pub(super) async fn list(State(state): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let views = match state.ponte.admin(&session.actor).list_integrations().await {
        Ok(views) => views,
        Err(err) => return error(&session, &err),
    };
    let mut rows = Vec::with_capacity(views.len());
    for view in views {
        let integration = view.integration;
        let figures = match health::of(&state.ponte, &session.actor, integration.id.as_str()).await
        {
            Ok(health) => health.total,
            Err(err) => return error(&session, &err),
        };
        rows.push(Row {
            id: integration.id.to_string(),
            name: integration.name,
            preset: integration.preset,
            active: integration.active,
            health: figures,
            circuit: state.ponte.circuit_state(&integration.id).as_str(),
        });
    }
    page(
        "integrations.html",
        &session,
        "integrations",
        serde_json::json!({ "integrations": rows }),
    )
}

/// One of the 21 functions as an integration serves it.
#[derive(Debug, Serialize)]
pub(super) struct FunctionRow {
    pub id: &'static str,
    pub title: &'static str,
    /// `preset`, `latest`, `version`, `file` or `none`.
    pub binding: &'static str,
    /// The bound preset, version or file.
    pub detail: String,
    /// The process serves it now.
    pub serving: bool,
    /// Bound by the configuration file: the console shows it, never edits it.
    pub managed_by_file: bool,
}

pub(super) fn function_row(view: &IntegrationView, function: FunctionId) -> FunctionRow {
    let spec = ponte_catalog::function(function.as_str());
    let (binding, detail) = match view.integration.bindings.get(function.as_str()) {
        None => ("none", String::new()),
        Some(AutomationRef::Preset { preset }) => ("preset", preset.clone()),
        Some(AutomationRef::Latest) => ("latest", String::new()),
        Some(AutomationRef::Version { version }) => ("version", version.to_string()),
        Some(AutomationRef::File { path, .. }) => ("file", path.clone()),
    };
    FunctionRow {
        id: function.as_str(),
        title: spec.map_or("", |spec| spec.title),
        binding,
        detail,
        serving: view.serving.contains_key(function.as_str()),
        managed_by_file: binding == "file",
    }
}

#[derive(Debug, Serialize)]
struct KeyRow {
    id: String,
    prefix: String,
    created_at: String,
    revoked: bool,
}

#[derive(Debug, Serialize)]
struct ChartRow {
    function: String,
    svg: String,
    calls: usize,
}

/// The integration's page; `new_key` is shown this once, `secret_error` beside the secret form
/// (`Some("")`: the secret was just set).
pub(super) async fn detail_with(
    state: &AppState,
    session: &session::Session,
    id: &str,
    new_key: Option<String>,
    secret_error: Option<&str>,
) -> Response {
    let admin = state.ponte.admin(&session.actor);
    let view = match admin.integration(id).await {
        Ok(view) => view,
        Err(err) => return error(session, &err),
    };
    let keys = match admin.list_api_keys(id).await {
        Ok(keys) => keys,
        Err(err) => return error(session, &err),
    };
    let health = match health::of(&state.ponte, &session.actor, id).await {
        Ok(health) => health,
        Err(err) => return error(session, &err),
    };
    let text = Text::PT_BR;
    let charts: Vec<ChartRow> = health
        .functions
        .iter()
        .map(|(function, buckets)| ChartRow {
            function: function.clone(),
            svg: chart::svg(function, buckets, text),
            calls: buckets.iter().map(|b| b.figures.calls).sum(),
        })
        .collect();
    let functions: Vec<FunctionRow> = FunctionId::ALL
        .iter()
        .map(|function| function_row(&view, *function))
        .collect();
    let integration = &view.integration;
    let circuit = IntegrationId::parse(id)
        .map(|id| state.ponte.circuit_state(&id).as_str())
        .unwrap_or("closed");
    page(
        "integration.html",
        session,
        "integrations",
        serde_json::json!({
            "integration": {
                "id": integration.id.to_string(),
                "name": integration.name.clone(),
                "preset": integration.preset.clone(),
                "active": integration.active,
                "variables": integration.variables.clone(),
                "settings": serde_json::to_string_pretty(
                    &serde_json::to_value(&integration.settings).unwrap_or(Value::Null)
                ).unwrap_or_default(),
            },
            "secrets": view.secret_names.clone(),
            "keys": keys.into_iter().map(|key| KeyRow {
                id: key.id.to_string(),
                prefix: key.prefix,
                created_at: rfc3339(key.created_at),
                revoked: key.revoked,
            }).collect::<Vec<_>>(),
            "new_key": new_key,
            "secret_error": secret_error.filter(|message| !message.is_empty()),
            "secret_saved": secret_error == Some(""),
            "secret_names": secret_names(&view),
            "functions": functions,
            "health": health.total,
            "circuit": circuit,
            "charts": charts,
        }),
    )
}

/// The secrets the integration's preset needs and those it has, each once.
fn secret_names(view: &IntegrationView) -> Vec<String> {
    let mut names: Vec<String> = view.secret_names.clone();
    if let Some(preset) = view
        .integration
        .preset
        .as_deref()
        .and_then(ponte_presets::preset)
    {
        for function in preset.needs() {
            names.extend(function.secrets);
        }
    }
    names.sort();
    names.dedup();
    names
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct Notice {
    segredo: Option<String>,
}

/// `GET /console/integrations/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    // `?segredo=ok` after a secret was set: the page says so (an empty secret error).
    let saved = notice.segredo.as_deref() == Some("ok");
    detail_with(&state, &session, &id, None, saved.then_some("")).await
}

/// `POST /console/integrations/{id}/keys`: the page, with the new key shown this once.
pub(super) async fn create_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    change: Change,
) -> Response {
    match state
        .ponte
        .admin(&change.session.actor)
        .create_api_key(&id)
        .await
    {
        Ok(issued) => {
            let plain = issued.plain.reveal();
            detail_with(&state, &change.session, &id, Some(plain), None).await
        }
        Err(err) => error(&change.session, &err),
    }
}

/// `POST /console/integrations/{id}/keys/{key}/revoke`.
pub(super) async fn revoke_key(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    change: Change,
) -> Response {
    match state
        .ponte
        .admin(&change.session.actor)
        .revoke_api_key(&id, &key)
        .await
    {
        Ok(()) => {
            axum::response::Redirect::to(&format!("/console/integrations/{id}")).into_response()
        }
        Err(err) => error(&change.session, &err),
    }
}
