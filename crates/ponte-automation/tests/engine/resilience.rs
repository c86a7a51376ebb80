//! Retries with backoff and Retry-After, timeouts, redirects, the host allow-list, dead ERPs.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use ponte_automation::{OutboundRequest, ReqwestTransport, Transport};
use serde_json::json;

use crate::support::*;

/// Fails `failures` times with `status` (and optional Retry-After), then answers.
fn flaky(
    failures: usize,
    status: StatusCode,
    retry_after: Option<&'static str>,
) -> (Router, Counter) {
    let hits = Counter::default();
    let h = hits.clone();
    let handler = move || {
        let h = h.clone();
        async move {
            if h.hit() <= failures {
                let mut headers = HeaderMap::new();
                if let Some(ra) = retry_after {
                    headers.insert("retry-after", ra.parse().unwrap());
                }
                (status, headers, "busy").into_response()
            } else {
                axum::Json(json!({"registros": [{"id": "1", "nome": "ok"}]})).into_response()
            }
        }
    };
    (
        Router::new().route("/r", get(handler.clone()).post(handler)),
        hits,
    )
}

const GET: &str = "url: \"{{ vars.base_url }}/r\"\nretry:\n  backoff_ms: 1";

#[tokio::test]
async fn an_idempotent_request_is_retried_after_a_5xx() {
    let (router, hits) = flaky(2, StatusCode::SERVICE_UNAVAILABLE, None);
    let e = erp(router).await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.as_ref().unwrap()[0]["name"], "ok");
    assert_eq!(hits.get(), 3);
    let attempts: Vec<u32> = out.trace().steps[0]
        .requests
        .iter()
        .map(|r| r.attempt)
        .collect();
    assert_eq!(attempts, [1, 2, 3]);
}

#[tokio::test]
async fn retries_stop_after_the_attempts_and_answer_erp_unavailable() {
    let (router, hits) = flaky(10, StatusCode::BAD_GATEWAY, None);
    let e = erp(router).await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.unwrap_err().code(), "erp_unavailable");
    assert_eq!(hits.get(), 3);
}

#[tokio::test]
async fn a_post_is_not_retried_unless_the_step_says_it_is_safe() {
    let (router, hits) = flaky(1, StatusCode::SERVICE_UNAVAILABLE, None);
    let e = erp(router).await;
    let post = "method: POST\nurl: \"{{ vars.base_url }}/r\"\nretry:\n  backoff_ms: 1";
    let out = run(
        &automation(&resellers(post, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.unwrap_err().code(), "erp_unavailable");
    assert_eq!(hits.get(), 1);

    let (router, hits) = flaky(1, StatusCode::SERVICE_UNAVAILABLE, None);
    let e = erp(router).await;
    let listing =
        "method: POST\nurl: \"{{ vars.base_url }}/r\"\nidempotent: true\nretry:\n  backoff_ms: 1";
    let out = run(
        &automation(&resellers(listing, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert!(out.result.is_ok());
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (router, hits) = flaky(1, StatusCode::TOO_MANY_REQUESTS, Some("1"));
    let e = erp(router).await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert!(out.result.is_ok());
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_gives_up_at_once() {
    let (router, hits) = flaky(1, StatusCode::TOO_MANY_REQUESTS, Some("120"));
    let e = erp(router).await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "erp_unavailable");
    assert!(err.to_string().contains("retry after 120 s"), "{err}");
    assert_eq!(hits.get(), 1);
}

async fn hang() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "late"
}

#[tokio::test]
async fn a_hanging_erp_is_cut_at_the_request_timeout() {
    let e = erp(Router::new().route("/r", get(hang))).await;
    let req = "url: \"{{ vars.base_url }}/r\"\ntimeout_ms: 200\nretry:\n  attempts: 1";
    let out = run(
        &automation(&resellers(req, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.unwrap_err().code(), "erp_timeout");
}

#[tokio::test]
async fn the_total_timeout_bounds_the_whole_run_and_keeps_the_trace() {
    let e = erp(Router::new().route("/r", get(hang))).await;
    let a = automation(&resellers("url: \"{{ vars.base_url }}/r\"", MAP_BODY));
    let mut env = env(&e.base);
    env.limits.total_timeout_ms = 300;
    let out = run(&a, json!({}), &env).await;
    assert_eq!(out.result.as_ref().unwrap_err().code(), "erp_timeout");
    assert_eq!(out.trace().error.as_ref().unwrap().code, "erp_timeout");
}

#[tokio::test]
async fn a_dead_erp_is_erp_unavailable() {
    // Bind then drop a listener: nothing answers on that port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let a = automation(&resellers(GET, MAP_BODY));
    let out = run(&a, json!({}), &env(&format!("http://{addr}"))).await;
    assert_eq!(out.result.unwrap_err().code(), "erp_unavailable");
}

#[tokio::test]
async fn a_redirect_loop_is_reported_not_followed_forever() {
    let e = erp(Router::new()
        .route(
            "/r",
            get(|| async { (StatusCode::FOUND, [("location", "/s")]) }),
        )
        .route(
            "/s",
            get(|| async { (StatusCode::FOUND, [("location", "/r")]) }),
        ))
    .await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "erp_invalid_response");
    assert!(err.to_string().contains("redirect loop"), "{err}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let e = erp(Router::new().route(
        "/r",
        post(|| async { "" }).get(|| async {
            (
                StatusCode::FOUND,
                [("location", "http://169.254.169.254/latest")],
            )
        }),
    ))
    .await;
    let out = run(
        &automation(&resellers(GET, MAP_BODY)),
        json!({}),
        &env(&e.base),
    )
    .await;
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "host_not_allowed");
    assert!(err.to_string().contains("169.254.169.254"));
}

#[tokio::test]
async fn only_the_allowed_hosts_are_called() {
    let a = automation(&resellers("url: \"http://evil.example/r\"", MAP_BODY));
    let out = run(&a, json!({}), &env("http://127.0.0.1:9")).await;
    assert_eq!(out.result.as_ref().unwrap_err().code(), "host_not_allowed");
    assert!(out.trace().steps[0].requests.is_empty(), "nothing was sent");
}

/// An ERP answering one reseller on GET /r, and the counter of its requests.
async fn one_reseller() -> (Erp, Counter) {
    let hits = Counter::default();
    let counted = hits.clone();
    let e = erp(Router::new().route(
        "/r",
        get(move || async move {
            counted.hit();
            Json(json!({"registros": [{"id": "1", "nome": "Revenda"}]}))
        }),
    ))
    .await;
    (e, hits)
}

#[tokio::test]
async fn the_wildcard_does_not_open_internal_addresses_but_naming_them_does() {
    let (e, hits) = one_reseller().await;
    let a = automation(&resellers(GET, MAP_BODY));
    let wildcard = env(&e.base).with_allowed_hosts(vec!["*".to_owned()]);
    let out = run(&a, json!({}), &wildcard).await;
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "host_not_allowed");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
    assert_eq!(hits.get(), 0);

    // Named (host and port), the same loopback ERP is reachable.
    let named =
        env(&e.base).with_allowed_hosts(vec![e.base.trim_start_matches("http://").to_owned()]);
    let out = run(&a, json!({}), &named).await;
    assert_eq!(
        out.result.unwrap(),
        json!([{"code": "1", "name": "Revenda", "taxvat": "", "email": ""}])
    );
    assert_eq!(hits.get(), 1);
}

#[tokio::test]
async fn a_public_only_request_never_connects_to_a_name_that_resolves_inside() {
    let (e, hits) = one_reseller().await;
    let port = e.base.rsplit(':').next().unwrap();
    let transport = ReqwestTransport::new(false).unwrap();
    let request = |public_only| OutboundRequest {
        method: http::Method::GET,
        url: url::Url::parse(&format!("http://localhost:{port}/r")).unwrap(),
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::new(),
        timeout: std::time::Duration::from_secs(5),
        max_response_bytes: 1 << 20,
        public_only,
    };
    // `localhost` resolves to loopback only: refused before any connection.
    let err = transport.send(request(true)).await.unwrap_err();
    assert!(err.to_string().contains("internal addresses"), "{err}");
    assert_eq!(hits.get(), 0);
    // The same request for a named host connects.
    let answer = transport.send(request(false)).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(hits.get(), 1);
}

#[test]
fn internal_addresses_are_recognised() {
    use ponte_automation::is_internal;
    for internal in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fc00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
    ] {
        assert!(is_internal(internal.parse().unwrap()), "{internal}");
    }
    for public in [
        "200.160.2.3",
        "8.8.8.8",
        "100.128.0.1",
        "172.32.0.1",
        "2001:4860::8888",
    ] {
        assert!(!is_internal(public.parse().unwrap()), "{public}");
    }
}

fn internal(ip: &str) -> bool {
    ponte_automation::is_internal(ip.parse().unwrap())
}

#[test]
fn the_reserved_range_240_0_0_0_slash_4_is_internal() {
    for ip in ["240.0.0.1", "250.1.2.3", "255.255.255.254"] {
        assert!(internal(ip), "{ip}");
    }
    assert!(
        !internal("223.255.255.255"),
        "just below the multicast and reserved ranges"
    );
}

#[test]
fn the_benchmarking_range_198_18_0_0_slash_15_is_internal() {
    for ip in ["198.18.0.1", "198.19.255.255"] {
        assert!(internal(ip), "{ip}");
    }
    for ip in ["198.17.255.255", "198.20.0.0"] {
        assert!(!internal(ip), "{ip} is outside the range");
    }
}

#[test]
fn the_nat64_prefix_64_ff9b_slash_96_is_internal() {
    for ip in ["64:ff9b::a00:1", "64:ff9b::808:808", "64:ff9b::7f00:1"] {
        assert!(internal(ip), "{ip}");
    }
    assert!(
        !internal("64:ff9b:1::808:808"),
        "the local-use NAT64 prefix is another range"
    );
}

#[test]
fn the_6to4_prefix_2002_slash_16_is_internal() {
    for ip in ["2002::1", "2002:a00:1::", "2002:ffff:ffff::1"] {
        assert!(internal(ip), "{ip}");
    }
    assert!(!internal("2003::1"));
}
