//! Choosing the store from the URL.

use std::sync::Arc;

use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{Integration, IntegrationId};
use ponte_core::store::StoreError;
use ponte_store::{Backend, backend_for, open_store};

fn cipher() -> Arc<AesGcmCipher> {
    Arc::new(AesGcmCipher::new(1, &[42; 32]).unwrap())
}

#[test]
fn the_scheme_decides_the_backend() {
    assert_eq!(backend_for("sqlite://ponte.db").unwrap(), Backend::Sqlite);
    assert_eq!(backend_for("sqlite::memory:").unwrap(), Backend::Sqlite);
    assert_eq!(
        backend_for("postgres://u@127.0.0.1/ponte").unwrap(),
        Backend::Postgres
    );
    assert_eq!(
        backend_for("postgresql://u@127.0.0.1/ponte").unwrap(),
        Backend::Postgres
    );
}

#[test]
fn other_schemes_are_refused_without_echoing_the_rest_of_the_url() {
    for url in ["mysql://root:hunter2@db/ponte", "ponte.db", "", "http://x"] {
        match backend_for(url) {
            Err(StoreError::UnsupportedUrl(message)) => {
                assert!(!message.contains("hunter2"), "{message}");
                assert!(message.contains("sqlite://"), "{message}");
            }
            other => panic!("{url:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_sqlite_url_opens_a_working_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    let store = open_store(&url, cipher()).await.unwrap();
    store.ping().await.unwrap();
    let acme = IntegrationId::parse("acme").unwrap();
    store
        .create_integration(&Integration::new(acme.clone(), "ACME"))
        .await
        .unwrap();
    assert_eq!(store.get_integration(&acme).await.unwrap().name, "ACME");
}

#[tokio::test]
async fn an_unknown_scheme_opens_nothing() {
    let err = open_store("redis://127.0.0.1/0", cipher())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)), "{err:?}");
}
