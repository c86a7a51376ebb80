//! Calling functions and listing the catalog over real HTTP.

mod common;

use common::{CPF, FakeErp, TestApp};
use serde_json::json;

#[tokio::test]
async fn a_call_answers_exactly_the_output_with_the_execution_id() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let answer = app.call(&key, "list_products", json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        answer.json(),
        json!([{"codigo": "10", "nome": "Fibra 300"}])
    );
    let id = answer
        .header("ponte-execution-id")
        .unwrap()
        .parse()
        .unwrap();
    let record = app.execution(&id).await;
    assert_eq!(record.function, "list_products");
    assert_eq!((record.erp_requests, record.erp_statuses), (1, vec![200]));
    assert_eq!(record.trace, None, "a success keeps only its summary");
}

#[tokio::test]
async fn a_function_without_output_answers_204_with_the_execution_id() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let answer = app
        .call(
            &key,
            "create_lead",
            json!({"lead": {"id": "L-1", "name": "Maria"}}),
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text);
    assert!(answer.text.is_empty());
    assert!(answer.header("ponte-execution-id").is_some());
}

#[tokio::test]
async fn an_empty_body_means_no_inputs() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let answer = app
        .call_raw(Some(&key), "list_products", None, Vec::new())
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn the_document_reaches_the_automation_bare_whatever_its_format() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let answer = app
        .call(
            &key,
            "list_customer_contacts",
            json!({"customer_document_number": CPF}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.json(),
        json!([{"type": "email", "value": "maria@example.com"}])
    );
}

#[tokio::test]
async fn the_listing_has_every_function_with_schemas_and_what_is_served() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app
        .provision_with("acme", &erp, |i| {
            i.bindings
                .retain(|f, _| f == "list_products" || f == "get_invoice");
        })
        .await;
    let answer = app.get(Some(&key), "/v1/functions").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["integration"], "acme");
    let functions = body["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 21);
    let served: Vec<&str> = functions
        .iter()
        .filter(|f| f["served"] == true)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    // get_invoice is bound, but the preset has no automation for it.
    assert_eq!(served, ["list_products"]);
    let invoices = functions
        .iter()
        .find(|f| f["id"] == "list_invoices")
        .unwrap();
    assert_eq!(invoices["title"], "Listar faturas");
    assert!(invoices["input_schema"]["properties"]["customer_document_number"].is_object());
    assert!(invoices["output_schema"].is_object());
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get(None, "/healthz").await.json(),
        json!({"status": "ok"})
    );
    assert_eq!(
        app.get(None, "/readyz").await.json(),
        json!({"status": "ready"})
    );
}

#[test]
fn every_automation_of_the_test_preset_compiles() {
    for (function, source) in common::automations::sources() {
        if let Err(diagnostics) = ponte_automation::compile(function.as_str(), &source) {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!(
                "{function} does not compile:\n{}\n{source}",
                text.join("\n")
            );
        }
    }
}

#[tokio::test]
async fn metrics_count_calls_by_outcome_and_the_erp_requests_they_made() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("t-1", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    for _ in 0..2 {
        assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);
    }
    assert_eq!(
        app.call(&key, "no_such_function", json!({})).await.status,
        404
    );
    let invalid = json!({"customer_document_number": "111.111.111-11"});
    assert_eq!(
        app.call(&key, "list_customer_contacts", invalid)
            .await
            .status,
        422
    );

    let answer = app.get(None, "/metrics").await;
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("application/openmetrics-text")),
        "{:?}",
        answer.header("content-type")
    );
    let text = &answer.text;
    let line = |needle: &str| {
        text.lines()
            .find(|line| line.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in\n{text}"))
            .to_owned()
    };
    assert_eq!(
        line(r#"ponte_function_calls_total{integration="acme",function="list_products",outcome="ok"}"#)
            .rsplit(' ')
            .next(),
        Some("2")
    );
    line(
        r#"ponte_function_calls_total{integration="acme",function="unknown",outcome="unknown_function"} 1"#,
    );
    line(
        r#"ponte_function_calls_total{integration="acme",function="list_customer_contacts",outcome="invalid_document"} 1"#,
    );
    line(
        r#"ponte_function_call_duration_seconds_count{integration="acme",function="list_products"} 2"#,
    );
    line(r#"ponte_erp_requests_total{integration="acme",function="list_products",status="2xx"} 2"#);
    line(
        r#"ponte_erp_request_duration_seconds_count{integration="acme",function="list_products"} 2"#,
    );
    assert!(!text.contains("no_such_function"), "{text}");
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
}
