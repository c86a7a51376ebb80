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

#[tokio::test]
async fn a_query_parameter_whose_value_is_none_is_left_out() {
    let e = erp(Router::new().route(
        "/invoices",
        get(|raw: axum::extract::RawQuery| async move {
            axum::Json(json!({ "query": raw.0.unwrap_or_default() }))
        }),
    ))
    .await;
    let yaml = r#"function: list_resellers
variables:
  base_url: {}
steps:
  - id: r
    request:
      url: "{{ vars.base_url }}/invoices"
      query:
        id_contrato: "{{ input.contract_id or none }}"
        page: "{{ 1 }}"
        fixed: "a b"
output: '[{code: .steps.r.body.query, name: "", taxvat: "", email: ""}]'
"#;
    // list_resellers takes no input: the parameter is read from a set step instead.
    let yaml = yaml.replace("input.contract_id", "steps.c");
    let yaml = yaml.replace(
        "steps:\n",
        "steps:\n  - id: c\n    set: '.vars.contract // \"\"'\n",
    );
    let yaml = yaml.replace(
        "variables:\n",
        "variables:\n  contract: { default: \"\" }\n",
    );
    let a = automation(&yaml);
    let out = run(&a, json!({}), &env(&e.base)).await;
    assert_eq!(out.result.unwrap()[0]["code"], "fixed=a+b&page=1");
    let with = env(&e.base).with_vars(std::collections::BTreeMap::from([
        ("base_url".to_owned(), e.base.clone()),
        ("contract".to_owned(), "2309".to_owned()),
    ]));
    let out = run(&a, json!({}), &with).await;
    assert_eq!(
        out.result.unwrap()[0]["code"],
        "fixed=a+b&id_contrato=2309&page=1"
    );
}

#[test]
fn a_folder_loads_its_automations_with_their_shared_steps() {
    let dir = tempfile_dir();
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::fs::write(dir.join("shared/find.yaml"), FIND).unwrap();
    std::fs::write(dir.join("contacts.yaml"), USER).unwrap();
    std::fs::write(
        dir.join("contacts.test.yaml"),
        "automation: contacts.yaml\ncases: []\n",
    )
    .unwrap();
    let set = ponte_automation::AutomationSet::load_dir(&dir).unwrap();
    assert!(set.diagnostics.is_empty(), "{:?}", set.diagnostics);
    let ids: Vec<_> = set.automations.keys().map(|f| f.as_str()).collect();
    assert_eq!(ids, ["list_customer_contacts"]);
    // A second file for the same function: both are refused, each told why.
    std::fs::write(dir.join("contacts_again.yaml"), USER).unwrap();
    let set = ponte_automation::AutomationSet::load_dir(&dir).unwrap();
    assert!(set.automations.is_empty());
    let codes: Vec<_> = set.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(
        codes,
        [
            (ponte_automation::Code::DuplicateFunction, 1),
            (ponte_automation::Code::DuplicateFunction, 1)
        ]
    );
    // A broken shared file: the automation is refused with the problem in the shared file.
    std::fs::remove_file(dir.join("contacts_again.yaml")).unwrap();
    std::fs::write(
        dir.join("shared/find.yaml"),
        FIND.replace("params.document", "params.doc"),
    )
    .unwrap();
    let set = ponte_automation::AutomationSet::load_dir(&dir).unwrap();
    assert!(set.automations.is_empty());
    assert!(
        set.diagnostics[0].file.ends_with("shared/find.yaml"),
        "{:?}",
        set.diagnostics
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ponte-set-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
