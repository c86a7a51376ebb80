//! The API's own description: `GET /openapi.json` (OpenAPI 3.1, generated from the handlers'
//! annotations and the catalog) and `GET /docs`, a self-contained reference page that renders
//! it in the browser with no external resource.
//!
//! The generic `POST /v1/functions/{id}` comes from the annotations; one concrete path per
//! catalog function is added from the catalog's JSON Schemas (OpenAPI 3.1 speaks JSON Schema
//! 2020-12, so they go in as they are, their `$defs` moved under `components.schemas`). The
//! error table rides along as `x-error-codes`.
//!
//! The refusals every route shares are added to each operation from what it declares, so
//! none is forgotten: `401` where it takes credentials, `400 invalid_parameter` where a query
//! parameter can fail to parse, `400`/`413`/`415` where it reads a body, `429` on the tools,
//! `500` everywhere. A path no route answers is `404 not_found` and a method a path does not
//! take is `405 method_not_allowed` with `Allow`; neither belongs to an operation.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use ponte_core::service::ErrorCode;
use serde_json::{Map, Value, json};
use utoipa::Modify;
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;
use crate::problem::PROBLEM_JSON;

/// The page, written by hand: HTML, CSS and a small script, nothing fetched from elsewhere.
const PAGE: &str = include_str!("reference.html");

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Ponte",
        description = "One fixed catalog of business functions for Brazilian ISP platforms, each \
served by an automation against the ISP's ERP. Authenticate with the integration's API key as \
`Authorization: Bearer <key>`; the admin API under `/admin/v1/` takes the admin token instead. \
Errors are `application/problem+json` with a stable `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "functions", description = "Call the catalog's functions"),
        (name = "payments", description = "Settle a paid boleto exactly once, and follow the \
settlement: stored before any ERP call, verified with the ERP, written off once, whatever fails"),
        (name = "flows", description = "The platform flows: orders routed and idempotent, a \
customer's pendency judged by the integration's rules"),
        (name = "catalog", description = "One entry per catalog function, with its exact schemas"),
        (name = "admin", description = "The operator's API: integrations, API keys, executions \
and their traces, test runs, failed payments and their retry, the catalog cache and \
associations, operators and their sessions, the audit log. Authenticate with the admin token \
(`security.admin_token`) or an operator's session (`POST /admin/v1/sessions`); a `viewer` \
reads and changes nothing (`403 forbidden`)"),
        (name = "health", description = "Liveness and readiness"),
        (name = "tools", description = "Boletos, PIX BR Codes, CPF/CNPJ, barcodes and QR codes, \
without an ERP. Rate-limited per client address (`429` with `Retry-After`); an API key is \
required when `tools.require_api_key` is set"),
    ),
    modifiers(&SecuritySchemes),
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ponte_<64 hex digits>")
                    .description(Some(
                        "The integration's API key; it selects the integration.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The admin token (`security.admin_token`) or an operator's session token \
                         (`POST /admin/v1/sessions`); never an integration's API key.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document the routers add their paths to.
pub(crate) fn base_document() -> OpenApi {
    ApiDoc::openapi()
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_string_pretty(&openapi()).unwrap_or_else(|_| "{}".to_owned()) + "\n"
});

/// The complete OpenAPI 3.1 document served at `/openapi.json`.
pub fn openapi() -> Value {
    let (_, document) = crate::api_router().split_for_parts();
    let mut value = serde_json::to_value(document).unwrap_or_else(|_| json!({}));
    add_shared_refusals(&mut value);
    optional_bodies(&mut value);
    describe_function_output(&mut value);
    add_catalog(&mut value);
    describe_flows(&mut value);
    value["x-error-codes"] = ErrorCode::ALL
        .into_iter()
        .map(|code| {
            json!({
                "code": code.code(),
                "status": code.status(),
                "title": code.title(),
                "description": code.description(),
            })
        })
        .collect();
    value
}

/// `/openapi.json` exactly as served, pretty-printed (the committed `docs/openapi.json`).
pub fn openapi_text() -> &'static str {
    &DOCUMENT
}

/// The routes of this resource (not themselves part of the document).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(page))
}

async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text())
}

async fn page() -> impl IntoResponse {
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        )],
        Html(PAGE),
    )
}

/// One refusal an operation can answer: its status, code and when.
struct Refusal {
    status: u16,
    code: ErrorCode,
    when: &'static str,
}

/// The refusals an operation answers by the shape it declares, before its handler runs.
fn shared_refusals(path: &str, operation: &Value) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    let mut add = |code: ErrorCode, when: &'static str| {
        refusals.push(Refusal {
            status: code.status(),
            code,
            when,
        });
    };
    let requirements = operation["security"].as_array();
    if requirements.is_some_and(|all| !all.is_empty()) {
        let optional = requirements.is_some_and(|all| all.iter().any(|r| r == &json!({})));
        add(
            ErrorCode::Unauthorized,
            if optional {
                "when `tools.require_api_key` is set: no valid API key"
            } else {
                "missing or invalid credentials"
            },
        );
    }
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let may_not_parse = parameters
        .iter()
        .any(|p| p["in"] == "query" && (p["required"] == true || p["schema"]["type"] != "string"));
    if may_not_parse {
        add(
            ErrorCode::InvalidParameter,
            "a query parameter is missing or does not parse",
        );
    }
    if operation.get("requestBody").is_some() {
        add(ErrorCode::InvalidJson, "the body is not JSON");
        add(
            ErrorCode::PayloadTooLarge,
            "the body is over the server's limit",
        );
        add(
            ErrorCode::UnsupportedMediaType,
            "the body is not sent as JSON",
        );
    }
    if path.starts_with("/v1/tools/") {
        add(ErrorCode::RateLimited, "this client's rate is spent");
    }
    add(ErrorCode::Internal, "Ponte failed; the log has the details");
    refusals
}

/// Adds [`shared_refusals`] to every operation as `application/problem+json`, merged with the
/// statuses the operation documents itself.
fn add_shared_refusals(document: &mut Value) {
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            for refusal in shared_refusals(path, operation) {
                let code = refusal.code.code();
                let responses = &mut operation["responses"];
                let status = refusal.status.to_string();
                let response = &mut responses[status.as_str()];
                let described = response["description"].as_str().unwrap_or_default();
                if !described.contains(&format!("`{code}`")) {
                    let mention = format!("`{code}`: {}", refusal.when);
                    response["description"] = json!(if described.is_empty() {
                        mention
                    } else {
                        format!("{described}; {mention}")
                    });
                }
                response["content"] = json!({
                    PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                });
                if refusal.code == ErrorCode::RateLimited {
                    response["headers"]["Retry-After"] = json!({
                        "description": "Seconds until this client's next request is let through",
                        "schema": {"type": "integer", "minimum": 1}
                    });
                }
            }
        }
    }
}

/// Every body is read by `JsonBody`, which takes an empty body as `{}`: functions without
/// inputs need none, and the others answer `invalid_input` naming what is missing. A body is
/// documented as required only where `{}` cannot do: its schema requires a field
/// ([`add_catalog`] decides it again per function).
fn optional_bodies(document: &mut Value) {
    let schemas = document
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for operation in paths.values_mut().filter_map(Value::as_object_mut) {
        for body in operation
            .values_mut()
            .filter_map(|op| op.get_mut("requestBody"))
        {
            let schema = &body["content"]["application/json"]["schema"];
            let schema = schema["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map_or(schema, |name| &schemas[name]);
            let needs_fields = schema["required"]
                .as_array()
                .is_some_and(|required| !required.is_empty());
            body["required"] = json!(needs_fields);
            let described = body["description"].as_str().unwrap_or_default();
            body["description"] = json!(format!(
                "{described}{}An empty body counts as `{{}}`.",
                if described.is_empty() { "" } else { ". " }
            ));
        }
    }
}

/// The generic function call answers whatever the function's output is: an object, a list,
/// or `null` (its concrete paths, added by [`add_catalog`], carry the exact schema).
fn describe_function_output(document: &mut Value) {
    if let Some(ok) = document.pointer_mut("/paths/~1v1~1functions~1{id}/post/responses/200") {
        ok["content"]["application/json"]["schema"] = json!({
            "oneOf": [{"type": "object"}, {"type": "array"}, {"type": "null"}]
        });
    }
}

/// The flows take the catalog's objects: their bodies and document parameters are described
/// with the catalog's schemas (hoisted by [`add_catalog`]), so a generated request that the
/// document calls valid is one Ponte accepts.
fn describe_flows(document: &mut Value) {
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let Some(document_number) = document
        .pointer("/components/schemas/settle_boleto_input/properties/customer_document_number")
        .cloned()
    else {
        return;
    };
    let message = document
        .pointer("/components/schemas/create_order_input/properties/message")
        .cloned()
        .unwrap_or_else(|| json!({"type": "string", "minLength": 1}));
    // Unknown fields are refused (`unknown_field`), as the catalog's inputs are.
    let order_body = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["order", "message"],
        "properties": {
            "order": schema("create_order_input.Order"),
            "message": message,
            "wda_user": schema("create_order_existing_customer_input.User"),
        },
    });
    let bodies = [
        ("/paths/~1v1~1orders/post", order_body),
        ("/paths/~1v1~1payments/post", schema("settle_boleto_input")),
    ];
    for (pointer, body) in bodies {
        if let Some(operation) = document.pointer_mut(pointer) {
            operation["requestBody"]["required"] = json!(true);
            operation["requestBody"]["content"]["application/json"]["schema"] = body;
        }
    }
    for path in ["invoices", "pendency"] {
        let pointer = format!("/paths/~1v1~1customers~1{{document}}~1{path}/get/parameters");
        if let Some(Value::Array(parameters)) = document.pointer_mut(&pointer) {
            for parameter in parameters.iter_mut() {
                if parameter["name"] == "document" && parameter["in"] == "path" {
                    let mut number = document_number.clone();
                    if let Some(object) = number.as_object_mut() {
                        object.remove("description");
                        object.remove("examples");
                    }
                    parameter["schema"] = number;
                }
            }
        }
    }
}

/// Adds `components.schemas` for every function's input and output and one concrete path per
/// function, modelled on the generic operation.
fn add_catalog(document: &mut Value) {
    let generic = document
        .pointer("/paths/~1v1~1functions~1{id}/post")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut paths = Map::new();
    for spec in ponte_catalog::catalog() {
        let id = spec.id.as_str();
        let input = hoist(
            spec.input_schema().clone(),
            &format!("{id}_input"),
            &mut schemas,
        );
        let output = hoist(
            spec.output_schema().clone(),
            &format!("{id}_output"),
            &mut schemas,
        );
        let mut operation = generic.clone();
        operation["operationId"] = json!(id);
        operation["summary"] = json!(spec.title);
        operation["description"] = json!(spec.summary);
        operation["tags"] = json!(["catalog"]);
        if let Some(object) = operation.as_object_mut() {
            object.remove("parameters");
        }
        let needs_inputs = spec.input_schema()["required"]
            .as_array()
            .is_some_and(|required| !required.is_empty());
        operation["requestBody"]["required"] = json!(needs_inputs);
        operation["requestBody"]["content"]["application/json"]["schema"] = input;
        if let Some(responses) = operation["responses"].as_object_mut() {
            match spec.output_kind {
                ponte_catalog::OutputKind::Json => {
                    responses.remove("204");
                    if let Some(ok) = responses.get_mut("200") {
                        ok["content"]["application/json"]["schema"] = output;
                    }
                }
                ponte_catalog::OutputKind::None => {
                    responses.remove("200");
                }
            }
        }
        paths.insert(format!("/v1/functions/{id}"), json!({ "post": operation }));
    }
    document["components"]["schemas"] = Value::Object(schemas);
    if let Some(all) = document["paths"].as_object_mut() {
        all.extend(paths);
    }
}

/// Moves a schema's `$defs` into `schemas` under `prefix.Name`, rewriting its references, and
/// returns the schema itself with the draft marker dropped (the document sets the dialect).
fn hoist(mut schema: Value, prefix: &str, schemas: &mut Map<String, Value>) -> Value {
    let defs = schema
        .as_object_mut()
        .and_then(|object| {
            object.remove("$schema");
            object.remove("$defs")
        })
        .and_then(|defs| match defs {
            Value::Object(defs) => Some(defs),
            _ => None,
        })
        .unwrap_or_default();
    for (name, mut def) in defs {
        rewrite_refs(&mut def, prefix);
        schemas.insert(format!("{prefix}.{name}"), def);
    }
    rewrite_refs(&mut schema, prefix);
    schemas.insert(prefix.to_owned(), schema);
    json!({ "$ref": format!("#/components/schemas/{prefix}") })
}

fn rewrite_refs(value: &mut Value, prefix: &str) {
    match value {
        Value::Object(object) => {
            // `format: uint32` is schemars' word for the range; clients and generators that do
            // not know the format still read `maximum`.
            if object.get("format").and_then(Value::as_str) == Some("uint32")
                && !object.contains_key("maximum")
            {
                object.insert("maximum".to_owned(), json!(u32::MAX));
            }
            for (key, item) in object.iter_mut() {
                if key == "$ref"
                    && let Some(name) = item.as_str().and_then(|r| r.strip_prefix("#/$defs/"))
                {
                    *item = json!(format!("#/components/schemas/{prefix}.{name}"));
                } else {
                    rewrite_refs(item, prefix);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, prefix)),
        _ => {}
    }
}
