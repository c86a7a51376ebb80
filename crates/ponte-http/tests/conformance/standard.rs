//! The story against the standard API simulator and the `standard` preset. The simulator
//! answers both of the contract's field sets, as an ERP that kept the older fields when it
//! added the current ones: the contacts, alerts, due dates and linha digitável exist only in
//! the older set.

use ponte_catalog::FunctionId;
use ponte_simulators::sgp::FixtureCustomer;
use ponte_simulators::sgp::story::model::{ContractStatus, TitleStatus};
use ponte_simulators::standard::{self, FieldSet, RunningStandard, StandardConfig};

use crate::common::preset::PresetApp;
use crate::scenario::{self, Customer, Erp, Seed};

struct Standard(RunningStandard);

impl Erp for Standard {
    fn invoice_open(&self, id: &str) -> bool {
        let story = self.0.state().story();
        story
            .title(id.parse().unwrap())
            .is_some_and(|t| t.status == TitleStatus::Open)
    }

    fn created(&self, _function: FunctionId, _remote_id: &str) -> bool {
        // The standard API documents no write.
        false
    }
}

fn seed(erp: &RunningStandard) -> Seed {
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
    let blocked = &fixtures.blocked;
    let active = &fixtures.active;
    let overdue: Vec<String> = blocked
        .open_title_ids
        .iter()
        .filter(|id| story.title(**id).unwrap().due < today)
        .map(ToString::to_string)
        .collect();
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
            ids(&two.contract_ids),
            story
                .contracts_of(two.customer_id)
                .filter(|k| {
                    matches!(
                        k.status,
                        ContractStatus::Suspended | ContractStatus::Reduced
                    )
                })
                .map(|k| k.id.to_string())
                .collect(),
        ),
        unlock: (
            blocked.document.clone(),
            blocked.contract_ids[0].to_string(),
            String::new(),
        ),
        invoices: (
            blocked.document.clone(),
            ids(&blocked.open_title_ids),
            overdue,
        ),
        pix: false,
        linha: true,
        write_off: (
            active.document.clone(),
            active.open_title_ids[0].to_string(),
        ),
        catalogs: Vec::new(),
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
async fn the_story_told_by_the_standard_preset() {
    let mut config = StandardConfig::default();
    config.guesses.field_set = FieldSet::Both;
    let erp = standard::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start("standard", &[("standard_token", &config.token)], |i| {
        i.variables.insert("base_url".into(), base);
    })
    .await;
    let seed = seed(&erp);
    scenario::tell("standard", &app, &seed, &Standard(erp)).await;
}
