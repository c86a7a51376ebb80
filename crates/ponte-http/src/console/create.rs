//! Creating an integration from a preset: the form asks for exactly the variables and secrets
//! the preset's automations declare, and setting a secret on an existing integration.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::service::CallError;
use ponte_core::service::configure::NewIntegration;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::pages::{error, page};
use super::session::{Change, Session, SignedIn};
use super::text::Text;
use crate::AppState;

/// A field of the form, with what was typed (never for secrets) and its error.
#[derive(Debug, Clone, Serialize)]
struct Field {
    name: String,
    description: String,
    required: bool,
    value: String,
    error: Option<String>,
}

/// The variables and secrets a preset needs, each once.
fn needs(preset: &ponte_presets::Preset) -> (Vec<Field>, Vec<Field>) {
    let mut variables: BTreeMap<String, Field> = BTreeMap::new();
    let mut secrets: BTreeMap<String, Field> = BTreeMap::new();
    for function in preset.needs() {
        if !function.coverage.supported {
            continue;
        }
        for variable in function.variables {
            let entry = variables
                .entry(variable.name.clone())
                .or_insert_with(|| Field {
                    name: variable.name.clone(),
                    description: variable.description.clone(),
                    required: false,
                    value: variable.default.clone().unwrap_or_default(),
                    error: None,
                });
            entry.required |= variable.default.is_none();
        }
        for secret in function.secrets {
            secrets.entry(secret.clone()).or_insert_with(|| Field {
                name: secret,
                description: String::new(),
                required: false,
                value: String::new(),
                error: None,
            });
        }
    }
    (
        variables.into_values().collect(),
        secrets.into_values().collect(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Chosen {
    #[serde(default)]
    preset: String,
}

#[derive(Debug, Default, Serialize)]
struct Form {
    preset: String,
    id: String,
    name: String,
    errors: BTreeMap<String, String>,
    variables: Vec<Field>,
    secrets: Vec<Field>,
}

fn render(session: &Session, form: &Form, status: StatusCode) -> Response {
    let mut response = page(
        "create.html",
        session,
        "integrations",
        serde_json::json!({
            "presets": ponte_presets::names(),
            "form": form,
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /console/integrations/novo?preset=`.
pub(super) async fn form(SignedIn(session): SignedIn, Query(chosen): Query<Chosen>) -> Response {
    let mut form = Form::default();
    if let Some(preset) = ponte_presets::preset(&chosen.preset) {
        form.preset = preset.name.to_owned();
        (form.variables, form.secrets) = needs(preset);
    }
    render(&session, &form, StatusCode::OK)
}

/// `POST /console/integrations`: creates it, or shows each error beside its field and
/// creates nothing.
pub(super) async fn create(State(state): State<AppState>, change: Change) -> Response {
    let text = Text::PT_BR;
    let session = change.session.clone();
    let mut form = Form {
        preset: change.field("preset").to_owned(),
        id: change.field("id").to_owned(),
        name: change.field("name").to_owned(),
        ..Form::default()
    };
    let Some(preset) = ponte_presets::preset(&form.preset) else {
        form.errors
            .insert("preset".into(), text.get("form.required").into());
        return render(&session, &form, StatusCode::UNPROCESSABLE_ENTITY);
    };
    (form.variables, form.secrets) = needs(preset);
    let mut ok = true;
    for (key, value) in [("id", form.id.clone()), ("name", form.name.clone())] {
        if value.is_empty() {
            form.errors
                .insert(key.into(), text.get("form.required").into());
            ok = false;
        }
    }
    let mut variables = BTreeMap::new();
    for field in &mut form.variables {
        field.value = change.field(&format!("var.{}", field.name)).to_owned();
        if field.value.is_empty() {
            if field.required {
                field.error = Some(text.get("form.required").into());
                ok = false;
            }
        } else {
            variables.insert(field.name.clone(), field.value.clone());
        }
    }
    let mut secrets = BTreeMap::new();
    for field in &form.secrets {
        let value = change.field(&format!("secret.{}", field.name));
        if !value.is_empty() {
            secrets.insert(field.name.clone(), SecretString::from(value.to_owned()));
        }
    }
    if !ok {
        return render(&session, &form, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new = NewIntegration {
        id: form.id.clone(),
        name: form.name.clone(),
        preset: Some(preset.name.to_owned()),
        variables,
        secrets,
        ..NewIntegration::default()
    };
    match state
        .ponte
        .admin(&session.actor)
        .create_integration(new)
        .await
    {
        Ok(view) => {
            Redirect::to(&format!("/console/integrations/{}", view.integration.id)).into_response()
        }
        Err(err) if !err.errors.is_empty() => {
            place(&mut form, &err);
            render(&session, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(err) => error(&session, &err),
    }
}

/// Puts each problem the service found beside its field.
fn place(form: &mut Form, err: &CallError) {
    for problem in &err.errors {
        let message = format!("{} ({})", problem.expected, problem.got);
        let path = problem.path.trim_start_matches('/');
        let (group, name) = path.split_once('/').unwrap_or((path, ""));
        let fields = match group {
            "variables" => &mut form.variables,
            "secrets" => &mut form.secrets,
            other => {
                form.errors.insert(other.to_owned(), message);
                continue;
            }
        };
        if let Some(field) = fields.iter_mut().find(|field| field.name == name) {
            field.error = Some(message);
        } else {
            form.errors.insert(group.to_owned(), message);
        }
    }
}

/// `POST /console/integrations/{id}/secrets`: sets (or rotates) one secret. The value goes to
/// the service and nowhere else.
pub(super) async fn set_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
    change: Change,
) -> Response {
    let name = change.field("secret_name").to_owned();
    let value = SecretString::from(change.field("secret_value").to_owned());
    let text = Text::PT_BR;
    if name.is_empty() || change.field("secret_value").is_empty() {
        return super::integrations::detail_with(
            &state,
            &change.session,
            &id,
            None,
            Some(text.get("form.required")),
        )
        .await;
    }
    match state
        .ponte
        .admin(&change.session.actor)
        .set_secret(&id, &name, &value)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/integrations/{id}?segredo=ok")).into_response(),
        Err(err) if !err.errors.is_empty() => {
            let message = err
                .errors
                .iter()
                .map(|e| format!("{} ({})", e.expected, e.got))
                .collect::<Vec<_>>()
                .join("; ");
            super::integrations::detail_with(&state, &change.session, &id, None, Some(&message))
                .await
        }
        Err(err) => error(&change.session, &err),
    }
}
