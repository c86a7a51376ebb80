//! End to end over loopback: Ponte runs the shipped standard API preset against the standard
//! API simulator, and answers what the simulator's seed holds; the ERP's failures reach the
//! caller as Ponte's codes.

mod common;

use base64::Engine as _;
use common::preset::{PresetApp, iso, money};
use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::sgp::story::codes::late_charges;
use ponte_simulators::standard::{self, FieldSet, RunningStandard, StandardConfig};
use serde_json::{Value, json};

/// A standard API simulator answering `field_set`, and Ponte in front of it.
async fn start(field_set: FieldSet) -> (PresetApp, RunningStandard) {
    start_with(field_set, |_| {}).await
}

async fn start_with(
    field_set: FieldSet,
    configure: impl FnOnce(&mut ponte_core::model::Integration),
) -> (PresetApp, RunningStandard) {
    let mut config = StandardConfig::default();
    config.guesses.field_set = field_set;
    let erp = standard::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start("standard", &[("standard_token", &config.token)], |i| {
        i.variables.insert("base_url".into(), base);
        configure(i);
    })
    .await;
    (app, erp)
}

#[tokio::test]
async fn get_customer_info_answers_the_seeded_register_by_cpf_cnpj_and_alphanumeric_cnpj() {
    let (app, erp) = start(FieldSet::Current).await;
    let fixtures = erp.state().fixtures().clone();
    let story = erp.state().story();
    for fixture in [
        &fixtures.active,
        &fixtures.company,
        &fixtures.alphanumeric_cnpj,
    ] {
        let customer = story.customer(fixture.customer_id).unwrap();
        let info = app
            .ok(
                "get_customer_info",
                json!({"customer_document_number": fixture.document}),
            )
            .await;
        assert_eq!(info["nome_completo"], customer.name.as_str(), "{info}");
        assert_eq!(info["id_remoto"], customer.id.to_string(), "{info}");
        assert_eq!(info["id_contrato"], fixture.contract_ids[0].to_string());
        assert_eq!(info["ativo"], true, "{info}");
        assert_eq!(info["rua_endereco"], customer.address.street.as_str());
        assert_eq!(info["cidade_endereco"], customer.address.city.as_str());
        assert_eq!(info["estado_endereco"], customer.address.uf.as_str());
        assert_eq!(info["cep_endereco"], customer.address.cep.as_str());
        assert_eq!(info["data_registro"], iso(customer.registered.0));
    }
    // Only a cancelled contract: found, not active.
    let cancelled = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.cancelled.document}),
        )
        .await;
    assert_eq!(cancelled["ativo"], false, "{cancelled}");
    // The simulator answers 404 for a document nobody has.
    let unknown = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(unknown, Value::Null);
}

#[tokio::test]
async fn the_older_field_set_gives_the_same_customer_with_contacts_and_alerts() {
    let (app, erp) = start(FieldSet::Legacy).await;
    let fixtures = erp.state().fixtures().clone();
    let story = erp.state().story();
    let two = &fixtures.two_contracts;
    let customer = story.customer(two.customer_id).unwrap();

    let info = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": two.document}),
        )
        .await;
    assert_eq!(info["nome_completo"], customer.name.as_str(), "{info}");
    assert_eq!(info["id_remoto"], customer.id.to_string());
    // The older field set has no contract id.
    assert_eq!(info["id_contrato"], "");
    assert_eq!(info["ativo"], true);

    let contacts = app
        .ok(
            "list_customer_contacts",
            json!({"customer_document_number": two.document}),
        )
        .await;
    let emails: Vec<&str> = contacts
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "email")
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        vec![customer.emails[0].value.as_str()],
        "{contacts}"
    );
    let phones: Vec<String> = contacts
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "phone")
        .map(|c| c["value"].as_str().unwrap().to_owned())
        .collect();
    assert!(!phones.is_empty(), "{contacts}");
    for phone in &phones {
        assert!(
            customer.phones.iter().any(|p| &p.value == phone),
            "{phone} is not seeded"
        );
    }

    // Every seeded alert of a customer is one pendency message.
    let alerted = story
        .annotations
        .iter()
        .find(|n| n.alert_mode > 0)
        .expect("the seed has an alert");
    let document = story
        .customer(alerted.customer_id)
        .unwrap()
        .document
        .clone();
    let messages = app
        .ok(
            "get_internal_pendency_messages",
            json!({"customer_document_number": document}),
        )
        .await;
    let want: Vec<&str> = story
        .annotations
        .iter()
        .filter(|n| n.customer_id == alerted.customer_id && n.alert_mode > 0)
        .flat_map(|n| n.text.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(messages, json!(want));
}

#[tokio::test]
async fn the_current_field_set_has_no_contacts_to_give() {
    let (app, erp) = start(FieldSet::Current).await;
    let fixtures = erp.state().fixtures().clone();
    let contacts = app
        .ok(
            "list_customer_contacts",
            json!({"customer_document_number": fixtures.two_contracts.document}),
        )
        .await;
    assert_eq!(contacts, json!([]));
}

#[tokio::test]
async fn list_invoices_answers_the_open_boletos_with_values_updated_to_today() {
    let (app, erp) = start(FieldSet::Both).await;
    let fixtures = erp.state().fixtures().clone();
    let story = erp.state().story();
    let today = erp.state().today();
    let blocked = &fixtures.blocked;
    assert!(
        blocked.open_title_ids.len() >= 2,
        "overdue titles are seeded"
    );
    let customer = story.customer(blocked.customer_id).unwrap();

    let invoices = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": blocked.document}),
        )
        .await;
    let ids: Vec<&str> = invoices
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fatura"].as_str().unwrap())
        .collect();
    let want: Vec<String> = blocked
        .open_title_ids
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ids, want, "{invoices}");
    let mut overdue = 0;
    for invoice in invoices.as_array().unwrap() {
        let id: u64 = invoice["fatura"].as_str().unwrap().parse().unwrap();
        let title = story.title(id).unwrap();
        let open = title.open_cents();
        let (interest, fine) = late_charges(&erp.state().config().story(), open, title.due, today);
        if title.due < today {
            overdue += 1;
            assert!(interest + fine > 0, "overdue: {invoice}");
        }
        assert_eq!(invoice["remote_id"], id.to_string(), "the invoice's id");
        assert_eq!(invoice["nome_cliente"], customer.name.as_str());
        assert_eq!(invoice["document_number"], blocked.document.as_str());
        assert_eq!(invoice["valor_inicial"], money(open), "{invoice}");
        assert_eq!(invoice["valor_final"], money(open + interest + fine));
        assert_eq!(invoice["juros"], money(interest));
        assert_eq!(invoice["multa"], money(fine));
        assert_eq!(invoice["vencimento"], iso(title.due));
        assert_eq!(invoice["emissao"], iso(title.issued));
        assert_eq!(invoice["linha_digitavel"], title.linha.as_str());
        assert_eq!(
            invoice["code_fatura"],
            format!("{id}-{}", customer.document),
            "{invoice}"
        );
        let link = invoice["link_boleto"].as_str().unwrap();
        let pdf = reqwest::get(link).await.unwrap();
        assert_eq!(pdf.status(), 200, "{link}");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    assert!(
        overdue >= 2,
        "the blocked customer has overdue boletos: {invoices}"
    );

    // One invoice by its id; another customer's is not theirs.
    let first = &blocked.open_title_ids[0].to_string();
    let one = app
        .ok(
            "get_invoice",
            json!({"customer_document_number": blocked.document, "customer_bill_id": first}),
        )
        .await;
    assert_eq!(one[0]["fatura"], first.as_str(), "{one}");
    assert_eq!(one[0], invoices[0]);
    let theirs = app
        .ok(
            "get_invoice",
            json!({"customer_document_number": fixtures.active.document, "customer_bill_id": first}),
        )
        .await;
    assert_eq!(theirs, json!([]));

    let none = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn fiscal_notes_and_their_pdfs_come_from_the_seeded_notes() {
    let (app, erp) = start(FieldSet::Current).await;
    let fixtures = erp.state().fixtures().clone();
    let story = erp.state().story();
    let active = &fixtures.active;
    let seeded: Vec<_> = story
        .notes
        .iter()
        .filter(|n| n.customer_id == active.customer_id)
        .collect();
    assert!(!seeded.is_empty(), "the seed has notes");

    let notes = app
        .ok(
            "list_fiscal_notes",
            json!({"customer_document_number": active.document}),
        )
        .await;
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), seeded.len());
    for (note, seed) in notes.iter().zip(&seeded) {
        assert_eq!(note["id_nota"], seed.id.to_string(), "{note}");
        assert_eq!(note["valor"], money(seed.cents));
        assert_eq!(note["data_lancamento"], iso(seed.issued));
        let title = story.title(seed.title_id).unwrap();
        assert_eq!(note["valor_pago"], money(title.paid_cents()));
    }

    let seed = seeded[0];
    let answer = app
        .ok(
            "get_fiscal_note_pdf",
            json!({"customer_document_number": active.document, "nota_id": seed.id.to_string()}),
        )
        .await;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(answer["base_64"].as_str().unwrap())
        .unwrap();
    let direct = reqwest::get(format!("{}/nota/{}.pdf", erp.root_url(), seed.key))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(direct.as_ref(), pdf.as_slice());

    // Another customer's note is not found in the ERP.
    let problem = app
        .problem(
            "get_fiscal_note_pdf",
            json!({"customer_document_number": fixtures.company.document, "nota_id": seed.id.to_string()}),
            404,
            "not_found_in_erp",
        )
        .await;
    assert_eq!(problem["automation_code"], "fiscal_note_not_found");
}

#[tokio::test]
async fn a_function_the_standard_api_cannot_serve_is_not_configured() {
    let (app, erp) = start(FieldSet::Current).await;
    let fixtures = erp.state().fixtures().clone();
    let unsupported: Vec<String> = erp_unsupported(&erp);
    let preset = ponte_presets::preset("standard").unwrap();
    for entry in preset.coverage {
        let declared = !entry.supported;
        assert_eq!(
            declared,
            unsupported.contains(&entry.function.as_str().to_owned()),
            "{}: the preset and the simulator disagree",
            entry.function.as_str()
        );
    }
    app.problem(
        "trust_unlock",
        json!({"customer_document_number": fixtures.blocked.document, "contract_id": "1"}),
        501,
        "function_not_configured",
    )
    .await;
}

fn erp_unsupported(erp: &RunningStandard) -> Vec<String> {
    standard::fixtures_json(erp.state())["unsupported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_wrong_token_is_erp_auth_failed_and_not_retried() {
    let config = StandardConfig::default();
    let erp = standard::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start(
        "standard",
        &[("standard_token", "not-the-token-0000")],
        |i| {
            i.variables.insert("base_url".into(), base);
        },
    )
    .await;
    let fixtures = erp.state().fixtures().clone();
    let problem = app
        .problem(
            "get_customer_info",
            json!({"customer_document_number": fixtures.active.document}),
            502,
            "erp_auth_failed",
        )
        .await;
    assert!(!problem.to_string().contains("not-the-token-0000"));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("refused the credentials"),
        "{problem}"
    );
    assert_eq!(erp.requests().count("/api/clientes"), 1);

    // A token revoked in the ERP, likewise.
    let (app, erp) = start(FieldSet::Current).await;
    erp.faults()
        .add(FaultRule::times(1, Fault::RejectToken).on_path("/api/boletos"));
    app.problem(
        "list_invoices",
        json!({"customer_document_number": fixtures.active.document}),
        502,
        "erp_auth_failed",
    )
    .await;
}

#[tokio::test]
async fn the_token_header_and_scheme_are_variables() {
    let mut config = StandardConfig::default();
    config.guesses.token_header = "X-Api-Token".into();
    config.guesses.token_scheme = None;
    let erp = standard::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start("standard", &[("standard_token", &config.token)], |i| {
        i.variables.insert("base_url".into(), base);
        i.variables
            .insert("token_header".into(), "X-Api-Token".into());
        i.variables.insert("token_scheme".into(), String::new());
    })
    .await;
    let fixtures = erp.state().fixtures().clone();
    let info = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.active.document}),
        )
        .await;
    assert_eq!(info["id_remoto"], fixtures.active.customer_id.to_string());
}

#[tokio::test]
async fn the_erps_failures_are_ponte_codes() {
    let (app, erp) = start_with(FieldSet::Current, |i| {
        i.settings.timeouts.request_ms = 300;
        i.settings.timeouts.function_ms = 5_000;
    })
    .await;
    let fixtures = erp.state().fixtures().clone();
    let input = json!({"customer_document_number": fixtures.active.document});

    erp.faults().set(Fault::Status(503));
    app.problem("list_invoices", input.clone(), 502, "erp_unavailable")
        .await;
    erp.faults().clear();

    erp.faults().set(Fault::Hang);
    app.problem("list_fiscal_notes", input.clone(), 504, "erp_timeout")
        .await;
    erp.faults().clear();

    erp.faults().set(Fault::MalformedJson);
    let problem = app
        .problem(
            "get_customer_info",
            input.clone(),
            502,
            "erp_invalid_response",
        )
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("lookup"),
        "{problem}"
    );
    erp.faults().clear();

    // And once the ERP is well again, so is the answer.
    app.ok("get_customer_info", input).await;
}

#[tokio::test]
async fn an_erp_that_refuses_a_token_with_403_is_erp_rejected_with_its_words() {
    let mut config = StandardConfig::default();
    config.guesses.unauthorized_status = 403;
    let erp = standard::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start(
        "standard",
        &[("standard_token", "not-the-token-0000")],
        |i| {
            i.variables.insert("base_url".into(), base);
        },
    )
    .await;
    let fixtures = erp.state().fixtures().clone();
    let problem = app
        .problem(
            "list_fiscal_notes",
            json!({"customer_document_number": fixtures.active.document}),
            502,
            "erp_rejected",
        )
        .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&config.guesses.text_token_invalid),
        "{problem}"
    );
    assert_eq!(erp.requests().count("/api/notas_fiscais"), 1, "not retried");
}
