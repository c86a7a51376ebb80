//! Hubsoft's writes over real HTTP: settlements that change the invoice and are refused the
//! second time, the trust unlock and its rules, tickets with service orders, prospects; and a
//! write whose answer is lost.

mod hubsoft_common;

use hubsoft_common::{TODAY, sim, sim_with, validation_errors};
use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::hubsoft::{HubsoftConfig, Overpayment, PartialPayment};
use serde_json::{Value, json};

fn settlement(invoice: u64, amount: f64) -> Value {
    json!({"id_fatura": invoice, "id_caixa_financeiro": 123, "meio_pagamento": "pix",
           "data_pagamento": "2026-03-18", "valor_pago": amount})
}

fn cents_to_f64(cents: i64) -> f64 {
    cents as f64 / 100.0
}

#[tokio::test]
async fn a_settlement_removes_the_invoice_from_the_pending_list_and_a_second_is_refused() {
    let s = sim().await;
    let f = s.fixtures().active;
    let invoice = s.hub.state().invoice(f.open_invoices[0]).unwrap();
    let answer = s
        .post_json(
            "/financeiro/fatura/liquidar",
            settlement(invoice.id_fatura, cents_to_f64(invoice.valor_cents)),
        )
        .await;
    assert_eq!(answer["status"], "success", "{answer}");
    assert_eq!(answer["msg"], "Liquidação efetuada com sucesso");
    assert_eq!(answer["recibo"]["data_pagamento"], "2026-03-18");
    assert_eq!(answer["recibo"]["cliente"]["cpf_cnpj"], f.document.as_str());
    assert_eq!(
        answer["recibo"]["numero_recibo"].as_str().unwrap().len(),
        13
    );

    let after = s.hub.state().invoice(invoice.id_fatura).unwrap();
    assert_eq!(after.data_pagamento, Some(TODAY));
    assert!(s.pending(&f.document).await.is_empty());

    let again = s
        .post_json(
            "/financeiro/fatura/liquidar",
            settlement(invoice.id_fatura, cents_to_f64(invoice.valor_cents)),
        )
        .await;
    assert_eq!(
        again,
        json!({"status": "error",
               "msg": format!("A fatura de ID {} já encontra-se quitada com data de pagamento em 18/03/2026", invoice.id_fatura),
               "errors": []})
    );
    assert_eq!(
        s.hub
            .state()
            .invoice(invoice.id_fatura)
            .unwrap()
            .recibos
            .len(),
        1
    );
}

#[tokio::test]
async fn a_settlement_above_what_is_owed_is_refused_and_late_charges_are_accepted() {
    let s = sim().await;
    let f = s.fixtures().blocked;
    let oldest = s.hub.state().invoice(f.open_invoices[0]).unwrap();
    let over = s
        .post_json(
            "/financeiro/fatura/liquidar",
            settlement(oldest.id_fatura, cents_to_f64(oldest.valor_cents * 2)),
        )
        .await;
    assert_eq!(over["status"], "error");
    assert!(over["msg"].as_str().unwrap().contains("superior"), "{over}");
    assert!(s.hub.state().invoice(oldest.id_fatura).unwrap().is_open());
    // The fine (2%) alone is owed on an overdue invoice, so value plus 2% is accepted.
    let with_fine = oldest.valor_cents + oldest.valor_cents * 2 / 100;
    let ok = s
        .post_json(
            "/financeiro/fatura/liquidar",
            settlement(oldest.id_fatura, cents_to_f64(with_fine)),
        )
        .await;
    assert_eq!(ok["status"], "success", "{ok}");

    let lenient = sim_with(HubsoftConfig {
        overpayment: Overpayment::Accept,
        ..HubsoftConfig::with(42, TODAY)
    })
    .await;
    let accepted = lenient
        .post_json(
            "/financeiro/fatura/liquidar",
            settlement(oldest.id_fatura, cents_to_f64(oldest.valor_cents * 2)),
        )
        .await;
    assert_eq!(accepted["status"], "success");
}

#[tokio::test]
async fn a_partial_settlement_keeps_the_rest_open_unless_configured_otherwise() {
    let s = sim().await;
    let f = s.fixtures().active;
    let id = f.open_invoices[0];
    let answer = s
        .post_json("/financeiro/fatura/liquidar", settlement(id, 10.0))
        .await;
    assert_eq!(answer["status"], "success");
    let invoice = s.hub.state().invoice(id).unwrap();
    assert!(invoice.is_open());
    assert_eq!(invoice.open_cents(), invoice.valor_cents - 1000);
    let pix = s.pending(&f.document).await[0]["pix_copia_cola"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ponte_br::BrCode::parse(&pix)
            .unwrap()
            .amount()
            .unwrap()
            .get() as i64,
        invoice.open_cents()
    );

    let settles = sim_with(HubsoftConfig {
        partial_payment: PartialPayment::Settles,
        ..HubsoftConfig::with(42, TODAY)
    })
    .await;
    settles
        .post_json("/financeiro/fatura/liquidar", settlement(id, 10.0))
        .await;
    assert!(!settles.hub.state().invoice(id).unwrap().is_open());
}

#[tokio::test]
async fn settlement_refusals_name_what_is_wrong() {
    let s = sim().await;
    let id = s.fixtures().active.open_invoices[0];
    let empty = s.post_json("/financeiro/fatura/liquidar", json!({})).await;
    assert_eq!(
        validation_errors(&empty),
        [
            "O campo id fatura é obrigatório.",
            "O campo id caixa financeiro é obrigatório.",
            "O campo data pagamento é obrigatório.",
            "O campo valor pago é obrigatório."
        ]
    );
    let bad_date = s
        .post_json("/financeiro/fatura/liquidar", json!({"id_fatura": id, "id_caixa_financeiro": 123, "data_pagamento": "18/03/2026", "valor_pago": 1}))
        .await;
    assert_eq!(
        validation_errors(&bad_date),
        ["O campo data pagamento não é uma data válida."]
    );
    let unknown = s
        .post_json("/financeiro/fatura/liquidar", settlement(999_999, 1.0))
        .await;
    assert_eq!(unknown["msg"], "Fatura de ID 999999 não encontrada");
    let mut wrong_box = settlement(id, 1.0);
    wrong_box["id_caixa_financeiro"] = json!(1);
    let refused = s.post_json("/financeiro/fatura/liquidar", wrong_box).await;
    assert_eq!(refused["status"], "error");
    let mut wrong_method = settlement(id, 1.0);
    wrong_method["meio_pagamento"] = json!("bitcoin");
    assert_eq!(
        s.post_json("/financeiro/fatura/liquidar", wrong_method)
            .await["status"],
        "error"
    );
    assert_eq!(s.hub.state().invoice(id).unwrap().recibos.len(), 0);
}

#[tokio::test]
async fn paying_every_overdue_invoice_enables_a_suspended_service() {
    let s = sim().await;
    let f = s.fixtures().blocked;
    for id in &f.open_invoices[..2] {
        let invoice = s.hub.state().invoice(*id).unwrap();
        let answer = s
            .post_json(
                "/financeiro/fatura/liquidar",
                settlement(*id, cents_to_f64(invoice.valor_cents)),
            )
            .await;
        assert_eq!(answer["status"], "success");
    }
    let service = s.hub.state().service(f.id_cliente_servico).unwrap();
    assert_eq!(service.status_prefixo, "servico_habilitado");
}

#[tokio::test]
async fn a_settlement_whose_answer_is_lost_was_applied_and_its_retry_is_refused() {
    let s = sim().await;
    let id = s.fixtures().active.open_invoices[0];
    let value = cents_to_f64(s.hub.state().invoice(id).unwrap().valor_cents);
    s.hub.faults().add(
        FaultRule::times(1, Fault::LostAnswer)
            .on_path("/api/v1/integracao/financeiro/fatura/liquidar"),
    );
    let lost = match s
        .http
        .post(s.url("/financeiro/fatura/liquidar"))
        .bearer_auth(&s.token)
        .json(&settlement(id, value))
        .send()
        .await
    {
        Err(err) => Err(err),
        Ok(response) => response.bytes().await.map(|_| ()),
    };
    assert!(lost.is_err(), "the client must not get the answer");
    assert!(
        !s.hub.state().invoice(id).unwrap().is_open(),
        "the write happened"
    );
    let retry = s
        .post_json("/financeiro/fatura/liquidar", settlement(id, value))
        .await;
    assert!(
        retry["msg"]
            .as_str()
            .unwrap()
            .contains("já encontra-se quitada")
    );
}

async fn unlock(s: &hubsoft_common::Sim, body: Value) -> Value {
    s.post_json("/cliente/desbloqueio_confianca", body).await
}

#[tokio::test]
async fn a_trust_unlock_works_once_and_the_second_is_refused_in_hubsofts_words() {
    let s = sim().await;
    let f = s.fixtures().blocked;
    let service = f.id_cliente_servico.to_string();
    let first = unlock(
        &s,
        json!({"id_cliente_servico": service, "dias_desbloqueio": "2"}),
    )
    .await;
    assert_eq!(
        first,
        json!({"status": "success", "msg": "Desbloqueio em confiança realizado com sucesso até a data 20/03/2026"})
    );
    let after = s.hub.state().service(f.id_cliente_servico).unwrap();
    assert_eq!(after.status_prefixo, "servico_habilitado");
    assert_eq!(after.unlock_last, Some(TODAY));

    let second = unlock(&s, json!({"id_cliente_servico": service})).await;
    assert_eq!(second["status"], "error");
    assert!(
        second["msg"].as_str().unwrap().contains("20/03/2026"),
        "{second}"
    );
    assert_eq!(second["errors"], json!([]));
}

#[tokio::test]
async fn an_unlock_defaults_to_one_day_and_the_service_is_suspended_again_when_it_ends() {
    let mut s = sim().await;
    let f = s.fixtures().blocked;
    let answer = unlock(&s, json!({"id_cliente_servico": f.id_cliente_servico})).await;
    assert!(
        answer["msg"].as_str().unwrap().ends_with("19/03/2026"),
        "{answer}"
    );
    assert_eq!(
        s.control("today", json!({"today": "2026-03-19"})).await,
        204
    );
    let service = s.hub.state().service(f.id_cliente_servico).unwrap();
    assert_eq!(service.status_prefixo, "suspenso_debito");
    // Still inside the period: refused as already used.
    let refused = unlock(&s, json!({"id_cliente_servico": f.id_cliente_servico})).await;
    assert!(
        refused["msg"]
            .as_str()
            .unwrap()
            .contains("já foi utilizado em 18/03/2026"),
        "{refused}"
    );
    s.hub.state().set_today(time::macros::date!(2026 - 04 - 17));
    // Thirty days on, the token of the start has expired too.
    s.renew_token().await;
    let again = unlock(&s, json!({"id_cliente_servico": f.id_cliente_servico})).await;
    assert_eq!(again["status"], "success", "{again}");
}

#[tokio::test]
async fn the_trust_unlock_refuses_by_its_rules() {
    let s = sim().await;
    let f = s.fixtures();
    let msg = |answer: Value| {
        assert_eq!(answer["status"], "error", "{answer}");
        answer["msg"].as_str().unwrap().to_string()
    };
    let used = msg(unlock(
        &s,
        json!({"id_cliente_servico": f.unlock_used.id_cliente_servico}),
    )
    .await);
    assert!(used.contains("13/03/2026"), "{used}");
    let not_allowed = msg(unlock(
        &s,
        json!({"id_cliente_servico": f.unlock_not_allowed.id_cliente_servico}),
    )
    .await);
    assert!(not_allowed.contains("não está habilitado"), "{not_allowed}");
    let enabled = msg(unlock(
        &s,
        json!({"id_cliente_servico": f.active.id_cliente_servico}),
    )
    .await);
    assert!(enabled.contains("não está suspenso"), "{enabled}");
    let cancelled = msg(unlock(
        &s,
        json!({"id_cliente_servico": f.cancelled.id_cliente_servico}),
    )
    .await);
    assert!(cancelled.contains("Cancelado"), "{cancelled}");
    let too_long = msg(unlock(
        &s,
        json!({"id_cliente_servico": f.blocked.id_cliente_servico, "dias_desbloqueio": 4}),
    )
    .await);
    assert!(too_long.contains("(4)"), "{too_long}");
    let unknown = msg(unlock(&s, json!({"id_cliente_servico": 1})).await);
    assert_eq!(unknown, "Serviço de ID 1 não encontrado");
    let missing = unlock(&s, json!({})).await;
    assert_eq!(
        validation_errors(&missing),
        ["O campo id cliente servico é obrigatório."]
    );
    for fixture in [&f.unlock_used, &f.unlock_not_allowed, &f.blocked] {
        let service = s.hub.state().service(fixture.id_cliente_servico).unwrap();
        assert_eq!(
            service.status_prefixo, "suspenso_debito",
            "a refusal changes nothing"
        );
    }
}

#[tokio::test]
async fn a_ticket_opens_with_a_protocol_and_a_service_order_when_asked() {
    let s = sim().await;
    let f = s.fixtures().active;
    let answer = s
        .post_json(
            "/atendimento",
            json!({"id_cliente_servico": f.id_cliente_servico.to_string(), "descricao": "Sem conexão desde ontem",
                   "nome": "Maria", "telefone": "37999112233", "email": "maria@example.com", "abrir_os": true,
                   "parametros": {"canal": "totem"}}),
        )
        .await;
    assert_eq!(answer["status"], "success", "{answer}");
    let ticket = &answer["atendimento"];
    let protocol = ticket["protocolo"].as_str().unwrap();
    assert_eq!(protocol.len(), 15);
    assert!(protocol.starts_with("20260318"));
    assert!(
        answer["msg"]
            .as_str()
            .unwrap()
            .contains(&format!("Anote o protocolo: {protocol}"))
    );
    assert_eq!(ticket["tipo_atendimento"], "SAC");
    assert_eq!(ticket["status"], "Aguardando Análise");
    assert_eq!(
        ticket["ordens_servico"][0]["status"],
        "aguardando_agendamento"
    );
    assert_eq!(ticket["ordens_servico"][0]["tipo"], "ABERTURA VIA API");
    let stored = s
        .hub
        .state()
        .tickets()
        .into_iter()
        .find(|t| t.protocolo == protocol)
        .unwrap();
    assert_eq!(stored.parametros, json!({"canal": "totem"}));

    let listed = s
        .get_json(
            "/cliente/atendimento",
            &[("busca", "protocolo"), ("termo_busca", protocol)],
        )
        .await;
    assert_eq!(listed["status"], "suscess");
    assert_eq!(
        listed["atendimentos"][0]["id_atendimento"],
        ticket["id_atendimento"]
    );
    let orders = s
        .get_json(
            "/cliente/ordem_servico",
            &[("busca", "cpf_cnpj"), ("termo_busca", &f.document)],
        )
        .await;
    assert_eq!(
        orders["ordens_servico"].as_array().unwrap().len(),
        2,
        "the seeded order and the new one"
    );
}

#[tokio::test]
async fn a_ticket_needs_its_fields_a_digits_only_phone_and_a_known_service() {
    let s = sim().await;
    let before = s.hub.state().tickets().len();
    let missing = s.post_json("/atendimento", json!({"descricao": "x"})).await;
    assert_eq!(
        validation_errors(&missing),
        [
            "O campo id cliente servico é obrigatório.",
            "O campo nome é obrigatório.",
            "O campo telefone é obrigatório."
        ]
    );
    let masked_phone = s
        .post_json("/atendimento", json!({"id_cliente_servico": 11001, "descricao": "x", "nome": "y", "telefone": "(37) 99911-2233"}))
        .await;
    assert_eq!(validation_errors(&masked_phone).len(), 1);
    let unknown = s
        .post_json("/atendimento", json!({"id_cliente_servico": 1, "descricao": "x", "nome": "y", "telefone": "37999112233"}))
        .await;
    assert_eq!(unknown["msg"], "Serviço de ID 1 não encontrado");
    assert_eq!(
        s.hub.state().tickets().len(),
        before,
        "no refusal opens a ticket"
    );
}

#[tokio::test]
async fn the_seeded_ticket_and_order_are_listed_for_their_customers() {
    let s = sim().await;
    let f = s.fixtures();
    let open = s
        .get_json(
            "/cliente/atendimento",
            &[("busca", "cpf_cnpj"), ("termo_busca", &f.blocked.document)],
        )
        .await;
    assert_eq!(
        open["atendimentos"][0]["protocolo"],
        f.ticket.protocolo.as_str()
    );
    let closed_hidden = s
        .get_json(
            "/cliente/atendimento",
            &[("busca", "cpf_cnpj"), ("termo_busca", &f.active.document)],
        )
        .await;
    assert_eq!(
        closed_hidden["atendimentos"],
        json!([]),
        "pending only by default"
    );
    let order = s
        .get_json(
            "/cliente/ordem_servico",
            &[
                ("busca", "numero_ordem_servico"),
                ("termo_busca", &f.order.numero_ordem_servico),
            ],
        )
        .await;
    assert_eq!(order["ordens_servico"][0]["status"], "finalizado");
    assert_eq!(
        order["ordens_servico"][0]["atendimento"]["protocolo"],
        f.order.protocolo.as_str()
    );
}

fn prospect(document: &str) -> Value {
    json!({"cep": "35500123", "servico": {"id_servico": 1302, "valor": 89.9}, "cpf_cnpj": document,
           "telefone": "37999887766", "nome_razaosocial": "Fulano de Tal", "tipo_pessoa": "pf",
           "bairro": "Centro", "endereco": "Rua Goias", "numero": 77, "id_origem_cliente": 3, "id_vencimento": 61})
}

#[tokio::test]
async fn a_prospect_is_created_once_per_document() {
    let s = sim().await;
    let document = s.fixtures().unknown_document;
    let answer = s.post_json("/prospecto", prospect(&document)).await;
    assert_eq!(answer["status"], "success", "{answer}");
    assert_eq!(answer["msg"], "Prospecto adicionado com sucesso");
    assert_eq!(answer["prospecto"]["nome_razaosocial"], "FULANO DE TAL");
    assert_eq!(answer["prospecto"]["origem"], "API");
    assert_eq!(answer["prospecto"]["prospecto_servico"]["valor"], "89.9");
    let id = answer["prospecto"]["id_prospecto"].as_u64().unwrap();
    assert!(
        s.hub
            .state()
            .prospects()
            .iter()
            .any(|p| p.id_prospecto == id)
    );

    let again = s.post_json("/prospecto", prospect(&document)).await;
    assert_eq!(
        again,
        json!({"status": "error", "msg": "O CPF/CNPJ já foi cadastrado antes no prospecto FULANO DE TAL"})
    );
    let found = s
        .get_json(
            "/prospecto",
            &[("busca", "nome_razaosocial"), ("termo_busca", "fulano")],
        )
        .await;
    assert_eq!(found["prospectos"][0]["id_prospecto"], id);
    let all = s.get_json("/prospecto/all", &[]).await;
    assert_eq!(all["prospectos"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_prospect_needs_digits_only_fields_a_known_plan_and_a_served_cep() {
    let s = sim().await;
    let mut body = prospect(&s.fixtures().unknown_document);
    body["cep"] = json!("35500-123");
    body["telefone"] = json!("(37) 99988-7766");
    body.as_object_mut().unwrap().remove("bairro");
    let refused = s.post_json("/prospecto", body).await;
    assert_eq!(
        validation_errors(&refused),
        [
            "O campo cep deve conter apenas números.",
            "O campo telefone deve conter apenas números.",
            "O campo bairro é obrigatório."
        ]
    );
    let mut body = prospect(&s.fixtures().unknown_document);
    body["servico"]["id_servico"] = json!(9);
    assert_eq!(
        s.post_json("/prospecto", body).await["msg"],
        "Serviço de ID 9 não encontrado"
    );
    let mut body = prospect(&s.fixtures().unknown_document);
    body["cep"] = json!("99999999");
    assert_eq!(
        s.post_json("/prospecto", body).await["msg"],
        "Nenhuma cidade foi encontrada com esse CEP."
    );
    let duplicate = s
        .post_json("/prospecto", prospect(&s.fixtures().prospect.document))
        .await;
    assert!(
        duplicate["msg"]
            .as_str()
            .unwrap()
            .ends_with(&s.fixtures().prospect.name)
    );
}

#[tokio::test]
async fn plans_are_listed_for_a_served_cep_with_the_documented_refusals() {
    let s = sim().await;
    let plans = s
        .get_json("/prospecto/create", &[("cep", "35560000")])
        .await;
    let list = plans["servicos"].as_array().unwrap();
    assert!(
        list.iter()
            .any(|p| p["display"].as_str().unwrap().ends_with("(INATIVO)"))
    );
    assert!(list.iter().all(|p| p["velocidade_download"].is_u64()));
    assert_eq!(
        s.get_json("/prospecto/create", &[]).await,
        json!({"status": "error", "msg": "CEP não informado."})
    );
    assert_eq!(
        s.get_json("/prospecto/create", &[("cep", "99999999")])
            .await,
        json!({"status": "error", "msg": "Nenhuma cidade foi encontrada com esse CEP."})
    );
}
