//! The simulator refuses what a real IXC refuses, by default, and each leniency lets exactly
//! its own behaviour through when switched on.

mod common;

use common::{TODAY, content_type, rows, sim, sim_with, writeoff};
use ponte_simulators::ixc::{IxcConfig, IxcLeniency};
use serde_json::{Value, json};

fn lenient(leniency: IxcLeniency) -> IxcConfig {
    IxcConfig {
        lenient: leniency,
        ..IxcConfig::with(42, TODAY)
    }
}

async fn get_without_header(s: &common::Sim, table: &str, body: Value) -> reqwest::Response {
    s.http
        .get(s.url(table))
        .basic_auth(&s.user, Some(&s.token))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_get_without_the_listing_header_is_refused_and_lists_only_when_told_to() {
    let body = json!({"qtype": "vd_contratos.ativo", "query": "S", "oper": "="});
    let s = sim().await;
    let response = get_without_header(&s, "vd_contratos", body.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(content_type(&response), "text/html");
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(answer["type"], "error", "{answer}");
    assert!(answer.get("registros").is_none(), "{answer}");

    let s = sim_with(lenient(IxcLeniency {
        get_without_header_lists: true,
        ..IxcLeniency::default()
    }))
    .await;
    let response = get_without_header(&s, "vd_contratos", body).await;
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(!rows(&answer).is_empty(), "{answer}");
}

#[tokio::test]
async fn a_column_without_its_table_prefix_is_an_sql_error_wherever_it_is_named() {
    let s = sim().await;
    let fixture = s
        .ixc
        .state()
        .customer(&s.ixc.state().fixtures().active)
        .unwrap();
    for (body, column, clause) in [
        (
            json!({"qtype": "cnpj_cpf", "query": fixture.cnpj_cpf, "oper": "="}),
            "cnpj_cpf",
            "where clause",
        ),
        (
            json!({"qtype": "fn_areceber.id_cliente", "query": fixture.id, "oper": "="}),
            "fn_areceber.id_cliente",
            "where clause",
        ),
        (
            json!({"qtype": "cliente.id", "query": fixture.id, "oper": "=",
                   "grid_param": json!([{"TB": "ativo", "OP": "=", "P": "S"}]).to_string()}),
            "ativo",
            "where clause",
        ),
        (
            json!({"qtype": "cliente.id", "query": fixture.id, "oper": "=", "sortname": "razao"}),
            "razao",
            "order clause",
        ),
    ] {
        let response = s.list("cliente", body.clone()).await;
        assert_eq!(content_type(&response), "text/html");
        let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(answer["type"], "error", "{body}: {answer}");
        assert_eq!(
            answer["message"],
            format!(
                "SQLSTATE[42S22]: Column not found: 1054 Unknown column '{column}' in '{clause}'"
            ),
            "{body}"
        );
    }

    let s = sim_with(lenient(IxcLeniency {
        bare_columns: true,
        ..IxcLeniency::default()
    }))
    .await;
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cnpj_cpf", "query": fixture.cnpj_cpf, "oper": "=", "sortname": "razao",
                   "grid_param": json!([{"TB": "ativo", "OP": "=", "P": "S"}]).to_string()}),
        )
        .await;
    assert_eq!(rows(&answer)[0]["id"], fixture.id.as_str(), "{answer}");
}

#[tokio::test]
async fn an_insert_or_update_naming_an_unknown_column_writes_nothing() {
    let s = sim().await;
    let lead = json!({"nome": "Ana", "data_cadastro": "18/03/2026", "email": "ana@example.com",
                      "canal": "instagram"});
    let answer = s.post_json("contato", lead.clone()).await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        answer["message"],
        "SQLSTATE[42S22]: Column not found: 1054 Unknown column 'canal' in 'field list'"
    );
    assert!(s.ixc.state().rows("contato").is_empty());

    let id = s.ixc.state().fixtures().active.clone();
    let before = s.ixc.state().row("cliente", &id).unwrap();
    let answer = s
        .put_json(
            "cliente",
            &id,
            json!({"id": id, "email": "novo@example.com", "apelido": "Zé"}),
        )
        .await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(s.ixc.state().row("cliente", &id).unwrap(), before);

    // The whole record, `id` included, is an update IXC accepts.
    let mut whole: serde_json::Map<String, Value> = before
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    whole.insert("email".into(), "novo@example.com".into());
    let answer = s.put_json("cliente", &id, Value::Object(whole)).await;
    assert_eq!(answer["type"], "success", "{answer}");

    let s = sim_with(lenient(IxcLeniency {
        unknown_columns: true,
        ..IxcLeniency::default()
    }))
    .await;
    let answer = s.post_json("contato", lead).await;
    assert_eq!(answer["type"], "success", "{answer}");
    let row = s
        .ixc
        .state()
        .row("contato", answer["id"].as_str().unwrap())
        .unwrap();
    assert!(!row.contains_key("canal"));
}

fn open_invoice(s: &common::Sim) -> ponte_simulators::ixc::Invoice {
    s.ixc
        .state()
        .invoices_of(&s.ixc.state().fixtures().active)
        .into_iter()
        .find(|i| i.status == "A")
        .unwrap()
}

#[tokio::test]
async fn a_write_off_without_a_required_field_is_refused_and_names_the_field() {
    let s = sim().await;
    let invoice = open_invoice(&s);
    for field in [
        "filial_id",
        "conta_",
        "data",
        "tipo_recebimento",
        "valor_total_recebido",
    ] {
        let mut body = writeoff(&invoice.id, &invoice.valor_aberto);
        body[field] = json!("");
        let answer = s
            .post_json("fn_areceber_recebimentos_baixas_novo", body)
            .await;
        assert_eq!(answer["type"], "error", "{field}: {answer}");
        assert_eq!(
            answer["message"],
            format!("O campo {field} é obrigatório!<br />")
        );
    }
    let mut body = writeoff(&invoice.id, &invoice.valor_aberto);
    body["data"] = json!("ontem");
    let answer = s
        .post_json("fn_areceber_recebimentos_baixas_novo", body)
        .await;
    assert_eq!(answer["message"], "Data de recebimento inválida!<br />");
    assert_eq!(s.ixc.state().invoice(&invoice.id).unwrap(), invoice);
    assert_eq!(
        s.ixc.state().settlements_of(&invoice.id).len(),
        0,
        "nothing was booked"
    );
}

#[tokio::test]
async fn a_write_off_above_the_open_value_is_refused_unless_the_excess_is_an_addition() {
    let s = sim().await;
    let invoice = open_invoice(&s);
    let open = invoice.open_cents();
    let above = ponte_simulators::ixc::values::money(open + 500);
    let answer = s
        .post_json(
            "fn_areceber_recebimentos_baixas_novo",
            writeoff(&invoice.id, &above),
        )
        .await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        answer["message"],
        "O valor recebido não pode ser maior que o valor em aberto da parcela!<br />"
    );
    assert_eq!(s.ixc.state().invoice(&invoice.id).unwrap(), invoice);

    // Interest and fine paid on top, booked as an addition: accepted, and the invoice is paid.
    let mut body = writeoff(&invoice.id, &above);
    body["valor_parcela"] = json!(invoice.valor_aberto);
    body["vacrescimo"] = json!("5.00");
    let answer = s
        .post_json("fn_areceber_recebimentos_baixas_novo", body)
        .await;
    assert_eq!(answer["type"], "success", "{answer}");
    let paid = s.ixc.state().invoice(&invoice.id).unwrap();
    assert_eq!(paid.status, "R");
    assert_eq!(paid.open_cents(), 0);
}

#[tokio::test]
async fn an_insert_into_the_write_off_table_is_checked_and_booked_like_the_action() {
    let s = sim().await;
    let invoice = open_invoice(&s);
    let answer = s
        .post_json(
            "fn_areceber_baixas",
            json!({"id_receber": invoice.id, "valor_total_recebido": invoice.valor_aberto}),
        )
        .await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert!(s.ixc.state().settlements_of(&invoice.id).is_empty());

    let answer = s
        .post_json(
            "fn_areceber_baixas",
            writeoff(&invoice.id, &invoice.valor_aberto),
        )
        .await;
    assert_eq!(answer["type"], "success", "{answer}");
    assert_eq!(s.ixc.state().invoice(&invoice.id).unwrap().status, "R");
    assert_eq!(s.ixc.state().settlements_of(&invoice.id).len(), 1);
}

#[tokio::test]
async fn a_lenient_write_off_takes_a_bare_amount_and_swallows_the_excess() {
    let s = sim_with(lenient(IxcLeniency {
        writeoffs: true,
        ..IxcLeniency::default()
    }))
    .await;
    let invoice = open_invoice(&s);
    let above = ponte_simulators::ixc::values::money(invoice.open_cents() + 500);
    let answer = s
        .post_json(
            "fn_areceber_recebimentos_baixas_novo",
            json!({"id_receber": invoice.id, "credito": above}),
        )
        .await;
    assert_eq!(answer["type"], "success", "{answer}");
    let paid = s.ixc.state().invoice(&invoice.id).unwrap();
    assert_eq!(paid.status, "R");
    assert_eq!(paid.open_cents(), 0);
}

/// A fresh contract for the active fixture, inserted with the given access status.
async fn contract_with_access(s: &common::Sim, access: &str) -> String {
    let customer = s.ixc.state().fixtures().active.clone();
    let answer = s
        .post_json(
            "cliente_contrato",
            json!({"tipo": "I", "id_cliente": customer, "id_vd_contrato": "1",
                   "contrato": "FIBRA 100 MEGA", "id_filial": "1", "data": "18/03/2026",
                   "status": "A", "status_internet": access}),
        )
        .await;
    assert_eq!(answer["type"], "success", "{answer}");
    answer["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_trust_unlock_of_a_contract_that_is_not_blocked_is_refused() {
    let s = sim().await;
    for (access, code, message) in [
        (
            "AA",
            "107",
            "O contrato já encontra-se ativo, não é necessário utilizar o desbloqueio de confiança.",
        ),
        (
            "D",
            "109",
            "O contrato está inativo, não é possível utilizar o desbloqueio de confiança.",
        ),
    ] {
        let id = contract_with_access(&s, access).await;
        let response = s.post("desbloqueio_confianca", json!({"id": id})).await;
        assert_eq!(content_type(&response), "text/html");
        let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(
            answer,
            json!({"tipo": "erro", "codigo": code, "mensagem": message}),
            "{access}"
        );
        let after = s.ixc.state().contract(&id).unwrap();
        assert_eq!(after.status_internet, access, "the refusal changed nothing");
        assert_eq!(after.dt_ult_desb_conf, "0000-00-00");
    }

    let s = sim_with(lenient(IxcLeniency {
        unlock_unblocked: true,
        ..IxcLeniency::default()
    }))
    .await;
    let id = contract_with_access(&s, "AA").await;
    let answer = s
        .post_json("desbloqueio_confianca", json!({"id": id}))
        .await;
    assert_eq!(answer["tipo"], "sucesso", "{answer}");
    assert_eq!(s.ixc.state().contract(&id).unwrap().status_internet, "A");
}

fn paid_invoice(s: &common::Sim) -> ponte_simulators::ixc::Invoice {
    s.ixc
        .state()
        .invoices_of(&s.ixc.state().fixtures().active)
        .into_iter()
        .find(|i| i.status == "R")
        .unwrap()
}

#[tokio::test]
async fn the_boleto_of_a_paid_invoice_is_refused_with_an_error_or_an_empty_body() {
    let ask = |id: &str| json!({"boletos": id, "tipo_boleto": "arquivo", "base64": "N"});
    let s = sim().await;
    let paid = paid_invoice(&s);
    let response = s.post("get_boleto", ask(&paid.id)).await;
    assert_eq!(content_type(&response), "text/html");
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(
        answer,
        json!({"type": "error", "message": "Parcela já está recebida ou cancelada!<br />"})
    );
    // An open invoice of the same customer still prints.
    let open = s.post("get_boleto", ask(&open_invoice(&s).id)).await;
    assert!(open.bytes().await.unwrap().starts_with(b"%PDF-"));

    let s = sim_with(IxcConfig {
        paid_boleto_empty: true,
        ..IxcConfig::with(42, TODAY)
    })
    .await;
    let response = s.post("get_boleto", ask(&paid_invoice(&s).id)).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());

    let s = sim_with(lenient(IxcLeniency {
        paid_boleto_pdf: true,
        ..IxcLeniency::default()
    }))
    .await;
    let response = s.post("get_boleto", ask(&paid_invoice(&s).id)).await;
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test]
async fn a_table_the_api_user_may_not_access_answers_a_permission_refusal() {
    let s = sim_with(IxcConfig {
        forbidden_tables: vec!["cidade".into()],
        ..IxcConfig::with(42, TODAY)
    })
    .await;
    let response = s
        .list(
            "cidade",
            json!({"qtype": "cidade.id", "query": "3828", "oper": "="}),
        )
        .await;
    assert_eq!(content_type(&response), "text/html");
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(answer["type"], "error");
    assert_eq!(
        answer["message"],
        "Usuário sem permissão para acessar o recurso cidade!<br />"
    );
    let answer = s
        .post_json("cidade", json!({"nome": "Joinville", "uf": "1"}))
        .await;
    assert_eq!(answer["type"], "error");
    assert_eq!(
        s.ixc.state().rows("cidade").len(),
        8,
        "nothing was inserted"
    );
    // Other tables answer as usual.
    let answer = s
        .list_json("uf", json!({"qtype": "uf.id", "query": "1", "oper": "="}))
        .await;
    assert_eq!(rows(&answer)[0]["sigla"], "SC");
}

#[tokio::test]
async fn every_leniency_is_off_by_default_and_all_turns_each_one_on() {
    let config = IxcConfig::default();
    assert_eq!(config.lenient, IxcLeniency::default());
    assert!(config.forbidden_tables.is_empty());
    assert!(!config.paid_boleto_empty);
    let all = IxcLeniency::all();
    assert!(
        all.get_without_header_lists
            && all.bare_columns
            && all.unknown_columns
            && all.writeoffs
            && all.unlock_unblocked
            && all.paid_boleto_pdf
    );
}
