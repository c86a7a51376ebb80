//! What differs between the databases the store runs on.

use std::future::Future;

use ponte_core::store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{Database, Decode, Encode, IntoArguments, Pool, Type};
use time::OffsetDateTime;
use uuid::Uuid;

/// A Rust type that database `DB` binds as a parameter and reads back from a row unchanged.
pub trait Stored<DB: Database>:
    for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Unpin + 'static
{
}

impl<DB: Database, T> Stored<DB> for T where
    T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Unpin + 'static
{
}

/// One database's way of storing Ponte's data: how to open it, and the column types of the
/// values it stores differently from the others.
///
/// Every other column is bound and read as the same Rust type on every database: text as
/// `&str`/`String`, bytes as `&[u8]`/`Vec<u8>`, flags as `bool`, automation versions as `i32`,
/// durations and page sizes as `i64`.
pub trait Dialect: Send + Sync + 'static {
    /// The sqlx database.
    type Db: Database<Arguments: IntoArguments<Self::Db>>;
    /// A timestamp column, microsecond precision, UTC.
    type Time: Stored<Self::Db>;
    /// A UUID column (API key and execution ids).
    type Uuid: Stored<Self::Db>;
    /// A JSON column (settings, variables, bindings, traces).
    type Json: Stored<Self::Db>;

    /// What follows the `SELECT` of rows a worker is about to lease, so that concurrent
    /// workers skip rows another one is taking: ` FOR UPDATE SKIP LOCKED` where the database
    /// has it, empty where one writer at a time is the rule anyway (SQLite).
    const SKIP_LOCKED: &'static str;

    /// Opens a pool on `url` and brings the schema up to date; a URL of another database is
    /// [`StoreError::UnsupportedUrl`], refused before connecting.
    fn open(url: &str) -> impl Future<Output = Result<Pool<Self::Db>, StoreError>> + Send;

    /// How many rows an `UPDATE` or `DELETE` touched.
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;

    /// A timestamp as its column stores it.
    fn time(at: OffsetDateTime) -> Result<Self::Time, StoreError>;
    /// A timestamp column read back.
    fn read_time(stored: Self::Time) -> Result<OffsetDateTime, StoreError>;

    /// A UUID as its column stores it.
    fn uuid(id: Uuid) -> Self::Uuid;
    /// A UUID column read back.
    fn read_uuid(stored: Self::Uuid) -> Result<Uuid, StoreError>;

    /// A value as its JSON column stores it.
    fn json<T: Serialize>(value: &T) -> serde_json::Result<Self::Json>;
    /// A JSON column read back.
    fn read_json<T: DeserializeOwned>(stored: Self::Json) -> serde_json::Result<T>;
}
