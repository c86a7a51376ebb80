//! Ponte on loopback serving the shipped Hubsoft preset in front of a fresh Hubsoft simulator,
//! shared by the Hubsoft end-to-end tests, and the small helpers they read answers with.

#![allow(dead_code)] // each test binary uses its own part of it

use std::sync::Arc;
use std::time::Duration;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::{PaymentSettings, Ponte, PresetSource};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_simulators::hubsoft::{self, HubsoftConfig};
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::Value;

/// The presets embedded in the binary, as the service sees them.
#[derive(Debug)]
struct Shipped;

impl PresetSource for Shipped {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        let yaml = ponte_presets::preset(preset)?.automation(function)?;
        Some((format!("{preset}/{function}.yaml"), yaml.to_owned()))
    }
}

/// Ponte on loopback with the shipped Hubsoft preset bound to every function it serves, in
/// front of a fresh Hubsoft simulator.
pub struct HubApp {
    pub addr: std::net::SocketAddr,
    pub key: String,
    pub erp: hubsoft::RunningHubsoft,
    _dir: tempfile::TempDir,
}

impl HubApp {
    pub async fn start() -> HubApp {
        HubApp::start_with(HubsoftConfig::default(), |_| {}).await
    }

    pub async fn start_with(
        config: HubsoftConfig,
        adjust: impl FnOnce(&mut Integration),
    ) -> HubApp {
        let erp = hubsoft::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[3u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let id = IntegrationId::parse("hubsoft").unwrap();
        let mut integration = Integration::new(id.clone(), "Hubsoft simulado");
        integration.preset = Some("hubsoft".into());
        integration.variables = [
            ("base_url".to_owned(), erp.base_url()),
            ("client_id".to_owned(), config.client_id.clone()),
            ("api_user".to_owned(), config.username.clone()),
            ("cash_box_id".to_owned(), "150".to_owned()),
        ]
        .into();
        adjust(&mut integration);
        let preset = ponte_presets::preset("hubsoft").unwrap();
        for (function, _, _) in preset.automations {
            integration.bindings.insert(
                function.as_str().to_owned(),
                AutomationRef::Preset {
                    preset: "hubsoft".into(),
                },
            );
        }
        store.create_integration(&integration).await.unwrap();
        for (name, value) in [
            ("client_secret", &config.client_secret),
            ("api_password", &config.password),
        ] {
            store
                .set_secret(&id, name, &SecretString::from(value.clone()))
                .await
                .unwrap();
        }
        let key = store.create_api_key(&id).await.unwrap().plain.reveal();
        let transport = ReqwestTransport::new(false).unwrap();
        let settings = PaymentSettings {
            workers: 1,
            poll_interval: Duration::from_millis(50),
            backoff_initial: Duration::from_millis(100),
            backoff_max: Duration::from_millis(300),
            max_retry: Duration::from_secs(3_600),
            lease: Duration::from_secs(1),
            request_wait: Duration::from_secs(5),
        };
        let ponte = Arc::new(
            Ponte::new(store, Engine::new(Arc::new(transport)), Arc::new(Shipped))
                .with_payment_settings(settings),
        );
        ponte.refresh().await.unwrap();
        tokio::spawn(ponte.clone().run_payment_workers());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(ponte_http::serve(
            listener,
            AppState::new(ponte),
            std::future::pending(),
        ));
        HubApp {
            addr,
            key,
            erp,
            _dir: dir,
        }
    }

    pub async fn call(&self, function: &str, input: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("http://{}/v1/functions/{function}", self.addr))
            .bearer_auth(&self.key)
            .json(&input)
            .send()
            .await
            .unwrap()
    }

    /// Submits a payment and waits for its final state.
    pub async fn pay(&self, body: &Value) -> Value {
        let client = reqwest::Client::new();
        let answer = client
            .post(format!("http://{}/v1/payments", self.addr))
            .bearer_auth(&self.key)
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let transaction = body["transaction"]["id"].as_str().unwrap();
        for _ in 0..200 {
            let state: Value = client
                .get(format!("http://{}/v1/payments/{transaction}", self.addr))
                .bearer_auth(&self.key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if state["state"] == "settled" || state["state"] == "failed" {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("payment {transaction} did not end");
    }

    /// Calls `function`, checks the answer is 200 and answers its body.
    pub async fn ok(&self, function: &str, input: Value) -> Value {
        let answer = self.call(function, input).await;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap();
        assert_eq!(status, 200, "{function}: {body}");
        body
    }
}

/// Cents as the catalog writes money: `"99.90"`.
pub fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

pub fn iso(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The problem+json code of a refused call.
pub async fn code_of(answer: reqwest::Response) -> (u16, Value) {
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}
