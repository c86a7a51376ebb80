//! What is particular to PostgreSQL: URL checking happens before any connection attempt.

use std::sync::Arc;

use ponte_core::crypto::AesGcmCipher;
use ponte_core::store::StoreError;
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
