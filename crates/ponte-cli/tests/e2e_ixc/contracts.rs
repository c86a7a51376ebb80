//! list_customer_plans, list_customer_blocked_plans, trust_unlock and create_ticket.

use serde_json::{Value, json};

use crate::harness::{TestApp, col, money};
use ponte_simulators::ixc::Contract;

fn access_words(code: &str) -> &str {
    match code {
        "A" => "Ativo",
        "D" => "Desativado",
        "CM" => "Bloqueio Manual",
        "CA" => "Bloqueio Automático",
        "FA" => "Financeiro em atraso",
        "AA" => "Aguardando Assinatura",
        other => other,
    }
}

fn contract_words(code: &str) -> &str {
    match code {
        "A" => "Ativo",
        "I" => "Inativo",
        "P" => "Pré-contrato",
        "N" => "Negativado",
        "D" => "Desistiu",
        other => other,
    }
}

/// The PLAN of a seeded contract: its value is the sum of its items.
fn expected_plan(app: &TestApp, contract: &Contract) -> Value {
    let cents: i64 = app
        .state()
        .rows("vd_contratos_produtos")
        .iter()
        .filter(|item| col(item, "id_contrato") == contract.id)
        .map(|item| {
            let unit =
                ponte_simulators::ixc::values::parse_money(&col(item, "valor_unit")).unwrap();
            let quantity = col(item, "qtde").parse::<i64>().unwrap_or(1);
            unit * quantity
        })
        .sum();
    let status = if contract.status == "A" && !contract.status_internet.is_empty() {
        access_words(&contract.status_internet)
    } else {
        contract_words(&contract.status)
    };
    json!({
        "remote_id": contract.id,
        "contract_name": contract.contrato,
        "status": status,
        "blocked": contract.blocked || contract.status_velocidade == "R",
        "valor": ponte_simulators::ixc::values::money(cents),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn list_customer_plans_returns_every_listed_contract_with_status_words_and_value() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let contracts = app.state().contracts_of(&id);
    assert_eq!(contracts.len(), 2);
    let body = app
        .call(
            "list_customer_plans",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await
        .ok();
    let expected: Vec<Value> = contracts.iter().map(|k| expected_plan(&app, k)).collect();
    assert_eq!(body, json!(expected));
    assert_eq!(body[0]["blocked"], false);
    assert_eq!(body[1]["blocked"], true);
    assert_eq!(body[1]["status"], "Bloqueio Manual");
    // The seeded value of the plan is the value of its one item.
    assert_eq!(body[0]["valor"], money(&contracts[0].valor));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_customer_plans_answers_without_values_when_the_api_user_may_not_read_the_items() {
    let app = TestApp::start_with_erp(|erp| {
        erp.forbidden_tables = vec!["vd_contratos_produtos".into()];
    })
    .await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let expected: Vec<Value> = app
        .state()
        .contracts_of(&id)
        .iter()
        .map(|k| {
            let mut plan = expected_plan(&app, k);
            plan["valor"] = json!("");
            plan
        })
        .collect();
    assert_eq!(expected.len(), 2);
    let body = app
        .call(
            "list_customer_plans",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!(expected));
    let body = app
        .call(
            "list_customer_blocked_plans",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body[0]["valor"], "", "{body}");
    assert_eq!(body[0]["blocked"], true, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_customer_plans_leaves_out_a_cancelled_contract() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().cancelled.clone();
    let customer = app.customer(&id);
    assert!(
        app.state()
            .contracts_of(&id)
            .iter()
            .all(|k| k.status == "I")
    );
    let body = app
        .call(
            "list_customer_plans",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_customer_blocked_plans_returns_only_the_blocked_contract() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let blocked: Vec<Value> = app
        .state()
        .contracts_of(&id)
        .iter()
        .filter(|k| k.blocked)
        .map(|k| expected_plan(&app, k))
        .collect();
    assert_eq!(blocked.len(), 1);
    let body = app
        .call(
            "list_customer_blocked_plans",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!(blocked));

    // A paid-up customer has no blocked plan.
    let active = app.customer(&app.state().fixtures().active.clone());
    let body = app
        .call(
            "list_customer_blocked_plans",
            json!({"customer_document_number": active.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_unlock_releases_a_blocked_contract_and_a_second_one_is_refused_by_the_period() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().blocked.clone();
    let customer = app.customer(&id);
    let contract = app.state().contracts_of(&id).remove(0);
    assert!(contract.blocked, "{contract:?}");
    let input = json!({"customer_document_number": customer.cnpj_cpf, "contract_id": contract.id});

    let body = app.call("trust_unlock", input.clone()).await.ok();
    assert_eq!(body["success"], true, "{body}");
    assert!(!body["message"].as_str().unwrap().is_empty(), "{body}");
    let until =
        crate::harness::today() + time::Duration::days(i64::from(app.state().config().unlock_days));
    let until = ponte_simulators::ixc::values::iso(until);
    assert_eq!(body["unlocked_until"], until.as_str(), "{body}");

    let after = app.state().contract(&contract.id).unwrap();
    assert!(!after.blocked, "{after:?}");
    assert_eq!(after.desbloqueio_confianca_ativo, "S");
    assert_eq!(after.dt_retorno_desb_conf, until);

    let again = app.call("trust_unlock", input).await;
    let refused = if again.status == 200 {
        let body = again.json();
        assert_eq!(body["success"], false, "{body}");
        assert_eq!(body["unlocked_until"], "", "{body}");
        body["message"].as_str().unwrap_or_default().to_owned()
    } else {
        assert!((400..500).contains(&again.status), "{}", again.text);
        again.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(!refused.is_empty(), "the refusal says why");
    assert_eq!(
        app.state()
            .contract(&contract.id)
            .unwrap()
            .dt_retorno_desb_conf,
        until,
        "the refused unlock changed nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_unlock_of_a_contract_that_is_not_blocked_is_the_erps_refusal_and_changes_nothing() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let contract = app.state().contracts_of(&id).remove(0);
    // Awaiting signature: not active, and not blocked either.
    app.erp_put(
        "cliente_contrato",
        &contract.id,
        json!({"status_internet": "AA"}),
    )
    .await;
    let body = app
        .call(
            "trust_unlock",
            json!({"customer_document_number": customer.document, "contract_id": contract.id}),
        )
        .await
        .ok();
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["unlocked_until"], "", "{body}");
    assert_eq!(body["api_response"]["codigo"], "107", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("não é necessário utilizar o desbloqueio de confiança"),
        "{body}"
    );
    let after = app.state().contract(&contract.id).unwrap();
    assert_eq!(after.status_internet, "AA");
    assert_eq!(after.desbloqueio_confianca_ativo, "N");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_ticket_inserts_an_attendance_for_the_customer_and_contract() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let contract = app.state().contracts_of(&id).remove(0);
    let before = app.state().rows("su_ticket").len();
    let body = app
        .call(
            "create_ticket",
            json!({
                "customer_document_number": customer.document,
                "contract_id": contract.id,
                "subject": "Sem conexão",
                "message": "Cliente relata que está sem internet desde ontem.",
                "wda_user": {"id": "u-9", "document_number": customer.document, "name": "Maria", "last_name": "Souza"}
            }),
        )
        .await
        .ok();
    let rows = app.state().rows("su_ticket");
    assert_eq!(rows.len(), before + 1);
    let remote_id = body["remote_id"].as_str().unwrap();
    let row = app
        .state()
        .row("su_ticket", remote_id)
        .expect("the ticket is stored");
    assert_eq!(col(&row, "id_cliente"), customer.id);
    assert_eq!(col(&row, "id_contrato"), contract.id);
    assert_eq!(col(&row, "titulo"), "Sem conexão");
    let text = col(&row, "menssagem");
    assert!(
        text.starts_with("Cliente relata que está sem internet desde ontem."),
        "{text}"
    );
    assert!(text.contains("Maria Souza"), "{text}");
    assert!(body["remote_message"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn create_ticket_on_another_customers_contract_is_not_found_in_erp_and_inserts_nothing() {
    let app = TestApp::start().await;
    let fixtures = app.state().fixtures().clone();
    let customer = app.customer(&fixtures.active);
    let other = app.state().contracts_of(&fixtures.company).remove(0);
    let before = app.state().rows("su_ticket").len();
    let answer = app
        .call(
            "create_ticket",
            json!({
                "customer_document_number": customer.document,
                "contract_id": other.id,
                "subject": "Lentidão",
                "message": "Lento."
            }),
        )
        .await;
    // IXC answered, and has no such record for this customer: the caller's 404.
    let problem = answer.problem(404, "not_found_in_erp");
    assert_eq!(
        problem["automation_code"], "contract_not_found",
        "{problem}"
    );
    assert_eq!(app.state().rows("su_ticket").len(), before);
}
