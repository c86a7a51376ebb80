//! Pre-registration (lead or sale): `POST /api/precadastro/F` and `/J`, and the three lists that
//! feed it (erps.md §3.7, erps-addendum §3).
//!
//! Unlike the rest of SGP these answer with real HTTP codes: 400 when a required field is
//! missing, 402 when the document is already a customer's (both texts [CODE]). The lists are
//! bare arrays: plans `[{id, descricao, valor}]`, due days `[{id, dia}]`, sellers `[{id, nome}]`
//! [CODE×2]. There is no list of commercial origins (`midia_id`): the collection has none
//! (erps-addendum §3, "Unsupported").

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::render::Ctx;
use super::story::catalog::{DUE_DAYS, PLANS, POPS, SELLERS, plan};
use super::story::model::{
    Address, Contact, Contract, ContractStatus, Customer, PersonKind, Prospect,
};
use super::story::values::{parse_iso, reais};
use super::story::{Story, bare};
use super::wire::{Params, ok, with_status};

/// A required field is missing [CODE].
pub const MISSING_FIELDS: &str = "Verifique se todos os campos obrigatórios foram enviados.";
/// The document is already a customer's [CODE].
pub const DUPLICATE_CPF: &str = "Já existe um cliente com o CPF informado.";

/// `POST /api/precadastro/F` (`kind` Individual) or `/J` (Company).
pub(crate) fn create(
    ctx: &Ctx<'_>,
    story: &mut Story,
    params: &Params,
    kind: PersonKind,
) -> Response {
    let g = ctx.guesses;
    let missing = || with_status(StatusCode::BAD_REQUEST, &json!({"message": MISSING_FIELDS}));
    if !params.has("nome") || !params.has("logradouro") {
        return missing();
    }
    if params.has("datanasc") && parse_iso(&params.text("datanasc")).is_none() {
        return with_status(
            StatusCode::BAD_REQUEST,
            &json!({"message": g.text_precadastro_bad_date}),
        );
    }
    let document = bare(&params.text("cpfcnpj"));
    if !document.is_empty() {
        let expected_len = if kind == PersonKind::Individual {
            11
        } else {
            14
        };
        let valid = ponte_br::Document::parse(&document).is_ok() && document.len() == expected_len;
        if !valid {
            return with_status(
                StatusCode::BAD_REQUEST,
                &json!({"message": g.text_precadastro_bad_document}),
            );
        }
        let known = story.customer_by_document(&document).is_some()
            || (g.refuse_duplicate_prospect
                && story
                    .prospects
                    .iter()
                    .any(|p| bare(&p.document) == document));
        if known {
            let text = match kind {
                PersonKind::Individual => DUPLICATE_CPF.to_string(),
                PersonKind::Company => g.text_precadastro_duplicate_cnpj.clone(),
            };
            return with_status(StatusCode::PAYMENT_REQUIRED, &json!({"error": text}));
        }
    }
    let activate = params.flag("precadastro_ativar");
    let chosen_plan = params.id("plano_id").and_then(plan).filter(|p| p.active);
    let due_day = params
        .id("vencimento_id")
        .and_then(|id| DUE_DAYS.iter().find(|(k, _)| *k == id).map(|(_, d)| *d));
    if activate && (chosen_plan.is_none() || due_day.is_none()) {
        return missing();
    }
    let id = story.prospects.last().map_or(1, |p| p.id + 1);
    let name = params.text("nome").to_uppercase();
    let mut activated = None;
    if let (true, Some(plan), Some(due_day)) = (activate, chosen_plan, due_day) {
        let customer_id = story.customers.last().map_or(41, |c| c.id + 1);
        let contract_id = story.contracts.last().map_or(301, |c| c.id + 1);
        let mut phones = Vec::new();
        if params.has("celular") {
            phones.push(Contact {
                kind: "Celular Pessoal".to_string(),
                value: params.text("celular"),
            });
        }
        let mut emails = Vec::new();
        if params.has("email") {
            emails.push(Contact {
                kind: "E-Mail".to_string(),
                value: params.text("email"),
            });
        }
        let at = story.tick(9 * 3600);
        story.customers.push(Customer {
            id: customer_id,
            name: name.clone(),
            document: document.clone(),
            stored_document: if document.is_empty() {
                String::new()
            } else {
                ponte_br::Document::parse(&document)
                    .map(|d| d.formatted())
                    .unwrap_or_default()
            },
            kind,
            birth: parse_iso(&params.text("datanasc")).filter(|_| kind == PersonKind::Individual),
            registered: (ctx.today, at),
            changed: (ctx.today, at),
            phones,
            emails,
            address: Address {
                street: params.text("logradouro").to_uppercase(),
                number: params.text("numero").parse().ok(),
                complement: params.text("complemento").to_uppercase(),
                district: params.text("bairro").to_uppercase(),
                city: params.text("cidade").to_uppercase(),
                uf: params.text("uf").to_uppercase(),
                cep: params.text("cep"),
                reference: params.text("pontoreferencia").to_uppercase(),
            },
        });
        story.contracts.push(Contract {
            id: contract_id,
            customer_id,
            plan_id: plan.id,
            status: ContractStatus::New,
            status_changed: ctx.today,
            service_id: contract_id + 4_000,
            login: match params.text("login") {
                l if l.is_empty() => format!("cliente{contract_id}"),
                l => l,
            },
            service_password: params.text("senha"),
            central_login: document.clone(),
            central_password: match params.text("central_senha") {
                s if s.is_empty() => format!("{contract_id}"),
                s => s,
            },
            pop_id: params.id("pop_id").unwrap_or(POPS[0].0),
            due_day,
            created: ctx.today,
            promise_allowed: true,
            promises: Vec::new(),
            promise: None,
            mac: params.text("mac"),
        });
        activated = Some((customer_id, contract_id));
    }
    story.prospects.push(Prospect {
        id,
        kind,
        name,
        document: params.text("cpfcnpj"),
        fields: params.0.clone(),
        created: ctx.today,
        activated,
    });
    let mut answer = json!({"message": g.text_precadastro_ok, "precadastro_id": id});
    if let Some((customer, contract)) = activated {
        answer["cliente_id"] = json!(customer);
        answer["contrato_id"] = json!(contract);
    }
    let status = StatusCode::from_u16(g.precadastro_status).unwrap_or(StatusCode::OK);
    with_status(status, &answer)
}

/// `POST /api/precadastro/plano/list`: the plans on sale.
pub(crate) fn plans() -> Response {
    let items: Vec<Value> = PLANS
        .iter()
        .filter(|p| p.active)
        .map(|p| json!({"id": p.id, "descricao": p.name, "valor": reais(p.cents)}))
        .collect();
    ok(&Value::Array(items))
}

/// `POST /api/precadastro/vencimento/list`.
pub(crate) fn due_days() -> Response {
    let items: Vec<Value> = DUE_DAYS
        .iter()
        .map(|(id, day)| json!({"id": id, "dia": day}))
        .collect();
    ok(&Value::Array(items))
}

/// `POST /api/precadastro/vendedor/list`: the active sellers.
pub(crate) fn sellers() -> Response {
    let items: Vec<Value> = SELLERS
        .iter()
        .filter(|s| s.active)
        .map(|s| json!({"id": s.id, "nome": s.name}))
        .collect();
    ok(&Value::Array(items))
}
