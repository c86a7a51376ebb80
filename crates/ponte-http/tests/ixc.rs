//! End to end over loopback: Ponte runs the shipped IXC preset against the IXC simulator.

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

#[tokio::test]
async fn list_invoices_through_the_ixc_preset_answers_the_simulators_open_invoices() {
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
    integration.bindings.insert(
        "list_invoices".into(),
        AutomationRef::Preset {
            preset: "ixc".into(),
        },
    );
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

    let answer = reqwest::Client::new()
        .post(format!("http://{addr}/v1/functions/list_invoices"))
        .bearer_auth(&key)
        .json(&json!({"customer_document_number": customer.document}))
        .send()
        .await
        .unwrap();
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
    erp.shutdown().await;
}
