//! The story against the SGP simulator and the `sgp` preset.

use ponte_catalog::FunctionId;
use ponte_simulators::sgp::story::catalog::{DUE_DAYS, PLANS, SELLERS};
use ponte_simulators::sgp::story::model::{ContractStatus, TitleStatus};
use ponte_simulators::sgp::{self, FixtureCustomer, RunningSgp, SgpConfig};
use serde_json::{Value, json};

use crate::common::preset::PresetApp;
use crate::scenario::{self, Customer, Erp, Seed};

struct Sgp(RunningSgp);

impl Erp for Sgp {
    fn invoice_open(&self, id: &str) -> bool {
        let story = self.0.state().story();
        story
            .title(id.parse().unwrap())
            .is_some_and(|t| t.status == TitleStatus::Open)
    }

    fn created(&self, function: FunctionId, remote_id: &str) -> bool {
        let story = self.0.state().story();
        match function {
            FunctionId::CreateTicket | FunctionId::CreateOrderExistingCustomer => {
                story.occurrences.iter().any(|o| o.protocol == remote_id)
            }
            _ => false,
        }
    }
}

fn seed(erp: &RunningSgp) -> Seed {
    let fixtures = erp.state().fixtures().clone();
    let story = erp.state().story();
    let today = erp.state().today();
    let customer = |f: &FixtureCustomer| {
        let c = story.customer(f.customer_id).unwrap();
        Customer {
            document: f.document.clone(),
            name: c.name.clone(),
            id: c.id.to_string(),
        }
    };
    let ids = |list: &[u64]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    let two = &fixtures.two_contracts;
    let live: Vec<_> = story
        .contracts_of(two.customer_id)
        .filter(|k| {
            !matches!(
                k.status,
                ContractStatus::Cancelled | ContractStatus::Inactive
            )
        })
        .collect();
    let blocked = &fixtures.blocked;
    let overdue: Vec<String> = blocked
        .open_title_ids
        .iter()
        .filter(|id| story.title(**id).unwrap().due < today)
        .map(ToString::to_string)
        .collect();
    let active = &fixtures.active;
    Seed {
        cpf: customer(active),
        cnpj: customer(&fixtures.company),
        alphanumeric_cnpj: customer(&fixtures.alphanumeric_cnpj),
        unknown_document: fixtures.unknown_document.clone(),
        contacts: (
            two.document.clone(),
            story
                .customer(two.customer_id)
                .unwrap()
                .emails
                .iter()
                .map(|e| e.value.clone())
                .collect(),
        ),
        plans: (
            two.document.clone(),
            live.iter().map(|k| k.id.to_string()).collect(),
            live.iter()
                .filter(|k| matches!(k.status, ContractStatus::Suspended | ContractStatus::Reduced))
                .map(|k| k.id.to_string())
                .collect(),
        ),
        unlock: (
            blocked.document.clone(),
            blocked.contract_ids[0].to_string(),
            // SGP answers `status` 0 without words for a contract that is not blocked; the
            // preset says so with `not_blocked_message`.
            "O contrato não está bloqueado".to_owned(),
        ),
        invoices: (blocked.document.clone(), ids(&blocked.open_title_ids), overdue),
        pix: true,
        linha: true,
        write_off: (active.document.clone(), active.open_title_ids[0].to_string()),
        catalogs: vec![
            (
                FunctionId::ListProducts,
                Value::Array(
                    PLANS
                        .iter()
                        .filter(|p| p.active)
                        .map(|p| json!({"codigo": p.id.to_string(), "nome": p.name}))
                        .collect(),
                ),
            ),
            (
                FunctionId::ListDueDates,
                Value::Array(
                    DUE_DAYS
                        .iter()
                        .map(|(id, day)| json!({"code": id.to_string(), "name": day.to_string()}))
                        .collect(),
                ),
            ),
            (
                FunctionId::ListResellers,
                Value::Array(
                    SELLERS
                        .iter()
                        .filter(|s| s.active)
                        .map(|s| json!({"code": s.id.to_string(), "name": s.name, "taxvat": "", "email": ""}))
                        .collect(),
                ),
            ),
        ],
        notes: (
            active.document.clone(),
            story
                .notes
                .iter()
                .filter(|n| n.customer_id == active.customer_id)
                .map(|n| n.id.to_string())
                .collect(),
        ),
        ticket_contract: active.contract_ids[0].to_string(),
    }
}

#[tokio::test]
async fn the_story_told_by_the_sgp_preset() {
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
    let seed = seed(&erp);
    scenario::tell("sgp", &app, &seed, &Sgp(erp)).await;
}
