//! The payment promise ("liberação por promessa de pagamento"): released once, refused the
//! second time in SGP's own words, the other refusals, and the block coming back when the
//! promised date passes with the debt still open.

use serde_json::json;

use super::common::sim;
use ponte_simulators::sgp::QUOTA_SPENT;

#[tokio::test]
async fn a_promise_releases_the_blocked_contract_once_and_is_refused_the_second_time() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let id = contract.to_string();
    assert_eq!(s.contract(contract).await["contratoStatus"], 4);
    let before = s.sgp.state().story().occurrences.len();
    let (status, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &id), ("uracontato", "47999")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], 1);
    assert_eq!(body["liberado"], true);
    assert_eq!(body["liberado_dias"], 3);
    assert_eq!(body["data_promessa"], "2026-03-21");
    assert_eq!(body["contratoId"], contract);
    assert_eq!(body["cpfCnpj"], s.fx("blocked")["cpfcnpj"]);
    assert_eq!(body["uracontato"], "47999");
    let protocol = body["protocolo"].as_str().unwrap();
    assert_eq!(protocol.len(), 12);
    assert!(
        protocol.starts_with("260318"),
        "a timestamp protocol: {protocol}"
    );
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .starts_with("Liberação via URA -\nServiço ID: ")
    );
    assert_eq!(s.sgp.state().story().occurrences.len(), before + 1);

    let after = s.contract(contract).await;
    assert_eq!(after["contratoStatus"], 1);
    assert_eq!(after["promessasPagamentoMes"], 1);

    // The promise ends with the debt still open; the quota of the month is spent.
    s.control("/__sim/today", json!({"today": "2026-03-25"}))
        .await;
    assert_eq!(s.contract(contract).await["contratoStatus"], 4);
    let (_, again) = s
        .call("/api/ura/liberacaopromessa/", &[("contrato", &id)])
        .await;
    assert_eq!(again["status"], 2);
    assert_eq!(again["liberado"], false);
    assert_eq!(again["msg"], QUOTA_SPENT);
}

#[tokio::test]
async fn when_the_promised_date_passes_with_the_debt_open_the_contract_is_suspended_again() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let (_, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &contract.to_string())],
        )
        .await;
    assert_eq!(body["status"], 1);
    s.control("/__sim/today", json!({"today": "2026-03-21"}))
        .await;
    assert_eq!(
        s.contract(contract).await["contratoStatus"],
        1,
        "the last day still counts"
    );
    s.control("/__sim/today", json!({"today": "2026-03-22"}))
        .await;
    assert_eq!(s.contract(contract).await["contratoStatus"], 4);
    // A new month brings a new promise.
    s.control("/__sim/today", json!({"today": "2026-04-02"}))
        .await;
    let (_, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &contract.to_string())],
        )
        .await;
    assert_eq!(body["status"], 1);
}

#[tokio::test]
async fn the_contract_whose_promise_was_used_this_month_is_refused_with_the_quota_text() {
    let s = sim().await;
    let contract = s.id("unlock_used", "contrato_id");
    assert_eq!(s.contract(contract).await["promessasPagamentoMes"], 1);
    let (_, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &contract.to_string())],
        )
        .await;
    assert_eq!(body["status"], 2);
    assert_eq!(body["msg"], QUOTA_SPENT);
    assert_eq!(s.contract(contract).await["contratoStatus"], 4);
}

#[tokio::test]
async fn a_contract_not_allowed_to_promise_is_refused() {
    let s = sim().await;
    let contract = s.id("unlock_not_allowed", "contrato_id").to_string();
    let (_, body) = s
        .call("/api/ura/liberacaopromessa/", &[("contrato", &contract)])
        .await;
    assert_eq!(body["status"], 2);
    assert_eq!(body["liberado"], false);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("não está habilitado")
    );
}

#[tokio::test]
async fn a_contract_that_is_not_blocked_answers_status_0_with_an_empty_message() {
    let s = sim().await;
    for name in ["active", "cancelled"] {
        let contract = s.id(name, "contrato_id").to_string();
        let (_, body) = s
            .call("/api/ura/liberacaopromessa/", &[("contrato", &contract)])
            .await;
        assert_eq!(body["status"], 0, "{name}");
        assert_eq!(body["liberado"], false);
        assert_eq!(body["msg"], "");
    }
}

#[tokio::test]
async fn a_reduced_speed_contract_can_promise() {
    let s = sim().await;
    let reduced = s.fx("two_contracts")["contratos"][1].as_u64().unwrap();
    let (_, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &reduced.to_string())],
        )
        .await;
    assert_eq!(body["status"], 1);
    assert_eq!(s.contract(reduced).await["contratoStatus"], 1);
}

#[tokio::test]
async fn a_promise_date_outside_the_window_or_an_unknown_contract_is_refused() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id").to_string();
    for date in ["2026-03-18", "2026-04-30", "20/03/2026"] {
        let (_, body) = s
            .call(
                "/api/ura/liberacaopromessa/",
                &[("contrato", &contract), ("data_promessa", date)],
            )
            .await;
        assert_eq!(body["status"], 0, "{date}");
    }
    let (_, body) = s
        .call(
            "/api/ura/liberacaopromessa/",
            &[("contrato", &contract), ("data_promessa", "2026-03-20")],
        )
        .await;
    assert_eq!(
        (body["status"].as_i64(), body["liberado_dias"].as_i64()),
        (Some(1), Some(2))
    );
    let (_, unknown) = s
        .call("/api/ura/liberacaopromessa/", &[("contrato", "999999")])
        .await;
    assert_eq!(unknown["status"], 0);
    assert_eq!(unknown["msg"], "Contrato não localizado");
    let (_, missing) = s.call("/api/ura/liberacaopromessa/", &[]).await;
    assert_eq!(missing["status"], 0);
}

#[tokio::test]
async fn the_customer_area_promise_answers_with_lower_case_keys() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let password = s.contract(contract).await["contratoCentralSenha"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = s.fx("blocked")["document"].as_str().unwrap().to_string();
    let response = s
        .post_bare(
            "/api/central/promessapagamento/",
            &[
                ("cpfcnpj", &doc),
                ("senha", &password),
                ("contrato", &contract.to_string()),
            ],
        )
        .await;
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], 1);
    assert_eq!(body["contrato"], contract);
    assert_eq!(
        body["razaosocial"],
        s.contract(contract).await["razaoSocial"]
    );
    assert!(body.get("liberado_dias").is_none());
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .starts_with("Liberação via Central App -\n   Serviço ID:")
    );
    // Another customer's contract is not this customer's to release.
    let other = s.id("unlock_used", "contrato_id").to_string();
    let body: serde_json::Value = s
        .post_bare(
            "/api/central/promessapagamento/",
            &[
                ("cpfcnpj", &doc),
                ("senha", &password),
                ("contrato", &other),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], 0);
}
