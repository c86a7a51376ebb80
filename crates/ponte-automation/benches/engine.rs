//! The engine's own cost, without a network: the IXC `list_invoices` example (two requests,
//! 30 invoices mapped) over an in-memory transport, its compilation, and a hand-written Rust
//! function doing the same calls and mapping as the baseline; and a loop of 30 requests over
//! the same page, for what a loop iteration costs. divan prints the timings; the
//! summary at the end prints runs per second and the ratio engine / hand-written, measured in
//! the same process.
//!
//! The IXC preset's `list_invoices` (the same listing, then one `get_pix` request per invoice)
//! is measured too, as the automation the HTTP benchmark runs.
//!
//! Allocations are counted by a wrapper of the system allocator: the summary prints how many
//! blocks one run allocates.
//!
//! Run: `cargo bench -p ponte-automation --bench engine`; instruction counts: see
//! docs/benchmarks.md.

use std::alloc::System;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use ponte_automation::{
    CompiledAutomation, Engine, InboundResponse, OutboundRequest, RunEnv, Transport,
    TransportError, filters,
};
use ponte_catalog::{FunctionId, ValidatedInput};
use secrecy::SecretString;
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SOURCE: &str = include_str!("../../../examples/ixc/list_invoices.yaml");
const PRESET: &str = include_str!("../../../presets/ixc/list_invoices.yaml");

/// A loop: the 30 invoices listed, then one request per invoice (as the IXC preset asks for
/// each invoice's PIX code), four at a time. What a loop iteration costs over a context that
/// holds a page of results.
const LOOP: &str = r#"
function: list_invoices
variables:
  base_url: {}
  ixc_user_id: {}
secrets: [ixc_token]
steps:
  - id: invoices
    request:
      method: POST
      url: "{{ vars.base_url }}/fn_areceber"
      json: { qtype: fn_areceber.id_cliente, query: "{{ input.customer_document_number }}" }
  - id: pix
    for_each:
      items: .steps.invoices.body.registros
      max_items: 50
      concurrency: 4
    request:
      method: POST
      url: "{{ vars.base_url }}/get_pix"
      json: { id_areceber: "{{ item.id }}" }
output: |
  [ .steps.invoices.body.registros[] | {
      document_number: "52998224725", fatura: .id, nome_cliente: "", valor_inicial: "1.00",
      valor_final: "1.00", juros: "", multa: "", emissao: "2026-01-01", vencimento: "2026-01-01",
      historico: "", link_boleto: "", linha_digitavel: "", code_fatura: "", identifier: "",
      remote_id: .id, pix_code: ""
    } ]
"#;
const BASE: &str = "http://ixc.bench/webservice/v1";

/// Answers `cliente`, `fn_areceber` and `get_pix` from memory.
#[derive(Debug)]
struct Memory {
    customer: Bytes,
    invoices: Bytes,
}

impl Memory {
    fn new() -> Self {
        let customer = json!({"page": "1", "total": "1", "registros": [
            {"id": "2", "razao": "Maria das Graças Souza", "cnpj_cpf": "529.982.247-25", "ativo": "S"}
        ]});
        let rows: Vec<Value> = (0..30)
            .map(|i| {
                json!({
                    "id": format!("{}", 145_500 + i), "id_cliente": "2", "id_contrato": "2309",
                    "status": "A", "liberado": "S", "data_emissao": "2026-11-08",
                    "data_vencimento": format!("2026-12-{:02}", 1 + i % 28),
                    "valor": "99.900000000", "valor_aberto": "99.90", "valor_recebido": "0.00",
                    "documento": format!("{}", 72_000 + i), "nparcela": "1",
                    "linha_digitavel": "34191.79001 01043.510047 91020.150008 1 10010000009990",
                    "gateway_link": "", "pix_txid": "", "obs": "", "ultima_atualizacao": "2026-11-08 13:53:41"
                })
            })
            .collect();
        let invoices = json!({"page": "1", "total": "30", "registros": rows});
        Self {
            customer: Bytes::from(customer.to_string()),
            invoices: Bytes::from(invoices.to_string()),
        }
    }

    fn answer(&self, path: &str) -> Bytes {
        if path.ends_with("/get_pix") {
            Bytes::from_static(
                br#"{"type":"success","qrcode":"00020101021226850014br.gov.bcb.pix"}"#,
            )
        } else if path.ends_with("/cliente") {
            self.customer.clone()
        } else {
            self.invoices.clone()
        }
    }
}

#[async_trait]
impl Transport for Memory {
    async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError> {
        Ok(InboundResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: self.answer(request.url.path()),
        })
    }
}

/// The integration's values, built once and handed to every run as a caller would.
fn env() -> RunEnv {
    RunEnv::new("bench")
        .with_vars(BTreeMap::from([
            ("base_url".to_owned(), BASE.to_owned()),
            ("ixc_user_id".to_owned(), "7".to_owned()),
        ]))
        .with_secrets(BTreeMap::from([(
            "ixc_token".to_owned(),
            SecretString::from("0123456789abcdef"),
        )]))
}

/// The input as the catalog hands it over (validation is the caller's, not measured here).
fn input() -> ValidatedInput {
    ponte_catalog::validate_input(
        FunctionId::ListInvoices,
        &json!({"customer_document_number": "52998224725"}),
    )
    .expect("a valid input")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn compile() -> CompiledAutomation {
    ponte_automation::compile("list_invoices.yaml", SOURCE).expect("the example compiles")
}

fn compile_loop() -> CompiledAutomation {
    ponte_automation::compile("loop.yaml", LOOP).expect("the loop compiles")
}

fn compile_preset() -> CompiledAutomation {
    ponte_automation::compile("presets/ixc/list_invoices.yaml", PRESET)
        .expect("the preset compiles")
}

/// The same two calls and the same mapping, written by hand against the same transport.
async fn handwritten(transport: &Memory, document: &str) -> Value {
    let formatted = filters::cpf_cnpj_format(&json!(document)).unwrap_or_default();
    let body = json!({"qtype": "cliente.cnpj_cpf", "query": formatted, "oper": "=", "page": "1", "rp": "1"});
    let req = |path: &str, body: &Value| OutboundRequest {
        method: http::Method::POST,
        url: url::Url::parse(&format!("{BASE}/{path}")).expect("url"),
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_string()),
        timeout: Duration::from_secs(10),
        max_response_bytes: 10 << 20,
        public_only: false,
    };
    let customer = transport.send(req("cliente", &body)).await.expect("answer");
    let customer: Value = serde_json::from_slice(&customer.body).unwrap_or_default();
    let Some(c) = customer["registros"].get(0) else {
        return json!([]);
    };
    let body = json!({"qtype": "fn_areceber.id_cliente", "query": c["id"], "oper": "=", "page": "1", "rp": "200"});
    let invoices = transport
        .send(req("fn_areceber", &body))
        .await
        .expect("answer");
    let invoices: Value = serde_json::from_slice(&invoices.body).unwrap_or_default();
    let text = |v: &Value| filters::text(v);
    let out: Vec<Value> = invoices["registros"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            json!({
                "document_number": filters::document(&c["cnpj_cpf"]),
                "fatura": text(&r["id"]),
                "nome_cliente": text(&c["razao"]),
                "valor_inicial": filters::money(&r["valor"]).unwrap_or_default(),
                "valor_final": filters::money(&r["valor_aberto"]).unwrap_or_default(),
                "juros": "", "multa": "",
                "emissao": filters::date(&r["data_emissao"]).unwrap_or_default(),
                "vencimento": filters::date(&r["data_vencimento"]).unwrap_or_default(),
                "historico": text(&r["id_contrato"]),
                "link_boleto": text(&r["gateway_link"]),
                "linha_digitavel": filters::digits(&r["linha_digitavel"]),
                "code_fatura": text(&r["documento"]),
                "identifier": "", "remote_id": text(&r["id"]), "pix_code": "",
            })
        })
        .collect();
    Value::Array(out)
}

#[divan::bench]
fn compile_list_invoices() -> CompiledAutomation {
    compile()
}

#[divan::bench]
fn run_list_invoices_engine(bencher: divan::Bencher) {
    let rt = runtime();
    let automation = compile();
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    bencher.bench_local(|| rt.block_on(engine.run(&automation, input(), &env)));
}

#[divan::bench]
fn run_loop_of_30_requests_engine(bencher: divan::Bencher) {
    let rt = runtime();
    let automation = compile_loop();
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    bencher.bench_local(|| rt.block_on(engine.run(&automation, input(), &env)));
}

#[divan::bench]
fn run_ixc_preset_with_pix_engine(bencher: divan::Bencher) {
    let rt = runtime();
    let automation = compile_preset();
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    bencher.bench_local(|| rt.block_on(engine.run(&automation, input(), &env)));
}

#[divan::bench]
fn run_list_invoices_handwritten(bencher: divan::Bencher) {
    let rt = runtime();
    let transport = Memory::new();
    bencher.bench_local(|| rt.block_on(handwritten(&transport, "52998224725")));
}

fn per_run(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn summary() {
    let rt = runtime();
    let automation = compile();
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    let transport = Memory::new();
    // Both paths must give the same answer, or the comparison means nothing.
    let by_engine = rt.block_on(engine.run(&automation, input(), &env)).result;
    let by_hand = rt.block_on(handwritten(&transport, "52998224725"));
    assert_eq!(
        by_engine.as_ref().ok(),
        Some(&by_hand),
        "engine and baseline disagree"
    );

    let looping = compile_loop();
    let outcome = rt.block_on(engine.run(&looping, input(), &env));
    assert!(
        outcome.result.is_ok(),
        "the loop fails: {:?}",
        outcome.result
    );
    assert_eq!(
        outcome.erp_requests(),
        31,
        "the loop sends one request per invoice"
    );
    let preset = compile_preset();
    let outcome = rt.block_on(engine.run(&preset, input(), &env));
    assert!(
        outcome.result.is_ok(),
        "the preset fails: {:?}",
        outcome.result
    );
    assert_eq!(
        outcome.erp_requests(),
        32,
        "customer, invoices, one get_pix each"
    );

    // Allocations of one run (the second: the first also fills what the env keeps).
    let allocations = |f: &mut dyn FnMut()| {
        f();
        let region = Region::new(GLOBAL);
        f();
        region.change().allocations
    };
    let run_allocs = allocations(&mut || drop(rt.block_on(engine.run(&automation, input(), &env))));
    let trace_allocs = {
        let outcome = rt.block_on(engine.run(&automation, input(), &env));
        let region = Region::new(GLOBAL);
        drop(outcome.trace());
        region.change().allocations
    };
    let loop_allocs = allocations(&mut || drop(rt.block_on(engine.run(&looping, input(), &env))));
    let preset_allocs = allocations(&mut || drop(rt.block_on(engine.run(&preset, input(), &env))));
    let hand_allocs =
        allocations(&mut || drop(rt.block_on(handwritten(&transport, "52998224725"))));

    let compile_cost = per_run(200, || drop(compile()));
    let engine_cost = per_run(2_000, || {
        drop(rt.block_on(engine.run(&automation, input(), &env)))
    });
    let loop_cost = per_run(500, || {
        drop(rt.block_on(engine.run(&looping, input(), &env)))
    });
    let preset_cost = per_run(500, || {
        drop(rt.block_on(engine.run(&preset, input(), &env)))
    });
    let traced_cost = per_run(2_000, || {
        drop(rt.block_on(engine.run(&automation, input(), &env)).trace())
    });
    let hand_cost = per_run(2_000, || {
        drop(rt.block_on(handwritten(&transport, "52998224725")))
    });
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!("\nsummary (list_invoices: 2 requests, 30 invoices mapped, in-memory transport)");
    println!(
        "  compile:          {:>9.1} µs per automation",
        compile_cost.as_secs_f64() * 1e6
    );
    println!(
        "  engine run:       {:>9.1} µs per run  ({:.0} runs/s, trace kept, not made)",
        engine_cost.as_secs_f64() * 1e6,
        1.0 / engine_cost.as_secs_f64()
    );
    println!(
        "  engine run and its stored trace: {:>9.1} µs per run  ({:.0} runs/s)",
        traced_cost.as_secs_f64() * 1e6,
        1.0 / traced_cost.as_secs_f64()
    );
    println!(
        "  hand-written run: {:>9.1} µs per run  ({:.0} runs/s)",
        hand_cost.as_secs_f64() * 1e6,
        1.0 / hand_cost.as_secs_f64()
    );
    println!(
        "  engine, loop of 30 requests: {:>9.1} µs per run",
        loop_cost.as_secs_f64() * 1e6
    );
    println!(
        "  IXC preset, listing and get_pix per invoice: {:>9.1} µs per run",
        preset_cost.as_secs_f64() * 1e6
    );
    println!(
        "  ratio engine / hand-written: {:.2}",
        engine_cost.as_secs_f64() / hand_cost.as_secs_f64()
    );
    println!(
        "  allocations per run: engine {run_allocs}, its stored trace {trace_allocs}, \
         loop {loop_allocs}, preset {preset_allocs}, hand-written {hand_allocs}"
    );
    println!("  peak memory: {}", rss.trim_start_matches("VmHWM:").trim());
}

/// `ENGINE_BENCH_ONLY=run|trace|loop|preset|compile|hand ENGINE_BENCH_COUNT=n`: only that,
/// `n` times, and no timing, for instruction counts under `valgrind --tool=callgrind` (see
/// docs/benchmarks.md). `trace` is a run and its stored trace.
fn count_only(what: &str, count: u32) {
    let rt = runtime();
    let automation = match what {
        "loop" => compile_loop(),
        "preset" => compile_preset(),
        _ => compile(),
    };
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    let transport = Memory::new();
    for _ in 0..count {
        match what {
            "compile" => drop(compile()),
            "hand" => drop(rt.block_on(handwritten(&transport, "52998224725"))),
            "trace" => drop(rt.block_on(engine.run(&automation, input(), &env)).trace()),
            _ => drop(rt.block_on(engine.run(&automation, input(), &env))),
        }
    }
}

fn main() {
    if let Ok(what) = std::env::var("ENGINE_BENCH_ONLY") {
        let count = std::env::var("ENGINE_BENCH_COUNT")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20);
        count_only(&what, count);
        return;
    }
    divan::main();
    summary();
}
