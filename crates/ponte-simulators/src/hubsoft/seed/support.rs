//! Seeded support and sales records: the provider's alerts on customers, tickets with the
//! service orders they opened, and prospects.

use serde_json::json;
use time::Duration;

use super::super::config::HubsoftConfig;
use super::super::model::{Prospect, ServiceOrder, Ticket};
use super::super::state::Db;
use super::super::values::compact_datetime;
use super::people::{DocKind, document, phone};
use super::{FixtureProspect, FixtureTicket};
use crate::rng::Rng;

/// A fibre outage alert on a few customers of one district, like the documented example.
pub(crate) fn outage_alerts(db: &mut Db, rng: &mut Rng) {
    let district = "IPIRANGA";
    let fixtures = 9;
    for customer in db
        .customers
        .iter_mut()
        .skip(fixtures)
        .filter(|c| c.endereco.bairro == district)
    {
        if rng.chance(60) {
            customer.alertas.push(format!(
                "Existe um rompimento de fibra no bairro {district}, na cidade {} que está \
                 afetando esse cliente",
                customer.endereco.cidade
            ));
        }
    }
}

/// A ticket and, when `order` is given, the service order it opened.
#[allow(clippy::too_many_arguments)]
fn ticket(
    db: &mut Db,
    rng: &mut Rng,
    config: &HubsoftConfig,
    service: u64,
    days_ago: i64,
    descricao: &str,
    tipo: u64,
    order: Option<(&str, &str)>,
    closed: bool,
) -> Option<FixtureTicket> {
    let svc = db
        .services
        .iter()
        .find(|s| s.id_cliente_servico == service)?
        .clone();
    let customer = db
        .customers
        .iter()
        .find(|c| c.id_cliente == svc.id_cliente)?;
    let nome = customer.nome_razaosocial.clone();
    let telefone = customer.telefone_primario.clone();
    let email = customer.email_principal.clone();
    let opened = config.today - Duration::days(days_ago);
    let seconds = u32::try_from(rng.between(8 * 3600, 17 * 3600)).unwrap_or(36_000);
    let id_atendimento = db
        .tickets
        .iter()
        .map(|t| t.id_atendimento)
        .max()
        .unwrap_or(0)
        + 1;
    let id_atendimento = id_atendimento.max(101);
    let protocolo = format!("{}{}", compact_datetime(opened, seconds), rng.below(10));
    db.tickets.push(Ticket {
        id_atendimento,
        protocolo: protocolo.clone(),
        id_cliente_servico: service,
        id_cliente: svc.id_cliente,
        id_tipo_atendimento: tipo,
        descricao: descricao.to_string(),
        nome,
        telefone,
        email,
        status: if closed { "Resolvido" } else { "Pendente" }.to_string(),
        data_cadastro: (opened, seconds),
        data_fechamento: closed.then(|| opened + Duration::days(1)),
        parametros: json!({}),
    });
    let (tipo_os, status) = order?;
    let id_ordem_servico = db
        .orders
        .iter()
        .map(|o| o.id_ordem_servico)
        .max()
        .unwrap_or(330)
        + 1;
    let numero = (id_ordem_servico - 20).to_string();
    db.orders.push(ServiceOrder {
        id_ordem_servico,
        numero_ordem_servico: numero.clone(),
        id_atendimento: Some(id_atendimento),
        id_cliente_servico: service,
        tipo: tipo_os.to_string(),
        status: status.to_string(),
        descricao: descricao.to_string(),
        data_cadastro: (opened, seconds),
    });
    Some(FixtureTicket {
        id_atendimento,
        protocolo,
        id_cliente_servico: service,
        id_ordem_servico,
        numero_ordem_servico: numero,
    })
}

/// The fixture tickets (an open one of the blocked customer, a closed one of the active
/// customer) and closed tickets on some other customers.
pub(crate) fn tickets(
    db: &mut Db,
    rng: &mut Rng,
    config: &HubsoftConfig,
    blocked: u64,
    active: u64,
) -> (FixtureTicket, FixtureTicket) {
    let first_service = |db: &Db, customer: u64| {
        db.services
            .iter()
            .find(|s| s.id_cliente == customer)
            .map_or(0, |s| s.id_cliente_servico)
    };
    let blocked_service = first_service(db, blocked);
    let active_service = first_service(db, active);
    let order = ticket(
        db,
        rng,
        config,
        active_service,
        20,
        "Instalação de roteador novo",
        1,
        Some(("INSTALAÇÃO", "finalizado")),
        true,
    );
    let open = ticket(
        db,
        rng,
        config,
        blocked_service,
        1,
        "Cliente relata que está sem acesso a internet",
        109,
        Some(("SUPORTE", "aguardando_agendamento")),
        false,
    );
    let others: Vec<u64> = db
        .services
        .iter()
        .skip(12)
        .filter(|s| s.status_prefixo == "servico_habilitado")
        .map(|s| s.id_cliente_servico)
        .collect();
    for service in others {
        if rng.chance(25) {
            let days = rng.between(10, 200) as i64;
            ticket(
                db,
                rng,
                config,
                service,
                days,
                "Lentidão no período da noite",
                111,
                None,
                true,
            );
        }
    }
    let empty = FixtureTicket {
        id_atendimento: 0,
        protocolo: String::new(),
        id_cliente_servico: 0,
        id_ordem_servico: 0,
        numero_ordem_servico: String::new(),
    };
    (
        open.unwrap_or_else(|| empty.clone()),
        order.unwrap_or(empty),
    )
}

/// A handful of prospects from the site and the shop; returns the first.
pub(crate) fn prospects(db: &mut Db, rng: &mut Rng, config: &HubsoftConfig) -> FixtureProspect {
    let names = [
        "MARIA APARECIDA FONSECA",
        "JOSÉ CARLOS MENDES",
        "LUCIANA PRADO",
        "RICARDO TAVARES",
    ];
    let mut first = None;
    for (n, name) in names.iter().enumerate() {
        let cpf = loop {
            let candidate = document(rng, DocKind::Cpf);
            if !db.customers.iter().any(|c| c.cpf_cnpj == candidate) {
                break candidate;
            }
        };
        let id_prospecto = 91 + n as u64;
        let created = config.today - Duration::days(rng.between(1, 60) as i64);
        db.prospects.push(Prospect {
            id_prospecto,
            nome_razaosocial: (*name).to_string(),
            cpf_cnpj: Some(cpf.clone()),
            email: Some(format!("prospecto{id_prospecto}@example.com")),
            telefone: Some(phone(rng, "37", true)),
            observacao: None,
            tipo_pessoa: "pf".to_string(),
            servico: Some((1302, 8990)),
            cep: format!("35500{}", rng.digits(3)),
            endereco: "RUA GOIAS".to_string(),
            numero: rng.between(1, 900).to_string(),
            bairro: "CENTRO".to_string(),
            id_origem_cliente: Some(rng.between(1, 6)),
            id_vendedor: None,
            id_vencimento: Some(61),
            id_externo: None,
            origem: if n % 2 == 0 { "web" } else { "loja" }.to_string(),
            id_cliente: None,
            id_endereco_numero: 33_300 + id_prospecto,
            created_at: (created, 40_000 + 60 * n as u32),
        });
        first.get_or_insert(FixtureProspect {
            id_prospecto,
            document: cpf,
            name: (*name).to_string(),
        });
    }
    first.unwrap_or(FixtureProspect {
        id_prospecto: 0,
        document: String::new(),
        name: String::new(),
    })
}
