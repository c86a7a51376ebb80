//! Shared steps: run with their arguments in their own scope, their result kept under the use
//! step's id, their steps shown in the trace under qualified names.

use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use ponte_automation::SharedLibrary;
use serde_json::{Value, json};

use crate::support::*;

const FIND: &str = r#"description: a customer by document
params:
  document: { description: CPF or CNPJ }
variables:
  base_url: {}
  tenant: { default: "main" }
secrets: [token]
steps:
  - id: lookup
    request:
      url: "{{ vars.base_url }}/customers"
      query: { doc: "{{ params.document }}", tenant: "{{ vars.tenant }}" }
      headers: { x-token: "{{ secrets.token }}" }
  - id: none
    when: '(.steps.lookup.body.rows | length) == 0'
    return: 'null'
result: '.steps.lookup.body.rows[0]'
"#;

const USER: &str = r#"function: list_customer_contacts
steps:
  - id: customer
    use: find
    with: { document: .input.customer_document_number }
  - id: nobody
    when: '.steps.customer == null'
    return: '[]'
output: '[{type: "email", value: .steps.customer.email}]'
"#;

fn library() -> SharedLibrary {
    let mut l = SharedLibrary::new();
    l.add("find", "shared/find.yaml", FIND);
    l
}

#[tokio::test]
async fn shared_steps_run_with_their_arguments_and_show_in_the_trace_by_qualified_name() {
    let e = erp(Router::new().route(
        "/customers",
        get(|Query(q): Query<Value>| async move {
            let rows = if q["doc"] == "52998224725" && q["tenant"] == "main" {
                json!([{"id": "7", "email": "maria@example.com"}])
            } else {
                json!([])
            };
            axum::Json(json!({ "rows": rows }))
        }),
    ))
    .await;
    let a = ponte_automation::compile_with("user.yaml", USER, &library()).unwrap();
    // The variables and secrets of the shared steps are the automation's.
    assert_eq!(
        a.variable_defaults().get("tenant").map(String::as_str),
        Some("main")
    );
    assert_eq!(a.secret_names(), ["token"]);
    let out = run(
        &a,
        json!({"customer_document_number": "52998224725"}),
        &env(&e.base),
    )
    .await;
    assert_eq!(
        out.result.as_ref().unwrap(),
        &json!([{"type": "email", "value": "maria@example.com"}])
    );
    let trace = out.trace();
    let ids: Vec<(&str, &str, bool)> = trace
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.kind.as_str(), s.skipped))
        .collect();
    assert_eq!(
        ids,
        [
            ("customer.lookup", "request", false),
            ("customer.none", "return", true),
            ("customer", "use", false),
            ("nobody", "return", true),
        ]
    );
    // A `return` inside the shared steps ends them, not the run.
    let out = run(
        &a,
        json!({"customer_document_number": "11144477735"}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.unwrap(), json!([]));
}

#[test]
fn a_bundle_compiles_like_the_automation_with_its_library() {
    let text = library().bundle(USER);
    let bundled = ponte_automation::compile("user.yaml", &text).unwrap();
    let direct = ponte_automation::compile_with("user.yaml", USER, &library()).unwrap();
    assert_eq!(bundled.sha256(), direct.sha256());
    // Without its library, the use is unknown.
    let d = ponte_automation::compile("user.yaml", USER).unwrap_err();
    assert_eq!(d[0].code, ponte_automation::Code::UnknownShared);
    assert_eq!((d[0].line, d[0].column), (4, 10));
}
