//! Ponte on loopback with the shipped IXC preset bound to every function, in front of a fresh
//! IXC simulator, with the admin API open: the harness of the flow tests.

use std::sync::Arc;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::{Ponte, PresetSource};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_simulators::ixc::{self, IxcConfig, IxcState};
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::Value;

use super::{ADMIN_TOKEN, Answer, read};

/// The presets embedded in the binary, as the service sees them.
#[derive(Debug)]
pub struct Shipped;

impl PresetSource for Shipped {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        let yaml = ponte_presets::preset(preset)?.automation(function)?;
        Some((format!("{preset}/{function}.yaml"), yaml.to_owned()))
    }
}

/// One IXC simulator and the integration that speaks to it.
pub struct IxcErp {
    pub erp: ixc::RunningIxc,
    pub key: String,
    pub id: String,
}

impl IxcErp {
    pub fn state(&self) -> &IxcState {
        self.erp.state()
    }

    /// Requests the simulator received on one path under `/webservice/v1`.
    pub fn requests(&self, table: &str) -> u64 {
        self.erp
            .requests()
            .count(&format!("/webservice/v1/{table}"))
    }
}

/// Ponte with one or more IXC integrations.
pub struct IxcApp {
    pub addr: std::net::SocketAddr,
    pub store: Arc<SqliteStore>,
    pub ponte: Arc<Ponte>,
    pub erps: Vec<IxcErp>,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl IxcApp {
    /// One integration `ixc`, configured by `configure`.
    pub async fn start(configure: impl FnOnce(&mut Integration)) -> IxcApp {
        let mut app = IxcApp::empty().await;
        app.add("ixc", configure).await;
        app
    }

    /// Ponte with no integration yet.
    pub async fn empty() -> IxcApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[3u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let transport = ReqwestTransport::new(false).unwrap();
        let ponte = Arc::new(Ponte::new(
            store.clone(),
            Engine::new(Arc::new(transport)),
            Arc::new(Shipped),
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(ponte.clone()).with_admin_token(SecretString::from(ADMIN_TOKEN));
        tokio::spawn(ponte_http::serve(listener, state, std::future::pending()));
        IxcApp {
            addr,
            store,
            ponte,
            erps: Vec::new(),
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// Adds an integration `id` on a fresh IXC simulator; answers its index in `erps`.
    pub async fn add(&mut self, id: &str, configure: impl FnOnce(&mut Integration)) -> usize {
        let config = IxcConfig::default();
        let erp = ixc::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let integration_id = IntegrationId::parse(id).unwrap();
        let mut integration = Integration::new(integration_id.clone(), "IXC simulado");
        integration.preset = Some("ixc".into());
        let city = erp.state().rows("cidade").into_iter().next().unwrap();
        integration.variables = [
            ("base_url".to_owned(), erp.base_url()),
            ("ixc_user_id".to_owned(), config.user_id.clone()),
            ("with_pix".to_owned(), "N".to_owned()),
            ("default_city_id".to_owned(), city["id"].clone()),
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
        configure(&mut integration);
        self.store.create_integration(&integration).await.unwrap();
        self.store
            .set_secret(
                &integration_id,
                "ixc_token",
                &SecretString::from(config.token.clone()),
            )
            .await
            .unwrap();
        let key = self
            .store
            .create_api_key(&integration_id)
            .await
            .unwrap()
            .plain
            .reveal();
        self.ponte.refresh().await.unwrap();
        self.erps.push(IxcErp {
            erp,
            key,
            id: id.to_owned(),
        });
        self.erps.len() - 1
    }

    /// The first integration.
    pub fn ixc(&self) -> &IxcErp {
        &self.erps[0]
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `POST` with the first integration's key.
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.post_as(&self.ixc().key, path, body).await
    }

    pub async fn post_as(&self, key: &str, path: &str, body: Value) -> Answer {
        let request = self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .json(&body);
        read(request.send().await.unwrap()).await
    }

    /// `GET` with the first integration's key.
    pub async fn get(&self, path: &str) -> Answer {
        self.get_as(&self.ixc().key, path).await
    }

    pub async fn get_as(&self, key: &str, path: &str) -> Answer {
        let request = self.client.get(self.url(path)).bearer_auth(key);
        read(request.send().await.unwrap()).await
    }

    /// An admin request with the admin token.
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    /// Writes columns of a row through IXC's own API, as an operator of the ERP would.
    pub async fn erp_put(&self, table: &str, id: &str, columns: Value) {
        let erp = &self.ixc().erp;
        let config = erp.state().config();
        let response = self
            .client
            .put(format!("{}/{table}/{id}", erp.base_url()))
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
