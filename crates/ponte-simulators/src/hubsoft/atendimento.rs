//! Tickets and service orders (erps.md §6.7, addendum §2): `POST /atendimento` opens a ticket
//! (and, with `abrir_os`, a service order), `GET /cliente/atendimento` and
//! `GET /cliente/ordem_servico` list a customer's.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::cliente::service_summary;
use super::guesses::{
    API_USER_NAME, DEFAULT_TICKET_TYPE, NEW_TICKET_STATUS, digits_only, invalid_search,
    invalid_value, not_an_email, service_not_found, ticket_type_not_found,
};
use super::model::{ServiceOrder, Ticket};
use super::seed::catalog::ticket_type;
use super::state::{Db, HubsoftState};
use super::values::{br, br_datetime, compact_datetime, is_digits};
use super::wire::{Params, body, envelope, error, query, success};

fn customer_summary(db: &Db, id_cliente: u64) -> Value {
    db.customer(id_cliente).map_or(Value::Null, |c| {
        json!({"codigo_cliente": c.codigo_cliente, "nome_razaosocial": c.nome_razaosocial,
               "cpf_cnpj": c.cpf_cnpj})
    })
}

fn service_json(db: &Db, id: u64) -> Value {
    db.service(id)
        .map_or(Value::Null, |s| Value::Object(service_summary(s)))
}

fn order_status_closing(order: &ServiceOrder) -> Value {
    if order.status == "finalizado" {
        json!("concluido")
    } else {
        Value::Null
    }
}

fn order_json(db: &Db, order: &ServiceOrder, with_ticket: bool) -> Value {
    let (date, seconds) = order.data_cadastro;
    let service = db.service(order.id_cliente_servico);
    let mut map = Map::new();
    for (key, value) in [
        ("id_ordem_servico", json!(order.id_ordem_servico)),
        ("numero_ordem_servico", json!(order.numero_ordem_servico)),
        ("data_cadastro", json!(br_datetime(date, seconds))),
        ("tipo", json!(order.tipo)),
        (
            "data_inicio_programado",
            json!(br_datetime(date, seconds + 3600)),
        ),
        (
            "data_termino_programado",
            json!(br_datetime(date, seconds + 7200)),
        ),
        ("data_inicio_executado", Value::Null),
        ("data_termino_executado", Value::Null),
        ("descricao_abertura", json!(order.descricao)),
        ("descricao_servico", json!(order.descricao)),
        ("descricao_fechamento", Value::Null),
        ("usuario_abertura", json!(API_USER_NAME)),
        ("usuario_fechamento", Value::Null),
        ("status", json!(order.status)),
        ("status_fechamento", order_status_closing(order)),
    ] {
        map.insert(key.into(), value);
    }
    if with_ticket {
        let ticket = order
            .id_atendimento
            .and_then(|id| db.tickets.iter().find(|t| t.id_atendimento == id));
        map.insert(
            "atendimento".into(),
            ticket.map_or(Value::Null, |t| {
                json!({"protocolo": t.protocolo, "id_atendimento": t.id_atendimento,
                       "tipo_atendimento": ticket_type(t.id_tipo_atendimento),
                       "data_cadastro": br(t.data_cadastro.0),
                       "data_fechamento": t.data_fechamento.map(br)})
            }),
        );
    }
    map.insert(
        "cliente".into(),
        service.map_or(Value::Null, |s| customer_summary(db, s.id_cliente)),
    );
    map.insert("servico".into(), service_json(db, order.id_cliente_servico));
    Value::Object(map)
}

fn ticket_json(db: &Db, ticket: &Ticket) -> Value {
    let orders: Vec<Value> = db
        .orders
        .iter()
        .filter(|o| o.id_atendimento == Some(ticket.id_atendimento))
        .map(|o| order_json(db, o, false))
        .collect();
    let closed = ticket.data_fechamento.is_some();
    json!({
        "id_atendimento": ticket.id_atendimento,
        "protocolo": ticket.protocolo,
        "descricao_abertura": ticket.descricao,
        "descricao_fechamento": if closed { json!("Atendimento finalizado") } else { Value::Null },
        "tipo_atendimento": ticket_type(ticket.id_tipo_atendimento),
        "usuario_abertura": API_USER_NAME,
        "usuario_responsavel": API_USER_NAME,
        "usuario_fechamento": if closed { json!(API_USER_NAME) } else { Value::Null },
        "data_cadastro": br(ticket.data_cadastro.0),
        "data_fechamento": ticket.data_fechamento.map(br),
        "setor_responsavel": null,
        "status_fechamento": if closed { json!("resolvido") } else { Value::Null },
        "motivo_fechamento": null,
        "status": ticket.status,
        "cliente": customer_summary(db, ticket.id_cliente),
        "servico": service_json(db, ticket.id_cliente_servico),
        "ordens_servico": orders,
    })
}

fn flag(value: Option<&Value>) -> Option<Option<bool>> {
    match value {
        None => Some(None),
        Some(Value::Bool(b)) => Some(Some(*b)),
        Some(Value::String(s)) => match s.as_str() {
            "true" | "1" => Some(Some(true)),
            "false" | "0" => Some(Some(false)),
            _ => None,
        },
        Some(Value::Number(n)) => match n.as_u64() {
            Some(1) => Some(Some(true)),
            Some(0) => Some(Some(false)),
            _ => None,
        },
        Some(_) => None,
    }
}

/// `POST /api/v1/integracao/atendimento`.
pub(crate) async fn open(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let fields = body(&headers, &bytes);
    let mut p = Params::new(&fields);
    let service_id = p.id("id_cliente_servico", true);
    let ticket_type_id = p.id("id_tipo_atendimento", false);
    let descricao = p.required("descricao");
    let nome = p.required("nome");
    let telefone = p.required("telefone");
    // Documented as DDNNNNNNNNN: area code and number, digits only (addendum §2).
    if let Some(phone) = &telefone
        && (!is_digits(phone) || !(10..=11).contains(&phone.len()))
    {
        p.fail(digits_only("telefone"));
    }
    let email = p.text("email");
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || !e.contains('.'))
    {
        p.fail(not_an_email("email"));
    }
    let open_order = match flag(p.value("abrir_os")) {
        Some(v) => v.unwrap_or(false),
        None => {
            p.fail(invalid_value("abrir_os"));
            false
        }
    };
    let parametros = p.value("parametros").cloned().unwrap_or_else(|| json!({}));
    let order_params = p
        .value("parametros_ordem_servico")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (Some(service_id), Some(descricao), Some(nome), Some(telefone)) =
        (service_id, descricao, nome, telefone)
    else {
        return error(super::guesses::VALIDATION_MESSAGE);
    };
    let type_id = ticket_type_id.unwrap_or(1);
    if ticket_type(type_id).is_none() {
        return error(&ticket_type_not_found(type_id));
    }
    let mut inner = state.lock();
    let today = inner.today;
    let db = &mut inner.db;
    let Some(service) = db.service(service_id).cloned() else {
        return error(&service_not_found(service_id));
    };
    let id_atendimento = db
        .tickets
        .iter()
        .map(|t| t.id_atendimento)
        .max()
        .unwrap_or(100)
        + 1;
    let seconds = 9 * 3600 + u32::try_from(id_atendimento % 3600).unwrap_or(0);
    let protocolo = format!(
        "{}{}",
        compact_datetime(today, seconds),
        id_atendimento % 10
    );
    let descricao = format!("{descricao} | ATENDIMENTO ABERTO VIA API");
    let ticket = Ticket {
        id_atendimento,
        protocolo: protocolo.clone(),
        id_cliente_servico: service_id,
        id_cliente: service.id_cliente,
        id_tipo_atendimento: type_id,
        descricao: descricao.clone(),
        nome,
        telefone,
        email,
        status: NEW_TICKET_STATUS.to_string(),
        data_cadastro: (today, seconds),
        data_fechamento: None,
        parametros,
    };
    db.tickets.push(ticket.clone());
    let mut msg = format!("Atendimento aberto com sucesso. Anote o protocolo: {protocolo}");
    if open_order {
        let id_ordem_servico = db
            .orders
            .iter()
            .map(|o| o.id_ordem_servico)
            .max()
            .unwrap_or(330)
            + 1;
        let status = order_params
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("aguardando_agendamento")
            .to_string();
        db.orders.push(ServiceOrder {
            id_ordem_servico,
            numero_ordem_servico: (id_ordem_servico - 20).to_string(),
            id_atendimento: Some(id_atendimento),
            id_cliente_servico: service_id,
            tipo: "ABERTURA VIA API".to_string(),
            status,
            descricao,
            data_cadastro: (today, seconds),
        });
        // The documented text, typo included.
        msg.push_str(
            ". Foi aberto também uma ordem de serviço e encaminhada ao sertor responsável",
        );
    }
    let mut answer = ticket_json(db, &ticket);
    if let Value::Object(map) = &mut answer {
        map.insert(
            "tipo_atendimento".into(),
            json!(ticket_type(type_id).unwrap_or(DEFAULT_TICKET_TYPE)),
        );
    }
    success(&msg, json!({"atendimento": answer}))
}

fn owner_matches(db: &Db, service: u64, kind: &str, term: &str) -> bool {
    let Some(s) = db.service(service) else {
        return false;
    };
    match kind {
        "id_cliente_servico" => s.id_cliente_servico.to_string() == term,
        "codigo_cliente" => db
            .customer(s.id_cliente)
            .is_some_and(|c| c.codigo_cliente.to_string() == term),
        "cpf_cnpj" => db
            .customer(s.id_cliente)
            .is_some_and(|c| c.cpf_cnpj == term),
        _ => false,
    }
}

/// `GET /api/v1/integracao/cliente/atendimento`.
pub(crate) async fn list_tickets(State(state): State<HubsoftState>, uri: Uri) -> Response {
    const SEARCHES: [&str; 4] = [
        "codigo_cliente",
        "cpf_cnpj",
        "id_cliente_servico",
        "protocolo",
    ];
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    let term = p.required("termo_busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return error(&invalid_search(kind, &SEARCHES));
    }
    let limit = p.bounded("limit", 1, 50, 20);
    let pending_only = p.yes_no("apenas_pendente", true);
    p.choice(
        "order_by",
        &["data_cadastro", "data_fechamento"],
        "data_cadastro",
    );
    let descending = p.choice("order_type", &["asc", "desc"], "asc") == "desc";
    let from = p.date("data_inicio");
    let to = p.date("data_fim");
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (kind, term) = (kind.unwrap_or_default(), term.unwrap_or_default());
    let inner = state.lock();
    let db = &inner.db;
    let mut list: Vec<&Ticket> = db
        .tickets
        .iter()
        .filter(|t| {
            if kind == "protocolo" {
                t.protocolo == term
            } else {
                owner_matches(db, t.id_cliente_servico, &kind, &term)
            }
        })
        .filter(|t| !pending_only || t.data_fechamento.is_none())
        .filter(|t| from.is_none_or(|f| t.data_cadastro.0 >= f))
        .filter(|t| to.is_none_or(|d| t.data_cadastro.0 <= d))
        .collect();
    list.sort_by_key(|t| (t.data_cadastro, t.id_atendimento));
    if descending {
        list.reverse();
    }
    let atendimentos: Vec<Value> = list
        .iter()
        .take(usize::try_from(limit).unwrap_or(20))
        .map(|t| ticket_json(db, t))
        .collect();
    let word = if state.config().misspelt_success {
        "suscess"
    } else {
        "success"
    };
    envelope(
        word,
        "Dados consultados com sucesso",
        json!({"atendimentos": atendimentos}),
    )
}

/// `GET /api/v1/integracao/cliente/ordem_servico`.
pub(crate) async fn list_orders(State(state): State<HubsoftState>, uri: Uri) -> Response {
    const SEARCHES: [&str; 4] = [
        "codigo_cliente",
        "cpf_cnpj",
        "id_cliente_servico",
        "numero_ordem_servico",
    ];
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return error(&invalid_search(kind, &SEARCHES));
    }
    let term = p.text("termo_busca");
    let limit = p.bounded("limit", 1, 50, 20);
    let status = p.text("status");
    if status
        .as_deref()
        .is_some_and(|s| !["pendente", "aguardando_agendamento", "finalizado"].contains(&s))
    {
        p.fail(invalid_value("status"));
    }
    p.choice(
        "order_by",
        &["data_cadastro", "data_inicio_programado"],
        "data_cadastro",
    );
    let descending = p.choice("order_type", &["asc", "desc"], "desc") == "desc";
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let kind = kind.unwrap_or_default();
    let inner = state.lock();
    let db = &inner.db;
    let mut list: Vec<&ServiceOrder> = db
        .orders
        .iter()
        .filter(|o| match term.as_deref() {
            None => true,
            Some(t) if kind == "numero_ordem_servico" => o.numero_ordem_servico == t,
            Some(t) => owner_matches(db, o.id_cliente_servico, &kind, t),
        })
        .filter(|o| status.as_deref().is_none_or(|s| o.status == s))
        .collect();
    list.sort_by_key(|o| (o.data_cadastro, o.id_ordem_servico));
    if descending {
        list.reverse();
    }
    let orders: Vec<Value> = list
        .iter()
        .take(usize::try_from(limit).unwrap_or(20))
        .map(|o| order_json(db, o, true))
        .collect();
    let word = if state.config().misspelt_success {
        "suscess"
    } else {
        "success"
    };
    envelope(
        word,
        "Dados consultados com sucesso",
        json!({"ordens_servico": orders}),
    )
}
