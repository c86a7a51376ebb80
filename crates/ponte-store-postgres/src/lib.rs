//! Ponte's store on PostgreSQL, for deployments with several stateless nodes.
//!
//! Settings, variables, bindings and traces are JSONB; timestamps are `timestamptz`; ids are
//! `uuid`; foreign keys cascade, so deleting an integration deletes everything it owns.
//! Migrations live in `migrations/` and run on every [`PostgresStore::connect`] (sqlx takes an
//! advisory lock, so nodes starting together do not race). The queries are
//! [`ponte_store_sql`]'s; this crate holds the connection options and those column types.

use std::time::Duration;

use ponte_core::store::StoreError;
use ponte_store_sql::{Dialect, SqlStore, backend, migration_failed};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use sqlx::postgres::{PgPool, PgPoolOptions, PgQueryResult};
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per node; small, because several nodes share one server.
const MAX_CONNECTIONS: u32 = 8;

/// How long a query waits for a free connection before failing (so `/readyz` answers).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL implementation of [`Store`](ponte_core::store::Store).
///
/// [`connect`](SqlStore::connect) connects to the database at a
/// `postgres://user@host:5432/ponte` (or `postgresql://...`) URL and brings its schema up to
/// date. The database must exist.
pub type PostgresStore = SqlStore<PostgresDialect>;

/// How PostgreSQL stores Ponte's data.
#[derive(Debug, Clone, Copy)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    type Db = sqlx::Postgres;
    type Time = OffsetDateTime;
    type Uuid = Uuid;
    /// JSONB, passed as JSON text: serialized once on the way in, parsed once on the way out.
    type Json = Json<Box<RawValue>>;

    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";

    async fn open(url: &str) -> Result<PgPool, StoreError> {
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
        MIGRATOR.run(&pool).await.map_err(migration_failed)?;
        Ok(pool)
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn time(at: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
        Ok(at)
    }

    fn read_time(stored: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
        Ok(stored)
    }

    fn uuid(id: Uuid) -> Uuid {
        id
    }

    fn read_uuid(stored: Uuid) -> Result<Uuid, StoreError> {
        Ok(stored)
    }

    fn json<T: Serialize>(value: &T) -> serde_json::Result<Json<Box<RawValue>>> {
        serde_json::value::to_raw_value(value).map(Json)
    }

    fn read_json<T: DeserializeOwned>(stored: Json<Box<RawValue>>) -> serde_json::Result<T> {
        serde_json::from_str(stored.0.get())
    }
}
