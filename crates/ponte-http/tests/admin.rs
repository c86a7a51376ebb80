//! The admin API over real HTTP: its auth, every route, and that no answer carries a secret.

mod common;

use common::{ADMIN_TOKEN, Answer, CPF, CPF_BARE, FakeErp, TestApp};
use ponte_core::model::{BreakerSettings, IntegrationId};
use ponte_core::service::{KeptTraces, RecordingPolicy};
use ponte_core::store::Store;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

const ERP_TOKEN: &str = "erp-token-9d2e41";

/// One Ponte with the admin API open, an ERP, and the integration `acme` with its key.
async fn setup() -> (TestApp, FakeErp, String) {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    (app, erp, key)
}

/// The stored hashes of an integration's keys, as hex.
async fn key_hashes(app: &TestApp, integration: &str) -> Vec<String> {
    let id = IntegrationId::parse(integration).unwrap();
    app.store
        .list_api_keys(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|key| String::from(key.hash))
        .collect()
}

/// No admin answer carries the ERP's secret, a plain key, a key hash or the admin token.
async fn assert_clean(app: &TestApp, answer: &Answer, plain_keys: &[&str]) {
    let hashes = key_hashes(app, "acme").await;
    let forbidden = [ERP_TOKEN, ADMIN_TOKEN]
        .into_iter()
        .chain(plain_keys.iter().copied())
        .chain(hashes.iter().map(String::as_str));
    for secret in forbidden {
        assert!(
            !answer.text.contains(secret),
            "`{secret}` leaked into {}",
            answer.text
        );
    }
}

/// Every admin route, with a body where it takes one.
fn routes() -> Vec<(Method, &'static str)> {
    vec![
        (Method::GET, "/admin/v1/integrations"),
        (Method::GET, "/admin/v1/integrations/acme"),
        (Method::GET, "/admin/v1/integrations/acme/api-keys"),
        (Method::POST, "/admin/v1/integrations/acme/api-keys"),
        (
            Method::DELETE,
            "/admin/v1/integrations/acme/api-keys/0194f5c2-7b3a-7c11-9e5d-3f1a2b4c5d6e",
        ),
        (Method::GET, "/admin/v1/executions"),
        (
            Method::GET,
            "/admin/v1/executions/0194f5c2-7b3a-7c11-9e5d-3f1a2b4c5d6e",
        ),
        (
            Method::POST,
            "/admin/v1/integrations/acme/test-runs/list_products",
        ),
        (Method::GET, "/admin/v1/payments?state=failed"),
        (Method::POST, "/admin/v1/payments/tx-1/retry"),
        (Method::DELETE, "/admin/v1/integrations/acme/cache"),
        (
            Method::GET,
            "/admin/v1/integrations/acme/associations/products",
        ),
        (
            Method::PUT,
            "/admin/v1/integrations/acme/associations/products",
        ),
        (Method::GET, "/admin/v1/presets"),
        (Method::GET, "/admin/v1/presets/ixc"),
        (Method::GET, "/admin/v1/operators"),
        (Method::POST, "/admin/v1/operators"),
        (Method::DELETE, "/admin/v1/operators/maria"),
        (Method::DELETE, "/admin/v1/sessions/current"),
        (Method::GET, "/admin/v1/audit"),
        (Method::POST, "/admin/v1/integrations"),
        (Method::PATCH, "/admin/v1/integrations/acme"),
        (Method::DELETE, "/admin/v1/integrations/acme"),
        (Method::GET, "/admin/v1/integrations/acme/secrets"),
        (Method::PUT, "/admin/v1/integrations/acme/secrets/token"),
        (Method::DELETE, "/admin/v1/integrations/acme/secrets/token"),
        (Method::GET, "/admin/v1/integrations/acme/functions"),
        (
            Method::GET,
            "/admin/v1/integrations/acme/functions/list_products/versions",
        ),
        (
            Method::POST,
            "/admin/v1/integrations/acme/functions/list_products/versions",
        ),
        (
            Method::GET,
            "/admin/v1/integrations/acme/functions/list_products/versions/1",
        ),
        (
            Method::PUT,
            "/admin/v1/integrations/acme/functions/list_products/binding",
        ),
        (
            Method::POST,
            "/admin/v1/integrations/acme/functions/list_products/rollback",
        ),
        (
            Method::GET,
            "/admin/v1/integrations/acme/functions/list_products/preset-source",
        ),
    ]
}

/// The one admin route open without a credential: signing in, which takes a name and a
/// password instead.
const SIGN_IN: &str = "/admin/v1/sessions";

#[tokio::test]
async fn every_admin_route_refuses_no_token_a_wrong_token_and_an_api_key() {
    let (app, erp, key) = setup().await;
    let wrong = format!("{ADMIN_TOKEN}x");
    for (method, path) in routes() {
        for (token, detail) in [
            (None, "Send the admin token"),
            (Some(wrong.as_str()), "not valid"),
            (Some(key.as_str()), "API key does not open the admin API"),
        ] {
            let answer = app.admin_as(token, method.clone(), path, None).await;
            let body = answer.problem(401);
            assert_eq!(body["code"], "unauthorized", "{method} {path}");
            assert!(
                body["detail"].as_str().unwrap().contains(detail),
                "{method} {path}: {body}"
            );
            assert_clean(&app, &answer, &[&key]).await;
        }
    }
    // Nothing ran and nothing changed.
    assert!(erp.credentials_seen().is_empty());
    assert_eq!(key_hashes(&app, "acme").await.len(), 1);
}

#[tokio::test]
async fn without_an_admin_token_configured_the_admin_api_is_off() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    for (method, path) in routes() {
        for token in [None, Some(ADMIN_TOKEN), Some(key.as_str())] {
            let answer = app.admin_as(token, method.clone(), path, None).await;
            let body = answer.problem(401);
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("off until `security.admin_token` is set"),
                "{method} {path}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn the_admin_token_is_never_accepted_as_an_api_key() {
    let (app, erp, _key) = setup().await;
    let answer = app.call(ADMIN_TOKEN, "list_products", json!({})).await;
    assert_eq!(answer.problem(401)["code"], "unauthorized");
    let answer = app.get(Some(ADMIN_TOKEN), "/v1/functions").await;
    assert_eq!(answer.problem(401)["code"], "unauthorized");
    assert!(erp.credentials_seen().is_empty());
}

#[tokio::test]
async fn integrations_are_shown_with_bindings_and_secret_names_never_secret_values() {
    let (app, erp, key) = setup().await;
    app.provision_with("beta", &erp, |i| {
        i.active = false;
        i.bindings.retain(|f, _| f == "list_products");
    })
    .await;

    let answer = app.admin_get("/admin/v1/integrations").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = answer.json();
    let integrations = list["integrations"].as_array().unwrap();
    let ids: Vec<&str> = integrations
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme", "beta"]);
    let beta = &integrations[1];
    assert_eq!(beta["name"], "ISP beta");
    assert_eq!(beta["active"], false);
    assert_eq!(
        beta["bindings"],
        json!({"list_products": {"kind": "preset", "preset": "fake"}})
    );
    assert_eq!(beta["secrets"], json!(["token"]));
    assert!(beta.get("settings").is_none() && beta.get("variables").is_none());
    assert_clean(&app, &answer, &[&key]).await;

    let answer = app.admin_get("/admin/v1/integrations/acme").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let acme = answer.json();
    assert_eq!(acme["id"], "acme");
    assert_eq!(acme["active"], true);
    assert_eq!(acme["secrets"], json!(["token"]));
    assert_eq!(acme["variables"], json!({"base_url": erp.base_url()}));
    assert_eq!(acme["settings"]["timeouts"]["request_ms"], 500);
    assert_eq!(
        acme["bindings"].as_object().unwrap().len(),
        ponte_catalog::catalog().len()
    );
    assert_clean(&app, &answer, &[&key]).await;
}

#[tokio::test]
async fn unknown_integrations_executions_keys_and_functions_are_not_found() {
    let (app, _erp, key) = setup().await;
    let missing = "0194f5c2-7b3a-7c11-9e5d-3f1a2b4c5d6e";
    for (method, path) in [
        (Method::GET, "/admin/v1/integrations/nope".to_owned()),
        (
            Method::GET,
            "/admin/v1/integrations/Not%20An%20Id".to_owned(),
        ),
        (
            Method::GET,
            "/admin/v1/integrations/nope/api-keys".to_owned(),
        ),
        (
            Method::POST,
            "/admin/v1/integrations/nope/api-keys".to_owned(),
        ),
        (
            Method::DELETE,
            format!("/admin/v1/integrations/acme/api-keys/{missing}"),
        ),
        (
            Method::DELETE,
            "/admin/v1/integrations/acme/api-keys/not-a-uuid".to_owned(),
        ),
        (
            Method::DELETE,
            format!("/admin/v1/integrations/nope/api-keys/{missing}"),
        ),
        (Method::GET, format!("/admin/v1/executions/{missing}")),
        (Method::GET, "/admin/v1/executions/not-a-uuid".to_owned()),
        (
            Method::GET,
            "/admin/v1/executions?integration=nope".to_owned(),
        ),
        (
            Method::GET,
            "/admin/v1/executions?function=no_such_function".to_owned(),
        ),
        (
            Method::POST,
            "/admin/v1/integrations/nope/test-runs/list_products".to_owned(),
        ),
    ] {
        let answer = app
            .admin_as(Some(ADMIN_TOKEN), method.clone(), &path, None)
            .await;
        assert_eq!(answer.problem(404)["code"], "not_found", "{method} {path}");
        assert_clean(&app, &answer, &[&key]).await;
    }
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/no_such_function",
            json!({}),
        )
        .await;
    assert_eq!(answer.problem(404)["code"], "unknown_function");
}

#[tokio::test]
async fn an_api_key_is_shown_once_listed_without_its_hash_and_stops_working_when_revoked() {
    let (app, _erp, first) = setup().await;

    let answer = app
        .admin_post("/admin/v1/integrations/acme/api-keys", json!({}))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let created = answer.json();
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("ponte_"), "{created}");
    assert!(key.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["revoked"], false);
    for hash in key_hashes(&app, "acme").await {
        assert!(
            !answer.text.contains(&hash),
            "a hash leaked: {}",
            answer.text
        );
    }
    assert!(!answer.text.contains(&first));
    let key_id = created["id"].as_str().unwrap().to_owned();

    // The new key works at once.
    assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);

    let answer = app.admin_get("/admin/v1/integrations/acme/api-keys").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let keys = answer.json()["api_keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1]["id"], key_id.as_str());
    assert_eq!(keys[1]["created_at"], created["created_at"]);
    assert!(
        keys.iter()
            .all(|k| k.get("key").is_none() && k.get("hash").is_none())
    );
    assert_clean(&app, &answer, &[&first, &key]).await;

    // A key is revoked through its own integration only.
    app.provision("beta", &FakeErp::start("other", "x").await)
        .await;
    let answer = app
        .admin_delete(&format!("/admin/v1/integrations/beta/api-keys/{key_id}"))
        .await;
    assert_eq!(answer.problem(404)["code"], "not_found");
    assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);

    let answer = app
        .admin_delete(&format!("/admin/v1/integrations/acme/api-keys/{key_id}"))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text);
    assert!(answer.text.is_empty());

    let refused = app.call(&key, "list_products", json!({})).await;
    assert_eq!(refused.problem(401)["code"], "unauthorized");
    assert_eq!(
        app.get(Some(&key), "/v1/functions").await.problem(401)["code"],
        "unauthorized"
    );
    // The other key still works.
    assert_eq!(
        app.call(&first, "list_products", json!({})).await.status,
        200
    );

    let keys = app
        .admin_get("/admin/v1/integrations/acme/api-keys")
        .await
        .json();
    let revoked: Vec<bool> = keys["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["revoked"].as_bool().unwrap())
        .collect();
    assert_eq!(revoked, [false, true]);
}

#[tokio::test]
async fn executions_are_listed_newest_first_filtered_and_paged_as_soon_as_answered() {
    let (app, erp, key) = setup().await;
    let beta = app.provision("beta", &erp).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let answer = app.call(&key, "list_products", json!({})).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        ids.push(answer.header("ponte-execution-id").unwrap().to_owned());
    }
    let answer = app.call(&key, "list_due_dates", json!({})).await;
    assert_eq!(answer.problem(502)["code"], "erp_unavailable");
    let failed = answer.header("ponte-execution-id").unwrap().to_owned();
    assert_eq!(
        app.call(&beta, "list_products", json!({})).await.status,
        200
    );

    // No flush by the test: the admin API stores what is queued before reading.
    let answer = app.admin_get("/admin/v1/executions?integration=acme").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let page = answer.json();
    let listed: Vec<&str> = page["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [failed.as_str(), &ids[2], &ids[1], &ids[0]]);
    assert!(page["next"].is_null());
    let newest = &page["executions"][0];
    assert_eq!(newest["integration"], "acme");
    assert_eq!(newest["function"], "list_due_dates");
    assert_eq!(newest["outcome"], "erp_unavailable");
    assert_eq!(newest["test_run"], false);
    assert!(newest["started_at"].as_str().unwrap().contains('T'));
    assert!(newest["duration_ms"].is_u64());
    assert!(newest.get("trace").is_none(), "summaries carry no trace");
    assert_eq!(page["executions"][1]["outcome"], "ok");

    let all = app.admin_get("/admin/v1/executions").await.json();
    assert_eq!(all["executions"].as_array().unwrap().len(), 5);
    let products = app
        .admin_get("/admin/v1/executions?function=list_products&integration=acme")
        .await
        .json();
    assert_eq!(products["executions"].as_array().unwrap().len(), 3);

    // Pages of two, each continuing where the last one stopped.
    let mut seen = Vec::new();
    let mut path = "/admin/v1/executions?integration=acme&limit=2".to_owned();
    loop {
        let page = app.admin_get(&path).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let page = page.json();
        let records = page["executions"].as_array().unwrap();
        assert!(records.len() <= 2);
        seen.extend(records.iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => {
                path = format!("/admin/v1/executions?integration=acme&limit=2&after={next}");
            }
            None => break,
        }
        assert!(seen.len() <= 4, "the pages never end: {seen:?}");
    }
    assert_eq!(seen, listed);

    // A page size that is not a number does not parse; a cursor that names no page is a
    // value the service refuses.
    let answer = app.admin_get("/admin/v1/executions?limit=many").await;
    let body = answer.problem(400);
    assert_eq!(body["code"], "invalid_parameter");
    assert_eq!(body["errors"][0]["path"], "?limit");
    let answer = app
        .admin_get("/admin/v1/executions?after=not-a-cursor")
        .await;
    assert_eq!(answer.problem(422)["code"], "invalid_input");
}

#[tokio::test]
async fn a_successful_call_is_read_back_as_a_summary_without_trace_by_default() {
    let (app, _erp, key) = setup().await;
    let answer = app.call(&key, "list_products", json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let id = answer.header("ponte-execution-id").unwrap();
    let answer = app.admin_get(&format!("/admin/v1/executions/{id}")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let record = answer.json();
    assert_eq!(record["outcome"], "ok");
    assert_eq!(record["erp_requests"], 1);
    assert_eq!(record["erp_statuses"], json!([200]));
    assert_eq!(record["trace"], Value::Null);
}

#[tokio::test]
async fn an_execution_is_read_back_with_its_redacted_trace() {
    let app = TestApp::spawn_recording(
        RecordingPolicy {
            traces: KeptTraces::All,
            ..RecordingPolicy::default()
        },
        |state| state.with_admin_token(SecretString::from(ADMIN_TOKEN)),
    )
    .await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let answer = app
        .call(
            &key,
            "list_customer_contacts",
            json!({"customer_document_number": CPF}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let id = answer.header("ponte-execution-id").unwrap();

    let answer = app.admin_get(&format!("/admin/v1/executions/{id}")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let record = answer.json();
    assert_eq!(record["id"], id);
    assert_eq!(record["function"], "list_customer_contacts");
    assert_eq!(record["outcome"], "ok");
    let request = &record["trace"]["steps"][0]["requests"][0];
    assert!(
        request["url"]
            .as_str()
            .unwrap()
            .starts_with(&erp.base_url()),
        "{record}"
    );
    assert_eq!(request["status"], 200);
    assert_eq!(request["headers"]["authorization"], "[REDACTED]");
    // The ERP was sent the real credential and the document; the trace keeps neither.
    assert!(
        erp.credentials_seen()
            .contains(&format!("Bearer {ERP_TOKEN}"))
    );
    for hidden in [CPF, CPF_BARE] {
        assert!(!answer.text.contains(hidden), "{}", answer.text);
    }
    assert_clean(&app, &answer, &[&key]).await;
}

#[tokio::test]
async fn a_test_run_answers_the_output_and_the_whole_trace_and_is_recorded_as_one() {
    let (app, erp, key) = setup().await;
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_products",
            json!({}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let run = answer.json();
    assert_eq!(run["ok"], true);
    assert_eq!(
        run["output"],
        json!([{"codigo": "10", "nome": "Fibra 300"}])
    );
    assert!(run.get("error").is_none(), "{run}");
    let id = run["execution_id"].as_str().unwrap();
    assert_eq!(answer.header("ponte-execution-id"), Some(id));

    // The ERP request, credentials redacted, and its response.
    let request = &run["trace"]["steps"][0]["requests"][0];
    assert_eq!(request["method"], "GET");
    assert_eq!(
        request["url"].as_str().unwrap(),
        format!("{}/products", erp.base_url())
    );
    assert_eq!(request["headers"]["authorization"], "[REDACTED]");
    assert_eq!(request["status"], 200);
    assert!(
        request["response_body"]
            .as_str()
            .unwrap()
            .contains("Fibra 300")
    );
    assert_eq!(erp.credentials_seen(), [format!("Bearer {ERP_TOKEN}")]);
    assert_clean(&app, &answer, &[&key]).await;

    let record = app
        .admin_get(&format!("/admin/v1/executions/{id}"))
        .await
        .json();
    assert_eq!(record["test_run"], true);
    assert_eq!(record["trace"], run["trace"]);

    // Test runs are the operator's, not the platform's traffic: no metric counts them.
    let metrics = app.get(None, "/metrics").await;
    assert!(!metrics.text.contains("list_products"), "{}", metrics.text);
}

#[tokio::test]
async fn a_failed_test_run_answers_200_with_the_problem_a_call_would_get_and_the_trace() {
    let (app, _erp, key) = setup().await;
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_commercial_origins",
            json!({}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let run = answer.json();
    assert_eq!(run["ok"], false);
    assert!(run["output"].is_null());
    let error = &run["error"];
    assert_eq!(error["code"], "erp_rejected");
    assert_eq!(error["status"], 502);
    assert!(
        error["detail"]
            .as_str()
            .unwrap()
            .starts_with("Cliente bloqueado por d"),
        "{run}"
    );
    assert_eq!(error["execution_id"], run["execution_id"]);
    let request = &run["trace"]["steps"][0]["requests"][0];
    assert_eq!(request["status"], 200);
    assert!(run["trace"]["error"]["code"].is_string(), "{run}");

    let call = app.call(&key, "list_commercial_origins", json!({})).await;
    let problem = call.problem(502);
    for field in ["code", "title", "status", "detail"] {
        assert_eq!(problem[field], error[field], "{field}");
    }
}

#[tokio::test]
async fn a_test_run_validates_and_masks_like_a_call() {
    let (app, erp, _key) = setup().await;
    let path = "/admin/v1/integrations/acme/test-runs/list_customer_contacts";
    let answer = app
        .admin_post(path, json!({"customer_document_number": "111.111.111-11"}))
        .await;
    assert_eq!(answer.problem(422)["code"], "invalid_document");
    let answer = app.admin_post(path, json!({"unexpected": 1})).await;
    assert_eq!(answer.problem(422)["code"], "invalid_input");
    assert!(erp.credentials_seen().is_empty(), "no ERP was called");

    let answer = app
        .admin_post(path, json!({"customer_document_number": CPF}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json()["ok"], true);
    for hidden in [CPF, CPF_BARE] {
        assert!(!answer.text.contains(hidden), "{}", answer.text);
    }
}

#[tokio::test]
async fn a_test_run_gets_past_an_open_circuit_and_leaves_it_as_it_was() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    let key = app
        .provision_with("acme", &erp, |i| {
            i.settings.limits.breaker = BreakerSettings {
                failures: 1,
                open_ms: 600_000,
            };
        })
        .await;
    let missed = app.call(&key, "list_due_dates", json!({})).await;
    assert_eq!(missed.problem(502)["code"], "erp_unavailable");
    let refused = app.call(&key, "list_products", json!({})).await;
    assert_eq!(refused.problem(503)["code"], "erp_circuit_open");

    // The operator probes the ERP through the open circuit, failing calls included.
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_products",
            json!({}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json()["ok"], true);
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_due_dates",
            json!({}),
        )
        .await;
    assert_eq!(answer.json()["error"]["code"], "erp_unavailable");

    // Calls are still refused: the breaker decides about calls only.
    let refused = app.call(&key, "list_products", json!({})).await;
    assert_eq!(refused.problem(503)["code"], "erp_circuit_open");
}

#[tokio::test]
async fn a_test_run_on_an_inactive_integration_is_refused_like_a_call() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    app.provision_with("acme", &erp, |i| i.active = false).await;
    let answer = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_products",
            json!({}),
        )
        .await;
    assert_eq!(answer.problem(503)["code"], "integration_inactive");
    assert!(erp.credentials_seen().is_empty());
}

#[tokio::test]
async fn a_test_run_takes_its_inputs_as_json_like_a_call() {
    let (app, _erp, _key) = setup().await;
    let answer = app
        .admin_as(
            Some(ADMIN_TOKEN),
            Method::POST,
            "/admin/v1/integrations/acme/test-runs/list_products",
            None,
        )
        .await;
    assert_eq!(
        answer.status, 200,
        "an empty body means no inputs: {}",
        answer.text
    );
    let client = reqwest::Client::new();
    let response = client
        .post(app.url("/admin/v1/integrations/acme/test-runs/list_products"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalid_json");
}

#[test]
fn every_admin_route_is_in_the_openapi_document_behind_the_admin_token() {
    let doc = ponte_http::reference::openapi();
    let scheme = &doc["components"]["securitySchemes"]["admin_token"];
    assert_eq!(scheme["scheme"], "bearer", "{scheme}");
    let mut count = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/admin/v1/") {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            if path == SIGN_IN {
                assert_eq!(method, "post");
                assert!(operation["responses"]["401"].is_object());
                continue;
            }
            count += 1;
            assert_eq!(
                operation["security"],
                json!([{"admin_token": []}]),
                "{method} {path}"
            );
            assert_eq!(operation["tags"], json!(["admin"]), "{method} {path}");
            assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        }
    }
    assert_eq!(count, routes().len());
}

#[tokio::test]
async fn the_presets_are_listed_each_with_its_erp_and_how_many_functions_it_serves() {
    let (app, _erp, key) = setup().await;
    let answer = app.admin_get("/admin/v1/presets").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = answer.json();
    let presets = list["presets"].as_array().expect("a list");
    let names: Vec<&str> = presets
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ponte_presets::names());
    for shown in presets {
        let preset = ponte_presets::preset(shown["name"].as_str().unwrap()).unwrap();
        assert_eq!(shown["erp"], preset.erp);
        assert_eq!(shown["functions"], 21, "{shown}");
        let served = preset.coverage.iter().filter(|c| c.supported).count();
        assert_eq!(shown["functions_served"], served, "{shown}");
    }
    let sgp = presets.iter().find(|p| p["name"] == "sgp").unwrap();
    assert_eq!(sgp["functions_served"], 14, "{sgp}");
    assert_clean(&app, &answer, &[&key]).await;
}

#[tokio::test]
async fn a_preset_shows_each_function_served_or_why_not_with_its_variables_and_secrets() {
    let (app, _erp, key) = setup().await;
    let answer = app.admin_get("/admin/v1/presets/sgp").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let shown = answer.json();
    assert_eq!(shown["name"], "sgp");
    assert_eq!(shown["functions_served"], 14);
    let functions = shown["functions"].as_array().unwrap();
    let ids: Vec<&str> = functions
        .iter()
        .map(|f| f["function"].as_str().unwrap())
        .collect();
    let catalog: Vec<&str> = ponte_catalog::FunctionId::ALL
        .iter()
        .map(|f| f.as_str())
        .collect();
    assert_eq!(ids, catalog, "every catalog function, in catalog order");
    let find = |id: &str| functions.iter().find(|f| f["function"] == id).unwrap();
    let origins = find("list_commercial_origins");
    assert_eq!(origins["supported"], false);
    assert_eq!(origins["automation"], Value::Null);
    assert!(
        origins["reason"]
            .as_str()
            .unwrap()
            .contains("como conheceu")
    );
    assert_eq!(origins["variables"], json!([]));
    let boleto = find("get_boleto_pdf");
    assert_eq!(boleto["supported"], true);
    assert_eq!(boleto["automation"], "get_boleto_pdf.yaml");
    assert_eq!(boleto["secrets"], json!(["sgp_token"]));
    let vars = boleto["variables"].as_array().unwrap();
    let var = |name: &str| vars.iter().find(|v| v["name"] == name).unwrap();
    assert_eq!(var("base_url")["required"], true);
    assert_eq!(var("base_url")["default"], Value::Null);
    assert_eq!(var("pdf_link_style")["required"], false);
    assert_eq!(var("pdf_link_style")["default"], "replace");
    assert_clean(&app, &answer, &[&key]).await;

    let ixc = app.admin_get("/admin/v1/presets/ixc").await.json();
    assert_eq!(ixc["functions_served"], 21, "{ixc}");
    assert_eq!(
        find("list_invoices")["secrets"],
        json!(["sgp_token"]),
        "each preset its own secrets"
    );
    let ixc_invoices = ixc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "list_invoices")
        .unwrap();
    assert_eq!(
        ixc_invoices["secrets"],
        json!(["ixc_token"]),
        "{ixc_invoices}"
    );
}

#[tokio::test]
async fn an_unknown_preset_is_not_found_and_names_the_presets() {
    let (app, _erp, _key) = setup().await;
    let answer = app.admin_get("/admin/v1/presets/sgpp").await;
    let body = answer.problem(404);
    assert_eq!(body["code"], "not_found", "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("sgpp") && detail.contains("ixc, sgp"),
        "{detail}"
    );
}

#[tokio::test]
async fn executions_are_filtered_by_outcome_time_and_test_runs() {
    let (app, _erp, key) = setup().await;
    let id_of = |answer: &Answer| answer.header("ponte-execution-id").unwrap().to_owned();
    let ok = app.call(&key, "list_products", json!({})).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let failed = app.call(&key, "list_due_dates", json!({})).await;
    assert_eq!(failed.status, 502, "{}", failed.text);
    let tested = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_products",
            json!({}),
        )
        .await;
    assert_eq!(tested.status, 200, "{}", tested.text);
    let tested_id = tested.json()["execution_id"].as_str().unwrap().to_owned();

    let listed = |query: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .admin_get(&format!("/admin/v1/executions?{query}"))
                .await;
            assert_eq!(answer.status, 200, "{query}: {}", answer.text);
            answer.json()["executions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("outcome=error").await, [id_of(&failed)]);
    assert_eq!(listed("outcome=erp_unavailable").await, [id_of(&failed)]);
    assert!(listed("outcome=erp_timeout").await.is_empty());
    assert_eq!(listed("outcome=ok").await, [tested_id.clone(), id_of(&ok)]);
    assert_eq!(listed("test_run=true").await, [tested_id]);
    assert_eq!(
        listed("test_run=false&function=list_products").await,
        [id_of(&ok)]
    );
    assert_eq!(listed("from=2000-01-01T00:00:00Z").await.len(), 3);
    assert!(listed("from=2999-01-01T00:00:00Z").await.is_empty());
    assert!(listed("to=2000-01-01T00:00:00Z").await.is_empty());

    let bad = app.admin_get("/admin/v1/executions?outcome=sideways").await;
    assert_eq!(bad.problem(400)["code"], "invalid_parameter");
    let bad = app.admin_get("/admin/v1/executions?to=tomorrow").await;
    assert_eq!(bad.problem(400)["errors"][0]["path"], "?to");
}
