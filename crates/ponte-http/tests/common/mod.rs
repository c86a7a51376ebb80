//! The black-box harness: Ponte on 127.0.0.1:0 with a fresh SQLite file, fake ERPs on loopback
//! and typed helpers to call it over real HTTP.

#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod automations;
pub mod erp;
pub mod ixc;
pub mod preset;

use std::net::SocketAddr;
use std::sync::Arc;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, ExecutionId, ExecutionRecord, Integration, IntegrationId};
use ponte_core::service::{Ponte, RecordingPolicy};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::oneshot;

pub use erp::FakeErp;

/// A running Ponte.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Arc<SqliteStore>,
    pub ponte: Arc<Ponte>,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The problem's `code`, after checking the answer is a problem with the given status.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        for field in ["type", "title", "detail", "code"] {
            assert!(body[field].is_string(), "no `{field}` in {body}");
        }
        body
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|state| state).await
    }

    /// Spawns with a changed state (a smaller body limit, ...).
    pub async fn spawn_with(configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        Self::spawn_recording(RecordingPolicy::default(), configure).await
    }

    /// Spawns with a recording policy of its own (to keep the traces of successful calls).
    pub async fn spawn_recording(
        recording: RecordingPolicy,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[9u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let transport = ReqwestTransport::new(false).unwrap();
        let ponte = Ponte::with_recording(
            store.clone(),
            Engine::new(Arc::new(transport)),
            Arc::new(automations::presets()),
            recording,
        );
        let ponte = Arc::new(ponte);
        let state = configure(AppState::new(ponte.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(ponte_http::serve(listener, state, async {
            let _ = stopped.await;
        }));
        TestApp {
            addr,
            store,
            ponte,
            client: reqwest::Client::new(),
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// Creates an active integration speaking to `erp`, every function bound to the test
    /// preset, and returns a fresh API key for it.
    pub async fn provision(&self, id: &str, erp: &FakeErp) -> String {
        self.provision_with(id, erp, |_| {}).await
    }

    pub async fn provision_with(
        &self,
        id: &str,
        erp: &FakeErp,
        configure: impl FnOnce(&mut Integration),
    ) -> String {
        let id = IntegrationId::parse(id).unwrap();
        let mut integration = Integration::new(id.clone(), format!("ISP {id}"));
        integration
            .variables
            .insert("base_url".into(), erp.base_url());
        integration.settings.timeouts.request_ms = 500;
        integration.settings.timeouts.function_ms = 3_000;
        // The fake ERPs count what they receive; the catalog cache is off unless a test asks.
        integration.settings.cache.lists_ttl_seconds = 0;
        for function in ponte_catalog::catalog() {
            integration.bindings.insert(
                function.id.as_str().to_owned(),
                AutomationRef::Preset {
                    preset: automations::PRESET.into(),
                },
            );
        }
        configure(&mut integration);
        self.store.create_integration(&integration).await.unwrap();
        self.store
            .set_secret(&id, "token", &SecretString::from(erp.token.clone()))
            .await
            .unwrap();
        let key = self.store.create_api_key(&id).await.unwrap().plain.reveal();
        // Written to the store directly, not through the admin API: reload the service's
        // snapshot, as another process would within its refresh interval.
        self.ponte.refresh().await.unwrap();
        key
    }

    /// The record of a run, once the writer has stored it.
    pub async fn execution(&self, id: &ExecutionId) -> ExecutionRecord {
        self.ponte.flush_executions().await;
        self.store.get_execution(id).await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `POST /v1/functions/{function}` with a JSON body.
    pub async fn call(&self, key: &str, function: &str, input: Value) -> Answer {
        let request = self
            .client
            .post(self.url(&format!("/v1/functions/{function}")))
            .bearer_auth(key)
            .json(&input);
        read(request.send().await.unwrap()).await
    }

    /// `POST /v1/functions/{function}` with raw bytes and headers of the test's choosing.
    pub async fn call_raw(
        &self,
        key: Option<&str>,
        function: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .client
            .post(self.url(&format!("/v1/functions/{function}")))
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        read(request.send().await.unwrap()).await
    }

    /// Spawns with the admin API open to [`ADMIN_TOKEN`].
    pub async fn spawn_admin() -> TestApp {
        Self::spawn_with(|state| state.with_admin_token(SecretString::from(ADMIN_TOKEN))).await
    }

    /// An admin request sending `token` (none: no `Authorization` header) and a JSON body.
    pub async fn admin_as(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    /// `GET` on the admin API with the admin token.
    pub async fn admin_get(&self, path: &str) -> Answer {
        self.admin_as(Some(ADMIN_TOKEN), reqwest::Method::GET, path, None)
            .await
    }

    /// `POST` on the admin API with the admin token.
    pub async fn admin_post(&self, path: &str, body: Value) -> Answer {
        self.admin_as(Some(ADMIN_TOKEN), reqwest::Method::POST, path, Some(body))
            .await
    }

    /// `DELETE` on the admin API with the admin token.
    pub async fn admin_delete(&self, path: &str) -> Answer {
        self.admin_as(Some(ADMIN_TOKEN), reqwest::Method::DELETE, path, None)
            .await
    }

    pub async fn get(&self, key: Option<&str>, path: &str) -> Answer {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        read(request.send().await.unwrap()).await
    }

    /// `POST path` with a JSON body and an API key.
    pub async fn post_json(&self, key: &str, path: &str, body: Value) -> Answer {
        let request = self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .json(&body);
        read(request.send().await.unwrap()).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer {
        status,
        headers,
        text,
    }
}

/// The admin token of [`TestApp::spawn_admin`].
pub const ADMIN_TOKEN: &str = "admin-token-of-the-tests-7c1e9a4b2d6f0e83";

/// A valid CPF, for inputs that need one.
pub const CPF: &str = "529.982.247-25";
pub const CPF_BARE: &str = "52998224725";
