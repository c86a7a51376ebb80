//! One function of one integration: its binding, the test-run panel (a form generated from the
//! function's input schema; the run's trace step by step) and, unless the configuration file
//! manages it, the automation editor with its versions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ponte_catalog::FunctionId;
use ponte_core::model::AutomationRef;
use ponte_core::service::CallError;
use ponte_core::service::versions::PublishError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::diff;
use super::integrations::{FunctionRow, function_row};
use super::pages::{error, page};
use super::session::{CSRF_FIELD, Change, Session, SignedIn};
use super::text::Text;
use crate::AppState;
use crate::admin::rfc3339;

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

/// What the editor shows after a publish that was refused: the source as sent and its
/// diagnostics.
#[derive(Debug, Default)]
pub(super) struct Draft {
    source: String,
    diagnostics: Vec<DiagnosticRow>,
}

#[derive(Debug, Clone, Serialize)]
struct DiagnosticRow {
    line: usize,
    column: usize,
    code: &'static str,
    message: String,
    hint: Option<String>,
}

#[derive(Debug, Serialize)]
struct VersionRow {
    version: u32,
    created_at: String,
    sha256: String,
    serving: bool,
}

#[derive(Debug, Serialize)]
struct GutterLine {
    n: usize,
    bad: bool,
}

#[allow(clippy::too_many_arguments)] // one page's parts, each optional
async fn render(
    state: &AppState,
    session: &Session,
    id: &str,
    function: &str,
    fields: Vec<Field>,
    result: Option<RunResult>,
    draft: Option<Draft>,
    view: &ViewQuery,
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
    let integration_view = match state.ponte.admin(&session.actor).integration(id).await {
        Ok(view) => view,
        Err(err) => return error(session, &err),
    };
    let row: FunctionRow = function_row(&integration_view, function_id);
    let spec = ponte_catalog::function(function);
    let admin = state.ponte.admin(&session.actor);
    let versions = admin.versions(id, function).await.unwrap_or_default();
    let serving_version = match integration_view.integration.bindings.get(function) {
        Some(AutomationRef::Version { version }) => Some(*version),
        Some(AutomationRef::Latest) => versions.last().map(|v| v.version),
        _ => None,
    };
    // The editor starts from the draft refused, else the version serving, else the preset's.
    let (source, diagnostics) = match draft {
        Some(draft) => (draft.source, draft.diagnostics),
        None => {
            let serving = serving_version
                .and_then(|n| versions.iter().find(|v| v.version == n))
                .map(|v| v.source.clone());
            let source = match serving {
                Some(source) => source,
                None => admin
                    .preset_source(id, function)
                    .await
                    .map(|(_, source)| source)
                    .unwrap_or_default(),
            };
            (source, Vec::new())
        }
    };
    let bad: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
    let gutter: Vec<GutterLine> = (1..=source.lines().count().max(1))
        .map(|n| GutterLine {
            n,
            bad: bad.contains(&n),
        })
        .collect();
    let diff = match (view.de, view.para) {
        (Some(old), Some(new)) => {
            let text = |n: u32| {
                versions
                    .iter()
                    .find(|v| v.version == n)
                    .map(|v| v.source.as_str())
            };
            match (text(old), text(new)) {
                (Some(a), Some(b)) => Some(serde_json::json!({
                    "old": old, "new": new, "lines": diff::lines(a, b),
                })),
                _ => None,
            }
        }
        _ => None,
    };
    let version_rows: Vec<VersionRow> = versions
        .iter()
        .rev()
        .map(|v| VersionRow {
            version: v.version,
            created_at: rfc3339(v.created_at),
            sha256: v.sha256.chars().take(12).collect(),
            serving: Some(v.version) == serving_version,
        })
        .collect();
    let mut response = page(
        "function.html",
        session,
        "integrations",
        serde_json::json!({
            "integration": {
                "id": integration_view.integration.id.to_string(),
                "name": integration_view.integration.name.clone(),
            },
            "source": source,
            "diagnostics": diagnostics,
            "bad_lines": bad.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
            "gutter": gutter,
            "versions": version_rows,
            "diff": diff,
            "notice": view.notice(),
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

/// The page's query: a diff between two versions, or what was just done.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ViewQuery {
    de: Option<u32>,
    para: Option<u32>,
    feito: Option<String>,
}

impl ViewQuery {
    fn notice(&self) -> Option<&'static str> {
        let text = Text::PT_BR;
        match self.feito.as_deref() {
            Some("publicado") => Some(text.get("function.published")),
            Some("revertido") => Some(text.get("function.rolled_back")),
            _ => None,
        }
    }
}

fn fields_for(function: &str) -> Vec<Field> {
    function
        .parse::<FunctionId>()
        .map(fields_of)
        .unwrap_or_default()
}

/// `GET /console/integrations/{id}/functions/{function}`.
pub(super) async fn page_get(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, function)): Path<(String, String)>,
    Query(view): Query<ViewQuery>,
) -> Response {
    let fields = fields_for(&function);
    render(
        &state,
        &session,
        &id,
        &function,
        fields,
        None,
        None,
        &view,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/integrations/{id}/functions/{function}/versions`: publishes the editor's
/// source, or shows its diagnostics at their lines and stores nothing.
pub(super) async fn publish(
    State(state): State<AppState>,
    Path((id, function)): Path<(String, String)>,
    change: Change,
) -> Response {
    let session = change.session.clone();
    // Browsers send text areas with CRLF line ends; the stored source keeps LF.
    let source = change
        .fields
        .iter()
        .find(|(key, _)| key == "source")
        .map(|(_, value)| value.replace("\r\n", "\n"))
        .unwrap_or_default();
    let admin = state.ponte.admin(&session.actor);
    match admin.publish_version(&id, &function, &source, true).await {
        Ok(_) => Redirect::to(&format!(
            "/console/integrations/{id}/functions/{function}?feito=publicado"
        ))
        .into_response(),
        Err(PublishError::Invalid(found)) => {
            let diagnostics = found
                .iter()
                .map(|d| DiagnosticRow {
                    line: d.line,
                    column: d.column,
                    code: d.code.as_str(),
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                })
                .collect();
            let draft = Draft {
                source,
                diagnostics,
            };
            render(
                &state,
                &session,
                &id,
                &function,
                fields_for(&function),
                None,
                Some(draft),
                &ViewQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(PublishError::Call(err)) => error(&session, &err),
    }
}

/// `POST /console/integrations/{id}/functions/{function}/rollback`.
pub(super) async fn rollback(
    State(state): State<AppState>,
    Path((id, function)): Path<(String, String)>,
    change: Change,
) -> Response {
    match state
        .ponte
        .admin(&change.session.actor)
        .rollback(&id, &function)
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/console/integrations/{id}/functions/{function}?feito=revertido"
        ))
        .into_response(),
        Err(err) => error(&change.session, &err),
    }
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
            None,
            &ViewQuery::default(),
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
                None,
                &ViewQuery::default(),
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
                None,
                &ViewQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
