//! The seeded data: deterministic, large enough, valid documents, and every situation the
//! fixtures promise.

mod common;

use common::TODAY;
use ponte_simulators::ixc::{IxcConfig, IxcState, MIN_CUSTOMERS};

fn state(seed: u64) -> IxcState {
    IxcState::new(IxcConfig::with(seed, TODAY))
}

#[test]
fn the_same_seed_and_date_give_the_same_data_and_another_seed_does_not() {
    let a = state(7);
    let b = state(7);
    let c = state(8);
    for table in [
        "cliente",
        "cliente_contrato",
        "fn_areceber",
        "vd_saida",
        "radusuarios",
    ] {
        assert_eq!(a.rows(table), b.rows(table), "{table}");
    }
    assert_ne!(a.rows("cliente"), c.rows("cliente"));
}

#[test]
fn at_least_fifty_customers_with_valid_documents_of_every_kind() {
    let s = state(42);
    let customers = s.customers();
    assert!(customers.len() >= MIN_CUSTOMERS);
    let mut cpf = 0;
    let mut cnpj = 0;
    let mut alphanumeric = 0;
    for c in &customers {
        let doc = ponte_br::Document::parse(&c.cnpj_cpf)
            .unwrap_or_else(|e| panic!("{}: {e}", c.cnpj_cpf));
        assert_eq!(doc.as_str(), c.document);
        match doc.kind() {
            ponte_br::DocumentKind::Cpf => {
                cpf += 1;
                assert_eq!(c.tipo_pessoa, "F");
            }
            ponte_br::DocumentKind::Cnpj => {
                cnpj += 1;
                assert_eq!(c.tipo_pessoa, "J");
                if c.document.chars().any(|ch| ch.is_ascii_alphabetic()) {
                    alphanumeric += 1;
                }
            }
        }
        assert!(
            !c.cidade.is_empty() && c.uf.len() == 2,
            "{} lives somewhere",
            c.id
        );
    }
    assert!(
        cpf > 0 && cnpj > 0 && alphanumeric > 0,
        "{cpf} {cnpj} {alphanumeric}"
    );
}

#[test]
fn documents_are_stored_masked_except_the_unmasked_fixture() {
    let s = state(42);
    let unmasked = s.customer(&s.fixtures().unmasked_document).unwrap();
    assert_eq!(unmasked.cnpj_cpf, unmasked.document);
    for id in [
        &s.fixtures().active,
        &s.fixtures().company,
        &s.fixtures().alphanumeric_cnpj,
    ] {
        let c = s.customer(id).unwrap();
        let formatted = ponte_br::Document::parse(&c.cnpj_cpf).unwrap().formatted();
        assert_eq!(c.cnpj_cpf, formatted);
    }
    assert!(
        s.customer(&s.fixtures().alphanumeric_cnpj)
            .unwrap()
            .document
            .chars()
            .any(|c| c.is_ascii_alphabetic())
    );
}

#[test]
fn contracts_cover_active_blocked_cancelled_and_pending_states() {
    let s = state(42);
    let contracts = s.rows("cliente_contrato");
    for (status, access) in [("A", "A"), ("A", "CA"), ("A", "CM"), ("I", "D")] {
        assert!(
            contracts
                .iter()
                .any(|c| c["status"] == status && c["status_internet"] == access),
            "{status}/{access}"
        );
    }
    let f = s.fixtures();
    assert!(s.contracts_of(&f.blocked)[0].blocked);
    assert!(!s.contracts_of(&f.active)[0].blocked);
    assert_eq!(s.contracts_of(&f.cancelled)[0].status, "I");
    assert!(!s.customer(&f.cancelled).unwrap().active);
    let two = s.contracts_of(&f.two_contracts);
    assert_eq!(two.len(), 2);
    assert_eq!(two[1].status_internet, "CM");
    assert_eq!(
        s.contracts_of(&f.unlock_used)[0].dt_ult_desb_conf,
        "2026-03-13"
    );
    assert_eq!(
        s.contracts_of(&f.unlock_not_allowed)[0].desbloqueio_confianca,
        "N"
    );
    assert_eq!(
        s.contracts_of(&f.active)[0].valor,
        s.invoices_of(&f.active)[0].valor
    );
}

#[test]
fn invoices_are_open_overdue_paid_partial_and_cancelled_as_promised() {
    let s = state(42);
    let f = s.fixtures();
    let active = s.invoices_of(&f.active);
    assert!(active.iter().any(|i| i.status == "R"));
    assert!(active.iter().any(|i| i.status == "A" && !i.overdue));
    assert!(active.iter().all(|i| !i.overdue));
    let blocked = s.invoices_of(&f.blocked);
    assert_eq!(blocked.iter().filter(|i| i.overdue).count(), 2);
    let partial = s.invoices_of(&f.partial_payment);
    let p = partial.iter().find(|i| i.status == "P").unwrap();
    assert!(p.overdue && p.open_cents() > 0 && p.valor_recebido != "0.00");
    assert!(s.invoices_of(&f.cancelled).iter().any(|i| i.status == "C"));
    for invoice in s.rows("fn_areceber") {
        if invoice["status"] == "A" {
            assert_eq!(invoice["pagamento_data"], "0000-00-00");
            assert_eq!(invoice["valor_aberto"], invoice["valor"]);
        }
    }
    let paid = active.iter().find(|i| i.status == "R").unwrap();
    assert_eq!(s.settlements_of(&paid.id).len(), 1);
    assert_ne!(paid.row["id_nota_gerada"], "0");
}

#[test]
fn every_open_invoice_has_a_pix_code_that_parses_with_its_amount() {
    let s = state(42);
    for customer in s.customers().iter().take(15) {
        for invoice in s
            .invoices_of(&customer.id)
            .iter()
            .filter(|i| i.status == "A")
        {
            let code = ponte_br::BrCode::parse(&invoice.pix_code).unwrap();
            assert_eq!(code.amount().unwrap().get(), invoice.open_cents() as u64);
        }
    }
}

#[test]
fn the_two_contracts_fixture_has_an_open_invoice_naming_its_contract_only_as_avulso() {
    let s = state(42);
    let id = s.fixtures().two_contracts.clone();
    let active = s
        .contracts_of(&id)
        .into_iter()
        .find(|k| k.status_internet == "A")
        .unwrap();
    let standalone: Vec<_> = s
        .invoices_of(&id)
        .into_iter()
        .filter(|i| i.id_contrato.is_empty())
        .collect();
    assert_eq!(standalone.len(), 1, "{standalone:?}");
    let invoice = &standalone[0];
    assert_eq!(invoice.id_contrato_avulso, active.id);
    assert_eq!(invoice.contract, active.id);
    assert_eq!(invoice.status, "A");
    assert!(!invoice.overdue);
    let boleto = ponte_br::boleto::Boleto::parse(&invoice.linha_digitavel);
    assert!(boleto.is_ok(), "{boleto:?}");
}
