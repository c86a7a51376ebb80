//! The seeded story of a provider: its customers, contracts, titles, fiscal notes,
//! occurrences, annotations and pre-registrations, deterministic from a seed and a date.
//!
//! The story is the same one the IXC simulator tells (an active customer, one blocked with two
//! overdue titles, a cancelled one, one whose payment promise is spent, one not allowed to
//! promise, a company, an alphanumeric CNPJ, a document stored bare, two contracts, a partial
//! payment), kept in neutral types so the SGP simulator and the standard API can each render
//! it in their own shapes. The first customers are those fixed situations, named by
//! [`Fixtures`]; the rest are drawn at random.

mod billing;
pub mod catalog;
pub mod codes;
pub mod model;
mod people;
pub mod values;

use time::{Date, Duration};

use crate::rng::Rng;
use billing::Scenario;
use model::{
    Annotation, Contract, ContractStatus, Customer, Note, Occurrence, Prospect, Title, TitleStatus,
};
use people::DocKind;

/// The smallest number of customers ever seeded.
pub const MIN_CUSTOMERS: usize = 50;

/// What a story is seeded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryConfig {
    /// Seed of the generated data: the same seed and `today` give the same data.
    pub seed: u64,
    /// The date the story is told at: decides what is overdue and when things happened.
    pub today: Date,
    /// How many customers to seed (at least [`MIN_CUSTOMERS`]).
    pub customers: usize,
    /// Bank code of the boletos.
    pub bank_code: String,
    /// The provider's PIX key.
    pub pix_key: String,
    /// Merchant name in the PIX codes.
    pub merchant_name: String,
    /// Merchant city in the PIX codes.
    pub merchant_city: String,
    /// Fine for late payment, in hundredths of a percent (200 = 2%).
    pub fine_bp: i64,
    /// Interest per month of delay, in hundredths of a percent, counted per day (100 = 1%).
    pub interest_monthly_bp: i64,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            seed: 1,
            today: time::macros::date!(2026 - 03 - 18),
            customers: 60,
            bank_code: "341".to_string(),
            pix_key: "11222333000181".to_string(),
            merchant_name: "PONTE NET TELECOM".to_string(),
            merchant_city: "BLUMENAU".to_string(),
            fine_bp: 200,
            interest_monthly_bp: 100,
        }
    }
}

/// One fixture customer: the document and the ids a test drives it with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FixtureCustomer {
    /// The ERP's customer id.
    pub customer_id: u64,
    /// The document, bare and upper case.
    pub document: String,
    /// The document as the ERP stores it.
    pub stored_document: String,
    /// The customer's contracts, in the order they were seeded.
    pub contract_ids: Vec<u64>,
    /// The customer's open titles when seeded, oldest due date first.
    pub open_title_ids: Vec<u64>,
}

/// The customers seeded for specific situations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fixtures {
    /// Active contract, paid up, one open title not yet due.
    pub active: FixtureCustomer,
    /// Contract suspended for debt with two overdue titles; a payment promise works once.
    pub blocked: FixtureCustomer,
    /// Cancelled contract with a cancelled title.
    pub cancelled: FixtureCustomer,
    /// Suspended contract whose payment promise of this month was already used.
    pub unlock_used: FixtureCustomer,
    /// Suspended contract the provider does not let use payment promises.
    pub unlock_not_allowed: FixtureCustomer,
    /// A company (numeric CNPJ, stored masked).
    pub company: FixtureCustomer,
    /// A company with an alphanumeric CNPJ.
    pub alphanumeric_cnpj: FixtureCustomer,
    /// An individual whose CPF is stored as bare digits.
    pub unmasked_document: FixtureCustomer,
    /// Two contracts: one active, one at reduced speed for debt.
    pub two_contracts: FixtureCustomer,
    /// An overdue title partly paid (the first open title).
    pub partial_payment: FixtureCustomer,
    /// A valid CPF no customer has.
    pub unknown_document: String,
}

/// Everything a provider's ERP knows, in neutral types.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Story {
    /// Customers, in id order.
    pub customers: Vec<Customer>,
    /// Contracts, in id order.
    pub contracts: Vec<Contract>,
    /// Titles, in id order.
    pub titles: Vec<Title>,
    /// Fiscal notes, in id order.
    pub notes: Vec<Note>,
    /// Occurrences, in id order.
    pub occurrences: Vec<Occurrence>,
    /// Annotations, in id order.
    pub annotations: Vec<Annotation>,
    /// Pre-registrations, in id order.
    pub prospects: Vec<Prospect>,
    /// Seconds of the day of the last record stamped by [`Story::tick`], so protocols, which
    /// are timestamps, never repeat.
    clock: u32,
}

impl Story {
    /// Seeds the story and names its fixtures.
    pub fn seed(config: &StoryConfig) -> (Story, Fixtures) {
        let mut story = Story::default();
        let mut rng = Rng::new(config.seed);
        let add = |story: &mut Story,
                   rng: &mut Rng,
                   kind: DocKind,
                   mask: bool,
                   scenarios: &[Scenario]| {
            let id = story.customers.last().map_or(41, |c| c.id + 1);
            let customer = people::customer(rng, id, kind, mask, config.today);
            story.customers.push(customer.clone());
            for scenario in scenarios {
                let plan = if kind == DocKind::Cpf {
                    *rng.pick(&catalog::PLANS[..4]).unwrap_or(&catalog::PLANS[1])
                } else {
                    catalog::PLANS[4]
                };
                billing::contract(story, rng, config, &customer, *scenario, plan);
            }
            story.fixture(id)
        };
        use Scenario as S;
        let active = add(&mut story, &mut rng, DocKind::Cpf, true, &[S::Active]);
        let blocked = add(&mut story, &mut rng, DocKind::Cpf, true, &[S::Suspended]);
        let cancelled = add(&mut story, &mut rng, DocKind::Cpf, true, &[S::Cancelled]);
        let unlock_used = add(&mut story, &mut rng, DocKind::Cpf, true, &[S::UnlockUsed]);
        let unlock_not_allowed = add(
            &mut story,
            &mut rng,
            DocKind::Cpf,
            true,
            &[S::UnlockNotAllowed],
        );
        let company = add(&mut story, &mut rng, DocKind::Cnpj, true, &[S::Active]);
        let alphanumeric_cnpj = add(
            &mut story,
            &mut rng,
            DocKind::CnpjAlphanumeric,
            true,
            &[S::Active],
        );
        let unmasked_document = add(&mut story, &mut rng, DocKind::Cpf, false, &[S::Active]);
        let two_contracts = add(
            &mut story,
            &mut rng,
            DocKind::Cpf,
            true,
            &[S::Active, S::Reduced],
        );
        let partial_payment = add(&mut story, &mut rng, DocKind::Cpf, true, &[S::Partial]);

        let total = config.customers.max(MIN_CUSTOMERS);
        while story.customers.len() < total {
            let kind = match rng.below(100) {
                0..=4 => DocKind::CnpjAlphanumeric,
                5..=24 => DocKind::Cnpj,
                _ => DocKind::Cpf,
            };
            let mask = rng.chance(92);
            let scenario = match rng.below(100) {
                0..=61 => S::Active,
                62..=71 => S::Suspended,
                72..=76 => S::Reduced,
                77..=86 => S::Cancelled,
                87..=89 => S::Inactive,
                90..=94 => S::Partial,
                _ => S::New,
            };
            add(&mut story, &mut rng, kind, mask, &[scenario]);
        }
        story.seed_notes_and_leads(config.today, &blocked, &two_contracts);
        let unknown_document = loop {
            let candidate = people::document(&mut rng, DocKind::Cpf);
            if story.customer_by_document(&candidate).is_none() {
                break candidate;
            }
        };
        let fixtures = Fixtures {
            active,
            blocked,
            cancelled,
            unlock_used,
            unlock_not_allowed,
            company,
            alphanumeric_cnpj,
            unmasked_document,
            two_contracts,
            partial_payment,
            unknown_document,
        };
        (story, fixtures)
    }

    /// Annotations (one raising an alert), a past support occurrence and a pending lead.
    fn seed_notes_and_leads(
        &mut self,
        today: Date,
        blocked: &FixtureCustomer,
        two: &FixtureCustomer,
    ) {
        self.annotations.push(Annotation {
            id: 1,
            customer_id: blocked.customer_id,
            contract_id: blocked.contract_ids.first().copied(),
            type_id: 2,
            text: "Cliente com acordo de pagamento em atraso. Não conceder desconto.".to_string(),
            alert_mode: 1,
            created: today - Duration::days(15),
        });
        self.annotations.push(Annotation {
            id: 2,
            customer_id: two.customer_id,
            contract_id: None,
            type_id: 1,
            text: "Prefere contato por WhatsApp.".to_string(),
            alert_mode: 0,
            created: today - Duration::days(90),
        });
        let at = self.tick(10 * 3600);
        self.push_occurrence(Occurrence {
            id: 0,
            protocol: String::new(),
            contract_id: blocked.contract_ids.first().copied().unwrap_or(0),
            customer_id: blocked.customer_id,
            type_id: 1,
            content: "Cliente relata lentidão à noite. Reiniciada a ONU remotamente.".to_string(),
            contact: String::new(),
            contact_number: String::new(),
            created: (today - Duration::days(33), at),
            status: 1,
            origin: "API".to_string(),
        });
        let mut fields = serde_json::Map::new();
        for (key, value) in [
            ("nome", "LUCIANA PRADO MENDES"),
            ("logradouro", "RUA DAS ACÁCIAS"),
            ("numero", "120"),
            ("bairro", "CENTRO"),
            ("cidade", "BLUMENAU"),
            ("uf", "SC"),
            ("cep", "89010-450"),
            ("celular", "(47) 99876-1234"),
            ("email", "luciana.mendes@example.com"),
            ("plano_id", "12"),
        ] {
            fields.insert(
                key.to_string(),
                serde_json::Value::String(value.to_string()),
            );
        }
        self.prospects.push(Prospect {
            id: 1,
            kind: model::PersonKind::Individual,
            name: "LUCIANA PRADO MENDES".to_string(),
            document: String::new(),
            fields,
            created: today - Duration::days(3),
            activated: None,
        });
    }

    fn fixture(&self, customer_id: u64) -> FixtureCustomer {
        let customer = self.customer(customer_id);
        let mut open: Vec<&Title> = self
            .titles
            .iter()
            .filter(|t| t.customer_id == customer_id && t.status == TitleStatus::Open)
            .collect();
        open.sort_by_key(|t| (t.due, t.id));
        FixtureCustomer {
            customer_id,
            document: customer.map(|c| c.document.clone()).unwrap_or_default(),
            stored_document: customer
                .map(|c| c.stored_document.clone())
                .unwrap_or_default(),
            contract_ids: self.contracts_of(customer_id).map(|c| c.id).collect(),
            open_title_ids: open.iter().map(|t| t.id).collect(),
        }
    }

    fn next_contract_id(&self) -> u64 {
        self.contracts.last().map_or(301, |c| c.id + 1)
    }

    fn next_title_id(&self) -> u64 {
        self.titles.last().map_or(72_001, |t| t.id + 1)
    }

    /// A time of day for a new record: `at_least` seconds after midnight, and always after the
    /// previous one, so protocols (which are timestamps) stay unique.
    pub fn tick(&mut self, at_least: u32) -> u32 {
        self.clock = (self.clock + 37).max(at_least).min(86_399);
        self.clock
    }

    /// Stores an occurrence under the next number, with its timestamp protocol
    /// (`yyMMddHHmmss`, as SGP's look), and returns its id.
    pub fn push_occurrence(&mut self, mut occurrence: Occurrence) -> u64 {
        let id = self.occurrences.last().map_or(9_101, |o| o.id + 1);
        occurrence.id = id;
        occurrence.protocol = protocol(occurrence.created.0, occurrence.created.1);
        self.occurrences.push(occurrence);
        id
    }

    /// A customer by id.
    pub fn customer(&self, id: u64) -> Option<&Customer> {
        self.customers.iter().find(|c| c.id == id)
    }

    /// A customer by id, to change it.
    pub fn customer_mut(&mut self, id: u64) -> Option<&mut Customer> {
        self.customers.iter_mut().find(|c| c.id == id)
    }

    /// The customer with this document, given in any formatting.
    pub fn customer_by_document(&self, document: &str) -> Option<&Customer> {
        let wanted = bare(document);
        if wanted.is_empty() {
            return None;
        }
        self.customers.iter().find(|c| c.document == wanted)
    }

    /// A contract by id.
    pub fn contract(&self, id: u64) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.id == id)
    }

    /// A contract by id, to change it.
    pub fn contract_mut(&mut self, id: u64) -> Option<&mut Contract> {
        self.contracts.iter_mut().find(|c| c.id == id)
    }

    /// The contracts of a customer, in id order.
    pub fn contracts_of(&self, customer_id: u64) -> impl Iterator<Item = &Contract> {
        self.contracts
            .iter()
            .filter(move |c| c.customer_id == customer_id)
    }

    /// A title by id.
    pub fn title(&self, id: u64) -> Option<&Title> {
        self.titles.iter().find(|t| t.id == id)
    }

    /// A title by id, to change it.
    pub fn title_mut(&mut self, id: u64) -> Option<&mut Title> {
        self.titles.iter_mut().find(|t| t.id == id)
    }

    /// The titles of a contract, in id order.
    pub fn titles_of_contract(&self, contract_id: u64) -> impl Iterator<Item = &Title> {
        self.titles
            .iter()
            .filter(move |t| t.contract_id == contract_id)
    }

    /// Whether the contract has an open title due before `today`.
    pub fn has_overdue(&self, contract_id: u64, today: Date) -> bool {
        self.titles_of_contract(contract_id)
            .any(|t| t.overdue(today))
    }

    /// Gives a contract blocked for debt (or released by a promise) its access back once
    /// nothing of it is overdue, as providers' ERPs do right after a payment.
    pub fn release_if_paid_up(&mut self, contract_id: u64, today: Date) {
        if self.has_overdue(contract_id, today) {
            return;
        }
        if let Some(contract) = self.contract_mut(contract_id) {
            if contract.status.blocked_for_debt() {
                contract.status = ContractStatus::Active;
                contract.status_changed = today;
            }
            contract.promise = None;
        }
    }

    /// Lets days pass up to `today`: promises whose last day is over end, and a contract that
    /// still owes goes back to the status it had before the promise.
    pub fn advance_to(&mut self, today: Date) {
        let ended: Vec<(u64, ContractStatus)> = self
            .contracts
            .iter()
            .filter_map(|c| {
                c.promise
                    .filter(|p| p.until < today)
                    .map(|p| (c.id, p.previous))
            })
            .collect();
        for (id, previous) in ended {
            let owes = self.has_overdue(id, today);
            if let Some(contract) = self.contract_mut(id) {
                contract.promise = None;
                if owes {
                    contract.status = previous;
                    contract.status_changed = today;
                }
            }
        }
    }

    /// The fiscal notes of a contract, in id order.
    pub fn notes_of_contract(&self, contract_id: u64) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| n.contract_id == contract_id)
    }
}

/// A document without its mask, upper-cased (alphanumeric CNPJs keep their letters).
pub fn bare(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `yyMMddHHmmss`.
pub fn protocol(date: Date, seconds: u32) -> String {
    format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}",
        date.year() % 100,
        u8::from(date.month()),
        date.day(),
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `HH:MM:SS` from seconds after midnight.
pub fn clock(seconds: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_tells_the_same_story_and_another_seed_does_not() {
        let config = StoryConfig::default();
        let (a, fa) = Story::seed(&config);
        let (b, fb) = Story::seed(&config);
        assert_eq!(a, b);
        assert_eq!(fa, fb);
        let (c, _) = Story::seed(&StoryConfig { seed: 2, ..config });
        assert_ne!(a.customers, c.customers);
    }

    #[test]
    fn the_fixtures_are_in_the_situations_they_promise() {
        let config = StoryConfig::default();
        let (story, f) = Story::seed(&config);
        let today = config.today;
        let status =
            |fx: &FixtureCustomer, i: usize| story.contract(fx.contract_ids[i]).unwrap().status;
        assert_eq!(status(&f.active, 0), ContractStatus::Active);
        assert_eq!(f.active.open_title_ids.len(), 1);
        assert!(!story.has_overdue(f.active.contract_ids[0], today));
        assert_eq!(status(&f.blocked, 0), ContractStatus::Suspended);
        let overdue = story
            .titles_of_contract(f.blocked.contract_ids[0])
            .filter(|t| t.overdue(today))
            .count();
        assert_eq!(overdue, 2);
        assert_eq!(status(&f.cancelled, 0), ContractStatus::Cancelled);
        assert!(
            story
                .contract(f.unlock_used.contract_ids[0])
                .unwrap()
                .promises
                .len()
                == 1
        );
        assert!(
            !story
                .contract(f.unlock_not_allowed.contract_ids[0])
                .unwrap()
                .promise_allowed
        );
        assert_eq!(f.company.document.len(), 14);
        assert!(
            f.alphanumeric_cnpj
                .document
                .chars()
                .any(|c| c.is_ascii_alphabetic())
        );
        assert_eq!(
            f.unmasked_document.stored_document,
            f.unmasked_document.document
        );
        assert_ne!(f.active.stored_document, f.active.document);
        assert_eq!(status(&f.two_contracts, 0), ContractStatus::Active);
        assert_eq!(status(&f.two_contracts, 1), ContractStatus::Reduced);
        let partial = story.title(f.partial_payment.open_title_ids[0]).unwrap();
        assert!(partial.overdue(today) && partial.paid_cents() > 0);
        assert!(story.customer_by_document(&f.unknown_document).is_none());
        assert!(story.customers.len() >= MIN_CUSTOMERS);
    }

    #[test]
    fn protocols_are_timestamps() {
        assert_eq!(
            protocol(time::macros::date!(2026 - 07 - 07), 14 * 3600 + 49 * 60),
            "260707144900"
        );
    }
}
