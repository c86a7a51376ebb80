//! Auth kinds, token caching, refresh before expiry and once on 401.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::support::*;

fn echo_auth(headers: &HeaderMap, query: Option<String>) -> Value {
    let auth = headers
        .get("authorization")
        .or_else(|| headers.get("x-api-key"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    json!({"registros": [{"id": auth, "nome": query.unwrap_or_default()}]})
}

async fn echo(headers: HeaderMap, q: axum::extract::RawQuery) -> axum::Json<Value> {
    axum::Json(echo_auth(&headers, q.0))
}

async fn seen(auth: &str, q: &str) -> Value {
    let e = erp(Router::new().route("/r", get(echo))).await;
    let yaml = format!(
        "function: list_resellers\nvariables:\n  base_url: {{}}\nsecrets: [token]\nauth:\n{auth}\nsteps:\n  - id: r\n    request:\n      url: \"{{{{ vars.base_url }}}}/r{q}\"\noutput: '{MAP_BODY}'\n"
    );
    let a = automation(&yaml);
    let out = run(&a, json!({}), &env(&e.base)).await;
    out.result.unwrap()[0].clone()
}

#[tokio::test]
async fn basic_auth_sends_user_and_secret_base64_encoded() {
    let got = seen(
        "  basic:\n    username: \"7\"\n    password: \"{{ secrets.token }}\"",
        "",
    )
    .await;
    // base64("7:s3cr3t-t0ken")
    assert_eq!(got["code"], "Basic NzpzM2NyM3QtdDBrZW4=");
}

#[tokio::test]
async fn bearer_auth_sends_the_token() {
    let got = seen("  bearer:\n    token: \"{{ secrets.token }}\"", "").await;
    assert_eq!(got["code"], "Bearer s3cr3t-t0ken");
}

#[tokio::test]
async fn an_api_key_goes_in_a_header_or_in_the_query() {
    let got = seen(
        "  api_key:\n    in: header\n    name: x-api-key\n    value: \"{{ secrets.token }}\"",
        "",
    )
    .await;
    assert_eq!(got["code"], "s3cr3t-t0ken");
    let got = seen(
        "  api_key:\n    in: query\n    name: app_key\n    value: \"{{ secrets.token }}\"",
        "",
    )
    .await;
    assert_eq!(got["name"], "app_key=s3cr3t-t0ken");
}

#[tokio::test]
async fn an_api_key_header_may_be_named_by_a_variable() {
    let e = erp(Router::new().route("/r", get(echo))).await;
    let yaml = format!(
        "function: list_resellers\nvariables:\n  base_url: {{}}\n  key_header: {{default: X-Api-Key}}\n  scheme: {{default: Token}}\nsecrets: [token]\nauth:\n  api_key:\n    in: header\n    name: \"{{{{ vars.key_header }}}}\"\n    value: \"{{{{ vars.scheme }}}} {{{{ secrets.token }}}}\"\nsteps:\n  - id: r\n    request:\n      url: \"{{{{ vars.base_url }}}}/r\"\noutput: '{MAP_BODY}'\n"
    );
    let a = automation(&yaml);
    let out = run(&a, json!({}), &env(&e.base)).await;
    assert_eq!(out.result.unwrap()[0]["code"], "Token s3cr3t-t0ken");
}

#[derive(Clone, Default)]
struct Tokens {
    issued: Counter,
    expires_in: u64,
    reject_first_use: bool,
    uses: Counter,
}

async fn token_endpoint(
    State(s): State<Tokens>,
    Form(form): Form<Vec<(String, String)>>,
) -> axum::Json<Value> {
    let n = s.issued.hit();
    let grant = form
        .iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    axum::Json(
        json!({"access_token": format!("tok-{grant}-{n}"), "token_type": "bearer", "expires_in": s.expires_in}),
    )
}

async fn protected(
    State(s): State<Tokens>,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, StatusCode> {
    let use_n = s.uses.hit();
    if s.reject_first_use && use_n == 1 {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if auth.starts_with("Bearer tok-") {
        Ok(axum::Json(
            json!({"registros": [{"id": auth, "nome": "ok"}]}),
        ))
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

fn oauth_yaml(grant: &str, refresh_before: u64) -> String {
    let creds = if grant == "password" {
        "    username: \"api\"\n    password: \"{{ secrets.token }}\"\n"
    } else {
        ""
    };
    format!(
        "function: list_resellers\nvariables:\n  base_url: {{}}\nsecrets: [token]\nauth:\n  oauth2:\n    grant: {grant}\n    token_url: \"{{{{ vars.base_url }}}}/oauth/token\"\n    client_id: \"ponte\"\n    client_secret: \"{{{{ secrets.token }}}}\"\n{creds}    refresh_before_secs: {refresh_before}\nsteps:\n  - id: r\n    request:\n      url: \"{{{{ vars.base_url }}}}/api\"\noutput: '{MAP_BODY}'\n"
    )
}

async fn oauth_erp(state: Tokens) -> Erp {
    erp(Router::new()
        .route("/oauth/token", post(token_endpoint))
        .route("/api", get(protected))
        .with_state(state))
    .await
}

#[tokio::test]
async fn oauth2_tokens_are_fetched_once_and_reused_across_runs() {
    let state = Tokens {
        expires_in: 3600,
        ..Tokens::default()
    };
    let e = oauth_erp(state.clone()).await;
    let eng = engine();
    for grant in ["password", "client_credentials"] {
        let a = automation(&oauth_yaml(grant, 30));
        for _ in 0..3 {
            let out = eng.run(&a, input(&a, json!({})), &env(&e.base)).await;
            let first = &out.result.unwrap()[0];
            assert!(
                first["code"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("Bearer tok-{grant}-"))
            );
        }
    }
    assert_eq!(
        state.issued.get(),
        2,
        "one token per grant for three runs each"
    );
}

#[tokio::test]
async fn oauth2_tokens_are_refreshed_before_they_expire() {
    // A token living 20 s, refreshed 30 s before expiry, is always due: every run fetches one.
    let state = Tokens {
        expires_in: 20,
        ..Tokens::default()
    };
    let e = oauth_erp(state.clone()).await;
    let eng = engine();
    let a = automation(&oauth_yaml("client_credentials", 30));
    for _ in 0..3 {
        eng.run(&a, input(&a, json!({})), &env(&e.base))
            .await
            .result
            .unwrap();
    }
    assert_eq!(state.issued.get(), 3);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let state = Tokens {
        expires_in: 3600,
        reject_first_use: true,
        ..Tokens::default()
    };
    let e = oauth_erp(state.clone()).await;
    let a = automation(&oauth_yaml("client_credentials", 30));
    let out = run(&a, json!({}), &env(&e.base)).await;
    assert_eq!(
        out.result.unwrap()[0]["code"],
        "Bearer tok-client_credentials-2"
    );
    assert_eq!(state.issued.get(), 2);
    assert_eq!(state.uses.get(), 2);
}

#[tokio::test]
async fn a_token_refused_twice_is_erp_auth_failed() {
    let e = erp(Router::new()
        .route(
            "/oauth/token",
            post(|| async { axum::Json(json!({"access_token": "bad", "expires_in": 3600})) }),
        )
        .route("/api", get(|| async { StatusCode::UNAUTHORIZED })))
    .await;
    let a = automation(&oauth_yaml("client_credentials", 30));
    let out = run(&a, json!({}), &env(&e.base)).await;
    assert_eq!(out.result.as_ref().unwrap_err().code(), "erp_auth_failed");
    let requests: usize = out.trace().steps.iter().map(|s| s.requests.len()).sum();
    assert_eq!(
        requests,
        4,
        "two token fetches and two tries: {:#?}",
        out.trace().steps
    );
}

#[tokio::test]
async fn a_login_step_yields_a_session_token_used_by_later_requests() {
    let logins = Counter::default();
    let l2 = logins.clone();
    let e = erp(Router::new()
        .route(
            "/login",
            post(move |axum::Json(body): axum::Json<Value>| {
                let l = l2.clone();
                async move {
                    l.hit();
                    if body["senha"] == "s3cr3t-t0ken" {
                        axum::Json(
                            json!({"status": 1, "result": {"token": "sess-42", "validade": 600}}),
                        )
                    } else {
                        axum::Json(json!({"status": 0}))
                    }
                }
            }),
        )
        .route(
            "/api",
            get(|headers: HeaderMap| async move {
                let t = headers
                    .get("token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                axum::Json(json!({"registros": [{"id": t, "nome": "x"}]}))
            }),
        ))
    .await;
    let yaml = format!(
        r#"function: list_resellers
variables:
  base_url: {{}}
secrets: [token]
auth:
  login:
    request:
      method: POST
      url: "{{{{ vars.base_url }}}}/login"
      json: {{ usuario: api, senha: "{{{{ secrets.token }}}}" }}
    token: .result.token
    expires_in: .result.validade
    header: token
    value: "{{{{ token }}}}"
steps:
  - id: r
    request:
      url: "{{{{ vars.base_url }}}}/api"
output: '{MAP_BODY}'
"#
    );
    let a = automation(&yaml);
    let eng = engine();
    for _ in 0..2 {
        let out = eng.run(&a, input(&a, json!({})), &env(&e.base)).await;
        assert_eq!(out.result.unwrap()[0]["code"], "sess-42");
    }
    assert_eq!(logins.get(), 1, "the session is cached");
}
