//! Tickets: `POST /api/ura/chamado/` opens an occurrence (erps.md §3.7; the answer
//! `{"status":1,"protocolo":...}` is [CODE]), `POST /api/ura/ocorrencia/list/` lists them
//! (paginated, `limit` up to 1000 [DOC-3P]), and the small lists a ticket or a write-off needs:
//! occurrence types and receiving points.

use axum::response::Response;
use serde_json::{Value, json};

use super::render::Ctx;
use super::story::catalog::{OCCURRENCE_TYPES, RECEIVING_POINTS};
use super::story::model::Occurrence;
use super::story::values::{iso, parse_iso};
use super::story::{Story, clock};
use super::wire::{Params, ok};

/// `POST /api/ura/chamado/` (JSON in the clients that send `tipoclassificacoes[]`, a form
/// otherwise; both are read).
pub(crate) fn open(ctx: &Ctx<'_>, story: &mut Story, params: &Params) -> Response {
    let g = ctx.guesses;
    let refuse = |msg: &str| ok(&json!({"status": 0, "msg": msg}));
    let Some(contract) = params
        .id("contrato")
        .and_then(|id| story.contract(id))
        .cloned()
    else {
        return refuse(&g.text_chamado_no_contract);
    };
    let type_id = match params.id("ocorrenciatipo") {
        Some(id) if OCCURRENCE_TYPES.iter().any(|(k, _)| *k == id) => id,
        None if !params.has("ocorrenciatipo") && !g.chamado_requires_type => OCCURRENCE_TYPES[0].0,
        _ => return refuse(&g.text_chamado_bad_type),
    };
    let at = story.tick(8 * 3600);
    let id = story.push_occurrence(Occurrence {
        id: 0,
        protocol: String::new(),
        contract_id: contract.id,
        customer_id: contract.customer_id,
        type_id,
        content: params.text("conteudo"),
        contact: params.text("contato"),
        contact_number: params.text("contato_numero"),
        created: (ctx.today, at),
        status: 0,
        origin: "API".to_string(),
    });
    let protocol = story
        .occurrences
        .iter()
        .find(|o| o.id == id)
        .map(|o| o.protocol.clone())
        .unwrap_or_default();
    ok(&json!({
        "status": 1,
        "protocolo": protocol,
        "ocorrencia": id,
        "msg": g.text_chamado_ok,
    }))
}

fn item(story: &Story, o: &Occurrence) -> Value {
    let kind = OCCURRENCE_TYPES
        .iter()
        .find(|(id, _)| *id == o.type_id)
        .map(|(_, name)| *name);
    json!({
        "numero": o.id,
        "protocolo": o.protocol,
        "contrato": o.contract_id,
        "cliente": o.customer_id,
        "clienteNome": story.customer(o.customer_id).map(|c| c.name.clone()),
        "tipo": o.type_id,
        "tipoDescricao": kind,
        "conteudo": o.content,
        "contato": o.contact,
        "contatoNumero": o.contact_number,
        "status": o.status,
        "statusDisplay": if o.status == 0 { "Aberta" } else { "Encerrada" },
        "origem": o.origin,
        "dataCadastro": format!("{} {}", iso(o.created.0), clock(o.created.1)),
    })
}

/// `POST /api/ura/ocorrencia/list/` with `ocorrencia`, `status`, `tipo`, `contrato` and the
/// registration date range.
pub(crate) fn list(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let (offset, limit) = match params.page(1000, 1000, ctx.guesses.clamp_limits) {
        Ok(page) => page,
        Err(message) => return ok(&json!({"msg": message, "ocorrencias": []})),
    };
    let from = parse_iso(&params.text("data_cadastro_inicio"));
    let to = parse_iso(&params.text("data_cadastro_fim"));
    let selected: Vec<&Occurrence> = story
        .occurrences
        .iter()
        .filter(|o| params.id("ocorrencia").is_none_or(|id| id == o.id))
        .filter(|o| params.id("contrato").is_none_or(|id| id == o.contract_id))
        .filter(|o| params.id("tipo").is_none_or(|id| id == o.type_id))
        .filter(|o| {
            params
                .text("status")
                .parse::<u8>()
                .ok()
                .is_none_or(|s| s == o.status)
        })
        .filter(|o| from.is_none_or(|d| o.created.0 >= d) && to.is_none_or(|d| o.created.0 <= d))
        .collect();
    let page: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(limit)
        .map(|o| item(story, o))
        .collect();
    ok(&json!({
        "paginacao": {"offset": offset, "limit": limit, "parcial": page.len(), "total": selected.len()},
        "ocorrencias": page,
    }))
}

/// `POST /api/central/tipoocorrencia/list/`.
pub(crate) fn types() -> Response {
    let items: Vec<Value> = OCCURRENCE_TYPES
        .iter()
        .map(|(id, name)| json!({"id": id, "descricao": name}))
        .collect();
    ok(&Value::Array(items))
}

/// `POST /api/ura/pontosrecebimentos/`.
pub(crate) fn receiving_points() -> Response {
    let items: Vec<Value> = RECEIVING_POINTS
        .iter()
        .map(|(id, name)| json!({"id": id, "descricao": name}))
        .collect();
    ok(&Value::Array(items))
}
