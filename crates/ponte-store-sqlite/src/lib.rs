//! Ponte's store on SQLite: the default, embedded database.
//!
//! The database file is created when missing and opened in WAL mode, so readers never wait for
//! the writer; foreign keys are enforced, so deleting an integration deletes everything it
//! owns. Migrations live in `migrations/` and run on every [`SqliteStore::connect`].
//! Queries are built at run time (no compile-time database needed).

mod rows;
mod store;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use ponte_core::crypto::Cipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::store::{StoreError, integration_not_found};
use sqlx::error::ErrorKind;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use rows::BindingRow;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite implementation of [`Store`].
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    cipher: Arc<dyn Cipher>,
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

/// Marks a query text as safe: only the constant column lists above are formatted into SQL;
/// every value is bound as a parameter.
pub(crate) fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}

pub(crate) fn backend(err: sqlx::Error) -> StoreError {
    StoreError::Backend(err.to_string())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|err| StoreError::Backend(format!("cannot encode {what}: {err}")))
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `url` (`sqlite://path/to/ponte.db`,
    /// `sqlite::memory:`) and brings its schema up to date.
    pub async fn connect(url: &str, cipher: Arc<dyn Cipher>) -> Result<Self, StoreError> {
        // sqlx would read any other text as a file name; a Postgres URL must not silently
        // become a SQLite file called "postgres:".
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl(
                "a SQLite URL starts with `sqlite:`".to_owned(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|err| StoreError::UnsupportedUrl(format!("not a SQLite URL: {err}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // An in-memory database lives as long as its one connection, so the pool must keep
        // exactly one open for good.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool_options = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(4)
        };
        let pool = pool_options.connect_with(options).await.map_err(backend)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|err| StoreError::Backend(format!("migration failed: {err}")))?;
        Ok(Self { pool, cipher })
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn require_integration(&self, id: &IntegrationId) -> Result<(), StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM integrations WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        found.map(drop).ok_or_else(|| integration_not_found(id))
    }

    async fn write_bindings(
        tx: &mut Transaction<'_, Sqlite>,
        integration: &Integration,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM bindings WHERE integration_id = $1")
            .bind(integration.id.as_str())
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        for (function, automation) in &integration.bindings {
            sqlx::query(
                "INSERT INTO bindings (integration_id, function, automation) VALUES ($1, $2, $3)",
            )
            .bind(integration.id.as_str())
            .bind(function)
            .bind(to_json(automation, "binding")?)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        }
        Ok(())
    }

    async fn bindings_of(
        &self,
        id: &IntegrationId,
    ) -> Result<BTreeMap<String, AutomationRef>, StoreError> {
        let rows: Vec<BindingRow> = sqlx::query_as(
            "SELECT integration_id, function, automation FROM bindings WHERE integration_id = $1",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(BindingRow::into_pair).collect()
    }
}
