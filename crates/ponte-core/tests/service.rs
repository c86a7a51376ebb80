//! The function-call use case against the SQLite store and a scripted ERP.

use std::collections::BTreeMap;
use std::sync::Arc;

use ponte_automation::Engine;
use ponte_automation::testing::{Exchange, ScriptedTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{
    AutomationRef, ExecutionOutcome, ExecutionQuery, Integration, IntegrationId,
};
use ponte_core::service::{ErrorCode, InMemoryPresets, Ponte};
use ponte_core::store::Store;
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::{Value, json};

const PRODUCTS: &str = r#"
function: list_products
variables:
  base_url: { description: ERP root }
secrets: [token]
auth:
  bearer:
    token: "{{ secrets.token }}"
steps:
  - id: products
    request:
      method: GET
      url: "{{ vars.base_url }}/products"
      idempotent: true
output: '[.steps.products.body[] | {codigo: .id, nome: .name}]'
"#;

const CUSTOMER: &str = r#"
function: list_customer_contacts
variables:
  base_url: { description: ERP root }
steps:
  - id: customer
    request:
      method: GET
      url: "{{ vars.base_url }}/customers/{{ input.customer_document_number }}"
      success: '.ok == true'
      error_message: .message
  - id: unknown
    when: '.steps.customer.body.found == false'
    fail:
      code: customer_not_found
      message: "no customer {{ input.customer_document_number }}"
output: '[{type: "email", value: .steps.customer.body.email}]'
"#;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    ponte: Ponte,
    transport: ScriptedTransport,
    key: String,
    id: IntegrationId,
}

async fn fixture(exchanges: Value, bind: &[(&str, AutomationRef)]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    let cipher = Arc::new(AesGcmCipher::new(1, &[7u8; 32]).unwrap());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
    let id = IntegrationId::parse("acme").unwrap();
    let mut integration = Integration::new(id.clone(), "Acme");
    integration
        .variables
        .insert("base_url".into(), "https://erp.example.com".into());
    integration.settings.allowed_hosts = vec!["erp.example.com".into()];
    integration.bindings = bind
        .iter()
        .map(|(f, r)| ((*f).to_owned(), r.clone()))
        .collect::<BTreeMap<_, _>>();
    store.create_integration(&integration).await.unwrap();
    store
        .set_secret(&id, "token", &SecretString::from("s3cr3t-token"))
        .await
        .unwrap();
    let key = store.create_api_key(&id).await.unwrap().plain.reveal();
    let exchanges: Vec<Exchange> = serde_json::from_value(exchanges).unwrap();
    let transport = ScriptedTransport::new(&exchanges, std::path::Path::new(".")).unwrap();
    let presets = InMemoryPresets::new()
        .with(
            "demo",
            FunctionId::ListProducts,
            "demo/list_products",
            PRODUCTS,
        )
        .with(
            "demo",
            FunctionId::ListCustomerContacts,
            "demo/list_customer_contacts",
            CUSTOMER,
        );
    let ponte = Ponte::new(
        store.clone(),
        Engine::new(Arc::new(transport.clone())),
        Arc::new(presets),
    );
    Fixture {
        _dir: dir,
        store,
        ponte,
        transport,
        key,
        id,
    }
}

fn preset() -> AutomationRef {
    AutomationRef::Preset {
        preset: "demo".into(),
    }
}

fn products_exchange(times: u32) -> Value {
    json!([{
        "request": {"method": "GET", "url": "https://erp.example.com/products",
                    "headers": {"authorization": "Bearer s3cr3t-token"}},
        "response": {"json": [{"id": "10", "name": "Fibra 300"}]},
        "times": times,
    }])
}

#[tokio::test]
async fn a_call_answers_the_output_and_records_its_execution() {
    let f = fixture(products_exchange(1), &[("list_products", preset())]).await;
    let outcome = f
        .ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
    assert_eq!(
        outcome.output,
        Some(json!([{"codigo": "10", "nome": "Fibra 300"}]))
    );
    f.ponte.flush_executions().await;
    let record = f.store.get_execution(&outcome.execution_id).await.unwrap();
    assert_eq!(record.integration, f.id);
    assert_eq!(record.function, "list_products");
    assert_eq!(record.outcome, ExecutionOutcome::Ok);
    assert!(!record.trace.to_string().contains("s3cr3t-token"));
    assert!(f.transport.unused().is_empty());
}

#[tokio::test]
async fn an_automation_is_compiled_once_however_many_calls_it_serves() {
    let f = fixture(products_exchange(3), &[("list_products", preset())]).await;
    for _ in 0..3 {
        f.ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
            .unwrap();
    }
    assert_eq!(f.ponte.compiled_automations(), 1);
}

#[tokio::test]
async fn stored_versions_serve_latest_and_pinned_bindings() {
    let f = fixture(
        products_exchange(2),
        &[("list_products", AutomationRef::Latest)],
    )
    .await;
    f.store
        .add_automation_version(&f.id, "list_products", PRODUCTS)
        .await
        .unwrap();
    assert!(
        f.ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
            .is_ok()
    );
    f.store
        .set_binding(
            &f.id,
            "list_products",
            Some(&AutomationRef::Version { version: 1 }),
        )
        .await
        .unwrap();
    assert!(
        f.ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized() {
    let f = fixture(json!([]), &[("list_products", preset())]).await;
    for key in [
        "",
        "nope",
        "ponte_0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let err = f
            .ponte
            .call_function(key, "list_products", json!({}))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthorized);
    }
}

#[tokio::test]
async fn unknown_unbound_and_inactive_are_told_apart() {
    let f = fixture(
        json!([]),
        &[
            ("list_products", preset()),
            // Bound to a version that was never stored.
            ("list_resellers", AutomationRef::Version { version: 9 }),
            // Bound to a preset that lacks the function.
            ("list_due_dates", preset()),
        ],
    )
    .await;
    let code = |function: &'static str| {
        let ponte = &f.ponte;
        let key = f.key.clone();
        async move {
            ponte
                .call_function(&key, function, json!({}))
                .await
                .unwrap_err()
                .code
        }
    };
    assert_eq!(code("make_coffee").await, ErrorCode::UnknownFunction);
    assert_eq!(
        code("list_commercial_origins").await,
        ErrorCode::FunctionNotConfigured
    );
    assert_eq!(
        code("list_resellers").await,
        ErrorCode::FunctionNotConfigured
    );
    assert_eq!(
        code("list_due_dates").await,
        ErrorCode::FunctionNotConfigured
    );

    let mut integration = f.store.get_integration(&f.id).await.unwrap();
    integration.active = false;
    f.store.update_integration(&integration).await.unwrap();
    assert_eq!(code("list_products").await, ErrorCode::IntegrationInactive);
}

#[tokio::test]
async fn bad_inputs_never_reach_the_erp() {
    let f = fixture(json!([]), &[("list_customer_contacts", preset())]).await;
    let err = f
        .ponte
        .call_function(
            &f.key,
            "list_customer_contacts",
            json!({"customer_document_number": "529.982.247-26"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidDocument);
    assert_eq!(err.errors[0].path, "/customer_document_number");

    let err = f
        .ponte
        .call_function(&f.key, "list_customer_contacts", json!({"other": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.errors.len() >= 2, "{:?}", err.errors);
    assert!(f.transport.unmatched().is_empty());
}

#[tokio::test]
async fn a_fail_step_is_erp_rejected_with_its_code_and_a_masked_document() {
    let f = fixture(
        json!([{
            "request": {"url": "https://erp.example.com/customers/52998224725"},
            "response": {"json": {"ok": true, "found": false}},
        }]),
        &[("list_customer_contacts", preset())],
    )
    .await;
    let err = f
        .ponte
        .call_function(
            &f.key,
            "list_customer_contacts",
            json!({"customer_document_number": "529.982.247-25"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ErpRejected);
    assert_eq!(err.automation_code.as_deref(), Some("customer_not_found"));
    assert!(!err.detail.contains("52998224725"), "{}", err.detail);
    let id = err.execution_id.expect("an automation ran");
    f.ponte.flush_executions().await;
    let record = f.store.get_execution(&id).await.unwrap();
    assert_eq!(
        record.outcome,
        ExecutionOutcome::Error {
            code: "erp_rejected".into()
        }
    );
    assert!(!record.trace.to_string().contains("52998224725"));
}

#[tokio::test]
async fn an_erp_refusal_carries_its_own_message() {
    let f = fixture(
        json!([{
            "request": {"url": "https://erp.example.com/customers/52998224725"},
            "response": {"json": {"ok": false, "message": "<b>Acesso negado</b>"}},
        }]),
        &[("list_customer_contacts", preset())],
    )
    .await;
    let err = f
        .ponte
        .call_function(
            &f.key,
            "list_customer_contacts",
            json!({"customer_document_number": "52998224725"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ErpRejected);
    assert_eq!(err.detail, "Acesso negado");
}

#[tokio::test]
async fn the_listing_says_which_functions_the_integration_serves() {
    let f = fixture(
        json!([]),
        &[("list_products", preset()), ("list_due_dates", preset())],
    )
    .await;
    let listing = f.ponte.list_functions(&f.key).await.unwrap();
    assert_eq!(listing.integration, f.id);
    assert_eq!(listing.functions.len(), 21);
    let served: Vec<&str> = listing
        .functions
        .iter()
        .filter(|l| l.served)
        .map(|l| l.spec.id.as_str())
        .collect();
    assert_eq!(served, ["list_products"]);
}

#[tokio::test]
async fn records_of_concurrent_calls_are_all_stored_once_flushed() {
    const CALLS: u32 = 40;
    let f = fixture(products_exchange(CALLS), &[("list_products", preset())]).await;
    let calls = (0..CALLS).map(|_| f.ponte.call_function(&f.key, "list_products", json!({})));
    let mut ids = Vec::new();
    for outcome in futures::future::join_all(calls).await {
        ids.push(outcome.unwrap().execution_id);
    }
    f.ponte.flush_executions().await;
    for id in &ids {
        let record = f.store.get_execution(id).await.unwrap();
        assert_eq!(record.outcome, ExecutionOutcome::Ok);
    }
    let page = f
        .store
        .list_executions(&ExecutionQuery {
            integration: Some(f.id.clone()),
            limit: 100,
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.records.len(), CALLS as usize);
}

#[tokio::test]
async fn every_call_is_recorded_for_its_integration() {
    let f = fixture(products_exchange(2), &[("list_products", preset())]).await;
    for _ in 0..2 {
        f.ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
            .unwrap();
    }
    f.ponte.flush_executions().await;
    let page = f
        .store
        .list_executions(&ExecutionQuery {
            integration: Some(f.id.clone()),
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.records.len(), 2);
}

#[tokio::test]
async fn records_older_than_the_retention_are_pruned_and_newer_ones_kept() {
    let f = fixture(products_exchange(1), &[("list_products", preset())]).await;
    let recent = f
        .ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap()
        .execution_id;
    f.ponte.flush_executions().await;
    let mut old = f.store.get_execution(&recent).await.unwrap();
    old.id = ponte_core::model::ExecutionId::new();
    old.started_at -= time::Duration::days(31);
    f.store.insert_execution(&old).await.unwrap();

    let thirty_days = std::time::Duration::from_secs(30 * 86_400);
    assert_eq!(f.ponte.prune_executions(thirty_days).await.unwrap(), 1);
    assert!(f.store.get_execution(&old.id).await.is_err());
    assert_eq!(f.store.get_execution(&recent).await.unwrap().id, recent);
    assert_eq!(f.ponte.prune_executions(thirty_days).await.unwrap(), 0);
}
