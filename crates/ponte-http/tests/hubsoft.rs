//! End to end over loopback: Ponte runs the shipped Hubsoft preset against the Hubsoft
//! simulator and answers what the simulator's seed holds, for every function the preset
//! serves: the customer by CPF and CNPJ, contacts, plans and alerts, the open invoices with
//! their linha digitável, PIX and PDF, a trust unlock that works once, a payment written off
//! once, tickets, orders, leads, the catalogs and the fiscal notes.

mod common;
mod hubsoft_app;

use base64::Engine as _;
use hubsoft_app::{HubApp, code_of, iso, money};
use serde_json::{Value, json};

#[tokio::test]
async fn get_customer_info_by_cpf_and_cnpj_answers_the_seeded_register() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let two = &fixtures.two_contracts;
    let customer = app.erp.state().customer_by_document(&two.document).unwrap();
    let info = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": two.document}),
        )
        .await;
    assert_eq!(
        info["nome_completo"],
        customer.nome_razaosocial.as_str(),
        "{info}"
    );
    assert_eq!(info["id_remoto"], customer.id_cliente.to_string());
    assert_eq!(info["id_contrato"], two.services[0].to_string());
    assert_eq!(info["ativo"], true);
    assert_eq!(info["data_registro"], iso(customer.data_cadastro.0));
    assert_eq!(
        info["aniversario"],
        customer.data_nascimento.map(iso).unwrap_or_default()
    );
    assert_eq!(info["numero_endereco"], customer.endereco.numero.as_str());
    assert_eq!(info["bairro_endereco"], customer.endereco.bairro.as_str());
    assert_eq!(info["estado_endereco"], customer.endereco.sigla.as_str());
    assert_eq!(
        info["cep_endereco"],
        customer.endereco.cep.replace('-', "").as_str()
    );

    for fixture in [&fixtures.company, &fixtures.alphanumeric_cnpj] {
        let info = app
            .ok(
                "get_customer_info",
                json!({"customer_document_number": fixture.document}),
            )
            .await;
        assert_eq!(info["nome_completo"], fixture.name.as_str(), "{info}");
        assert_eq!(info["id_remoto"], fixture.id_cliente.to_string());
    }

    // The customer whose only service is cancelled is found, and is not active.
    let cancelled = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.cancelled.document}),
        )
        .await;
    assert_eq!(cancelled["ativo"], false, "{cancelled}");
    assert_eq!(cancelled["nome_completo"], fixtures.cancelled.name.as_str());

    let unknown = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(unknown, Value::Null);
}

#[tokio::test]
async fn contacts_plans_and_alerts_come_from_the_seeded_customer() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let two = &fixtures.two_contracts;
    let customer = app.erp.state().customer_by_document(&two.document).unwrap();

    let contacts = app
        .ok(
            "list_customer_contacts",
            json!({"customer_document_number": two.document}),
        )
        .await;
    let contacts = contacts.as_array().unwrap();
    assert!(contacts.contains(&json!({"type": "phone", "value": customer.telefone_primario})));
    if let Some(email) = &customer.email_principal {
        assert!(contacts.contains(&json!({"type": "email", "value": email})));
    }

    let plans = app
        .ok(
            "list_customer_plans",
            json!({"customer_document_number": two.document}),
        )
        .await;
    let services = app.erp.state().services_of(customer.id_cliente);
    assert_eq!(plans.as_array().unwrap().len(), services.len(), "{plans}");
    for (plan, service) in plans.as_array().unwrap().iter().zip(&services) {
        assert_eq!(plan["remote_id"], service.id_cliente_servico.to_string());
        assert_eq!(plan["contract_name"], service.nome.as_str());
        assert_eq!(plan["valor"], money(service.valor_cents));
        assert_eq!(
            plan["blocked"],
            service.status_prefixo == "suspenso_parcialmente"
                || service.status_prefixo == "suspenso_debito"
        );
    }
    let blocked = app
        .ok(
            "list_customer_blocked_plans",
            json!({"customer_document_number": two.document}),
        )
        .await;
    assert_eq!(
        blocked,
        json!([plans[1].clone()]),
        "only the partially suspended service"
    );

    let alerts = app
        .ok(
            "get_internal_pendency_messages",
            json!({"customer_document_number": fixtures.blocked.document}),
        )
        .await;
    let seeded = app
        .erp
        .state()
        .customer_by_document(&fixtures.blocked.document)
        .unwrap()
        .alertas;
    assert!(!seeded.is_empty());
    assert_eq!(alerts, json!(seeded));
    let none = app
        .ok(
            "get_internal_pendency_messages",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn list_invoices_answers_the_open_invoices_with_linha_pix_and_link() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let two = &fixtures.two_contracts;
    let listed = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": two.document}),
        )
        .await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), two.open_invoices.len(), "{listed:?}");
    for invoice in listed {
        let id: u64 = invoice["fatura"].as_str().unwrap().parse().unwrap();
        let seeded = app.erp.state().invoice(id).unwrap();
        assert!(two.open_invoices.contains(&id));
        assert_eq!(invoice["document_number"], two.document.as_str());
        assert_eq!(invoice["nome_cliente"], two.name.as_str());
        assert_eq!(invoice["valor_inicial"], money(seeded.valor_cents));
        assert_eq!(invoice["vencimento"], iso(seeded.data_vencimento));
        assert_eq!(
            invoice["remote_id"],
            format!("{id}-{}", seeded.id_cliente_servico)
        );
        assert_eq!(
            invoice["linha_digitavel"],
            seeded.linha_digitavel.replace(['.', ' '], "").as_str()
        );
        assert!(
            ponte_br::boleto::Linha::parse(invoice["linha_digitavel"].as_str().unwrap()).is_ok(),
            "{invoice}"
        );
        assert_eq!(
            invoice["pix_code"],
            app.erp.state().pix_code(id).unwrap().as_str()
        );
        assert!(
            invoice["link_boleto"]
                .as_str()
                .unwrap()
                .contains("/pdf/fatura/")
        );
    }
    let dues: Vec<&str> = listed
        .iter()
        .map(|i| i["vencimento"].as_str().unwrap())
        .collect();
    let mut sorted = dues.clone();
    sorted.sort_unstable();
    assert_eq!(dues, sorted, "oldest due date first");

    // A contract keeps only that service's invoices.
    let blocked_service = two.services[1];
    let of_one = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": two.document, "contract_id": blocked_service.to_string()}),
        )
        .await;
    assert!(!of_one.as_array().unwrap().is_empty());
    assert!(of_one.as_array().unwrap().iter().all(|i| {
        app.erp
            .state()
            .invoice(i["fatura"].as_str().unwrap().parse().unwrap())
            .unwrap()
            .id_cliente_servico
            == blocked_service
    }));

    // An invoice partly paid is due for what is left of it, the amount its PIX code charges.
    let partial = &fixtures.partial_payment;
    let listed = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": partial.document}),
        )
        .await;
    let mut found_partial = false;
    for invoice in listed.as_array().unwrap() {
        let id: u64 = invoice["fatura"].as_str().unwrap().parse().unwrap();
        let seeded = app.erp.state().invoice(id).unwrap();
        let paid: i64 = seeded.recibos.iter().map(|r| r.valor_cents).sum();
        found_partial |= paid > 0;
        let due = money(seeded.valor_cents - paid);
        assert_eq!(invoice["valor_inicial"], money(seeded.valor_cents));
        assert_eq!(invoice["valor_final"], due.as_str(), "{invoice}");
        let amount = format!("54{:02}{due}", due.len());
        assert!(
            invoice["pix_code"].as_str().unwrap().contains(&amount),
            "the PIX code charges valor_final: {invoice}"
        );
    }
    assert!(
        found_partial,
        "the fixture has a partly paid invoice: {listed}"
    );

    let none = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn get_invoice_and_the_boleto_pdf_of_a_listed_invoice() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let active = &fixtures.active;
    let id = active.open_invoices[0];
    let remote_id = format!("{id}-{}", active.id_cliente_servico);
    let found = app
        .ok(
            "get_invoice",
            json!({"customer_bill_id": remote_id, "customer_document_number": active.document}),
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["fatura"], id.to_string());
    let other = app
        .ok(
            "get_invoice",
            json!({"customer_bill_id": remote_id, "customer_document_number": fixtures.blocked.document}),
        )
        .await;
    assert_eq!(other, json!([]));

    let pdf = app
        .ok("get_boleto_pdf", json!({"boleto_id": remote_id}))
        .await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["base_64"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));

    let (status, problem) = code_of(
        app.call(
            "get_boleto_pdf",
            json!({"boleto_id": format!("{id}-{}", fixtures.blocked.id_cliente_servico)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["code"], "not_found_in_erp");
}

#[tokio::test]
async fn trust_unlock_releases_a_suspended_service_once_and_is_refused_with_hubsofts_words() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let blocked = &fixtures.blocked;
    let input = json!({"customer_document_number": blocked.document,
                       "contract_id": blocked.id_cliente_servico.to_string()});
    let first = app.ok("trust_unlock", input.clone()).await;
    assert_eq!(first["success"], true, "{first}");
    let tomorrow = app.erp.state().today() + time::Duration::days(1);
    assert_eq!(first["unlocked_until"], iso(tomorrow));
    assert_eq!(
        app.erp
            .state()
            .service(blocked.id_cliente_servico)
            .unwrap()
            .status_prefixo,
        "servico_habilitado"
    );

    let second = app.ok("trust_unlock", input).await;
    assert_eq!(second["success"], false, "{second}");
    assert!(
        second["message"]
            .as_str()
            .unwrap()
            .contains("desbloqueio em confiança"),
        "{second}"
    );
    assert_eq!(second["api_response"]["status"], "error");

    // Another customer's service is not found, and nothing is asked of Hubsoft.
    let before = app
        .erp
        .requests()
        .count("/api/v1/integracao/cliente/desbloqueio_confianca");
    let (status, problem) = code_of(
        app.call(
            "trust_unlock",
            json!({"customer_document_number": fixtures.active.document,
                   "contract_id": fixtures.unlock_used.id_cliente_servico.to_string()}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(
        app.erp
            .requests()
            .count("/api/v1/integracao/cliente/desbloqueio_confianca"),
        before
    );
}

#[tokio::test]
async fn a_payment_settles_the_invoice_in_hubsoft_once_and_a_second_one_is_refused() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let active = &fixtures.active;
    let id = active.open_invoices[0];
    let remote_id = format!("{id}-{}", active.id_cliente_servico);
    let listed = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": active.document}),
        )
        .await;
    let invoice = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["remote_id"] == remote_id.as_str())
        .expect("the open invoice is listed")
        .clone();
    let paid_at = format!("{}T10:15:00-03:00", iso(app.erp.state().today()));
    let payment = |transaction: &str| {
        json!({
            "transaction": {"id": transaction, "method": "pix", "amount": invoice["valor_final"],
                            "paid_at": paid_at, "end_to_end_id": format!("E{transaction}")},
            "boleto_id": remote_id,
            "customer_document_number": active.document
        })
    };
    let first = app.pay(&payment("tx-hub-1")).await;
    assert_eq!(first["state"], "settled", "{first}");
    let settled = app.erp.state().invoice(id).unwrap();
    assert!(settled.data_pagamento.is_some());
    assert_eq!(settled.recibos.len(), 1);
    assert_eq!(settled.recibos[0].id_caixa_financeiro, 150);
    assert_eq!(settled.recibos[0].meio_pagamento, "pix");
    let after = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": active.document}),
        )
        .await;
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["remote_id"] != remote_id.as_str()),
        "{after}"
    );

    let second = app.pay(&payment("tx-hub-2")).await;
    assert_eq!(second["state"], "failed", "{second}");
    assert_eq!(app.erp.state().invoice(id).unwrap().recibos.len(), 1);

    // Asked directly, Hubsoft refuses the write-off with its own words.
    let again = app
        .ok(
            "settle_boleto",
            json!({"transaction": {"id": "tx-hub-3", "method": "cash", "amount": invoice["valor_final"], "paid_at": paid_at},
                   "boleto_id": remote_id, "customer_document_number": active.document}),
        )
        .await;
    assert_eq!(again["success"], false, "{again}");
    assert!(
        again["api_response"]["msg"]
            .as_str()
            .unwrap()
            .contains("já encontra-se quitada"),
        "{again}"
    );
}

#[tokio::test]
async fn tickets_orders_and_leads_are_created_in_hubsoft() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let blocked = &fixtures.blocked;
    let ticket = app
        .ok(
            "create_ticket",
            json!({"customer_document_number": blocked.document,
                   "contract_id": blocked.id_cliente_servico.to_string(),
                   "subject": "Sem conexão", "message": "Cliente sem internet"}),
        )
        .await;
    let id: u64 = ticket["remote_id"].as_str().unwrap().parse().unwrap();
    let stored = app
        .erp
        .state()
        .tickets()
        .into_iter()
        .find(|t| t.id_atendimento == id)
        .expect("the ticket is in Hubsoft");
    assert_eq!(stored.id_cliente_servico, blocked.id_cliente_servico);
    assert!(
        ticket["remote_message"]
            .as_str()
            .unwrap()
            .contains(&stored.protocolo)
    );

    let order = app
        .ok(
            "create_order_existing_customer",
            json!({"customer_document_number": fixtures.active.document, "message": "Troca de plano",
                   "order": {"id": "ord-1", "customer": {"name": fixtures.active.name, "document_number": fixtures.active.document},
                             "items": [{"erp_product_code": "1303", "price": "109.90", "quantity": 1}]},
                   "wda_user": {"id": "u1", "document_number": fixtures.active.document}}),
        )
        .await;
    let order_id: u64 = order["remote_id"].as_str().unwrap().parse().unwrap();
    assert!(
        app.erp
            .state()
            .tickets()
            .iter()
            .any(|t| t.id_atendimento == order_id
                && t.id_cliente_servico == fixtures.active.id_cliente_servico)
    );

    let prospects = app.erp.state().prospects().len();
    let created = app
        .ok(
            "create_order",
            json!({"message": "Pedido ord-2",
                   "order": {"id": "ord-2", "customer": {"name": "JOAO DA SILVA", "document_number": "52998224725", "phone": "(37) 99999-0000"},
                             "address": {"cep": "35560-098", "street": "RUA DAS FLORES", "number": "120", "neighborhood": "CENTRO"},
                             "items": [{"erp_product_code": "1301", "price": "99.90", "quantity": 1}]}}),
        )
        .await;
    assert_eq!(created["is_issue"], false);
    assert_eq!(app.erp.state().prospects().len(), prospects + 1);
    let prospect_id = created["remote_id"].as_str().unwrap().to_owned();
    assert!(
        app.erp
            .state()
            .prospects()
            .iter()
            .any(|p| p.id_prospecto.to_string() == prospect_id)
    );

    let lead = app
        .call(
            "create_lead",
            json!({"lead": {"id": "lead-1", "name": "ANA PAULA", "document_number": "11144477735", "phone": "37988887777",
                            "cep": "35560-098", "address": {"street": "RUA A", "number": "10", "neighborhood": "CENTRO"},
                            "erp_product_code": "1302"}}),
        )
        .await;
    assert_eq!(lead.status, 204, "{}", lead.text);
    assert_eq!(app.erp.state().prospects().len(), prospects + 2);
}

#[tokio::test]
async fn the_catalogs_and_fiscal_notes_are_hubsofts() {
    let app = HubApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let products = app.ok("list_products", json!({})).await;
    assert!(
        products
            .as_array()
            .unwrap()
            .contains(&json!({"codigo": "1301", "nome": "FIBRA 100 MEGA"}))
    );
    let dues = app.ok("list_due_dates", json!({})).await;
    assert!(
        dues.as_array()
            .unwrap()
            .contains(&json!({"code": "61", "name": "10"}))
    );
    let resellers = app.ok("list_resellers", json!({})).await;
    assert!(!resellers.as_array().unwrap().is_empty());
    let origins = app.ok("list_commercial_origins", json!({})).await;
    assert!(
        origins
            .as_array()
            .unwrap()
            .contains(&json!({"code": "1", "description": "Instagram"}))
    );

    let company = &fixtures.company;
    let notes = app
        .ok(
            "list_fiscal_notes",
            json!({"customer_document_number": company.document}),
        )
        .await;
    let seeded = app.erp.state().notes_of(company.id_cliente);
    assert_eq!(notes.as_array().unwrap().len(), seeded.len(), "{notes}");
    let nfse = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id_nota"].as_str().unwrap().starts_with("nfse-"))
        .expect("the company has an NFS-e")
        .clone();
    let pdf = app
        .ok(
            "get_fiscal_note_pdf",
            json!({"customer_document_number": company.document, "nota_id": nfse["id_nota"]}),
        )
        .await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["base_64"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_boleto_pdf_behind_a_link_that_wants_the_token_is_downloaded_too() {
    let config = ponte_simulators::hubsoft::HubsoftConfig {
        pdf_link_requires_token: true,
        ..ponte_simulators::hubsoft::HubsoftConfig::default()
    };
    let app = HubApp::start_with(config, |_| {}).await;
    let active = app.erp.state().fixtures().active.clone();
    let remote_id = format!("{}-{}", active.open_invoices[0], active.id_cliente_servico);
    let pdf = app
        .ok("get_boleto_pdf", json!({"boleto_id": remote_id}))
        .await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["base_64"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}
