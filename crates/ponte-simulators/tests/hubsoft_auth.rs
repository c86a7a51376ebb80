//! Hubsoft's OAuth2 over real HTTP: the password grant and its refusals, Bearer tokens that
//! expire and can be revoked, the refresh grant; and the shared fault injection and request
//! log seen through the Hubsoft simulator.

mod hubsoft_common;

use std::time::{Duration, Instant};

use hubsoft_common::{TODAY, sim, sim_with};
use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::hubsoft::HubsoftConfig;
use serde_json::{Value, json};

async fn customer_lookup(s: &hubsoft_common::Sim, token: Option<&str>) -> reqwest::Response {
    let doc = s.fixtures().active.document;
    s.get_with(
        "/cliente",
        &[("busca", "cpf_cnpj"), ("termo_busca", &doc)],
        token,
    )
    .await
}

#[tokio::test]
async fn the_password_grant_answers_the_documented_token_shape() {
    let s = sim().await;
    let response = s.password_grant().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let answer: Value = response.json().await.unwrap();
    let keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["token_type", "expires_in", "access_token", "refresh_token"]
    );
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 2_592_000);
    assert!(
        answer["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("def50200")
    );
    assert_ne!(
        answer["access_token"],
        s.token.as_str(),
        "every grant issues a new token"
    );
}

#[tokio::test]
async fn the_token_endpoint_also_reads_a_form_with_the_client_in_basic_auth() {
    let s = sim().await;
    let c = s.hub.state().config().clone();
    let response = s
        .http
        .post(s.hub.token_url())
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[
            ("grant_type", "password"),
            ("username", &c.username),
            ("password", &c.password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let token = answer["access_token"].as_str().unwrap();
    assert_eq!(customer_lookup(&s, Some(token)).await.status(), 200);
}

#[tokio::test]
async fn wrong_user_credentials_get_the_documented_401() {
    let s = sim().await;
    let mut body = s.credentials();
    body["password"] = json!("wrong");
    let response = s.token_request(body).await;
    assert_eq!(response.status(), 401);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer,
        json!({"error": "invalid_credentials",
               "error_description": "The user credentials were incorrect.",
               "message": "The user credentials were incorrect."})
    );
}

#[tokio::test]
async fn a_wrong_client_a_missing_parameter_and_an_unknown_grant_are_refused() {
    let s = sim().await;
    let mut body = s.credentials();
    body["client_secret"] = json!("nope");
    let response = s.token_request(body).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let mut body = s.credentials();
    body.as_object_mut().unwrap().remove("username");
    let response = s.token_request(body).await;
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"], "invalid_request");
    assert_eq!(answer["hint"], "Check the `username` parameter");

    let mut body = s.credentials();
    body["grant_type"] = json!("client_credentials");
    let response = s.token_request(body).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
}

#[tokio::test]
async fn a_call_without_a_valid_bearer_token_is_a_401_and_an_unknown_path_a_404() {
    let s = sim().await;
    for token in [None, Some("not-a-token")] {
        let response = customer_lookup(&s, token).await;
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"message": "Unauthenticated."})
        );
    }
    let basic = s
        .http
        .get(s.url("/configuracao/vencimento"))
        .basic_auth("3", Some(&s.token))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401, "only the Bearer scheme is accepted");
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 200);
    let unknown = s.get_with("/no_such_thing", &[], None).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_token_stops_working_when_its_lifetime_ends() {
    let config = HubsoftConfig {
        token_lifetime_secs: 1,
        ..HubsoftConfig::with(42, TODAY)
    };
    let s = sim_with(config).await;
    let issued = Instant::now();
    let first = customer_lookup(&s, Some(&s.token)).await.status();
    // Only meaningful when the first call really ran inside the lifetime.
    if issued.elapsed() < Duration::from_millis(900) {
        assert_eq!(first, 200);
    }
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(issued.elapsed())).await;
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 401);
    let fresh: Value = s.password_grant().await.json().await.unwrap();
    assert_eq!(fresh["expires_in"], 1);
}

#[tokio::test]
async fn moving_today_past_thirty_days_expires_a_default_token() {
    let s = sim().await;
    assert_eq!(
        s.control("today", json!({"today": "2026-04-16"})).await,
        204
    );
    assert_eq!(
        customer_lookup(&s, Some(&s.token)).await.status(),
        200,
        "29 days later"
    );
    assert_eq!(
        s.control("today", json!({"today": "2026-04-18"})).await,
        204
    );
    assert_eq!(
        customer_lookup(&s, Some(&s.token)).await.status(),
        401,
        "31 days later"
    );
}

#[tokio::test]
async fn a_refresh_token_gives_a_new_token_once_and_retires_the_old_one() {
    let s = sim().await;
    let granted: Value = s.password_grant().await.json().await.unwrap();
    let (old, refresh) = (
        granted["access_token"].as_str().unwrap().to_string(),
        granted["refresh_token"].as_str().unwrap().to_string(),
    );
    let c = s.hub.state().config().clone();
    let body = json!({"grant_type": "refresh_token", "refresh_token": refresh,
                      "client_id": c.client_id, "client_secret": c.client_secret});
    let refreshed = s.token_request(body.clone()).await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let new = refreshed["access_token"].as_str().unwrap();
    assert_eq!(customer_lookup(&s, Some(new)).await.status(), 200);
    assert_eq!(customer_lookup(&s, Some(&old)).await.status(), 401);
    let again = s.token_request(body).await;
    assert_eq!(again.status(), 401);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error_description"],
        "The refresh token is invalid."
    );
}

#[tokio::test]
async fn revoking_every_token_forces_a_new_grant_which_works() {
    let s = sim().await;
    assert_eq!(s.control("tokens/revoke", json!({})).await, 204);
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 401);
    let fresh: Value = s.password_grant().await.json().await.unwrap();
    let token = fresh["access_token"].as_str().unwrap();
    assert_eq!(customer_lookup(&s, Some(token)).await.status(), 200);
}

#[tokio::test]
async fn a_revoked_user_is_refused_with_invalid_credentials_until_a_reset() {
    let s = sim().await;
    assert_eq!(s.control("credentials/revoke", json!({})).await, 204);
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 401);
    let refused = s.password_grant().await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_credentials"
    );
    assert_eq!(s.control("reset", json!({})).await, 204);
    assert_eq!(s.password_grant().await.status(), 200);
}

#[tokio::test]
async fn server_errors_latency_and_hangs_reach_the_client_as_injected() {
    let s = sim().await;
    s.hub.faults().set_next(1, Fault::Status(503));
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 503);
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 200);

    s.hub
        .faults()
        .set_next(1, Fault::Latency(Duration::from_millis(200)));
    let started = Instant::now();
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));

    s.hub.faults().set_next(1, Fault::Hang);
    let err = s
        .http
        .get(s.url("/configuracao/vencimento"))
        .bearer_auth(&s.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn a_rejected_token_fault_looks_like_hubsofts_own_401() {
    let s = sim().await;
    s.hub.faults().set_next(1, Fault::RejectToken);
    let response = customer_lookup(&s, Some(&s.token)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"message": "Unauthenticated."})
    );
}

#[tokio::test]
async fn a_fault_on_the_token_path_leaves_the_api_alone() {
    let s = sim().await;
    s.hub
        .faults()
        .add(FaultRule::always(Fault::Status(502)).on_path("/oauth/token"));
    assert_eq!(s.password_grant().await.status(), 502);
    assert_eq!(customer_lookup(&s, Some(&s.token)).await.status(), 200);
}

#[tokio::test]
async fn requests_are_counted_per_path_and_control_calls_are_not() {
    let s = sim().await;
    customer_lookup(&s, Some(&s.token)).await;
    customer_lookup(&s, None).await;
    s.control("today", json!({"today": "2026-03-19"})).await;
    assert_eq!(s.hub.requests().count("/api/v1/integracao/cliente"), 2);
    assert_eq!(
        s.hub.requests().count("/oauth/token"),
        1,
        "the grant of the helper"
    );
    assert_eq!(s.hub.requests().total(), 3);
}
