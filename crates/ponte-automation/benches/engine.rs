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
//! Allocations per run are counted by the `allocations` benchmark, apart: counting every
//! allocation would slow the timings here.
//!
//! Run: `cargo bench -p ponte-automation --bench engine`; instruction counts: see
//! docs/benchmarks.md.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ponte_automation::{CompiledAutomation, Engine};

use support::{Memory, compile, compile_loop, compile_preset, env, handwritten, input, runtime};

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
