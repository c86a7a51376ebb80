//! One Ponte serving two integrations with different keys and different ERPs.

mod common;

use common::{FakeErp, TestApp};
use serde_json::json;

#[tokio::test]
async fn two_integrations_are_served_at_once_and_a_key_reaches_only_its_own_erp() {
    let app = TestApp::spawn().await;
    let erp_a = FakeErp::start("token-of-a", "Fibra A").await;
    let erp_b = FakeErp::start("token-of-b", "Fibra B").await;
    let key_a = app.provision("isp-a", &erp_a).await;
    let key_b = app
        .provision_with("isp-b", &erp_b, |i| {
            i.bindings.retain(|f, _| f == "list_products");
        })
        .await;

    let calls = (0..8).map(|n| {
        let (key, expected) = if n % 2 == 0 {
            (&key_a, "Fibra A")
        } else {
            (&key_b, "Fibra B")
        };
        let app = &app;
        async move {
            let answer = app.call(key, "list_products", json!({})).await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            assert_eq!(answer.json()[0]["nome"], expected);
        }
    });
    futures::future::join_all(calls).await;

    let seen_a = erp_a.credentials_seen();
    let seen_b = erp_b.credentials_seen();
    assert_eq!(seen_a.len(), 4);
    assert_eq!(seen_b.len(), 4);
    assert!(
        seen_a.iter().all(|c| c == "Bearer token-of-a"),
        "{seen_a:?}"
    );
    assert!(
        seen_b.iter().all(|c| c == "Bearer token-of-b"),
        "{seen_b:?}"
    );
    for credential in seen_a.iter().chain(&seen_b) {
        assert!(!credential.contains(&key_a) && !credential.contains(&key_b));
    }

    // What only A serves is not configured for B, and B's ERP is not called.
    let answer = app
        .call(
            &key_b,
            "create_lead",
            json!({"lead": {"id": "1", "name": "Ana"}}),
        )
        .await;
    assert_eq!(answer.problem(501)["code"], "function_not_configured");
    assert_eq!(erp_b.credentials_seen().len(), 4);

    // Each key lists its own integration.
    assert_eq!(
        app.get(Some(&key_a), "/v1/functions").await.json()["integration"],
        "isp-a"
    );
    assert_eq!(
        app.get(Some(&key_b), "/v1/functions").await.json()["integration"],
        "isp-b"
    );
}

#[tokio::test]
async fn a_hanging_erp_does_not_hold_up_another_integration() {
    let app = TestApp::spawn().await;
    let slow = FakeErp::start("slow", "Slow").await;
    let fast = FakeErp::start("fast", "Fast").await;
    let key_slow = app
        .provision_with("slow", &slow, |i| {
            i.settings.limits.max_concurrent_requests = 1;
            i.settings.timeouts.request_ms = 5_000;
            i.settings.timeouts.function_ms = 8_000;
        })
        .await;
    let key_fast = app.provision("fast", &fast).await;
    // The slow integration's only slot is taken by a call that hangs...
    let hanging = app.call(&key_slow, "list_resellers", json!({}));
    let other = async {
        // ...while the other integration answers, and the hanging call is still pending.
        let answer = app.call(&key_fast, "list_products", json!({})).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    };
    tokio::select! {
        _ = hanging => panic!("the hanging call finished first"),
        () = other => {}
    }
}

#[tokio::test]
async fn an_integration_never_has_more_calls_in_flight_than_its_limit() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start("gated", "Gated").await;
    let key = app
        .provision_with("gated", &erp, |i| {
            i.settings.limits.max_concurrent_requests = 2
        })
        .await;
    let input = json!({"nota_id": "5", "customer_document_number": common::CPF});
    let calls = (0..6).map(|_| {
        let (app, key, input) = (&app, &key, input.clone());
        async move {
            let answer = app.call(key, "get_fiscal_note_pdf", input).await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            assert_eq!(answer.json(), json!({"base_64": "JVBERi0xLjQK"}));
        }
    });
    futures::future::join_all(calls).await;
    assert!(
        erp.most_in_flight() <= 2,
        "{} in flight",
        erp.most_in_flight()
    );
    assert!(erp.most_in_flight() >= 1);
}

/// Two integrations on two IXC simulators: while A's ERP hangs, B's calls keep their normal
/// latency, and once A's circuit is open A's calls fail at once instead of waiting out the
/// timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn while_one_ixc_hangs_the_other_keeps_its_latency_and_the_hanging_one_fails_fast() {
    use std::time::{Duration, Instant};

    use common::ixc::IxcApp;
    use ponte_simulators::faults::{Fault, FaultRule};

    let mut app = IxcApp::empty().await;
    let a = app
        .add("isp-a", |i| {
            i.settings.timeouts.request_ms = 400;
            i.settings.timeouts.function_ms = 800;
            i.settings.limits.breaker.failures = 3;
            i.settings.limits.breaker.open_ms = 60_000;
        })
        .await;
    let b = app.add("isp-b", |_| {}).await;
    let input = |erp: &common::ixc::IxcErp| {
        let state = erp.state();
        let id = state.fixtures().active.clone();
        json!({"customer_document_number": state.customer(&id).unwrap().document})
    };
    let (input_a, input_b) = (input(&app.erps[a]), input(&app.erps[b]));
    let (key_a, key_b) = (app.erps[a].key.clone(), app.erps[b].key.clone());
    let call_b = || async {
        let started = Instant::now();
        let answer = app
            .post_as(&key_b, "/v1/functions/get_customer_info", input_b.clone())
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        started.elapsed()
    };
    // B's normal latency, warmed up.
    call_b().await;
    let mut normal = Duration::ZERO;
    for _ in 0..5 {
        normal = normal.max(call_b().await);
    }

    app.erps[a].erp.faults().add(FaultRule::always(Fault::Hang));
    let hanging = (0..3).map(|_| {
        let (app, key, input) = (&app, key_a.clone(), input_a.clone());
        async move {
            let answer = app
                .post_as(&key, "/v1/functions/get_customer_info", input)
                .await;
            answer.problem(504)["code"].clone()
        }
    });
    let during_b = async {
        let mut slowest = Duration::ZERO;
        for _ in 0..8 {
            slowest = slowest.max(call_b().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        slowest
    };
    let (codes, slowest) = tokio::join!(futures::future::join_all(hanging), during_b);
    assert!(codes.iter().all(|code| code == "erp_timeout"), "{codes:?}");
    assert!(
        slowest < normal * 3 + Duration::from_millis(100),
        "B took {slowest:?} while A hung; normally {normal:?}"
    );

    // A's circuit is open: refused at once, without reaching its ERP.
    let requests = app.erps[a].erp.requests().total();
    let started = Instant::now();
    let answer = app
        .post_as(&key_a, "/v1/functions/get_customer_info", input_a.clone())
        .await;
    let refused_in = started.elapsed();
    assert_eq!(answer.problem(503)["code"], "erp_circuit_open");
    assert!(answer.header("retry-after").is_some());
    assert!(
        refused_in < Duration::from_millis(200),
        "refused in {refused_in:?}"
    );
    assert_eq!(app.erps[a].erp.requests().total(), requests);
    // B is still served.
    call_b().await;
}
