//! Titles: the URA and customer-area lists, the second copy and its side effect, PIX, the public
//! boleto links, and the validity of every code served.

use serde_json::Value;

use ponte_simulators::sgp::SgpConfig;

use super::common::{TODAY, assert_pdf, cents, content_type, read, sim, sim_with};

fn assert_valid_linha(linha: &str, expected_cents: Option<i64>) -> ponte_br::Boleto {
    let boleto = ponte_br::Boleto::parse(linha).unwrap_or_else(|e| panic!("{linha}: {e}"));
    if let Some(expected) = expected_cents {
        assert_eq!(boleto.amount().unwrap().get() as i64, expected, "{linha}");
    }
    boleto
}

fn assert_valid_pix(code: &str, expected_cents: i64) {
    let parsed = ponte_br::BrCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
    assert_eq!(parsed.amount().unwrap().get() as i64, expected_cents);
}

#[tokio::test]
async fn unfiltered_titles_mix_every_status_newest_first() {
    let s = sim().await;
    let (_, body) = s.call("/api/ura/titulos/", &[]).await;
    let titles = body["titulos"].as_array().unwrap();
    assert_eq!(body["paginacao"]["limit"], 250);
    assert_eq!(body["paginacao"]["offset"], 0);
    assert_eq!(body["paginacao"]["parcial"], titles.len());
    let ids: Vec<u64> = titles.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    for status in ["aberto", "pago", "cancelado"] {
        assert!(titles.iter().any(|t| t["status"] == status), "{status}");
    }
}

#[tokio::test]
async fn the_title_list_pages_with_offset_and_limit_up_to_250() {
    let s = sim_with(SgpConfig {
        customers: 100,
        ..SgpConfig::with(42, TODAY)
    })
    .await;
    let (_, all) = s.call("/api/ura/titulos/", &[("limit", "1000")]).await;
    let total = all["paginacao"]["total"].as_u64().unwrap();
    assert_eq!(all["paginacao"]["limit"], 250);
    assert!(total > 250, "the seed has more than one page ({total})");
    let (_, page) = s
        .call("/api/ura/titulos/", &[("limit", "10"), ("offset", "245")])
        .await;
    assert_eq!(page["paginacao"]["parcial"], 10);
    assert_eq!(page["titulos"][0]["id"], all["titulos"][245]["id"]);
    let (_, tail) = s
        .call("/api/ura/titulos/", &[("offset", &total.to_string())])
        .await;
    assert_eq!(tail["titulos"], serde_json::json!([]));
}

#[tokio::test]
async fn open_titles_of_the_blocked_customer_have_valid_codes_and_corrected_values() {
    let s = sim().await;
    let doc = s.fx("blocked")["document"].as_str().unwrap().to_string();
    let (_, body) = s
        .call(
            "/api/ura/titulos/",
            &[("cpfcnpj", &doc), ("status", "abertos")],
        )
        .await;
    let titles = body["titulos"].as_array().unwrap();
    assert_eq!(titles.len(), 3);
    let today = time::Date::parse(
        "2026-03-18",
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    assert_eq!(today, TODAY);
    let mut overdue = 0;
    for t in titles {
        assert_eq!(t["status"], "aberto");
        assert_eq!(t["clienteContrato"], s.fx("blocked")["contrato_id"]);
        let linha = t["linhaDigitavel"].as_str().unwrap();
        assert_eq!(linha.len(), 54, "masked as SGP prints it: {linha}");
        let boleto = assert_valid_linha(linha, Some(cents(&t["valor"])));
        assert_eq!(boleto.barcode(), t["codigoBarras"].as_str().unwrap());
        assert_valid_pix(t["codigoPix"].as_str().unwrap(), cents(&t["valor"]));
        if t["diasAtraso"].as_i64().unwrap() > 0 {
            overdue += 1;
            assert!(cents(&t["valorCorrigido"]) > cents(&t["valor"]));
        } else {
            assert_eq!(t["valorCorrigido"], t["valor"]);
        }
        assert!(t["link"].as_str().unwrap().contains("/boleto/"));
    }
    assert_eq!(overdue, 2);
}

#[tokio::test]
async fn title_filters_and_ordering_work_and_a_bad_choice_is_a_400() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    let (_, paid) = s
        .call(
            "/api/ura/titulos/",
            &[
                ("contrato", &contract),
                ("status", "pagos"),
                ("ordenar", "data_vencimento"),
                ("ordenar_ordem", "asc"),
            ],
        )
        .await;
    let dues: Vec<&str> = paid["titulos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["dataVencimento"].as_str().unwrap())
        .collect();
    assert_eq!(dues.len(), 3);
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    assert!(paid["titulos"][0]["dataPagamento"].is_string());
    let (status, body) = s.call("/api/ura/titulos/", &[("status", "aberto")]).await;
    assert_eq!(status, 400);
    assert!(
        body["status"][0]
            .as_str()
            .unwrap()
            .contains("escolha válido")
    );
    let unknown = s.f["unknown_document"].as_str().unwrap().to_string();
    let (_, none) = s.call("/api/ura/titulos/", &[("cpfcnpj", &unknown)]).await;
    assert_eq!(none["paginacao"]["total"], 0);
    assert_eq!(none["titulos"], serde_json::json!([]));
    let (status, _) = s
        .call(
            "/api/ura/titulos/",
            &[("data_vencimento_inicio", "2026-01-01")],
        )
        .await;
    assert_eq!(status, 400, "a range needs both ends");
}

#[tokio::test]
async fn the_customer_area_list_uses_lower_case_keys_and_open_and_paid_by_default() {
    let s = sim().await;
    let doc = s.fx("cancelled")["document"].as_str().unwrap().to_string();
    let (_, body) = s.call("/api/central/titulos/", &[("cpfcnpj", &doc)]).await;
    let faturas = body["faturas"].as_array().unwrap();
    assert_eq!(faturas.len(), 2, "the cancelled title is left out");
    assert!(
        faturas
            .iter()
            .all(|f| f["statusid"] == 2 && f["status"] == "Pago")
    );
    let (_, cancelled) = s
        .call(
            "/api/central/titulos/",
            &[("cpfcnpj", &doc), ("status", "3")],
        )
        .await;
    assert_eq!(cancelled["faturas"][0]["statusid"], 3);
    let contract = s.id("blocked", "contrato_id").to_string();
    let (_, open) = s
        .call(
            "/api/central/titulos/",
            &[("contrato", &contract), ("status", "1")],
        )
        .await;
    for f in open["faturas"].as_array().unwrap() {
        assert_eq!(f["status"], "Aberto");
        for key in [
            "numero_documento",
            "valorcorrigido",
            "vencimento_atualizado",
            "linhadigitavel",
            "codigopix",
            "gerapix",
            "link_completo",
        ] {
            assert!(f.get(key).is_some(), "{key}");
        }
        assert_valid_linha(
            f["linhadigitavel"].as_str().unwrap(),
            Some(cents(&f["valor"])),
        );
        if f["vencimento"].as_str().unwrap() < "2026-03-18" {
            assert_eq!(f["vencimento_atualizado"], "2026-03-18");
        }
    }
}

#[tokio::test]
async fn the_second_copy_reissues_the_oldest_open_title_for_today_and_opens_an_occurrence() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id").to_string();
    let before = s.sgp.state().story().occurrences.len();
    let (_, body) = s
        .call("/api/ura/fatura2via/", &[("contrato", &contract)])
        .await;
    assert_eq!(body["status"], 1);
    let links = body["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    let oldest = s.fx("blocked")["titulos_abertos"][0].as_u64().unwrap();
    assert_eq!(links[0]["fatura"], oldest);
    assert_eq!(links[0]["vencimento"], "2026-03-18");
    let boleto = assert_valid_linha(
        links[0]["linhadigitavel"].as_str().unwrap(),
        Some(cents(&links[0]["valor"])),
    );
    assert_eq!(boleto.due_date(TODAY).unwrap(), Some(TODAY));
    assert_valid_pix(
        links[0]["codigopix"].as_str().unwrap(),
        cents(&links[0]["valor"]),
    );
    let story = s.sgp.state().story();
    assert_eq!(
        story.occurrences.len(),
        before + 1,
        "fatura2via opens an occurrence"
    );
    assert_eq!(
        body["protocolo"],
        story.occurrences.last().unwrap().protocol.as_str()
    );

    let (_, quiet) = s
        .call(
            "/api/ura/fatura2via/",
            &[
                ("contrato", &contract),
                ("nao_gerar_os", "1"),
                ("faturas_abertas_todas", "1"),
            ],
        )
        .await;
    assert_eq!(quiet["links"].as_array().unwrap().len(), 3);
    assert_eq!(quiet["protocolo"], Value::Null);
    assert_eq!(s.sgp.state().story().occurrences.len(), before + 1);
    for link in quiet["links"].as_array().unwrap() {
        assert_valid_linha(
            link["linhadigitavel"].as_str().unwrap(),
            Some(cents(&link["valor"])),
        );
        assert_valid_pix(link["codigopix"].as_str().unwrap(), cents(&link["valor"]));
    }
}

#[tokio::test]
async fn the_second_copy_refuses_what_it_cannot_find() {
    let s = sim().await;
    let (_, missing) = s.call("/api/ura/fatura2via/", &[]).await;
    assert_eq!(missing["status"], 0);
    let unknown = s.f["unknown_document"].as_str().unwrap().to_string();
    let (_, none) = s
        .call("/api/ura/fatura2via/", &[("cpfcnpj", &unknown)])
        .await;
    assert_eq!(
        (
            none["status"].as_i64(),
            none["links"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    let cancelled = s.fx("cancelled")["document"].as_str().unwrap().to_string();
    let (_, nothing) = s
        .call(
            "/api/ura/fatura2via/",
            &[("cpfcnpj", &cancelled), ("nao_gerar_os", "1")],
        )
        .await;
    assert_eq!(nothing["status"], 0);
    assert_eq!(nothing["links"], serde_json::json!([]));
}

#[tokio::test]
async fn boleto_links_serve_an_html_page_and_a_valid_pdf() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    let (_, body) = s
        .call(
            "/api/ura/fatura2via/",
            &[
                ("contrato", &contract),
                ("link_pdf", "1"),
                ("nao_gerar_os", "1"),
            ],
        )
        .await;
    let pdf_link = body["links"][0]["link"].as_str().unwrap().to_string();
    assert!(pdf_link.ends_with(".pdf"), "{pdf_link}");
    let response = s.http.get(&pdf_link).send().await.unwrap();
    assert_eq!(content_type(&response), "application/pdf");
    let file = response.bytes().await.unwrap();
    assert_pdf(&file);
    assert!(String::from_utf8_lossy(&file).contains("Linha digitavel"));

    let titles = s.open_titles(contract.parse().unwrap()).await;
    let page = titles[0]["link"].as_str().unwrap();
    let response = s.http.get(page).send().await.unwrap();
    assert!(content_type(&response).starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("Linha digitável"));
    let wrong = page.replace("/boleto/", "/boleto/9").replace("-", "-X");
    assert_eq!(s.http.get(wrong).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn pix_is_the_value_due_today_and_is_refused_for_a_paid_or_foreign_title() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let titles = s.open_titles(contract).await;
    let overdue = titles
        .iter()
        .find(|t| t["diasAtraso"].as_i64().unwrap() > 0)
        .unwrap();
    let id = overdue["id"].as_u64().unwrap();
    let (_, body) = s
        .call(
            &format!("/api/ura/pagamento/pix/{id}"),
            &[("contrato", &contract.to_string())],
        )
        .await;
    assert_eq!(body["status"], 1);
    assert_eq!(body["msg"], "Dados do Pix");
    assert_valid_pix(
        body["pix"].as_str().unwrap(),
        cents(&overdue["valorCorrigido"]),
    );
    let other = s.id("active", "contrato_id").to_string();
    let (_, foreign) = s
        .call(
            &format!("/api/ura/pagamento/pix/{id}"),
            &[("contrato", &other)],
        )
        .await;
    assert_eq!(foreign["status"], 0);
    let story = s.sgp.state().story();
    let paid = story
        .titles
        .iter()
        .find(|t| {
            t.contract_id == contract
                && t.status == ponte_simulators::sgp::story::model::TitleStatus::Paid
        })
        .unwrap();
    let (_, closed) = s
        .call(
            &format!("/api/ura/pagamento/pix/{}", paid.id),
            &[("contrato", &contract.to_string())],
        )
        .await;
    assert_eq!(closed["status"], 0);
}

#[tokio::test]
async fn every_linha_and_pix_code_the_simulator_serves_is_valid() {
    let s = sim().await;
    let mut offset = 0;
    let mut seen = 0;
    loop {
        let (_, page) = s
            .call("/api/ura/titulos/", &[("offset", &offset.to_string())])
            .await;
        let titles = page["titulos"].as_array().unwrap();
        if titles.is_empty() {
            break;
        }
        for t in titles {
            assert_valid_linha(
                t["linhaDigitavel"].as_str().unwrap(),
                Some(cents(&t["valor"])),
            );
            assert_eq!(t["codigoBarras"].as_str().unwrap().len(), 44);
            assert_valid_pix(t["codigoPix"].as_str().unwrap(), cents(&t["valor"]));
            seen += 1;
        }
        offset += titles.len();
    }
    assert_eq!(seen, s.sgp.state().story().titles.len());
    let response = s
        .post(
            "/api/ura/titulos/",
            &[("status", "abertos"), ("limit", "30")],
        )
        .await;
    let (_, open) = read(response).await;
    for t in open["titulos"].as_array().unwrap() {
        let contract = t["clienteContrato"].to_string();
        let (_, pix) = s
            .call(
                &format!("/api/ura/pagamento/pix/{}", t["id"]),
                &[("contrato", &contract)],
            )
            .await;
        assert_valid_pix(pix["pix"].as_str().unwrap(), cents(&t["valorCorrigido"]));
    }
}

#[tokio::test]
async fn the_customer_areas_second_copy_needs_the_contract_and_shows_only_the_customers_own() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let c = s.contract(contract).await;
    let doc = s.fx("blocked")["document"].as_str().unwrap().to_string();
    let password = c["contratoCentralSenha"].as_str().unwrap().to_string();
    let login = [("cpfcnpj", doc.as_str()), ("senha", password.as_str())];
    let (_, missing) = read(s.post_bare("/api/central/fatura2via/", &login).await).await;
    assert_eq!(missing["status"], 0);
    let own = contract.to_string();
    let mut fields = login.to_vec();
    fields.extend([("contrato", own.as_str()), ("nao_gerar_os", "1")]);
    let (_, body) = read(s.post_bare("/api/central/fatura2via/", &fields).await).await;
    assert_eq!(body["status"], 1);
    assert_eq!(body["contratoId"], contract);
    let other = s.id("active", "contrato_id").to_string();
    let mut fields = login.to_vec();
    fields.push(("contrato", other.as_str()));
    let (_, foreign) = read(s.post_bare("/api/central/fatura2via/", &fields).await).await;
    assert_eq!(foreign["status"], 0);
}
