//! The seeded Hubsoft data: deterministic by seed, large enough, valid documents, every
//! situation the fixtures promise, and the control routes that expose and restore it.

mod hubsoft_common;

use hubsoft_common::{TODAY, sim};
use ponte_simulators::hubsoft::{HubsoftConfig, HubsoftState, MIN_CUSTOMERS};
use serde_json::{Value, json};

fn state(seed: u64) -> HubsoftState {
    HubsoftState::new(HubsoftConfig::with(seed, TODAY))
}

#[test]
fn the_same_seed_and_date_give_the_same_data_and_another_seed_does_not() {
    let (a, b, c) = (state(7), state(7), state(8));
    assert_eq!(a.customers(), b.customers());
    assert_eq!(a.invoices(), b.invoices());
    assert_eq!(a.tickets(), b.tickets());
    assert_eq!(a.prospects(), b.prospects());
    assert_eq!(a.fixtures(), b.fixtures());
    assert_ne!(a.customers(), c.customers());
    assert_ne!(a.fixtures().active.document, c.fixtures().active.document);
}

#[test]
fn at_least_fifty_customers_with_valid_bare_documents_of_every_kind() {
    let s = state(42);
    let customers = s.customers();
    assert!(customers.len() >= MIN_CUSTOMERS);
    let (mut cpf, mut cnpj, mut alphanumeric) = (0, 0, 0);
    for c in &customers {
        let doc = ponte_br::Document::parse(&c.cpf_cnpj)
            .unwrap_or_else(|e| panic!("{}: {e}", c.cpf_cnpj));
        assert_eq!(doc.as_str(), c.cpf_cnpj, "stored bare");
        match doc.kind() {
            ponte_br::DocumentKind::Cpf => {
                cpf += 1;
                assert_eq!(c.tipo_pessoa, "pf");
            }
            ponte_br::DocumentKind::Cnpj => {
                cnpj += 1;
                assert_eq!(c.tipo_pessoa, "pj");
                alphanumeric += usize::from(c.cpf_cnpj.chars().any(|ch| ch.is_ascii_alphabetic()));
            }
        }
        assert!(c.telefone_primario.bytes().all(|b| b.is_ascii_digit()));
    }
    assert!(
        cpf > 0 && cnpj > 0 && alphanumeric > 0,
        "{cpf} {cnpj} {alphanumeric}"
    );
    let statuses: Vec<String> = customers
        .iter()
        .flat_map(|c| s.services_of(c.id_cliente))
        .map(|svc| svc.status_prefixo)
        .collect();
    for wanted in [
        "servico_habilitado",
        "suspenso_debito",
        "suspenso_parcialmente",
        "cancelado",
    ] {
        assert!(statuses.iter().any(|st| st == wanted), "{wanted}");
    }
}

#[test]
fn each_fixture_is_in_the_situation_it_promises() {
    let s = state(42);
    let f = s.fixtures();
    let service = |id| s.service(id).unwrap();
    let overdue = |customer| {
        s.invoices_of(customer)
            .iter()
            .filter(|i| i.is_overdue(TODAY))
            .count()
    };

    assert_eq!(
        service(f.active.id_cliente_servico).status_prefixo,
        "servico_habilitado"
    );
    assert_eq!(f.active.open_invoices.len(), 1);
    assert_eq!(overdue(f.active.id_cliente), 0);
    assert_eq!(
        service(f.blocked.id_cliente_servico).status_prefixo,
        "suspenso_debito"
    );
    assert_eq!(overdue(f.blocked.id_cliente), 2);
    assert_eq!(
        service(f.cancelled.id_cliente_servico).status_prefixo,
        "cancelado"
    );
    assert!(!s.customer_by_document(&f.cancelled.document).unwrap().ativo);
    assert_eq!(
        service(f.unlock_used.id_cliente_servico).unlock_last,
        Some(time::macros::date!(2026 - 03 - 13))
    );
    assert!(!service(f.unlock_not_allowed.id_cliente_servico).unlock_allowed);
    assert_eq!(f.company.document.len(), 14);
    assert!(
        f.alphanumeric_cnpj
            .document
            .chars()
            .any(|c| c.is_ascii_alphabetic())
    );
    assert_eq!(f.two_contracts.services.len(), 2);
    let partial = s.invoices_of(f.partial_payment.id_cliente);
    let half = partial
        .iter()
        .find(|i| i.is_open() && !i.recibos.is_empty())
        .unwrap();
    assert!(half.is_overdue(TODAY) && half.open_cents() < half.valor_cents);
    assert!(s.customer_by_document(&f.unknown_document).is_none());
    assert!(ponte_br::Document::parse(&f.unknown_document).is_ok());
    assert!(
        s.tickets()
            .iter()
            .any(|t| t.protocolo == f.ticket.protocolo)
    );
    assert!(
        s.service_orders()
            .iter()
            .any(|o| o.id_ordem_servico == f.order.id_ordem_servico)
    );
    assert!(
        s.prospects()
            .iter()
            .any(|p| p.id_prospecto == f.prospect.id_prospecto)
    );
    assert!(!s.notes_of(f.active.id_cliente).is_empty());
}

#[tokio::test]
async fn the_fixtures_route_names_every_situation_with_the_ixc_keys_and_the_credentials() {
    let s = sim().await;
    let answer: Value = s
        .http
        .get(format!("{}/__sim/fixtures", s.hub.root_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "active",
        "blocked",
        "cancelled",
        "unlock_used",
        "unlock_not_allowed",
        "company",
        "alphanumeric_cnpj",
        "two_contracts",
        "partial_payment",
    ] {
        let fixture = &answer["fixtures"][key];
        assert!(fixture["document"].is_string(), "{key}");
        assert!(fixture["id_cliente"].is_u64(), "{key}");
        assert!(fixture["id_cliente_servico"].is_u64(), "{key}");
    }
    assert!(answer["fixtures"]["unknown_document"].is_string());
    assert_eq!(
        answer["credentials"]["username"],
        s.hub.state().config().username.as_str()
    );
    assert_eq!(answer["today"], "2026-03-18");
    assert_eq!(answer["seed"], 42);
}

#[tokio::test]
async fn a_reset_brings_back_the_seeded_data_after_writes_and_a_moved_clock() {
    let mut s = sim().await;
    let f = s.fixtures();
    let before = s.hub.state().invoices();
    let answer = s
        .post_json(
            "/cliente/desbloqueio_confianca",
            json!({"id_cliente_servico": f.blocked.id_cliente_servico}),
        )
        .await;
    assert_eq!(answer["status"], "success");
    s.control("today", json!({"today": "2026-05-01"})).await;
    assert_eq!(s.control("reset", json!({})).await, 204);
    assert_eq!(s.hub.state().today(), TODAY);
    assert_eq!(s.hub.state().invoices(), before);
    assert_eq!(
        s.hub
            .state()
            .service(f.blocked.id_cliente_servico)
            .unwrap()
            .status_prefixo,
        "suspenso_debito"
    );
    assert_eq!(
        s.get("/configuracao/vencimento", &[]).await.status(),
        401,
        "tokens go too"
    );
    s.renew_token().await;
    assert_eq!(s.get("/configuracao/vencimento", &[]).await.status(), 200);
    assert_eq!(
        s.control("today", json!({"today": "18/03/2026"})).await,
        400
    );
}
