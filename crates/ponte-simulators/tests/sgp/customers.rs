//! Customers: consultacliente by CPF, CNPJ and alphanumeric CNPJ with the demo instance's
//! shape, the paginated customer list, adding contacts, and annotations.

use serde_json::Value;

use super::common::sim;

#[tokio::test]
async fn consultacliente_finds_a_cpf_given_bare_or_masked_with_the_demo_instances_shape() {
    let s = sim().await;
    let fx = s.fx("active");
    for given in [
        fx["document"].as_str().unwrap(),
        fx["cpfcnpj"].as_str().unwrap(),
    ] {
        let (status, body) = s
            .call("/api/ura/consultacliente/", &[("cpfcnpj", given)])
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["msg"], "Contrato(s) Localizado(s)");
        let contracts = body["contratos"].as_array().unwrap();
        assert_eq!(contracts.len(), 1);
        let c = &contracts[0];
        assert_eq!(c["contratoId"], fx["contrato_id"]);
        assert_eq!(c["clienteId"], fx["cliente_id"]);
        assert_eq!(c["cpfCnpj"], fx["cpfcnpj"]);
        assert_eq!(c["contratoStatus"], 1);
        assert_eq!(c["contratoStatusDisplay"], " Ativo");
        assert_eq!(c["promessasPagamentoMes"], 0);
        assert_eq!(c["contratoTitulosAReceber"], 1);
        for key in [
            "razaoSocial",
            "dataNascimento",
            "dataCadastro",
            "servico_plano",
            "planointernet",
            "servico_login",
            "contratoCentralLogin",
            "contratoCentralSenha",
            "popNome",
            "endereco_logradouro",
            "endereco_cidade",
            "endereco_uf",
            "endereco_cep",
            "link_quitacao",
        ] {
            assert!(c.get(key).is_some(), "{key} missing");
        }
        // dd/mm/yyyy HH:MM:SS, as the demo instance writes it.
        let registered = c["dataCadastro"].as_str().unwrap();
        assert_eq!(registered.len(), 19);
        assert_eq!(&registered[2..3], "/");
        let phone = &c["telefones"][0];
        assert!(phone["tipoContato"].is_string() && phone["contato"].is_string());
        assert_eq!(c["emails"][0]["tipoContato"], "E-Mail");
    }
}

#[tokio::test]
async fn consultacliente_finds_the_company_and_the_alphanumeric_cnpj() {
    let s = sim().await;
    for name in ["company", "alphanumeric_cnpj", "unmasked_document"] {
        let fx = s.fx(name);
        let (_, body) = s
            .call(
                "/api/ura/consultacliente/",
                &[("cpfcnpj", fx["document"].as_str().unwrap())],
            )
            .await;
        assert_eq!(
            body["contratos"][0]["clienteId"], fx["cliente_id"],
            "{name}"
        );
        assert_eq!(body["contratos"][0]["cpfCnpj"], fx["cpfcnpj"], "{name}");
    }
    let alnum = s.fx("alphanumeric_cnpj")["document"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let (_, body) = s
        .call("/api/ura/consultacliente/", &[("cpfcnpj", &alnum)])
        .await;
    assert_eq!(
        body["contratos"].as_array().unwrap().len(),
        1,
        "letters in any case"
    );
    let unmasked = s.fx("unmasked_document");
    assert_eq!(unmasked["cpfcnpj"], unmasked["document"]);
}

#[tokio::test]
async fn an_unknown_document_gets_nenhum_contrato_localizado() {
    let s = sim().await;
    let unknown = s.f["unknown_document"].as_str().unwrap().to_string();
    let (status, body) = s
        .call("/api/ura/consultacliente/", &[("cpfcnpj", &unknown)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"msg": "Nenhum contrato localizado", "contratos": []})
    );
}

#[tokio::test]
async fn consultacliente_without_a_required_filter_finds_nothing() {
    let s = sim().await;
    let (status, body) = s
        .call("/api/ura/consultacliente/", &[("telefone", "47999990000")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["contratos"], serde_json::json!([]));
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .contains("filtros obrigatórios")
    );
}

#[tokio::test]
async fn cancelled_and_reduced_contracts_come_with_their_codes_next_to_live_ones() {
    let s = sim().await;
    let doc = s.fx("cancelled")["document"].as_str().unwrap().to_string();
    let (_, body) = s
        .call("/api/ura/consultacliente/", &[("cpfcnpj", &doc)])
        .await;
    assert_eq!(body["contratos"][0]["contratoStatus"], 3);
    assert_eq!(body["contratos"][0]["contratoStatusDisplay"], " Cancelado");
    let doc = s.fx("two_contracts")["document"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, body) = s
        .call("/api/ura/consultacliente/", &[("cpfcnpj", &doc)])
        .await;
    let statuses: Vec<&Value> = body["contratos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["contratoStatus"])
        .collect();
    assert_eq!(statuses, [&Value::from(1), &Value::from(7)]);
    let (_, body) = s
        .call(
            "/api/ura/consultacliente/",
            &[("cpfcnpj", &doc), ("status", "7")],
        )
        .await;
    assert_eq!(body["contratos"].as_array().unwrap().len(), 1);
    assert_eq!(
        body["contratos"][0]["contratoStatusDisplay"],
        " Ativo V. Reduzida"
    );
}

#[tokio::test]
async fn the_customer_list_is_paginated_up_to_100_with_a_total() {
    let s = sim().await;
    let total = s.sgp.state().story().customers.len();
    let (_, first) = s
        .call(
            "/api/ura/clientes/",
            &[("limit", "20"), ("omitir_titulos", "1")],
        )
        .await;
    assert_eq!(first["paginacao"]["total"], total);
    assert_eq!(first["paginacao"]["parcial"], 20);
    let (_, second) = s
        .call(
            "/api/ura/clientes/",
            &[("limit", "20"), ("offset", "20"), ("omitir_titulos", "1")],
        )
        .await;
    assert_ne!(first["clientes"][0]["id"], second["clientes"][0]["id"]);
    let (_, clamped) = s.call("/api/ura/clientes/", &[("limit", "500")]).await;
    assert_eq!(clamped["paginacao"]["limit"], 100);
    let doc = s.fx("company")["document"].as_str().unwrap().to_string();
    let (_, one) = s.call("/api/ura/clientes/", &[("cpfcnpj", &doc)]).await;
    assert_eq!(one["paginacao"]["total"], 1);
    let client = &one["clientes"][0];
    assert_eq!(client["id"], s.fx("company")["cliente_id"]);
    assert_eq!(client["contratos"][0]["id"], s.fx("company")["contrato_id"]);
    assert!(client["endereco"]["logradouro"].is_string());
    assert!(!client["contatos"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_added_phone_and_email_show_up_in_consultacliente() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    let (_, body) = s
        .call(
            "/api/ura/contato/add/",
            &[("contrato", &contract), ("contato", "(47) 98888-7777")],
        )
        .await;
    assert_eq!(body["status"], 1);
    let (_, body) = s
        .call(
            "/api/ura/contato/add/",
            &[
                ("contrato", &contract),
                ("contato", "novo@example.com"),
                ("tipo", "E-Mail"),
            ],
        )
        .await;
    assert_eq!(body["status"], 1);
    let c = s.contract(contract.parse().unwrap()).await;
    assert!(
        c["telefones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["contato"] == "(47) 98888-7777" && p["tipoContato"] == "Celular Pessoal")
    );
    assert!(
        c["emails"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["contato"] == "novo@example.com")
    );
    let (_, refused) = s
        .call(
            "/api/ura/contato/add/",
            &[
                ("contrato", &contract),
                ("contato", "x"),
                ("tipo", "Pombo Correio"),
            ],
        )
        .await;
    assert_eq!(refused["status"], 0);
    let (_, refused) = s
        .call(
            "/api/ura/contato/add/",
            &[("contrato", "1"), ("contato", "x")],
        )
        .await;
    assert_eq!(refused["status"], 0);
}

#[tokio::test]
async fn annotations_carry_the_blocked_customers_alert() {
    let s = sim().await;
    let customer = s.id("blocked", "cliente_id").to_string();
    let response = s
        .http
        .get(s.url("/api/ura/cliente/anotacao/list"))
        .query(&[
            ("token", s.token.as_str()),
            ("app", s.app.as_str()),
            ("cliente_id", customer.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let notes = body["anotacoes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["alerta_modo"], 1);
    assert!(notes[0]["anotacao"].as_str().unwrap().contains("acordo"));
    let active = s.id("active", "cliente_id").to_string();
    let body: Value = s
        .http
        .get(s.url("/api/ura/cliente/anotacao/list"))
        .query(&[
            ("token", s.token.as_str()),
            ("app", s.app.as_str()),
            ("cliente_id", active.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["anotacoes"], serde_json::json!([]));
}
