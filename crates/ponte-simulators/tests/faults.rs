//! Every fault kind is observable by a client, through the Rust handle and through the
//! `/__sim/` control API; request counters see every call.

mod common;

use std::time::{Duration, Instant};

use common::{content_type, sim};
use ponte_simulators::faults::{Fault, FaultRule};
use serde_json::{Value, json};

fn listing() -> Value {
    json!({"qtype": "cliente.id", "query": "1", "oper": "="})
}

#[tokio::test]
async fn a_status_fault_answers_the_status_for_the_next_requests_only() {
    let s = sim().await;
    s.ixc.faults().set_next(2, Fault::Status(503));
    assert_eq!(s.list("cliente", listing()).await.status(), 503);
    assert_eq!(s.list("cliente", listing()).await.status(), 503);
    assert_eq!(s.list("cliente", listing()).await.status(), 200);
}

#[tokio::test]
async fn a_fault_on_a_path_prefix_leaves_other_tables_alone() {
    let s = sim().await;
    s.ixc
        .faults()
        .add(FaultRule::always(Fault::Status(502)).on_path("/webservice/v1/fn_areceber"));
    assert_eq!(s.list("fn_areceber", json!({})).await.status(), 502);
    assert_eq!(s.list("cliente", listing()).await.status(), 200);
    s.ixc.faults().clear();
    assert_eq!(s.list("fn_areceber", json!({})).await.status(), 200);
}

#[tokio::test]
async fn a_dropped_connection_is_an_error_for_the_client() {
    let s = sim().await;
    s.ixc.faults().set_next(1, Fault::DropConnection);
    let outcome = match s
        .http
        .post(s.url("cliente"))
        .basic_auth(&s.user, Some(&s.token))
        .header("ixcsoft", "listar")
        .json(&listing())
        .send()
        .await
    {
        Err(err) => Err(err),
        Ok(response) => response.bytes().await.map(|_| ()),
    };
    assert!(
        outcome.is_err(),
        "the client must not get a complete answer"
    );
    assert_eq!(s.list("cliente", listing()).await.status(), 200);
}

#[tokio::test]
async fn a_hang_never_answers_and_the_client_times_out() {
    let s = sim().await;
    s.ixc.faults().set_next(1, Fault::Hang);
    let err = s
        .http
        .post(s.url("cliente"))
        .basic_auth(&s.user, Some(&s.token))
        .header("ixcsoft", "listar")
        .timeout(Duration::from_millis(300))
        .json(&listing())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn latency_delays_the_answer_but_keeps_it_correct() {
    let s = sim().await;
    s.ixc
        .faults()
        .set_next(1, Fault::Latency(Duration::from_millis(200)));
    let started = Instant::now();
    let answer = s.list_json("cliente", listing()).await;
    // A lower bound only: the delay must have happened; nothing is assumed about speed.
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(answer["registros"][0]["id"], "1");
}

#[tokio::test]
async fn malformed_json_is_a_200_that_does_not_parse() {
    let s = sim().await;
    s.ixc.faults().set_next(1, Fault::MalformedJson);
    let response = s.list("cliente", listing()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(content_type(&response), "text/x-json");
    assert!(serde_json::from_str::<Value>(&response.text().await.unwrap()).is_err());
}

#[tokio::test]
async fn a_rejected_token_looks_like_a_wrong_credential() {
    let s = sim().await;
    s.ixc.faults().set_next(1, Fault::RejectToken);
    let response = s.list("cliente", listing()).await;
    assert_eq!(response.status(), 401);
    assert_eq!(content_type(&response), "text/html");
}

#[tokio::test]
async fn a_rate_limit_answers_429_with_retry_after() {
    let s = sim().await;
    s.ixc.faults().set_next(
        1,
        Fault::RateLimit {
            retry_after_secs: 7,
        },
    );
    let response = s.list("cliente", listing()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn faults_can_be_set_listed_and_cleared_over_http() {
    let s = sim().await;
    let control = format!("{}/__sim/faults", s.ixc.root_url());
    let set = s
        .http
        .post(&control)
        .json(&json!([{"fault": "status", "status": 500, "times": 1}, {"fault": "rate_limit", "retry_after_secs": 3}]))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let active: Value = set.json().await.unwrap();
    assert_eq!(active.as_array().unwrap().len(), 2);

    assert_eq!(s.list("cliente", listing()).await.status(), 500);
    assert_eq!(s.list("cliente", listing()).await.status(), 429);
    assert_eq!(s.list("cliente", listing()).await.status(), 429);

    let bad = s
        .http
        .post(&control)
        .json(&json!({"fault": "meteor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let cleared = s.http.delete(&control).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert_eq!(s.list("cliente", listing()).await.status(), 200);
    let listed: Value = s
        .http
        .get(&control)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn request_counts_are_reported_per_path_and_can_be_reset() {
    let s = sim().await;
    s.list("cliente", listing()).await;
    s.list("cliente", listing()).await;
    s.ixc.faults().set_next(1, Fault::Status(503));
    s.list("fn_areceber", json!({})).await;
    let url = format!("{}/__sim/requests", s.ixc.root_url());
    let counts: Value = s.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts["paths"]["/webservice/v1/cliente"], 2);
    assert_eq!(counts["paths"]["/webservice/v1/fn_areceber"], 1);
    assert_eq!(counts["total"], 3);
    assert_eq!(s.ixc.requests().count("/webservice/v1/cliente"), 2);

    assert_eq!(s.http.delete(&url).send().await.unwrap().status(), 204);
    let counts: Value = s.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts["total"], 0);
}

#[tokio::test]
async fn shutdown_returns_even_with_a_hung_request_open() {
    let s = sim().await;
    s.ixc.faults().set(Fault::Hang);
    let url = s.url("cliente");
    let http = s.http.clone();
    let pending = tokio::spawn(async move { http.post(url).send().await });
    // Wait until the request has reached the simulator before shutting down.
    while s.ixc.requests().total() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.ixc.shutdown().await;
    assert!(pending.await.unwrap().is_err());
}
