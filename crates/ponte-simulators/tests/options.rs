//! The switches for behaviours that differ between IXC versions, and the contract buttons.

mod common;

use common::{TODAY, rows, sim, sim_with};
use ponte_simulators::ixc::IxcConfig;
use serde_json::json;

#[tokio::test]
async fn total_can_be_sent_as_a_number_like_some_versions_do() {
    let s = sim_with(IxcConfig {
        total_as_number: true,
        ..IxcConfig::with(42, TODAY)
    })
    .await;
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.id", "query": "1", "oper": "="}),
        )
        .await;
    assert_eq!(answer["total"], json!(1));
    assert_eq!(answer["page"], "1");
}

#[tokio::test]
async fn the_english_insert_message_can_be_chosen() {
    let s = sim_with(IxcConfig {
        insert_message_in_english: true,
        ..IxcConfig::with(42, TODAY)
    })
    .await;
    let answer = s
        .post_json(
            "contato",
            json!({"nome": "Ana", "data_cadastro": "18/03/2026", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(answer["message"], "Record successfully inserted!");
}

#[tokio::test]
async fn a_partial_put_can_reset_the_omitted_columns() {
    let s = sim_with(IxcConfig {
        partial_put_resets_omitted: true,
        ..IxcConfig::with(42, TODAY)
    })
    .await;
    let lead = s
        .post_json("contato", json!({"nome": "Ana", "data_cadastro": "18/03/2026", "email": "ana@example.com", "obs": "quer fibra"}))
        .await;
    let id = lead["id"].as_str().unwrap();
    let answer = s
        .put_json(
            "contato",
            id,
            json!({"nome": "Ana Paula", "data_cadastro": "18/03/2026", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(answer["type"], "success");
    let row = s.ixc.state().row("contato", id).unwrap();
    assert_eq!(row["nome"], "Ana Paula");
    assert_eq!(
        row["obs"], "",
        "the omitted column went back to its default"
    );
}

#[tokio::test]
async fn the_contract_buttons_set_the_access_status() {
    let s = sim().await;
    let contract = s
        .ixc
        .state()
        .contracts_of(&s.ixc.state().fixtures().active)
        .remove(0);
    for (button, key, expected) in [
        ("cliente_contrato_15300", "id_contrato", "CM"),
        ("cliente_contrato_15464", "id_contrato", "A"),
        ("cliente_contrato_23529", "id_contrato", "AA"),
        ("cliente_contrato_btn_lib_temp_24722", "get_id", "A"),
    ] {
        let answer = s.post_json(button, json!({ key: contract.id })).await;
        assert_eq!(answer["type"], "success", "{button}");
        assert_eq!(
            s.ixc
                .state()
                .contract(&contract.id)
                .unwrap()
                .status_internet,
            expected,
            "{button}"
        );
    }
    let listed = s
        .list_json(
            "cliente_contrato",
            json!({"qtype": "cliente_contrato.id", "query": contract.id, "oper": "="}),
        )
        .await;
    assert_eq!(rows(&listed)[0]["status_internet"], "A");
}

#[tokio::test]
async fn a_boleto_sent_by_mail_answers_with_a_success_record() {
    let s = sim().await;
    let invoice = s
        .ixc
        .state()
        .invoices_of(&s.ixc.state().fixtures().active)
        .into_iter()
        .find(|i| i.status == "A")
        .unwrap();
    let answer = s
        .post_json(
            "get_boleto",
            json!({"boletos": invoice.id, "tipo_boleto": "mail"}),
        )
        .await;
    assert_eq!(answer, json!({"registros": [{"sucesso": true}]}));
}

#[tokio::test]
async fn the_catalogue_tables_list_plans_sellers_origins_and_due_days() {
    let s = sim().await;
    let all = |table: &str| json!({"qtype": format!("{table}.id"), "query": "", "oper": "!=", "rp": "100"});
    for table in [
        "vd_contratos",
        "vd_contratos_produtos",
        "vendedor",
        "crm_candato_tipo",
        "fn_vencimento",
        "cidade",
        "uf",
        "su_oss_assunto",
        "su_ticket_setor",
        "radusuarios",
    ] {
        let answer = s.list_json(table, all(table)).await;
        assert!(!rows(&answer).is_empty(), "{table} is seeded");
    }
    let sellers = s
        .list_json(
            "vendedor",
            json!({"qtype": "vendedor.status", "query": "A", "oper": "="}),
        )
        .await;
    assert!(rows(&sellers).iter().all(|r| r["status"] == "A"));
    let days = s.list_json("fn_vencimento", all("fn_vencimento")).await;
    let days: Vec<String> = rows(&days)
        .iter()
        .map(|r| r["dia"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(days, ["5", "10", "15", "20", "25"]);
}

#[tokio::test]
async fn the_fixtures_are_published_and_a_reset_undoes_every_change() {
    let s = sim().await;
    let root = s.ixc.root_url();
    let published: serde_json::Value = s
        .http
        .get(format!("{root}/__sim/fixtures"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        published["fixtures"]["blocked"],
        s.ixc.state().fixtures().blocked.as_str()
    );
    assert_eq!(published["today"], "2026-03-18");
    assert_eq!(published["user_id"], s.user.as_str());

    let invoice = s
        .ixc
        .state()
        .invoices_of(&s.ixc.state().fixtures().active)
        .into_iter()
        .find(|i| i.status == "A")
        .unwrap();
    s.post_json(
        "fn_areceber_recebimentos_baixas_novo",
        common::writeoff(&invoice.id, &invoice.valor),
    )
    .await;
    assert_eq!(s.ixc.state().invoice(&invoice.id).unwrap().status, "R");
    let reset = s
        .http
        .post(format!("{root}/__sim/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    assert_eq!(s.ixc.state().invoice(&invoice.id).unwrap(), invoice);
}
