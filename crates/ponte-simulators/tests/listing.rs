//! Auth and listings over real HTTP: the shapes a client of IXC depends on.

mod common;

use common::{content_type, rows, sim};
use serde_json::{Value, json};

#[tokio::test]
async fn the_right_credential_is_accepted_and_a_wrong_one_gets_401() {
    let s = sim().await;
    let ok = s
        .list(
            "cliente",
            json!({"qtype": "cliente.id", "query": "1", "oper": "="}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(content_type(&ok), "text/x-json");

    let wrong = s
        .http
        .post(s.url("cliente"))
        .basic_auth(&s.user, Some("not-the-token"))
        .header("ixcsoft", "listar")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let missing = s
        .http
        .post(s.url("cliente"))
        .header("ixcsoft", "listar")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn a_customer_is_found_by_its_masked_document_and_every_column_is_a_string() {
    let s = sim().await;
    let fixture = s
        .ixc
        .state()
        .customer(&s.ixc.state().fixtures().active)
        .unwrap();
    assert!(
        fixture.cnpj_cpf.contains('.') && fixture.cnpj_cpf.contains('-'),
        "{}",
        fixture.cnpj_cpf
    );
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.cnpj_cpf", "query": fixture.cnpj_cpf, "oper": "=", "page": "1", "rp": "20"}),
        )
        .await;
    assert_eq!(answer["page"], "1");
    assert_eq!(answer["total"], "1");
    let found = rows(&answer);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], fixture.id.as_str());
    assert_eq!(found[0]["razao"], fixture.razao.as_str());
    for (column, value) in found[0].as_object().unwrap() {
        assert!(value.is_string(), "column {column} is {value}");
    }
}

#[tokio::test]
async fn companies_have_no_birth_date_and_show_the_empty_date() {
    let s = sim().await;
    let id = s.ixc.state().fixtures().company.clone();
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.id", "query": id, "oper": "="}),
        )
        .await;
    let row = &rows(&answer)[0];
    assert_eq!(row["tipo_pessoa"], "J");
    assert_eq!(row["data_nascimento"], "0000-00-00");
    let doc = row["cnpj_cpf"].as_str().unwrap();
    assert_eq!(doc.len(), 18, "{doc}");
    assert_eq!(&doc[10..11], "/");
}

#[tokio::test]
async fn an_empty_result_has_no_registros_and_a_zero_total() {
    let s = sim().await;
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.cnpj_cpf", "query": "000.000.000-00", "oper": "="}),
        )
        .await;
    assert_eq!(answer, json!({"page": "1", "total": "0"}));
}

#[tokio::test]
async fn pages_split_the_rows_and_total_counts_them_all() {
    let s = sim().await;
    let total = s.ixc.state().customers().len();
    let base = json!({"qtype": "cliente.id", "query": "0", "oper": ">", "rp": "20", "sortname": "cliente.id", "sortorder": "asc"});
    let mut seen = Vec::new();
    for page in 1..=total.div_ceil(20) {
        let mut body = base.clone();
        body["page"] = json!(page.to_string());
        let answer = s.list_json("cliente", body).await;
        assert_eq!(answer["total"], total.to_string());
        assert_eq!(answer["page"], page.to_string());
        seen.extend(
            rows(&answer)
                .into_iter()
                .map(|r| r["id"].as_str().unwrap().parse::<u64>().unwrap()),
        );
    }
    assert_eq!(seen.len(), total);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "ascending by id: {seen:?}"
    );

    let mut desc = base.clone();
    desc["sortorder"] = json!("desc");
    let answer = s.list_json("cliente", desc).await;
    assert_eq!(
        rows(&answer)[0]["id"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        *seen.last().unwrap()
    );
}

#[tokio::test]
async fn open_invoices_are_selected_with_grid_param_filters() {
    let s = sim().await;
    let state = s.ixc.state();
    let customer = state.fixtures().blocked.clone();
    let grid = json!([
        {"TB": "fn_areceber.liberado", "OP": "=", "P": "S"},
        {"TB": "fn_areceber.status", "OP": "!=", "P": "R"},
        {"TB": "fn_areceber.status", "OP": "!=", "P": "C"}
    ]);
    let answer = s
        .list_json(
            "fn_areceber",
            json!({"qtype": "fn_areceber.id_cliente", "query": customer, "oper": "=", "rp": "100",
                   "sortname": "fn_areceber.data_vencimento", "sortorder": "asc",
                   "grid_param": grid.to_string()}),
        )
        .await;
    let expected: Vec<String> = state
        .invoices_of(&customer)
        .into_iter()
        .filter(|i| matches!(i.status.as_str(), "A" | "P"))
        .map(|i| i.id)
        .collect();
    let got: Vec<String> = rows(&answer)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        state
            .invoices_of(&customer)
            .iter()
            .filter(|i| i.overdue)
            .count(),
        2
    );
}

async fn ids(s: &common::Sim, table: &str, grid: Value) -> Vec<String> {
    let answer = s
        .list_json(
            table,
            json!({"rp": "100000", "grid_param": grid.to_string()}),
        )
        .await;
    rows(&answer)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_documented_operator_filters_as_described() {
    let s = sim().await;
    let contracts = s.ixc.state().rows("cliente_contrato");
    let count = |pred: &dyn Fn(&str) -> bool| {
        contracts
            .iter()
            .filter(|r| pred(&r["status_internet"]))
            .count()
    };

    let blocked = ids(
        &s,
        "cliente_contrato",
        json!([{"TB": "cliente_contrato.status_internet", "OP": "IN", "P": "CA,CM,FA"}]),
    )
    .await;
    assert_eq!(blocked.len(), count(&|v| ["CA", "CM", "FA"].contains(&v)));
    assert!(!blocked.is_empty());
    let not_blocked = ids(
        &s,
        "cliente_contrato",
        json!([{"TB": "cliente_contrato.status_internet", "OP": "NI", "P": "CA,CM,FA"}]),
    )
    .await;
    assert_eq!(blocked.len() + not_blocked.len(), contracts.len());
    let either = ids(
        &s,
        "cliente_contrato",
        json!([{"TB": "cliente_contrato.status_internet", "OP": "L", "P": "CA", "P2": "CM"}]),
    )
    .await;
    assert_eq!(either.len(), count(&|v| v == "CA" || v == "CM"));
    let not_a = ids(
        &s,
        "cliente_contrato",
        json!([{"TB": "cliente_contrato.status_internet", "OP": "NL", "P": "A"}]),
    )
    .await;
    assert_eq!(not_a.len(), count(&|v| !v.contains('A')));

    let invoices = s.ixc.state().rows("fn_areceber");
    let dues: Vec<&str> = invoices
        .iter()
        .map(|r| r["data_vencimento"].as_str())
        .collect();
    let before = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.data_vencimento", "OP": "<", "P": "18/03/2026"}]),
    )
    .await;
    assert_eq!(
        before.len(),
        dues.iter().filter(|d| **d < "2026-03-18").count()
    );
    let from = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.data_vencimento", "OP": ">=", "P": "2026-03-18"}]),
    )
    .await;
    assert_eq!(before.len() + from.len(), invoices.len());
    let upto = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.data_vencimento", "OP": "<=", "P": "18/03/2026"}]),
    )
    .await;
    let after = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.data_vencimento", "OP": ">", "P": "18/03/2026"}]),
    )
    .await;
    assert_eq!(upto.len() + after.len(), invoices.len());
    let march = ids(&s, "fn_areceber", json!([{"TB": "fn_areceber.data_vencimento", "OP": "BE", "P": "01/03/2026", "P2": "31/03/2026"}])).await;
    assert_eq!(
        march.len(),
        dues.iter().filter(|d| d.starts_with("2026-03")).count()
    );
    let outside = ids(&s, "fn_areceber", json!([{"TB": "fn_areceber.data_vencimento", "OP": "NBE", "P": "01/03/2026", "P2": "31/03/2026"}])).await;
    assert_eq!(march.len() + outside.len(), invoices.len());
    let cheap = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.valor", "OP": "<", "P": "100"}]),
    )
    .await;
    assert_eq!(
        cheap.len(),
        invoices
            .iter()
            .filter(|r| r["valor"].parse::<f64>().unwrap() < 100.0)
            .count()
    );
    let not_paid = ids(
        &s,
        "fn_areceber",
        json!([{"TB": "fn_areceber.status", "OP": "!=", "P": "R"}]),
    )
    .await;
    assert_eq!(
        not_paid.len(),
        invoices.iter().filter(|r| r["status"] != "R").count()
    );
}

#[tokio::test]
async fn like_finds_customers_by_part_of_the_name() {
    let s = sim().await;
    let someone = s
        .ixc
        .state()
        .customer(&s.ixc.state().fixtures().active)
        .unwrap();
    let part = someone.razao.split(' ').next_back().unwrap().to_lowercase();
    let answer = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.razao", "query": part, "oper": "L", "rp": "1000"}),
        )
        .await;
    let found = rows(&answer);
    assert!(found.iter().any(|r| r["id"] == someone.id.as_str()));
    assert!(
        found
            .iter()
            .all(|r| r["razao"].as_str().unwrap().to_lowercase().contains(&part))
    );
}

#[tokio::test]
async fn a_listing_by_get_with_a_json_body_works_like_post() {
    let s = sim().await;
    let response = s
        .http
        .get(s.url("vd_contratos"))
        .basic_auth(&s.user, Some(&s.token))
        .header("ixcsoft", "listar")
        .body(json!({"qtype": "vd_contratos.ativo", "query": "S", "oper": "="}).to_string())
        .send()
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let plans = rows(&answer);
    assert!(!plans.is_empty());
    assert!(plans.iter().all(|p| p["ativo"] == "S"));
}

#[tokio::test]
async fn a_form_encoded_listing_is_accepted() {
    let s = sim().await;
    let response = s
        .http
        .post(format!("{}/", s.url("cliente")))
        .basic_auth(&s.user, Some(&s.token))
        .header("ixcsoft", "listar")
        .form(&[("qtype", "cliente.id"), ("query", "1"), ("oper", "=")])
        .send()
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(rows(&answer)[0]["id"], "1");
}

#[tokio::test]
async fn errors_are_status_200_envelopes_sent_as_html() {
    let s = sim().await;
    let unknown_table = s.list("tabela_que_nao_existe", json!({})).await;
    assert_eq!(unknown_table.status(), 200);
    assert_eq!(content_type(&unknown_table), "text/html");
    let body: Value = serde_json::from_str(&unknown_table.text().await.unwrap()).unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(
        body["message"],
        "Recurso tabela_que_nao_existe não está disponível!"
    );

    let bad_column = s
        .list(
            "cliente",
            json!({"qtype": "cliente.nao_existe", "query": "1", "oper": "="}),
        )
        .await;
    assert_eq!(content_type(&bad_column), "text/html");
    let body: Value = serde_json::from_str(&bad_column.text().await.unwrap()).unwrap();
    assert_eq!(body["type"], "error");

    let bad_operator = s
        .list(
            "cliente",
            json!({"qtype": "cliente.id", "query": "1", "oper": "~"}),
        )
        .await;
    let body: Value = serde_json::from_str(&bad_operator.text().await.unwrap()).unwrap();
    assert_eq!(body["type"], "error");
}
