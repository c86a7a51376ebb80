//! list_invoices, get_invoice, get_boleto_pdf and settle_boleto.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::harness::{TestApp, date, digits, money};
use ponte_simulators::ixc::Invoice;

/// The INVOICE the preset must answer for a seeded invoice of `customer`.
fn expected_invoice(app: &TestApp, customer_id: &str, invoice: &Invoice) -> Value {
    let customer = app.customer(customer_id);
    let open = matches!(invoice.status.as_str(), "A" | "P");
    json!({
        "document_number": customer.document,
        "fatura": invoice.id,
        "nome_cliente": customer.razao,
        "valor_inicial": money(&invoice.valor),
        // What is still due: nothing for a paid invoice.
        "valor_final": money(&invoice.valor_aberto),
        "juros": "",
        "multa": "",
        "emissao": date(&invoice.data_emissao),
        "vencimento": date(&invoice.data_vencimento),
        "historico": invoice.contract,
        "link_boleto": "",
        "linha_digitavel": digits(&invoice.linha_digitavel),
        "code_fatura": invoice.row.get("documento").cloned().unwrap_or_default(),
        "identifier": "",
        "remote_id": invoice.id,
        "pix_code": if open { invoice.pix_code.clone() } else { String::new() },
    })
}

fn open_invoices(app: &TestApp, customer_id: &str) -> Vec<Invoice> {
    app.state()
        .invoices_of(customer_id)
        .into_iter()
        .filter(|i| matches!(i.status.as_str(), "A" | "P") && i.liberado == "S")
        .collect()
}

fn sorted_by_fatura(mut list: Vec<Value>) -> Vec<Value> {
    list.sort_by_key(|v| {
        v["fatura"]
            .as_str()
            .unwrap_or_default()
            .parse::<u64>()
            .unwrap_or(0)
    });
    list
}

#[tokio::test(flavor = "multi_thread")]
async fn list_invoices_returns_exactly_the_open_invoices_of_the_customer_with_their_seeded_values()
{
    let app = TestApp::start().await;
    let blocked = app.state().fixtures().blocked.clone();
    let customer = app.customer(&blocked);
    let answer = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.cnpj_cpf}),
        )
        .await;
    let body = answer.ok();
    let got = sorted_by_fatura(body.as_array().expect("a list").clone());

    let open = open_invoices(&app, &blocked);
    // The blocked fixture has three open invoices (two overdue) and a paid one left out.
    assert_eq!(open.len(), 3, "{open:?}");
    assert!(
        app.state().invoices_of(&blocked).len() > open.len(),
        "the paid invoice must exist to be left out"
    );
    let expected: Vec<Value> = open
        .iter()
        .map(|i| expected_invoice(&app, &blocked, i))
        .collect();
    assert_eq!(got, sorted_by_fatura(expected));
    for invoice in &got {
        let linha = invoice["linha_digitavel"].as_str().unwrap();
        assert_eq!(
            linha.len(),
            47,
            "a boleto's typeable line has 47 digits: {linha}"
        );
        assert!(linha.chars().all(|c| c.is_ascii_digit()), "{linha}");
        assert!(
            invoice["pix_code"].as_str().unwrap().starts_with("000201"),
            "{invoice}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_invoices_shows_the_open_amount_of_a_partly_paid_invoice() {
    let app = TestApp::start().await;
    let partial = app.state().fixtures().partial_payment.clone();
    let customer = app.customer(&partial);
    let body = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    let open = open_invoices(&app, &partial);
    let part = open
        .iter()
        .find(|i| i.status == "P")
        .expect("the fixture has a partly paid invoice");
    let listed = body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["fatura"] == part.id.as_str())
        .expect("the partly paid invoice is listed");
    assert_eq!(listed["valor_inicial"], money(&part.valor));
    assert_eq!(listed["valor_final"], money(&part.valor_aberto));
    assert_ne!(listed["valor_inicial"], listed["valor_final"]);
    assert_eq!(body.as_array().unwrap().len(), open.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_invoices_of_a_contract_includes_the_invoice_naming_it_only_as_avulso() {
    let app = TestApp::start().await;
    let id = app.state().fixtures().two_contracts.clone();
    let customer = app.customer(&id);
    let contracts = app.state().contracts_of(&id);
    let active = contracts
        .iter()
        .find(|k| k.status_internet == "A")
        .expect("an active contract");
    let open = open_invoices(&app, &id);
    let standalone = open
        .iter()
        .find(|i| i.id_contrato.is_empty())
        .expect("the fixture has an invoice carrying its contract in id_contrato_avulso");
    assert_eq!(standalone.id_contrato_avulso, active.id);

    let of_contract: Vec<Value> = open
        .iter()
        .filter(|i| i.contract == active.id)
        .map(|i| expected_invoice(&app, &id, i))
        .collect();
    assert!(of_contract.len() >= 2, "{of_contract:?}");
    let body = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.cnpj_cpf, "contract_id": active.id}),
        )
        .await
        .ok();
    let got = sorted_by_fatura(body.as_array().expect("a list").clone());
    assert_eq!(got, sorted_by_fatura(of_contract));
    assert!(
        got.iter().any(|i| i["fatura"] == standalone.id.as_str()),
        "{got:?}"
    );

    // The other contract's invoices are not this one's, and the customer's list has them all.
    let blocked = contracts.iter().find(|k| k.id != active.id).unwrap();
    let body = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.document, "contract_id": blocked.id}),
        )
        .await
        .ok();
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|i| i["historico"] == blocked.id.as_str()),
        "{body}"
    );
    let body = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.document}),
        )
        .await
        .ok();
    assert_eq!(body.as_array().unwrap().len(), open.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_invoices_of_a_customer_the_erp_does_not_know_is_empty() {
    let app = TestApp::start().await;
    let body = app
        .call(
            "list_invoices",
            json!({"customer_document_number": "111.444.777-35"}),
        )
        .await
        .ok();
    assert_eq!(body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn get_invoice_returns_the_one_invoice_and_nothing_for_another_customers_invoice() {
    let app = TestApp::start().await;
    let fixtures = app.state().fixtures().clone();
    let active = app.customer(&fixtures.active);
    let open = open_invoices(&app, &fixtures.active);
    let invoice = open
        .first()
        .expect("the active fixture has an open invoice");

    let body = app
        .call(
            "get_invoice",
            json!({"customer_bill_id": invoice.id, "customer_document_number": active.cnpj_cpf}),
        )
        .await
        .ok();
    assert_eq!(
        body,
        json!([expected_invoice(&app, &fixtures.active, invoice)])
    );

    // A paid invoice is still found, without a PIX code.
    let paid = app
        .state()
        .invoices_of(&fixtures.active)
        .into_iter()
        .find(|i| i.status == "R")
        .expect("the active fixture has paid invoices");
    let body = app
        .call(
            "get_invoice",
            json!({"customer_bill_id": paid.id, "customer_document_number": active.document}),
        )
        .await
        .ok();
    assert_eq!(
        body,
        json!([expected_invoice(&app, &fixtures.active, &paid)])
    );
    assert_eq!(body[0]["pix_code"], "");

    // Another customer's invoice is not this customer's.
    let company = app.customer(&fixtures.company);
    let body = app
        .call(
            "get_invoice",
            json!({"customer_bill_id": invoice.id, "customer_document_number": company.document}),
        )
        .await
        .ok();
    assert_eq!(body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn get_boleto_pdf_returns_the_base64_of_a_real_pdf() {
    let app = TestApp::start().await;
    let active = app.state().fixtures().active.clone();
    let invoice = open_invoices(&app, &active).remove(0);
    let body = app
        .call("get_boleto_pdf", json!({"boleto_id": invoice.id}))
        .await
        .ok();
    let encoded = body["base_64"].as_str().expect("base_64 is a string");
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("valid base64");
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..pdf.len().min(16)]);
    assert!(pdf.len() > 200, "a PDF of {} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("%%EOF"), "the PDF is complete");
}

#[tokio::test(flavor = "multi_thread")]
async fn settle_boleto_writes_the_invoice_off_in_the_erp_and_a_second_identical_one_is_refused() {
    let app = TestApp::start().await;
    let active = app.state().fixtures().active.clone();
    let customer = app.customer(&active);
    let invoice = open_invoices(&app, &active).remove(0);
    assert_eq!(invoice.status, "A");
    assert!(app.state().settlements_of(&invoice.id).is_empty());

    let input = json!({
        "customer_document_number": customer.cnpj_cpf,
        "boleto_id": invoice.id,
        "transaction": {
            "id": "tx-e2e-1",
            "method": "pix",
            "amount": money(&invoice.valor_aberto),
            "paid_at": "2026-03-10T10:15:00-03:00",
            "end_to_end_id": "E18236120202603101315s0123456789"
        }
    });
    let body = app.call("settle_boleto", input.clone()).await.ok();
    assert_eq!(body["success"], true, "{body}");
    assert!(!body["api_response"].is_null(), "{body}");

    let after = app.state().invoice(&invoice.id).unwrap();
    assert_eq!(after.status, "R", "{after:?}");
    assert_eq!(after.open_cents(), 0);
    assert_eq!(money(&after.valor_recebido), money(&invoice.valor));
    let settlements = app.state().settlements_of(&invoice.id);
    assert_eq!(settlements.len(), 1, "{settlements:?}");
    assert_eq!(settlements[0].get("conta_").map(String::as_str), Some("1"));
    assert_eq!(
        money(
            settlements[0]
                .get("valor_parcela")
                .map_or("", String::as_str)
        ),
        money(&invoice.valor)
    );

    // The same payment again: refused, and nothing more is written off.
    let again = app.call("settle_boleto", input).await;
    let problem = again.problem(502, "erp_rejected");
    assert_eq!(problem["automation_code"], "boleto_not_open", "{problem}");
    assert_eq!(app.state().settlements_of(&invoice.id).len(), 1);
    assert_eq!(app.state().invoice(&invoice.id).unwrap().status, "R");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_boleto_pdf_of_a_paid_invoice_is_the_erps_refusal_and_no_pdf() {
    let app = TestApp::start().await;
    let active = app.state().fixtures().active.clone();
    let paid = app
        .state()
        .invoices_of(&active)
        .into_iter()
        .find(|i| i.status == "R")
        .expect("the active fixture has paid invoices");
    let answer = app
        .call("get_boleto_pdf", json!({"boleto_id": paid.id}))
        .await;
    let problem = answer.problem(502, "erp_rejected");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Parcela já está recebida ou cancelada!"),
        "{problem}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settle_boleto_of_more_than_the_open_value_books_the_excess_as_an_addition() {
    let app = TestApp::start().await;
    let blocked = app.state().fixtures().blocked.clone();
    let customer = app.customer(&blocked);
    let invoice = open_invoices(&app, &blocked)
        .into_iter()
        .find(|i| i.overdue)
        .expect("the blocked fixture has overdue invoices");
    // Paid at the totem with interest and fine on top of the open value.
    let paid = invoice.open_cents() + 237;
    let input = json!({
        "customer_document_number": customer.document,
        "boleto_id": invoice.id,
        "transaction": {
            "id": "tx-e2e-over",
            "method": "tef_debit",
            "amount": ponte_simulators::ixc::values::money(paid),
            "paid_at": "2026-03-10T10:15:00-03:00",
            "nsu": "000123"
        }
    });
    let body = app.call("settle_boleto", input).await.ok();
    assert_eq!(body["success"], true, "{body}");
    let after = app.state().invoice(&invoice.id).unwrap();
    assert_eq!(after.status, "R", "{after:?}");
    assert_eq!(after.open_cents(), 0);
    let settlements = app.state().settlements_of(&invoice.id);
    assert_eq!(settlements.len(), 1, "{settlements:?}");
    assert_eq!(
        settlements[0].get("vacrescimo").map(String::as_str),
        Some("2.37")
    );
}
