//! The seeded data of a simulated IXC, deterministic from the config's seed and date.
//!
//! The first customers are fixed situations that tests look up through [`Fixtures`]; the rest
//! are drawn at random (mostly active, some blocked, cancelled or awaiting signature; CPFs,
//! CNPJs and a few alphanumeric CNPJs; documents usually masked, sometimes bare).

mod billing;
mod catalog;
mod people;

use super::config::IxcConfig;
use super::schema::{Row, blank_row};
use super::state::Db;
use crate::rng::Rng;
use billing::Scenario;
use people::DocKind;

/// The smallest number of customers ever seeded.
pub const MIN_CUSTOMERS: usize = 50;

/// Ids (`cliente.id`) of the customers seeded for specific situations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fixtures {
    /// Active contract, paid up, one open invoice not yet due.
    pub active: String,
    /// Contract blocked automatically (`CA`) with two overdue invoices; trust unlock allowed.
    pub blocked: String,
    /// Cancelled contract (`status = I`), customer inactive.
    pub cancelled: String,
    /// Blocked contract whose trust unlock was used five days ago (answer 113).
    pub unlock_used: String,
    /// Blocked contract with `desbloqueio_confianca = N`.
    pub unlock_not_allowed: String,
    /// A company (CNPJ, masked).
    pub company: String,
    /// A company with an alphanumeric CNPJ.
    pub alphanumeric_cnpj: String,
    /// A customer whose CPF is stored as bare digits.
    pub unmasked_document: String,
    /// Two contracts: one active, one blocked manually (`CM`). The active one also has an open
    /// invoice issued apart from its billing, which names it in `id_contrato_avulso` only.
    pub two_contracts: String,
    /// An overdue invoice partly paid (`status = P`).
    pub partial_payment: String,
}

/// A row of `table` with the given columns set and the others at their defaults.
pub(crate) fn row(table: &str, fields: &[(&str, &str)]) -> Row {
    let mut row = blank_row(table).unwrap_or_default();
    for (key, value) in fields {
        row.insert((*key).to_string(), (*value).to_string());
    }
    row
}

/// Builds the tables and the fixtures.
pub(crate) fn seed(config: &IxcConfig) -> (Db, Fixtures) {
    let mut db = Db::new();
    let mut rng = Rng::new(config.seed);
    catalog::seed(&mut db);
    db.start_ids_at("fn_areceber", 145_001);
    db.start_ids_at("fn_areceber_baixas", 80_001);
    db.start_ids_at("vd_saida", 9_001);
    db.start_ids_at("cliente_contrato", 2_001);

    let add = |db: &mut Db, rng: &mut Rng, kind: DocKind, mask: bool, scenarios: &[Scenario]| {
        let serial = db.rows("cliente").len() + 1;
        let mut customer = people::customer(rng, kind, mask, config.today, serial);
        if scenarios.first() == Some(&Scenario::Cancelled) {
            customer.insert("ativo".into(), "N".into());
        }
        let id = db.insert("cliente", customer);
        let customer = db.get("cliente", &id).cloned().unwrap_or_default();
        for scenario in scenarios {
            let plan = billing::pick_plan(rng, kind != DocKind::Cpf);
            billing::contract(db, rng, config, &customer, *scenario, plan);
        }
        id
    };

    let two_contracts = |db: &mut Db, rng: &mut Rng| {
        let id = add(
            db,
            rng,
            DocKind::Cpf,
            true,
            &[Scenario::Active, Scenario::Blocked("CM")],
        );
        let active = db
            .rows_where("cliente_contrato", "id_cliente", &id)
            .next()
            .and_then(|c| c.get("id").cloned())
            .unwrap_or_default();
        billing::standalone_invoice(
            db,
            config,
            &id,
            &active,
            config.today + time::Duration::days(20),
            15_000,
            "Taxa de instalação do ponto adicional",
        );
        id
    };

    let fixtures = Fixtures {
        active: add(&mut db, &mut rng, DocKind::Cpf, true, &[Scenario::Active]),
        blocked: add(
            &mut db,
            &mut rng,
            DocKind::Cpf,
            true,
            &[Scenario::Blocked("CA")],
        ),
        cancelled: add(
            &mut db,
            &mut rng,
            DocKind::Cpf,
            true,
            &[Scenario::Cancelled],
        ),
        unlock_used: add(
            &mut db,
            &mut rng,
            DocKind::Cpf,
            true,
            &[Scenario::UnlockUsed],
        ),
        unlock_not_allowed: add(
            &mut db,
            &mut rng,
            DocKind::Cpf,
            true,
            &[Scenario::UnlockNotAllowed],
        ),
        company: add(&mut db, &mut rng, DocKind::Cnpj, true, &[Scenario::Active]),
        alphanumeric_cnpj: add(
            &mut db,
            &mut rng,
            DocKind::CnpjAlphanumeric,
            true,
            &[Scenario::Active],
        ),
        unmasked_document: add(&mut db, &mut rng, DocKind::Cpf, false, &[Scenario::Active]),
        two_contracts: two_contracts(&mut db, &mut rng),
        partial_payment: add(&mut db, &mut rng, DocKind::Cpf, true, &[Scenario::Partial]),
    };

    let total = config.customers.max(MIN_CUSTOMERS);
    while db.rows("cliente").len() < total {
        let kind = match rng.below(100) {
            0..=4 => DocKind::CnpjAlphanumeric,
            5..=24 => DocKind::Cnpj,
            _ => DocKind::Cpf,
        };
        let mask = rng.chance(92);
        let scenario = match rng.below(100) {
            0..=64 => Scenario::Active,
            65..=74 => Scenario::Blocked("CA"),
            75..=79 => Scenario::Blocked("FA"),
            80..=82 => Scenario::Blocked("CM"),
            83..=92 => Scenario::Cancelled,
            93..=95 => Scenario::Partial,
            _ => Scenario::PreContract,
        };
        add(&mut db, &mut rng, kind, mask, &[scenario]);
    }
    (db, fixtures)
}
