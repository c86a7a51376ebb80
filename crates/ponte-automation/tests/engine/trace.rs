//! Traces: every request recorded, secrets and credentials never written, documents masked,
//! personal data in bodies masked, and nothing made of it until it is asked for.

use axum::Router;
use axum::routing::{get, post};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn no_secret_token_or_credential_reaches_the_trace() {
    let e = erp(Router::new()
        .route("/oauth/token", post(|| async { axum::Json(json!({"access_token": "tok-ABCDEFGH", "expires_in": 3600})) }))
        .route(
            "/r",
            get(|| async { axum::Json(json!({"registros": [{"id": "1", "nome": "echo s3cr3t-t0ken and tok-ABCDEFGH for 52998224725"}]})) }),
        ))
    .await;
    let yaml = r#"function: list_customer_contacts
variables:
  base_url: {}
secrets: [token]
auth:
  oauth2:
    grant: password
    token_url: "{{ vars.base_url }}/oauth/token"
    client_id: ponte
    client_secret: "{{ secrets.token }}"
    username: api
    password: "{{ secrets.token }}"
steps:
  - id: r
    request:
      url: "{{ vars.base_url }}/r?doc={{ input.customer_document_number }}"
      headers: { x-echo: "{{ secrets.token }}" }
output: '[.steps.r.body.registros[] | {type: "email", value: .nome}]'
"#;
    let a = automation(yaml);
    let out = run(
        &a,
        json!({"customer_document_number": "529.982.247-25"}),
        &env(&e.base),
    )
    .await;
    assert!(out.result.is_ok(), "{:?}", out.result);
    let trace = out.trace();
    let text = serde_json::to_string(&trace).unwrap();
    for secret in [
        "s3cr3t-t0ken",
        "tok-ABCDEFGH",
        "52998224725",
        "529.982.247-25",
    ] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the trace: {text}"
        );
    }
    assert!(text.contains("[REDACTED]"));
    assert!(text.contains("***.982.247-**"));
    let api = &trace.steps.iter().find(|s| s.id == "r").unwrap().requests[0];
    assert_eq!(api.headers["authorization"], "[REDACTED]");
    assert_eq!(api.status, Some(200));
    // The output the caller gets is the ERP's; only its copy in the trace is redacted.
    assert!(
        out.result.unwrap()[0]["value"]
            .as_str()
            .unwrap()
            .contains("s3cr3t-t0ken")
    );
}

#[tokio::test]
async fn a_summary_counts_the_erp_requests_without_making_the_trace() {
    let e = erp(Router::new().route(
        "/r",
        get(|| async { axum::Json(json!({"registros": [{"id": "1", "nome": "A"}]})) }),
    ))
    .await;
    let a = automation(&resellers("url: \"{{ vars.base_url }}/r\"", MAP_BODY));
    let out = run(&a, json!({}), &env(&e.base)).await;
    let summary = out.summary();
    assert_eq!(summary.function, "list_resellers");
    assert_eq!(summary.requests.len(), 1);
    assert_eq!(summary.requests[0].status, Some(200));
    assert_eq!(out.erp_requests(), 1);
    let trace = out.trace();
    assert_eq!(trace.steps[0].requests[0].status, Some(200));
    assert_eq!(trace.duration_ms, summary.duration_ms);
}
