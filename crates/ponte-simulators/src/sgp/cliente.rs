//! Customers: consultacliente (erps.md §3.3, the main lookup), the paginated `clientes` list,
//! adding a contact (the only customer edit SGP has, erps-addendum §3) and the annotations that
//! carry a customer's internal pendencies.

use axum::response::Response;
use serde_json::{Value, json};

use super::render::{Ctx, contract as contract_json, title_ura};
use super::story::model::{Contact, Contract, Customer, TitleStatus};
use super::story::values::iso;
use super::story::{Story, bare, catalog};
use super::wire::{Params, ok};

/// The filters consultacliente requires one of [DOC-3P].
const REQUIRED_FILTERS: [&str; 9] = [
    "cpfcnpj",
    "contrato",
    "nome",
    "login",
    "email",
    "mac_controle",
    "mac_dhcp",
    "servico_serial",
    "onu_serial",
];

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn matches_filters(
    story: &Story,
    today: time::Date,
    customer: &Customer,
    contract: &Contract,
    p: &Params,
) -> bool {
    let text = |k: &str| p.text(k);
    if p.has("cpfcnpj") && customer.document != bare(&text("cpfcnpj")) {
        return false;
    }
    if p.has("contrato") && p.id("contrato") != Some(contract.id) {
        return false;
    }
    if p.has("nome")
        && !customer
            .name
            .to_lowercase()
            .contains(&text("nome").to_lowercase())
    {
        return false;
    }
    if p.has("login") && !contract.login.eq_ignore_ascii_case(&text("login")) {
        return false;
    }
    if p.has("email")
        && !customer
            .emails
            .iter()
            .any(|e| e.value.eq_ignore_ascii_case(&text("email")))
    {
        return false;
    }
    if p.has("mac_controle") && !contract.mac.eq_ignore_ascii_case(&text("mac_controle")) {
        return false;
    }
    if p.has("telefone") {
        let wanted = digits(&text("telefone"));
        if !customer
            .phones
            .iter()
            .any(|ph| digits(&ph.value).ends_with(&wanted))
        {
            return false;
        }
    }
    if p.has("status") {
        let codes: Vec<u8> = text("status")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        if !codes.contains(&contract.status.code()) {
            return false;
        }
    }
    if p.flag("atrasado") && !story.has_overdue(contract.id, today) {
        return false;
    }
    if p.has("titulo_status") {
        let wanted = match text("titulo_status").as_str() {
            "abertos" => TitleStatus::Open,
            "pagos" => TitleStatus::Paid,
            _ => TitleStatus::Cancelled,
        };
        if !story
            .titles_of_contract(contract.id)
            .any(|t| t.status == wanted)
        {
            return false;
        }
    }
    true
}

/// `POST /api/ura/consultacliente/`.
pub(crate) fn consulta(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    if !REQUIRED_FILTERS.iter().any(|k| params.has(k)) {
        return ok(&json!({
            "msg": ctx.guesses.text_consulta_missing_filter,
            "contratos": [],
        }));
    }
    let found: Vec<Value> = story
        .contracts
        .iter()
        .filter_map(|k| story.customer(k.customer_id).map(|c| (c, k)))
        .filter(|(c, k)| matches_filters(story, ctx.today, c, k, params))
        .map(|(_, k)| contract_json(ctx, story, k))
        .collect();
    // The texts are the captured ones: found [MEAS, demo instance], not found [CODE test].
    let msg = if found.is_empty() {
        "Nenhum contrato localizado"
    } else {
        "Contrato(s) Localizado(s)"
    };
    ok(&json!({"msg": msg, "contratos": found}))
}

/// `POST /api/ura/clientes/`: paginated, `limit` up to 100 [DOC-3P]; items as one client's
/// fixtures show them (`id`, `nome`, `cpfcnpj`, `dataNascimento`, `contratos`, `endereco`,
/// `contatos`) [CODE], titles in the `/api/ura/titulos/` shape [GUESS].
pub(crate) fn list(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let (offset, limit) = match params.page(100, 100, ctx.guesses.clamp_limits) {
        Ok(page) => page,
        Err(message) => return ok(&json!({"msg": message, "clientes": []})),
    };
    let mut p = params.clone();
    for (from, to) in [("cliente_nome", "nome"), ("contrato_status", "status")] {
        if let Some(value) = params.0.get(from) {
            p.0.insert(to.into(), value.clone());
        }
    }
    let wanted_id = params.id("cliente_id");
    let matching: Vec<&Customer> = story
        .customers
        .iter()
        .filter(|c| wanted_id.is_none_or(|id| id == c.id))
        .filter(|c| {
            let contracts: Vec<&Contract> = story.contracts_of(c.id).collect();
            let needs_contract = p.has("contrato") || p.has("login") || p.has("status");
            if contracts.is_empty() {
                return !needs_contract && matches_customer_only(c, &p);
            }
            contracts
                .iter()
                .any(|k| matches_filters(story, ctx.today, c, k, &p))
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| customer_item(ctx, story, c, params))
        .collect();
    ok(&json!({
        "paginacao": {"offset": offset, "limit": limit, "parcial": page.len(), "total": matching.len()},
        "clientes": page,
    }))
}

fn matches_customer_only(customer: &Customer, p: &Params) -> bool {
    (!p.has("cpfcnpj") || customer.document == bare(&p.text("cpfcnpj")))
        && (!p.has("nome")
            || customer
                .name
                .to_lowercase()
                .contains(&p.text("nome").to_lowercase()))
}

fn customer_item(ctx: &Ctx<'_>, story: &Story, customer: &Customer, params: &Params) -> Value {
    let mut item = json!({
        "id": customer.id,
        "nome": customer.name,
        "cpfcnpj": customer.stored_document,
        "tipoPessoa": customer.kind.letter(),
        "dataNascimento": customer.birth.map(iso),
        "dataCadastro": iso(customer.registered.0),
        "endereco": {
            "logradouro": customer.address.street,
            "numero": customer.address.number,
            "complemento": customer.address.complement,
            "bairro": customer.address.district,
            "cidade": customer.address.city,
            "uf": customer.address.uf,
            "cep": customer.address.cep,
            "pontoreferencia": customer.address.reference,
        },
    });
    if !params.flag("omitir_contatos") {
        let contacts: Vec<Value> = customer
            .phones
            .iter()
            .chain(customer.emails.iter())
            .map(|c: &Contact| json!({"tipoContato": c.kind, "contato": c.value}))
            .collect();
        item["contatos"] = Value::Array(contacts);
    }
    if !params.flag("omitir_contratos") {
        let contracts: Vec<Value> = story
            .contracts_of(customer.id)
            .map(|k| {
                json!({
                    "id": k.id,
                    "status": k.status.code(),
                    "plano": catalog::plan(k.plan_id).map(|p| p.name),
                    "planoId": k.plan_id,
                    "contratoCentralLogin": k.central_login,
                    "contratoCentralSenha": k.central_password,
                })
            })
            .collect();
        item["contratos"] = Value::Array(contracts);
    }
    if !params.flag("omitir_titulos") {
        let titles: Vec<Value> = story
            .titles
            .iter()
            .filter(|t| t.customer_id == customer.id)
            .rev()
            .map(|t| title_ura(ctx, t))
            .collect();
        item["titulos"] = Value::Array(titles);
    }
    item
}

/// `POST /api/ura/contato/add/ {contato, contrato, tipo}` [DOC-3P]; the answers are [GUESS].
pub(crate) fn add_contact(ctx: &Ctx<'_>, story: &mut Story, params: &Params) -> Response {
    let refuse = |msg: &str| ok(&json!({"status": 0, "msg": msg}));
    let kind = match params.text("tipo") {
        t if t.is_empty() => "Celular Pessoal".to_string(),
        t => t,
    };
    let Some(kind) = ctx
        .guesses
        .contact_types
        .iter()
        .find(|known| known.eq_ignore_ascii_case(&kind))
        .cloned()
    else {
        return refuse(&ctx.guesses.text_contact_bad_type);
    };
    let value = params.text("contato");
    let owner = params
        .id("contrato")
        .and_then(|id| story.contract(id))
        .map(|k| k.customer_id);
    let (Some(owner), false) = (owner, value.is_empty()) else {
        return refuse(&ctx.guesses.text_contact_invalid);
    };
    let Some(customer) = story.customer_mut(owner) else {
        return refuse(&ctx.guesses.text_contact_invalid);
    };
    let contact = Contact {
        kind: kind.clone(),
        value,
    };
    if kind.to_lowercase().contains("mail") {
        customer.emails.push(contact);
    } else {
        customer.phones.push(contact);
    }
    customer.changed = (ctx.today, customer.changed.1);
    ok(&json!({"status": 1, "msg": ctx.guesses.text_contact_ok}))
}

/// `GET /api/ura/cliente/anotacao/list` with the filters `id`, `cliente_id`, `contrato_id`
/// [DOC-3P]; the answer's shape is [GUESS].
pub(crate) fn annotations(story: &Story, params: &Params) -> Response {
    let items: Vec<Value> = story
        .annotations
        .iter()
        .filter(|a| params.id("id").is_none_or(|id| id == a.id))
        .filter(|a| params.id("cliente_id").is_none_or(|id| id == a.customer_id))
        .filter(|a| {
            params
                .id("contrato_id")
                .is_none_or(|id| Some(id) == a.contract_id)
        })
        .map(|a| {
            let kind = catalog::ANNOTATION_TYPES
                .iter()
                .find(|(id, _)| *id == a.type_id)
                .map(|(_, name)| *name);
            json!({
                "id": a.id,
                "cliente_id": a.customer_id,
                "contrato_id": a.contract_id,
                "tipo_id": a.type_id,
                "tipo": kind,
                "anotacao": a.text,
                "alerta_modo": a.alert_mode,
                "data_cadastro": iso(a.created),
            })
        })
        .collect();
    ok(&json!({"anotacoes": items}))
}
