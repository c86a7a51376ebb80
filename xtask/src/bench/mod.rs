//! `cargo xtask bench`: `list_invoices` over HTTP as a user measures it.
//!
//! Every part is its own process, as in production: Ponte started with `ponte serve --config`
//! on a generated configuration (a SQLite file in a temporary folder, execution records as
//! shipped, the IXC preset with `with_pix = "N"`, one integration and one API key); the static
//! ERP (`xtask static-erp`), which replays canned IXC answers at almost no cost; and the
//! hand-written baseline (`xtask baseline`), which makes the same ERP requests and the same
//! mapping. The load generator runs here, on a one-thread runtime of its own.
//!
//! Before timing, both targets must give the same answer and make the same ERP requests per
//! call. Then, per concurrency: a warm-up of each target, and timed runs alternating Ponte and
//! baseline, so that a change in the machine's load touches both; medians are reported.

mod load;
mod parts;
mod report;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use hyper::header::HeaderValue;
use serde_json::{Value, json};

use crate::fixtures::{Fixtures, Setup};
use crate::static_erp::Counts;
use load::Target;
use parts::Part;
use report::{Level, Machine, Report, Run, Settings, Summary};

/// Calls per target in the check before timing.
const CHECK_CALLS: u64 = 3;
/// The product's default `limits.max_concurrent_requests`.
const DEFAULT_GATE: u32 = 8;
/// How long Ponte may take to migrate its database and start.
const PONTE_START: Duration = Duration::from_secs(60);
/// How long the benchmark's own servers may take to start.
const PART_START: Duration = Duration::from_secs(15);
/// The pause between two runs, for the machine to catch its breath.
const PAUSE: Duration = Duration::from_millis(500);

/// `cargo xtask bench`
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Timed runs of each target at each concurrency; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Seconds of each timed run.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Seconds of warm-up of each target at each concurrency.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Concurrencies to measure: closed-loop clients, one keep-alive connection each.
    #[arg(long, value_delimiter = ',', default_value = "1,32")]
    pub concurrency: Vec<usize>,
    /// The integration's `limits.max_concurrent_requests` (default: the product's, 8).
    #[arg(long)]
    pub gate: Option<u32>,
    /// Print the report as JSON on standard output (progress stays on standard error).
    #[arg(long)]
    pub json: bool,
    /// Measure this `ponte` binary instead of building the workspace's.
    #[arg(long)]
    pub ponte: Option<PathBuf>,
}

/// The workspace root: xtask lives one folder below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `cargo build --release -p ponte-cli`, output shown; the path of the `ponte` executable.
fn build_ponte() -> anyhow::Result<PathBuf> {
    eprintln!("building ponte: cargo build --release -p ponte-cli");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--release",
            "-p",
            "ponte-cli",
            "--message-format=json-render-diagnostics",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo")?;
    let out = child.stdout.take().context("cargo's output")?;
    let mut exe = None;
    for message in cargo_metadata::Message::parse_stream(std::io::BufReader::new(out)) {
        if let cargo_metadata::Message::CompilerArtifact(artifact) = message?
            && artifact.target.name == "ponte"
            && let Some(path) = artifact.executable
        {
            exe = Some(PathBuf::from(path));
        }
    }
    let status = child.wait()?;
    ensure!(
        status.success(),
        "cargo build --release -p ponte-cli failed"
    );
    exe.context("cargo built ponte-cli but named no `ponte` executable")
}

/// `cargo xtask bench`.
///
/// # Errors
/// When a part does not build or start, the targets disagree, or a part stops midway.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    ensure!(args.runs >= 1, "--runs must be at least 1");
    ensure!(args.seconds >= 1, "--seconds must be at least 1");
    ensure!(
        !args.concurrency.is_empty() && args.concurrency.iter().all(|&c| c >= 1),
        "--concurrency takes whole numbers of at least 1, e.g. 1,32"
    );
    ensure!(
        args.gate != Some(0),
        "--gate must be at least 1 (it is a number of requests in flight)"
    );
    let ponte = match &args.ponte {
        // Absolute: Ponte runs in its temporary folder, where a relative path means nothing.
        Some(path) => std::fs::canonicalize(path)
            .with_context(|| format!("--ponte {}: no such file", path.display()))?,
        None => build_ponte()?,
    };
    // One thread: the load generator needs little, and every other core cycle is the servers'.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        tokio::select! {
            result = bench(args, &ponte) => result,
            // Dropping `bench` drops its parts, which kills them.
            () = crate::serve::terminate() => bail!("interrupted; every part was stopped"),
        }
    })
}

/// The three servers and what the load needs to reach them.
struct Stage {
    _dir: tempfile::TempDir,
    db: PathBuf,
    erp: Part,
    erp_url: String,
    ponte: Part,
    baseline: Part,
    targets: [Target; 2],
}

fn ponte_config(port: u16, erp: &str, setup: &Setup, gate: Option<u32>) -> String {
    let mut config = format!(
        r#"# Written by `cargo xtask bench`: Ponte as an operator runs it, in front of the static ERP.
[server]
listen = "127.0.0.1:{port}"

[database]
url = "sqlite://ponte.db"

[security]
master_key = "env:BENCH_MASTER_KEY"

[log]
level = "info"
format = "json"

[[integrations]]
id = "bench-ixc"
name = "Benchmark IXC"
preset = "ixc"
api_keys = ["env:BENCH_PONTE_KEY"]

[integrations.variables]
base_url = "{erp}/webservice/v1"
ixc_user_id = "{user}"
with_pix = "N"

[integrations.secrets]
ixc_token = "env:BENCH_IXC_TOKEN"
"#,
        user = setup.user_id,
    );
    if let Some(gate) = gate {
        config.push_str(&format!(
            "\n[integrations.settings.limits]\nmax_concurrent_requests = {gate}\n"
        ));
    }
    config
}

fn target(name: &'static str, url: &str, key: &str, setup: &Setup) -> anyhow::Result<Target> {
    let addr: SocketAddr = url
        .strip_prefix("http://")
        .unwrap_or(url)
        .parse()
        .with_context(|| format!("the {name}'s address `{url}`"))?;
    Ok(Target {
        name,
        addr,
        path: "/v1/functions/list_invoices".into(),
        authorization: HeaderValue::from_str(&format!("Bearer {key}"))?,
        body: Bytes::from(serde_json::to_vec(
            &json!({"customer_document_number": setup.document}),
        )?),
    })
}

/// Starts the static ERP, Ponte and the baseline, each its own process, and waits until each
/// answers `/readyz`.
async fn stage(ponte_exe: &Path, fixtures: &Fixtures, args: &BenchArgs) -> anyhow::Result<Stage> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let xtask = std::env::current_exe().context("cannot find the xtask executable")?;
    let setup = &fixtures.setup;
    let dir = tempfile::Builder::new().prefix("ponte-bench-").tempdir()?;

    let keygen = |which: &str| {
        let mut command = Command::new(ponte_exe);
        command.args(["keygen", which]);
        parts::output_of(command)
    };
    let master = keygen("master")?;
    let key = keygen("api-key")?;

    eprintln!("starting the static ERP");
    let mut command = Command::new(&xtask);
    command.args(["static-erp", "--port", "0", "--stop-on-stdin-eof"]);
    let mut erp = Part::start("static ERP", command)?;
    let erp_url = erp.announced_address(PART_START).await?;
    erp.ready(&client, &erp_url, PART_START).await?;

    eprintln!("starting ponte serve");
    let port = parts::free_port()?;
    let config = dir.path().join("ponte.toml");
    std::fs::write(&config, ponte_config(port, &erp_url, setup, args.gate))?;
    let mut command = Command::new(ponte_exe);
    command
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .current_dir(dir.path())
        .env("BENCH_MASTER_KEY", &master)
        .env("BENCH_PONTE_KEY", &key)
        .env("BENCH_IXC_TOKEN", &setup.token)
        // The generated file is the whole configuration: nothing from this shell overrides it.
        .env_remove("RUST_LOG");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PONTE_") {
            command.env_remove(name);
        }
    }
    let mut ponte = Part::start("ponte serve", command)?;
    let ponte_url = format!("http://127.0.0.1:{port}");
    ponte.ready(&client, &ponte_url, PONTE_START).await?;

    eprintln!("starting the baseline");
    let mut command = Command::new(&xtask);
    command
        .args(["baseline", "--port", "0", "--stop-on-stdin-eof", "--erp"])
        .arg(format!("{erp_url}/webservice/v1"))
        .args(["--ixc-user", &setup.user_id])
        .env("BENCH_IXC_TOKEN", &setup.token)
        .env("BENCH_API_KEY", &key);
    let mut baseline = Part::start("baseline", command)?;
    let baseline_url = baseline.announced_address(PART_START).await?;
    baseline.ready(&client, &baseline_url, PART_START).await?;

    let targets = [
        target("ponte", &ponte_url, &key, setup)?,
        target("baseline", &baseline_url, &key, setup)?,
    ];
    Ok(Stage {
        db: dir.path().join("ponte.db"),
        _dir: dir,
        erp,
        erp_url,
        ponte,
        baseline,
        targets,
    })
}

/// The static ERP's counters, optionally reset after reading.
async fn erp_counts(client: &reqwest::Client, erp: &str, reset: bool) -> anyhow::Result<Counts> {
    let counts: Counts = client
        .get(format!("{erp}/__counts"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if reset {
        client
            .post(format!("{erp}/__counts/reset"))
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(counts)
}

/// Both targets answer alike and ask the static ERP the same requests; ERP requests per call.
async fn check_alike(
    client: &reqwest::Client,
    stage: &Stage,
    invoices: usize,
) -> anyhow::Result<f64> {
    let mut seen: Vec<(Value, Counts)> = Vec::new();
    for target in &stage.targets {
        erp_counts(client, &stage.erp_url, true).await?;
        let mut answer: Option<Value> = None;
        for _ in 0..CHECK_CALLS {
            let (status, body) = load::once(target).await?;
            ensure!(
                status == hyper::StatusCode::OK,
                "{} answered HTTP {status}: {}",
                target.name,
                String::from_utf8_lossy(&body)
            );
            let value: Value = serde_json::from_slice(&body)
                .with_context(|| format!("{} did not answer JSON", target.name))?;
            if let Some(previous) = &answer {
                ensure!(
                    previous == &value,
                    "{} gave two different answers to the same call",
                    target.name
                );
            }
            answer = Some(value);
        }
        let answer = answer.unwrap_or_default();
        let listed = answer.as_array().map_or(0, Vec::len);
        ensure!(
            listed == invoices,
            "{} listed {listed} invoices, the static ERP holds {invoices}",
            target.name
        );
        let counts = erp_counts(client, &stage.erp_url, true).await?;
        if counts.unexpected > 0 {
            bail!(
                "{} made {} request(s) the static ERP does not know: {}",
                target.name,
                counts.unexpected,
                counts.first_unexpected.unwrap_or_default()
            );
        }
        seen.push((answer, counts));
    }
    let [(ponte, ponte_counts), (baseline, baseline_counts)] = seen.as_slice() else {
        bail!("two targets were checked");
    };
    if ponte != baseline {
        bail!(
            "the answers differ\nponte:    {ponte}\nbaseline: {baseline}\n\
             (the baseline's mapping must follow the preset's)"
        );
    }
    if ponte_counts != baseline_counts {
        bail!(
            "the static ERP saw different requests for {CHECK_CALLS} calls\nponte:    \
             {ponte_counts:?}\nbaseline: {baseline_counts:?}"
        );
    }
    Ok((ponte_counts.cliente + ponte_counts.fn_areceber) as f64 / CHECK_CALLS as f64)
}

/// Bytes of the SQLite files (db + wal) and bytes Ponte has sent to storage.
fn disk(stage: &Stage) -> (u64, Option<u64>) {
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut wal = stage.db.clone().into_os_string();
    wal.push("-wal");
    (
        size(&stage.db) + size(Path::new(&wal)),
        parts::write_bytes(stage.ponte.pid()),
    )
}

/// Waits until Ponte has stopped writing (its execution records are written off the request
/// path, after the answers), at most a few seconds; the disk figures then.
async fn settle(stage: &Stage) -> (u64, Option<u64>) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = disk(stage);
    let mut quiet = 0;
    while quiet < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = disk(stage);
        quiet = if now == last { quiet + 1 } else { 0 };
        last = now;
    }
    last
}

/// One timed run of one target.
async fn timed(
    client: &reqwest::Client,
    stage: &mut Stage,
    which: usize,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Run> {
    let is_ponte = which == 0;
    erp_counts(client, &stage.erp_url, true).await?;
    let before = disk(stage);
    let tally =
        load::closed_loop(&stage.targets[which], clients, Duration::from_secs(seconds)).await?;
    let after = if is_ponte {
        settle(stage).await
    } else {
        disk(stage)
    };
    stage.ponte.alive()?;
    stage.baseline.alive()?;
    stage.erp.alive()?;
    let counts = erp_counts(client, &stage.erp_url, true).await?;
    if counts.unexpected > 0 {
        bail!(
            "{} made {} request(s) the static ERP does not know during a run: {}",
            stage.targets[which].name,
            counts.unexpected,
            counts.first_unexpected.unwrap_or_default()
        );
    }
    let calls = tally.latencies_us.len() as f64 + tally.errors as f64;
    if let Some(first) = &tally.first_error {
        eprintln!(
            "  {}: {} failed request(s), the first: {first}",
            stage.targets[which].name, tally.errors
        );
    }
    let per_call = |a: u64, b: u64| (b as f64 - a as f64) / calls.max(1.0);
    Ok(Run {
        requests: tally.latencies_us.len(),
        errors: tally.errors,
        req_per_s: tally.rate(),
        p50_ms: tally.percentile_ms(50.0),
        p99_ms: tally.percentile_ms(99.0),
        erp_requests_per_call: (counts.cliente + counts.fn_areceber) as f64 / calls.max(1.0),
        db_growth_bytes_per_call: is_ponte.then(|| per_call(before.0, after.0)),
        write_bytes_per_call: match (is_ponte, before.1, after.1) {
            (true, Some(a), Some(b)) => Some(per_call(a, b)),
            _ => None,
        },
    })
}

fn loadavg() -> [f64; 3] {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut fields = text
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(f64::NAN));
    [(); 3].map(|()| fields.next().unwrap_or(f64::NAN))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

async fn bench(args: &BenchArgs, ponte_exe: &Path) -> anyhow::Result<()> {
    let fixtures = crate::fixtures::load()?;
    let load_before = loadavg();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut stage = stage(ponte_exe, &fixtures, args).await?;
    let erp_requests_per_call = check_alike(&client, &stage, fixtures.setup.invoices).await?;
    eprintln!(
        "checked: both answer the same {} invoices with {erp_requests_per_call:.0} ERP \
         requests per call",
        fixtures.setup.invoices
    );

    let mut levels = Vec::new();
    for &clients in &args.concurrency {
        eprintln!(
            "{clients} client(s): {} s of warm-up each, then {} runs of {} s each, alternating",
            args.warmup, args.runs, args.seconds
        );
        for which in 0..2 {
            load::closed_loop(
                &stage.targets[which],
                clients,
                Duration::from_secs(args.warmup),
            )
            .await?;
            settle(&stage).await;
        }
        let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
        for n in 1..=args.runs {
            for (which, runs_of) in runs.iter_mut().enumerate() {
                tokio::time::sleep(PAUSE).await;
                let run = timed(&client, &mut stage, which, clients, args.seconds).await?;
                eprintln!(
                    "  run {n}/{} {:<8} {:>8.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
                    args.runs, stage.targets[which].name, run.req_per_s, run.p50_ms, run.p99_ms
                );
                runs_of.push(run);
            }
        }
        let [ponte_runs, baseline_runs] = runs;
        levels.push(Level::new(
            clients,
            Summary::of(ponte_runs, parts::rss_kib(stage.ponte.pid())),
            Summary::of(baseline_runs, parts::rss_kib(stage.baseline.pid())),
        ));
    }

    let date = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)?;
    let report = Report {
        date,
        machine: Machine {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model: cpu_model(),
            load_before,
            load_after: loadavg(),
        },
        settings: Settings {
            runs: args.runs,
            seconds: args.seconds,
            warmup_seconds: args.warmup,
            gate: args.gate.unwrap_or(DEFAULT_GATE),
            gate_is_default: args.gate.is_none_or(|g| g == DEFAULT_GATE),
        },
        function: "list_invoices",
        invoices_per_answer: fixtures.setup.invoices,
        erp_requests_per_call,
        levels,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_configuration_has_the_integration_the_benchmark_needs() {
        let setup = crate::fixtures::load().unwrap().setup;
        let text = ponte_config(8123, "http://127.0.0.1:9", &setup, Some(32));
        let config: toml::Table = text.parse().unwrap();
        assert_eq!(config["server"]["listen"].as_str(), Some("127.0.0.1:8123"));
        assert_eq!(
            config["database"]["url"].as_str(),
            Some("sqlite://ponte.db")
        );
        let integration = &config["integrations"][0];
        assert_eq!(integration["preset"].as_str(), Some("ixc"));
        let variables = &integration["variables"];
        assert_eq!(
            variables["base_url"].as_str(),
            Some("http://127.0.0.1:9/webservice/v1")
        );
        assert_eq!(variables["with_pix"].as_str(), Some("N"));
        assert_eq!(
            integration["settings"]["limits"]["max_concurrent_requests"].as_integer(),
            Some(32)
        );
        let default_gate: toml::Table = ponte_config(1, "http://x", &setup, None).parse().unwrap();
        assert!(default_gate["integrations"][0].get("settings").is_none());
    }
}
