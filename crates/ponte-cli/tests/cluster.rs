//! Ponte as several processes share one database, and provisioning as an operator edits the
//! file between starts: `ponte serve` started as a user would, real HTTP, the IXC simulator.
//!
//! - Two processes started at the same moment on an empty PostgreSQL database both start, and a
//!   change made through one (a new key, a revoked key) or by another process (a new secret)
//!   takes effect on the other within seconds.
//! - A key or a secret removed from the file is revoked or deleted at the next start.
//!
//! The PostgreSQL test needs `PONTE_TEST_POSTGRES_URL` when it is compiled; without it the test
//! is listed as ignored, with the reason, in the summary.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::IntegrationId;
use ponte_simulators::ixc::{self, IxcConfig, RunningIxc};
use secrecy::SecretString;
use serde_json::{Value, json};

const KEY: &str = "ponte_5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
const OTHER_KEY: &str = "ponte_6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b";
/// 32 bytes, base64.
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const ADMIN: &str = "an-admin-token-for-the-cluster-tests-4f1c";

struct Node {
    child: Child,
    base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `ponte serve` with the configuration in `dir`; `ixc_token` is what the file's secret
/// reference resolves to.
fn start(dir: &Path, ixc_token: &str) -> Node {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["serve", "--config"])
        .arg(dir.join("ponte.toml"))
        .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("TEST_MASTER_KEY", MASTER)
        .env("TEST_ADMIN_TOKEN", ADMIN)
        .env("TEST_IXC_TOKEN", ixc_token)
        .env("TEST_PONTE_KEY", KEY)
        .env("TEST_OTHER_KEY", OTHER_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    Node {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_ready(client: &reqwest::Client, node: &mut Node) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = node.child.try_wait().unwrap() {
            panic!("ponte serve exited with {status} before it was ready");
        }
        if let Ok(r) = client.get(format!("{}/readyz", node.base)).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ponte serve was not ready within 60 s");
}

/// The configuration file: one IXC integration with the keys and secrets named.
fn write_config(dir: &Path, database_url: &str, erp: &RunningIxc, keys: &[&str], secrets: &str) {
    let keys = keys
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        r#"
[database]
url = "{database_url}"
refresh_interval_ms = 200

[security]
master_key = "env:TEST_MASTER_KEY"
admin_token = "env:TEST_ADMIN_TOKEN"

[log]
format = "json"
level = "warn"

[[integrations]]
id = "acme"
name = "ACME"
preset = "ixc"
api_keys = [{keys}]

[integrations.variables]
base_url = "{base_url}"
ixc_user_id = "{user}"

[integrations.secrets]
{secrets}
"#,
        base_url = erp.base_url(),
        user = erp.state().config().user_id,
    );
    std::fs::write(dir.join("ponte.toml"), config).unwrap();
}

async fn simulator() -> RunningIxc {
    ixc::start(
        IxcConfig::with(7, time::macros::date!(2026 - 03 - 10)),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("the simulator starts")
}

async fn call(client: &reqwest::Client, node: &Node, key: &str) -> (u16, Value) {
    let answer = client
        .post(format!("{}/v1/functions/list_products", node.base))
        .bearer_auth(key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Calls until `accept` holds, for at most `within`; answers how long it took.
async fn until(
    client: &reqwest::Client,
    node: &Node,
    key: &str,
    within: Duration,
    what: &str,
    accept: impl Fn(u16) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        let (status, body) = call(client, node, key).await;
        if accept(status) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{what}: still {status} after {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn admin(
    client: &reqwest::Client,
    method: reqwest::Method,
    node: &Node,
    path: &str,
) -> reqwest::RequestBuilder {
    client
        .request(method, format!("{}{path}", node.base))
        .bearer_auth(ADMIN)
}

/// A fresh database on the server of `PONTE_TEST_POSTGRES_URL`, dropped by the guard.
struct TempDatabase {
    server: String,
    name: String,
    url: String,
}

impl TempDatabase {
    async fn create(server: &str) -> TempDatabase {
        use sqlx::Connection as _;
        let name = format!("ponte_cluster_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::postgres::PgConnection::connect(server).await.unwrap();
        // Only hex digits follow the fixed prefix, so the name is safe to quote into DDL.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut url = url::Url::parse(server).unwrap();
        url.set_path(&name);
        TempDatabase {
            server: server.to_owned(),
            name,
            url: url.into(),
        }
    }

    async fn drop_now(self) {
        use sqlx::Connection as _;
        let mut admin = sqlx::postgres::PgConnection::connect(&self.server)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

#[tokio::test]
#[cfg_attr(
    not(ponte_postgres_tests),
    ignore = "PONTE_TEST_POSTGRES_URL was not set when the tests were built"
)]
async fn two_processes_on_one_postgres_start_together_and_follow_each_others_changes() {
    let server = std::env::var("PONTE_TEST_POSTGRES_URL").expect("PONTE_TEST_POSTGRES_URL");
    let database = TempDatabase::create(&server).await;
    let erp = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let right_token = erp.state().config().token.clone();
    write_config(
        dir.path(),
        &database.url,
        &erp,
        &["env:TEST_PONTE_KEY"],
        r#"ixc_token = "env:TEST_IXC_TOKEN""#,
    );
    let client = reqwest::Client::new();

    // Started at the same moment on an empty database: both migrate and provision.
    let mut a = start(dir.path(), "a-wrong-token");
    let mut b = start(dir.path(), "a-wrong-token");
    wait_ready(&client, &mut a).await;
    wait_ready(&client, &mut b).await;

    // The file's token is wrong: the ERP refuses the calls.
    let (status, body) = call(&client, &b, KEY).await;
    assert_ne!(status, 200, "{body}");

    // Another process (this test, with the master key) sets the right secret: B uses it
    // within its refresh interval.
    let cipher = Arc::new(AesGcmCipher::from_base64(1, MASTER).unwrap());
    let store = ponte_store::open_store(&database.url, cipher)
        .await
        .unwrap();
    store
        .set_secret(
            &IntegrationId::parse("acme").unwrap(),
            "ixc_token",
            &SecretString::from(right_token),
        )
        .await
        .unwrap();
    let took = until(
        &client,
        &b,
        KEY,
        Duration::from_secs(10),
        "the new secret",
        |s| s == 200,
    )
    .await;
    eprintln!("a secret set by another process took effect on B after {took:?}");

    // A key made through A's admin API works on B at once.
    let created: Value = admin(
        &client,
        reqwest::Method::POST,
        &a,
        "/admin/v1/integrations/acme/api-keys",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let new_key = created["key"].as_str().expect("the new key").to_owned();
    let key_id = created["id"].as_str().expect("its id").to_owned();
    let (status, body) = call(&client, &b, &new_key).await;
    assert_eq!(status, 200, "{body}");

    // Revoked through A: refused by A at once, and by B within seconds.
    let revoked = admin(
        &client,
        reqwest::Method::DELETE,
        &a,
        &format!("/admin/v1/integrations/acme/api-keys/{key_id}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(revoked.status().as_u16(), 204);
    assert_eq!(call(&client, &a, &new_key).await.0, 401);
    let took = until(
        &client,
        &b,
        &new_key,
        Duration::from_secs(10),
        "the revocation",
        |s| s == 401,
    )
    .await;
    eprintln!("a key revoked on A was refused by B after {took:?}");
    // The provisioned key was never touched.
    assert_eq!(call(&client, &b, KEY).await.0, 200);

    drop(a);
    drop(b);
    drop(store);
    database.drop_now().await;
}

#[tokio::test]
async fn a_key_or_secret_removed_from_the_file_is_revoked_or_deleted_at_the_next_start() {
    let erp = simulator().await;
    let token = erp.state().config().token.clone();
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let secrets = r#"ixc_token = "env:TEST_IXC_TOKEN"
old_secret = "env:TEST_IXC_TOKEN""#;
    write_config(
        dir.path(),
        "sqlite://ponte.db",
        &erp,
        &["env:TEST_PONTE_KEY", "env:TEST_OTHER_KEY"],
        secrets,
    );
    let mut node = start(dir.path(), &token);
    wait_ready(&client, &mut node).await;
    assert_eq!(call(&client, &node, KEY).await.0, 200);
    assert_eq!(call(&client, &node, OTHER_KEY).await.0, 200);
    drop(node);

    // The operator removes a key and a secret from the file.
    write_config(
        dir.path(),
        "sqlite://ponte.db",
        &erp,
        &["env:TEST_PONTE_KEY"],
        r#"ixc_token = "env:TEST_IXC_TOKEN""#,
    );
    let mut node = start(dir.path(), &token);
    wait_ready(&client, &mut node).await;
    assert_eq!(call(&client, &node, KEY).await.0, 200);
    assert_eq!(
        call(&client, &node, OTHER_KEY).await.0,
        401,
        "a key removed from the file no longer works"
    );
    let integration: Value = admin(
        &client,
        reqwest::Method::GET,
        &node,
        "/admin/v1/integrations/acme",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        integration["secrets"],
        json!(["ixc_token"]),
        "a secret removed from the file is deleted: {integration}"
    );
}
