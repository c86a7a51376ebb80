//! Contract cases for API keys: hashed, shown once, revocable, bound to one integration.

use std::sync::Arc;

use super::create;
use crate::model::{API_KEY_PREFIX, ApiKeyHash, ApiKeyId};
use crate::store::{Store, StoreError};

/// A new key resolves to its integration and its record carries only prefix and hash.
pub async fn an_api_key_resolves_to_its_integration(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let issued = store.create_api_key(&acme).await.unwrap();
    let record = issued.key.clone();
    let plain = issued.plain.reveal();

    assert!(plain.starts_with(API_KEY_PREFIX));
    assert!(plain.starts_with(&record.prefix));
    assert!(record.prefix.len() < plain.len());
    assert_eq!(record.hash, ApiKeyHash::of(&plain));
    assert_eq!(record.integration, acme);
    assert!(!record.revoked);

    assert_eq!(
        store.integration_for_key(&plain).await.unwrap(),
        Some(acme.clone())
    );
    assert_eq!(store.list_api_keys(&acme).await.unwrap(), vec![record]);
}

/// A key provisioned from its plain text (configuration files) works like an issued one, and
/// the same key cannot be stored twice, even for another integration.
pub async fn a_provisioned_key_resolves_and_cannot_be_stored_twice(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let plain = format!("{API_KEY_PREFIX}{}", "5a".repeat(32));
    let record = crate::model::ApiKey::from_plain(acme.clone(), &plain, crate::store::now_micros())
        .expect("a well-formed key");
    store.insert_api_key(&record).await.unwrap();
    assert_eq!(store.integration_for_key(&plain).await.unwrap(), Some(acme));
    let again = crate::model::ApiKey::from_plain(other, &plain, crate::store::now_micros())
        .expect("a well-formed key");
    assert!(matches!(
        store.insert_api_key(&again).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        crate::model::ApiKey::from_plain(
            create(&store, "third").await,
            "ponte_short",
            crate::store::now_micros()
        )
        .is_none()
    );
}

/// Keys that differ by one character, have the wrong shape or were never issued resolve to
/// nothing.
pub async fn a_wrong_or_malformed_key_resolves_to_nothing(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let plain = store.create_api_key(&acme).await.unwrap().plain.reveal();

    let mut last_changed = plain.clone();
    let last = last_changed.pop().unwrap();
    last_changed.push(if last == '0' { '1' } else { '0' });
    let wrong = [
        last_changed,
        format!("{API_KEY_PREFIX}{}", "ab".repeat(32)),
        plain.to_uppercase(),
        format!("{plain}0"),
        plain[..plain.len() - 1].to_owned(),
        format!("Bearer {plain}"),
        plain.replacen(API_KEY_PREFIX, "other_", 1),
        String::new(),
    ];
    for candidate in wrong {
        assert_eq!(
            store.integration_for_key(&candidate).await.unwrap(),
            None,
            "{candidate:?} must not resolve"
        );
    }
    assert_eq!(store.integration_for_key(&plain).await.unwrap(), Some(acme));
}

/// A revoked key stops working at once; other keys keep working.
pub async fn a_revoked_key_resolves_to_nothing(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let revoked = store.create_api_key(&acme).await.unwrap();
    let kept = store.create_api_key(&acme).await.unwrap();
    let revoked_id = revoked.key.id;
    let revoked_plain = revoked.plain.reveal();
    let kept_plain = kept.plain.reveal();

    store.revoke_api_key(&acme, &revoked_id).await.unwrap();

    assert_eq!(
        store.integration_for_key(&revoked_plain).await.unwrap(),
        None
    );
    assert_eq!(
        store.integration_for_key(&kept_plain).await.unwrap(),
        Some(acme.clone())
    );
    let listed = store.list_api_keys(&acme).await.unwrap();
    assert_eq!(listed.len(), 2);
    let flags: Vec<(ApiKeyId, bool)> = listed.iter().map(|key| (key.id, key.revoked)).collect();
    assert!(flags.contains(&(revoked_id, true)));
    assert!(flags.contains(&(kept.key.id, false)));

    let err = store
        .revoke_api_key(&acme, &ApiKeyId::new())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
}

/// However many keys exist, each resolves only to the integration it was issued for, and one
/// integration cannot revoke another's key.
pub async fn a_key_of_one_integration_never_resolves_to_another(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let mut issued = Vec::new();
    for _ in 0..3 {
        for integration in [&acme, &other] {
            let key = store.create_api_key(integration).await.unwrap();
            issued.push((integration.clone(), key.key.id, key.plain.reveal()));
        }
    }
    for (owner, _, plain) in &issued {
        assert_eq!(
            store.integration_for_key(plain).await.unwrap().as_ref(),
            Some(owner)
        );
    }
    let (_, acme_key_id, acme_plain) = &issued[0];
    let err = store.revoke_api_key(&other, acme_key_id).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    assert_eq!(
        store.integration_for_key(acme_plain).await.unwrap(),
        Some(acme.clone())
    );
    assert_eq!(store.list_api_keys(&acme).await.unwrap().len(), 3);
    assert!(
        store
            .list_api_keys(&other)
            .await
            .unwrap()
            .iter()
            .all(|key| key.integration == other)
    );
}
