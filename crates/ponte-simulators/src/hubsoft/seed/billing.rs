//! Seeded services and their money: monthly invoices with valid boletos and PIX, receipts of
//! the paid ones, fiscal notes (telecom model 21 for everyone, an NFS-e for companies).

use time::{Date, Duration, Month};

use super::super::codes;
use super::super::config::HubsoftConfig;
use super::super::model::{Customer, FiscalNote, Invoice, Receipt, Service};
use super::super::state::Db;
use super::super::values::br;
use super::catalog::{CASH_BOXES, DUE_DAYS, PLANS, Plan};
use super::people::address;
use crate::rng::Rng;

/// The situation a seeded service is in (the same story as the IXC simulator's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// Enabled, paid up, one invoice still to come due.
    Active,
    /// Suspended (`suspenso_debito`, `suspenso_parcialmente`...) with two overdue invoices.
    Blocked(&'static str),
    /// Suspended for debt, and the trust unlock was used five days ago.
    UnlockUsed,
    /// Suspended for debt, and the provider does not allow this customer's trust unlocks.
    UnlockNotAllowed,
    /// Enabled, with an overdue invoice partly paid.
    Partial,
    /// Cancelled forty days ago; its history is paid.
    Cancelled,
    /// Sold, waiting for installation; no invoices yet.
    AwaitingInstallation,
}

/// The due date in the month `offset` months away from `today`'s month.
pub(crate) fn due_in_month(today: Date, offset: i32, day: u8) -> Date {
    let months = today.year() * 12 + i32::from(u8::from(today.month())) - 1 + offset;
    let (year, month0) = (months.div_euclid(12), months.rem_euclid(12));
    let month = Month::try_from(u8::try_from(month0 + 1).unwrap_or(1)).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day.min(28)).unwrap_or(today)
}

fn next_id<T>(items: &[T], id: impl Fn(&T) -> u64, floor: u64) -> u64 {
    items.iter().map(id).max().map_or(floor, |max| max + 1)
}

/// The plan a scenario's service uses.
pub(crate) fn pick_plan(rng: &mut Rng, company: bool) -> Plan {
    if company {
        return PLANS[4];
    }
    *rng.pick(&PLANS[..4]).unwrap_or(&PLANS[1])
}

/// Seeds one service of `customer` with its invoices, receipts and notes; returns its id.
pub(crate) fn service(
    db: &mut Db,
    rng: &mut Rng,
    config: &HubsoftConfig,
    customer: &Customer,
    scenario: Scenario,
    plan: Plan,
) -> u64 {
    let today = config.today;
    let id = next_id(&db.services, |s| s.id_cliente_servico, 11_001);
    let numero_plano = db
        .services
        .iter()
        .filter(|s| s.id_cliente == customer.id_cliente)
        .count() as u64
        + 1;
    let due_days: Vec<u8> = DUE_DAYS.iter().filter_map(|(_, d)| *d).collect();
    let dia_vencimento = *rng.pick(&due_days).unwrap_or(&10);
    let status = match scenario {
        Scenario::Active | Scenario::Partial => "servico_habilitado",
        Scenario::Blocked(prefix) => prefix,
        Scenario::UnlockUsed | Scenario::UnlockNotAllowed => "suspenso_debito",
        Scenario::Cancelled => "cancelado",
        Scenario::AwaitingInstallation => "aguardando_instalacao",
    };
    let first_word = customer
        .nome_razaosocial
        .split(' ')
        .next()
        .unwrap_or("cliente")
        .to_lowercase();
    let login = format!("{}{}", super::super::values::bare_document(&first_word), id);
    let city =
        super::catalog::city_for_cep(&customer.endereco.cep).unwrap_or(&super::catalog::CITIES[0]);
    let endereco_instalacao = if numero_plano == 1 {
        customer.endereco.clone()
    } else {
        address(rng, city)
    };
    let enabled = status == "servico_habilitado";
    let record = Service {
        id_cliente_servico: id,
        id_cliente: customer.id_cliente,
        id_servico: plan.id,
        numero_plano,
        nome: plan.descricao.to_string(),
        valor_cents: plan.cents,
        status_prefixo: status.to_string(),
        tecnologia: super::catalog::technology(plan.tecnologia).to_string(),
        login: login.to_lowercase(),
        senha: rng.digits(6),
        ipv4: (scenario != Scenario::AwaitingInstallation)
            .then(|| format!("10.99.{}.{}", rng.between(1, 9), rng.between(2, 254))),
        mac_addr: format!(
            "{}:{}:{}:{}:{}:{}",
            codes::hex(rng, 2).to_uppercase(),
            codes::hex(rng, 2).to_uppercase(),
            codes::hex(rng, 2).to_uppercase(),
            codes::hex(rng, 2).to_uppercase(),
            codes::hex(rng, 2).to_uppercase(),
            codes::hex(rng, 2).to_uppercase()
        ),
        dia_vencimento,
        data_habilitacao: today - Duration::days(rng.between(120, 1500) as i64),
        data_cancelamento: (scenario == Scenario::Cancelled).then(|| today - Duration::days(40)),
        endereco_instalacao,
        unlock_allowed: scenario != Scenario::UnlockNotAllowed,
        unlock_last: (scenario == Scenario::UnlockUsed).then(|| today - Duration::days(5)),
        unlock_until: None,
        conectado: enabled && rng.chance(70),
    };
    db.services.push(record);
    invoices(
        db,
        rng,
        config,
        customer,
        id,
        scenario,
        plan,
        dia_vencimento,
    );
    id
}

/// What one seeded invoice ends up as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Paid,
    Open,
    Partial,
}

#[allow(clippy::too_many_arguments)]
fn invoices(
    db: &mut Db,
    rng: &mut Rng,
    config: &HubsoftConfig,
    customer: &Customer,
    service: u64,
    scenario: Scenario,
    plan: Plan,
    due_day: u8,
) {
    let today = config.today;
    // The first due date on or after today is the invoice still to come; the months before
    // it are history.
    let upcoming = if due_in_month(today, 0, due_day) >= today {
        0
    } else {
        1
    };
    let fates: &[(i32, Fate)] = match scenario {
        Scenario::AwaitingInstallation => &[],
        Scenario::Active => &[
            (-3, Fate::Paid),
            (-2, Fate::Paid),
            (-1, Fate::Paid),
            (0, Fate::Open),
        ],
        Scenario::Partial => &[
            (-3, Fate::Paid),
            (-2, Fate::Paid),
            (-1, Fate::Partial),
            (0, Fate::Open),
        ],
        Scenario::Blocked(_) | Scenario::UnlockUsed | Scenario::UnlockNotAllowed => &[
            (-3, Fate::Paid),
            (-2, Fate::Open),
            (-1, Fate::Open),
            (0, Fate::Open),
        ],
        Scenario::Cancelled => &[(-4, Fate::Paid), (-3, Fate::Paid)],
    };
    for &(offset, fate) in fates {
        let due = due_in_month(today, upcoming + offset, due_day);
        invoice(db, rng, config, customer, service, plan, due, fate);
    }
}

#[allow(clippy::too_many_arguments)]
fn invoice(
    db: &mut Db,
    rng: &mut Rng,
    config: &HubsoftConfig,
    customer: &Customer,
    service: u64,
    plan: Plan,
    due: Date,
    fate: Fate,
) {
    let id = next_id(&db.invoices, |i| i.id_fatura, 36_001);
    let nosso = 270_000 + id;
    let cents = plan.cents;
    let issued = due - Duration::days(12);
    let period_start = due - Duration::days(30);
    let item_id = db
        .invoices
        .iter()
        .flat_map(|i| i.itens.iter().map(|(item, _, _)| *item))
        .max()
        .map_or(25_001, |m| m + 1);
    let description = format!(
        "(+) Serviço de Comunicação e Multimídia - {} ({}) até ({}) | R$ {}.{:02}",
        plan.descricao,
        br(period_start),
        br(due - Duration::days(1)),
        cents / 100,
        cents % 100
    );
    let boleto = codes::boleto(config, u64::try_from(cents).unwrap_or(0), due, nosso);
    let paid_on = due - Duration::days(rng.between(0, 4) as i64);
    let mut recibos = Vec::new();
    let receipt_cents = match fate {
        Fate::Paid => Some(cents),
        Fate::Partial => Some(cents / 2),
        Fate::Open => None,
    };
    if let Some(value) = receipt_cents {
        let id_recibo = db
            .invoices
            .iter()
            .flat_map(|i| i.recibos.iter().map(|r| r.id_recibo))
            .max()
            .map_or(2_501, |m| m + 1);
        let (caixa, meio) = if rng.chance(40) {
            (CASH_BOXES[3].0, "pix")
        } else {
            (CASH_BOXES[0].0, "boleto")
        };
        recibos.push(Receipt {
            id_recibo,
            numero_recibo: codes::hex(rng, 13),
            id_caixa_financeiro: caixa,
            valor_cents: value,
            juros_cents: 0,
            tarifa_cents: 0,
            desconto_cents: 0,
            meio_pagamento: meio.to_string(),
            data_pagamento: paid_on,
            data_credito: paid_on + Duration::days(1),
            data_cadastro: (paid_on, 36_000),
        });
    }
    let record = Invoice {
        id_fatura: id,
        id_cliente: customer.id_cliente,
        id_cliente_servico: service,
        nosso_numero: nosso.to_string(),
        valor_cents: cents,
        data_vencimento: due,
        data_cadastro: (issued, 10_800),
        data_pagamento: (fate == Fate::Paid).then_some(paid_on),
        linha_digitavel: boleto.as_ref().map(|b| b.linha.clone()).unwrap_or_default(),
        codigo_barras: boleto.map(|b| b.barcode).unwrap_or_default(),
        link_token: codes::link_token(rng),
        pix_txid: format!("HUB{id}"),
        itens: vec![(item_id, description, cents)],
        recibos,
    };
    db.invoices.push(record);
    if fate == Fate::Paid {
        note(db, rng, customer, id, issued, cents, false);
        if customer.tipo_pessoa == "pj" {
            note(db, rng, customer, id, issued, cents, true);
        }
    }
}

fn note(
    db: &mut Db,
    rng: &mut Rng,
    customer: &Customer,
    invoice: u64,
    issued: Date,
    cents: i64,
    nfse: bool,
) {
    let same_kind = |n: &&FiscalNote| n.nfse == nfse;
    let id = db
        .notes
        .iter()
        .filter(same_kind)
        .map(|n| n.id)
        .max()
        .map_or(if nfse { 101 } else { 3_001 }, |m| m + 1);
    let numero = db.notes.iter().filter(same_kind).count() as u64 + if nfse { 14_801 } else { 401 };
    db.notes.push(FiscalNote {
        id,
        id_cliente: customer.id_cliente,
        nfse,
        numero,
        valor_cents: cents,
        data_emissao: (issued, 32_400),
        id_fatura: invoice,
        link_token: codes::link_token(rng),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn due_dates_roll_over_years_both_ways() {
        assert_eq!(
            due_in_month(date!(2026 - 01 - 20), -1, 10),
            date!(2025 - 12 - 10)
        );
        assert_eq!(
            due_in_month(date!(2026 - 12 - 20), 1, 31),
            date!(2027 - 01 - 28)
        );
    }
}
