//! One function of one integration: its binding, the test-run panel (a form generated from the
//! function's input schema; the run's trace step by step) and, unless the configuration file
//! manages it, the automation editor with its versions.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ponte_catalog::FunctionId;
use ponte_core::service::CallError;
use serde::Serialize;
use serde_json::{Map, Value};

use super::integrations::{FunctionRow, function_row};
use super::pages::{error, page};
use super::session::{CSRF_FIELD, Change, Session, SignedIn};
use super::text::Text;
use crate::AppState;

/// One field of the test-run form.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Field {
    name: String,
    /// `text`, `number`, `checkbox` or `json`.
    kind: &'static str,
    required: bool,
    description: String,
    example: String,
    /// What the operator typed, shown back after a run.
    value: String,
    /// The problem with it, beside the field.
    error: Option<String>,
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The form's fields, from the function's input schema.
pub(super) fn fields_of(function: FunctionId) -> Vec<Field> {
    let Some(spec) = ponte_catalog::function(function.as_str()) else {
        return Vec::new();
    };
    let schema = spec.input_schema();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let types = types_of(property);
            let kind = if types.contains(&"object") || types.contains(&"array") {
                "json"
            } else if types.contains(&"boolean") {
                "checkbox"
            } else if types.contains(&"integer") || types.contains(&"number") {
                "number"
            } else {
                "text"
            };
            let example = property
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|examples| examples.first())
                .map(|example| match example {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            Field {
                name: name.clone(),
                kind,
                required: required.contains(&name.as_str()),
                description: property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                example,
                value: String::new(),
                error: None,
            }
        })
        .collect()
}

/// The input a filled form stands for; a field whose text cannot be what it must be gets its
/// error and the run does not happen.
fn input_of(fields: &mut [Field], change: &Change) -> Option<Value> {
    let text = Text::PT_BR;
    let mut input = Map::new();
    let mut ok = true;
    for field in fields.iter_mut() {
        let raw = change.field(&format!("in.{}", field.name)).to_owned();
        field.value.clone_from(&raw);
        let value = match field.kind {
            "checkbox" => Some(Value::Bool(!raw.is_empty())),
            _ if raw.is_empty() => {
                if field.required {
                    field.error = Some(text.get("form.required").to_owned());
                    ok = false;
                }
                None
            }
            "number" => match serde_json::from_str::<serde_json::Number>(&raw) {
                Ok(number) => Some(Value::Number(number)),
                Err(_) => {
                    field.error = Some(text.get("form.invalid").to_owned());
                    ok = false;
                    None
                }
            },
            "json" => match serde_json::from_str::<Value>(&raw) {
                Ok(value) => Some(value),
                Err(err) => {
                    field.error = Some(format!("{}: {err}", text.get("form.invalid")));
                    ok = false;
                    None
                }
            },
            _ => Some(Value::String(raw)),
        };
        if let Some(value) = value {
            input.insert(field.name.clone(), value);
        }
    }
    ok.then_some(Value::Object(input))
}

/// Puts each input problem of a refused run beside its field; problems no field names are
/// returned for the top of the panel.
fn place_errors(fields: &mut [Field], err: &CallError) -> Vec<String> {
    let mut loose = Vec::new();
    for problem in &err.errors {
        let name = problem
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        let message = format!("{} ({})", problem.expected, problem.got);
        match fields.iter_mut().find(|field| field.name == name) {
            Some(field) => field.error = Some(message),
            None => loose.push(message),
        }
    }
    if err.errors.is_empty() {
        loose.push(format!("{}: {}", err.code.code(), err.detail));
    }
    loose
}

/// What the test-run panel shows after a run.
#[derive(Debug, Default, Serialize)]
struct RunResult {
    ok: bool,
    execution_id: Option<String>,
    /// The output as the stored trace keeps it: personal data masked.
    output: Option<String>,
    error: Option<String>,
    trace: Option<Value>,
    problems: Vec<String>,
}

async fn render(
    state: &AppState,
    session: &Session,
    id: &str,
    function: &str,
    fields: Vec<Field>,
    result: Option<RunResult>,
    status: StatusCode,
) -> Response {
    let Ok(function_id) = function.parse::<FunctionId>() else {
        return error(
            session,
            &CallError::new(
                ponte_core::service::ErrorCode::NotFound,
                format!("The catalog has no function `{function}`."),
            ),
        );
    };
    let view = match state.ponte.admin(&session.actor).integration(id).await {
        Ok(view) => view,
        Err(err) => return error(session, &err),
    };
    let row: FunctionRow = function_row(&view, function_id);
    let spec = ponte_catalog::function(function);
    let mut response = page(
        "function.html",
        session,
        "integrations",
        serde_json::json!({
            "integration": {
                "id": view.integration.id.to_string(),
                "name": view.integration.name.clone(),
            },
            "function": row,
            "summary": spec.map_or("", |spec| spec.summary),
            "fields": fields,
            "result": result,
            "csrf_field": CSRF_FIELD,
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /console/integrations/{id}/functions/{function}`.
pub(super) async fn page_get(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, function)): Path<(String, String)>,
) -> Response {
    let fields = function
        .parse::<FunctionId>()
        .map(fields_of)
        .unwrap_or_default();
    render(
        &state,
        &session,
        &id,
        &function,
        fields,
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/integrations/{id}/functions/{function}/test`: a test run.
pub(super) async fn test_run(
    State(state): State<AppState>,
    Path((id, function)): Path<(String, String)>,
    change: Change,
) -> Response {
    let mut fields = function
        .parse::<FunctionId>()
        .map(fields_of)
        .unwrap_or_default();
    let session = change.session.clone();
    let Some(input) = input_of(&mut fields, &change) else {
        return render(
            &state,
            &session,
            &id,
            &function,
            fields,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .ponte
        .admin(&session.actor)
        .test_run(&id, &function, input)
        .await
    {
        Ok(run) => {
            let output = run
                .trace
                .get("output")
                .map(|output| serde_json::to_string_pretty(output).unwrap_or_default());
            let result = RunResult {
                ok: run.ok(),
                execution_id: Some(run.execution_id.to_string()),
                output,
                error: run
                    .error
                    .as_ref()
                    .map(|err| format!("{}: {}", err.code.code(), err.detail)),
                trace: Some(run.trace),
                problems: Vec::new(),
            };
            render(
                &state,
                &session,
                &id,
                &function,
                fields,
                Some(result),
                StatusCode::OK,
            )
            .await
        }
        Err(err) => {
            let problems = place_errors(&mut fields, &err);
            let result = RunResult {
                problems,
                ..RunResult::default()
            };
            render(
                &state,
                &session,
                &id,
                &function,
                fields,
                Some(result),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
