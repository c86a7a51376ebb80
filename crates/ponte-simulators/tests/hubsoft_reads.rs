//! Hubsoft's read endpoints over real HTTP: customer lookups with their services and
//! refusals, both invoice listings with their limits and paging, valid boletos, PIX codes and
//! PDFs, notas fiscais, and the catalogs.

mod hubsoft_common;

use hubsoft_common::{TODAY, assert_valid_pdf, sim, sim_with, validation_errors};
use ponte_simulators::hubsoft::{HubsoftConfig, UnknownCustomer};
use serde_json::{Value, json};

async fn lookup(s: &hubsoft_common::Sim, query: &[(&str, &str)]) -> Value {
    s.get_json("/cliente", query).await
}

async fn by_document(s: &hubsoft_common::Sim, document: &str) -> Vec<Value> {
    let answer = lookup(s, &[("busca", "cpf_cnpj"), ("termo_busca", document)]).await;
    assert_eq!(answer["status"], "success", "{answer}");
    answer["clientes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_customer_found_by_cpf_has_the_documented_shape() {
    let s = sim().await;
    let f = s.fixtures().active;
    let answer = lookup(&s, &[("busca", "cpf_cnpj"), ("termo_busca", &f.document)]).await;
    assert_eq!(answer["msg"], "Dados consultados com sucesso");
    let clientes = answer["clientes"].as_array().unwrap();
    assert_eq!(clientes.len(), 1);
    let c = &clientes[0];
    assert_eq!(c["id_cliente"], f.id_cliente);
    assert_eq!(c["codigo_cliente"], f.codigo_cliente);
    assert_eq!(c["cpf_cnpj"], f.document.as_str());
    assert_eq!(c["tipo_pessoa"], "pf");
    assert_eq!(c["nome_razaosocial"], f.name.as_str());
    assert!(c["nome_fantasia"].is_null());
    let phone = c["telefone_primario"].as_str().unwrap();
    assert!(
        phone.len() == 11 && phone.bytes().all(|b| b.is_ascii_digit()),
        "{phone}"
    );
    // The birth date key is misspelt, as in the real API, and dated with a time.
    assert!(c.get("data_nascimento").is_none());
    assert_eq!(c["data_nascmento"].as_str().unwrap().len(), 19);
    assert_eq!(c["alerta"], false);
    assert_eq!(c["alerta_mensagens"], json!([]));
    let service = &c["servicos"][0];
    assert_eq!(service["id_cliente_servico"], f.id_cliente_servico);
    assert_eq!(service["status"], "Serviço Habilitado");
    assert_eq!(service["status_prefixo"], "servico_habilitado");
    assert!(service["valor"].is_number());
    let address = &service["endereco_instalacao"];
    assert_eq!(
        address["estado"].as_str().unwrap().len(),
        2,
        "estado is the abbreviation"
    );
    assert!(
        address["uf"].as_str().unwrap().len() > 2,
        "uf is the full name"
    );
    assert!(
        service.get("ultima_conexao").is_none(),
        "only when asked for"
    );
}

#[tokio::test]
async fn companies_are_found_by_cnpj_and_by_alphanumeric_cnpj() {
    let s = sim().await;
    let f = s.fixtures();
    for fixture in [&f.company, &f.alphanumeric_cnpj] {
        let found = by_document(&s, &fixture.document).await;
        assert_eq!(found.len(), 1, "{}", fixture.document);
        assert_eq!(found[0]["tipo_pessoa"], "pj");
        assert_eq!(found[0]["id_cliente"], fixture.id_cliente);
        assert!(found[0]["nome_fantasia"].is_string());
    }
    assert!(
        f.alphanumeric_cnpj
            .document
            .chars()
            .any(|c| c.is_ascii_alphabetic())
    );
}

#[tokio::test]
async fn an_unknown_or_masked_document_finds_nobody_by_default() {
    let s = sim().await;
    let f = s.fixtures();
    assert!(by_document(&s, &f.unknown_document).await.is_empty());
    let masked = ponte_br::Document::parse(&f.active.document)
        .unwrap()
        .formatted();
    assert!(
        by_document(&s, &masked).await.is_empty(),
        "documents are stored bare"
    );

    let strict = sim_with(HubsoftConfig {
        unknown_customer: UnknownCustomer::Error,
        masked_document_matches: true,
        ..HubsoftConfig::with(42, TODAY)
    })
    .await;
    let answer = lookup(
        &strict,
        &[("busca", "cpf_cnpj"), ("termo_busca", &f.unknown_document)],
    )
    .await;
    assert_eq!(answer["status"], "error");
    assert_eq!(by_document(&strict, &masked).await.len(), 1);
}

#[tokio::test]
async fn the_cancelled_customer_is_inactive_and_its_service_shows_only_when_asked() {
    let s = sim().await;
    let f = s.fixtures().cancelled;
    assert!(
        by_document(&s, &f.document).await.is_empty(),
        "inativo defaults to nao"
    );
    let found = lookup(
        &s,
        &[
            ("busca", "cpf_cnpj"),
            ("termo_busca", &f.document),
            ("inativo", "todos"),
        ],
    )
    .await;
    assert_eq!(
        found["clientes"][0]["servicos"],
        json!([]),
        "cancelado defaults to nao"
    );
    let with_cancelled = lookup(
        &s,
        &[
            ("busca", "cpf_cnpj"),
            ("termo_busca", &f.document),
            ("inativo", "sim"),
            ("cancelado", "sim"),
        ],
    )
    .await;
    assert_eq!(
        with_cancelled["clientes"][0]["servicos"][0]["status_prefixo"],
        "cancelado"
    );
}

#[tokio::test]
async fn two_contracts_list_one_enabled_and_one_suspended_service() {
    let s = sim().await;
    let f = s.fixtures().two_contracts;
    let found = by_document(&s, &f.document).await;
    let services = found[0]["servicos"].as_array().unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(services[0]["status_prefixo"], "servico_habilitado");
    assert_eq!(services[1]["status_prefixo"], "suspenso_parcialmente");
    let by_service = lookup(
        &s,
        &[
            ("busca", "id_cliente_servico"),
            ("termo_busca", &f.services[1].to_string()),
        ],
    )
    .await;
    assert_eq!(by_service["clientes"][0]["id_cliente"], f.id_cliente);
}

#[tokio::test]
async fn the_blocked_customer_carries_an_alert_and_a_suspended_service() {
    let s = sim().await;
    let f = s.fixtures().blocked;
    let found = by_document(&s, &f.document).await;
    assert_eq!(found[0]["alerta"], true);
    assert!(!found[0]["alerta_mensagens"].as_array().unwrap().is_empty());
    assert_eq!(found[0]["servicos"][0]["status"], "Suspenso por Débito");
}

#[tokio::test]
async fn customer_search_refuses_bad_parameters_in_the_validation_envelope() {
    let s = sim().await;
    let missing = lookup(&s, &[("termo_busca", "x")]).await;
    assert_eq!(
        validation_errors(&missing),
        ["O campo busca é obrigatório."]
    );
    let too_many = lookup(
        &s,
        &[
            ("busca", "cpf_cnpj"),
            ("termo_busca", "1"),
            ("limit", "101"),
        ],
    )
    .await;
    assert_eq!(
        validation_errors(&too_many),
        ["O campo limit não pode ser superior a 100."]
    );
    let wrong_kind = lookup(&s, &[("busca", "rg"), ("termo_busca", "1")]).await;
    assert_eq!(wrong_kind["status"], "error");
    assert!(
        wrong_kind["msg"]
            .as_str()
            .unwrap()
            .starts_with("O tipo de busca (rg) não é válido")
    );
}

#[tokio::test]
async fn the_search_limit_defaults_to_five() {
    let s = sim().await;
    let many = lookup(&s, &[("busca", "nome_razaosocial"), ("termo_busca", "a")]).await;
    assert_eq!(many["clientes"].as_array().unwrap().len(), 5);
    let more = lookup(
        &s,
        &[
            ("busca", "nome_razaosocial"),
            ("termo_busca", "a"),
            ("limit", "12"),
        ],
    )
    .await;
    assert_eq!(more["clientes"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn every_customer_is_listed_once_across_the_pages_of_cliente_todos() {
    let s = sim().await;
    let total = s.hub.state().customers().len();
    let mut seen = Vec::new();
    for page in 0.. {
        let page = page.to_string();
        let answer = s
            .get_json(
                "/cliente/todos",
                &[("pagina", &page), ("itens_por_pagina", "7")],
            )
            .await;
        let paging = &answer["paginacao"];
        assert_eq!(paging["primeira_pagina"], 0);
        assert_eq!(paging["total_registros"], total);
        assert_eq!(paging["ultima_pagina"], (total - 1) / 7);
        let rows = answer["clientes"].as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        seen.extend(rows.iter().map(|c| c["id_cliente"].as_u64().unwrap()));
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), total);
    assert_eq!(seen.len(), total);
    let refused = s.get_json("/cliente/todos", &[]).await;
    assert_eq!(
        validation_errors(&refused),
        [
            "O campo pagina é obrigatório.",
            "O campo itens por pagina é obrigatório."
        ]
    );
}

#[tokio::test]
async fn cliente_financeiro_lists_pending_invoices_the_way_the_samples_show() {
    let s = sim().await;
    let f = s.fixtures().blocked;
    let answer = s
        .get_json(
            "/cliente/financeiro",
            &[("busca", "cpf_cnpj"), ("termo_busca", &f.document)],
        )
        .await;
    assert_eq!(answer["status"], "suscess", "the vendor's spelling");
    let faturas = answer["faturas"].as_array().unwrap();
    assert_eq!(faturas.len(), 3);
    let ids: Vec<u64> = faturas
        .iter()
        .map(|i| i["id_fatura"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, f.open_invoices);
    let first = &faturas[0];
    let due = first["data_vencimento"].as_str().unwrap();
    assert_eq!(due.len(), 10);
    assert_eq!(&due[2..3], "/", "dd/mm/yyyy here");
    assert!(first["valor"].is_number());
    assert!(first["data_pagamento"].is_null());
    assert!(
        first["pix_copia_cola"]
            .as_str()
            .unwrap()
            .starts_with("000201")
    );
    assert!(
        first["linha_digitavel"].as_str().unwrap().contains(' '),
        "formatted"
    );
    assert_eq!(
        first["cliente"]["servico"]["id_cliente_servico"],
        f.id_cliente_servico
    );
    assert!(
        first["link"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/pdf/fatura/", s.hub.base_url()))
    );
    let overdue = faturas
        .iter()
        .filter(|i| {
            let d = i["data_vencimento"].as_str().unwrap();
            let iso = format!("{}-{}-{}", &d[6..], &d[3..5], &d[..2]);
            iso.as_str() < "2026-03-18"
        })
        .count();
    assert_eq!(overdue, 2);
}

#[tokio::test]
async fn cliente_financeiro_shows_paid_invoices_when_asked_and_limits_to_fifty() {
    let s = sim().await;
    let f = s.fixtures().active;
    let all = s
        .get_json(
            "/cliente/financeiro",
            &[
                ("busca", "cpf_cnpj"),
                ("termo_busca", &f.document),
                ("apenas_pendente", "nao"),
            ],
        )
        .await;
    let faturas = all["faturas"].as_array().unwrap();
    assert_eq!(faturas.len(), 4);
    assert_eq!(
        faturas
            .iter()
            .filter(|i| i["data_pagamento"].is_string())
            .count(),
        3
    );
    assert!(
        faturas
            .iter()
            .filter(|i| i["data_pagamento"].is_string())
            .all(|i| i["pix_copia_cola"].is_null())
    );
    let too_many = s
        .get_json(
            "/cliente/financeiro",
            &[
                ("busca", "cpf_cnpj"),
                ("termo_busca", &f.document),
                ("limit", "51"),
            ],
        )
        .await;
    assert_eq!(
        validation_errors(&too_many),
        ["O campo limit não pode ser superior a 50."]
    );
    let by_contract = s
        .get_json(
            "/cliente/financeiro",
            &[
                ("busca", "id_cliente_servico"),
                (
                    "termo_busca",
                    &s.fixtures().two_contracts.services[1].to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(by_contract["faturas"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn every_linha_digitavel_and_pix_code_served_is_valid_for_its_invoice() {
    let s = sim().await;
    let mut checked = 0;
    for customer in s.hub.state().customers().iter().filter(|c| c.ativo) {
        let faturas = s
            .get_json(
                "/cliente/financeiro",
                &[
                    ("busca", "codigo_cliente"),
                    ("termo_busca", &customer.codigo_cliente.to_string()),
                    ("apenas_pendente", "nao"),
                    ("limit", "50"),
                ],
            )
            .await;
        for invoice in faturas["faturas"].as_array().unwrap() {
            let id = invoice["id_fatura"].as_u64().unwrap();
            let truth = s.hub.state().invoice(id).unwrap();
            let boleto =
                ponte_br::Boleto::parse(invoice["linha_digitavel"].as_str().unwrap()).unwrap();
            assert_eq!(boleto.barcode(), invoice["codigo_barras"].as_str().unwrap());
            assert_eq!(boleto.amount().unwrap().get() as i64, truth.valor_cents);
            assert_eq!(boleto.due_date(TODAY).unwrap(), Some(truth.data_vencimento));
            if let Some(pix) = invoice["pix_copia_cola"].as_str() {
                let code = ponte_br::BrCode::parse(pix).unwrap();
                assert_eq!(code.amount().unwrap().get() as i64, truth.open_cents());
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn the_boleto_link_serves_a_pdf_without_a_token_and_an_unknown_one_is_a_404() {
    let s = sim().await;
    let f = s.fixtures().active;
    let invoice = &s.pending(&f.document).await[0];
    let link = invoice["link"].as_str().unwrap();
    let response = s.http.get(link).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    assert_valid_pdf(&pdf);
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains(&format!("Fatura {}", invoice["id_fatura"])));
    let missing = s
        .http
        .get(format!("{}/pdf/fatura/0000", s.hub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let guarded = sim_with(HubsoftConfig {
        pdf_link_requires_token: true,
        ..HubsoftConfig::with(42, TODAY)
    })
    .await;
    let link = guarded.pending(&f.document).await[0]["link"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(guarded.http.get(&link).send().await.unwrap().status(), 401);
    let with_token = guarded
        .http
        .get(&link)
        .bearer_auth(&guarded.token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
}

#[tokio::test]
async fn financeiro_fatura_defaults_to_the_last_ten_days_and_pages_from_zero() {
    let s = sim().await;
    let state = s.hub.state();
    let recent = state
        .invoices()
        .iter()
        .filter(|i| {
            i.data_vencimento >= TODAY - time::Duration::days(10) && i.data_vencimento <= TODAY
        })
        .count();
    let answer = s.get_json("/financeiro/fatura", &[]).await;
    assert_eq!(answer["status"], "success");
    assert_eq!(answer["paginacao"]["total_registros"], recent);
    assert_eq!(answer["paginacao"]["pagina_atual"], 0);

    let month = [
        ("data_inicio", "2026-03-01"),
        ("data_fim", "2026-03-31"),
        ("itens_por_pagina", "10"),
    ];
    let first = s.get_json("/financeiro/fatura", &month).await;
    let total = first["paginacao"]["total_registros"].as_u64().unwrap();
    let last = first["paginacao"]["ultima_pagina"].as_u64().unwrap();
    assert_eq!(last, (total - 1) / 10);
    let mut seen = 0;
    for page in 0..=last {
        let mut q = month.to_vec();
        let p = page.to_string();
        q.push(("pagina", &p));
        seen += s.get_json("/financeiro/fatura", &q).await["faturas"]
            .as_array()
            .unwrap()
            .len() as u64;
    }
    assert_eq!(seen, total);
    let item = &first["faturas"][0];
    assert!(item["valor"].is_string(), "a string here");
    assert!(
        !item["valor"].as_str().unwrap().ends_with('0')
            || !item["valor"].as_str().unwrap().contains('.')
    );
    assert_eq!(
        &item["data_vencimento"].as_str().unwrap()[4..5],
        "-",
        "ISO here"
    );
    assert!(item["pix_copia_e_cola"].is_null(), "only when asked for");
    assert!(item.get("recibos").is_none(), "simplified by default");
}

#[tokio::test]
async fn financeiro_fatura_shows_pix_and_receipts_when_asked_and_refuses_long_unfiltered_periods() {
    let s = sim().await;
    let f = s.fixtures().partial_payment;
    let detailed = s
        .get_json(
            "/financeiro/fatura",
            &[
                ("busca", "cpf_cnpj"),
                ("termo_busca", &f.document),
                ("data_inicio", "2025-01-01"),
                ("data_fim", "2026-12-31"),
                ("tipo_resultado", "detalhado"),
                ("exibir_pix_copia_cola", "sim"),
                ("apenas_em_aberto", "sim"),
            ],
        )
        .await;
    let faturas = detailed["faturas"].as_array().unwrap();
    assert_eq!(faturas.len(), 2);
    let partial = faturas
        .iter()
        .find(|i| i["valor_pago"].is_string())
        .unwrap();
    assert_eq!(partial["recibos"].as_array().unwrap().len(), 1);
    let pix = ponte_br::BrCode::parse(partial["pix_copia_e_cola"].as_str().unwrap()).unwrap();
    let truth = s
        .hub
        .state()
        .invoice(partial["id_fatura"].as_u64().unwrap())
        .unwrap();
    assert_eq!(pix.amount().unwrap().get() as i64, truth.open_cents());
    assert!(truth.open_cents() < truth.valor_cents);

    let too_long = s
        .get_json(
            "/financeiro/fatura",
            &[("data_inicio", "2026-01-01"), ("data_fim", "2026-03-18")],
        )
        .await;
    assert_eq!(too_long["status"], "error");
    let too_big = s
        .get_json("/financeiro/fatura", &[("itens_por_pagina", "501")])
        .await;
    assert_eq!(
        validation_errors(&too_big),
        ["O campo itens por pagina não pode ser superior a 500."]
    );
}

#[tokio::test]
async fn notas_fiscais_list_by_customer_id_with_pdf_links_and_a_sixty_day_limit() {
    let s = sim().await;
    let f = s.fixtures().company;
    let id = f.id_cliente.to_string();
    let answer = s
        .get_json(
            "/cliente/nota_fiscal",
            &[("busca", "id_cliente"), ("termo_busca", &id)],
        )
        .await;
    assert_eq!(answer["msg"], "Dados carregados com sucesso");
    assert_eq!(answer["cliente"]["id_cliente"], f.id_cliente);
    let telecom = answer["notas_fiscais"].as_array().unwrap();
    assert_eq!(telecom.len(), 3, "one per paid invoice");
    assert_eq!(telecom[0]["tipo_documento_fiscal"]["codigo"], "21");
    assert_eq!(
        answer["nfses"].as_array().unwrap().len(),
        3,
        "a company also gets NFS-e"
    );
    let pdf = s
        .http
        .get(telecom[0]["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_valid_pdf(&pdf.bytes().await.unwrap());
    let nfse = s
        .http
        .get(answer["nfses"][0]["link_pdf"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_valid_pdf(&nfse.bytes().await.unwrap());

    let long = s
        .get_json(
            "/cliente/nota_fiscal",
            &[
                ("busca", "id_cliente"),
                ("termo_busca", &id),
                ("data_inicio", "2026-01-01"),
                ("data_fim", "2026-03-18"),
            ],
        )
        .await;
    assert_eq!(long["status"], "error");
    let wrong = s
        .get_json(
            "/cliente/nota_fiscal",
            &[("busca", "cpf_cnpj"), ("termo_busca", &f.document)],
        )
        .await;
    assert_eq!(wrong["status"], "error");
    let unknown = s
        .get_json(
            "/cliente/nota_fiscal",
            &[("busca", "id_cliente"), ("termo_busca", "1")],
        )
        .await;
    assert_eq!(unknown["status"], "error");
}

#[tokio::test]
async fn the_four_catalogs_answer_with_their_documented_root_keys() {
    let s = sim().await;
    let plans = s.get_json("/configuracao/servico", &[]).await;
    assert_eq!(plans["msg"], "Serviços Ativos consultados com sucesso");
    assert!(
        plans["servicos"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id_servico"].is_u64() && p["descricao"].is_string())
    );
    let due = s.get_json("/configuracao/vencimento", &[]).await;
    let days = due["vencimentos"].as_array().unwrap();
    assert!(days.iter().any(|d| d["dia_vencimento"] == "ultimo_dia"));
    assert!(days.iter().any(|d| d["dia_vencimento"] == 10));
    let sellers = s.get_json("/configuracao/vendedor", &[]).await;
    assert!(
        sellers["vendedores"][0]["id"].is_u64() && sellers["vendedores"][0]["name"].is_string()
    );
    let origins = s.get_json("/configuracao/origem_cliente", &[]).await;
    assert!(origins["origens_cliente"][0]["id_origem_cliente"].is_u64());
    assert_eq!(origins["encrypted"], false);
    for (path, key) in [
        ("/configuracao/caixa_financeiro", "caixas_financeiro"),
        ("/configuracao/meio_pagamento", "meios_pagamento"),
        ("/configuracao/servico_status", "servico_status"),
        ("/configuracao/tipo_atendimento", "tipos_atendimento"),
        ("/configuracao/motivo_contratacao", "motivos_contratacao"),
        ("/configuracao/empresa", "empresas"),
    ] {
        let answer = s.get_json(path, &[]).await;
        assert!(!answer[key].as_array().unwrap().is_empty(), "{path}");
    }
}
