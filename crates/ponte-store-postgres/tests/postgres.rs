//! What is particular to PostgreSQL: URL checks and what the store shows of itself.

mod common;

use std::sync::Arc;

use ponte_core::crypto::AesGcmCipher;
use ponte_core::store::StoreError;
use ponte_core::store::contract::Fixture as _;
use ponte_store_postgres::PostgresStore;

#[tokio::test]
async fn a_url_of_another_database_is_refused_without_connecting() {
    let cipher = Arc::new(AesGcmCipher::new(1, &[42; 32]).unwrap());
    for url in [
        "sqlite://ponte.db",
        "mysql://localhost/ponte",
        "127.0.0.1:5432",
    ] {
        let err = PostgresStore::connect(url, cipher.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::UnsupportedUrl(_)),
            "{url}: {err:?}"
        );
    }
}

#[tokio::test]
#[cfg_attr(
    not(ponte_postgres_tests),
    ignore = "PONTE_TEST_POSTGRES_URL was not set when the tests were built"
)]
async fn debug_output_of_a_connected_store_shows_no_password() {
    let Some(fixture) = common::fresh().await else {
        return;
    };
    let mut url = url::Url::parse(&fixture.url).unwrap();
    if url.password().is_none() {
        // A trust-auth server ignores the password, which is all this test needs.
        url.set_password(Some("hunter2-not-for-logs")).unwrap();
    }
    let password = url.password().unwrap().to_owned();
    let cipher = Arc::new(AesGcmCipher::new(1, &[42; 32]).unwrap());
    let store = PostgresStore::connect(url.as_str(), cipher).await.unwrap();
    let shown = format!("{store:?}");
    store.close().await;
    fixture.teardown().await;
    assert!(!shown.contains(&password), "{shown}");
}
