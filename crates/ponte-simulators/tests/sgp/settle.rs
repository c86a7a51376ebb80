//! Write-offs (`/api/banco/titulo/{id}/baixar/`): a settlement leaves the open list and is
//! refused the second time, unblocks a contract paid up, and every refusal.

use super::common::{cents, read, sim};
use serde_json::Value;

fn money(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

async fn settle(s: &super::common::Sim, title: u64, fields: &[(&str, &str)]) -> (u16, Value) {
    s.call(&format!("/api/banco/titulo/{title}/baixar/"), fields)
        .await
}

#[tokio::test]
async fn a_write_off_removes_the_title_from_the_open_list_and_is_refused_the_second_time() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id");
    let open = s.open_titles(contract).await;
    let title = &open[0];
    let id = title["id"].as_u64().unwrap();
    let value = money(cents(&title["valorCorrigido"]));
    let fields = [
        ("data_pagamento", "2026-03-18"),
        ("valor_pago", value.as_str()),
        ("forma_pagamento", "PIX"),
    ];
    let (status, body) = settle(&s, id, &fields).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], 1);
    assert_eq!(body["titulo"], id);
    assert!(s.open_titles(contract).await.is_empty());
    let (_, paid) = s
        .call("/api/ura/titulos/", &[("titulo_id", &id.to_string())])
        .await;
    assert_eq!(paid["titulos"][0]["status"], "pago");
    assert_eq!(paid["titulos"][0]["dataPagamento"], "2026-03-18");
    let (status, again) = settle(&s, id, &fields).await;
    assert_eq!(status, 200);
    assert_eq!(again["status"], 2);
    assert_eq!(again["msg"], "Título já se encontra liquidado");
}

#[tokio::test]
async fn paying_every_overdue_title_gives_the_blocked_contract_its_access_back() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let open = s.open_titles(contract).await;
    let overdue: Vec<&Value> = open
        .iter()
        .filter(|t| t["diasAtraso"].as_i64().unwrap() > 0)
        .collect();
    assert_eq!(overdue.len(), 2);
    for (n, t) in overdue.iter().enumerate() {
        let value = money(cents(&t["valorCorrigido"]));
        let (_, body) = settle(
            &s,
            t["id"].as_u64().unwrap(),
            &[("data_pagamento", "2026-03-18"), ("valor_pago", &value)],
        )
        .await;
        assert_eq!(body["status"], 1);
        let expected = if n == 0 { 4 } else { 1 };
        assert_eq!(s.contract(contract).await["contratoStatus"], expected);
    }
    assert_eq!(
        s.open_titles(contract).await.len(),
        1,
        "the upcoming title stays open"
    );
}

#[tokio::test]
async fn a_write_off_above_the_value_due_is_refused() {
    let s = sim().await;
    let t = &s.open_titles(s.id("active", "contrato_id")).await[0];
    let over = money(cents(&t["valorCorrigido"]) + 1);
    let (_, body) = settle(
        &s,
        t["id"].as_u64().unwrap(),
        &[("data_pagamento", "2026-03-18"), ("valor_pago", &over)],
    )
    .await;
    assert_eq!(body["status"], 2);
    assert_eq!(
        body["msg"],
        "Valor pago maior que o valor em aberto do título"
    );
    assert_eq!(s.open_titles(s.id("active", "contrato_id")).await.len(), 1);
}

#[tokio::test]
async fn a_write_off_below_the_open_value_needs_liquidacao_parcial_and_then_keeps_the_rest_open() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id");
    let t = s.open_titles(contract).await[0].clone();
    let id = t["id"].as_u64().unwrap();
    let (_, refused) = settle(
        &s,
        id,
        &[("data_pagamento", "2026-03-18"), ("valor_pago", "10.00")],
    )
    .await;
    assert_eq!(refused["status"], 2);
    assert!(
        refused["msg"]
            .as_str()
            .unwrap()
            .contains("liquidacao_parcial")
    );
    let (_, partial) = settle(
        &s,
        id,
        &[
            ("data_pagamento", "2026-03-18"),
            ("valor_pago", "10.00"),
            ("liquidacao_parcial", "1"),
        ],
    )
    .await;
    assert_eq!(partial["status"], 1);
    assert_eq!(partial["liquidacao_parcial"], true);
    let after = s.open_titles(contract).await;
    assert_eq!(after.len(), 1);
    assert_eq!(
        cents(&after[0]["valorCorrigido"]),
        cents(&t["valor"]) - 1000
    );
    assert_eq!(cents(&after[0]["valorPago"]), 1000);
}

#[tokio::test]
async fn the_partly_paid_title_settles_with_what_is_left() {
    let s = sim().await;
    let id = s.fx("partial_payment")["titulos_abertos"][0]
        .as_u64()
        .unwrap();
    let (_, listed) = s
        .call("/api/ura/titulos/", &[("titulo_id", &id.to_string())])
        .await;
    let t = &listed["titulos"][0];
    assert!(cents(&t["valorPago"]) > 0);
    let due = cents(&t["valorCorrigido"]);
    assert!(
        due < cents(&t["valor"]),
        "only the rest is due, with charges"
    );
    let (_, body) = settle(
        &s,
        id,
        &[
            ("data_pagamento", "2026-03-18"),
            ("valor_pago", &money(due)),
        ],
    )
    .await;
    assert_eq!(body["status"], 1);
    assert_eq!(body["valor_aberto"], 0.0);
}

#[tokio::test]
async fn write_off_refusals_name_what_is_wrong() {
    let s = sim().await;
    let t = &s.open_titles(s.id("active", "contrato_id")).await[0];
    let id = t["id"].as_u64().unwrap();
    let value = money(cents(&t["valorCorrigido"]));
    for fields in [
        vec![("valor_pago", value.as_str())],
        vec![
            ("data_pagamento", "18/03/2026"),
            ("valor_pago", value.as_str()),
        ],
        vec![("data_pagamento", "2026-03-18"), ("valor_pago", "abc")],
        vec![("data_pagamento", "2026-03-18")],
    ] {
        let (_, body) = settle(&s, id, &fields).await;
        assert_eq!(body["status"], 2, "{fields:?}");
        assert!(body["msg"].as_str().unwrap().contains("obrigatórios"));
    }
    let (_, form) = settle(
        &s,
        id,
        &[
            ("data_pagamento", "2026-03-18"),
            ("valor_pago", &value),
            ("forma_pagamento", "BOLETO"),
        ],
    )
    .await;
    assert_eq!(form["msg"], "Forma de pagamento inválida");
    let (_, point) = settle(
        &s,
        id,
        &[
            ("data_pagamento", "2026-03-18"),
            ("valor_pago", &value),
            ("ponto_recebimento", "99"),
        ],
    )
    .await;
    assert_eq!(point["msg"], "Ponto de recebimento não localizado");
    let cancelled = s
        .sgp
        .state()
        .story()
        .titles
        .iter()
        .find(|t| t.status == ponte_simulators::sgp::story::model::TitleStatus::Cancelled)
        .unwrap()
        .id;
    let (_, body) = settle(
        &s,
        cancelled,
        &[("data_pagamento", "2026-03-18"), ("valor_pago", "1.00")],
    )
    .await;
    assert_eq!(body["msg"], "Título cancelado não pode ser liquidado");
    let (status, body) = settle(
        &s,
        1,
        &[("data_pagamento", "2026-03-18"), ("valor_pago", "1.00")],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body, serde_json::json!({"detail": "Não encontrado."}));
}

#[tokio::test]
async fn the_receiving_points_are_listed() {
    let s = sim().await;
    let (status, body) = read(s.post("/api/ura/pontosrecebimentos/", &[]).await).await;
    assert_eq!(status, 200);
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"].is_u64() && p["descricao"].is_string())
    );
}
