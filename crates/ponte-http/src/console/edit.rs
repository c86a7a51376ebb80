//! Editing an integration's name, state, variables and settings. The service validates the
//! settings as the configuration file's are; a refused change shows each error beside its
//! field and changes nothing.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::service::configure::IntegrationPatch;
use serde::Serialize;
use serde_json::Value;

use super::pages::{error, page};
use super::session::{Change, Session, SignedIn};
use super::text::Text;
use crate::AppState;

#[derive(Debug, Default, Serialize)]
struct Form {
    id: String,
    name: String,
    active: bool,
    variables: BTreeMap<String, String>,
    settings: String,
    errors: BTreeMap<String, String>,
}

fn render(session: &Session, form: &Form, status: StatusCode) -> Response {
    let mut response = page(
        "edit.html",
        session,
        "integrations",
        serde_json::json!({ "form": form }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /console/integrations/{id}/editar`.
pub(super) async fn form(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match state.ponte.admin(&session.actor).integration(&id).await {
        Ok(view) => {
            let integration = view.integration;
            let settings = serde_json::to_value(&integration.settings).unwrap_or(Value::Null);
            let form = Form {
                id: integration.id.to_string(),
                name: integration.name,
                active: integration.active,
                variables: integration.variables,
                settings: serde_json::to_string_pretty(&settings).unwrap_or_default(),
                errors: BTreeMap::new(),
            };
            render(&session, &form, StatusCode::OK)
        }
        Err(err) => error(&session, &err),
    }
}

/// `POST /console/integrations/{id}/editar`.
pub(super) async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    change: Change,
) -> Response {
    let session = change.session.clone();
    let admin = state.ponte.admin(&session.actor);
    let current = match admin.integration(&id).await {
        Ok(view) => view.integration,
        Err(err) => return error(&session, &err),
    };
    let mut form = Form {
        id: id.clone(),
        name: change.field("name").to_owned(),
        active: !change.field("active").is_empty(),
        settings: change.field("settings").to_owned(),
        ..Form::default()
    };
    for name in current.variables.keys() {
        form.variables.insert(
            name.clone(),
            change.field(&format!("var.{name}")).to_owned(),
        );
    }
    let settings = match serde_json::from_str::<Value>(&form.settings) {
        Ok(settings) => Some(settings),
        Err(err) => {
            form.errors.insert(
                "settings".into(),
                format!("{}: {err}", Text::PT_BR.get("form.invalid")),
            );
            return render(&session, &form, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let patch = IntegrationPatch {
        name: Some(form.name.clone()),
        active: Some(form.active),
        settings,
        variables: form
            .variables
            .iter()
            .map(|(name, value)| {
                let value = (!value.is_empty()).then(|| value.clone());
                (name.clone(), value)
            })
            .collect(),
    };
    match admin.update_integration(&id, patch).await {
        Ok(_) => Redirect::to(&format!("/console/integrations/{id}")).into_response(),
        Err(err) if !err.errors.is_empty() => {
            for problem in &err.errors {
                let path = problem.path.trim_start_matches('/');
                let key = path.split('/').next().unwrap_or(path).to_owned();
                let message = format!("{path}: {} ({})", problem.expected, problem.got);
                form.errors
                    .entry(key)
                    .and_modify(|all| {
                        all.push_str("; ");
                        all.push_str(&message);
                    })
                    .or_insert(message);
            }
            render(&session, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(err) => error(&session, &err),
    }
}
