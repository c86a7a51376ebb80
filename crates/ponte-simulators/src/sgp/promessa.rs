//! The trust unlock: "liberação por promessa de pagamento" (erps.md §3.4, erps-addendum §3).
//!
//! Three outcomes are documented: `status` 1 released, 2 refused (the monthly quota is spent,
//! with SGP's own words), and 0 with an empty message for a contract that is not blocked
//! [MEAS]. A release sets the contract active until the promised date, counts in
//! `promessasPagamentoMes`, and opens an occurrence whose timestamp is the protocol. When the
//! promised date passes with the debt still open, the contract is blocked again
//! (`POST /__sim/today`).

use axum::response::Response;
use serde_json::{Map, Value, json};
use time::Duration;

use super::render::Ctx;
use super::story::Story;
use super::story::catalog::SYSTEM_OCCURRENCE_TYPE;
use super::story::model::{ContractStatus, Occurrence, Promise};
use super::story::values::{iso, parse_iso, same_month};
use super::wire::{Params, ok};

/// The refusal when this month's promises are spent [CODE×2, captured from production].
pub const QUOTA_SPENT: &str =
    "O recurso de promessa de pagamento já atingiu quantidade permitida. Recurso não disponível";

/// Which door the request came through: the URA API or the customer area. They differ in the
/// key case and the message (both [MEAS]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    /// `POST /api/ura/liberacaopromessa/`.
    Ura,
    /// `POST /api/central/promessapagamento/`.
    Central,
}

/// Handles both doors.
pub(crate) fn release(ctx: &Ctx<'_>, story: &mut Story, params: &Params, door: Door) -> Response {
    let g = ctx.guesses;
    let mut answer = Map::new();
    let refuse = |mut answer: Map<String, Value>, status: u8, msg: &str| {
        answer.insert("status".into(), json!(status));
        answer.insert("liberado".into(), ctx.boolean(false));
        answer.insert("msg".into(), json!(msg));
        ok(&Value::Object(answer))
    };
    if params.has("uracontato") {
        // "Retorna o valor informado nesse parâmetro na resposta da requisição" [DOC-3P].
        answer.insert("uracontato".into(), json!(params.text("uracontato")));
    }
    let Some(contract_id) = params.id("contrato") else {
        return refuse(answer, 0, &g.text_promise_missing_contract);
    };
    let Some(contract) = story
        .contract(contract_id)
        .filter(|k| ctx.may_see(k.customer_id))
        .cloned()
    else {
        return refuse(answer, 0, &g.text_promise_contract_not_found);
    };
    let customer = story.customer(contract.customer_id).cloned();
    let (name, document) = customer
        .as_ref()
        .map(|c| (c.name.clone(), c.stored_document.clone()))
        .unwrap_or_default();
    match door {
        Door::Ura => {
            answer.insert("razaoSocial".into(), json!(name));
            answer.insert("cpfCnpj".into(), json!(document));
            answer.insert("contratoId".into(), json!(contract.id));
        }
        Door::Central => {
            answer.insert("razaosocial".into(), json!(name));
            answer.insert("cpfcnpj".into(), json!(document));
            answer.insert("contrato".into(), json!(contract.id));
        }
    }
    let blocked = match contract.status {
        ContractStatus::Suspended => true,
        ContractStatus::Reduced => g.promise_on_reduced,
        _ => false,
    };
    if !blocked {
        return refuse(answer, 0, "");
    }
    if !contract.promise_allowed {
        return refuse(answer, 2, &g.text_promise_not_allowed);
    }
    let used = contract
        .promises
        .iter()
        .filter(|d| same_month(**d, ctx.today))
        .count();
    if used >= ctx.config.promises_per_month as usize {
        return refuse(answer, 2, QUOTA_SPENT);
    }
    let until = if params.has("data_promessa") {
        let latest = ctx.today + Duration::days(i64::from(g.max_promise_days));
        match parse_iso(&params.text("data_promessa")) {
            Some(date) if date > ctx.today && date <= latest => date,
            _ => return refuse(answer, 0, &g.text_promise_bad_date),
        }
    } else {
        ctx.today + Duration::days(i64::from(ctx.config.promise_days))
    };
    let days = (until - ctx.today).whole_days();
    let (origin, header, indent) = match door {
        Door::Ura => ("URA", "Liberação via URA -", ""),
        Door::Central => ("Central", "Liberação via Central App -", "   "),
    };
    let msg = format!(
        "{header}\n{indent}Serviço ID: {}, Login: {}\n{indent}Motivo: Promessa de Pagamento\n{indent}",
        contract.service_id, contract.login
    );
    let content = match params.text("conteudo") {
        c if c.is_empty() => msg.trim_end().to_string(),
        c => c,
    };
    let at = story.tick(8 * 3600);
    let occurrence = story.push_occurrence(Occurrence {
        id: 0,
        protocol: String::new(),
        contract_id: contract.id,
        customer_id: contract.customer_id,
        type_id: SYSTEM_OCCURRENCE_TYPE,
        content,
        contact: params.text("uracontato"),
        contact_number: String::new(),
        created: (ctx.today, at),
        status: 1,
        origin: origin.to_string(),
    });
    let protocol = story
        .occurrences
        .iter()
        .find(|o| o.id == occurrence)
        .map(|o| o.protocol.clone())
        .unwrap_or_default();
    if let Some(k) = story.contract_mut(contract.id) {
        k.promises.push(ctx.today);
        k.promise = Some(Promise {
            granted: ctx.today,
            until,
            previous: k.status,
        });
        k.status = ContractStatus::Active;
        k.status_changed = ctx.today;
    }
    answer.insert("status".into(), json!(1));
    answer.insert("liberado".into(), ctx.boolean(true));
    answer.insert("liberado_dias".into(), json!(days));
    answer.insert("data_promessa".into(), json!(iso(until)));
    answer.insert("protocolo".into(), json!(protocol));
    answer.insert("msg".into(), json!(msg));
    if door == Door::Central {
        // The customer area's answer has no `liberado_dias` [MEAS].
        answer.remove("liberado_dias");
    }
    ok(&Value::Object(answer))
}
