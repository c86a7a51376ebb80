//! list_fiscal_notes and get_fiscal_note_pdf.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::harness::{TestApp, col, date, money};

#[tokio::test(flavor = "multi_thread")]
async fn list_fiscal_notes_returns_the_customers_notes_with_their_payments() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().active.clone();
    let customer = app.customer(&id);
    let invoices = app.state().invoices_of(&id);
    let notes: Vec<_> = app
        .state()
        .rows("vd_saida")
        .into_iter()
        .filter(|n| col(n, "id_cliente") == id)
        .collect();
    assert_eq!(notes.len(), 3, "one note per paid invoice");
    // Newest first.
    let expected: Vec<Value> = notes
        .iter()
        .rev()
        .map(|n| {
            let paid = invoices
                .iter()
                .find(|i| col(&i.row, "id_nota_gerada") == col(n, "id"))
                .expect("each note names its invoice");
            json!({
                "id_nota": col(n, "id"),
                "status": match col(n, "status").as_str() { "A" => "Aberta".to_owned(), "F" => "Finalizada".to_owned(), s => s.to_owned() },
                "valor": money(&col(n, "valor_total")),
                "valor_pago": money(&paid.valor_recebido),
                "data_lancamento": date(&col(n, "data_emissao")),
                "data_vencimento": date(&paid.data_vencimento),
                "data_baixa": date(&col(&paid.row, "baixa_data")),
                "url_nota_fiscal": "",
            })
        })
        .collect();
    let body = app
        .call(
            "list_fiscal_notes",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await
        .ok();
    assert_eq!(body, json!(expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn get_fiscal_note_pdf_returns_the_base64_of_a_real_pdf_only_to_its_customer() {
    let app = TestApp::start().await;
    let fixtures = app.state().fixtures().clone();
    let customer = app.customer(&fixtures.active);
    let note = app
        .state()
        .rows("vd_saida")
        .into_iter()
        .find(|n| col(n, "id_cliente") == fixtures.active)
        .expect("the active fixture has notes");
    let body = app
        .call(
            "get_fiscal_note_pdf",
            json!({"nota_id": col(&note, "id"), "customer_document_number": customer.document}),
        )
        .await
        .ok();
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(body["base_64"].as_str().expect("base_64 is a string"))
        .expect("valid base64");
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..pdf.len().min(16)]);

    let company = app.customer(&fixtures.company);
    let answer = app
        .call(
            "get_fiscal_note_pdf",
            json!({"nota_id": col(&note, "id"), "customer_document_number": company.document}),
        )
        .await;
    // IXC answered, and has no such record for this customer: the caller's 404.
    let problem = answer.problem(404, "not_found_in_erp");
    assert_eq!(
        problem["automation_code"], "fiscal_note_not_found",
        "{problem}"
    );
}
