//! Hubsoft's own failures over loopback reach the caller as Ponte's codes: a token revoked or
//! expired is replaced once and the call succeeds; a revoked user is `erp_auth_failed`
//! without asking for tokens in a loop; faults are `erp_unavailable`, `erp_timeout` and
//! `erp_invalid_response`; a business refusal is `erp_rejected` with Hubsoft's words; an
//! instance that refuses unknown documents still answers "nobody"; a write-off whose answer is
//! lost is `erp_timeout` and is sent once.

mod common;
mod hubsoft_app;

use hubsoft_app::{HubApp, code_of};
use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::hubsoft::{HubsoftConfig, UnknownCustomer};
use serde_json::{Value, json};

#[tokio::test]
async fn a_revoked_token_is_replaced_once_and_the_call_succeeds() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let input = json!({"customer_document_number": fixtures.active.document});
    app.ok("list_customer_plans", input.clone()).await;
    assert_eq!(app.erp.requests().count("/oauth/token"), 1);
    // Hubsoft revokes every token at once during its updates: the cached one now gets 401.
    app.erp.state().revoke_tokens();
    let plans = app.ok("list_customer_plans", input).await;
    assert_eq!(
        plans[0]["remote_id"],
        fixtures.active.id_cliente_servico.to_string()
    );
    assert_eq!(app.erp.requests().count("/oauth/token"), 2);
}

#[tokio::test]
async fn an_expired_token_is_renewed_and_the_call_succeeds() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let input = json!({"customer_document_number": fixtures.active.document});
    app.ok("get_customer_info", input.clone()).await;
    assert_eq!(app.erp.requests().count("/oauth/token"), 1);
    // Thirty-one days later the 30-day token has expired on Hubsoft's clock.
    let later = app.erp.state().today() + time::Duration::days(31);
    app.erp.state().set_today(later);
    let info = app.ok("get_customer_info", input).await;
    assert_eq!(info["nome_completo"], fixtures.active.name.as_str());
    assert_eq!(app.erp.requests().count("/oauth/token"), 2);
}

#[tokio::test]
async fn a_revoked_user_is_an_auth_failure_and_the_token_is_not_asked_for_in_a_loop() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let input = json!({"customer_document_number": fixtures.active.document});
    app.ok("get_customer_info", input.clone()).await;
    app.erp.state().revoke_user();
    let before = app.erp.requests().count("/oauth/token");
    let (status, problem) = code_of(app.call("get_customer_info", input.clone()).await).await;
    assert_eq!(status, 502, "{problem}");
    assert_eq!(problem["code"], "erp_auth_failed", "{problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(!detail.contains(&app.erp.state().config().password));
    let asked = app.erp.requests().count("/oauth/token") - before;
    assert!((1..=2).contains(&asked), "asked {asked} times for a token");
    let (_, again) = code_of(app.call("get_customer_info", input).await).await;
    assert_eq!(again["code"], "erp_auth_failed");
    assert!(app.erp.requests().count("/oauth/token") - before <= 4);
}

#[tokio::test]
async fn hubsoft_faults_reach_the_caller_as_ponte_codes() {
    let app = HubApp::start_with(HubsoftConfig::default(), |i| {
        i.settings.timeouts.request_ms = 500;
    })
    .await;
    let fixtures = app.erp.state().fixtures().clone();
    let input = json!({"customer_document_number": fixtures.active.document});
    app.ok("get_customer_info", input.clone()).await;

    app.erp.faults().set(Fault::Status(500));
    let (status, problem) = code_of(app.call("get_customer_info", input.clone()).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (502, Some("erp_unavailable")),
        "{problem}"
    );
    app.erp.faults().clear();

    // Every attempt hangs: the read is retried, then given up.
    app.erp.faults().set(Fault::Hang);
    let (status, problem) = code_of(app.call("get_customer_info", input.clone()).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (504, Some("erp_timeout")),
        "{problem}"
    );
    app.erp.faults().clear();

    app.erp
        .faults()
        .add(FaultRule::times(1, Fault::MalformedJson).on_path("/api/v1/integracao/configuracao"));
    let (status, problem) = code_of(app.call("list_due_dates", json!({})).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (502, Some("erp_invalid_response")),
        "{problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("step `days`"),
        "the detail names the step whose answer could not be read: {problem}"
    );
}

#[tokio::test]
async fn an_instance_that_refuses_unknown_documents_still_answers_nobody() {
    let config = HubsoftConfig {
        unknown_customer: UnknownCustomer::Error,
        ..HubsoftConfig::default()
    };
    let app = HubApp::start_with(config, |_| {}).await;
    let unknown = app.erp.state().fixtures().unknown_document.clone();
    let input = json!({"customer_document_number": unknown});
    assert_eq!(
        app.ok("get_customer_info", input.clone()).await,
        Value::Null
    );
    assert_eq!(app.ok("list_invoices", input.clone()).await, json!([]));
    assert_eq!(app.ok("list_customer_plans", input).await, json!([]));
}

#[tokio::test]
async fn a_business_refusal_is_erp_rejected_with_hubsofts_words() {
    let app = HubApp::start().await;
    let prospect = app.erp.state().fixtures().prospect.clone();
    let (status, problem) = code_of(
        app.call(
            "create_order",
            json!({"message": "Pedido ord-3",
                   "order": {"id": "ord-3", "customer": {"name": prospect.name, "document_number": prospect.document, "phone": "37999990000"},
                             "address": {"cep": "35560098", "street": "RUA A", "number": "1", "neighborhood": "CENTRO"},
                             "items": [{"erp_product_code": "1301", "price": "99.90", "quantity": 1}]}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 502, "{problem}");
    assert_eq!(problem["code"], "erp_rejected");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("já foi cadastrado antes no prospecto"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_write_off_whose_answer_is_lost_is_erp_timeout_and_is_not_sent_again() {
    let app = HubApp::start_with(HubsoftConfig::default(), |i| {
        i.settings.timeouts.request_ms = 500;
    })
    .await;
    let active = app.erp.state().fixtures().active.clone();
    let id = active.open_invoices[0];
    let amount = hubsoft_app::money(app.erp.state().invoice(id).unwrap().valor_cents);
    let liquidar = "/api/v1/integracao/financeiro/fatura/liquidar";
    app.erp
        .faults()
        .add(FaultRule::always(Fault::LostAnswerHang).on_path(liquidar));
    let (status, problem) = code_of(
        app.call(
            "settle_boleto",
            json!({"transaction": {"id": "tx-lost", "method": "pix", "amount": amount,
                                   "paid_at": format!("{}T09:00:00-03:00", hubsoft_app::iso(app.erp.state().today()))},
                   "boleto_id": format!("{id}-{}", active.id_cliente_servico),
                   "customer_document_number": active.document}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (504, Some("erp_timeout")),
        "{problem}"
    );
    assert_eq!(
        app.erp.requests().count(liquidar),
        1,
        "a write is sent once"
    );
    // Hubsoft did settle it: the outcome the caller could not know.
    assert!(
        app.erp
            .state()
            .invoice(id)
            .unwrap()
            .data_pagamento
            .is_some()
    );
}
