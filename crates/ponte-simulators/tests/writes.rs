//! Inserts and updates over real HTTP: IXC's answers, required fields, generated columns.

mod common;

use common::{content_type, rows, sim};
use serde_json::json;

#[tokio::test]
async fn a_ticket_is_inserted_with_a_protocol_and_the_answer_carries_its_id() {
    let s = sim().await;
    let customer = s.ixc.state().fixtures().active.clone();
    let response = s
        .post(
            "su_ticket",
            json!({"tipo": "C", "id_cliente": customer, "id_assunto": "1", "titulo": "Sem conexão",
                   "id_ticket_setor": "1", "prioridade": "A", "menssagem": "Cliente relata queda", "su_status": "N"}),
        )
        .await;
    assert_eq!(content_type(&response), "text/x-json");
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["type"], "success");
    assert_eq!(answer["message"], "Registro inserido com sucesso!");
    let id = answer["id"].as_str().unwrap();
    let ticket = s.ixc.state().row("su_ticket", id).unwrap();
    assert_eq!(ticket["menssagem"], "Cliente relata queda");
    assert!(
        ticket["protocolo"].starts_with("20260318"),
        "{}",
        ticket["protocolo"]
    );
    assert_eq!(ticket["data_criacao"], "2026-03-18 09:00:00");
}

#[tokio::test]
async fn an_insert_without_a_required_field_is_refused() {
    let s = sim().await;
    let answer = s
        .post_json(
            "su_ticket",
            json!({"tipo": "C", "id_cliente": "1", "titulo": "x"}),
        )
        .await;
    assert_eq!(answer["type"], "error");
    assert!(s.ixc.state().rows("su_ticket").is_empty());

    let lead = s
        .post_json(
            "contato",
            json!({"nome": "Maria", "data_cadastro": "18/03/2026"}),
        )
        .await;
    assert_eq!(lead["type"], "error", "a lead needs a phone or an e-mail");
}

#[tokio::test]
async fn a_lead_stores_its_brazilian_date_as_iso() {
    let s = sim().await;
    let answer = s
        .post_json("contato", json!({"nome": "Maria Lima", "data_cadastro": "18/03/2026", "fone_celular": "(47) 99999-0000", "lead": "S"}))
        .await;
    let lead = s
        .ixc
        .state()
        .row("contato", answer["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(lead["data_cadastro"], "2026-03-18");
    assert_eq!(lead["fone_whatsapp"], "");
}

#[tokio::test]
async fn a_customer_with_an_existing_document_is_refused_in_any_formatting() {
    let s = sim().await;
    let existing = s
        .ixc
        .state()
        .customer(&s.ixc.state().fixtures().active)
        .unwrap();
    let answer = s
        .post_json("cliente", json!({"razao": "Outro", "tipo_pessoa": "F", "cnpj_cpf": existing.document, "ativo": "S", "contribuinte_icms": "N"}))
        .await;
    assert_eq!(answer["type"], "error");
}

#[tokio::test]
async fn an_update_changes_only_the_sent_columns_and_answers_with_the_id() {
    let s = sim().await;
    let before = s
        .ixc
        .state()
        .customer(&s.ixc.state().fixtures().active)
        .unwrap();
    let answer = s
        .put_json(
            "cliente",
            &before.id,
            json!({"email": "novo@example.com", "cep": "89010-000"}),
        )
        .await;
    assert_eq!(
        answer,
        json!({"type": "success", "message": "Registro atualizado com sucesso!", "id": before.id})
    );
    let after = s.ixc.state().customer(&before.id).unwrap();
    assert_eq!(after.email, "novo@example.com");
    assert_eq!(after.cep, "89010-000");
    assert_eq!(after.razao, before.razao);
    assert_eq!(after.cnpj_cpf, before.cnpj_cpf);

    let listed = s
        .list_json(
            "cliente",
            json!({"qtype": "cliente.id", "query": before.id, "oper": "="}),
        )
        .await;
    assert_eq!(rows(&listed)[0]["email"], "novo@example.com");

    let missing = s
        .put_json("cliente", "987654", json!({"email": "x@example.com"}))
        .await;
    assert_eq!(missing["type"], "error");
}

#[tokio::test]
async fn a_post_without_the_listing_header_inserts_instead_of_listing() {
    let s = sim().await;
    let before = s.ixc.state().rows("crm_canditados").len();
    let answer = s
        .post_json(
            "crm_canditados",
            json!({"razao": "João Prospect", "status_prospeccao": "N", "tipo_pessoa": "F", "ativo": "S",
                   "telefone_celular": "(11) 98888-7777", "cidade": "4001", "crm": "S"}),
        )
        .await;
    assert_eq!(answer["type"], "success");
    assert_eq!(s.ixc.state().rows("crm_canditados").len(), before + 1);
}
