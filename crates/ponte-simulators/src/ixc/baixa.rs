//! Settlements: `fn_areceber_recebimentos_baixas_novo` writes an invoice off (fully or in
//! part), `DELETE fn_areceber_baixas/<id>` reverses a write-off. An insert straight into
//! `fn_areceber_baixas` is booked the same way (an assumption: the sources only show the
//! action and the delete).
//!
//! A write-off needs its required fields ([`WRITEOFF_REQUIRED`]), a readable `dd/mm/yyyy` date
//! and a positive amount, and may not apply more than the invoice still owes: what it applies
//! is the amount received less the addition (`vacrescimo`, interest and fine paid on top) plus
//! the discount (`vdesconto`). Anything else is refused with IXC's error envelope and writes
//! nothing, unless [`IxcLeniency::writeoffs`](super::IxcLeniency) is on, which takes the first
//! positive amount it finds and swallows any excess.
//!
//! A settlement really changes the invoice: `valor_recebido` grows, `valor_aberto` shrinks,
//! `status` becomes `R` (or `P` while something is still open), the payment dates are set. When
//! a contract blocked for debt (`CA`/`FA`) has nothing overdue left, its access comes back, as
//! IXC's own routine does after a payment.

use axum::response::Response;

use super::guesses::{
    INSERTED_MESSAGE, NOT_FOUND_MESSAGE, SETTLE_ABOVE_OPEN, SETTLE_BAD_AMOUNT, SETTLE_BAD_DATE,
    SETTLE_CLOSED, SETTLE_NOT_FOUND, WRITEOFF_REQUIRED, required_field,
};
use super::model::contract_of;
use super::schema::blank_row;
use super::state::{Db, IxcState};
use super::values::{iso, money, parse_date, parse_money, to_iso_if_br};
use super::wire::{Fields, error, success, text};

/// A money field that may be left empty: empty is zero, anything else must be money.
fn optional_money(body: &Fields, key: &str) -> Option<i64> {
    let value = text(body, key);
    if value.trim().is_empty() {
        Some(0)
    } else {
        parse_money(&value)
    }
}

/// What a write-off asks for, read strictly: `(amount received, amount applied to the
/// invoice, date)`, or the refusal.
fn read_strict(body: &Fields) -> Result<(i64, i64, time::Date), String> {
    if let Some(missing) = WRITEOFF_REQUIRED
        .iter()
        .find(|field| text(body, field).trim().is_empty())
    {
        return Err(required_field(missing));
    }
    let paid_on = parse_date(&text(body, "data")).ok_or(SETTLE_BAD_DATE)?;
    let amount = parse_money(&text(body, "valor_total_recebido"))
        .filter(|c| *c > 0)
        .ok_or(SETTLE_BAD_AMOUNT)?;
    let addition = optional_money(body, "vacrescimo").ok_or(SETTLE_BAD_AMOUNT)?;
    let discount = optional_money(body, "vdesconto").ok_or(SETTLE_BAD_AMOUNT)?;
    Ok((amount, amount - addition + discount, paid_on))
}

/// The same, leniently: the first positive amount of three fields, today for a missing date.
fn read_lenient(body: &Fields, today: time::Date) -> Option<(i64, i64, time::Date)> {
    let amount = ["valor_total_recebido", "credito", "valor_parcela"]
        .iter()
        .filter_map(|k| parse_money(&text(body, k)))
        .find(|c| *c > 0)?;
    let paid_on = parse_date(&text(body, "data")).unwrap_or(today);
    Some((amount, amount, paid_on))
}

/// `POST fn_areceber_recebimentos_baixas_novo` (and an insert into `fn_areceber_baixas`).
pub(crate) fn settle(state: &IxcState, body: &Fields) -> Response {
    let today = state.today();
    let lenient = state.config().lenient.writeoffs;
    let asked = if lenient {
        Ok(read_lenient(body, today))
    } else {
        read_strict(body).map(Some)
    };
    let asked = match asked {
        Ok(asked) => asked,
        Err(refusal) => return error(refusal),
    };
    let invoice_id = text(body, "id_receber");
    let mut db = state.db();
    let Some(invoice) = db.get_mut("fn_areceber", &invoice_id) else {
        return error(SETTLE_NOT_FOUND);
    };
    let get = |k: &str| invoice.get(k).cloned().unwrap_or_default();
    if !matches!(get("status").as_str(), "A" | "P") {
        return error(SETTLE_CLOSED);
    }
    let Some((amount, applied, paid_on)) = asked else {
        return error(SETTLE_BAD_AMOUNT);
    };
    let open = parse_money(&get("valor_aberto")).unwrap_or(0);
    if !lenient && (applied <= 0 || applied > open) {
        return error(if applied <= 0 {
            SETTLE_BAD_AMOUNT
        } else {
            SETTLE_ABOVE_OPEN
        });
    }
    let received = parse_money(&get("valor_recebido")).unwrap_or(0) + amount;
    let left = (open - applied).max(0);
    let contract_id = contract_of(invoice);
    for (key, value) in [
        ("valor_recebido", money(received)),
        ("valor_aberto", money(left)),
        ("pagamento_valor", money(received)),
        ("status", if left == 0 { "R" } else { "P" }.to_string()),
        ("pagamento_data", iso(paid_on)),
        ("baixa_data", iso(paid_on)),
        ("ultima_atualizacao", format!("{} 09:00:00", iso(today))),
    ] {
        invoice.insert(key.to_string(), value);
    }
    if text(body, "tipo_recebimento")
        .to_lowercase()
        .contains("pix")
    {
        invoice.insert("recebido_via_pix".into(), "S".into());
    }

    let mut row = blank_row("fn_areceber_baixas").unwrap_or_default();
    for (key, value) in body {
        if row.contains_key(key) && key != "id" {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            row.insert(key.clone(), text);
        }
    }
    row.insert(
        "data".into(),
        to_iso_if_br(&text(body, "data")).chars().take(10).collect(),
    );
    if row.get("data").is_none_or(String::is_empty) {
        row.insert("data".into(), iso(paid_on));
    }
    row.insert("valor_total_recebido".into(), money(amount));
    row.insert("data_lancamento".into(), format!("{} 09:00:00", iso(today)));
    let id = db.insert("fn_areceber_baixas", row);
    release_if_paid_up(&mut db, &contract_id, today);
    success(INSERTED_MESSAGE, &id)
}

/// Gives a contract blocked for debt its access back once nothing of it is overdue.
fn release_if_paid_up(db: &mut Db, contract_id: &str, today: time::Date) {
    if contract_id.is_empty() {
        return;
    }
    let overdue = db.rows("fn_areceber").iter().any(|r| {
        contract_of(r) == contract_id
            && matches!(r.get("status").map(String::as_str), Some("A" | "P"))
            && r.get("data_vencimento")
                .and_then(|d| parse_date(d))
                .is_some_and(|d| d < today)
    });
    if overdue {
        return;
    }
    if let Some(contract) = db.get_mut("cliente_contrato", contract_id)
        && matches!(
            contract.get("status_internet").map(String::as_str),
            Some("CA" | "FA")
        )
    {
        contract.insert("status_internet".into(), "A".into());
        contract.insert("desbloqueio_confianca_ativo".into(), "N".into());
    }
}

/// `DELETE fn_areceber_baixas/<id>`: removes the write-off and reopens its amount.
pub(crate) fn reverse(state: &IxcState, id: &str) -> Response {
    let mut db = state.db();
    let Some(writeoff) = db.remove("fn_areceber_baixas", id) else {
        return error(NOT_FOUND_MESSAGE);
    };
    let amount = writeoff
        .get("valor_total_recebido")
        .and_then(|v| parse_money(v))
        .unwrap_or(0);
    let invoice_id = writeoff.get("id_receber").cloned().unwrap_or_default();
    if let Some(invoice) = db.get_mut("fn_areceber", &invoice_id) {
        let open = invoice
            .get("valor_aberto")
            .and_then(|v| parse_money(v))
            .unwrap_or(0)
            + amount;
        let received = (invoice
            .get("valor_recebido")
            .and_then(|v| parse_money(v))
            .unwrap_or(0)
            - amount)
            .max(0);
        invoice.insert("valor_aberto".into(), money(open));
        invoice.insert("valor_recebido".into(), money(received));
        invoice.insert("pagamento_valor".into(), money(received));
        invoice.insert(
            "status".into(),
            if received == 0 { "A" } else { "P" }.into(),
        );
        if received == 0 {
            invoice.insert("pagamento_data".into(), super::values::EMPTY_DATE.into());
            invoice.insert("baixa_data".into(), super::values::EMPTY_DATE.into());
        }
    }
    success(super::guesses::DELETED_MESSAGE, id)
}
