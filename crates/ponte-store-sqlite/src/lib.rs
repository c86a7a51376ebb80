//! Ponte's store on SQLite: the default, embedded database.
//!
//! The database file is created when missing and opened in WAL mode, so readers never wait for
//! the writer; foreign keys are enforced, so deleting an integration deletes everything it
//! owns. Migrations live in `migrations/` and run on every [`SqliteStore::connect`]. The
//! queries are [`ponte_store_sql`]'s; this crate holds how SQLite stores what differs:
//! timestamps as INTEGER microseconds since the Unix epoch, UUIDs as their hyphenated text,
//! JSON as TEXT.

use std::str::FromStr;
use std::time::Duration;

use ponte_core::store::StoreError;
use ponte_store_sql::{Dialect, SqlStore, backend, corrupt, migration_failed};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use time::OffsetDateTime;
use uuid::Uuid;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite implementation of [`Store`](ponte_core::store::Store).
///
/// [`connect`](SqlStore::connect) opens (creating when missing) the database at a
/// `sqlite://path/to/ponte.db` or `sqlite::memory:` URL and brings its schema up to date.
pub type SqliteStore = SqlStore<SqliteDialect>;

/// How SQLite stores Ponte's data.
#[derive(Debug, Clone, Copy)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    type Db = sqlx::Sqlite;
    /// Microseconds since the epoch, so timestamps sort and compare as numbers.
    type Time = i64;
    /// The hyphenated lower-case text, which sorts like the UUID's bytes.
    type Uuid = String;
    type Json = String;

    const SKIP_LOCKED: &'static str = "";

    async fn open(url: &str) -> Result<SqlitePool, StoreError> {
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
        MIGRATOR.run(&pool).await.map_err(migration_failed)?;
        Ok(pool)
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn time(at: OffsetDateTime) -> Result<i64, StoreError> {
        i64::try_from(at.unix_timestamp_nanos() / 1_000)
            .map_err(|_| StoreError::Backend("timestamp out of range".to_owned()))
    }

    fn read_time(micros: i64) -> Result<OffsetDateTime, StoreError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
            .map_err(|err| corrupt("timestamp", err))
    }

    fn uuid(id: Uuid) -> String {
        id.to_string()
    }

    fn read_uuid(text: String) -> Result<Uuid, StoreError> {
        Uuid::parse_str(&text).map_err(|err| corrupt("uuid", err))
    }

    fn json<T: Serialize>(value: &T) -> serde_json::Result<String> {
        serde_json::to_string(value)
    }

    fn read_json<T: DeserializeOwned>(text: String) -> serde_json::Result<T> {
        serde_json::from_str(&text)
    }
}
