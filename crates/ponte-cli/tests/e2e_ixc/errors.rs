//! What a platform sees when the input is wrong, a function is not bound, or the ERP
//! misbehaves: every answer a problem+json with the code of the error table.

use serde_json::{Value, json};

use crate::harness::{Answer, TestApp};
use ponte_simulators::faults::Fault;

/// The problem names its run, and the header names the same run.
fn assert_names_its_run(answer: &Answer, body: &Value) {
    let id = body["execution_id"].as_str().expect("an automation ran");
    assert_eq!(answer.header("ponte-execution-id"), Some(id));
}

async fn list_invoices_of_the_active_customer(app: &TestApp) -> Answer {
    let customer = app.customer(&app.state().fixtures().active.clone());
    app.call(
        "list_invoices",
        json!({"customer_document_number": customer.document}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_successful_call_names_its_run_in_the_execution_id_header() {
    let app = TestApp::start().await;
    let first = list_invoices_of_the_active_customer(&app).await;
    let second = list_invoices_of_the_active_customer(&app).await;
    let a = first.header("ponte-execution-id").expect("header present");
    let b = second.header("ponte-execution-id").expect("header present");
    assert!(uuid_like(a) && uuid_like(b), "{a} {b}");
    assert_ne!(a, b, "each call is its own run");
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_cpf_is_invalid_document_and_the_erp_is_never_asked() {
    let app = TestApp::start().await;
    for function in ["list_invoices", "get_customer_info", "list_customer_plans"] {
        let answer = app
            .call(
                function,
                json!({"customer_document_number": "529.982.247-26"}),
            )
            .await;
        answer.problem(422, "invalid_document");
    }
    let answer = app
        .call(
            "trust_unlock",
            json!({"customer_document_number": "111.111.111-11", "contract_id": "2001"}),
        )
        .await;
    answer.problem(422, "invalid_document");
    assert_eq!(
        app.erp.requests().total(),
        0,
        "{:?}",
        app.erp.requests().snapshot()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_without_a_bound_automation_is_function_not_configured() {
    let app = TestApp::start_with(|integration| {
        integration.bindings.remove("list_fiscal_notes");
    })
    .await;
    let customer = app.customer(&app.state().fixtures().active.clone());
    let answer = app
        .call(
            "list_fiscal_notes",
            json!({"customer_document_number": customer.document}),
        )
        .await;
    answer.problem(501, "function_not_configured");
    assert_eq!(app.erp.requests().total(), 0);
    // The other functions still work.
    list_invoices_of_the_active_customer(&app).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_erp_answering_503_is_erp_unavailable() {
    let app = TestApp::start().await;
    app.erp.faults().set(Fault::Status(503));
    let answer = list_invoices_of_the_active_customer(&app).await;
    let body = answer.problem(502, "erp_unavailable");
    assert_names_its_run(&answer, &body);
    assert!(app.erp.requests().total() >= 1);

    // Once the ERP is back, the same call works.
    app.erp.faults().clear();
    list_invoices_of_the_active_customer(&app).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_erp_that_never_answers_is_erp_timeout_within_the_integrations_timeouts() {
    let app = TestApp::start_with(|integration| {
        integration.settings.timeouts.request_ms = 300;
        integration.settings.timeouts.function_ms = 2_000;
    })
    .await;
    app.erp.faults().set(Fault::Hang);
    let answer = list_invoices_of_the_active_customer(&app).await;
    let body = answer.problem(504, "erp_timeout");
    assert_names_its_run(&answer, &body);
    app.erp.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_is_erp_auth_failed() {
    let app = TestApp::start().await;
    app.erp.faults().set(Fault::RejectToken);
    let answer = list_invoices_of_the_active_customer(&app).await;
    let body = answer.problem(502, "erp_auth_failed");
    assert_names_its_run(&answer, &body);
    assert!(
        !answer.text.contains(&app.state().config().token),
        "the token never reaches the platform"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_in_the_integration_is_erp_auth_failed() {
    let app = TestApp::start_with(|integration| {
        integration
            .variables
            .insert("ixc_user_id".into(), "999".into());
    })
    .await;
    let answer = list_invoices_of_the_active_customer(&app).await;
    answer.problem(502, "erp_auth_failed");
}

// A body cut short is never taken for an ERP message: the engine sees JSON announced (by the
// content type or by its first character) that does not parse.
#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_from_the_erp_is_erp_invalid_response() {
    let app = TestApp::start().await;
    app.erp.faults().set(Fault::MalformedJson);
    let answer = list_invoices_of_the_active_customer(&app).await;
    let body = answer.problem(502, "erp_invalid_response");
    assert_names_its_run(&answer, &body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_settlement_the_erp_fails_on_is_erp_unavailable_not_a_refusal_and_leaves_the_invoice_open()
 {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let invoice = app
        .state()
        .invoices_of(&id)
        .into_iter()
        .find(|i| i.status == "A")
        .unwrap();
    // The reads pass; the write-off itself meets a server error.
    app.erp.faults().add(
        ponte_simulators::faults::FaultRule::always(Fault::Status(500))
            .on_path("/webservice/v1/fn_areceber_recebimentos_baixas_novo"),
    );
    let answer = app
        .call(
            "settle_boleto",
            json!({
                "customer_document_number": customer.document,
                "boleto_id": invoice.id,
                "transaction": {"id": "tx-e2e-fault", "method": "cash", "amount": "10.00",
                                "paid_at": "2026-03-10T10:15:00-03:00"}
            }),
        )
        .await;
    // A server error is not a refusal: the write-off may have been applied, so the caller is
    // told the ERP failed (and checks the invoice again), never `success: false`.
    let body = answer.problem(502, "erp_unavailable");
    assert!(
        body["detail"].as_str().unwrap().contains("HTTP 500"),
        "{body}"
    );
    assert_eq!(app.state().invoice(&invoice.id).unwrap().status, "A");
    assert!(app.state().settlements_of(&invoice.id).is_empty());
}

// Every test here runs against the simulator's defaults, which refuse what a real IXC refuses:
// a preset that leaned on a forgiving server would fail them.
#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_behind_these_tests_refuses_what_a_real_ixc_refuses() {
    let app = TestApp::start().await;
    assert_eq!(
        app.state().config().lenient,
        ponte_simulators::ixc::IxcLeniency::default()
    );
    let config = app.state().config().clone();
    let client = reqwest::Client::new();
    let listing = |body: Value| {
        client
            .post(format!("{}/cliente", app.erp.base_url()))
            .basic_auth(&config.user_id, Some(&config.token))
            .header("ixcsoft", "listar")
            .json(&body)
            .send()
    };
    let bare: Value = listing(json!({"qtype": "cnpj_cpf", "query": "1", "oper": "="}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bare["type"], "error", "{bare}");
    assert!(
        bare["message"]
            .as_str()
            .unwrap()
            .contains("Unknown column 'cnpj_cpf'"),
        "{bare}"
    );
    let unheaded: Value = client
        .get(format!("{}/cliente", app.erp.base_url()))
        .basic_auth(&config.user_id, Some(&config.token))
        .json(&json!({"qtype": "cliente.id", "query": "1", "oper": "="}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unheaded["type"], "error", "{unheaded}");
}
