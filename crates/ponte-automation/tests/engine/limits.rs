//! Limits: response bytes, steps, loop iterations and bounds, template fuel, concurrency.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_is_read_whole() {
    let e = erp(Router::new().route("/r", get(|| async { "x".repeat(200_000) }))).await;
    let a = automation(&resellers("url: \"{{ vars.base_url }}/r\"", MAP_BODY));
    let mut env = env(&e.base);
    env.limits.max_response_bytes = 50_000;
    let err = run(&a, json!({}), &env).await.result.unwrap_err();
    assert_eq!(err.code(), "limit_exceeded");
    assert!(err.to_string().contains("50000 bytes"), "{err}");
}

fn looping(max_items: u32, concurrency: u32) -> String {
    format!(
        r#"function: list_resellers
variables:
  base_url: {{}}
steps:
  - id: ids
    set: '[range(0; 6) | tostring]'
  - id: each
    for_each:
      items: .steps.ids
      max_items: {max_items}
      concurrency: {concurrency}
    request:
      url: "{{{{ vars.base_url }}}}/item/{{{{ item }}}}"
output: '[.steps.each[] | {{code: .body.id, name: .body.nome, taxvat: "", email: ""}}]'
"#
    )
}

#[derive(Clone, Default)]
struct InFlight {
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
}

async fn item_erp(state: InFlight) -> Erp {
    erp(Router::new().route(
        "/item/{id}",
        get(move |Path(id): Path<String>| {
            let s = state.clone();
            async move {
                let n = s.now.fetch_add(1, Ordering::SeqCst) + 1;
                s.max.fetch_max(n, Ordering::SeqCst);
                // Later items answer sooner, so an engine that kept completion order would
                // return them shuffled.
                let wait = 60 - id.parse::<u64>().unwrap_or(0) * 10;
                tokio::time::sleep(Duration::from_millis(wait)).await;
                s.now.fetch_sub(1, Ordering::SeqCst);
                axum::Json(json!({"id": id, "nome": format!("R{id}")}))
            }
        }),
    ))
    .await
}

#[tokio::test]
async fn for_each_keeps_the_order_of_its_items_and_respects_its_concurrency_cap() {
    let state = InFlight::default();
    let e = item_erp(state.clone()).await;
    let out = run(&automation(&looping(10, 2)), json!({}), &env(&e.base)).await;
    let codes: Vec<Value> = out
        .result
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            json!("0"),
            json!("1"),
            json!("2"),
            json!("3"),
            json!("4"),
            json!("5")
        ]
    );
    assert!(
        state.max.load(Ordering::SeqCst) <= 2,
        "at most 2 requests at once"
    );
}

#[tokio::test]
async fn a_list_longer_than_max_items_fails_instead_of_being_cut() {
    let e = item_erp(InFlight::default()).await;
    let err = run(&automation(&looping(5, 1)), json!({}), &env(&e.base))
        .await
        .result
        .unwrap_err();
    assert_eq!(err.code(), "limit_exceeded");
    assert!(
        err.to_string()
            .contains("6 items, more than its max_items 5"),
        "{err}"
    );
}

#[tokio::test]
async fn the_run_wide_iteration_and_step_limits_hold() {
    let e = item_erp(InFlight::default()).await;
    let mut env = env(&e.base);
    env.limits.max_iterations = 4;
    let err = run(&automation(&looping(10, 1)), json!({}), &env)
        .await
        .result
        .unwrap_err();
    assert!(
        err.to_string().contains("more than 4 loop iterations"),
        "{err}"
    );
    let mut env2 = crate::support::env(&e.base);
    env2.limits.max_steps = 3;
    let err = run(&automation(&looping(10, 1)), json!({}), &env2)
        .await
        .result
        .unwrap_err();
    assert!(
        err.to_string().contains("more than 3 step executions"),
        "{err}"
    );
}

#[test]
fn a_loop_without_bound_does_not_compile() {
    let yaml = looping(1, 1).replace("      max_items: 1\n", "");
    let diags = ponte_automation::compile("l.yaml", &yaml).unwrap_err();
    assert_eq!(diags[0].code, ponte_automation::Code::UnboundedLoop);
}

#[tokio::test]
async fn template_fuel_stops_a_runaway_template() {
    let yaml = r#"function: list_resellers
limits:
  template_fuel: 500
steps:
  - id: boom
    fail:
      code: never
      message: "{% for i in range(100000) %}{{ i }}{% endfor %}"
output: '[.none[]? | {code, name, taxvat, email}]'
"#;
    let a = automation(yaml);
    let err = run(&a, json!({}), &env("http://127.0.0.1:9"))
        .await
        .result
        .unwrap_err();
    assert_eq!(err.code(), "automation_error");
    assert!(err.to_string().contains("fuel"), "{err}");
}

/// The server runs automations on a multi-threaded runtime, so a run must be able to move
/// between threads while it waits on the ERP (this does not compile otherwise).
#[test]
fn a_run_can_move_between_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let a = automation(&looping(10, 2));
    let env = env("http://127.0.0.1:9");
    let engine = engine();
    let run = engine.run(&a, input(&a, json!({})), &env);
    assert_send(&run);
}
