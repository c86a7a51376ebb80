//! Seeded contracts and their money: monthly invoices with valid boletos, write-offs of the
//! paid ones, fiscal notes, and the PPPoE login of each contract.

use time::{Date, Duration, Month};

use super::super::codes;
use super::super::config::IxcConfig;
use super::super::schema::Row;
use super::super::state::Db;
use super::super::values::{EMPTY_DATE, iso, money};
use super::catalog::{DUE_DAYS, PLANS, Plan};
use super::row;
use crate::rng::Rng;

/// The situation a seeded contract is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// Active, paid up, one invoice still to come due.
    Active,
    /// Active but with the access blocked (`CA`, `CM` or `FA`) and two overdue invoices.
    Blocked(&'static str),
    /// Blocked, and the trust unlock was already used inside the period.
    UnlockUsed,
    /// Blocked, and the contract does not allow trust unlocks.
    UnlockNotAllowed,
    /// Active, with an overdue invoice partly paid.
    Partial,
    /// Cancelled (`status = I`), with one cancelled invoice.
    Cancelled,
    /// Pre-contract waiting for signature; no invoices yet.
    PreContract,
}

/// The due date in the month `offset` months away from `today`'s month.
fn due_in_month(today: Date, offset: i32, day: u8) -> Date {
    let months = today.year() * 12 + i32::from(u8::from(today.month())) - 1 + offset;
    let (year, month0) = (months.div_euclid(12), months.rem_euclid(12));
    let month = Month::try_from(u8::try_from(month0 + 1).unwrap_or(1)).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day.min(28)).unwrap_or(today)
}

/// Seeds one contract with its invoices, login and notes; returns the contract id.
pub(crate) fn contract(
    db: &mut Db,
    rng: &mut Rng,
    config: &IxcConfig,
    customer: &Row,
    scenario: Scenario,
    plan: Plan,
) -> String {
    let today = config.today;
    let customer_id = customer.get("id").cloned().unwrap_or_default();
    let due_day = *rng.pick(&DUE_DAYS).unwrap_or(&10);
    let activated = today - Duration::days(rng.between(120, 1500) as i64);
    let (status, access) = match scenario {
        Scenario::Active | Scenario::Partial => ("A", "A"),
        Scenario::Blocked(access) => ("A", access),
        Scenario::UnlockUsed | Scenario::UnlockNotAllowed => ("A", "CA"),
        Scenario::Cancelled => ("I", "D"),
        Scenario::PreContract => ("P", "AA"),
    };
    let mut fields: Vec<(&str, String)> = vec![
        ("id_cliente", customer_id.clone()),
        ("contrato", plan.name.to_string()),
        ("id_vd_contrato", plan.id.to_string()),
        (
            "id_vendedor",
            customer.get("id_vendedor").cloned().unwrap_or_default(),
        ),
        ("data", iso(activated - Duration::days(7))),
        (
            "data_ativacao",
            if status == "P" {
                EMPTY_DATE.to_string()
            } else {
                iso(activated)
            },
        ),
        ("data_renovacao", iso(activated + Duration::days(365))),
        ("status", status.to_string()),
        ("status_internet", access.to_string()),
        ("dia_fixo_vencimento", due_day.to_string()),
        ("desbloqueio_confianca", "S".to_string()),
    ];
    for key in [
        "cep",
        "endereco",
        "numero",
        "complemento",
        "bairro",
        "cidade",
    ] {
        fields.push((key, customer.get(key).cloned().unwrap_or_default()));
    }
    let blocked_since = iso(today - Duration::days(2));
    match scenario {
        Scenario::Blocked("CM") => fields.push(("dt_ult_bloq_manual", blocked_since)),
        Scenario::Blocked("FA") => fields.push(("dt_ult_finan_atraso", blocked_since)),
        Scenario::Blocked(_) | Scenario::UnlockNotAllowed => {
            fields.push(("dt_ult_bloq_auto", blocked_since));
        }
        Scenario::UnlockUsed => {
            let used = today - Duration::days(5);
            fields.push(("dt_ult_bloq_auto", blocked_since));
            fields.push(("dt_ult_desb_conf", iso(used)));
            fields.push(("dt_ult_des_bloq_conf", iso(used)));
            fields.push((
                "dt_retorno_desb_conf",
                iso(used + Duration::days(i64::from(config.unlock_days))),
            ));
        }
        Scenario::Cancelled => {
            fields.push(("data_cancelamento", iso(today - Duration::days(40))));
            fields.push(("motivo_cancelamento", "Mudança de cidade".to_string()));
        }
        _ => {}
    }
    if scenario == Scenario::UnlockNotAllowed {
        fields.push(("desbloqueio_confianca", "N".to_string()));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let contract_id = db.insert("cliente_contrato", row("cliente_contrato", &borrowed));

    let unit = super::super::values::money9(plan.cents);
    db.insert(
        "vd_contratos_produtos",
        row(
            "vd_contratos_produtos",
            &[
                ("id_contrato", &contract_id),
                ("id_plano", plan.id),
                ("descricao", plan.name),
                ("valor_unit", &unit),
            ],
        ),
    );
    if scenario != Scenario::PreContract {
        let first = customer
            .get("razao")
            .and_then(|r| r.split(' ').next())
            .unwrap_or("cliente");
        let login = format!("{}{}", first.to_lowercase(), contract_id);
        let password = rng.digits(8);
        let online = if access == "A" && rng.chance(60) {
            "S"
        } else {
            "N"
        };
        let active = if status == "I" { "N" } else { "S" };
        let fields = [
            ("id_cliente", customer_id.as_str()),
            ("id_contrato", contract_id.as_str()),
            ("login", login.as_str()),
            ("senha", password.as_str()),
            ("ativo", active),
            ("online", online),
        ];
        db.insert("radusuarios", row("radusuarios", &fields));
    }
    invoices(
        db,
        rng,
        config,
        &customer_id,
        &contract_id,
        scenario,
        plan,
        due_day,
    );
    contract_id
}

/// What one seeded invoice ends up as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Paid,
    Open,
    Partial,
    Cancelled,
}

#[allow(clippy::too_many_arguments)]
fn invoices(
    db: &mut Db,
    rng: &mut Rng,
    config: &IxcConfig,
    customer_id: &str,
    contract_id: &str,
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
    let plan_of: &[(i32, Fate)] = match scenario {
        Scenario::PreContract => &[],
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
        Scenario::Cancelled => &[(-4, Fate::Paid), (-3, Fate::Paid), (-2, Fate::Cancelled)],
    };
    for &(offset, fate) in plan_of {
        let due = due_in_month(today, upcoming + offset, due_day);
        invoice(db, rng, config, customer_id, contract_id, plan, due, fate);
    }
}

#[allow(clippy::too_many_arguments)]
fn invoice(
    db: &mut Db,
    rng: &mut Rng,
    config: &IxcConfig,
    customer_id: &str,
    contract_id: &str,
    plan: Plan,
    due: Date,
    fate: Fate,
) {
    let cents = plan.cents;
    let issued = due - Duration::days(12);
    let (status, open, received) = match fate {
        Fate::Paid => ("R", 0, cents),
        Fate::Open => ("A", cents, 0),
        Fate::Partial => ("P", cents - cents / 2, cents / 2),
        Fate::Cancelled => ("C", 0, 0),
    };
    let paid_on = due - Duration::days(rng.between(0, 4) as i64);
    let mut fields: Vec<(&str, String)> = vec![
        ("id_cliente", customer_id.to_string()),
        ("id_contrato", contract_id.to_string()),
        ("status", status.to_string()),
        ("data_emissao", iso(issued)),
        ("data_vencimento", iso(due)),
        ("valor", money(cents)),
        ("valor_aberto", money(open)),
        ("valor_recebido", money(received)),
        (
            "obs",
            format!(
                "Referente a {} - {:02}/{}",
                plan.name,
                u8::from(due.month()),
                due.year()
            ),
        ),
        ("ultima_atualizacao", format!("{} 03:00:00", iso(issued))),
    ];
    if received > 0 {
        fields.push(("pagamento_data", iso(paid_on)));
        fields.push(("pagamento_valor", money(received)));
        fields.push(("baixa_data", iso(paid_on)));
        fields.push((
            "recebido_via_pix",
            if rng.chance(40) { "S" } else { "N" }.to_string(),
        ));
    }
    if fate == Fate::Cancelled {
        fields.push(("valor_cancelado", money(cents)));
        fields.push(("data_cancelamento", iso(due - Duration::days(3))));
        fields.push(("id_mot_cancelamento", "1".to_string()));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = db.insert("fn_areceber", row("fn_areceber", &borrowed));
    print_boleto(db, config, &id, cents, due);
    if received > 0 {
        settlement(db, &id, paid_on, received);
    }
    if fate == Fate::Paid {
        note(db, customer_id, contract_id, &id, paid_on, cents);
    }
}

/// Gives a stored invoice its document number, nosso número, PIX txid and boleto.
fn print_boleto(db: &mut Db, config: &IxcConfig, id: &str, cents: i64, due: Date) {
    // The nosso número and the free field depend on the id, known only now.
    let nosso = format!("{:08}", id.parse::<u64>().unwrap_or(0) % 100_000_000);
    let free_field = format!("109{nosso}0{:04}{:05}0000", 1234, 56789);
    let boleto = codes::boleto(
        &config.bank_code,
        u64::try_from(cents).unwrap_or(0),
        due,
        &free_field,
    );
    let txid = format!("IXC{id}");
    if let Some(r) = db.get_mut("fn_areceber", id) {
        r.insert("documento".into(), id.to_string());
        r.insert("nn_boleto".into(), nosso);
        r.insert("pix_txid".into(), txid);
        if let Some(b) = &boleto {
            r.insert("linha_digitavel".into(), b.linha.clone());
        }
    }
    if let Some(b) = boleto {
        db.barcodes.insert(id.to_string(), b.barcode);
    }
}

/// An open invoice issued apart from the contract's monthly billing (an installation fee, a
/// visit): its contract is in `id_contrato_avulso` and `id_contrato` is empty, as in the
/// vendor's own example. Draws nothing from the random generator, so the rest of the seed is
/// the same with or without it. Returns the invoice id.
pub(crate) fn standalone_invoice(
    db: &mut Db,
    config: &IxcConfig,
    customer_id: &str,
    contract_id: &str,
    due: Date,
    cents: i64,
    what: &str,
) -> String {
    let fields = [
        ("id_cliente", customer_id.to_string()),
        ("id_contrato", String::new()),
        ("id_contrato_avulso", contract_id.to_string()),
        ("status", "A".to_string()),
        ("data_emissao", iso(config.today)),
        ("data_vencimento", iso(due)),
        ("valor", money(cents)),
        ("valor_aberto", money(cents)),
        ("obs", what.to_string()),
        (
            "ultima_atualizacao",
            format!("{} 03:00:00", iso(config.today)),
        ),
    ];
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = db.insert("fn_areceber", row("fn_areceber", &borrowed));
    print_boleto(db, config, &id, cents, due);
    id
}

fn settlement(db: &mut Db, invoice_id: &str, on: Date, cents: i64) {
    let value = money(cents);
    let fields = [
        ("id_receber", invoice_id),
        ("conta_", "1"),
        ("id_conta", "1"),
        ("data", &iso(on)),
        ("tipo_recebimento", "Boleto"),
        ("valor_parcela", &value),
        ("credito", &value),
        ("valor_total_recebido", &value),
        ("historico", "Recebimento de boleto"),
        ("tipo_r", "T"),
        ("previsao", "M"),
        ("tipo_lanc", "R"),
        ("data_lancamento", &format!("{} 10:00:00", iso(on))),
    ];
    db.insert("fn_areceber_baixas", row("fn_areceber_baixas", &fields));
}

fn note(db: &mut Db, customer_id: &str, contract_id: &str, invoice_id: &str, on: Date, cents: i64) {
    let number = (db.rows("vd_saida").len() + 1001).to_string();
    let value = money(cents);
    let fields = [
        ("id_cliente", customer_id),
        ("id_contrato", contract_id),
        ("modelo_nf", "21"),
        ("numero_nf", &number),
        ("data_emissao", &iso(on)),
        ("data_saida", &iso(on)),
        ("valor_total", &value),
    ];
    let note_id = db.insert("vd_saida", row("vd_saida", &fields));
    if let Some(r) = db.get_mut("fn_areceber", invoice_id) {
        r.insert("id_nota_gerada".into(), note_id);
    }
}

/// The plan a scenario's contract uses when the seed does not choose one.
pub(crate) fn pick_plan(rng: &mut Rng, company: bool) -> Plan {
    if company {
        return PLANS[4];
    }
    *rng.pick(&PLANS[..4]).unwrap_or(&PLANS[1])
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
