//! `POST /financeiro/fatura/liquidar`: settles an invoice paid outside Hubsoft (a totem, an
//! app), erps.md §6.5 and addendum §2.
//!
//! `id_fatura`, `id_caixa_financeiro`, `data_pagamento` (`YYYY-MM-DD`) and `valor_pago` are
//! required; `data_credito` defaults to the payment date, `meio_pagamento` to `dinheiro`. A
//! settled invoice is refused with the documented text. A settlement records a receipt, sets
//! the payment date (the invoice leaves the pending list) and, when the service was suspended
//! for debt and nothing overdue is left, enables it again, as Hubsoft's own routine does.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::codes::hex;
use super::config::{Overpayment, PartialPayment};
use super::financeiro::late_charges;
use super::guesses::{
    NON_POSITIVE_PAYMENT, cash_box_not_found, invoice_not_found, overpaid, unknown_payment_method,
};
use super::model::Receipt;
use super::seed::catalog::{CASH_BOXES, SUSPENDED_FOR_DEBT, payment_method_known};
use super::state::{Db, HubsoftState};
use super::values::{br, iso, money_br, money_number};
use super::wire::{Params, body, error, success};
use crate::rng::Rng;

/// The seconds of the day new receipts are recorded at.
const RECORDED_AT: u32 = 9 * 3600;

/// `POST /api/v1/integracao/financeiro/fatura/liquidar`.
pub(crate) async fn settle(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let fields = body(&headers, &bytes);
    let mut p = Params::new(&fields);
    let invoice_id = p.id("id_fatura", true);
    let cash_box = p.id("id_caixa_financeiro", true);
    let paid_on = if p.value("data_pagamento").is_some() {
        p.date("data_pagamento")
    } else {
        p.fail(super::guesses::required("data_pagamento"));
        None
    };
    let amount = p.money("valor_pago", true);
    let credited = p.date("data_credito");
    let interest = p.money("juros", false).unwrap_or(0);
    let fee = p.money("tarifa", false).unwrap_or(0);
    let discount = p.money("desconto", false).unwrap_or(0);
    let method = p
        .text("meio_pagamento")
        .unwrap_or_else(|| "dinheiro".to_string());
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (Some(invoice_id), Some(cash_box), Some(paid_on), Some(amount)) =
        (invoice_id, cash_box, paid_on, amount)
    else {
        return error(super::guesses::VALIDATION_MESSAGE);
    };
    let config = state.config();
    let mut inner = state.lock();
    let today = inner.today;
    let db = &mut inner.db;
    let Some(invoice) = db.invoice(invoice_id) else {
        return error(&invoice_not_found(invoice_id));
    };
    if let Some(paid) = invoice.data_pagamento {
        // The documented refusal (addendum §2).
        return error(&format!(
            "A fatura de ID {invoice_id} já encontra-se quitada com data de pagamento em {}",
            br(paid)
        ));
    }
    if !CASH_BOXES.iter().any(|(id, _)| *id == cash_box) {
        return error(&cash_box_not_found(cash_box));
    }
    if !payment_method_known(&method) {
        return error(&unknown_payment_method(&method));
    }
    if amount <= 0 {
        return error(NON_POSITIVE_PAYMENT);
    }
    let open = invoice.open_cents();
    let (fine, late_interest) = late_charges(config, invoice, paid_on);
    let due = open + fine + late_interest;
    if config.overpayment == Overpayment::RefuseAboveDue && amount > due {
        return error(&overpaid(invoice_id, &money_br(amount), &money_br(due)));
    }
    let settles = amount >= open || config.partial_payment == PartialPayment::Settles;
    let id_recibo = db
        .invoices
        .iter()
        .flat_map(|i| i.recibos.iter().map(|r| r.id_recibo))
        .max()
        .unwrap_or(2_500)
        + 1;
    let mut rng = Rng::new(config.seed ^ id_recibo);
    let receipt = Receipt {
        id_recibo,
        numero_recibo: hex(&mut rng, 13),
        id_caixa_financeiro: cash_box,
        valor_cents: amount,
        juros_cents: interest,
        tarifa_cents: fee,
        desconto_cents: discount,
        meio_pagamento: method,
        data_pagamento: paid_on,
        data_credito: credited.unwrap_or(paid_on),
        data_cadastro: (today, RECORDED_AT),
    };
    let service_id = invoice.id_cliente_servico;
    let customer = db.customer(invoice.id_cliente).cloned();
    if let Some(invoice) = db.invoices.iter_mut().find(|i| i.id_fatura == invoice_id) {
        invoice.recibos.push(receipt.clone());
        if settles {
            invoice.data_pagamento = Some(paid_on);
        }
    }
    release_if_paid_up(db, service_id, today);
    success(
        "Liquidação efetuada com sucesso",
        json!({"recibo": {
            "id_recibo": receipt.id_recibo,
            "numero_recibo": receipt.numero_recibo,
            "data_pagamento": iso(receipt.data_pagamento),
            "data_credito": iso(receipt.data_credito),
            "valor_pago": money_number(receipt.valor_cents),
            "tarifa": money_number(receipt.tarifa_cents),
            "cliente": {
                "codigo_cliente": customer.as_ref().map(|c| c.codigo_cliente),
                "nome_razaosocial": customer.as_ref().map(|c| c.nome_razaosocial.clone()),
                "cpf_cnpj": customer.as_ref().map(|c| c.cpf_cnpj.clone()),
            },
        }}),
    )
}

/// Enables a service suspended for debt once nothing of it is overdue; a running trust unlock
/// has nothing left to bridge and ends.
fn release_if_paid_up(db: &mut Db, service_id: u64, today: time::Date) {
    if db.has_overdue(service_id, today) {
        return;
    }
    if let Some(service) = db.service_mut(service_id) {
        let suspended = SUSPENDED_FOR_DEBT.contains(&service.status_prefixo.as_str());
        if suspended || service.unlock_until.is_some() {
            service.status_prefixo = "servico_habilitado".to_string();
            service.unlock_until = None;
        }
    }
}
