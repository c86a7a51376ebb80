//! Ponte on loopback with one shipped preset bound to every function it serves, in front of
//! whatever ERP the test started (a simulator), and with payment workers running: the harness
//! of the per-ERP tests and of the conformance scenario.

use std::sync::Arc;
use std::time::Duration;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::{PaymentSettings, Ponte};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::Value;

use super::ixc::Shipped;
use super::{Answer, read};

/// Ponte with one integration, named after its preset.
pub struct PresetApp {
    pub addr: std::net::SocketAddr,
    pub store: Arc<SqliteStore>,
    pub ponte: Arc<Ponte>,
    /// The integration's API key.
    pub key: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl PresetApp {
    /// Ponte with an integration `preset` taking the shipped preset of that name for every
    /// function it serves, with `secrets` stored and `configure` applied (variables,
    /// timeouts...).
    pub async fn start(
        preset: &str,
        secrets: &[(&str, &str)],
        configure: impl FnOnce(&mut Integration),
    ) -> PresetApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[3u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let id = IntegrationId::parse(preset).unwrap();
        let mut integration = Integration::new(id.clone(), format!("{preset} simulado"));
        integration.preset = Some(preset.into());
        let shipped = ponte_presets::preset(preset).unwrap_or_else(|| panic!("no preset {preset}"));
        for (function, _, _) in shipped.automations {
            integration.bindings.insert(
                function.as_str().to_owned(),
                AutomationRef::Preset {
                    preset: preset.into(),
                },
            );
        }
        configure(&mut integration);
        store.create_integration(&integration).await.unwrap();
        for (name, value) in secrets {
            store
                .set_secret(&id, name, &SecretString::from((*value).to_owned()))
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
            Ponte::new(
                store.clone(),
                Engine::new(Arc::new(transport)),
                Arc::new(Shipped),
            )
            .with_payment_settings(settings),
        );
        ponte.refresh().await.unwrap();
        tokio::spawn(ponte.clone().run_payment_workers());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(ponte_http::serve(
            listener,
            AppState::new(ponte.clone()),
            std::future::pending(),
        ));
        PresetApp {
            addr,
            store,
            ponte,
            key,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// `POST /v1/functions/{function}` with the integration's key.
    pub async fn call(&self, function: &str, input: Value) -> Answer {
        let response = self
            .client
            .post(format!("http://{}/v1/functions/{function}", self.addr))
            .bearer_auth(&self.key)
            .json(&input)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// Calls `function`, checks the answer is 200 and answers its body.
    pub async fn ok(&self, function: &str, input: Value) -> Value {
        let answer = self.call(function, input).await;
        assert_eq!(answer.status, 200, "{function}: {}", answer.text);
        answer.json()
    }

    /// Calls `function` and answers the problem's body after checking its status and code.
    pub async fn problem(&self, function: &str, input: Value, status: u16, code: &str) -> Value {
        let answer = self.call(function, input).await;
        let problem = answer.problem(status);
        assert_eq!(problem["code"], code, "{function}: {problem}");
        problem
    }

    /// Submits a payment and waits for its final state.
    pub async fn pay(&self, body: &Value) -> Value {
        let answer = self
            .client
            .post(format!("http://{}/v1/payments", self.addr))
            .bearer_auth(&self.key)
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let transaction = body["transaction"]["id"].as_str().unwrap();
        for _ in 0..200 {
            let state: Value = self
                .client
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
}

/// Cents as the catalog writes money: `"99.90"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// A date as the catalog writes it: `"2026-10-10"`.
pub fn iso(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
