//! Allocations per run: how many blocks the engine allocates for one run of each automation
//! of the `engine` benchmark, for its stored trace, and for the hand-written baseline, counted
//! by a wrapper of the system allocator. Kept apart from the timings, which the counting would
//! slow down.
//!
//! Run: `cargo bench -p ponte-automation --bench allocations`.

mod support;

use std::alloc::System;
use std::sync::Arc;

use ponte_automation::Engine;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use support::{Memory, compile, compile_loop, compile_preset, env, handwritten, input, runtime};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Blocks allocated by one call of `f`, measured on the second call: the first also fills
/// what the env keeps for every later run.
fn allocations(f: &mut dyn FnMut()) -> usize {
    f();
    let region = Region::new(GLOBAL);
    f();
    region.change().allocations
}

fn main() {
    let rt = runtime();
    let engine = Engine::new(Arc::new(Memory::new()));
    let env = env();
    let transport = Memory::new();
    let automation = compile();
    let looping = compile_loop();
    let preset = compile_preset();
    let run = allocations(&mut || drop(rt.block_on(engine.run(&automation, input(), &env))));
    let trace = {
        let outcome = rt.block_on(engine.run(&automation, input(), &env));
        let region = Region::new(GLOBAL);
        drop(outcome.trace());
        region.change().allocations
    };
    let looped = allocations(&mut || drop(rt.block_on(engine.run(&looping, input(), &env))));
    let preset = allocations(&mut || drop(rt.block_on(engine.run(&preset, input(), &env))));
    let hand = allocations(&mut || drop(rt.block_on(handwritten(&transport, "52998224725"))));
    let input = {
        let region = Region::new(GLOBAL);
        drop(input());
        region.change().allocations
    };
    println!("allocations per run (blocks)");
    println!("  engine, list_invoices:              {run:>6}");
    println!("  its stored trace, made on demand:   {trace:>6}");
    println!("  engine, loop of 30 requests:        {looped:>6}");
    println!("  engine, IXC preset with get_pix:    {preset:>6}");
    println!("  hand-written list_invoices:         {hand:>6}");
    println!("  (validating the input, not counted above: {input})");
}
