//! Contract cases for secrets: write-only, encrypted at rest, scoped to one integration.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::create;
use crate::store::{Store, StoreError};

fn secret(value: &str) -> SecretString {
    SecretString::from(value.to_owned())
}

/// Names are listed sorted and without values; the engine gets the opened values.
pub async fn secrets_are_listed_by_name_and_opened_for_the_engine(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    store
        .set_secret(&acme, "token", &secret("first-token"))
        .await
        .unwrap();
    store
        .set_secret(&acme, "password", &secret("hunter2 çãõ"))
        .await
        .unwrap();
    store
        .set_secret(&acme, "token", &secret("second-token"))
        .await
        .unwrap();

    assert_eq!(
        store.list_secret_names(&acme).await.unwrap(),
        ["password", "token"]
    );
    let opened = store.secrets_for(&acme).await.unwrap();
    let values: Vec<(&str, &str)> = opened
        .iter()
        .map(|(name, value)| (name.as_str(), value.expose_secret()))
        .collect();
    assert_eq!(
        values,
        [("password", "hunter2 çãõ"), ("token", "second-token")]
    );
}

/// The stored bytes never contain the plain value, and sealing twice gives different bytes
/// (a fresh nonce each time).
pub async fn secret_values_are_encrypted_at_rest(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let plain = "plain-marker-7f3a91c2-do-not-store";
    store
        .set_secret(&acme, "token", &secret(plain))
        .await
        .unwrap();
    let first = store.sealed_secret(&acme, "token").await.unwrap();
    assert!(
        !first
            .windows(plain.len())
            .any(|window| window == plain.as_bytes()),
        "the plain value is visible in the stored bytes"
    );
    // Key id, nonce and tag come on top of the ciphertext.
    assert!(first.len() >= plain.len() + 1 + 12 + 16);

    store
        .set_secret(&acme, "token", &secret(plain))
        .await
        .unwrap();
    let second = store.sealed_secret(&acme, "token").await.unwrap();
    assert_ne!(first, second, "two seals of one value must differ");
    assert_eq!(
        store.secrets_for(&acme).await.unwrap()["token"].expose_secret(),
        plain
    );
}

/// A deleted secret is gone; deleting it again is NotFound.
pub async fn deleting_a_secret_removes_it_and_a_missing_one_is_not_found(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    store
        .set_secret(&acme, "token", &secret("t"))
        .await
        .unwrap();
    store
        .set_secret(&acme, "other", &secret("o"))
        .await
        .unwrap();
    store.delete_secret(&acme, "token").await.unwrap();
    assert_eq!(store.list_secret_names(&acme).await.unwrap(), ["other"]);
    assert!(
        !store
            .secrets_for(&acme)
            .await
            .unwrap()
            .contains_key("token")
    );
    let err = store.delete_secret(&acme, "token").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    let err = store.sealed_secret(&acme, "token").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
}

/// One integration's secrets are never listed, opened or deleted through another.
pub async fn secrets_of_one_integration_are_invisible_to_another(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    store
        .set_secret(&acme, "token", &secret("acme-only"))
        .await
        .unwrap();
    assert!(store.list_secret_names(&other).await.unwrap().is_empty());
    assert!(store.secrets_for(&other).await.unwrap().is_empty());
    assert!(matches!(
        store.sealed_secret(&other, "token").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_secret(&other, "token").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_secret_names(&acme).await.unwrap(), ["token"]);
}

/// Names with spaces or punctuation are refused before anything is stored.
pub async fn secret_names_are_validated(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    for bad in ["", "api token", "token;drop", "ç"] {
        let err = store
            .set_secret(&acme, bad, &secret("v"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidName(_)),
            "{bad:?}: {err:?}"
        );
    }
    assert!(store.list_secret_names(&acme).await.unwrap().is_empty());
}
