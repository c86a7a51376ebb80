//! create_order, create_order_existing_customer and create_lead.

use serde_json::json;

use crate::harness::{TestApp, col, digits};

#[tokio::test(flavor = "multi_thread")]
async fn create_order_inserts_a_prospect_with_the_city_found_by_name() {
    let app = TestApp::start().await;
    let city = app
        .state()
        .rows("cidade")
        .into_iter()
        .next()
        .expect("the seed has cities");
    let uf = app
        .state()
        .row("uf", &col(&city, "uf"))
        .expect("the city's state");
    let before = app.state().rows("crm_canditados").len();
    let body = app
        .call(
            "create_order",
            json!({
                "message": "Pedido 9001: FIBRA 300 MEGA",
                "order": {
                    "id": "9001",
                    "customer": {"name": "Maria das Graças Souza", "document_number": "529.982.247-25",
                                 "email": "maria@example.com.br", "phone": "(47) 99123-4567"},
                    "address": {"cep": "89010-000", "street": "Rua XV de Novembro", "number": "25",
                                "neighborhood": "Centro", "city": col(&city, "nome"), "state": col(&uf, "sigla")},
                    "items": [{"product_id": "p-300", "name": "FIBRA 300 MEGA", "erp_product_code": "2",
                               "price": "99.90", "quantity": 1}],
                    "reseller_code": "3"
                }
            }),
        )
        .await
        .ok();
    assert_eq!(body["is_issue"], false);
    assert!(body["remote_message"].is_string());
    assert_eq!(app.state().rows("crm_canditados").len(), before + 1);
    let row = app
        .state()
        .row("crm_canditados", body["remote_id"].as_str().unwrap())
        .expect("the prospect is stored under the answered id");
    assert_eq!(col(&row, "razao"), "Maria das Graças Souza");
    assert_eq!(col(&row, "cnpj_cpf"), "529.982.247-25");
    assert_eq!(col(&row, "email"), "maria@example.com.br");
    assert_eq!(digits(&col(&row, "telefone_celular")), "47991234567");
    assert_eq!(col(&row, "cidade"), col(&city, "id"));
    assert_eq!(col(&row, "id_vendedor"), "3");
    assert_eq!(col(&row, "id_vd_contrato_desejado"), "2");
    assert_eq!(col(&row, "obs"), "Pedido 9001: FIBRA 300 MEGA");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_order_in_an_unknown_city_is_refused_and_inserts_nothing() {
    let app = TestApp::start().await;
    let before = app.state().rows("crm_canditados").len();
    let answer = app
        .call(
            "create_order",
            json!({
                "message": "Pedido 9003",
                "order": {
                    "id": "9003",
                    "customer": {"name": "João Silva", "document_number": "11144477735"},
                    "address": {"city": "Cidade Que Não Existe"},
                    "items": [{"name": "FIBRA 300 MEGA"}]
                }
            }),
        )
        .await;
    let problem = answer.problem(502, "erp_rejected");
    assert_eq!(problem["automation_code"], "city_not_found", "{problem}");
    assert_eq!(app.state().rows("crm_canditados").len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_order_existing_customer_opens_a_sales_ticket_on_the_customer() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let before = app.state().rows("su_ticket").len();
    let body = app
        .call(
            "create_order_existing_customer",
            json!({
                "message": "Pedido 9010: troca para FIBRA 600 MEGA",
                "customer_document_number": customer.cnpj_cpf,
                "wda_user": {"id": "u-881", "document_number": customer.document, "name": "Maria"},
                "order": {
                    "id": "9010",
                    "customer": {"name": customer.razao, "document_number": customer.document},
                    "items": [{"name": "FIBRA 600 MEGA", "erp_product_code": "3", "price": "129.90", "quantity": 1}]
                }
            }),
        )
        .await
        .ok();
    assert_eq!(app.state().rows("su_ticket").len(), before + 1);
    let row = app
        .state()
        .row("su_ticket", body["remote_id"].as_str().unwrap())
        .expect("the ticket is stored under the answered id");
    assert_eq!(col(&row, "id_cliente"), customer.id);
    assert!(col(&row, "titulo").contains("9010"), "{row:?}");
    assert!(
        col(&row, "menssagem").contains("Pedido 9010: troca para FIBRA 600 MEGA"),
        "{row:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_lead_answers_no_content_and_stores_a_lead_contact() {
    let app = TestApp::start().await;
    let before = app.state().rows("contato").len();
    let answer = app
        .call(
            "create_lead",
            json!({"lead": {
                "id": "lead-311",
                "created_at": "2026-03-10T10:15:00-03:00",
                "name": "Carlos Eduardo Lima",
                "document_number": "52998224725",
                "email": "carlos@example.com.br",
                "phone": "(47) 98877-6655",
                "message": "Quer fibra 300 mega"
            }}),
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text);
    assert!(answer.text.is_empty());
    assert!(answer.header("ponte-execution-id").is_some());
    let rows = app.state().rows("contato");
    assert_eq!(rows.len(), before + 1);
    let row = rows.last().unwrap();
    assert_eq!(col(row, "nome"), "Carlos Eduardo Lima");
    assert_eq!(col(row, "email"), "carlos@example.com.br");
    assert_eq!(col(row, "origem_source"), "ponte");
}
