//! Contract cases for what the service's in-memory snapshot relies on: the configuration
//! version, the list of active keys, and declarative provisioning.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::{create, id};
use crate::model::{
    ApiKey, ApiKeyHash, AutomationRef, ExecutionId, ExecutionOutcome, ExecutionRecord, Integration,
};
use crate::store::{Provisioned, Store, StoreError, now_micros};

/// Runs `change` and checks that the configuration version moved forward.
async fn moves<F: Future>(store: &Arc<dyn Store>, what: &str, change: F) -> F::Output {
    let before = store.config_version().await.unwrap();
    let out = change.await;
    let after = store.config_version().await.unwrap();
    assert!(
        after > before,
        "{what} did not move the version ({before} → {after})"
    );
    out
}

/// Every change to what a call reads moves the configuration version; recording a run does
/// not.
pub async fn every_configuration_change_moves_the_config_version(store: Arc<dyn Store>) {
    let acme = moves(&store, "create_integration", async {
        create(&store, "acme").await
    })
    .await;
    let mut integration = store.get_integration(&acme).await.unwrap();
    integration.name = "ACME renamed".to_owned();
    moves(
        &store,
        "update_integration",
        store.update_integration(&integration),
    )
    .await
    .unwrap();
    moves(
        &store,
        "set_binding",
        store.set_binding(&acme, "list_invoices", Some(&AutomationRef::Latest)),
    )
    .await
    .unwrap();
    moves(
        &store,
        "set_secret",
        store.set_secret(&acme, "token", &SecretString::from("s3cr3t")),
    )
    .await
    .unwrap();
    moves(&store, "delete_secret", store.delete_secret(&acme, "token"))
        .await
        .unwrap();
    let issued = moves(&store, "create_api_key", store.create_api_key(&acme))
        .await
        .unwrap();
    moves(
        &store,
        "revoke_api_key",
        store.revoke_api_key(&acme, &issued.key.id),
    )
    .await
    .unwrap();
    moves(
        &store,
        "add_automation_version",
        store.add_automation_version(&acme, "list_invoices", "steps: []"),
    )
    .await
    .unwrap();

    let before = store.config_version().await.unwrap();
    let run = ExecutionRecord {
        id: ExecutionId::new(),
        integration: acme.clone(),
        function: "list_invoices".to_owned(),
        started_at: now_micros(),
        duration_ms: 3,
        outcome: ExecutionOutcome::Ok,
        erp_requests: 1,
        erp_statuses: vec![200],
        trace: None,
        test_run: false,
    };
    store.insert_execution(&run).await.unwrap();
    assert_eq!(
        store.config_version().await.unwrap(),
        before,
        "a run is not a configuration change"
    );

    moves(
        &store,
        "delete_integration",
        store.delete_integration(&acme),
    )
    .await
    .unwrap();
}

/// The active keys are every key not revoked, each with its integration.
pub async fn active_api_keys_are_the_unrevoked_ones_with_their_integration(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let kept = store.create_api_key(&acme).await.unwrap();
    let revoked = store.create_api_key(&acme).await.unwrap();
    let others = store.create_api_key(&other).await.unwrap();
    store.revoke_api_key(&acme, &revoked.key.id).await.unwrap();

    let mut active = store.active_api_keys().await.unwrap();
    active.sort_by_key(|(_, integration)| integration.clone());
    assert_eq!(
        active,
        vec![
            (ApiKeyHash::of(&kept.plain.reveal()), acme),
            (ApiKeyHash::of(&others.plain.reveal()), other),
        ]
    );
}

fn declared(value: &str, secrets: &[(&str, &str)], keys: &[&str]) -> Provisioned {
    let mut integration = Integration::new(id(value), "From the file");
    integration.preset = Some("ixc".to_owned());
    integration
        .variables
        .insert("base_url".to_owned(), "https://erp.example".to_owned());
    integration.bindings.insert(
        "list_invoices".to_owned(),
        AutomationRef::Preset {
            preset: "ixc".to_owned(),
        },
    );
    integration
        .settings
        .payment
        .insert("account_id".to_owned(), json!("12"));
    Provisioned {
        api_keys: keys
            .iter()
            .map(|plain| ApiKey::from_plain(integration.id.clone(), plain, now_micros()).unwrap())
            .collect(),
        secrets: secrets
            .iter()
            .map(|(name, value)| ((*name).to_owned(), SecretString::from(*value)))
            .collect::<BTreeMap<_, _>>(),
        integration,
    }
}

fn key(n: u8) -> String {
    format!("ponte_{}", hex_of(n))
}

fn hex_of(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

/// Provisioning creates, then updates; twice the same is the same; the file's secrets and keys
/// become exactly the file's, while those made through the admin API stay.
pub async fn provisioning_is_a_declarative_upsert(store: Arc<dyn Store>) {
    let first = declared(
        "acme",
        &[("token", "one"), ("old", "x")],
        &[&key(1), &key(2)],
    );
    store.provision(&first).await.unwrap();
    store.provision(&first).await.unwrap();
    assert_eq!(
        store.get_integration(&first.integration.id).await.unwrap(),
        first.integration
    );
    let acme = first.integration.id.clone();
    assert_eq!(store.list_api_keys(&acme).await.unwrap().len(), 2);

    // Made through the admin API: not the file's business.
    store
        .set_secret(&acme, "by_admin", &SecretString::from("kept"))
        .await
        .unwrap();
    let by_admin = store.create_api_key(&acme).await.unwrap().plain.reveal();

    // The file changes: a secret removed and one changed, a key removed and one added, a
    // renamed integration.
    let mut second = declared("acme", &[("token", "two")], &[&key(2), &key(3)]);
    second.integration.name = "Renamed in the file".to_owned();
    store.provision(&second).await.unwrap();

    assert_eq!(
        store.get_integration(&acme).await.unwrap().name,
        "Renamed in the file"
    );
    let secrets = store.secrets_for(&acme).await.unwrap();
    let names: Vec<&str> = secrets.keys().map(String::as_str).collect();
    assert_eq!(names, ["by_admin", "token"]);
    assert_eq!(secrets["token"].expose_secret(), "two");
    assert_eq!(store.integration_for_key(&key(1)).await.unwrap(), None);
    for plain in [key(2), key(3), by_admin] {
        assert_eq!(
            store.integration_for_key(&plain).await.unwrap(),
            Some(acme.clone()),
            "key {}… still speaks for acme",
            &plain[..10]
        );
    }
}

/// A key of the file that already speaks for another integration is refused, and nothing of
/// that provisioning is written.
pub async fn provisioning_a_key_of_another_integration_is_a_conflict(store: Arc<dyn Store>) {
    store
        .provision(&declared("acme", &[], &[&key(7)]))
        .await
        .unwrap();
    let stolen = declared("other", &[("token", "t")], &[&key(7)]);
    let err = store.provision(&stolen).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert!(matches!(
        store.get_integration(&stolen.integration.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.integration_for_key(&key(7)).await.unwrap(),
        Some(id("acme"))
    );
}

/// Two processes provisioning the same integration at the same moment both succeed.
pub async fn concurrent_provisioning_of_one_integration_both_succeed(store: Arc<dyn Store>) {
    let one = declared("acme", &[("token", "same")], &[&key(9)]);
    let two = declared("acme", &[("token", "same")], &[&key(9)]);
    let (a, b) = futures::join!(store.provision(&one), store.provision(&two));
    a.unwrap();
    b.unwrap();
    assert_eq!(store.list_api_keys(&id("acme")).await.unwrap().len(), 1);
    assert_eq!(
        store.integration_for_key(&key(9)).await.unwrap(),
        Some(id("acme"))
    );
}
