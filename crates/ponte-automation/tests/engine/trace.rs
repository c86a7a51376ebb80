//! Traces: every request recorded, secrets and credentials never written, documents masked.

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
            get(|| async { axum::Json(json!({"registros": [{"id": "1", "nome": "echo s3cr3t-t0ken and tok-ABCDEFGH"}]})) }),
        ))
    .await;
    let yaml = format!(
        "function: list_resellers\nvariables:\n  base_url: {{}}\nsecrets: [token]\nauth:\n  oauth2:\n    grant: password\n    token_url: \"{{{{ vars.base_url }}}}/oauth/token\"\n    client_id: ponte\n    client_secret: \"{{{{ secrets.token }}}}\"\n    username: api\n    password: \"{{{{ secrets.token }}}}\"\nsteps:\n  - id: r\n    request:\n      url: \"{{{{ vars.base_url }}}}/r?cpf={{{{ input | length }}}}52998224725\"\n      headers: {{ x-echo: \"{{{{ secrets.token }}}}\" }}\noutput: '{MAP_BODY}'\n"
    );
    let mut env = env(&e.base);
    env.masks
        .push(("52998224725".into(), "***.982.247-**".into()));
    let out = run(&automation(&yaml), json!({}), &env).await;
    assert!(out.result.is_ok(), "{:?}", out.result);
    let text = serde_json::to_string(&out.trace).unwrap();
    for secret in ["s3cr3t-t0ken", "tok-ABCDEFGH", "52998224725"] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the trace: {text}"
        );
    }
    assert!(text.contains("[REDACTED]"));
    assert!(text.contains("***.982.247-**"));
    let api = &out
        .trace
        .steps
        .iter()
        .find(|s| s.id == "r")
        .unwrap()
        .requests[0];
    assert_eq!(api.headers["authorization"], "[REDACTED]");
    assert_eq!(api.status, Some(200));
}
