//! get_customer_info, update_customer, list_customer_contacts, get_internal_pendency_messages.

use serde_json::{Value, json};

use crate::harness::{TestApp, col, date, digits};

#[tokio::test(flavor = "multi_thread")]
async fn get_customer_info_returns_the_seeded_customer_with_city_and_state_names() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let contracts = app.state().contracts_of(&id);
    let main = contracts
        .iter()
        .find(|k| k.status == "A")
        .or(contracts.first())
        .expect("the fixture has contracts");
    let body = app
        .call(
            "get_customer_info",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await
        .ok();
    assert!(!customer.cidade.is_empty() && !customer.uf.is_empty());
    assert_eq!(
        body,
        json!({
            "nome_completo": customer.razao,
            "aniversario": date(&customer.data_nascimento),
            "data_registro": date(&customer.data_cadastro),
            "ativo": customer.active,
            "id_remoto": customer.id,
            "id_contrato": main.id,
            "rua_endereco": customer.endereco,
            "numero_endereco": customer.numero,
            "cep_endereco": customer.cep,
            "cidade_endereco": customer.cidade,
            "complemento_endereco": customer.complemento,
            "bairro_endereco": customer.bairro,
            "estado_endereco": customer.uf,
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn get_customer_info_answers_without_city_and_state_names_when_the_api_user_may_not_read_them()
 {
    let app = TestApp::start_with_erp(|erp| {
        erp.forbidden_tables = vec!["cidade".into(), "uf".into()];
    })
    .await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    assert!(!customer.cidade.is_empty() && !customer.uf.is_empty());
    let body = app
        .call(
            "get_customer_info",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await
        .ok();
    assert_eq!(body["cidade_endereco"], "", "{body}");
    assert_eq!(body["estado_endereco"], "", "{body}");
    assert_eq!(body["nome_completo"], customer.razao.as_str());
    assert_eq!(body["rua_endereco"], customer.endereco.as_str());
    assert_eq!(body["cep_endereco"], customer.cep.as_str());
    // The city was asked and refused: the names are empty because IXC said no, not because
    // nobody asked.
    assert!(app.erp.requests().count("/webservice/v1/cidade") >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_customer_info_finds_a_document_stored_without_mask_and_is_null_for_a_stranger() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().unmasked_document.clone();
    let customer = app.customer(&id);
    assert_eq!(customer.cnpj_cpf, customer.document, "stored bare");
    let body = app
        .call(
            "get_customer_info",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body["id_remoto"], customer.id);
    assert_eq!(body["nome_completo"], customer.razao);

    let body = app
        .call(
            "get_customer_info",
            json!({"customer_document_number": "11144477735"}),
        )
        .await
        .ok();
    assert_eq!(body, Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_customer_changes_the_email_and_phone_in_the_erp_and_keeps_the_rest() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let before = app.customer(&id);
    let body = app
        .call(
            "update_customer",
            json!({
                "customer_document_number": before.cnpj_cpf,
                "wda_user": {"id": "u-1", "document_number": before.document, "name": "Teste"},
                "changes": {"email": "novo.email@example.com.br", "phone": "(47) 98888-7777"}
            }),
        )
        .await
        .ok();
    assert_eq!(body["success"], true, "{body}");
    let after = app.customer(&id);
    assert_eq!(after.email, "novo.email@example.com.br");
    assert_eq!(digits(&after.telefone_celular), "47988887777");
    assert_eq!(after.razao, before.razao);
    assert_eq!(after.cnpj_cpf, before.cnpj_cpf);
    assert_eq!(after.endereco, before.endereco);
    assert_eq!(after.cidade, before.cidade);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_customer_contacts_lists_the_seeded_emails_and_phones() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let row = &customer.row;
    let mut expected: Vec<Value> = Vec::new();
    for column in ["email", "hotsite_email"] {
        let value = col(row, column).trim().to_owned();
        let seen = expected
            .iter()
            .any(|e| e["value"].as_str().unwrap().eq_ignore_ascii_case(&value));
        if value.contains('@') && !seen {
            expected.push(json!({"type": "email", "value": value}));
        }
    }
    let mut phones: Vec<Value> = Vec::new();
    for column in ["telefone_celular", "whatsapp", "fone", "telefone_comercial"] {
        let value = col(row, column).trim().to_owned();
        let seen = phones
            .iter()
            .any(|p| digits(p["value"].as_str().unwrap()) == digits(&value));
        if digits(&value).len() >= 8 && !seen {
            phones.push(json!({"type": "phone", "value": value}));
        }
    }
    expected.extend(phones);
    assert!(
        expected.iter().any(|e| e["type"] == "email")
            && expected.iter().any(|e| e["type"] == "phone"),
        "the fixture has an e-mail and a phone: {row:?}"
    );
    let body = app
        .call(
            "list_customer_contacts",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body, Value::Array(expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn get_internal_pendency_messages_returns_the_customer_and_contract_notes() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let contracts = app.state().contracts_of(&id);
    app.erp_put(
        "cliente",
        &id,
        json!({"alerta": "Cliente com <b>débito</b> em negociação", "obs": "  Prefere contato\npor WhatsApp "}),
    )
    .await;
    app.erp_put(
        "cliente_contrato",
        &contracts[1].id,
        json!({"obs": "Bloqueado a pedido do financeiro<br>aguarda acordo"}),
    )
    .await;
    // What an operator wrote is what the ERP now holds.
    let written = app.customer(&id);
    assert_eq!(
        col(&written.row, "alerta"),
        "Cliente com <b>débito</b> em negociação"
    );

    let body = app
        .call(
            "get_internal_pendency_messages",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await
        .ok();
    assert_eq!(
        body,
        json!([
            "Cliente com débito em negociação",
            "Prefere contato por WhatsApp",
            "Bloqueado a pedido do financeiro aguarda acordo"
        ])
    );

    // A seeded customer has no notes, so no pendency messages.
    let quiet = app.customer(&app.state().fixtures().active.clone());
    assert!(
        ["alerta", "obs"]
            .iter()
            .all(|c| col(&quiet.row, c).trim().is_empty())
    );
    let body = app
        .call(
            "get_internal_pendency_messages",
            json!({"customer_document_number": quiet.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!([]));
}
