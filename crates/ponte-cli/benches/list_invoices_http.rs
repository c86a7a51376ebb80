//! `list_invoices` over HTTP under load: Ponte (HTTP API, service, engine, IXC preset, SQLite
//! execution records) against a hand-written axum handler that makes the same calls to the
//! same simulated IXC and maps the answer by hand. Both servers, the simulator and the load
//! generator share this process, so the two figures come from the same machine at the same
//! moment and their ratio is the price of the engine and the service around it.
//!
//! Each target gets a warm-up, then a closed loop of 32 clients (keep-alive connections), each
//! sending its next request as soon as the previous answer is read, for `BENCH_SECONDS`
//! (default 10). Loopback only; the run stops by itself.
//!
//! Run: `cargo bench -p ponte-cli --bench list_invoices_http`
//!
//! `BENCH_GATE` sets the integration's `max_concurrent_requests` (default 32, as many as the
//! clients, so the gate never queues and the comparison is of the work done per call; the
//! product default is 8).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt;
use ponte_automation::{Engine, ReqwestTransport, filters};
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId, IntegrationSettings};
use ponte_core::service::Ponte;
use ponte_simulators::ixc::{self, IxcConfig};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Concurrent clients of the closed loop.
const CLIENTS: usize = 32;
/// Seed of the simulated data (the one `ponte demo` uses).
const SEED: u64 = 7;
/// Page size of the invoice listing, as in the preset.
const PAGE_SIZE: u64 = 200;
/// Most pages the preset reads.
const MAX_PAGES: u64 = 25;
/// Above this many invoices the preset skips `get_pix`.
const PIX_LIMIT: usize = 50;
/// `get_pix` calls in flight per function call, as in the preset.
const PIX_CONCURRENCY: usize = 4;
/// `open_statuses` and `with_pix` defaults of the preset.
const OPEN_STATUSES: &str = "A,P";

// ---------------------------------------------------------------------------------------------
// The hand-written handler
// ---------------------------------------------------------------------------------------------

/// What the hand-written handler needs to reach the simulator.
#[derive(Debug, Clone)]
struct Handwritten {
    http: reqwest::Client,
    base: String,
    user: String,
    token: String,
}

/// Why a hand-written call failed; answered as 502 with the reason.
#[derive(Debug)]
struct Failure(String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (StatusCode::BAD_GATEWAY, Json(json!({"detail": self.0}))).into_response()
    }
}

impl From<filters::FilterError> for Failure {
    fn from(e: filters::FilterError) -> Self {
        Failure(e.to_string())
    }
}

impl From<reqwest::Error> for Failure {
    fn from(e: reqwest::Error) -> Self {
        Failure(e.to_string())
    }
}

static EMPTY: Value = Value::String(String::new());

/// jq's `a // b`: `a` unless it is null or false.
fn or<'a>(value: &'a Value, fallback: &'a Value) -> &'a Value {
    match value {
        Value::Null | Value::Bool(false) => fallback,
        other => other,
    }
}

/// The preset's `nonblank`: the first value that is not null, `""` or `"0"`.
fn nonblank<'a>(values: &[&'a Value]) -> &'a Value {
    values
        .iter()
        .copied()
        .find(|v| !(v.is_null() || v.as_str() == Some("") || v.as_str() == Some("0")))
        .unwrap_or(&Value::Null)
}

/// A number or a numeric string, as jq's `tonumber` reads the listing's `page` and `total`.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Handwritten {
    /// One exchange, success decided the preset's way: a 2xx whose body is not
    /// `{"type": "error"}`. Returns the decoded body and whether it succeeded.
    async fn post(&self, path: &str, listar: bool, body: &Value) -> Result<(Value, bool), Failure> {
        let mut request = self
            .http
            .post(format!("{}/{path}", self.base))
            .basic_auth(&self.user, Some(&self.token))
            .json(body);
        if listar {
            request = request.header("ixcsoft", "listar");
        }
        let response = request.send().await?;
        let status_ok = response.status().is_success();
        let bytes = response.bytes().await?;
        // IXC labels JSON as text/html; read it as JSON whenever it parses, like the engine.
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        let ok = status_ok && body.get("type").and_then(Value::as_str) != Some("error");
        Ok((body, ok))
    }

    async fn customer(&self, query: &str) -> Result<Vec<Value>, Failure> {
        let body = json!({
            "qtype": "cliente.cnpj_cpf", "query": query, "oper": "=", "page": "1", "rp": "1",
            "sortname": "cliente.ativo", "sortorder": "desc",
        });
        let (answer, ok) = self.post("cliente", true, &body).await?;
        if !ok {
            return Err(Failure(format!(
                "cliente: {}",
                filters::text(&answer["message"])
            )));
        }
        Ok(answer["registros"].as_array().cloned().unwrap_or_default())
    }

    /// Every page of the customer's (or contract's) open released invoices.
    async fn invoices(&self, qtype: &str, query: &Value) -> Result<Vec<Value>, Failure> {
        let grid = format!(
            r#"[{{"TB":"fn_areceber.liberado","OP":"=","P":"S"}},{{"TB":"fn_areceber.status","OP":"IN","P":"{OPEN_STATUSES}"}}]"#
        );
        let mut records = Vec::new();
        let mut previous: Option<Value> = None;
        for page in 1..=MAX_PAGES {
            let body = json!({
                "qtype": qtype, "query": filters::text(query), "oper": "=",
                "sortname": "fn_areceber.data_vencimento", "sortorder": "asc",
                "grid_param": grid, "page": page.to_string(), "rp": PAGE_SIZE.to_string(),
            });
            let (answer, ok) = self.post("fn_areceber", true, &body).await?;
            if !ok {
                return Err(Failure(format!(
                    "fn_areceber: {}",
                    filters::text(&answer["message"])
                )));
            }
            let items = answer["registros"].as_array().cloned().unwrap_or_default();
            if items.is_empty() || previous.as_ref() == Some(&answer) {
                break;
            }
            records.extend(items);
            let read = number(&answer["page"]).unwrap_or(0.0) * PAGE_SIZE as f64;
            if read >= number(or(&answer["total"], &json!(0))).unwrap_or(0.0) {
                break;
            }
            previous = Some(answer);
        }
        Ok(records)
    }

    /// The PIX copy-and-paste code of one invoice, `""` when `get_pix` fails.
    async fn pix(&self, invoice_id: Value) -> String {
        let body = json!({"id_areceber": filters::text(&invoice_id)});
        match self.post("get_pix", false, &body).await {
            Ok((answer, true)) => {
                filters::text(or(&answer["pix"]["dadosPix"]["pixCopiaECola"], &EMPTY))
            }
            _ => String::new(),
        }
    }

    async fn list_invoices(&self, input: &Value) -> Result<Value, Failure> {
        let document = &input["customer_document_number"];
        let mut found = self.customer(&filters::cpf_cnpj_format(document)?).await?;
        if found.is_empty() {
            found = self.customer(&filters::text(document)).await?;
        }
        let Some(customer) = found.into_iter().next() else {
            return Ok(json!([]));
        };
        let contract = or(&input["contract_id"], &EMPTY);
        let listing = if filters::text(contract).is_empty() {
            self.invoices("fn_areceber.id_cliente", &customer["id"])
                .await?
        } else {
            self.invoices("fn_areceber.id_contrato", contract).await?
        };
        // A contract id could name another customer's contract: keep this customer's invoices.
        let own: Vec<Value> = listing
            .into_iter()
            .filter(|i| or(&i["id_cliente"], &customer["id"]) == &customer["id"])
            .collect();
        let pix: Vec<String> = if own.len() <= PIX_LIMIT {
            // Owned ids: a stream over borrows would make the handler's future not `Send`.
            let ids: Vec<Value> = own.iter().map(|i| i["id"].clone()).collect();
            futures::stream::iter(ids)
                .map(|id| self.pix(id))
                .buffered(PIX_CONCURRENCY)
                .collect()
                .await
        } else {
            vec![String::new(); own.len()]
        };
        let doc = filters::text(document);
        let name = filters::text(or(&customer["razao"], &EMPTY));
        let mut out = Vec::with_capacity(own.len());
        for (invoice, pix_code) in own.iter().zip(pix) {
            let text = |key: &str| filters::text(or(&invoice[key], &EMPTY));
            out.push(json!({
                "document_number": doc,
                "fatura": filters::text(&invoice["id"]),
                "nome_cliente": name,
                "valor_inicial": filters::money(&invoice["valor"])?,
                "valor_final": filters::money(nonblank(&[
                    &invoice["valor_total_com_juros"], &invoice["valor_aberto"], &invoice["valor"],
                ]))?,
                "juros": "",
                "multa": "",
                "emissao": filters::date(or(&invoice["data_emissao"], &EMPTY))?,
                "vencimento": filters::date(or(&invoice["data_vencimento"], &EMPTY))?,
                "historico": filters::text(or(
                    nonblank(&[&invoice["id_contrato"], &invoice["id_contrato_avulso"]]),
                    &EMPTY,
                )),
                "link_boleto": text("gateway_link"),
                "linha_digitavel": filters::digits(or(&invoice["linha_digitavel"], &EMPTY)),
                "code_fatura": text("documento"),
                "identifier": "",
                "remote_id": filters::text(&invoice["id"]),
                "pix_code": pix_code,
            }));
        }
        Ok(Value::Array(out))
    }
}

async fn handwritten_list_invoices(
    State(state): State<Arc<Handwritten>>,
    Json(input): Json<Value>,
) -> Result<Json<Value>, Failure> {
    state.list_invoices(&input).await.map(Json)
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

/// A server on a loopback port and the way to stop it.
struct Served {
    url: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn stop(self) -> anyhow::Result<()> {
        // The receiver is gone only when the server already ended; its result says why.
        let _ = self.stop.send(());
        self.task.await??;
        Ok(())
    }
}

async fn loopback() -> anyhow::Result<tokio::net::TcpListener> {
    Ok(tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?)
}

/// Ponte the way `ponte demo` wires it: a fresh SQLite file, one integration on the IXC
/// preset pointing at the simulator, an API key. Returns the server and the key.
async fn start_ponte(
    erp: &ixc::RunningIxc,
    config: &IxcConfig,
    db: &std::path::Path,
    gate: u32,
) -> anyhow::Result<(Served, String)> {
    let master: SecretString = AesGcmCipher::generate_key_base64()?;
    let cipher = AesGcmCipher::from_base64(1, master.expose_secret())?;
    let store = ponte_store::open_store(&format!("sqlite://{}", db.display()), Arc::new(cipher))
        .await
        .context("cannot open the database")?;

    let mut integration = Integration::new(IntegrationId::parse("bench-ixc")?, "IXC simulado");
    integration.preset = Some("ixc".into());
    let mut settings = IntegrationSettings::default();
    settings
        .payment
        .insert("account_id".into(), Value::String("1".into()));
    settings.limits.max_concurrent_requests = gate;
    integration.settings = settings;
    integration.variables = BTreeMap::from([
        ("base_url".to_owned(), erp.base_url()),
        ("ixc_user_id".to_owned(), config.user_id.clone()),
    ]);
    integration.bindings.insert(
        "list_invoices".into(),
        AutomationRef::Preset {
            preset: "ixc".into(),
        },
    );
    store.create_integration(&integration).await?;
    store
        .set_secret(
            &integration.id,
            "ixc_token",
            &SecretString::from(config.token.clone()),
        )
        .await?;
    let key = store.create_api_key(&integration.id).await?.plain.reveal();

    let engine = Engine::new(Arc::new(ReqwestTransport::new(false)?));
    let ponte = Arc::new(Ponte::new(store, engine, Arc::new(ponte_presets::Embedded)));
    let listener = loopback().await?;
    let url = format!(
        "http://{}/v1/functions/list_invoices",
        listener.local_addr()?
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(ponte_http::serve(
        listener,
        ponte_http::AppState::new(ponte),
        async move {
            let _ = stopped.await;
        },
    ));
    Ok((Served { url, stop, task }, key))
}

async fn start_handwritten(erp: &ixc::RunningIxc, config: &IxcConfig) -> anyhow::Result<Served> {
    let state = Arc::new(Handwritten {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
        base: erp.base_url(),
        user: config.user_id.clone(),
        token: config.token.clone(),
    });
    let app = axum::Router::new()
        .route(
            "/v1/functions/list_invoices",
            post(handwritten_list_invoices),
        )
        .with_state(state);
    let listener = loopback().await?;
    let url = format!(
        "http://{}/v1/functions/list_invoices",
        listener.local_addr()?
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Served { url, stop, task })
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

/// Where the load goes.
#[derive(Debug, Clone)]
struct Target {
    name: &'static str,
    url: String,
    bearer: Option<String>,
}

/// What one run of the closed loop saw.
#[derive(Debug, Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: u64,
    elapsed: Duration,
}

async fn call(client: &reqwest::Client, target: &Target, document: &str) -> Result<Value, String> {
    let mut request = client
        .post(&target.url)
        .json(&json!({"customer_document_number": document}));
    if let Some(key) = &target.bearer {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status != reqwest::StatusCode::OK {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
    }
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// `CLIENTS` clients, each sending its next request when the previous answer is read, until
/// `duration` has passed. Customers are taken in turn so every client walks all of them.
async fn closed_loop(target: &Target, documents: &Arc<Vec<String>>, duration: Duration) -> Tally {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(CLIENTS);
    for n in 0..CLIENTS {
        let client = client.clone();
        let target = target.clone();
        let documents = documents.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut i = n;
            while Instant::now() < deadline {
                let document = &documents[i % documents.len()];
                i += CLIENTS;
                let sent = Instant::now();
                let ok = call(&client, &target, document).await.is_ok();
                let took = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                if ok {
                    tally.latencies_us.push(took);
                } else {
                    tally.errors += 1;
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        if let Ok(tally) = task.await {
            all.latencies_us.extend(tally.latencies_us);
            all.errors += tally.errors;
        }
    }
    all.elapsed = start.elapsed();
    all.latencies_us.sort_unstable();
    all
}

/// Summary figures of one run.
#[derive(Debug)]
struct Figures {
    requests: usize,
    errors: u64,
    rate: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

/// Nearest-rank percentile of sorted latencies, in milliseconds.
fn percentile(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

fn figures(tally: &Tally) -> Figures {
    let l = &tally.latencies_us;
    Figures {
        requests: l.len(),
        errors: tally.errors,
        rate: l.len() as f64 / tally.elapsed.as_secs_f64(),
        p50: percentile(l, 50.0),
        p90: percentile(l, 90.0),
        p99: percentile(l, 99.0),
        max: l.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
    }
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn env_number(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number, got `{v}`")),
        Err(_) => Ok(default),
    }
}

async fn bench() -> anyhow::Result<()> {
    let seconds = env_number("BENCH_SECONDS", 10)?.max(1);
    let gate = u32::try_from(env_number("BENCH_GATE", CLIENTS as u64)?.max(1))?;
    let config = IxcConfig {
        seed: SEED,
        ..IxcConfig::default()
    };
    let erp = ixc::start(config.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .context("cannot start the simulated IXC")?;
    let dir = tempfile::tempdir()?;
    let (ponte, key) = start_ponte(&erp, &config, &dir.path().join("bench.db"), gate).await?;
    let hand = start_handwritten(&erp, &config).await?;

    // Active customers with at least one open invoice: the calls that do the whole work.
    let state = erp.state();
    let customers: Vec<_> = state
        .customers()
        .into_iter()
        .filter(|c| c.active && state.invoices_of(&c.id).iter().any(|i| i.status == "A"))
        .collect();
    if customers.is_empty() {
        bail!("the simulator seeded no customer with an open invoice");
    }
    let documents: Arc<Vec<String>> =
        Arc::new(customers.iter().map(|c| c.document.clone()).collect());

    let targets = [
        Target {
            name: "ponte",
            url: ponte.url.clone(),
            bearer: Some(key),
        },
        Target {
            name: "hand-written",
            url: hand.url.clone(),
            bearer: None,
        },
    ];

    // Both must answer every customer alike and ask the simulator the same things, or the
    // comparison means nothing. Each target walks every customer once with the counters reset.
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    let mut asked = Vec::new();
    for target in &targets {
        erp.requests().reset();
        let mut all = Vec::with_capacity(documents.len());
        for document in documents.iter() {
            all.push(
                call(&client, target, document)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}, customer {document}: {e}", target.name))?,
            );
        }
        answers.push(all);
        asked.push(erp.requests().snapshot());
    }
    for (n, document) in documents.iter().enumerate() {
        if answers[0][n] != answers[1][n] {
            bail!(
                "customer {document}: the answers differ\nponte:        {}\nhand-written: {}",
                answers[0][n],
                answers[1][n]
            );
        }
    }
    if asked[0] != asked[1] {
        bail!(
            "the simulator saw different requests\nponte:        {:?}\nhand-written: {:?}",
            asked[0],
            asked[1]
        );
    }
    let invoices: usize = answers[0]
        .iter()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let per_call = |n: u64| n as f64 / documents.len() as f64;
    println!(
        "list_invoices over HTTP, {CLIENTS} concurrent clients, {seconds} s per target, gate {gate}"
    );
    println!(
        "{} customers, {:.1} invoices per answer; simulator requests per call: {}",
        documents.len(),
        invoices as f64 / documents.len() as f64,
        asked[0]
            .iter()
            .map(|(path, n)| format!("{path} {:.1}", per_call(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("both targets gave identical answers and identical simulator request counts\n");

    let mut results = Vec::new();
    for target in &targets {
        closed_loop(target, &documents, Duration::from_secs(2)).await;
        let tally = closed_loop(target, &documents, Duration::from_secs(seconds)).await;
        results.push((target.name, figures(&tally)));
    }

    println!(
        "{:<13} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "target", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for (name, f) in &results {
        println!(
            "{:<13} {:>9} {:>7} {:>9.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            name, f.requests, f.errors, f.rate, f.p50, f.p90, f.p99, f.max
        );
    }
    if let [(_, p), (_, h)] = results.as_slice() {
        println!(
            "\nratio ponte / hand-written: req/s {:.2}, p50 {:.2}",
            p.rate / h.rate,
            p.p50 / h.p50
        );
    }
    println!("peak RSS of the process (VmHWM): {}", peak_rss());

    ponte.stop().await?;
    hand.stop().await?;
    erp.shutdown().await;
    drop(dir);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}
