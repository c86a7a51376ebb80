//! Faults through the shared module and the control API, the request counters, the fixtures
//! endpoint and determinism by seed.

use std::time::Duration;

use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::sgp::{BAD_CREDENTIALS, SgpConfig};
use serde_json::{Value, json};

use super::common::{TODAY, read, sim, sim_with};

#[tokio::test]
async fn a_status_fault_hits_the_next_requests_only_and_a_prefix_spares_other_paths() {
    let s = sim().await;
    s.sgp.faults().set_next(2, Fault::Status(503));
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 503);
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 503);
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
    s.sgp
        .faults()
        .add(FaultRule::always(Fault::Status(502)).on_path("/api/banco"));
    assert_eq!(s.call("/api/banco/titulo/1/baixar/", &[]).await.0, 502);
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
}

#[tokio::test]
async fn latency_delays_and_a_hang_makes_the_client_time_out() {
    let s = sim().await;
    s.sgp
        .faults()
        .set_next(1, Fault::Latency(Duration::from_millis(200)));
    let started = std::time::Instant::now();
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    s.sgp.faults().set_next(1, Fault::Hang);
    let err = s
        .http
        .post(s.url("/api/ura/titulos/"))
        .timeout(Duration::from_millis(300))
        .form(&[("token", s.token.as_str()), ("app", s.app.as_str())])
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn a_reject_token_fault_answers_exactly_like_a_wrong_token() {
    let s = sim().await;
    s.sgp.faults().set_next(1, Fault::RejectToken);
    let (status, body) = s.call("/api/ura/titulos/", &[]).await;
    assert_eq!((status, body), (401, json!({"detail": BAD_CREDENTIALS})));
}

#[tokio::test]
async fn a_lost_answer_applies_the_write_off_but_the_client_gets_no_answer() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id");
    let title = s.open_titles(contract).await[0].clone();
    let value = title["valorCorrigido"].as_f64().unwrap();
    let added = s
        .http
        .post(s.url("/__sim/faults"))
        .json(&json!({"fault": "lost_answer", "times": 1, "path_prefix": "/api/banco"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let outcome = s
        .http
        .post(s.url(&format!("/api/banco/titulo/{}/baixar/", title["id"])))
        .form(&[
            ("token", s.token.as_str()),
            ("app", s.app.as_str()),
            ("data_pagamento", "2026-03-18"),
            ("valor_pago", &format!("{value:.2}")),
        ])
        .send()
        .await;
    let failed = match outcome {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "the client must not get the answer");
    assert!(
        s.open_titles(contract).await.is_empty(),
        "but the write-off happened"
    );
}

#[tokio::test]
async fn requests_are_counted_per_path_and_control_calls_are_not() {
    let s = sim().await;
    s.call("/api/ura/titulos/", &[]).await;
    s.call("/api/ura/titulos", &[]).await;
    s.call("/api/ura/consultacliente/", &[("cpfcnpj", "1")])
        .await;
    assert_eq!(s.sgp.requests().count("/api/ura/titulos"), 2);
    let counted: Value = s
        .http
        .get(s.url("/__sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counted["total"], 3);
}

#[tokio::test]
async fn the_fixtures_endpoint_names_every_situation_with_documents_and_ids() {
    let s = sim().await;
    for key in [
        "active",
        "blocked",
        "cancelled",
        "unlock_used",
        "unlock_not_allowed",
        "company",
        "alphanumeric_cnpj",
        "unmasked_document",
        "two_contracts",
        "partial_payment",
    ] {
        let fx = s.fx(key);
        assert!(fx["cliente_id"].is_u64(), "{key}");
        assert!(fx["contrato_id"].is_u64(), "{key}");
        let doc = fx["document"].as_str().unwrap();
        assert!(ponte_br::Document::parse(doc).is_ok(), "{key}: {doc}");
    }
    assert_eq!(s.f["today"], "2026-03-18");
    assert_eq!(s.f["token"], s.token.as_str());
    assert_eq!(
        s.fx("two_contracts")["contratos"].as_array().unwrap().len(),
        2
    );
}

#[tokio::test]
async fn the_same_seed_answers_the_same_and_another_seed_does_not() {
    let a = sim().await;
    let b = sim().await;
    let c = sim_with(SgpConfig::with(7, TODAY)).await;
    let page = [("limit", "100")];
    let la = a.call("/api/ura/clientes/", &page).await.1;
    let lb = b.call("/api/ura/clientes/", &page).await.1;
    let lc = c.call("/api/ura/clientes/", &page).await.1;
    let strip = |v: &Value| {
        v.to_string()
            .replace(&a.sgp.base_url(), "")
            .replace(&b.sgp.base_url(), "")
            .replace(&c.sgp.base_url(), "")
    };
    assert_eq!(strip(&la), strip(&lb));
    assert_ne!(strip(&la), strip(&lc));
    assert_eq!(a.f["fixtures"], b.f["fixtures"]);
    assert_ne!(a.f["fixtures"], c.f["fixtures"]);
}

#[tokio::test]
async fn reset_drops_every_change() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    s.call(
        "/api/ura/liberacaopromessa/",
        &[("contrato", &contract.to_string())],
    )
    .await;
    s.control("/__sim/today", json!({"today": "2026-05-01"}))
        .await;
    assert_eq!(s.control("/__sim/reset", json!({})).await, 204);
    assert_eq!(s.contract(contract).await["contratoStatus"], 4);
    let (_, fixtures) = read(s.http.get(s.url("/__sim/fixtures")).send().await.unwrap()).await;
    assert_eq!(fixtures["today"], "2026-03-18");
    assert_eq!(
        s.control("/__sim/today", json!({"today": "18/03/2026"}))
            .await,
        400
    );
}
