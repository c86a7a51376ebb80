//! Personal data stays out of everything Ponte keeps or shows an operator (LGPD), end to end:
//! `ponte serve` as its own process, logging at the most verbose level, keeping every trace,
//! in front of the IXC simulator, whose `cliente` rows carry the customer's password (`senha`),
//! e-mail, phones, name and address. The caller gets its answer; the stored traces, every log
//! line and every admin answer keep the password out and the contacts masked.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ponte_simulators::ixc::{self, Customer, IxcConfig, RunningIxc};
use serde_json::{Value, json};

const KEY: &str = "ponte_7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c";
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const ADMIN: &str = "an-admin-token-for-the-privacy-tests-9d2e";

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A customer of the simulator with every contact field filled.
fn customer_with_contacts(erp: &RunningIxc) -> (Customer, String) {
    let state = erp.state();
    let customer = state
        .customers()
        .into_iter()
        .find(|c| c.active && !c.email.is_empty() && !c.telefone_celular.is_empty())
        .expect("the seed has an active customer with an e-mail and a mobile phone");
    let senha = state
        .row("cliente", &customer.id)
        .and_then(|row| row.get("senha").cloned())
        .filter(|senha| !senha.is_empty())
        .expect("the customer's row carries a password");
    (customer, senha)
}

#[tokio::test]
async fn a_customers_password_email_and_phone_never_reach_a_trace_a_log_line_or_an_admin_answer() {
    let erp = ixc::start(
        IxcConfig::with(7, time::macros::date!(2026 - 03 - 10)),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("the simulator starts");
    let (customer, senha) = customer_with_contacts(&erp);
    let config = erp.state().config().clone();

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        format!(
            r#"
[database]
url = "sqlite://ponte.db"

[security]
master_key = "env:TEST_MASTER_KEY"
admin_token = "env:TEST_ADMIN_TOKEN"

[log]
level = "trace"
format = "json"

[executions]
traces = "all"

[[integrations]]
id = "acme"
name = "ACME"
preset = "ixc"
api_keys = ["env:TEST_PONTE_KEY"]

[integrations.variables]
base_url = "{base_url}"
ixc_user_id = "{user}"

[integrations.secrets]
ixc_token = "env:TEST_IXC_TOKEN"
"#,
            base_url = erp.base_url(),
            user = config.user_id,
        ),
    )
    .unwrap();
    let log_path = dir.path().join("ponte.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _serve = Serve(
        Command::new(env!("CARGO_BIN_EXE_ponte"))
            .args(["serve", "--config"])
            .arg(dir.path().join("ponte.toml"))
            .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("TEST_MASTER_KEY", MASTER)
            .env("TEST_ADMIN_TOKEN", ADMIN)
            .env("TEST_IXC_TOKEN", &config.token)
            .env("TEST_PONTE_KEY", KEY)
            .env_remove("RUST_LOG")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "ponte serve was not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The platform asks for the customer and their contacts: the ERP's answers carry the
    // `cliente` row whole, password included.
    let input = json!({"customer_document_number": customer.document});
    let mut execution_ids = Vec::new();
    for function in ["get_customer_info", "list_customer_contacts"] {
        let answer = client
            .post(format!("{base}/v1/functions/{function}"))
            .bearer_auth(KEY)
            .json(&input)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{function}");
        execution_ids.push(
            answer.headers()["ponte-execution-id"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
        let body: Value = answer.json().await.unwrap();
        if function == "list_customer_contacts" {
            // The caller is owed the contacts themselves.
            assert!(body.to_string().contains(&customer.email), "{body}");
        }
    }
    // An operator's test run hands the trace back in its answer.
    let tested = client
        .post(format!(
            "{base}/admin/v1/integrations/acme/test-runs/get_customer_info"
        ))
        .bearer_auth(ADMIN)
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(tested.status().as_u16(), 200);
    let mut admin_answers = vec![tested.text().await.unwrap()];
    for id in &execution_ids {
        let answer = client
            .get(format!("{base}/admin/v1/executions/{id}"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200);
        let text = answer.text().await.unwrap();
        let record: Value = serde_json::from_str(&text).unwrap();
        assert!(
            record["trace"]["steps"]
                .as_array()
                .is_some_and(|s| !s.is_empty()),
            "the trace was kept: {record}"
        );
        admin_answers.push(text);
    }
    let listing = client
        .get(format!("{base}/admin/v1/executions"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    admin_answers.push(listing.text().await.unwrap());

    // The log as written so far, every level included.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(logs.lines().count() > 5, "the server logged: {logs}");

    let phone_digits: String = customer
        .telefone_celular
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let secrets = [
        ("the password", senha.as_str()),
        ("the e-mail", customer.email.as_str()),
        ("the mobile phone", customer.telefone_celular.as_str()),
        ("the mobile phone's digits", phone_digits.as_str()),
        ("the IXC token", config.token.as_str()),
    ];
    for (what, value) in secrets {
        assert!(value.len() >= 4, "{what} is long enough to search for");
        assert!(!logs.contains(value), "{what} reached a log line");
        for answer in &admin_answers {
            assert!(
                !answer.contains(value),
                "{what} reached an admin answer: {answer}"
            );
        }
    }
    // The masked forms are there, so the trace is still useful to an operator.
    let trace = &admin_answers[1];
    assert!(
        trace.contains("[REDACTED]"),
        "the password's place is marked: {trace}"
    );
}
