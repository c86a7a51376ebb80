//! The standard API over real HTTP: the token header, the five GET operations in each field
//! set, not-found answers, the public PDFs, the options, faults, and the story it shares with
//! the SGP simulator.

use std::time::Duration;

use ponte_simulators::faults::Fault;
use ponte_simulators::sgp::{SgpConfig, SgpState};
use ponte_simulators::standard::{
    FieldSet, MoneyFormat, NotFound, RunningStandard, StandardConfig, StandardGuesses, start,
};
use serde_json::{Value, json};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 03 - 18);

struct Api {
    api: RunningStandard,
    http: reqwest::Client,
    token: String,
    f: Value,
}

async fn api_with(config: StandardConfig) -> Api {
    let token = config.token.clone();
    let api = start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = reqwest::Client::new();
    let f = http
        .get(format!("{}/__sim/fixtures", api.root_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Api {
        api,
        http,
        token,
        f,
    }
}

async fn api() -> Api {
    api_with(StandardConfig::with(42, TODAY)).await
}

fn with_guesses(guesses: StandardGuesses) -> StandardConfig {
    StandardConfig {
        guesses,
        ..StandardConfig::with(42, TODAY)
    }
}

impl Api {
    fn doc(&self, name: &str) -> String {
        self.f["fixtures"][name]["document"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.api.base_url()))
            .bearer_auth(&self.token)
            .query(query)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

fn cents(value: &Value) -> i64 {
    (value.as_f64().unwrap() * 100.0).round() as i64
}

#[tokio::test]
async fn a_missing_wrong_or_unschemed_token_is_refused_with_401() {
    let a = api().await;
    let url = format!("{}/clientes", a.api.base_url());
    let query = [("cnpj_cpf", a.doc("active"))];
    let missing = a.http.get(&url).query(&query).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({"error": "Token não informado"})
    );
    let wrong = a
        .http
        .get(&url)
        .query(&query)
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        json!({"error": "Token inválido"})
    );
    let bare = a
        .http
        .get(&url)
        .query(&query)
        .header("Authorization", a.token.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401, "the scheme is part of the header");
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", &a.doc("active"))])
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_and_an_issued_one_expires() {
    let a = api().await;
    let root = a.api.root_url();
    let revoked = a
        .http
        .post(format!("{root}/__sim/credentials/revoke"))
        .json(&json!({"token": a.token}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", &a.doc("active"))])
            .await
            .0,
        401
    );
    let issued: Value = a
        .http
        .post(format!("{root}/__sim/credentials/tokens"))
        .json(&json!({"lifetime_ms": 300}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let short = Api {
        token: issued["token"].as_str().unwrap().to_string(),
        ..a
    };
    assert_eq!(
        short
            .get("/clientes", &[("cnpj_cpf", &short.doc("active"))])
            .await
            .0,
        200
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        short
            .get("/clientes", &[("cnpj_cpf", &short.doc("active"))])
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn the_customer_answer_has_exactly_the_current_fields() {
    let a = api().await;
    let (status, body) = a.get("/clientes", &[("cnpj_cpf", &a.doc("active"))]).await;
    assert_eq!(status, 200);
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "aniversario",
            "ativo",
            "bairro_endereco",
            "cep_endereco",
            "cidade_endereco",
            "complemento_endereco",
            "data_registro",
            "estado_endereco",
            "id_contrato",
            "id_remoto",
            "nome_completo",
            "numero_endereco",
            "rua_endereco",
        ]
    );
    let fx = &a.f["fixtures"]["active"];
    assert_eq!(body["id_remoto"], fx["id_remoto"]);
    assert_eq!(body["id_contrato"], fx["id_contrato"]);
    assert_eq!(body["ativo"], true);
    let (_, cancelled) = a
        .get("/clientes", &[("cnpj_cpf", &a.doc("cancelled"))])
        .await;
    assert_eq!(cancelled["ativo"], false);
    let masked = fx["cnpj_cpf"].as_str().unwrap();
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", masked)]).await.1["id_remoto"],
        fx["id_remoto"]
    );
    let alnum = a.doc("alphanumeric_cnpj");
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", &alnum)]).await.1["id_remoto"],
        a.f["fixtures"]["alphanumeric_cnpj"]["id_remoto"]
    );
}

#[tokio::test]
async fn unknown_missing_and_invalid_documents_are_refused() {
    let a = api().await;
    let unknown = a.f["unknown_document"].as_str().unwrap().to_string();
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", &unknown)]).await,
        (404, json!({"error": "Cliente não encontrado"}))
    );
    assert_eq!(a.get("/boletos", &[("document", &unknown)]).await.0, 404);
    assert_eq!(a.get("/clientes", &[]).await.0, 400);
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", "52998224700")]).await.0,
        400
    );
    assert_eq!(a.get("/nao_existe", &[]).await.0, 404);

    let empty = api_with(with_guesses(StandardGuesses {
        not_found: NotFound::Empty,
        ..StandardGuesses::default()
    }))
    .await;
    assert_eq!(
        empty.get("/clientes", &[("cnpj_cpf", &unknown)]).await,
        (200, json!({}))
    );
    assert_eq!(
        empty.get("/boletos", &[("document", &unknown)]).await,
        (200, json!([]))
    );
}

#[tokio::test]
async fn open_boletos_carry_values_with_charges_and_a_code_from_id_and_document() {
    let a = api().await;
    let doc = a.doc("blocked");
    let (_, body) = a.get("/boletos", &[("document", &doc)]).await;
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let with_charges = items.iter().filter(|b| cents(&b["juros"]) > 0).count();
    assert_eq!(with_charges, 2, "the two overdue ones");
    for b in items {
        assert_eq!(
            cents(&b["valor_atual"]),
            cents(&b["valor_inicial"]) + cents(&b["juros"]) + cents(&b["multa"])
        );
        assert_eq!(b["document_number"], doc.as_str());
        assert_eq!(b["remote_id"], a.f["fixtures"]["blocked"]["id_remoto"]);
        assert_eq!(
            b["code_fatura"],
            format!("{}-{doc}", b["id_fatura"]).as_str()
        );
        assert!(
            b.get("linha_digitavel").is_none(),
            "only in the older field set"
        );
    }
    let two = &a.f["fixtures"]["two_contracts"];
    let reduced = two["contratos"][1].to_string();
    let (_, one_contract) = a
        .get(
            "/boletos",
            &[
                ("document", &a.doc("two_contracts")),
                ("id_contrato", &reduced),
            ],
        )
        .await;
    assert_eq!(one_contract.as_array().unwrap().len(), 3);
    let (_, legacy_param) = a
        .get(
            "/boletos",
            &[(
                "id_cliente",
                &a.f["fixtures"]["blocked"]["id_remoto"].to_string(),
            )],
        )
        .await;
    assert_eq!(legacy_param.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_older_field_set_has_contacts_alerts_valid_linhas_and_boleto_pdfs() {
    let a = api_with(with_guesses(StandardGuesses {
        field_set: FieldSet::Legacy,
        ..StandardGuesses::default()
    }))
    .await;
    let (_, customer) = a.get("/clientes", &[("cnpj_cpf", &a.doc("blocked"))]).await;
    assert!(customer.get("nome_completo").is_none());
    assert!(customer["alerta"].as_str().unwrap().contains("acordo"));
    assert!(
        customer["telefone_celular"]
            .as_str()
            .unwrap()
            .starts_with('(')
    );
    assert!(customer["email"].as_str().unwrap().contains('@'));
    let (_, boletos) = a.get("/boletos", &[("document", &a.doc("blocked"))]).await;
    for b in boletos.as_array().unwrap() {
        let linha = b["linha_digitavel"].as_str().unwrap();
        let boleto = ponte_br::Boleto::parse(linha).unwrap();
        assert_eq!(
            boleto.amount().unwrap().get() as i64,
            cents(&b["valor_inicial"])
        );
        let pdf = a
            .http
            .get(b["url_boleto"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
}

#[tokio::test]
async fn notes_statement_and_declarations_list_with_their_pdfs() {
    let a = api().await;
    let doc = a.doc("active");
    let (_, notes) = a.get("/notas_fiscais", &[("document", &doc)]).await;
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), 3);
    for n in notes {
        assert_eq!(n["status"], "Autorizada");
        assert_eq!(n["valor_pago"], n["valor"]);
        assert!(n["data_baixa"].is_string());
        let pdf = a
            .http
            .get(n["url_nota_fiscal"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
    let (_, statement) = a.get("/extratos", &[("document", &doc)]).await;
    assert_eq!(statement.as_array().unwrap().len(), 4);
    assert!(
        statement
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["data_baixa"].is_null())
    );
    // The cancelled customer paid every title of last year, whatever its due day.
    let cancelled = a.doc("cancelled");
    let (_, declarations) = a
        .get("/declaracoes_quitacao", &[("document", &cancelled)])
        .await;
    let years = declarations.as_array().unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years[0]["ano"], 2025);
    let pdf = a
        .http
        .get(years[0]["url_declaracao"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test]
async fn money_as_text_and_a_custom_token_header_are_options() {
    let a = api_with(with_guesses(StandardGuesses {
        money: MoneyFormat::Text,
        token_header: "X-Api-Token".to_string(),
        token_scheme: None,
        ..StandardGuesses::default()
    }))
    .await;
    let response = a
        .http
        .get(format!("{}/boletos", a.api.base_url()))
        .header("X-Api-Token", a.token.as_str())
        .query(&[("document", a.doc("active"))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let value = body[0]["valor_inicial"].as_str().unwrap();
    assert!(
        value.len() >= 4 && value.as_bytes()[value.len() - 3] == b'.',
        "{value}"
    );
    assert_eq!(
        a.get("/boletos", &[("document", &a.doc("active"))]).await.0,
        401
    );
}

#[tokio::test]
async fn faults_apply_and_requests_are_counted() {
    let a = api().await;
    a.api.faults().set_next(1, Fault::Status(503));
    assert_eq!(
        a.http
            .get(format!("{}/clientes", a.api.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    a.api.faults().set_next(1, Fault::RejectToken);
    assert_eq!(
        a.get("/clientes", &[("cnpj_cpf", &a.doc("active"))]).await,
        (401, json!({"error": "Token inválido"}))
    );
    assert_eq!(a.api.requests().count("/api/clientes"), 2);
}

#[tokio::test]
async fn the_standard_api_tells_the_same_story_as_the_sgp_simulator() {
    let a = api().await;
    let sgp = SgpState::new(SgpConfig::with(42, TODAY));
    let fixtures = sgp.fixtures();
    assert_eq!(a.doc("blocked"), fixtures.blocked.document);
    assert_eq!(
        a.f["fixtures"]["blocked"]["id_remoto"],
        fixtures.blocked.customer_id
    );
    assert_eq!(a.f["unknown_document"], fixtures.unknown_document.as_str());
    for key in [
        "active",
        "blocked",
        "cancelled",
        "unlock_used",
        "unlock_not_allowed",
        "company",
        "alphanumeric_cnpj",
        "unmasked_document",
        "two_contracts",
        "partial_payment",
    ] {
        assert!(a.f["fixtures"][key]["id_remoto"].is_u64(), "{key}");
    }
    let other = api_with(StandardConfig::with(7, TODAY)).await;
    assert_ne!(other.doc("blocked"), a.doc("blocked"));
}
