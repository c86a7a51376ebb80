//! The story every preset tells, and what each ERP must say about its seed for it.

use std::collections::BTreeSet;

use base64::Engine as _;
use ponte_catalog::FunctionId;
use serde_json::{Value, json};

use crate::common::preset::PresetApp;

/// A seeded customer as the ERP holds it.
#[derive(Debug, Clone)]
pub struct Customer {
    /// The document, bare and upper case.
    pub document: String,
    /// The name (or company name) as the ERP stores it.
    pub name: String,
    /// The ERP's customer id.
    pub id: String,
}

/// Where the story's characters live in one simulator's seed.
#[derive(Debug, Clone)]
pub struct Seed {
    /// A person found by CPF.
    pub cpf: Customer,
    /// A company found by numeric CNPJ.
    pub cnpj: Customer,
    /// A company found by alphanumeric CNPJ.
    pub alphanumeric_cnpj: Customer,
    /// A valid document nobody has.
    pub unknown_document: String,
    /// A customer with e-mails on file, and those e-mails.
    pub contacts: (String, Vec<String>),
    /// A customer with more than one contract: the document, every live contract's id, and
    /// the ids of the blocked ones.
    pub plans: (String, Vec<String>, Vec<String>),
    /// A blocked contract a trust unlock releases: the document, the contract id, and the
    /// words the ERP answers (or the preset words for it) when asked a second time.
    pub unlock: (String, String, String),
    /// A customer with open invoices, some overdue: the document and the ids, oldest due
    /// date first, with the overdue ones.
    pub invoices: (String, Vec<String>, Vec<String>),
    /// Whether the ERP gives a PIX code with its invoices.
    pub pix: bool,
    /// Whether the ERP gives a linha digitável with its invoices.
    pub linha: bool,
    /// An open invoice to write off: the document and the invoice id.
    pub write_off: (String, String),
    /// What the four catalogs answer, as the seed lists them.
    pub catalogs: Vec<(FunctionId, Value)>,
    /// A customer with fiscal notes: the document and the notes' ids.
    pub notes: (String, Vec<String>),
    /// A live contract of [`Seed::cpf`], for the ticket.
    pub ticket_contract: String,
}

/// What the story asks of the simulator's state after a write.
pub trait Erp {
    /// Whether the invoice is still open in the ERP.
    fn invoice_open(&self, id: &str) -> bool;
    /// Whether the ERP now holds the record `function` created, by the id Ponte answered.
    fn created(&self, function: FunctionId, remote_id: &str) -> bool;
    /// Fits a write's input (the catalog's example) to the seed, where the ERP checks codes
    /// the example cannot know (a product id, a CEP it serves); by default, as it is.
    fn adapt(&self, _function: FunctionId, _input: &mut Value) {}
}

/// Every function the story calls.
pub const STORY: [FunctionId; 20] = [
    FunctionId::GetCustomerInfo,
    FunctionId::ListCustomerContacts,
    FunctionId::ListCustomerPlans,
    FunctionId::ListCustomerBlockedPlans,
    FunctionId::TrustUnlock,
    FunctionId::ListInvoices,
    FunctionId::GetInvoice,
    FunctionId::GetBoletoPdf,
    FunctionId::SettleBoleto,
    FunctionId::CreateTicket,
    FunctionId::CreateLead,
    FunctionId::CreateOrder,
    FunctionId::CreateOrderExistingCustomer,
    FunctionId::ListProducts,
    FunctionId::ListDueDates,
    FunctionId::ListResellers,
    FunctionId::ListCommercialOrigins,
    FunctionId::ListFiscalNotes,
    FunctionId::GetFiscalNotePdf,
    FunctionId::GetInternalPendencyMessages,
];

/// The story as it goes: which functions were told, which skipped.
struct Teller<'a> {
    preset: &'static ponte_presets::Preset,
    app: &'a PresetApp,
    told: BTreeSet<&'static str>,
    skipped: BTreeSet<&'static str>,
}

impl Teller<'_> {
    /// Whether the story tells `function` for this preset. An unsupported function is
    /// skipped only when the coverage says so with a reason, the preset has no automation
    /// for it, and Ponte answers `function_not_configured`.
    async fn tells(&mut self, function: FunctionId, input: Value) -> bool {
        let name = function.as_str();
        let entry = self
            .preset
            .coverage
            .iter()
            .find(|c| c.function == function)
            .unwrap_or_else(|| panic!("{}: no coverage entry for {name}", self.preset.name));
        if entry.supported {
            assert!(
                self.preset.automation(function).is_some(),
                "{}: {name} is declared supported but has no automation",
                self.preset.name
            );
            self.told.insert(name);
            return true;
        }
        assert!(
            !entry.reason.trim().is_empty(),
            "{}: {name} is unsupported without a reason",
            self.preset.name
        );
        assert!(self.preset.automation(function).is_none());
        let answer = self.app.call(name, input).await;
        let problem = answer.problem(501);
        assert_eq!(
            problem["code"], "function_not_configured",
            "{name}: {problem}"
        );
        self.skipped.insert(name);
        false
    }
}

fn strings(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A catalog example's input with the story's customer in it.
fn example(function: FunctionId) -> Value {
    ponte_catalog::function(function.as_str())
        .unwrap()
        .examples()[0]
        .input
        .clone()
}

/// Tells the whole story to `app`, which runs `preset` against the ERP `erp` seeded as
/// `seed` says.
#[allow(clippy::too_many_lines)] // one story, told in order
pub async fn tell(preset: &str, app: &PresetApp, seed: &Seed, erp: &impl Erp) {
    let mut t = Teller {
        preset: ponte_presets::preset(preset).unwrap(),
        app,
        told: BTreeSet::new(),
        skipped: BTreeSet::new(),
    };
    let doc = |d: &str| json!({"customer_document_number": d});

    // A customer found by CPF, by CNPJ and by alphanumeric CNPJ; an unknown document.
    if t.tells(FunctionId::GetCustomerInfo, doc(&seed.cpf.document))
        .await
    {
        for customer in [&seed.cpf, &seed.cnpj, &seed.alphanumeric_cnpj] {
            let info = app.ok("get_customer_info", doc(&customer.document)).await;
            assert_eq!(info["nome_completo"], customer.name.as_str(), "{info}");
            assert_eq!(info["id_remoto"], customer.id.as_str(), "{info}");
        }
        let unknown = app
            .ok("get_customer_info", doc(&seed.unknown_document))
            .await;
        assert_eq!(unknown, Value::Null, "{unknown}");
    }

    // Contacts.
    let (who, emails) = &seed.contacts;
    if t.tells(FunctionId::ListCustomerContacts, doc(who)).await {
        let contacts = app.ok("list_customer_contacts", doc(who)).await;
        let listed: Vec<String> = contacts
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["type"] == "email")
            .map(|c| c["value"].as_str().unwrap().to_ascii_lowercase())
            .collect();
        assert!(!listed.is_empty(), "{contacts}");
        for email in &listed {
            assert!(
                emails.iter().any(|e| e.to_ascii_lowercase() == *email),
                "{email} is not seeded: {contacts}"
            );
        }
        let none = app
            .ok("list_customer_contacts", doc(&seed.unknown_document))
            .await;
        assert_eq!(none, json!([]));
    }

    // Plans, one blocked.
    let (who, contracts, blocked) = &seed.plans;
    assert!(!blocked.is_empty(), "the story needs a blocked plan");
    if t.tells(FunctionId::ListCustomerPlans, doc(who)).await {
        let plans = app.ok("list_customer_plans", doc(who)).await;
        let mut ids = strings(&plans, "remote_id");
        ids.sort();
        let mut want = contracts.clone();
        want.sort();
        assert_eq!(ids, want, "{plans}");
        let mut flagged: Vec<String> = plans
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["blocked"] == true)
            .map(|p| p["remote_id"].as_str().unwrap().to_owned())
            .collect();
        flagged.sort();
        assert_eq!(&flagged, blocked, "{plans}");
    }
    if t.tells(FunctionId::ListCustomerBlockedPlans, doc(who))
        .await
    {
        let plans = app.ok("list_customer_blocked_plans", doc(who)).await;
        let mut ids = strings(&plans, "remote_id");
        ids.sort();
        assert_eq!(&ids, blocked, "{plans}");
    }

    // A trust unlock works once, and is refused the second time with the ERP's words.
    let (who, contract, refusal) = &seed.unlock;
    let input = json!({"customer_document_number": who, "contract_id": contract});
    if t.tells(FunctionId::TrustUnlock, input.clone()).await {
        let first = app.ok("trust_unlock", input.clone()).await;
        assert_eq!(first["success"], true, "{first}");
        assert_ne!(first["unlocked_until"], "", "{first}");
        let second = app.ok("trust_unlock", input).await;
        assert_eq!(second["success"], false, "{second}");
        assert_eq!(second["message"], refusal.as_str(), "{second}");
    }

    // Open and overdue invoices, with a valid linha digitável and PIX.
    let (who, open, overdue) = &seed.invoices;
    assert!(!overdue.is_empty(), "the story needs an overdue invoice");
    let mut invoices = Value::Null;
    if t.tells(FunctionId::ListInvoices, doc(who)).await {
        invoices = app.ok("list_invoices", doc(who)).await;
        assert_eq!(&strings(&invoices, "fatura"), open, "{invoices}");
        for invoice in invoices.as_array().unwrap() {
            let fatura = invoice["fatura"].as_str().unwrap();
            let linha = invoice["linha_digitavel"].as_str().unwrap();
            if seed.linha {
                let parsed = ponte_br::Linha::parse(linha)
                    .unwrap_or_else(|e| panic!("invoice {fatura}: linha {linha}: {e:?}"));
                assert_eq!(parsed.as_str(), linha);
            } else {
                assert_eq!(linha, "", "{invoice}");
            }
            let pix = invoice["pix_code"].as_str().unwrap();
            if seed.pix {
                ponte_br::BrCode::parse(pix)
                    .unwrap_or_else(|e| panic!("invoice {fatura}: PIX {pix}: {e:?}"));
            } else {
                assert_eq!(pix, "", "{invoice}");
            }
            let due = invoice["vencimento"].as_str().unwrap();
            if overdue.iter().any(|id| id == fatura) && !due.is_empty() {
                let due = time::Date::parse(
                    due,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .unwrap();
                assert!(due < time::OffsetDateTime::now_utc().date(), "{invoice}");
            }
        }
    }
    let first_open = open.first().expect("the story needs an open invoice");
    let input = json!({"customer_document_number": who, "customer_bill_id": first_open});
    if t.tells(FunctionId::GetInvoice, input.clone()).await {
        let one = app.ok("get_invoice", input).await;
        assert_eq!(strings(&one, "fatura"), vec![first_open.clone()], "{one}");
        if invoices.is_array() {
            assert_eq!(one[0], invoices[0]);
        }
    }

    // A boleto PDF, by the boleto id the listing gives (`remote_id`).
    let boleto_id = invoices[0]["remote_id"]
        .as_str()
        .map_or_else(|| first_open.clone(), str::to_owned);
    let input = json!({"boleto_id": boleto_id});
    if t.tells(FunctionId::GetBoletoPdf, input.clone()).await {
        let answer = app.ok("get_boleto_pdf", input).await;
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(answer["base_64"].as_str().unwrap())
            .unwrap();
        assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    }

    // A write-off removes the invoice from the open list and is refused the second time.
    let (who, boleto) = &seed.write_off;
    if t.tells(FunctionId::SettleBoleto, json!({})).await {
        let listed = app.ok("list_invoices", doc(who)).await;
        let invoice = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["remote_id"].as_str() == Some(boleto.as_str()))
            .unwrap_or_else(|| panic!("{boleto} is not listed open: {listed}"))
            .clone();
        assert!(erp.invoice_open(boleto));
        let payment = |transaction: &str| {
            json!({
                "transaction": {
                    "id": transaction,
                    "method": "pix",
                    "amount": invoice["valor_final"],
                    "paid_at": time::OffsetDateTime::now_utc()
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap(),
                    "end_to_end_id": format!("E{transaction}")
                },
                "boleto_id": boleto,
                "customer_document_number": who
            })
        };
        let first = app.pay(&payment(&format!("{preset}-tx-1"))).await;
        assert_eq!(first["state"], "settled", "{first}");
        assert!(!erp.invoice_open(boleto), "written off in the ERP");
        let after = app.ok("list_invoices", doc(who)).await;
        assert!(
            !strings(&after, "remote_id").contains(boleto),
            "{boleto} is still listed: {after}"
        );
        let second = app.pay(&payment(&format!("{preset}-tx-2"))).await;
        assert_eq!(second["state"], "failed", "{second}");
        assert!(second["error"]["code"].is_string(), "{second}");
    }

    // A ticket, a lead, an order.
    let mut ticket = example(FunctionId::CreateTicket);
    ticket["customer_document_number"] = json!(seed.cpf.document);
    ticket["contract_id"] = json!(seed.ticket_contract);
    ticket["wda_user"]["document_number"] = json!(seed.cpf.document);
    let mut lead = example(FunctionId::CreateLead);
    lead["lead"]["document_number"] = json!(seed.unknown_document);
    let order = example(FunctionId::CreateOrder);
    let mut existing = example(FunctionId::CreateOrderExistingCustomer);
    existing["customer_document_number"] = json!(seed.cpf.document);
    existing["order"]["customer"]["document_number"] = json!(seed.cpf.document);
    existing["wda_user"]["document_number"] = json!(seed.cpf.document);
    for (function, input) in [
        (FunctionId::CreateTicket, ticket),
        (FunctionId::CreateLead, lead),
        (FunctionId::CreateOrder, order),
        (FunctionId::CreateOrderExistingCustomer, existing),
    ] {
        let mut input = input;
        erp.adapt(function, &mut input);
        if t.tells(function, input.clone()).await {
            // A function without output (a lead, in some ERPs) answers 204.
            let answered = app.call(function.as_str(), input).await;
            let answer = match answered.status {
                204 => Value::Null,
                200 => answered.json(),
                _ => panic!("{}: {}", function.as_str(), answered.text),
            };
            let remote = match &answer {
                Value::Null => String::new(),
                other => other["remote_id"].as_str().unwrap_or_default().to_owned(),
            };
            assert!(
                erp.created(function, &remote),
                "{}: the ERP holds no record {remote}: {answer}",
                function.as_str()
            );
        }
    }

    // The four catalogs.
    for function in [
        FunctionId::ListProducts,
        FunctionId::ListDueDates,
        FunctionId::ListResellers,
        FunctionId::ListCommercialOrigins,
    ] {
        if t.tells(function, json!({})).await {
            let answer = app.ok(function.as_str(), json!({})).await;
            let want = seed
                .catalogs
                .iter()
                .find(|(f, _)| *f == function)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("the seed lists no {}", function.as_str()));
            assert_eq!(&answer, want, "{}", function.as_str());
        }
    }

    // Notas fiscais.
    let (who, notes) = &seed.notes;
    if t.tells(FunctionId::ListFiscalNotes, doc(who)).await {
        assert!(!notes.is_empty(), "the story needs fiscal notes");
        let listed = app.ok("list_fiscal_notes", doc(who)).await;
        let mut ids = strings(&listed, "id_nota");
        ids.sort();
        let mut want = notes.clone();
        want.sort();
        assert_eq!(ids, want, "{listed}");
    }
    let input = json!({"customer_document_number": who, "nota_id": notes.first().cloned().unwrap_or_default()});
    if t.tells(FunctionId::GetFiscalNotePdf, input.clone()).await {
        let answer = app.ok("get_fiscal_note_pdf", input).await;
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(answer["base_64"].as_str().unwrap())
            .unwrap();
        assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    }

    // Pendency notes: an unknown customer has none.
    if t.tells(
        FunctionId::GetInternalPendencyMessages,
        doc(&seed.cpf.document),
    )
    .await
    {
        let messages = app
            .ok(
                "get_internal_pendency_messages",
                doc(&seed.unknown_document),
            )
            .await;
        assert_eq!(messages, json!([]));
    }
    // Nothing was left out: every function of the story was told or skipped by the coverage,
    // and every one the preset serves was told.
    let all: BTreeSet<&str> = STORY.iter().map(|f| f.as_str()).collect();
    let seen: BTreeSet<&str> = t.told.union(&t.skipped).copied().collect();
    assert_eq!(seen, all, "{preset}: steps missing from the story");
    let served: BTreeSet<&str> = t
        .preset
        .coverage
        .iter()
        .filter(|c| c.supported && STORY.contains(&c.function))
        .map(|c| c.function.as_str())
        .collect();
    assert_eq!(t.told, served, "{preset}: every served function is told");
    eprintln!(
        "{preset}: told {:?}; skipped as unsupported {:?}",
        t.told, t.skipped
    );
}
