//! Money over real HTTP: boletos as PDFs, PIX codes, write-offs that change the invoice, and
//! the trust unlock with its once-per-period rule.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{TODAY, content_type, rows, sim};
use serde_json::{Value, json};

/// Checks the PDF skeleton a reader relies on: header, trailer, and every xref entry pointing
/// at the start of its object.
fn assert_valid_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "header");
    let text = String::from_utf8_lossy(pdf);
    assert!(text.trim_end().ends_with("%%EOF"), "trailer");
    let start: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Offsets count bytes; the binary comment line makes the lossy text longer, so slice bytes.
    let xref = std::str::from_utf8(&pdf[start..]).unwrap();
    assert!(xref.starts_with("xref\n0 "));
    let mut lines = xref.lines().skip(1);
    let count: usize = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let entries: Vec<&str> = lines.take(count).collect();
    assert_eq!(entries[0], "0000000000 65535 f ");
    for (number, entry) in entries.iter().enumerate().skip(1) {
        assert!(entry.ends_with(" n "), "{entry}");
        let offset: usize = entry[..10].parse().unwrap();
        let expected = format!("{number} 0 obj");
        assert!(
            pdf[offset..].starts_with(expected.as_bytes()),
            "object {number} not at {offset}"
        );
    }
}

fn first_open_invoice(s: &common::Sim, customer: &str) -> ponte_simulators::ixc::Invoice {
    s.ixc
        .state()
        .invoices_of(customer)
        .into_iter()
        .find(|i| i.status == "A")
        .unwrap()
}

#[tokio::test]
async fn get_boleto_returns_a_raw_pdf_or_its_base64_text() {
    let s = sim().await;
    let invoice = first_open_invoice(&s, &s.ixc.state().fixtures().active);
    let ask = |base64: &str| {
        json!({"boletos": invoice.id, "juro": "N", "multa": "N", "atualiza_boleto": "S",
               "tipo_boleto": "arquivo", "base64": base64})
    };
    let raw = s.post("get_boleto", ask("N")).await;
    assert_eq!(raw.status(), 200);
    assert_eq!(content_type(&raw), "application/pdf");
    let raw = raw.bytes().await.unwrap().to_vec();
    assert_valid_pdf(&raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains(&format!("Fatura {}", invoice.id)),
        "the PDF names the invoice"
    );
    assert!(
        text.contains(&invoice.valor.replace('.', ",")),
        "the PDF shows the value"
    );

    let encoded = s.post("get_boleto", ask("S")).await;
    assert_eq!(content_type(&encoded), "text/html");
    let decoded = STANDARD
        .decode(encoded.text().await.unwrap().trim())
        .unwrap();
    assert_eq!(decoded, raw);
}

#[tokio::test]
async fn get_boleto_for_an_unknown_id_is_an_empty_200() {
    let s = sim().await;
    let response = s
        .post("get_boleto", json!({"boletos": "999999999", "base64": "S"}))
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_pix_returns_a_valid_code_for_the_open_amount_and_500_for_an_unknown_id() {
    let s = sim().await;
    let invoice = first_open_invoice(&s, &s.ixc.state().fixtures().blocked);
    let answer = s
        .post_json("get_pix", json!({"id_areceber": invoice.id}))
        .await;
    assert_eq!(answer["type"], "success");
    let code = answer["pix"]["dadosPix"]["pixCopiaECola"].as_str().unwrap();
    assert!(code.starts_with("000201"));
    let parsed = ponte_br::BrCode::parse(code).unwrap();
    assert_eq!(parsed.amount().unwrap().get(), invoice.open_cents() as u64);
    assert_eq!(code, invoice.pix_code);
    assert_eq!(
        answer["pix"]["dadosPix"]["valor"]["original"],
        invoice.valor_aberto.as_str()
    );
    assert_eq!(
        answer["pix"]["dadosPix"]["calendario"]["dataDeVencimento"],
        invoice.data_vencimento.as_str()
    );

    let image = answer["pix"]["qrCode"]["imagemQrcode"].as_str().unwrap();
    assert!(
        STANDARD.decode(image).unwrap().starts_with(b"\x89PNG"),
        "the QR image is a PNG"
    );

    let unknown = s.post("get_pix", json!({"id_areceber": "1"})).await;
    assert_eq!(unknown.status(), 500);
}

#[tokio::test]
async fn every_seeded_linha_digitavel_is_a_valid_boleto_for_its_value_and_due_date() {
    let s = sim().await;
    let state = s.ixc.state();
    let mut checked = 0;
    for customer in state.customers() {
        for invoice in state.invoices_of(&customer.id) {
            let boleto = ponte_br::Boleto::parse(&invoice.linha_digitavel).unwrap();
            assert_eq!(boleto.barcode(), invoice.barcode);
            assert_eq!(
                boleto.amount().unwrap().get() as i64,
                ponte_simulators::ixc::values::parse_money(&invoice.valor).unwrap()
            );
            let due = boleto.due_date(TODAY).unwrap().unwrap();
            assert_eq!(
                ponte_simulators::ixc::values::iso(due),
                invoice.data_vencimento
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn a_write_off_pays_the_invoice_and_a_second_one_is_refused() {
    let s = sim().await;
    let invoice = first_open_invoice(&s, &s.ixc.state().fixtures().active);
    let body = json!({"filial_id": "1", "id_receber": invoice.id, "conta_": "1", "id_conta": "2758",
        "tipo_recebimento": "P", "data": "18/03/2026", "valor_parcela": invoice.valor,
        "credito": invoice.valor, "debito": "", "valor_total_recebido": invoice.valor,
        "historico": "Recebido via API", "tipo_r": "T", "previsao": "M", "tipo_lanc": "R"});
    let answer = s
        .post_json("fn_areceber_recebimentos_baixas_novo", body.clone())
        .await;
    assert_eq!(answer["type"], "success", "{answer}");
    let writeoff = answer["id"].as_str().unwrap().to_string();

    let after = s.ixc.state().invoice(&invoice.id).unwrap();
    assert_eq!(after.status, "R");
    assert_eq!(after.valor_aberto, "0.00");
    assert_eq!(after.valor_recebido, invoice.valor);
    assert_eq!(after.row["pagamento_data"], "2026-03-18");
    assert_eq!(
        s.ixc.state().settlements_of(&invoice.id).last().unwrap()["id"],
        writeoff
    );

    let listed = s
        .list_json(
            "fn_areceber",
            json!({"qtype": "fn_areceber.id", "query": invoice.id, "oper": "="}),
        )
        .await;
    assert_eq!(rows(&listed)[0]["status"], "R");

    let again = s.post("fn_areceber_recebimentos_baixas_novo", body).await;
    assert_eq!(content_type(&again), "text/html");
    let again: Value = serde_json::from_str(&again.text().await.unwrap()).unwrap();
    assert_eq!(again["type"], "error");
    assert_eq!(
        again["message"],
        "Parcela já está recebida ou cancelada!<br />"
    );
}

#[tokio::test]
async fn a_partial_write_off_leaves_the_rest_open_and_reversing_it_restores_the_invoice() {
    let s = sim().await;
    let invoice = first_open_invoice(&s, &s.ixc.state().fixtures().active);
    let answer = s
        .post_json(
            "fn_areceber_recebimentos_baixas_novo",
            common::writeoff(&invoice.id, "10.00"),
        )
        .await;
    let partial = s.ixc.state().invoice(&invoice.id).unwrap();
    assert_eq!(partial.status, "P");
    assert_eq!(partial.open_cents(), invoice.open_cents() - 1000);

    let id = answer["id"].as_str().unwrap();
    let response = s
        .http
        .delete(format!("{}/{id}", s.url("fn_areceber_baixas")))
        .basic_auth(&s.user, Some(&s.token))
        .send()
        .await
        .unwrap();
    let reversed: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(reversed["type"], "success");
    let restored = s.ixc.state().invoice(&invoice.id).unwrap();
    assert_eq!(restored.status, "A");
    assert_eq!(restored.valor_aberto, invoice.valor_aberto);
}

#[tokio::test]
async fn paying_every_overdue_invoice_gives_a_blocked_contract_its_access_back() {
    let s = sim().await;
    let customer = s.ixc.state().fixtures().blocked.clone();
    let contract = s.ixc.state().contracts_of(&customer).remove(0);
    assert_eq!(contract.status_internet, "CA");
    for invoice in s
        .ixc
        .state()
        .invoices_of(&customer)
        .into_iter()
        .filter(|i| i.overdue)
    {
        let answer = s
            .post_json(
                "fn_areceber_recebimentos_baixas_novo",
                common::writeoff(&invoice.id, &invoice.valor_aberto),
            )
            .await;
        assert_eq!(answer["type"], "success");
    }
    assert_eq!(
        s.ixc
            .state()
            .contract(&contract.id)
            .unwrap()
            .status_internet,
        "A"
    );
}

#[tokio::test]
async fn a_trust_unlock_releases_a_blocked_contract_once_per_period() {
    let s = sim().await;
    let customer = s.ixc.state().fixtures().blocked.clone();
    let contract = s.ixc.state().contracts_of(&customer).remove(0);

    let first = s
        .post("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(content_type(&first), "text/x-json");
    let first: Value = serde_json::from_str(&first.text().await.unwrap()).unwrap();
    assert_eq!(first["tipo"], "sucesso", "{first}");
    assert!(
        first["mensagem"].as_str().unwrap().contains("21/03/2026"),
        "{first}"
    );
    let after = s.ixc.state().contract(&contract.id).unwrap();
    assert_eq!(after.status_internet, "A");
    assert_eq!(after.desbloqueio_confianca_ativo, "S");
    assert_eq!(after.dt_ult_desb_conf, "2026-03-18");
    assert_eq!(after.dt_retorno_desb_conf, "2026-03-21");

    // The access is back, so a second request is refused as unnecessary.
    let second = s
        .post_json("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(second["codigo"], "107");

    // Blocked again before the period ends: refused with 113.
    let block = s
        .post_json(
            "cliente_contrato_15463",
            json!({"id_contrato": contract.id}),
        )
        .await;
    assert_eq!(block["type"], "success");
    let third = s
        .post_json("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(third["tipo"], "erro");
    assert_eq!(third["codigo"], "113");
}

#[tokio::test]
async fn the_trust_unlock_refuses_with_the_documented_codes() {
    let s = sim().await;
    let f = s.ixc.state().fixtures().clone();
    let contract_of = |customer: &str| s.ixc.state().contracts_of(customer).remove(0).id;
    let code = |answer: Value| answer["codigo"].as_str().unwrap().to_string();

    assert_eq!(
        code(
            s.post_json("desbloqueio_confianca", json!({"id": "424242"}))
                .await
        ),
        "106"
    );
    assert_eq!(
        code(
            s.post_json(
                "desbloqueio_confianca",
                json!({"id": contract_of(&f.active)})
            )
            .await
        ),
        "107"
    );
    assert_eq!(
        code(
            s.post_json(
                "desbloqueio_confianca",
                json!({"id": contract_of(&f.cancelled)})
            )
            .await
        ),
        "109"
    );
    let used = s
        .post_json(
            "desbloqueio_confianca",
            json!({"id": contract_of(&f.unlock_used)}),
        )
        .await;
    assert_eq!(code(used.clone()), "113");
    assert!(
        used["mensagem"].as_str().unwrap().contains("13/03/2026"),
        "{used}"
    );
    let not_allowed = s
        .post_json(
            "desbloqueio_confianca",
            json!({"id": contract_of(&f.unlock_not_allowed)}),
        )
        .await;
    assert_eq!(not_allowed["tipo"], "erro");
    assert_eq!(
        s.ixc
            .state()
            .contract(&contract_of(&f.unlock_not_allowed))
            .unwrap()
            .status_internet,
        "CA"
    );
}

#[tokio::test]
async fn a_fiscal_note_prints_as_a_pdf() {
    let s = sim().await;
    let customer = s.ixc.state().fixtures().active.clone();
    let notes = s
        .list_json(
            "vd_saida",
            json!({"qtype": "vd_saida.id_cliente", "query": customer, "oper": "="}),
        )
        .await;
    let note = rows(&notes)[0]["id"].as_str().unwrap().to_string();
    let printed = s
        .post("imprimir_nota", json!({"id": note, "base64": "S"}))
        .await;
    let pdf = STANDARD
        .decode(printed.text().await.unwrap().trim())
        .unwrap();
    assert_valid_pdf(&pdf);
}

#[tokio::test]
async fn when_the_unlock_period_ends_an_unpaid_contract_is_blocked_again_and_can_unlock_later() {
    let s = sim().await;
    let customer = s.ixc.state().fixtures().blocked.clone();
    let contract = s.ixc.state().contracts_of(&customer).remove(0);
    let first = s
        .post_json("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(first["tipo"], "sucesso");

    let moved = s
        .http
        .post(format!("{}/__sim/today", s.ixc.root_url()))
        .json(&json!({"today": "2026-03-21"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 204);
    let after = s.ixc.state().contract(&contract.id).unwrap();
    assert_eq!(after.status_internet, "CA");
    assert_eq!(after.desbloqueio_confianca_ativo, "N");
    let refused = s
        .post_json("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(refused["codigo"], "113");

    s.ixc.state().set_today(time::macros::date!(2026 - 04 - 17));
    let again = s
        .post_json("desbloqueio_confianca", json!({"id": contract.id}))
        .await;
    assert_eq!(again["tipo"], "sucesso", "{again}");
}
