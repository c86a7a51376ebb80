//! End to end over loopback: Ponte runs the shipped IXC preset against the IXC simulator,
//! answers what IXC has, and says `not_found_in_erp` for what it does not have.

use std::sync::Arc;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::{Ponte, PresetSource};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_simulators::ixc::{self, IxcConfig};
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::{Value, json};

/// The presets embedded in the binary, as the service sees them.
#[derive(Debug)]
struct Shipped;

impl PresetSource for Shipped {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        let yaml = ponte_presets::preset(preset)?.automation(function)?;
        Some((format!("{preset}/{function}.yaml"), yaml.to_owned()))
    }
}

/// Ponte on loopback with the shipped IXC preset bound to every function, in front of a
/// fresh IXC simulator.
struct IxcApp {
    addr: std::net::SocketAddr,
    key: String,
    erp: ixc::RunningIxc,
    _dir: tempfile::TempDir,
}

impl IxcApp {
    async fn start() -> IxcApp {
        let config = IxcConfig::default();
        let erp = ixc::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[3u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let id = IntegrationId::parse("ixc").unwrap();
        let mut integration = Integration::new(id.clone(), "IXC simulado");
        integration.preset = Some("ixc".into());
        integration.variables = [
            ("base_url".to_owned(), erp.base_url()),
            ("ixc_user_id".to_owned(), config.user_id.clone()),
            ("with_pix".to_owned(), "N".to_owned()),
        ]
        .into();
        for function in ponte_catalog::catalog() {
            integration.bindings.insert(
                function.id.as_str().to_owned(),
                AutomationRef::Preset {
                    preset: "ixc".into(),
                },
            );
        }
        store.create_integration(&integration).await.unwrap();
        store
            .set_secret(&id, "ixc_token", &SecretString::from(config.token.clone()))
            .await
            .unwrap();
        let key = store.create_api_key(&id).await.unwrap().plain.reveal();
        let transport = ReqwestTransport::new(false).unwrap();
        let ponte = Ponte::new(store, Engine::new(Arc::new(transport)), Arc::new(Shipped));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(ponte_http::serve(
            listener,
            AppState::new(Arc::new(ponte)),
            std::future::pending(),
        ));
        IxcApp {
            addr,
            key,
            erp,
            _dir: dir,
        }
    }

    async fn call(&self, function: &str, input: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("http://{}/v1/functions/{function}", self.addr))
            .bearer_auth(&self.key)
            .json(&input)
            .send()
            .await
            .unwrap()
    }

    /// Calls `function` and checks the answer is `404 not_found_in_erp` with the automation's
    /// `code`, naming a run; answers the problem.
    async fn not_found(&self, function: &str, input: Value, code: &str) -> Value {
        let answer = self.call(function, input).await;
        assert_eq!(answer.status(), 404);
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
        let run = answer.headers()["ponte-execution-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let problem: Value = answer.json().await.unwrap();
        assert_eq!(problem["code"], "not_found_in_erp", "{problem}");
        assert_eq!(problem["status"], 404, "{problem}");
        assert_eq!(problem["automation_code"], code, "{problem}");
        assert_eq!(problem["execution_id"], run.as_str(), "{problem}");
        problem
    }
}

#[tokio::test]
async fn list_invoices_through_the_ixc_preset_answers_the_simulators_open_invoices() {
    let app = IxcApp::start().await;
    let erp = &app.erp;
    // A customer with open, released invoices in the seeded data.
    let state = erp.state();
    let (customer, open) = state
        .customers()
        .into_iter()
        .map(|c| {
            let open: Vec<_> = state
                .invoices_of(&c.id)
                .into_iter()
                .filter(|i| i.liberado == "S" && (i.status == "A" || i.status == "P"))
                .collect();
            (c, open)
        })
        .find(|(_, open)| !open.is_empty())
        .expect("the seed has a customer with open invoices");

    let answer = app
        .call(
            "list_invoices",
            json!({"customer_document_number": customer.document}),
        )
        .await;
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().contains_key("ponte-execution-id"));
    let invoices: Vec<Value> = answer.json().await.unwrap();
    let mut got: Vec<&str> = invoices
        .iter()
        .map(|i| i["fatura"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = open.iter().map(|i| i.id.as_str()).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    for invoice in &invoices {
        let seeded = open.iter().find(|i| i.id == invoice["fatura"]).unwrap();
        assert_eq!(invoice["nome_cliente"], customer.razao.as_str());
        assert_eq!(invoice["document_number"], customer.document.as_str());
        assert_eq!(invoice["vencimento"], seeded.data_vencimento.as_str());
        assert_eq!(
            invoice["linha_digitavel"].as_str().unwrap(),
            seeded
                .linha_digitavel
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        );
    }
}

#[tokio::test]
async fn the_pdf_of_a_boleto_ixc_does_not_have_is_not_found_in_erp_not_an_erp_failure() {
    let app = IxcApp::start().await;
    let unknown = "987654321";
    assert!(
        app.erp.state().customers().iter().all(|c| app
            .erp
            .state()
            .invoices_of(&c.id)
            .iter()
            .all(|i| i.id != unknown)),
        "the seed has no boleto {unknown}"
    );
    let problem = app
        .not_found(
            "get_boleto_pdf",
            json!({"boleto_id": unknown}),
            "boleto_not_found",
        )
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains(unknown),
        "{problem}"
    );
}

#[tokio::test]
async fn a_customer_ixc_does_not_have_is_not_found_in_erp_wherever_one_is_named() {
    let app = IxcApp::start().await;
    // A valid CPF that is none of the seeded customers'.
    let stranger = "111.444.777-35";
    let digits: String = stranger.chars().filter(char::is_ascii_digit).collect();
    assert!(
        app.erp.state().customers().iter().all(|c| {
            c.document
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                != digits
        }),
        "the seed has no customer {stranger}"
    );
    let calls = [
        (
            "trust_unlock",
            json!({"customer_document_number": stranger, "contract_id": "1"}),
        ),
        (
            "get_fiscal_note_pdf",
            json!({"customer_document_number": stranger, "nota_id": "1"}),
        ),
        (
            "create_ticket",
            json!({"customer_document_number": stranger, "subject": "Sem sinal", "message": "Desde ontem"}),
        ),
    ];
    for (function, input) in calls {
        let problem = app.not_found(function, input, "customer_not_found").await;
        // The document is masked in the detail, as in every error.
        assert!(
            !problem.to_string().contains(&digits) && !problem.to_string().contains(stranger),
            "{function}: {problem}"
        );
    }
}

#[tokio::test]
async fn the_pdf_of_a_fiscal_note_of_another_customer_is_not_found_in_erp() {
    let app = IxcApp::start().await;
    let state = app.erp.state();
    let customer = state
        .customers()
        .into_iter()
        .next()
        .expect("a seeded customer");
    let problem = app
        .not_found(
            "get_fiscal_note_pdf",
            json!({"customer_document_number": customer.document, "nota_id": "987654321"}),
            "fiscal_note_not_found",
        )
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("987654321"),
        "{problem}"
    );
}
