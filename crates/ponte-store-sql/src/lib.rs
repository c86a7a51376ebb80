//! Ponte's store written once over SQL: every query and every conversion between rows and the
//! core model, shared by the SQLite and PostgreSQL crates.
//!
//! [`SqlStore`] implements [`Store`](ponte_core::store::Store) for any [`Dialect`]; a dialect
//! says only what truly differs between databases: how a pool is opened (connect options and
//! migrations) and how timestamps, UUIDs and JSON are bound and read. Text, integers, booleans
//! and bytes are the same Rust types on every database, and so is the SQL: `$N` parameters,
//! `ON CONFLICT`, `RETURNING`, row-value comparisons and `TRUE` read alike in SQLite and
//! PostgreSQL. Queries are built at run time (no compile-time database needed).

mod dialect;
mod rows;
mod store;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use ponte_core::crypto::Cipher;
use ponte_core::store::StoreError;
use sqlx::error::ErrorKind;
use sqlx::{Database, Pool};

pub use dialect::{Dialect, Stored};

/// The [`Store`](ponte_core::store::Store) on the database of dialect `D`.
pub struct SqlStore<D: Dialect> {
    pool: Pool<D::Db>,
    cipher: Arc<dyn Cipher>,
    dialect: PhantomData<fn() -> D>,
}

impl<D: Dialect> SqlStore<D> {
    /// Opens the database at `url` as the dialect does (checking the URL's scheme, creating or
    /// migrating the schema), with `cipher` sealing secrets.
    pub async fn connect(url: &str, cipher: Arc<dyn Cipher>) -> Result<Self, StoreError> {
        Ok(Self {
            pool: D::open(url).await?,
            cipher,
            dialect: PhantomData,
        })
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            cipher: self.cipher.clone(),
            dialect: PhantomData,
        }
    }
}

impl<D: Dialect> fmt::Debug for SqlStore<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("database", &<D::Db as Database>::NAME)
            .field("pool", &self.pool)
            .field("cipher", &self.cipher)
            .finish()
    }
}

/// Maps a database error, turning constraint violations into the store's own variants.
pub(crate) fn db_error(err: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &err {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(what()),
            ErrorKind::ForeignKeyViolation => StoreError::NotFound(what()),
            _ => StoreError::Backend(err.to_string()),
        },
        sqlx::Error::RowNotFound => StoreError::NotFound(what()),
        _ => StoreError::Backend(err.to_string()),
    }
}

/// Any other database error, as the store reports it.
pub fn backend(err: sqlx::Error) -> StoreError {
    StoreError::Backend(err.to_string())
}

/// A migration that did not apply, as the store reports it.
pub fn migration_failed(err: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Backend(format!("migration failed: {err}"))
}

/// A stored value that does not fit the model; `what` names the field.
pub fn corrupt(what: &str, err: impl fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}
