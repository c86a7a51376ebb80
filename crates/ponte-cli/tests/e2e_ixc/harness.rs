//! The end-to-end harness: the IXC simulator and Ponte, each on 127.0.0.1:0, a fresh SQLite
//! file, one integration on the embedded `ixc` preset, an API key, and typed helpers to call
//! Ponte over real HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::Ponte;
use ponte_core::store::Store;
use ponte_simulators::ixc::{self, Customer, IxcConfig, IxcState, RunningIxc};
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::oneshot;

/// The simulator's fixed "today", so due dates and unlock periods are the same on every run.
pub fn today() -> time::Date {
    time::macros::date!(2026 - 03 - 10)
}

/// A running simulator with Ponte in front of it.
#[allow(missing_debug_implementations)] // holds the running servers; nothing worth printing
pub struct TestApp {
    /// The simulated IXC (its state, faults and request counters).
    pub erp: RunningIxc,
    /// The API key of the integration.
    pub key: String,
    base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// One answer of Ponte, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body, after checking the answer is a 200 with a run id.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(
            self.header("ponte-execution-id")
                .is_some_and(|id| !id.is_empty()),
            "no Ponte-Execution-Id on {:?}",
            self.headers
        );
        self.json()
    }

    /// The problem's body, after checking the status, the media type and the code.
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status, "{body}");
        body
    }
}

impl TestApp {
    /// The simulator seeded with seed 7 and Ponte with the preset's defaults.
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    /// The same, with the integration changed before it is stored (timeouts, variables...).
    pub async fn start_with(configure: impl FnOnce(&mut Integration)) -> TestApp {
        Self::start_full(|_| {}, configure).await
    }

    /// The same, with the simulator's configuration changed before it starts (tables the API
    /// user may not read...). The simulator is strict unless `erp` relaxes it.
    pub async fn start_with_erp(erp: impl FnOnce(&mut IxcConfig)) -> TestApp {
        Self::start_full(erp, |_| {}).await
    }

    async fn start_full(
        erp: impl FnOnce(&mut IxcConfig),
        configure: impl FnOnce(&mut Integration),
    ) -> TestApp {
        let mut config = IxcConfig::with(7, today());
        erp(&mut config);
        let erp = ixc::start(config.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("the simulator starts");

        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[7u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());

        let id = IntegrationId::parse("e2e-ixc").unwrap();
        let mut integration = Integration::new(id.clone(), "Provedor de teste (IXC simulado)");
        integration.preset = Some("ixc".into());
        integration
            .variables
            .insert("base_url".into(), erp.base_url());
        integration
            .variables
            .insert("ixc_user_id".into(), config.user_id.clone());
        integration
            .settings
            .payment
            .insert("account_id".into(), Value::String("1".into()));
        let preset = ponte_presets::preset("ixc").expect("the ixc preset is embedded");
        for function in FunctionId::ALL {
            if preset.automation(function).is_some() {
                integration.bindings.insert(
                    function.as_str().to_owned(),
                    AutomationRef::Preset {
                        preset: "ixc".into(),
                    },
                );
            }
        }
        configure(&mut integration);
        store.create_integration(&integration).await.unwrap();
        store
            .set_secret(&id, "ixc_token", &SecretString::from(config.token.clone()))
            .await
            .unwrap();
        let key = store.create_api_key(&id).await.unwrap().plain.reveal();

        let engine = Engine::new(Arc::new(ReqwestTransport::new(false).unwrap()));
        let ponte = Ponte::new(store, engine, Arc::new(ponte_presets::Embedded));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(ponte_http::serve(
            listener,
            ponte_http::AppState::new(Arc::new(ponte)),
            async {
                let _ = stopped.await;
            },
        ));
        TestApp {
            erp,
            key,
            base,
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// The simulator's data.
    pub fn state(&self) -> &IxcState {
        self.erp.state()
    }

    /// A seeded customer by id.
    pub fn customer(&self, id: &str) -> Customer {
        self.state()
            .customer(id)
            .unwrap_or_else(|| panic!("no customer {id}"))
    }

    /// `POST /v1/functions/{function}` with the integration's key and a JSON body.
    pub async fn call(&self, function: &str, input: Value) -> Answer {
        let response = self
            .client
            .post(format!("{}/v1/functions/{function}", self.base))
            .bearer_auth(&self.key)
            .json(&input)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{function}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Answer {
            status,
            headers,
            text,
        }
    }
}

impl TestApp {
    /// Changes columns of one row through the simulator's own webservice (`PUT <table>/<id>`),
    /// as an IXC operator would in the ERP, so a test can set up what the seed lacks.
    pub async fn erp_put(&self, table: &str, id: &str, columns: Value) {
        let config = self.state().config();
        let response = self
            .client
            .put(format!("{}/{table}/{id}", self.erp.base_url()))
            .basic_auth(&config.user_id, Some(&config.token))
            .json(&columns)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(
            status.is_success() && !text.contains("\"error\""),
            "PUT {table}/{id}: {status} {text}"
        );
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Money as the catalog writes it (`"89.90"`), from any IXC money text.
pub fn money(text: &str) -> String {
    let cents = ponte_simulators::ixc::values::parse_money(text)
        .unwrap_or_else(|| panic!("not money: {text}"));
    ponte_simulators::ixc::values::money(cents)
}

/// A date as the catalog writes it: `""` for IXC's empty dates, the day part otherwise.
pub fn date(text: &str) -> String {
    if text.is_empty() || text.starts_with("0000-00-00") {
        String::new()
    } else {
        text.chars().take(10).collect()
    }
}

/// Only the digits of a text.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// One column of a simulator row, `""` when absent.
pub fn col(row: &ponte_simulators::ixc::Row, name: &str) -> String {
    row.get(name).cloned().unwrap_or_default()
}
