//! Ponte's store on PostgreSQL, for deployments with several stateless nodes.
//!
//! Settings, variables, bindings and traces are JSONB; timestamps are `timestamptz`; foreign
//! keys cascade, so deleting an integration deletes everything it owns. Migrations live in
//! `migrations/` and run on every [`PostgresStore::connect`] (sqlx takes an advisory lock, so
//! nodes starting together do not race). Queries are built at run time (no compile-time
//! database needed).

mod rows;
mod store;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ponte_core::crypto::Cipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::store::{StoreError, integration_not_found};
use sqlx::error::ErrorKind;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

use rows::BindingRow;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per node; small, because several nodes share one server.
const MAX_CONNECTIONS: u32 = 8;

/// How long a query waits for a free connection before failing (so `/readyz` answers).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL implementation of [`Store`].
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
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

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:5432/ponte`, or
    /// `postgresql://...`) and brings its schema up to date. The database must exist.
    pub async fn connect(url: &str, cipher: Arc<dyn Cipher>) -> Result<Self, StoreError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::UnsupportedUrl(
                "a PostgreSQL URL starts with `postgres://` or `postgresql://`".to_owned(),
            ));
        }
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(backend)?;
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
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM integrations WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        found.map(drop).ok_or_else(|| integration_not_found(id))
    }

    async fn write_bindings(
        tx: &mut Transaction<'_, Postgres>,
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
            .bind(Json(automation))
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
