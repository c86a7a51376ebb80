//! The one place where the database URL decides which store Ponte runs on.
//!
//! `sqlite:` URLs open the embedded SQLite store, `postgres://` and `postgresql://` URLs the
//! PostgreSQL store; anything else is refused with an error naming the accepted schemes.

use std::sync::Arc;

use ponte_core::crypto::Cipher;
use ponte_core::store::{Store, StoreError};
use ponte_store_postgres::PostgresStore;
use ponte_store_sqlite::SqliteStore;

/// The kinds of database a URL can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://path/to/ponte.db` or `sqlite::memory:`.
    Sqlite,
    /// `postgres://...` or `postgresql://...`.
    Postgres,
}

/// Which store `url` names, or [`StoreError::UnsupportedUrl`].
pub fn backend_for(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        // Only the scheme is echoed: the rest of a URL may carry a password.
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StoreError::UnsupportedUrl(format!(
            "scheme `{scheme}` is not supported; use `sqlite://...` or `postgres://...`"
        )))
    }
}

/// Opens the store named by `url`, running its migrations, with `cipher` sealing secrets.
pub async fn open_store(url: &str, cipher: Arc<dyn Cipher>) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match backend_for(url)? {
        Backend::Sqlite => Arc::new(SqliteStore::connect(url, cipher).await?),
        Backend::Postgres => Arc::new(PostgresStore::connect(url, cipher).await?),
    })
}
