//! Integrations and their secrets changed over the admin API: created from a preset and
//! called at once, edited with settings checked as the configuration file's, deactivated,
//! deleted; secrets set, rotated and deleted without their values ever being shown or
//! audited; a bad body names the field and changes nothing.

mod common;

use common::automations::PRESET;
use common::{ADMIN_TOKEN, Answer, FakeErp, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

const ERP_TOKEN: &str = "erp-token-int-8e3f";

async fn put(app: &TestApp, path: &str, body: Value) -> Answer {
    app.admin_as(Some(ADMIN_TOKEN), Method::PUT, path, Some(body))
        .await
}

async fn patch(app: &TestApp, path: &str, body: Value) -> Answer {
    app.admin_as(Some(ADMIN_TOKEN), Method::PATCH, path, Some(body))
        .await
}

async fn new_key(app: &TestApp, id: &str) -> String {
    let created = app
        .admin_post(&format!("/admin/v1/integrations/{id}/api-keys"), json!({}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.json()["key"].as_str().unwrap().to_owned()
}

async fn audit(app: &TestApp, query: &str) -> Vec<Value> {
    let answer = app.admin_get(&format!("/admin/v1/audit{query}")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["entries"].as_array().unwrap().clone()
}

/// Creates `beta` from the test preset, speaking to `erp`.
async fn create_beta(app: &TestApp, erp: &FakeErp) -> Answer {
    app.admin_post(
        "/admin/v1/integrations",
        json!({
            "id": "beta",
            "name": "Beta Telecom",
            "preset": PRESET,
            "variables": {"base_url": erp.base_url()},
            "secrets": {"token": ERP_TOKEN},
            "settings": {"timeouts": {"request_ms": 800}},
        }),
    )
    .await
}

#[tokio::test]
async fn an_integration_created_from_a_preset_serves_its_functions_at_once() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 500").await;
    let created = create_beta(&app, &erp).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(!created.text.contains(ERP_TOKEN));
    let body = created.json();
    assert_eq!(body["id"], "beta");
    assert_eq!(body["preset"], PRESET);
    assert_eq!(body["active"], true);
    assert_eq!(body["secrets"], json!(["token"]));
    assert_eq!(body["settings"]["timeouts"]["request_ms"], 800);
    assert_eq!(
        body["bindings"]["list_products"],
        json!({"kind": "preset", "preset": PRESET})
    );

    let key = new_key(&app, "beta").await;
    let called = app.call(&key, "list_products", json!({})).await;
    assert_eq!(called.status, 200, "{}", called.text);
    assert_eq!(called.json()[0]["nome"], "Fibra 500");

    let entries = audit(&app, "?integration=beta").await;
    let create = entries
        .iter()
        .find(|e| e["action"] == "integration.create")
        .unwrap();
    assert_eq!(create["actor"], "admin-token");
    assert_eq!(create["after"]["secrets"], json!(["token"]));
    assert_eq!(create["before"], Value::Null);
    assert!(!serde_json::to_string(&entries).unwrap().contains(ERP_TOKEN));
}

#[tokio::test]
async fn an_empty_integration_binds_nothing() {
    let app = TestApp::spawn_admin().await;
    let created = app
        .admin_post(
            "/admin/v1/integrations",
            json!({"id": "vazia", "name": "Vazia"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json()["bindings"], json!({}));
    let key = new_key(&app, "vazia").await;
    let called = app.call(&key, "list_products", json!({})).await;
    assert_eq!(called.problem(501)["code"], "function_not_configured");
}

#[tokio::test]
async fn a_bad_integration_is_refused_naming_the_field_and_nothing_is_created() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra").await;
    assert_eq!(create_beta(&app, &erp).await.status, 201);
    let before = app.admin_get("/admin/v1/integrations").await.text;
    let audit_before = audit(&app, "").await;
    for (body, path) in [
        (json!({"id": "Bad Id", "name": "x"}), "/id"),
        (json!({"id": "beta", "name": "again"}), "/id"),
        (json!({"id": "ok", "name": ""}), "/name"),
        (
            json!({"id": "ok", "name": "x", "preset": "nope"}),
            "/preset",
        ),
        (
            json!({"id": "ok", "name": "x", "settings": {"timeouts": {"request_msx": 1}}}),
            "/settings/timeouts/request_msx",
        ),
        (
            json!({"id": "ok", "name": "x", "settings": {"pendency_rules": [{"label": "l", "match": "regex", "pattern": "["}]}}),
            "/settings/pendency_rules",
        ),
        (
            json!({"id": "ok", "name": "x", "secrets": {"bad name!": "v"}}),
            "/secrets/bad name!",
        ),
        (
            json!({"id": "ok", "name": "x", "secrets": {"token": ""}}),
            "/secrets/token",
        ),
        (
            json!({"id": "ok", "name": "x", "colour": "blue"}),
            "/colour",
        ),
        (json!({"name": "x"}), "/id"),
    ] {
        let answer = app.admin_post("/admin/v1/integrations", body.clone()).await;
        let problem = answer.problem(422);
        assert_eq!(problem["code"], "invalid_input", "{body}");
        assert_eq!(problem["errors"][0]["path"], path, "{body}: {problem}");
    }
    assert_eq!(app.admin_get("/admin/v1/integrations").await.text, before);
    assert_eq!(audit(&app, "").await, audit_before);
}

#[tokio::test]
async fn an_integration_is_edited_deactivated_and_deleted_and_each_change_is_audited() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra").await;
    assert_eq!(create_beta(&app, &erp).await.status, 201);
    let key = new_key(&app, "beta").await;

    let edited = patch(
        &app,
        "/admin/v1/integrations/beta",
        json!({"name": "Beta Fibra", "settings": {"timeouts": {"function_ms": 4000}}, "variables": {"region": "sul"}}),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let body = edited.json();
    assert_eq!(body["name"], "Beta Fibra");
    assert_eq!(body["settings"]["timeouts"]["function_ms"], 4000);
    assert_eq!(
        body["settings"]["timeouts"]["request_ms"], 800,
        "a merge patch keeps what it does not name"
    );
    assert_eq!(body["variables"]["region"], "sul");

    let refused = patch(
        &app,
        "/admin/v1/integrations/beta",
        json!({"name": "Nope", "settings": {"cache": {"lists_ttl_seconds": "soon"}}}),
    )
    .await
    .problem(422);
    assert_eq!(
        refused["errors"][0]["path"],
        "/settings/cache/lists_ttl_seconds"
    );
    let unchanged = app.admin_get("/admin/v1/integrations/beta").await.json();
    assert_eq!(
        unchanged["name"], "Beta Fibra",
        "a refused change changes nothing"
    );

    let off = patch(
        &app,
        "/admin/v1/integrations/beta",
        json!({"active": false}),
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.text);
    let called = app.call(&key, "list_products", json!({})).await;
    assert_eq!(called.problem(503)["code"], "integration_inactive");
    let on = patch(&app, "/admin/v1/integrations/beta", json!({"active": true})).await;
    assert_eq!(on.status, 200);
    assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);

    let deleted = app.admin_delete("/admin/v1/integrations/beta").await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(
        app.admin_get("/admin/v1/integrations/beta")
            .await
            .problem(404)["code"],
        "not_found"
    );
    assert_eq!(
        app.call(&key, "list_products", json!({}))
            .await
            .problem(401)["code"],
        "unauthorized"
    );
    assert_eq!(
        app.admin_delete("/admin/v1/integrations/beta")
            .await
            .problem(404)["code"],
        "not_found"
    );

    let actions: Vec<Value> = audit(&app, "?integration=beta")
        .await
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert_eq!(
        actions,
        vec![
            json!("integration.delete"),
            json!("integration.activate"),
            json!("integration.deactivate"),
            json!("integration.update"),
            json!("api_key.create"),
            json!("integration.create"),
        ]
    );
}

#[tokio::test]
async fn secrets_are_set_rotated_and_deleted_by_name_and_their_values_never_leave() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra").await;
    let created = app
        .admin_post(
            "/admin/v1/integrations",
            json!({"id": "gama", "name": "Gama", "preset": PRESET,
                   "variables": {"base_url": erp.base_url()}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let key = new_key(&app, "gama").await;
    let mut answers = Vec::new();

    let wrong = "a-wrong-token-31337";
    let set = put(
        &app,
        "/admin/v1/integrations/gama/secrets/token",
        json!({"value": wrong}),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.json(), json!({"name": "token", "rotated": false}));
    answers.push(set);
    let failed = app.call(&key, "list_products", json!({})).await;
    assert_eq!(
        failed.status, 502,
        "the ERP refuses the wrong token: {}",
        failed.text
    );

    let rotated = put(
        &app,
        "/admin/v1/integrations/gama/secrets/token",
        json!({"value": ERP_TOKEN}),
    )
    .await;
    assert_eq!(rotated.json()["rotated"], true);
    answers.push(rotated);
    let called = app.call(&key, "list_products", json!({})).await;
    assert_eq!(
        called.status, 200,
        "the rotated value is used at once: {}",
        called.text
    );

    let listed = app.admin_get("/admin/v1/integrations/gama/secrets").await;
    assert_eq!(listed.json(), json!({"secrets": ["token"]}));
    answers.push(listed);
    answers.push(app.admin_get("/admin/v1/integrations/gama").await);

    for (body, path) in [
        (json!({"value": ""}), "/value"),
        (json!({}), "/value"),
        (json!({"value": 5}), "/value"),
    ] {
        let refused = put(&app, "/admin/v1/integrations/gama/secrets/token", body).await;
        assert_eq!(refused.problem(422)["errors"][0]["path"], path);
    }
    let bad_name = put(
        &app,
        "/admin/v1/integrations/gama/secrets/bad%20name",
        json!({"value": "x"}),
    )
    .await;
    assert_eq!(bad_name.problem(422)["errors"][0]["path"], "/name");
    assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);

    let deleted = app
        .admin_delete("/admin/v1/integrations/gama/secrets/token")
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(
        app.admin_delete("/admin/v1/integrations/gama/secrets/token")
            .await
            .problem(404)["code"],
        "not_found"
    );
    assert_eq!(
        app.admin_get("/admin/v1/integrations/gama/secrets")
            .await
            .json(),
        json!({"secrets": []})
    );

    let entries = audit(&app, "?target=integration:gama/secret:token").await;
    let actions: Vec<_> = entries.iter().map(|e| e["action"].clone()).collect();
    assert_eq!(
        actions,
        vec![
            json!("secret.delete"),
            json!("secret.rotate"),
            json!("secret.set")
        ]
    );
    let audit_text = serde_json::to_string(&audit(&app, "").await).unwrap();
    for secret in [wrong, ERP_TOKEN] {
        assert!(!audit_text.contains(secret), "`{secret}` in the audit log");
        for answer in &answers {
            assert!(
                !answer.text.contains(secret),
                "`{secret}` in {}",
                answer.text
            );
        }
    }
}

#[tokio::test]
async fn a_query_parameter_the_admin_api_refuses_is_named_in_errors() {
    let app = TestApp::spawn_admin().await;
    let answer = app
        .admin_get("/admin/v1/audit?target=integration:a&integration=a")
        .await;
    let problem = answer.problem(400);
    assert_eq!(problem["code"], "invalid_parameter");
    assert_eq!(problem["errors"][0]["path"], "?integration", "{problem}");
    let answer = app
        .admin_get("/admin/v1/executions?outcome=sometimes")
        .await;
    let problem = answer.problem(400);
    assert_eq!(problem["code"], "invalid_parameter");
    assert_eq!(problem["errors"][0]["path"], "?outcome", "{problem}");
    assert_eq!(problem["errors"][0]["got"], "sometimes", "{problem}");
}
