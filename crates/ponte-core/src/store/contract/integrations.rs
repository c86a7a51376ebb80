//! Contract cases for integrations and their bindings.

use std::sync::Arc;

use secrecy::SecretString;
use serde_json::json;

use super::{create, id};
use crate::model::{
    AutomationRef, ExecutionId, ExecutionOutcome, ExecutionRecord, Integration, OrderProcedure,
    PendencyMatch, PendencyRule, PixReceiver,
};
use crate::store::{Store, StoreError};

fn full_integration(value: &str) -> Integration {
    let mut integration = Integration::new(id(value), "ACME Telecom Ltda");
    integration.preset = Some("ixc".to_owned());
    integration.active = false;
    let settings = &mut integration.settings;
    settings.allow_insecure_tls = true;
    settings.order_procedure = OrderProcedure::CreateTicket;
    settings.skip_customer_check = true;
    settings.lead_for_existing_customer = true;
    settings.payment.insert("company_id".to_owned(), json!(3));
    settings.payment.insert(
        "accounts".to_owned(),
        json!({"pix": "12", "card": ["7", 8]}),
    );
    settings.pix.push(PixReceiver {
        identifier: "main".to_owned(),
        key: "financeiro@acme.example".to_owned(),
        merchant_name: "ACME TELECOM".to_owned(),
        merchant_city: "SAO PAULO".to_owned(),
    });
    settings.pendency_rules.push(PendencyRule {
        label: "debt".to_owned(),
        kind: PendencyMatch::Regex,
        pattern: "d[eé]bito".to_owned(),
    });
    settings.cache.reads_ttl_seconds = 30;
    settings.timeouts.request_ms = 2_500;
    settings.limits.max_concurrent_requests = 2;
    settings.allowed_hosts = vec!["erp.acme.example".to_owned()];
    integration.variables.insert(
        "base_url".to_owned(),
        "https://erp.acme.example/webservice/v1".to_owned(),
    );
    integration
        .variables
        .insert("filial".to_owned(), "Matriz – São Paulo".to_owned());
    integration.bindings.insert(
        "list_invoices".to_owned(),
        AutomationRef::Preset {
            preset: "ixc".to_owned(),
        },
    );
    integration.bindings.insert(
        "get_invoice".to_owned(),
        AutomationRef::Version { version: 2 },
    );
    integration.bindings.insert(
        "list_customer_contacts".to_owned(),
        AutomationRef::File {
            path: "automations/acme/contacts.yaml".to_owned(),
            sha256: "ab".repeat(32),
        },
    );
    integration
        .bindings
        .insert("create_lead".to_owned(), AutomationRef::Latest);
    integration
}

/// Everything written with `create_integration` reads back equal, alone and in the listing.
pub async fn an_integration_round_trips_with_its_settings_variables_and_bindings(
    store: Arc<dyn Store>,
) {
    let integration = full_integration("acme-ixc");
    store.create_integration(&integration).await.unwrap();
    assert_eq!(
        store.get_integration(&integration.id).await.unwrap(),
        integration
    );
    assert_eq!(store.list_integrations().await.unwrap(), vec![integration]);
}

/// A second integration with a taken id is refused and the first one is kept.
pub async fn creating_an_integration_twice_is_a_conflict(store: Arc<dyn Store>) {
    let first = create(&store, "acme").await;
    let again = Integration::new(first.clone(), "Another name");
    let err = store.create_integration(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert_eq!(
        store.get_integration(&first).await.unwrap().name,
        "ISP acme"
    );
}

/// Operations on an integration that does not exist say so instead of inventing it.
pub async fn a_missing_integration_is_not_found(store: Arc<dyn Store>) {
    let ghost = id("ghost");
    let not_found = |result: Result<(), StoreError>, what: &str| match result {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    };
    not_found(store.get_integration(&ghost).await.map(drop), "get");
    not_found(
        store
            .update_integration(&Integration::new(ghost.clone(), "x"))
            .await,
        "update",
    );
    not_found(store.delete_integration(&ghost).await, "delete");
    not_found(
        store
            .set_binding(&ghost, "list_invoices", Some(&AutomationRef::Latest))
            .await,
        "set_binding",
    );
    not_found(
        store
            .set_secret(&ghost, "token", &SecretString::from("value".to_owned()))
            .await,
        "set_secret",
    );
    not_found(
        store.create_api_key(&ghost).await.map(drop),
        "create_api_key",
    );
    not_found(
        store
            .add_automation_version(&ghost, "list_invoices", "steps: []")
            .await
            .map(drop),
        "add_automation_version",
    );
    let record = ExecutionRecord {
        id: ExecutionId::new(),
        integration: ghost.clone(),
        function: "list_invoices".to_owned(),
        started_at: crate::store::now_micros(),
        duration_ms: 1,
        outcome: ExecutionOutcome::Ok,
        erp_requests: 0,
        erp_statuses: Vec::new(),
        trace: Some(json!([])),
        test_run: false,
    };
    not_found(store.insert_execution(&record).await, "insert_execution");
    assert!(store.list_integrations().await.unwrap().is_empty());
}

/// An update replaces every field and the bindings, and leaves secrets and keys alone.
pub async fn updating_an_integration_replaces_its_fields_and_keeps_its_secrets(
    store: Arc<dyn Store>,
) {
    let original = full_integration("acme");
    store.create_integration(&original).await.unwrap();
    store
        .set_secret(
            &original.id,
            "token",
            &SecretString::from("t0k3n".to_owned()),
        )
        .await
        .unwrap();
    let issued = store.create_api_key(&original.id).await.unwrap();

    let mut changed = Integration::new(original.id.clone(), "ACME renamed");
    changed.settings.order_procedure = OrderProcedure::CreateOrder;
    changed.settings.cache.lists_ttl_seconds = 0;
    changed
        .variables
        .insert("base_url".to_owned(), "https://new.acme.example".to_owned());
    changed.bindings.insert(
        "get_invoice".to_owned(),
        AutomationRef::Preset {
            preset: "sgp".to_owned(),
        },
    );
    changed
        .bindings
        .insert("list_products".to_owned(), AutomationRef::Latest);
    store.update_integration(&changed).await.unwrap();

    assert_eq!(store.get_integration(&changed.id).await.unwrap(), changed);
    assert_eq!(
        store.list_secret_names(&changed.id).await.unwrap(),
        vec!["token".to_owned()]
    );
    assert_eq!(
        store
            .integration_for_key(&issued.plain.reveal())
            .await
            .unwrap(),
        Some(changed.id.clone())
    );
}

/// The listing is sorted by id whatever the creation order.
pub async fn integrations_are_listed_in_id_order(store: Arc<dyn Store>) {
    for value in ["zeta", "alpha", "mid-1", "mid-0"] {
        create(&store, value).await;
    }
    let ids: Vec<String> = store
        .list_integrations()
        .await
        .unwrap()
        .into_iter()
        .map(|integration| integration.id.to_string())
        .collect();
    assert_eq!(ids, ["alpha", "mid-0", "mid-1", "zeta"]);
}

/// `set_binding` adds, replaces and removes one function's binding without touching others.
pub async fn bindings_are_set_replaced_and_removed(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let bindings = |store: Arc<dyn Store>, acme| async move {
        store.get_integration(&acme).await.unwrap().bindings
    };
    store
        .set_binding(&acme, "list_invoices", Some(&AutomationRef::Latest))
        .await
        .unwrap();
    store
        .set_binding(&acme, "get_invoice", Some(&AutomationRef::Latest))
        .await
        .unwrap();
    store
        .set_binding(
            &acme,
            "list_invoices",
            Some(&AutomationRef::Version { version: 3 }),
        )
        .await
        .unwrap();
    let now = bindings(store.clone(), acme.clone()).await;
    assert_eq!(
        now.get("list_invoices"),
        Some(&AutomationRef::Version { version: 3 })
    );
    assert_eq!(now.get("get_invoice"), Some(&AutomationRef::Latest));

    store
        .set_binding(&acme, "list_invoices", None)
        .await
        .unwrap();
    // Removing a binding that is already gone is not an error: the wanted state holds.
    store
        .set_binding(&acme, "list_invoices", None)
        .await
        .unwrap();
    let now = bindings(store.clone(), acme.clone()).await;
    assert_eq!(now.len(), 1);
    assert!(!now.contains_key("list_invoices"));
}

/// Deleting an integration leaves nothing of it behind, and nothing of another is touched.
pub async fn deleting_an_integration_removes_everything_it_owns(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    for integration in [&acme, &other] {
        store
            .set_secret(integration, "token", &SecretString::from("v".to_owned()))
            .await
            .unwrap();
        store
            .set_binding(integration, "list_invoices", Some(&AutomationRef::Latest))
            .await
            .unwrap();
        store
            .add_automation_version(integration, "list_invoices", "steps: []")
            .await
            .unwrap();
    }
    let acme_key = store.create_api_key(&acme).await.unwrap().plain.reveal();
    let other_key = store.create_api_key(&other).await.unwrap().plain.reveal();
    let run = ExecutionRecord {
        id: ExecutionId::new(),
        integration: acme.clone(),
        function: "list_invoices".to_owned(),
        started_at: crate::store::now_micros(),
        duration_ms: 12,
        outcome: ExecutionOutcome::Ok,
        erp_requests: 1,
        erp_statuses: vec![200],
        trace: Some(json!({"steps": []})),
        test_run: false,
    };
    store.insert_execution(&run).await.unwrap();

    store.delete_integration(&acme).await.unwrap();

    assert!(matches!(
        store.get_integration(&acme).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.integration_for_key(&acme_key).await.unwrap(), None);
    assert!(matches!(
        store.get_execution(&run.id).await,
        Err(StoreError::NotFound(_))
    ));
    // A new integration reusing the id starts empty.
    create(&store, "acme").await;
    assert!(store.list_secret_names(&acme).await.unwrap().is_empty());
    assert!(store.list_api_keys(&acme).await.unwrap().is_empty());
    assert!(
        store
            .latest_automation_version(&acme, "list_invoices")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .get_integration(&acme)
            .await
            .unwrap()
            .bindings
            .is_empty()
    );
    // The other integration keeps all it had.
    assert_eq!(
        store.integration_for_key(&other_key).await.unwrap(),
        Some(other.clone())
    );
    assert_eq!(store.list_secret_names(&other).await.unwrap(), ["token"]);
    assert_eq!(
        store.get_integration(&other).await.unwrap().bindings.len(),
        1
    );
}
