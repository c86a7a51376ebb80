//! The store contract suite on SQLite, each case on its own fresh database file.

use std::sync::Arc;

use ponte_core::crypto::AesGcmCipher;
use ponte_core::store::Store;
use ponte_core::store::contract::Fixture;
use ponte_store_sqlite::SqliteStore;

struct TempSqlite {
    store: Arc<SqliteStore>,
    // Kept so the directory (and the database in it) lives until the case ends.
    _dir: tempfile::TempDir,
}

#[async_trait::async_trait]
impl Fixture for TempSqlite {
    fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    async fn teardown(self) {
        self.store.close().await;
    }
}

async fn fresh() -> Option<TempSqlite> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    let cipher = Arc::new(AesGcmCipher::new(1, &[42; 32]).expect("a valid key"));
    let store = SqliteStore::connect(&url, cipher)
        .await
        .expect("a fresh SQLite store");
    Some(TempSqlite {
        store: Arc::new(store),
        _dir: dir,
    })
}

ponte_core::store_contract_tests!(fresh);
