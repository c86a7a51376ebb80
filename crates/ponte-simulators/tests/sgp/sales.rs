//! Tickets, pre-registrations (leads and orders), the catalogues and the fiscal notes.

use serde_json::{Value, json};

use super::common::{assert_pdf, content_type, read, sim};

#[tokio::test]
async fn a_ticket_opens_an_occurrence_that_the_occurrence_list_shows() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id");
    let (status, body) = s
        .call_json(
            "/api/ura/chamado/",
            json!({"contrato": contract, "ocorrenciatipo": 1, "conteudo": "Sem conexão desde ontem",
                   "tipoclassificacoes": [], "contato": "Ana", "contato_numero": "47999990000"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], 1);
    let protocol = body["protocolo"].as_str().unwrap().to_string();
    let number = body["ocorrencia"].as_u64().unwrap();
    let (_, list) = s
        .call(
            "/api/ura/ocorrencia/list/",
            &[("contrato", &contract.to_string())],
        )
        .await;
    let found = list["ocorrencias"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["numero"] == number)
        .cloned()
        .unwrap();
    assert_eq!(found["protocolo"], protocol.as_str());
    assert_eq!(found["conteudo"], "Sem conexão desde ontem");
    assert_eq!(found["status"], 0);
    // A form works as well as JSON.
    let (_, form) = s
        .call(
            "/api/ura/chamado/",
            &[
                ("contrato", &contract.to_string()),
                ("ocorrenciatipo", "3"),
                ("conteudo", "Mudar plano"),
            ],
        )
        .await;
    assert_eq!(form["status"], 1);
    assert_ne!(
        form["protocolo"],
        protocol.as_str(),
        "protocols never repeat"
    );
}

#[tokio::test]
async fn a_ticket_for_an_unknown_contract_or_type_is_refused() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    let (_, body) = s
        .call(
            "/api/ura/chamado/",
            &[("contrato", "424242"), ("ocorrenciatipo", "1")],
        )
        .await;
    assert_eq!(
        (body["status"].as_i64(), body["msg"].as_str()),
        (Some(0), Some("Contrato não localizado"))
    );
    for kind in ["", "999"] {
        let (_, body) = s
            .call(
                "/api/ura/chamado/",
                &[("contrato", &contract), ("ocorrenciatipo", kind)],
            )
            .await;
        assert_eq!(body["status"], 0, "{kind:?}");
    }
    let (_, types) = s.call("/api/central/tipoocorrencia/list/", &[]).await;
    assert!(types.as_array().unwrap().iter().any(|t| t["id"] == 1));
}

#[tokio::test]
async fn a_lead_is_registered_once_and_a_customers_document_is_refused_with_402() {
    let s = sim().await;
    let lead = [
        ("nome", "Roberta Almeida"),
        ("logradouro", "Rua das Palmeiras"),
        ("numero", "45"),
        ("cidade", "Blumenau"),
        ("uf", "SC"),
        ("cpfcnpj", "52998224725"),
        ("celular", "(47) 99111-2222"),
        ("plano_id", "12"),
        ("datanasc", "1990-05-20"),
    ];
    let (status, body) = s.call("/api/precadastro/F", &lead).await;
    assert_eq!(status, 200);
    assert_eq!(body["message"], "Pré-cadastro realizado com sucesso");
    assert!(body["precadastro_id"].as_u64().unwrap() > 1);
    assert!(
        body.get("cliente_id").is_none(),
        "a lead creates no customer"
    );
    let (status, again) = s.call("/api/precadastro/F", &lead).await;
    assert_eq!(status, 402);
    let customer = s.fx("active")["document"].as_str().unwrap().to_string();
    let (status, dup) = s
        .call(
            "/api/precadastro/F",
            &[("nome", "X"), ("logradouro", "Y"), ("cpfcnpj", &customer)],
        )
        .await;
    assert_eq!(status, 402);
    assert_eq!(
        dup,
        json!({"error": "Já existe um cliente com o CPF informado."})
    );
    assert_eq!(again, dup);
}

#[tokio::test]
async fn pre_registration_refuses_missing_fields_bad_dates_and_bad_documents_with_400() {
    let s = sim().await;
    let (status, body) = s.call("/api/precadastro/F", &[("nome", "Só Nome")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Verifique se todos os campos obrigatórios foram enviados."})
    );
    let (status, _) = s
        .call(
            "/api/precadastro/F",
            &[
                ("nome", "A"),
                ("logradouro", "B"),
                ("datanasc", "20/05/1990"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = s
        .call(
            "/api/precadastro/J",
            &[
                ("nome", "A"),
                ("logradouro", "B"),
                ("cpfcnpj", "52998224725"),
            ],
        )
        .await;
    assert_eq!(status, 400, "a CPF sent to /J");
    let (status, _) = s
        .call(
            "/api/precadastro/F",
            &[
                ("nome", "A"),
                ("logradouro", "B"),
                ("cpfcnpj", "52998224700"),
            ],
        )
        .await;
    assert_eq!(status, 400, "wrong check digits");
}

#[tokio::test]
async fn an_order_activated_at_once_creates_a_customer_that_consultacliente_finds() {
    let s = sim().await;
    let (status, body) = s
        .call(
            "/api/precadastro/J",
            &[
                ("nome", "Mercado Bela Vista Ltda"),
                ("logradouro", "Avenida Brasil"),
                ("numero", "900"),
                ("cidade", "Curitiba"),
                ("uf", "PR"),
                ("cpfcnpj", "11.444.777/0001-61"),
                ("email", "compras@belavista.example.com"),
                ("plano_id", "15"),
                ("vencimento_id", "2"),
                ("vendedor_id", "3"),
                ("precadastro_ativar", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let contract = body["contrato_id"].as_u64().unwrap();
    let (_, found) = s
        .call(
            "/api/ura/consultacliente/",
            &[("cpfcnpj", "11444777000161")],
        )
        .await;
    let c = &found["contratos"][0];
    assert_eq!(c["contratoId"], contract);
    assert_eq!(c["clienteId"], body["cliente_id"]);
    assert_eq!(c["contratoStatus"], 6);
    assert_eq!(c["cpfCnpj"], "11.444.777/0001-61");
    assert_eq!(c["servico_plano"], "EMPRESARIAL 600 MEGA");
    let (status, _) = s
        .call(
            "/api/precadastro/F",
            &[
                ("nome", "A"),
                ("logradouro", "B"),
                ("precadastro_ativar", "1"),
            ],
        )
        .await;
    assert_eq!(status, 400, "activation needs a plan and a due day");
}

#[tokio::test]
async fn the_catalogues_are_bare_arrays_and_there_is_no_list_of_origins() {
    let s = sim().await;
    let (_, plans) = s.call("/api/precadastro/plano/list", &[]).await;
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), 5, "the retired plan is not offered");
    assert!(
        plans
            .iter()
            .all(|p| p["id"].is_u64() && p["descricao"].is_string() && p["valor"].is_number())
    );
    let (_, due) = s.call("/api/precadastro/vencimento/list", &[]).await;
    let days: Vec<u64> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dia"].as_u64().unwrap())
        .collect();
    assert_eq!(days, [5, 10, 15, 20, 25]);
    let (_, sellers) = s.call("/api/precadastro/vendedor/list", &[]).await;
    let sellers = sellers.as_array().unwrap();
    assert_eq!(sellers.len(), 3);
    assert!(
        sellers
            .iter()
            .all(|v| v.as_object().unwrap().len() == 2 && v["nome"].is_string())
    );
    let response = s.post("/api/precadastro/midia/list", &[]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(s.f["unsupported"], json!(["list_commercial_origins"]));
}

#[tokio::test]
async fn fiscal_notes_are_listed_by_contract_and_printed_as_pdf_or_xml() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    let (_, body) = s
        .call("/api/central/nfcom/list", &[("contrato", &contract)])
        .await;
    let notes = body["nfcoms"].as_array().unwrap();
    assert_eq!(notes.len(), 3, "one per paid title");
    assert!(
        notes
            .iter()
            .all(|n| n["status"] == 1 && n["chave"].as_str().unwrap().len() == 44)
    );
    let number = notes[0]["numero"].to_string();
    let path = format!("/api/central/nfcom/print/{number}");
    let response = s.post(&path, &[("contrato", &contract)]).await;
    assert_eq!(content_type(&response), "application/pdf");
    assert_pdf(&response.bytes().await.unwrap());
    let response = s
        .post(&path, &[("contrato", &contract), ("formato", "xml")])
        .await;
    assert_eq!(content_type(&response), "application/xml");
    assert!(response.text().await.unwrap().contains("<nNF>"));
    let (status, _) = read(s.post(&path, &[]).await).await;
    assert_eq!(status, 404, "print needs the note's contract");
    let cancelled = s.id("cancelled", "contrato_id").to_string();
    let (_, body) = s
        .call(
            "/api/central/nfcom/list",
            &[("contrato", &cancelled), ("status", "8")],
        )
        .await;
    assert_eq!(body["nfcoms"].as_array().map(Vec::len), Some(1));
    // The customer area's own login lists only that customer's notes.
    let c = s.contract(contract.parse().unwrap()).await;
    let body: Value = s
        .post_bare(
            "/api/central/nfcom/list",
            &[
                ("usuario", c["contratoCentralLogin"].as_str().unwrap()),
                ("senha", c["contratoCentralSenha"].as_str().unwrap()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let owners: Vec<&Value> = body["nfcoms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["cliente"])
        .collect();
    assert!(!owners.is_empty() && owners.iter().all(|o| **o == s.fx("active")["cliente_id"]));
}

#[tokio::test]
async fn the_occurrence_list_pages_with_offset_and_limit() {
    let s = sim().await;
    let contract = s.id("active", "contrato_id").to_string();
    for n in 0..3 {
        let content = format!("Chamado {n}");
        s.call(
            "/api/ura/chamado/",
            &[
                ("contrato", &contract),
                ("ocorrenciatipo", "1"),
                ("conteudo", &content),
            ],
        )
        .await;
    }
    let (_, all) = s.call("/api/ura/ocorrencia/list/", &[]).await;
    let total = all["paginacao"]["total"].as_u64().unwrap();
    assert_eq!(all["paginacao"]["limit"], 1000);
    assert!(total >= 5, "seeded occurrences plus the new ones: {total}");
    let (_, page) = s
        .call(
            "/api/ura/ocorrencia/list/",
            &[("offset", "1"), ("limit", "2")],
        )
        .await;
    assert_eq!(page["paginacao"]["parcial"], 2);
    assert_eq!(
        page["ocorrencias"][0]["numero"],
        all["ocorrencias"][1]["numero"]
    );
    let (_, open) = s
        .call(
            "/api/ura/ocorrencia/list/",
            &[("contrato", &contract), ("status", "0")],
        )
        .await;
    assert_eq!(open["paginacao"]["total"], 3);
}
