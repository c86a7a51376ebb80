//! The story against the IXC simulator in its strict mode (its default) and the `ixc` preset.

use ponte_catalog::FunctionId;
use ponte_simulators::ixc::{self, IxcConfig, RunningIxc, guesses::UNLOCK_ALREADY_ACTIVE};
use serde_json::{Value, json};

use crate::common::preset::PresetApp;
use crate::scenario::{self, Customer, Erp, Seed};

/// A valid CPF no seeded customer has.
const STRANGER: &str = "11144477735";

struct Ixc(RunningIxc);

impl Erp for Ixc {
    fn invoice_open(&self, id: &str) -> bool {
        self.0
            .state()
            .invoice(id)
            .is_some_and(|i| i.status == "A" || i.status == "P")
    }

    fn created(&self, function: FunctionId, remote_id: &str) -> bool {
        let state = self.0.state();
        match function {
            FunctionId::CreateTicket | FunctionId::CreateOrderExistingCustomer => {
                state.row("su_ticket", remote_id).is_some()
            }
            FunctionId::CreateOrder => state.row("crm_canditados", remote_id).is_some(),
            // IXC answers a lead with nothing: the contact is found by the lead's name.
            FunctionId::CreateLead => state
                .rows("contato")
                .iter()
                .any(|r| r.get("nome").map(String::as_str) == Some("Ana Beatriz Oliveira")),
            _ => false,
        }
    }
}

fn field<'a>(row: &'a ixc::Row, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

#[allow(clippy::too_many_lines)] // one field per character of the story
fn seed(erp: &RunningIxc) -> Seed {
    let state = erp.state();
    let fixtures = state.fixtures().clone();
    let today = state.today();
    let customer = |id: &str| {
        let c = state.customer(id).unwrap();
        Customer {
            document: ixc::bare_document(&c.cnpj_cpf),
            name: c.razao.clone(),
            id: c.id.clone(),
        }
    };
    let open_of = |id: &str| {
        let mut open: Vec<ixc::Invoice> = state
            .invoices_of(id)
            .into_iter()
            .filter(|i| i.liberado == "S" && (i.status == "A" || i.status == "P"))
            .collect();
        open.sort_by(|a, b| {
            (a.data_vencimento.as_str(), a.id.parse::<u64>().unwrap())
                .cmp(&(b.data_vencimento.as_str(), b.id.parse::<u64>().unwrap()))
        });
        open
    };
    let two = state.customer(&fixtures.two_contracts).unwrap();
    let live: Vec<ixc::Contract> = state
        .contracts_of(&two.id)
        .into_iter()
        .filter(|k| ["A", "P", "N"].contains(&k.status.as_str()))
        .collect();
    let blocked = customer(&fixtures.blocked);
    let blocked_contract = state
        .contracts_of(&fixtures.blocked)
        .into_iter()
        .find(|k| k.blocked)
        .expect("the blocked fixture has a blocked contract");
    let overdue_open = open_of(&fixtures.blocked);
    let today_iso = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let active = customer(&fixtures.active);
    let active_contract = state.contracts_of(&fixtures.active)[0].id.clone();

    let mut products: Vec<ixc::Row> = state
        .rows("vd_contratos")
        .into_iter()
        .filter(|r| field(r, "ativo") == "S")
        .collect();
    products.sort_by(|a, b| field(a, "nome").cmp(field(b, "nome")));
    let mut days: Vec<u32> = state
        .rows("cliente_contrato")
        .iter()
        .filter(|r| field(r, "status") == "A")
        .filter_map(|r| field(r, "dia_fixo_vencimento").trim().parse().ok())
        .filter(|d| (1..=31).contains(d))
        .collect();
    days.sort_unstable();
    days.dedup();
    let sellers: Vec<Value> = state
        .rows("vendedor")
        .iter()
        .filter(|r| field(r, "status") == "A")
        .map(|r| {
            json!({
                "code": field(r, "id"),
                "name": field(r, "nome"),
                "taxvat": ixc::bare_document(field(r, "cnpj_cpf")),
                "email": field(r, "email"),
            })
        })
        .collect();
    let origins: Vec<Value> = state
        .rows("crm_candato_tipo")
        .iter()
        .filter(|r| field(r, "ativo") != "N")
        .map(|r| {
            let description = match field(r, "descricao") {
                "" => field(r, "nome"),
                d => d,
            };
            json!({"code": field(r, "id"), "description": description})
        })
        .collect();
    let notes: Vec<String> = state
        .rows("vd_saida")
        .iter()
        .filter(|r| field(r, "id_cliente") == fixtures.active)
        .filter(|r| ["21", "22", "55", "13"].contains(&field(r, "modelo_nf")))
        .map(|r| field(r, "id").to_owned())
        .collect();

    Seed {
        cpf: active.clone(),
        cnpj: customer(&fixtures.company),
        alphanumeric_cnpj: customer(&fixtures.alphanumeric_cnpj),
        unknown_document: STRANGER.to_owned(),
        contacts: (
            ixc::bare_document(&two.cnpj_cpf),
            vec![
                two.email.clone(),
                field(&two.row, "hotsite_email").to_owned(),
            ],
        ),
        plans: (
            ixc::bare_document(&two.cnpj_cpf),
            live.iter().map(|k| k.id.clone()).collect(),
            live.iter()
                .filter(|k| k.blocked || k.status_velocidade == "R")
                .map(|k| k.id.clone())
                .collect(),
        ),
        unlock: (
            blocked.document.clone(),
            blocked_contract.id.clone(),
            UNLOCK_ALREADY_ACTIVE.to_owned(),
        ),
        invoices: (
            blocked.document.clone(),
            overdue_open.iter().map(|i| i.id.clone()).collect(),
            overdue_open
                .iter()
                .filter(|i| i.data_vencimento < today_iso)
                .map(|i| i.id.clone())
                .collect(),
        ),
        pix: true,
        linha: true,
        write_off: (
            active.document.clone(),
            open_of(&fixtures.active)
                .first()
                .expect("the active fixture has an open invoice")
                .id
                .clone(),
        ),
        catalogs: vec![
            (
                FunctionId::ListProducts,
                Value::Array(
                    products
                        .iter()
                        .map(|r| json!({"codigo": field(r, "id"), "nome": field(r, "nome")}))
                        .collect(),
                ),
            ),
            (
                FunctionId::ListDueDates,
                Value::Array(
                    days.iter()
                        .map(|d| json!({"code": d.to_string(), "name": d.to_string()}))
                        .collect(),
                ),
            ),
            (FunctionId::ListResellers, Value::Array(sellers)),
            (FunctionId::ListCommercialOrigins, Value::Array(origins)),
        ],
        notes: (active.document.clone(), notes),
        ticket_contract: active_contract,
    }
}

#[tokio::test]
async fn the_story_told_by_the_ixc_preset_against_the_strict_simulator() {
    let config = IxcConfig::default();
    let erp = ixc::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        config.lenient,
        ixc::IxcLeniency::default(),
        "the simulator runs strict"
    );
    let base = erp.base_url();
    let city = erp.state().rows("cidade").into_iter().next().unwrap();
    let app = PresetApp::start("ixc", &[("ixc_token", &config.token)], |i| {
        i.variables.insert("base_url".into(), base);
        i.variables
            .insert("ixc_user_id".into(), config.user_id.clone());
        i.variables
            .insert("default_city_id".into(), city["id"].clone());
        i.settings
            .payment
            .insert("account_id".into(), Value::String("1".into()));
    })
    .await;
    let seed = seed(&erp);
    scenario::tell("ixc", &app, &seed, &Ixc(erp)).await;
}
