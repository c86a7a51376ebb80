//! `ponte serve` as an operator runs it: a configuration file with an integration, secrets and
//! an API key by reference to the environment; the integration is synced into a fresh SQLite
//! file at start and answers over HTTP; a second start with the same file changes nothing.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const KEY: &str = "ponte_5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &std::path::Path, port: u16) -> KillOnDrop {
    let child = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["serve", "--config"])
        .arg(dir.join("ponte.toml"))
        .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("TEST_MASTER_KEY", MASTER)
        .env("TEST_IXC_TOKEN", "abc123")
        .env("TEST_PONTE_KEY", KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    KillOnDrop(child)
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ponte serve was not ready within 30 s");
}

#[tokio::test]
async fn serve_syncs_the_configured_integration_and_answers_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        r#"
[database]
url = "sqlite://data.db"

[security]
master_key = "env:TEST_MASTER_KEY"

[log]
format = "json"

[[integrations]]
id = "acme-ixc"
name = "ACME"
preset = "ixc"
api_keys = ["env:TEST_PONTE_KEY"]

[integrations.variables]
base_url = "http://127.0.0.1:9/webservice/v1"
ixc_user_id = "7"

[integrations.secrets]
ixc_token = "env:TEST_IXC_TOKEN"
"#,
    )
    .unwrap();
    let client = reqwest::Client::new();
    for round in 0..2 {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let _server = start(dir.path(), port);
        wait_ready(&client, &base).await;
        let listing: Value = client
            .get(format!("{base}/v1/functions"))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            listing["integration"], "acme-ixc",
            "round {round}: {listing}"
        );
        let served = listing["functions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["served"] == true)
            .count();
        assert_eq!(served, 21, "every function the IXC preset serves is bound");
        let refused = client
            .get(format!("{base}/v1/functions"))
            .bearer_auth("ponte_wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 401);
    }
    // The secret is in the database, but only encrypted.
    let raw = std::fs::read(dir.path().join("data.db")).unwrap_or_default();
    let wal = std::fs::read(dir.path().join("data.db-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(
            !bytes.windows(6).any(|w| w == b"abc123"),
            "the token is stored in clear"
        );
    }
}

#[test]
fn a_configuration_with_an_unknown_key_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        "[server]\nlisten = \"127.0.0.1:0\"\nport = 8080\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["config", "check", "--config"])
        .arg(dir.path().join("ponte.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("port"), "{err}");
}

#[test]
fn config_check_reports_the_admin_api_and_refuses_a_weak_admin_token_without_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    let check = |token: &str| {
        std::fs::write(dir.path().join("admin_token"), token).unwrap();
        std::fs::write(
            dir.path().join("ponte.toml"),
            "[security]\nadmin_token = \"file:admin_token\"\n\n[executions]\nretention_days = 7\n",
        )
        .unwrap();
        Command::new(env!("CARGO_BIN_EXE_ponte"))
            .args(["config", "check", "--config"])
            .arg(dir.path().join("ponte.toml"))
            .output()
            .unwrap()
    };
    let good = check("0123456789abcdef0123456789abcdef");
    assert_eq!(good.status.code(), Some(0), "{good:?}");
    let out = String::from_utf8_lossy(&good.stdout);
    assert!(out.contains("admin API: on"), "{out}");
    assert!(out.contains("kept 7 days"), "{out}");

    let weak = check("hunter2");
    assert_eq!(weak.status.code(), Some(1));
    let err = String::from_utf8_lossy(&weak.stderr);
    assert!(err.contains("security.admin_token"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[tokio::test]
async fn an_integration_on_the_sgp_preset_serves_the_functions_sgp_can_serve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        r#"
[database]
url = "sqlite://data.db"

[security]
master_key = "env:TEST_MASTER_KEY"

[[integrations]]
id = "acme-sgp"
name = "ACME"
preset = "sgp"
api_keys = ["env:TEST_PONTE_KEY"]

[integrations.variables]
base_url = "http://127.0.0.1:9"
sgp_app = "ponte"

[integrations.secrets]
sgp_token = "env:TEST_IXC_TOKEN"
"#,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let listing: Value = client
        .get(format!("{base}/v1/functions"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let served: Vec<&str> = listing["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["served"] == true)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let sgp = ponte_presets::preset("sgp").unwrap();
    let supported: Vec<&str> = sgp
        .coverage
        .iter()
        .filter(|c| c.supported)
        .map(|c| c.function.as_str())
        .collect();
    assert_eq!(served, supported, "{listing}");
    assert!(served.contains(&"trust_unlock"), "{listing}");
    assert!(!served.contains(&"list_commercial_origins"), "{listing}");
}
