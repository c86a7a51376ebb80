//! The function-call use case against the SQLite store and a scripted ERP.

use std::collections::BTreeMap;
use std::sync::Arc;

use ponte_automation::Engine;
use ponte_automation::testing::{Exchange, ScriptedTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{
    ApiKey, ApiKeyHash, ApiKeyId, AutomationRef, AutomationVersion, ExecutionId, ExecutionOutcome,
    ExecutionPage, ExecutionQuery, ExecutionRecord, Integration, IntegrationId, IssuedApiKey,
};
use ponte_core::service::{ErrorCode, InMemoryPresets, KeptTraces, Ponte, RecordingPolicy};
use ponte_core::store::{Provisioned, Store, StoreError};
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
    // These tests count runs of `list_products`; the catalog cache would answer the repeats.
    integration.settings.cache.lists_ttl_seconds = 0;
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
    assert_eq!((record.erp_requests, record.erp_statuses), (1, vec![200]));
    assert_eq!(
        record.trace, None,
        "by default a successful call keeps only its summary"
    );
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
    // Changed in the store directly, not through the admin API: reload by hand.
    f.ponte.refresh().await.unwrap();
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
    f.ponte.refresh().await.unwrap();
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
    let trace = record
        .trace
        .expect("a failed call keeps its trace")
        .to_string();
    assert!(trace.contains("customer_not_found"), "{trace}");
    assert!(!trace.contains("52998224725"), "{trace}");
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

/// A store that counts the calls made to it, delegating to a real one.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn Store>,
    reads: std::sync::atomic::AtomicUsize,
}

impl Counting {
    fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn read(&self) -> &dyn Store {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.as_ref()
    }
}

/// Every method delegates; all but the recording of runs count as reads of configuration.
#[async_trait::async_trait]
impl Store for Counting {
    async fn ping(&self) -> Result<(), StoreError> {
        self.read().ping().await
    }
    async fn create_integration(&self, i: &Integration) -> Result<(), StoreError> {
        self.read().create_integration(i).await
    }
    async fn get_integration(&self, id: &IntegrationId) -> Result<Integration, StoreError> {
        self.read().get_integration(id).await
    }
    async fn list_integrations(&self) -> Result<Vec<Integration>, StoreError> {
        self.read().list_integrations().await
    }
    async fn update_integration(&self, i: &Integration) -> Result<(), StoreError> {
        self.read().update_integration(i).await
    }
    async fn delete_integration(&self, id: &IntegrationId) -> Result<(), StoreError> {
        self.read().delete_integration(id).await
    }
    async fn set_binding(
        &self,
        i: &IntegrationId,
        f: &str,
        a: Option<&AutomationRef>,
    ) -> Result<(), StoreError> {
        self.read().set_binding(i, f, a).await
    }
    async fn set_secret(
        &self,
        i: &IntegrationId,
        n: &str,
        v: &SecretString,
    ) -> Result<(), StoreError> {
        self.read().set_secret(i, n, v).await
    }
    async fn delete_secret(&self, i: &IntegrationId, n: &str) -> Result<(), StoreError> {
        self.read().delete_secret(i, n).await
    }
    async fn list_secret_names(&self, i: &IntegrationId) -> Result<Vec<String>, StoreError> {
        self.read().list_secret_names(i).await
    }
    async fn secrets_for(
        &self,
        i: &IntegrationId,
    ) -> Result<BTreeMap<String, SecretString>, StoreError> {
        self.read().secrets_for(i).await
    }
    async fn sealed_secret(&self, i: &IntegrationId, n: &str) -> Result<Vec<u8>, StoreError> {
        self.read().sealed_secret(i, n).await
    }
    async fn create_api_key(&self, i: &IntegrationId) -> Result<IssuedApiKey, StoreError> {
        self.read().create_api_key(i).await
    }
    async fn insert_api_key(&self, k: &ApiKey) -> Result<(), StoreError> {
        self.read().insert_api_key(k).await
    }
    async fn list_api_keys(&self, i: &IntegrationId) -> Result<Vec<ApiKey>, StoreError> {
        self.read().list_api_keys(i).await
    }
    async fn revoke_api_key(&self, i: &IntegrationId, k: &ApiKeyId) -> Result<(), StoreError> {
        self.read().revoke_api_key(i, k).await
    }
    async fn integration_for_key(&self, p: &str) -> Result<Option<IntegrationId>, StoreError> {
        self.read().integration_for_key(p).await
    }
    async fn active_api_keys(&self) -> Result<Vec<(ApiKeyHash, IntegrationId)>, StoreError> {
        self.read().active_api_keys().await
    }
    async fn config_version(&self) -> Result<i64, StoreError> {
        self.read().config_version().await
    }
    async fn provision(&self, p: &Provisioned) -> Result<(), StoreError> {
        self.read().provision(p).await
    }
    async fn add_automation_version(
        &self,
        i: &IntegrationId,
        f: &str,
        s: &str,
    ) -> Result<AutomationVersion, StoreError> {
        self.read().add_automation_version(i, f, s).await
    }
    async fn list_automation_versions(
        &self,
        i: &IntegrationId,
        f: &str,
    ) -> Result<Vec<AutomationVersion>, StoreError> {
        self.read().list_automation_versions(i, f).await
    }
    async fn get_automation_version(
        &self,
        i: &IntegrationId,
        f: &str,
        v: u32,
    ) -> Result<AutomationVersion, StoreError> {
        self.read().get_automation_version(i, f, v).await
    }
    async fn latest_automation_version(
        &self,
        i: &IntegrationId,
        f: &str,
    ) -> Result<Option<AutomationVersion>, StoreError> {
        self.read().latest_automation_version(i, f).await
    }
    async fn insert_executions(&self, records: &[ExecutionRecord]) -> Result<(), StoreError> {
        self.inner.insert_executions(records).await
    }
    async fn get_execution(&self, id: &ExecutionId) -> Result<ExecutionRecord, StoreError> {
        self.inner.get_execution(id).await
    }
    async fn list_executions(&self, q: &ExecutionQuery) -> Result<ExecutionPage, StoreError> {
        self.inner.list_executions(q).await
    }
    async fn delete_executions_before(
        &self,
        before: time::OffsetDateTime,
        limit: u32,
    ) -> Result<u64, StoreError> {
        self.inner.delete_executions_before(before, limit).await
    }
    async fn insert_payment(
        &self,
        payment: &ponte_core::model::Payment,
    ) -> Result<(ponte_core::model::Payment, bool), StoreError> {
        self.inner.insert_payment(payment).await
    }
    async fn get_payment(
        &self,
        integration: &IntegrationId,
        transaction_id: &str,
    ) -> Result<Option<ponte_core::model::Payment>, StoreError> {
        self.inner.get_payment(integration, transaction_id).await
    }
    async fn payment_history(
        &self,
        id: uuid::Uuid,
    ) -> Result<Vec<ponte_core::model::PaymentEvent>, StoreError> {
        self.inner.payment_history(id).await
    }
    async fn list_payments(
        &self,
        query: &ponte_core::model::PaymentQuery,
    ) -> Result<Vec<ponte_core::model::Payment>, StoreError> {
        self.inner.list_payments(query).await
    }
    async fn claim_payments(
        &self,
        owner: &str,
        now: time::OffsetDateTime,
        lease_until: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ponte_core::model::Payment>, StoreError> {
        self.inner
            .claim_payments(owner, now, lease_until, limit)
            .await
    }
    async fn update_payment(
        &self,
        id: uuid::Uuid,
        owner: &str,
        update: &ponte_core::model::PaymentUpdate,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.inner.update_payment(id, owner, update, now).await
    }
    async fn retry_payment(
        &self,
        id: uuid::Uuid,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.inner.retry_payment(id, now).await
    }

    async fn claim_order(
        &self,
        i: &IntegrationId,
        order: &str,
        fingerprint: &str,
        stale_before: time::OffsetDateTime,
    ) -> Result<ponte_core::model::OrderClaim, StoreError> {
        self.inner
            .claim_order(i, order, fingerprint, stale_before)
            .await
    }
    async fn complete_order(
        &self,
        i: &IntegrationId,
        order: &str,
        answer: &Value,
    ) -> Result<(), StoreError> {
        self.inner.complete_order(i, order, answer).await
    }
    async fn release_order(&self, i: &IntegrationId, order: &str) -> Result<(), StoreError> {
        self.inner.release_order(i, order).await
    }
    async fn set_associations(
        &self,
        i: &IntegrationId,
        kind: ponte_core::model::AssociationKind,
        associations: &[ponte_core::model::Association],
    ) -> Result<(), StoreError> {
        self.read().set_associations(i, kind, associations).await
    }
    async fn associations(
        &self,
        i: &IntegrationId,
    ) -> Result<
        BTreeMap<ponte_core::model::AssociationKind, Vec<ponte_core::model::Association>>,
        StoreError,
    > {
        self.read().associations(i).await
    }
    async fn create_operator(&self, o: &ponte_core::model::Operator) -> Result<(), StoreError> {
        self.read().create_operator(o).await
    }
    async fn list_operators(&self) -> Result<Vec<ponte_core::model::Operator>, StoreError> {
        self.read().list_operators().await
    }
    async fn get_operator(
        &self,
        name: &str,
    ) -> Result<Option<ponte_core::model::Operator>, StoreError> {
        self.read().get_operator(name).await
    }
    async fn delete_operator(&self, name: &str) -> Result<(), StoreError> {
        self.read().delete_operator(name).await
    }
    async fn create_session(
        &self,
        s: &ponte_core::model::OperatorSession,
    ) -> Result<(), StoreError> {
        self.read().create_session(s).await
    }
    async fn get_session(
        &self,
        hash: &str,
    ) -> Result<Option<ponte_core::model::OperatorSession>, StoreError> {
        self.read().get_session(hash).await
    }
    async fn delete_session(&self, hash: &str) -> Result<(), StoreError> {
        self.read().delete_session(hash).await
    }
    async fn append_audit(
        &self,
        e: &ponte_core::model::AuditEntry,
    ) -> Result<ponte_core::model::AuditEntry, StoreError> {
        self.read().append_audit(e).await
    }
    async fn list_audit(
        &self,
        q: &ponte_core::model::AuditQuery,
    ) -> Result<Vec<ponte_core::model::AuditEntry>, StoreError> {
        self.read().list_audit(q).await
    }
}

#[tokio::test]
async fn after_the_first_call_a_call_reads_nothing_from_the_store() {
    const CALLS: u32 = 20;
    let f = fixture(products_exchange(CALLS), &[("list_products", preset())]).await;
    let counting = Arc::new(Counting {
        inner: f.store.clone(),
        reads: std::sync::atomic::AtomicUsize::new(0),
    });
    let transport = ScriptedTransport::new(
        &serde_json::from_value::<Vec<Exchange>>(products_exchange(CALLS)).unwrap(),
        std::path::Path::new("."),
    )
    .unwrap();
    let presets = InMemoryPresets::new().with(
        "demo",
        FunctionId::ListProducts,
        "demo/list_products",
        PRODUCTS,
    );
    let ponte = Ponte::new(
        counting.clone(),
        Engine::new(Arc::new(transport)),
        Arc::new(presets),
    );
    ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
    let after_first = counting.reads();
    assert!(after_first > 0, "the first call loads the snapshot");
    for _ in 1..CALLS {
        ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
            .unwrap();
    }
    assert_eq!(
        counting.reads(),
        after_first,
        "calls after the first read no configuration from the store"
    );
    ponte.flush_executions().await;
    let page = f
        .store
        .list_executions(&ExecutionQuery {
            limit: 100,
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.records.len(),
        CALLS as usize,
        "but every call is recorded"
    );
}

#[tokio::test]
async fn a_key_created_elsewhere_works_at_once_and_a_revoked_one_stops_after_a_refresh() {
    let f = fixture(products_exchange(3), &[("list_products", preset())]).await;
    f.ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
    // Another process (here: the store directly) makes a key: unknown to the snapshot, so the
    // service compares the configuration version once and finds it.
    let fresh = f.store.create_api_key(&f.id).await.unwrap();
    let fresh_key = fresh.plain.reveal();
    f.ponte
        .call_function(&fresh_key, "list_products", json!({}))
        .await
        .unwrap();
    // A revocation made elsewhere takes effect when the snapshot follows the version, which
    // `keep_refreshing` does on a timer.
    f.store.revoke_api_key(&f.id, &fresh.key.id).await.unwrap();
    f.ponte.refresh().await.unwrap();
    let err = f
        .ponte
        .call_function(&fresh_key, "list_products", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    f.ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_key_is_refused_through_a_background_refresh() {
    let f = fixture(products_exchange(200), &[("list_products", preset())]).await;
    let ponte = Arc::new(f.ponte);
    ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
    let refreshing = tokio::spawn(
        ponte
            .clone()
            .keep_refreshing(std::time::Duration::from_millis(20)),
    );
    let keys = f.store.list_api_keys(&f.id).await.unwrap();
    f.store.revoke_api_key(&f.id, &keys[0].id).await.unwrap();
    let mut refused = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if let Err(err) = ponte
            .call_function(&f.key, "list_products", json!({}))
            .await
        {
            assert_eq!(err.code, ErrorCode::Unauthorized);
            refused = true;
            break;
        }
    }
    refreshing.abort();
    assert!(refused, "the revoked key kept working");
}

#[tokio::test]
async fn with_every_trace_kept_a_successful_call_keeps_its_redacted_trace() {
    let f = fixture(products_exchange(1), &[("list_products", preset())]).await;
    let transport = ScriptedTransport::new(
        &serde_json::from_value::<Vec<Exchange>>(products_exchange(1)).unwrap(),
        std::path::Path::new("."),
    )
    .unwrap();
    let presets = InMemoryPresets::new().with(
        "demo",
        FunctionId::ListProducts,
        "demo/list_products",
        PRODUCTS,
    );
    let ponte = Ponte::with_recording(
        f.store.clone(),
        Engine::new(Arc::new(transport)),
        Arc::new(presets),
        RecordingPolicy {
            traces: KeptTraces::All,
            ..RecordingPolicy::default()
        },
    );
    let outcome = ponte
        .call_function(&f.key, "list_products", json!({}))
        .await
        .unwrap();
    ponte.flush_executions().await;
    let record = f.store.get_execution(&outcome.execution_id).await.unwrap();
    let trace = record.trace.expect("kept").to_string();
    assert!(trace.contains("Fibra 300"), "{trace}");
    assert!(!trace.contains("s3cr3t-token"), "{trace}");
}
