//! End to end over loopback: Ponte runs the shipped SGP preset against the SGP simulator, and
//! answers what the simulator's seed holds: the customer by CPF, the open titles with their
//! linha digitável and PIX, the boleto PDF, and a trust unlock that works once.

mod common;

use base64::Engine as _;
use common::Answer;
use common::preset::{PresetApp, money};
use ponte_simulators::sgp::story::model::TitleStatus;
use ponte_simulators::sgp::{self, SgpConfig};
use serde_json::{Value, json};

/// Ponte on loopback with the shipped SGP preset bound to every function it serves, in front
/// of a fresh SGP simulator.
struct SgpApp {
    app: PresetApp,
    erp: sgp::RunningSgp,
}

impl SgpApp {
    async fn start() -> SgpApp {
        let config = SgpConfig::default();
        let erp = sgp::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let base = erp.base_url();
        let app = PresetApp::start("sgp", &[("sgp_token", &config.token)], |i| {
            i.variables.insert("base_url".into(), base);
            i.variables.insert("sgp_app".into(), config.app.clone());
            i.variables
                .insert("ticket_occurrence_type".into(), "1".into());
            i.variables
                .insert("order_occurrence_type".into(), "3".into());
        })
        .await;
        SgpApp { app, erp }
    }

    async fn call(&self, function: &str, input: Value) -> Answer {
        self.app.call(function, input).await
    }

    /// Submits a payment and waits for its final state.
    async fn pay(&self, body: &Value) -> Value {
        self.app.pay(body).await
    }

    /// Calls `function`, checks the answer is 200 and answers its body.
    async fn ok(&self, function: &str, input: Value) -> Value {
        self.app.ok(function, input).await
    }
}

#[tokio::test]
async fn get_customer_info_by_cpf_answers_the_seeded_register_and_live_contract() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let story = app.erp.state().story();
    let active = &fixtures.active;
    let customer = story.customer(active.customer_id).unwrap();
    let contract = active.contract_ids[0];

    let info = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": active.document}),
        )
        .await;
    assert_eq!(info["nome_completo"], customer.name.as_str(), "{info}");
    assert_eq!(info["id_remoto"], customer.id.to_string());
    assert_eq!(info["id_contrato"], contract.to_string());
    assert_eq!(info["ativo"], true);
    assert_eq!(info["rua_endereco"], customer.address.street.as_str());
    assert_eq!(info["cidade_endereco"], customer.address.city.as_str());
    assert_eq!(info["estado_endereco"], customer.address.uf.as_str());
    assert_eq!(info["cep_endereco"], customer.address.cep.as_str());
    let registered = customer.registered.0;
    assert_eq!(
        info["data_registro"],
        format!(
            "{:04}-{:02}-{:02}",
            registered.year(),
            u8::from(registered.month()),
            registered.day()
        )
    );

    // The customer whose only contract is cancelled is found, and is not active.
    let cancelled = app
        .ok(
            "get_customer_info",
            json!({"customer_document_number": fixtures.cancelled.document}),
        )
        .await;
    let name = &story.customer(fixtures.cancelled.customer_id).unwrap().name;
    assert_eq!(cancelled["nome_completo"], name.as_str());
    assert_eq!(cancelled["ativo"], false);
}

#[tokio::test]
async fn list_invoices_answers_the_open_titles_oldest_first_with_linha_and_pix() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let story = app.erp.state().story();
    let blocked = &fixtures.blocked;
    assert!(
        blocked.open_title_ids.len() >= 2,
        "the seed has overdue titles"
    );

    let invoices = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": blocked.document}),
        )
        .await;
    let ids: Vec<String> = invoices
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fatura"].as_str().unwrap().to_owned())
        .collect();
    let want: Vec<String> = blocked
        .open_title_ids
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ids, want, "{invoices}");
    let name = &story.customer(blocked.customer_id).unwrap().name;
    for invoice in invoices.as_array().unwrap() {
        let id: u64 = invoice["fatura"].as_str().unwrap().parse().unwrap();
        let title = story.title(id).unwrap();
        assert_eq!(title.status, TitleStatus::Open);
        assert_eq!(invoice["nome_cliente"], name.as_str());
        assert_eq!(invoice["document_number"], blocked.document.as_str());
        assert_eq!(invoice["valor_inicial"], money(title.cents), "{invoice}");
        assert_eq!(
            invoice["linha_digitavel"],
            title.linha.as_str(),
            "{invoice}"
        );
        assert_eq!(invoice["pix_code"], title.pix.as_str(), "{invoice}");
        assert_eq!(invoice["historico"], title.contract_id.to_string());
        assert_eq!(
            invoice["vencimento"],
            format!(
                "{:04}-{:02}-{:02}",
                title.due.year(),
                u8::from(title.due.month()),
                title.due.day()
            )
        );
    }

    // A document SGP does not know has no invoices.
    let none = app
        .ok(
            "list_invoices",
            json!({"customer_document_number": fixtures.unknown_document}),
        )
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn get_boleto_pdf_answers_the_pdf_sgp_serves_for_the_title() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let story = app.erp.state().story();
    let title = story.title(fixtures.blocked.open_title_ids[0]).unwrap();

    let answer = app
        .ok("get_boleto_pdf", json!({"boleto_id": title.id.to_string()}))
        .await;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(answer["base_64"].as_str().unwrap())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    // The very bytes SGP serves at the title's PDF link.
    let direct = reqwest::get(format!(
        "{}/boleto/{}-{}.pdf",
        app.erp.base_url(),
        title.link_id,
        title.link_code
    ))
    .await
    .unwrap();
    assert_eq!(direct.status(), 200);
    assert_eq!(direct.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // A title SGP does not have is not found in the ERP.
    let unknown = app
        .call("get_boleto_pdf", json!({"boleto_id": "987654321"}))
        .await;
    assert_eq!(unknown.status, 404);
    let problem: Value = unknown.json();
    assert_eq!(problem["code"], "not_found_in_erp", "{problem}");
    assert_eq!(problem["automation_code"], "boleto_not_found", "{problem}");
}

#[tokio::test]
async fn trust_unlock_releases_a_suspended_contract_once_and_is_refused_with_sgps_words() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let blocked = &fixtures.blocked;
    let contract = blocked.contract_ids[0].to_string();
    let input = json!({"customer_document_number": blocked.document, "contract_id": contract});

    // Listed as blocked before.
    let plans = app
        .ok(
            "list_customer_blocked_plans",
            json!({"customer_document_number": blocked.document}),
        )
        .await;
    assert_eq!(plans[0]["remote_id"], contract.as_str(), "{plans}");
    assert_eq!(plans[0]["blocked"], true);

    let first = app.ok("trust_unlock", input.clone()).await;
    assert_eq!(first["success"], true, "{first}");
    let until = app.erp.state().today() + time::Duration::days(3);
    assert_eq!(
        first["unlocked_until"],
        format!(
            "{:04}-{:02}-{:02}",
            until.year(),
            u8::from(until.month()),
            until.day()
        )
    );
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("Promessa de Pagamento"),
        "{first}"
    );
    // The contract is released: no longer a blocked plan.
    let after = app
        .ok(
            "list_customer_blocked_plans",
            json!({"customer_document_number": blocked.document}),
        )
        .await;
    assert_eq!(after, json!([]));

    // A second release of the same contract is not a release.
    let second = app.ok("trust_unlock", input).await;
    assert_eq!(second["success"], false, "{second}");
    assert_eq!(second["unlocked_until"], "");

    // The customer who already used this month's promise is refused with SGP's words.
    let used = &fixtures.unlock_used;
    let refused = app
        .ok(
            "trust_unlock",
            json!({
                "customer_document_number": used.document,
                "contract_id": used.contract_ids[0].to_string()
            }),
        )
        .await;
    assert_eq!(refused["success"], false, "{refused}");
    assert_eq!(refused["message"], sgp::QUOTA_SPENT, "{refused}");

    // Another customer's contract is not found, and nothing is released.
    let theirs = app
        .call(
            "trust_unlock",
            json!({
                "customer_document_number": fixtures.active.document,
                "contract_id": used.contract_ids[0].to_string()
            }),
        )
        .await;
    assert_eq!(theirs.status, 404);
    let problem: Value = theirs.json();
    assert_eq!(
        problem["automation_code"], "contract_not_found",
        "{problem}"
    );
}

#[tokio::test]
async fn contacts_and_plans_come_from_the_seeded_customer() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let story = app.erp.state().story();
    let two = &fixtures.two_contracts;
    let customer = story.customer(two.customer_id).unwrap();

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
    let seeded: Vec<&str> = customer.emails.iter().map(|e| e.value.as_str()).collect();
    assert!(!seeded.is_empty());
    for email in &emails {
        assert!(seeded.contains(email), "{email} is not seeded");
    }
    assert!(
        contacts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "phone")
    );

    let plans = app
        .ok(
            "list_customer_plans",
            json!({"customer_document_number": two.document}),
        )
        .await;
    let ids: Vec<&str> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["remote_id"].as_str().unwrap())
        .collect();
    let mut want: Vec<String> = two.contract_ids.iter().map(ToString::to_string).collect();
    want.sort_by_key(|id| id.parse::<u64>().unwrap());
    assert_eq!(ids, want, "{plans}");
    let blocked: Vec<&Value> = plans
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["blocked"] == true)
        .collect();
    assert_eq!(blocked.len(), 1, "one contract at reduced speed: {plans}");
}

#[tokio::test]
async fn the_catalogs_are_sgps_pre_registration_lists() {
    use ponte_simulators::sgp::story::catalog::{DUE_DAYS, PLANS, SELLERS};
    let app = SgpApp::start().await;

    let products = app.ok("list_products", json!({})).await;
    let want: Vec<Value> = PLANS
        .iter()
        .filter(|p| p.active)
        .map(|p| json!({"codigo": p.id.to_string(), "nome": p.name}))
        .collect();
    assert_eq!(products, Value::Array(want));

    let days = app.ok("list_due_dates", json!({})).await;
    let want: Vec<Value> = DUE_DAYS
        .iter()
        .map(|(id, day)| json!({"code": id.to_string(), "name": day.to_string()}))
        .collect();
    assert_eq!(days, Value::Array(want));

    let sellers = app.ok("list_resellers", json!({})).await;
    let want: Vec<Value> = SELLERS
        .iter()
        .filter(|s| s.active)
        .map(|s| json!({"code": s.id.to_string(), "name": s.name, "taxvat": "", "email": ""}))
        .collect();
    assert_eq!(sellers, Value::Array(want));
}

#[tokio::test]
async fn get_invoice_answers_one_title_of_the_customer_and_none_of_another() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let story = app.erp.state().story();
    let blocked = &fixtures.blocked;
    let title = story.title(blocked.open_title_ids[0]).unwrap();

    let found = app
        .ok(
            "get_invoice",
            json!({"customer_document_number": blocked.document, "customer_bill_id": title.id.to_string()}),
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["remote_id"], title.id.to_string());
    assert_eq!(found[0]["valor_inicial"], money(title.cents));
    assert_eq!(found[0]["linha_digitavel"], title.linha.as_str());

    // The same title asked for by another customer is not theirs.
    let other = app
        .ok(
            "get_invoice",
            json!({"customer_document_number": fixtures.active.document, "customer_bill_id": title.id.to_string()}),
        )
        .await;
    assert_eq!(other, json!([]));
}

#[tokio::test]
async fn a_payment_writes_the_title_off_in_sgp_once_and_a_second_one_is_refused() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let active = &fixtures.active;
    let title_id = active.open_title_ids[0];
    let remote_id = title_id.to_string();
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
        .find(|i| i["remote_id"].as_str() == Some(remote_id.as_str()))
        .expect("the open title is listed")
        .clone();
    let today = app.erp.state().today();
    let paid_at = format!(
        "{:04}-{:02}-{:02}T10:15:00-03:00",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let payment = |transaction: &str| {
        json!({
            "transaction": {
                "id": transaction,
                "method": "pix",
                "amount": invoice["valor_final"],
                "paid_at": paid_at,
                "end_to_end_id": format!("E{transaction}")
            },
            "boleto_id": title_id.to_string(),
            "customer_document_number": active.document
        })
    };

    let first = app.pay(&payment("tx-sgp-1")).await;
    assert_eq!(first["state"], "settled", "{first}");
    let story = app.erp.state().story();
    let title = story.title(title_id).unwrap();
    assert_eq!(title.status, TitleStatus::Paid);
    assert_eq!(title.payments.len(), 1);
    assert_eq!(title.payments[0].form, "PIX");
    // Gone from the open list.
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
            .all(|i| i["remote_id"].as_str() != Some(remote_id.as_str())),
        "{after}"
    );

    // Another payment of the same title is not written off a second time.
    let second = app.pay(&payment("tx-sgp-2")).await;
    assert_eq!(second["state"], "failed", "{second}");
    assert_eq!(second["error"]["code"], "invoice_not_open", "{second}");
    let story = app.erp.state().story();
    assert_eq!(story.title(title_id).unwrap().payments.len(), 1);
}

#[tokio::test]
async fn create_ticket_opens_an_occurrence_on_the_customers_contract_in_sgp() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let active = &fixtures.active;
    let before = app.erp.state().story().occurrences.len();

    let ticket = app
        .ok(
            "create_ticket",
            json!({
                "customer_document_number": active.document,
                "subject": "Sem sinal",
                "message": "Desde ontem à noite"
            }),
        )
        .await;
    let story = app.erp.state().story();
    assert_eq!(story.occurrences.len(), before + 1);
    let opened = story.occurrences.last().unwrap();
    assert_eq!(ticket["remote_id"], opened.protocol.as_str(), "{ticket}");
    assert_eq!(opened.contract_id, active.contract_ids[0]);
    assert_eq!(opened.type_id, 1);
    assert!(opened.content.contains("Desde ontem à noite"));
}

#[tokio::test]
async fn an_order_of_an_existing_customer_is_an_occurrence_of_the_order_type_in_sgp() {
    let app = SgpApp::start().await;
    let fixtures = app.erp.state().fixtures().clone();
    let active = &fixtures.active;
    let answer = app
        .ok(
            "create_order_existing_customer",
            json!({
                "message": "Pedido 9010: troca de plano",
                "customer_document_number": active.document,
                "wda_user": {"id": "u-881", "document_number": active.document},
                "order": {
                    "id": "9010",
                    "customer": {"name": "Cliente", "document_number": active.document},
                    "items": [{"name": "FIBRA 600MB"}]
                }
            }),
        )
        .await;
    let story = app.erp.state().story();
    let opened = story.occurrences.last().unwrap();
    assert_eq!(answer["remote_id"], opened.protocol.as_str(), "{answer}");
    assert_eq!(opened.type_id, 3);
    assert_eq!(opened.contract_id, active.contract_ids[0]);
    assert!(opened.content.starts_with("Pedido da plataforma 9010"));
}
