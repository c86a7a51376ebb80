//! Writing a title off: `POST /api/banco/titulo/{id}/baixar/` (erps.md §3.5, erps-addendum §3).
//!
//! The request is documented [DOC-3P]: `data_pagamento` (`YYYY-MM-DD`) and `valor_pago` are
//! required; `forma_pagamento` is DINHEIRO (the default), CARTAO, DEBITO or PIX;
//! `ponto_recebimento` is optional (the title's portador has a default cash point);
//! `liquidacao_parcial=1` makes a partial settlement. The answers are not captured: their
//! texts and rules are in [`super::guesses::SgpGuesses`].
//!
//! A settlement really changes the title: it leaves the open lists, and a contract blocked for
//! debt with nothing else overdue gets its access back.

use axum::response::Response;
use serde_json::json;

use super::render::{Ctx, corrected_cents};
use super::story::Story;
use super::story::catalog::{DEFAULT_RECEIVING_POINT, RECEIVING_POINTS};
use super::story::model::{Payment, TitleStatus};
use super::story::values::{iso, parse_iso, parse_money, reais};
use super::wire::{Params, not_found, ok};

/// The payment forms SGP accepts [DOC-3P].
const FORMS: [&str; 4] = ["DINHEIRO", "CARTAO", "DEBITO", "PIX"];

/// Handles the write-off of `title_id`.
pub(crate) fn settle(ctx: &Ctx<'_>, story: &mut Story, title_id: u64, params: &Params) -> Response {
    let g = ctx.guesses;
    let refuse = |msg: &str| ok(&json!({"status": 2, "msg": msg}));
    let Some(title) = story.title(title_id).cloned() else {
        return not_found();
    };
    let date = parse_iso(&params.text("data_pagamento"));
    let paid = parse_money(&params.text("valor_pago")).filter(|c| *c > 0);
    let (Some(date), Some(paid)) = (date, paid) else {
        return refuse(&g.text_settle_invalid);
    };
    let form = match params.text("forma_pagamento").to_uppercase() {
        f if f.is_empty() => "DINHEIRO".to_string(),
        f if FORMS.contains(&f.as_str()) => f,
        _ => return refuse(&g.text_settle_bad_form),
    };
    let point = match params.text("ponto_recebimento") {
        p if p.is_empty() => DEFAULT_RECEIVING_POINT,
        p => match p
            .parse::<u64>()
            .ok()
            .filter(|id| RECEIVING_POINTS.iter().any(|(k, _)| k == id))
        {
            Some(id) => id,
            None => return refuse(&g.text_settle_bad_point),
        },
    };
    match title.status {
        TitleStatus::Paid => return refuse(&g.text_settle_paid),
        TitleStatus::Cancelled => return refuse(&g.text_settle_cancelled),
        TitleStatus::Open => {}
    }
    let open = title.open_cents();
    let due_today = corrected_cents(ctx.config, &title, ctx.today).max(open);
    let partial = params.flag("liquidacao_parcial");
    let discount = parse_money(&params.text("desconto")).unwrap_or(0);
    if paid > due_today && g.refuse_overpayment {
        return refuse(&g.text_settle_over);
    }
    if paid + discount < open && !partial && g.underpayment_needs_partial {
        return refuse(&g.text_settle_under);
    }
    // Anything between the open face value and the value with interest and fine settles the
    // title in full; the difference is the interest actually charged.
    let settles = !partial || paid + discount >= open;
    let fee = parse_money(&params.text("tarifas")).unwrap_or(0);
    let note = params.text("observacao");
    if let Some(t) = story.title_mut(title_id) {
        t.payments.push(Payment {
            date,
            cents: paid,
            form: form.clone(),
            point_id: point,
            fee_cents: fee,
            discount_cents: discount,
            note,
        });
        if settles {
            t.status = TitleStatus::Paid;
        }
    }
    story.release_if_paid_up(title.contract_id, ctx.today);
    let left = story.title(title_id).map(|t| t.open_cents()).unwrap_or(0);
    ok(&json!({
        "status": 1,
        "msg": g.text_settle_ok,
        "titulo": title_id,
        "valor_pago": reais(paid),
        "data_pagamento": iso(date),
        "forma_pagamento": form,
        "ponto_recebimento": point,
        "liquidacao_parcial": partial && !settles,
        "valor_aberto": reais(left),
    }))
}
