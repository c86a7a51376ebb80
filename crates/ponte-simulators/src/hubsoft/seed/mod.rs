//! The seeded data of a simulated Hubsoft, deterministic from the config's seed and date.
//!
//! The first customers are fixed situations, the same story as the IXC simulator's, that tests
//! look up through [`Fixtures`]; the rest are drawn at random (mostly enabled, some suspended,
//! cancelled or awaiting installation; CPFs, CNPJs and a few alphanumeric CNPJs). Hubsoft stores
//! every document bare (addendum §2), so IXC's "unmasked document" situation has no
//! counterpart here.

pub(crate) mod billing;
pub(crate) mod catalog;
mod people;
mod support;

use serde::Serialize;

use super::config::HubsoftConfig;
use super::model::Customer;
use super::state::Db;
use crate::rng::Rng;
use billing::Scenario;
use people::DocKind;

/// The smallest number of customers ever seeded.
pub const MIN_CUSTOMERS: usize = 50;

/// A seeded customer named by everything a test needs to drive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixtureCustomer {
    /// The bare CPF/CNPJ (`busca=cpf_cnpj`).
    pub document: String,
    /// `nome_razaosocial`.
    pub name: String,
    /// `id_cliente` (`busca=id_cliente` of notas fiscais).
    pub id_cliente: u64,
    /// `codigo_cliente`.
    pub codigo_cliente: u64,
    /// The first service (`id_cliente_servico`): the contract the situation is about.
    pub id_cliente_servico: u64,
    /// Every service of the customer, in order.
    pub services: Vec<u64>,
    /// Invoices open when seeded, oldest due date first.
    pub open_invoices: Vec<u64>,
}

/// The seeded ticket and the service order it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixtureTicket {
    /// `id_atendimento`.
    pub id_atendimento: u64,
    /// `protocolo`.
    pub protocolo: String,
    /// The service it is about.
    pub id_cliente_servico: u64,
    /// The service order it opened (`id_ordem_servico`).
    pub id_ordem_servico: u64,
    /// Its `numero_ordem_servico`.
    pub numero_ordem_servico: String,
}

/// A seeded prospect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixtureProspect {
    /// `id_prospecto`.
    pub id_prospecto: u64,
    /// Its bare CPF: creating another prospect with it is refused.
    pub document: String,
    /// `nome_razaosocial`.
    pub name: String,
}

/// The customers seeded for specific situations, with the same keys as the IXC simulator's,
/// plus the other records a conformance test drives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fixtures {
    /// Enabled service, paid up, one open invoice not yet due.
    pub active: FixtureCustomer,
    /// Service `suspenso_debito` with two overdue invoices; trust unlock allowed; an alert.
    pub blocked: FixtureCustomer,
    /// Service `cancelado`, customer record inactive (hidden unless `inativo` asks for it).
    pub cancelled: FixtureCustomer,
    /// Suspended for debt; the trust unlock was used five days ago.
    pub unlock_used: FixtureCustomer,
    /// Suspended for debt; the provider does not allow this customer's trust unlocks.
    pub unlock_not_allowed: FixtureCustomer,
    /// A company (CNPJ): its notes include an NFS-e.
    pub company: FixtureCustomer,
    /// A company with an alphanumeric CNPJ.
    pub alphanumeric_cnpj: FixtureCustomer,
    /// Two services: one enabled, one `suspenso_parcialmente` with two overdue invoices.
    pub two_contracts: FixtureCustomer,
    /// An overdue invoice half paid, still open.
    pub partial_payment: FixtureCustomer,
    /// A valid CPF that no customer has.
    pub unknown_document: String,
    /// An open ticket of the blocked customer and its service order.
    pub ticket: FixtureTicket,
    /// The order: a closed ticket of the active customer with its finished service order.
    pub order: FixtureTicket,
    /// A prospect.
    pub prospect: FixtureProspect,
}

fn fixture(db: &Db, id_cliente: u64) -> FixtureCustomer {
    let customer = db.customers.iter().find(|c| c.id_cliente == id_cliente);
    let services: Vec<u64> = db
        .services
        .iter()
        .filter(|s| s.id_cliente == id_cliente)
        .map(|s| s.id_cliente_servico)
        .collect();
    let mut open: Vec<_> = db
        .invoices
        .iter()
        .filter(|i| i.id_cliente == id_cliente && i.is_open())
        .collect();
    open.sort_by_key(|i| (i.data_vencimento, i.id_fatura));
    FixtureCustomer {
        document: customer.map(|c| c.cpf_cnpj.clone()).unwrap_or_default(),
        name: customer
            .map(|c| c.nome_razaosocial.clone())
            .unwrap_or_default(),
        id_cliente,
        codigo_cliente: customer.map_or(0, |c| c.codigo_cliente),
        id_cliente_servico: services.first().copied().unwrap_or(0),
        services,
        open_invoices: open.iter().map(|i| i.id_fatura).collect(),
    }
}

/// Builds the records and the fixtures.
pub(crate) fn seed(config: &HubsoftConfig) -> (Db, Fixtures) {
    let mut db = Db::default();
    let mut rng = Rng::new(config.seed);

    let add = |db: &mut Db, rng: &mut Rng, kind: DocKind, scenarios: &[Scenario]| -> u64 {
        let id_cliente = 11_201 + db.customers.len() as u64;
        let codigo = 421 + db.customers.len() as u64;
        let mut customer: Customer = people::customer(rng, kind, config.today, id_cliente, codigo);
        if scenarios.first() == Some(&Scenario::Cancelled) {
            customer.ativo = false;
        }
        db.customers.push(customer.clone());
        for scenario in scenarios {
            let plan = billing::pick_plan(rng, kind != DocKind::Cpf);
            billing::service(db, rng, config, &customer, *scenario, plan);
        }
        id_cliente
    };

    let active = add(&mut db, &mut rng, DocKind::Cpf, &[Scenario::Active]);
    let blocked = add(
        &mut db,
        &mut rng,
        DocKind::Cpf,
        &[Scenario::Blocked("suspenso_debito")],
    );
    let cancelled = add(&mut db, &mut rng, DocKind::Cpf, &[Scenario::Cancelled]);
    let unlock_used = add(&mut db, &mut rng, DocKind::Cpf, &[Scenario::UnlockUsed]);
    let unlock_not_allowed = add(
        &mut db,
        &mut rng,
        DocKind::Cpf,
        &[Scenario::UnlockNotAllowed],
    );
    let company = add(&mut db, &mut rng, DocKind::Cnpj, &[Scenario::Active]);
    let alphanumeric = add(
        &mut db,
        &mut rng,
        DocKind::CnpjAlphanumeric,
        &[Scenario::Active],
    );
    let two_contracts = add(
        &mut db,
        &mut rng,
        DocKind::Cpf,
        &[Scenario::Active, Scenario::Blocked("suspenso_parcialmente")],
    );
    let partial = add(&mut db, &mut rng, DocKind::Cpf, &[Scenario::Partial]);
    if let Some(c) = db.customers.iter_mut().find(|c| c.id_cliente == blocked) {
        c.alertas
            .push("Cliente inadimplente: serviço suspenso por débito".to_string());
    }

    let total = config.customers.max(MIN_CUSTOMERS);
    while db.customers.len() < total {
        let kind = match rng.below(100) {
            0..=4 => DocKind::CnpjAlphanumeric,
            5..=24 => DocKind::Cnpj,
            _ => DocKind::Cpf,
        };
        let scenario = match rng.below(100) {
            0..=64 => Scenario::Active,
            65..=74 => Scenario::Blocked("suspenso_debito"),
            75..=77 => Scenario::Blocked("suspenso_parcialmente"),
            78..=79 => Scenario::Blocked("suspenso_pedido_cliente"),
            80..=81 => Scenario::Blocked("franquia_excedida"),
            82..=91 => Scenario::Cancelled,
            92..=95 => Scenario::Partial,
            _ => Scenario::AwaitingInstallation,
        };
        add(&mut db, &mut rng, kind, &[scenario]);
    }
    support::outage_alerts(&mut db, &mut rng);
    let (ticket, order) = support::tickets(&mut db, &mut rng, config, blocked, active);
    let prospect = support::prospects(&mut db, &mut rng, config);
    let unknown_document = loop {
        let candidate = people::document(&mut rng, DocKind::Cpf);
        if !db.customers.iter().any(|c| c.cpf_cnpj == candidate) {
            break candidate;
        }
    };

    let fixtures = Fixtures {
        active: fixture(&db, active),
        blocked: fixture(&db, blocked),
        cancelled: fixture(&db, cancelled),
        unlock_used: fixture(&db, unlock_used),
        unlock_not_allowed: fixture(&db, unlock_not_allowed),
        company: fixture(&db, company),
        alphanumeric_cnpj: fixture(&db, alphanumeric),
        two_contracts: fixture(&db, two_contracts),
        partial_payment: fixture(&db, partial),
        unknown_document,
        ticket,
        order,
        prospect,
    };
    (db, fixtures)
}
