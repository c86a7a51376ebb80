//! Automations with versions over the admin API: the functions of an integration, a version
//! with a mistake refused with its diagnostic at its line, a fixed one published and served at
//! once, rollback, bindings to a version, the latest or the preset, and a function bound by the
//! configuration file left alone.

mod common;

use common::automations::{PRESET, sources};
use common::{ADMIN_TOKEN, Answer, FakeErp, TestApp};
use ponte_catalog::FunctionId;
use ponte_core::model::AutomationRef;
use reqwest::Method;
use serde_json::{Value, json};

const ERP_TOKEN: &str = "erp-token-ver-2a9c";
const BASE: &str = "/admin/v1/integrations/acme/functions/list_products";

fn preset_source() -> String {
    sources()
        .into_iter()
        .find(|(function, _)| *function == FunctionId::ListProducts)
        .unwrap()
        .1
}

/// The preset's `list_products` with the product's name prefixed by `tag`.
fn tagged(tag: &str) -> String {
    preset_source().replace("nome: .name", &format!("nome: (\"{tag} \" + .name)"))
}

async fn setup() -> (TestApp, FakeErp, String) {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra").await;
    let key = app
        .provision_with("acme", &erp, |i| i.preset = Some(PRESET.into()))
        .await;
    (app, erp, key)
}

async fn product_name(app: &TestApp, key: &str) -> String {
    let called = app.call(key, "list_products", json!({})).await;
    assert_eq!(called.status, 200, "{}", called.text);
    called.json()[0]["nome"].as_str().unwrap().to_owned()
}

async fn publish(app: &TestApp, source: &str) -> Answer {
    app.admin_post(&format!("{BASE}/versions"), json!({"source": source}))
        .await
}

async fn bind(app: &TestApp, binding: Value) -> Answer {
    app.admin_as(
        Some(ADMIN_TOKEN),
        Method::PUT,
        &format!("{BASE}/binding"),
        Some(json!({"binding": binding})),
    )
    .await
}

#[tokio::test]
async fn the_functions_are_listed_with_binding_serving_version_and_who_manages_them() {
    let (app, _erp, _key) = setup().await;
    let listed = app.admin_get("/admin/v1/integrations/acme/functions").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let functions = listed.json()["functions"].as_array().unwrap().clone();
    assert_eq!(functions.len(), 21);
    let products = functions
        .iter()
        .find(|f| f["function"] == "list_products")
        .unwrap();
    assert_eq!(
        products["binding"],
        json!({"kind": "preset", "preset": PRESET})
    );
    assert_eq!(products["managed_by_file"], false);
    assert_eq!(products["versions"], 0);
    assert!(products["serving"]["sha256"].is_string(), "{products}");

    let preset = app.admin_get(&format!("{BASE}/preset-source")).await.json();
    assert_eq!(preset["preset"], PRESET);
    assert_eq!(preset["source"], preset_source());
}

#[tokio::test]
async fn a_version_with_a_mistake_is_refused_at_its_line_then_fixed_published_and_rolled_back() {
    let (app, _erp, key) = setup().await;
    assert_eq!(product_name(&app, &key).await, "Fibra");

    let broken = tagged("v1").replace("nome: (", "nome: ((");
    let output_line = broken
        .lines()
        .position(|line| line.starts_with("output:"))
        .unwrap()
        + 1;
    let refused = publish(&app, &broken).await;
    let problem = refused.problem(422);
    assert_eq!(problem["code"], "automation_invalid");
    let diagnostic = &problem["diagnostics"][0];
    assert_eq!(diagnostic["line"], output_line, "{problem}");
    assert!(diagnostic["column"].as_u64().unwrap() >= 1);
    assert!(diagnostic["code"].is_string());
    let versions = app.admin_get(&format!("{BASE}/versions")).await.json();
    assert_eq!(versions["versions"], json!([]), "nothing was stored");
    assert_eq!(product_name(&app, &key).await, "Fibra", "nothing was bound");

    let first = publish(&app, &tagged("v1")).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["version"], 1);
    assert_eq!(
        first.json()["binding"],
        json!({"kind": "version", "version": 1})
    );
    assert_eq!(product_name(&app, &key).await, "v1 Fibra");

    let second = publish(&app, &tagged("v2")).await;
    assert_eq!(second.json()["version"], 2);
    assert_eq!(product_name(&app, &key).await, "v2 Fibra");
    let source = app.admin_get(&format!("{BASE}/versions/2")).await.json();
    assert_eq!(source["source"], tagged("v2"));

    let back = app.admin_post(&format!("{BASE}/rollback"), json!({})).await;
    assert_eq!(back.status, 200, "{}", back.text);
    assert_eq!(
        back.json()["binding"],
        json!({"kind": "version", "version": 1})
    );
    assert_eq!(product_name(&app, &key).await, "v1 Fibra");
    let none = app.admin_post(&format!("{BASE}/rollback"), json!({})).await;
    assert_eq!(none.problem(404)["code"], "not_found");

    let actions: Vec<Value> = app
        .admin_get("/admin/v1/audit?target=integration:acme/function:list_products")
        .await
        .json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert_eq!(
        actions,
        vec![
            json!("binding.rollback"),
            json!("version.publish"),
            json!("version.publish")
        ]
    );
}

#[tokio::test]
async fn a_function_is_bound_to_a_version_the_latest_or_the_preset() {
    let (app, _erp, key) = setup().await;
    let stored = app
        .admin_post(
            &format!("{BASE}/versions"),
            json!({"source": tagged("v1"), "publish": false}),
        )
        .await;
    assert_eq!(stored.status, 201, "{}", stored.text);
    assert_eq!(
        stored.json()["binding"],
        json!({"kind": "preset", "preset": PRESET})
    );
    assert_eq!(
        product_name(&app, &key).await,
        "Fibra",
        "stored, not published"
    );
    publish(&app, &tagged("v2")).await;

    let pinned = bind(&app, json!(1)).await;
    assert_eq!(
        pinned.json()["binding"],
        json!({"kind": "version", "version": 1})
    );
    assert_eq!(product_name(&app, &key).await, "v1 Fibra");
    let latest = bind(&app, json!("latest")).await;
    assert_eq!(latest.json()["binding"], json!({"kind": "latest"}));
    assert_eq!(product_name(&app, &key).await, "v2 Fibra");
    let preset = bind(&app, json!("preset")).await;
    assert_eq!(preset.status, 200, "{}", preset.text);
    assert_eq!(product_name(&app, &key).await, "Fibra");

    for binding in [json!(9), json!("newest"), json!(-1)] {
        let refused = bind(&app, binding.clone()).await;
        assert_eq!(
            refused.problem(422)["errors"][0]["path"],
            "/binding",
            "{binding}"
        );
    }
    assert_eq!(product_name(&app, &key).await, "Fibra");

    let unknown = app
        .admin_post(
            "/admin/v1/integrations/acme/functions/list_everything/versions",
            json!({"source": tagged("v3")}),
        )
        .await;
    assert_eq!(unknown.problem(404)["code"], "not_found");
    let wrong = app
        .admin_post(
            "/admin/v1/integrations/acme/functions/list_resellers/versions",
            json!({"source": tagged("v3")}),
        )
        .await
        .problem(422);
    assert_eq!(wrong["code"], "automation_invalid");
    assert!(
        wrong["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("list_products"),
        "{wrong}"
    );
}

#[tokio::test]
async fn a_function_bound_by_the_configuration_file_is_managed_by_the_file() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra").await;
    app.provision_with("acme", &erp, |i| {
        i.bindings.insert(
            "list_products".into(),
            AutomationRef::File {
                path: "/etc/ponte/list_products.yaml".into(),
                sha256: "ab".repeat(32),
            },
        );
    })
    .await;
    let functions = app
        .admin_get("/admin/v1/integrations/acme/functions")
        .await
        .json();
    let products = functions["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "list_products")
        .unwrap()
        .clone();
    assert_eq!(products["managed_by_file"], true);

    let refused = [
        publish(&app, &tagged("v1")).await,
        bind(&app, json!("preset")).await,
        app.admin_post(&format!("{BASE}/rollback"), json!({})).await,
    ];
    for answer in refused {
        let problem = answer.problem(409);
        assert_eq!(problem["code"], "managed_by_file");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("list_products.yaml")
        );
    }
    let versions = app.admin_get(&format!("{BASE}/versions")).await.json();
    assert_eq!(versions["versions"], json!([]));
    assert_eq!(versions["binding"]["kind"], "file");
}

#[tokio::test]
async fn a_test_run_is_audited_without_its_input_or_output() {
    let (app, _erp, _key) = setup().await;
    let ran = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_products",
            json!({}),
        )
        .await;
    assert_eq!(ran.status, 200, "{}", ran.text);
    let execution = ran.json()["execution_id"].as_str().unwrap().to_owned();
    let audit = app
        .admin_get("/admin/v1/audit?target=integration:acme/function:list_products")
        .await;
    let entry = audit.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "function.test_run")
        .cloned()
        .unwrap_or_else(|| panic!("no test run in the audit log: {}", audit.text));
    assert_eq!(entry["actor"], "admin-token");
    assert_eq!(entry["after"]["execution_id"], execution.as_str());
    assert_eq!(entry["after"]["outcome"], "ok");
    assert!(!entry.to_string().contains("Fibra"), "{entry}");
}

#[tokio::test]
async fn an_integration_the_configuration_file_declares_is_changed_only_there() {
    let (app, _erp, key) = setup().await;
    // What `ponte serve` does for every integration of its configuration file.
    app.ponte.serve_files(
        &ponte_core::model::IntegrationId::parse("acme").unwrap(),
        std::collections::BTreeMap::new(),
    );
    let functions = app
        .admin_get("/admin/v1/integrations/acme/functions")
        .await
        .json();
    assert!(
        functions["functions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["managed_by_file"] == true),
        "{functions}"
    );
    let before = app.admin_get("/admin/v1/integrations/acme").await.text;
    let refused = [
        publish(&app, &tagged("v1")).await,
        bind(&app, json!("latest")).await,
        app.admin_as(
            Some(ADMIN_TOKEN),
            Method::PATCH,
            "/admin/v1/integrations/acme",
            Some(json!({"name": "Outro nome"})),
        )
        .await,
        app.admin_as(
            Some(ADMIN_TOKEN),
            Method::DELETE,
            "/admin/v1/integrations/acme",
            None,
        )
        .await,
    ];
    for answer in refused {
        let problem = answer.problem(409);
        assert_eq!(problem["code"], "managed_by_file", "{problem}");
    }
    assert_eq!(
        app.admin_get("/admin/v1/integrations/acme").await.text,
        before
    );
    assert_eq!(product_name(&app, &key).await, "Fibra");
}
