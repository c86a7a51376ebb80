//! The crash test of payments (SPEC §5.3): payments are submitted to `ponte serve` processes
//! while they are killed with SIGKILL at random moments and restarted, and while the IXC
//! simulator times out, fails with 5xx, and applies write-offs whose answer it then loses. At
//! the end every payment is `settled`, and the simulator's ledger holds exactly one write-off
//! for each of them: nothing lost, nothing duplicated.
//!
//! SQLite runs one process; PostgreSQL runs two sharing the database (compiled in when
//! `PONTE_TEST_POSTGRES_URL` is set at build time). `PONTE_CRASH_PAYMENTS` sets the number of
//! payments (60 by default; the full run uses 200 or more). Each run prints its figures.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::ixc::{self, IxcConfig, RunningIxc};
use serde_json::{Value, json};

const KEY: &str = "ponte_7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c";
/// 32 bytes, base64.
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const SETTLE_PATH: &str = "/webservice/v1/fn_areceber_recebimentos_baixas_novo";

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a failing
/// run can be told apart from another.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

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

fn start(config: &Path, ixc_token: &str) -> Node {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["serve", "--config"])
        .arg(config)
        .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("TEST_MASTER_KEY", MASTER)
        .env("TEST_PONTE_KEY", KEY)
        .env("TEST_IXC_TOKEN", ixc_token)
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
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("ponte serve was not ready within 60 s");
}

fn write_config(dir: &Path, database_url: &str, erp: &RunningIxc) -> PathBuf {
    let config = format!(
        r#"
[database]
url = "{database_url}"
refresh_interval_ms = 500

[security]
master_key = "env:TEST_MASTER_KEY"

[log]
level = "error"

[payments]
workers = 3
poll_interval_ms = 100
backoff_initial_ms = 100
backoff_max_ms = 800
max_retry_hours = 24
lease_ms = 500
request_wait_ms = 300

[[integrations]]
id = "acme"
name = "ACME"
preset = "ixc"
api_keys = ["env:TEST_PONTE_KEY"]

[integrations.variables]
base_url = "{base_url}"
ixc_user_id = "{user}"
with_pix = "N"

[integrations.secrets]
ixc_token = "env:TEST_IXC_TOKEN"

[integrations.settings.payment]
account_id = "1"

[integrations.settings.timeouts]
request_ms = 600
function_ms = 1500
"#,
        base_url = erp.base_url(),
        user = erp.state().config().user_id,
    );
    let path = dir.join("ponte.toml");
    std::fs::write(&path, config).unwrap();
    path
}

/// `(transaction id, boleto id, body)` for `count` open invoices, as Ponte lists them.
async fn payments(
    client: &reqwest::Client,
    base: &str,
    erp: &RunningIxc,
    count: usize,
) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for customer in erp.state().customers() {
        let listed: Value = client
            .post(format!("{base}/v1/functions/list_invoices"))
            .bearer_auth(KEY)
            .json(&json!({"customer_document_number": customer.document}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for invoice in listed.as_array().into_iter().flatten() {
            let n = found.len();
            let transaction = format!("crash-{n:04}");
            let boleto = invoice["remote_id"].as_str().unwrap().to_owned();
            let body = json!({
                "transaction": {
                    "id": transaction,
                    "method": if n % 2 == 0 { "pix" } else { "tef_credit" },
                    "amount": invoice["valor_final"],
                    "paid_at": "2026-03-10T10:15:00-03:00",
                    "nsu": format!("{n:06}")
                },
                "boleto_id": boleto,
                "customer_document_number": customer.document
            });
            found.push((transaction, boleto, body));
            if found.len() == count {
                return found;
            }
        }
    }
    panic!("the seed has only {} open invoices", found.len());
}

/// A random ERP fault on one of the paths a settlement goes through.
fn random_fault(dice: &mut Dice) -> FaultRule {
    let fault = match dice.below(7) {
        0 => Fault::Status(503),
        1 => Fault::Status(500),
        2 => Fault::Hang,
        3 => Fault::LostAnswer,
        4 => Fault::LostAnswerHang,
        5 => Fault::LostAnswerStatus(502),
        _ => Fault::Latency(Duration::from_millis(300)),
    };
    let path = match dice.below(4) {
        0 => "/webservice/v1/fn_areceber",
        1 => "/webservice/v1/cliente",
        _ => SETTLE_PATH,
    };
    let rule = FaultRule::times(1, fault);
    // `fn_areceber` is a prefix of the write-off's path too.
    rule.on_path(path)
}

/// Runs the whole scenario with `processes` nodes on `database_url`.
async fn crash_run(database_url: &str, processes: usize, label: &str) {
    let count: usize = std::env::var("PONTE_CRASH_PAYMENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60);
    let seed = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % u128::from(u64::MAX),
    )
    .unwrap()
        | 1;
    let mut dice = Dice(seed);
    let mut config = IxcConfig::with(7, time::macros::date!(2026 - 03 - 10));
    config.customers = config.customers.max(count);
    let erp = ixc::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), database_url, &erp);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let token = erp.state().config().token.clone();
    let mut nodes: Vec<Node> = (0..processes)
        .map(|_| start(&config_path, &token))
        .collect();
    for node in &mut nodes {
        wait_ready(&client, node).await;
    }
    let work = payments(&client, &nodes[0].base, &erp, count).await;
    let ledger_before = ledger(&client, &erp).await;
    let bases = Arc::new(Mutex::new(
        nodes.iter().map(|n| n.base.clone()).collect::<Vec<_>>(),
    ));
    let started = Instant::now();

    // Submissions, eight at a time, each repeated until a node answers it (a repeat is what
    // a platform does when its request got no answer).
    let mut submitting = tokio::task::JoinSet::new();
    let queue = Arc::new(Mutex::new(work.clone()));
    for worker in 0..8 {
        let queue = queue.clone();
        let bases = bases.clone();
        let client = client.clone();
        submitting.spawn(async move {
            let mut turn = worker;
            loop {
                let Some((transaction, _, body)) = queue.lock().unwrap().pop() else {
                    return;
                };
                loop {
                    turn += 1;
                    let base = {
                        let bases = bases.lock().unwrap();
                        bases[turn % bases.len()].clone()
                    };
                    match client
                        .post(format!("{base}/v1/payments"))
                        .bearer_auth(KEY)
                        .json(&body)
                        .send()
                        .await
                    {
                        Ok(answer) if matches!(answer.status().as_u16(), 200 | 202) => break,
                        Ok(answer) if answer.status().as_u16() == 409 => {
                            panic!("{transaction}: a repeat was taken for a conflict")
                        }
                        _ => tokio::time::sleep(Duration::from_millis(30)).await,
                    }
                }
            }
        });
    }

    // Faults and kills until every payment is submitted and at least one kill per eight
    // payments happened.
    let mut kills = 0usize;
    let mut faults = 0u32;
    let min_kills = (count / 8).max(4);
    loop {
        let pause = Duration::from_millis(100 + dice.below(1_000));
        let until = Instant::now() + pause;
        while Instant::now() < until {
            erp.faults().add(random_fault(&mut dice));
            faults += 1;
            tokio::time::sleep(Duration::from_millis(50 + dice.below(150))).await;
        }
        let victim = usize::try_from(dice.below(processes as u64)).unwrap();
        let _ = nodes[victim].child.kill();
        let _ = nodes[victim].child.wait();
        kills += 1;
        // Down for a moment, as a crashed process is before its supervisor restarts it.
        tokio::time::sleep(Duration::from_millis(dice.below(300))).await;
        nodes[victim] = start(&config_path, &token);
        wait_ready(&client, &mut nodes[victim]).await;
        bases.lock().unwrap()[victim] = nodes[victim].base.clone();
        if kills >= min_kills && all_done(&mut submitting).await {
            break;
        }
    }
    while let Some(done) = submitting.join_next().await {
        done.unwrap();
    }
    erp.faults().clear();

    // Every payment ends, settled.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut states: BTreeMap<String, String> = BTreeMap::new();
    loop {
        states.clear();
        for (transaction, _, _) in &work {
            let body: Value = client
                .get(format!("{}/v1/payments/{transaction}", nodes[0].base))
                .bearer_auth(KEY)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            states.insert(
                transaction.clone(),
                format!(
                    "{}{}",
                    body["state"].as_str().unwrap_or("?"),
                    body["error"]["code"]
                        .as_str()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                ),
            );
        }
        let open = states
            .values()
            .filter(|s| !s.starts_with("settled") && !s.starts_with("failed"))
            .count();
        if open == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let elapsed = started.elapsed();

    let ledger_after = ledger(&client, &erp).await;
    let new_writeoffs = ledger_after["writeoffs"].as_array().unwrap().len()
        - ledger_before["writeoffs"].as_array().unwrap().len();
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for state in states.values() {
        *by_state.entry(state.as_str()).or_default() += 1;
    }
    eprintln!(
        "payments crash test ({label}, {processes} process(es), seed {seed}): {count} payments, \
         {kills} kills, {faults} ERP faults, {:.1} s, states {by_state:?}, {new_writeoffs} new \
         write-offs",
        elapsed.as_secs_f64()
    );
    for (transaction, boleto, _) in &work {
        assert_eq!(
            states[transaction], "settled",
            "{transaction} (boleto {boleto}) did not end settled"
        );
        let before = ledger_before["counts"][boleto].as_u64().unwrap_or(0);
        let after = ledger_after["counts"][boleto].as_u64().unwrap_or(0);
        assert_eq!(
            after - before,
            1,
            "{transaction}: boleto {boleto} was written off {} times",
            after - before
        );
        let mentions = ledger_after["writeoffs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| {
                w["historico"]
                    .as_str()
                    .is_some_and(|h| h.ends_with(&format!(" {transaction}")))
            })
            .count();
        assert_eq!(
            mentions, 1,
            "{transaction} appears {mentions} times in the ledger"
        );
    }
    assert_eq!(new_writeoffs, count, "exactly one write-off per payment");
    drop(nodes);
    erp.shutdown().await;
}

/// Whether every submission task ended (without waiting for the others).
async fn all_done(set: &mut tokio::task::JoinSet<()>) -> bool {
    while let Some(done) = set.try_join_next() {
        done.unwrap();
    }
    set.is_empty()
}

async fn ledger(client: &reqwest::Client, erp: &RunningIxc) -> Value {
    client
        .get(format!("{}/__sim/writeoffs", erp.root_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_survive_sigkill_and_erp_faults_on_sqlite_with_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    crash_run(&url, 1, "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ponte_postgres_tests),
    ignore = "PONTE_TEST_POSTGRES_URL was not set when the tests were built"
)]
async fn payments_survive_sigkill_and_erp_faults_on_postgres_with_two_processes() {
    use sqlx::Connection as _;
    let server = std::env::var("PONTE_TEST_POSTGRES_URL").expect("PONTE_TEST_POSTGRES_URL");
    let name = format!("pay_crash_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::postgres::PgConnection::connect(&server)
        .await
        .unwrap();
    // Only hex digits follow the fixed prefix, so the name is safe to quote into DDL.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    let outcome = tokio::spawn({
        let url = url.to_string();
        async move { crash_run(&url, 2, "PostgreSQL").await }
    })
    .await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}
