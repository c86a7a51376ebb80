//! `GET /cliente` (search by document, code, service, name, phone, login, IP or MAC) and
//! `GET /cliente/todos` (every customer, page by page), with the JSON shapes of customers,
//! services and addresses that other endpoints reuse (erps.md §6.3, addendum §2).

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::config::UnknownCustomer;
use super::guesses::{CUSTOMER_NOT_FOUND, PERIOD_REVERSED, invalid_search};
use super::model::{Address, Customer, Service};
use super::seed::catalog::{STATUSES, status_name};
use super::state::{Db, HubsoftState};
use super::values::{bare_document, iso_datetime, money_number};
use super::wire::{Params, error, query, success};

/// The `busca` values of `cliente` (the Postman collection adds `id_cliente_servico`).
const SEARCHES: [&str; 9] = [
    "nome_razaosocial",
    "nome_fantasia",
    "cpf_cnpj",
    "codigo_cliente",
    "telefone",
    "login_radius",
    "ipv4",
    "mac",
    "id_cliente_servico",
];

/// How an address object is written: the customer endpoints split the street type into
/// `logradouro`; the invoice endpoints keep it in `endereco`, add `referencia` and send the
/// CEP bare (both shapes are vendor samples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressStyle {
    Customer,
    Invoice,
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// One address object; `estado` is the abbreviation and `uf` the full name (addendum §2).
pub(crate) fn address_json(address: &Address, style: AddressStyle) -> Value {
    let complement = if address.complemento.is_empty() {
        String::new()
    } else {
        format!(" - {}", address.complemento)
    };
    let street = format!("{} {}", address.logradouro, address.endereco);
    let city = address.cidade.to_uppercase();
    match style {
        AddressStyle::Customer => json!({
            "completo": format!("{street}, {} - {}, {city}/{}{complement}",
                address.numero, address.bairro, address.sigla),
            "logradouro": address.logradouro,
            "endereco": address.endereco,
            "numero": address.numero,
            "complemento": address.complemento,
            "bairro": address.bairro,
            "cep": address.cep,
            "estado": address.sigla,
            "uf": address.estado_nome,
            "cidade": address.cidade,
            "coordenadas": {"latitude": null, "longitude": null},
        }),
        AddressStyle::Invoice => {
            let cep = digits(&address.cep);
            let masked = format!(
                "{}-{}",
                cep.get(..5).unwrap_or(""),
                cep.get(5..).unwrap_or("")
            );
            json!({
                "completo": format!("{street}, {}{} - {}, {city}/{} | CEP: {masked}",
                    address.numero,
                    if address.complemento.is_empty() { String::new() } else { format!(", {}", address.complemento) },
                    address.bairro, address.sigla),
                "endereco": street,
                "numero": address.numero,
                "complemento": if address.complemento.is_empty() { Value::Null } else { Value::from(address.complemento.clone()) },
                "referencia": null,
                "bairro": address.bairro,
                "cep": cep,
                "estado": address.sigla,
                "uf": address.estado_nome,
                "cidade": city,
                "coordenadas": {"latitude": null, "longitude": null},
            })
        }
    }
}

/// The four address objects of a service: the registration one is the customer's, the other
/// three are the installation address.
pub(crate) fn addresses(db: &Db, service: &Service, style: AddressStyle) -> Map<String, Value> {
    let registration = db
        .customer(service.id_cliente)
        .map_or(&service.endereco_instalacao, |c| &c.endereco);
    let install = &service.endereco_instalacao;
    let mut map = Map::new();
    map.insert(
        "endereco_cadastral".into(),
        address_json(registration, style),
    );
    map.insert("endereco_instalacao".into(), address_json(install, style));
    map.insert("endereco_fiscal".into(), address_json(install, style));
    map.insert("endereco_cobranca".into(), address_json(install, style));
    map
}

/// The short service object of invoices, tickets and orders.
pub(crate) fn service_summary(service: &Service) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "id_cliente_servico".into(),
        Value::from(service.id_cliente_servico),
    );
    map.insert("numero_plano".into(), Value::from(service.numero_plano));
    map.insert("nome".into(), Value::from(service.nome.clone()));
    map.insert("valor".into(), money_number(service.valor_cents));
    map.insert(
        "status".into(),
        Value::from(status_name(&service.status_prefixo)),
    );
    map.insert(
        "status_prefixo".into(),
        Value::from(service.status_prefixo.clone()),
    );
    map
}

/// A service as `cliente` lists it.
fn service_json(db: &Db, service: &Service, last_connection: bool) -> Value {
    let mut map = Map::new();
    map.insert(
        "id_cliente_servico".into(),
        Value::from(service.id_cliente_servico),
    );
    map.insert("id_servico".into(), Value::from(service.id_servico));
    for (key, value) in service_summary(service) {
        if key != "id_cliente_servico" {
            map.insert(key, value);
        }
    }
    map.insert("tecnologia".into(), Value::from(service.tecnologia.clone()));
    map.insert("login".into(), Value::from(service.login.clone()));
    map.insert("senha".into(), Value::from(service.senha.clone()));
    map.insert("referencia".into(), Value::Null);
    map.insert("ipv4".into(), json!(service.ipv4));
    map.insert("ipv6".into(), Value::Null);
    map.insert("mac_addr".into(), Value::from(service.mac_addr.clone()));
    map.insert("phy_addr".into(), Value::from(service.mac_addr.clone()));
    if last_connection {
        // A service never seen connected answers an empty list, as the vendor sample does.
        let value = if service.conectado {
            json!({"conectado": true, "ultima_conexao_datetime": null,
                   "ultima_desconexao_datetime": null, "ultimo_ipv4": service.ipv4})
        } else {
            json!([])
        };
        map.insert("ultima_conexao".into(), value);
    }
    map.insert("pacotes".into(), json!([]));
    map.insert("senhas".into(), json!([]));
    map.extend(addresses(db, service, AddressStyle::Customer));
    Value::Object(map)
}

/// A customer as `cliente` lists it, with the services `keep` lets through.
fn customer_json(
    db: &Db,
    customer: &Customer,
    keep: &dyn Fn(&Service) -> bool,
    last_connection: bool,
    alerts: bool,
) -> Value {
    let services: Vec<Value> = db
        .services_of(customer.id_cliente)
        .filter(|s| keep(s))
        .map(|s| service_json(db, s, last_connection))
        .collect();
    let mut map = Map::new();
    map.insert("id_cliente".into(), Value::from(customer.id_cliente));
    map.insert(
        "codigo_cliente".into(),
        Value::from(customer.codigo_cliente),
    );
    map.insert(
        "nome_razaosocial".into(),
        Value::from(customer.nome_razaosocial.clone()),
    );
    map.insert("nome_fantasia".into(), json!(customer.nome_fantasia));
    map.insert(
        "tipo_pessoa".into(),
        Value::from(customer.tipo_pessoa.clone()),
    );
    map.insert("cpf_cnpj".into(), Value::from(customer.cpf_cnpj.clone()));
    map.insert(
        "telefone_primario".into(),
        Value::from(customer.telefone_primario.clone()),
    );
    map.insert(
        "telefone_secundario".into(),
        json!(customer.telefone_secundario),
    );
    map.insert(
        "telefone_terciario".into(),
        json!(customer.telefone_terciario),
    );
    map.insert("email_principal".into(), json!(customer.email_principal));
    map.insert("email_secundario".into(), json!(customer.email_secundario));
    map.insert("rg".into(), json!(customer.rg));
    map.insert("rg_emissao".into(), Value::Null);
    map.insert("inscricao_municipal".into(), Value::Null);
    map.insert("inscricao_estadual".into(), Value::Null);
    let (date, seconds) = customer.data_cadastro;
    map.insert(
        "data_cadastro".into(),
        Value::from(iso_datetime(date, seconds)),
    );
    // The real API misspells the birth date key (erps.md §6.3).
    map.insert(
        "data_nascmento".into(),
        json!(customer.data_nascimento.map(|d| iso_datetime(d, 0))),
    );
    if alerts {
        map.insert("alerta".into(), Value::from(!customer.alertas.is_empty()));
        map.insert("alerta_mensagens".into(), json!(customer.alertas));
    }
    map.insert("servicos".into(), Value::from(services));
    Value::Object(map)
}

fn matches(db: &Db, customer: &Customer, kind: &str, term: &str, masked_ok: bool) -> bool {
    let services = || db.services_of(customer.id_cliente);
    let lower = term.to_lowercase();
    match kind {
        "cpf_cnpj" => {
            customer.cpf_cnpj == term || (masked_ok && customer.cpf_cnpj == bare_document(term))
        }
        "codigo_cliente" => customer.codigo_cliente.to_string() == term,
        "id_cliente_servico" => services().any(|s| s.id_cliente_servico.to_string() == term),
        "nome_razaosocial" => customer.nome_razaosocial.to_lowercase().contains(&lower),
        "nome_fantasia" => customer
            .nome_fantasia
            .as_ref()
            .is_some_and(|n| n.to_lowercase().contains(&lower)),
        "telefone" => {
            let wanted = digits(term);
            std::iter::once(Some(&customer.telefone_primario))
                .chain([
                    customer.telefone_secundario.as_ref(),
                    customer.telefone_terciario.as_ref(),
                ])
                .flatten()
                .any(|p| *p == wanted)
        }
        "login_radius" => services().any(|s| s.login == term),
        "ipv4" => services().any(|s| s.ipv4.as_deref() == Some(term)),
        "mac" => services().any(|s| s.mac_addr.eq_ignore_ascii_case(term)),
        _ => false,
    }
}

fn sort(list: &mut [&Customer], by: &str, descending: bool) {
    // `data_fechamento` is the closing date of a customer's contracts; the seed has none, so
    // both orders fall back to the registration date.
    let _ = by;
    list.sort_by_key(|c| (c.data_cadastro, c.id_cliente));
    if descending {
        list.reverse();
    }
}

/// `GET /api/v1/integracao/cliente`.
pub(crate) async fn search(State(state): State<HubsoftState>, uri: Uri) -> Response {
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    let term = p.required("termo_busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return error(&invalid_search(kind, &SEARCHES));
    }
    let limit = p.bounded("limit", 1, 100, 5);
    let cancelled = p.yes_no("cancelado", false);
    let config = state.config();
    let inactive_default = if config.hide_inactive_by_default {
        "nao"
    } else {
        "todos"
    };
    let inactive = p.choice("inativo", &["sim", "nao", "todos"], inactive_default);
    let last_connection = p.yes_no("ultima_conexao", false);
    p.yes_no("incluir_contrato", false);
    p.yes_no("incluir_alarmes", false);
    let prefixes: Vec<&str> = STATUSES.iter().map(|(_, _, p)| *p).collect();
    let status = p.text("servico_status");
    if status.as_deref().is_some_and(|s| !prefixes.contains(&s)) {
        p.fail(super::guesses::invalid_value("servico_status"));
    }
    let order_by = p.choice(
        "order_by",
        &["data_cadastro", "data_fechamento"],
        "data_cadastro",
    );
    let descending = p.choice("order_type", &["asc", "desc"], "asc") == "desc";
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (Some(kind), Some(term)) = (kind, term) else {
        return error(CUSTOMER_NOT_FOUND);
    };
    let inner = state.lock();
    let db = &inner.db;
    let mut found: Vec<&Customer> = db
        .customers
        .iter()
        .filter(|c| match inactive.as_str() {
            "sim" => !c.ativo,
            "nao" => c.ativo,
            _ => true,
        })
        .filter(|c| matches(db, c, &kind, &term, config.masked_document_matches))
        .filter(|c| {
            status
                .as_deref()
                .is_none_or(|st| db.services_of(c.id_cliente).any(|s| s.status_prefixo == st))
        })
        .collect();
    sort(&mut found, &order_by, descending);
    if found.is_empty() && config.unknown_customer == UnknownCustomer::Error {
        return error(CUSTOMER_NOT_FOUND);
    }
    let keep = |s: &Service| cancelled || s.status_prefixo != "cancelado";
    let clientes: Vec<Value> = found
        .iter()
        .take(usize::try_from(limit).unwrap_or(5))
        .map(|c| customer_json(db, c, &keep, last_connection, true))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"clientes": clientes}),
    )
}

/// The `paginacao` object of paged listings (erps.md §6.5): pages count from 0.
pub(crate) fn pagination(total: usize, page: u64, per_page: u64) -> Value {
    let per = per_page.max(1);
    let pages = (total as u64).div_ceil(per);
    json!({
        "primeira_pagina": 0,
        "ultima_pagina": pages.saturating_sub(1),
        "pagina_atual": page,
        "total_registros": total,
    })
}

/// `GET /api/v1/integracao/cliente/todos`: `pagina` and `itens_por_pagina` are required.
pub(crate) async fn all(State(state): State<HubsoftState>, uri: Uri) -> Response {
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let page_given = p.value("pagina").is_some();
    let per_given = p.value("itens_por_pagina").is_some();
    if !page_given {
        p.fail(super::guesses::required("pagina"));
    }
    if !per_given {
        p.fail(super::guesses::required("itens_por_pagina"));
    }
    let page = p.bounded("pagina", 0, u64::from(u32::MAX), 0);
    let per_page = p.bounded("itens_por_pagina", 1, 500, 100);
    let from = p.date("data_inicio");
    let to = p.date("data_fim");
    let cancelled = p.yes_no("cancelado", false);
    let status = p.text("servico_status");
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return error(PERIOD_REVERSED);
    }
    let inner = state.lock();
    let db = &inner.db;
    let mut listed: Vec<&Customer> = db
        .customers
        .iter()
        .filter(|c| from.is_none_or(|f| c.data_cadastro.0 >= f))
        .filter(|c| to.is_none_or(|t| c.data_cadastro.0 <= t))
        .filter(|c| {
            status
                .as_deref()
                .is_none_or(|st| db.services_of(c.id_cliente).any(|s| s.status_prefixo == st))
        })
        .collect();
    listed.sort_by_key(|c| c.id_cliente);
    let total = listed.len();
    let keep = |s: &Service| cancelled || s.status_prefixo != "cancelado";
    let start = usize::try_from(page.saturating_mul(per_page)).unwrap_or(usize::MAX);
    let clientes: Vec<Value> = listed
        .iter()
        .skip(start)
        .take(usize::try_from(per_page).unwrap_or(100))
        .map(|c| customer_json(db, c, &keep, false, false))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"paginacao": pagination(total, page, per_page), "clientes": clientes}),
    )
}
