//! A fresh PostgreSQL database per test, created on the server named by
//! `PONTE_TEST_POSTGRES_URL` and dropped afterwards, so tests run in parallel without seeing
//! each other's rows.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::sync::Arc;

use ponte_core::crypto::{AesGcmCipher, random_bytes};
use ponte_core::store::Store;
use ponte_core::store::contract::Fixture;
use ponte_store_postgres::PostgresStore;
use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

const URL_VAR: &str = "PONTE_TEST_POSTGRES_URL";
const REQUIRE_VAR: &str = "PONTE_REQUIRE_POSTGRES";

/// The server URL, or `None` when no server is configured. A machine with only the Rust
/// toolchain can run the whole suite, so an unset URL skips these tests loudly; CI sets
/// `PONTE_REQUIRE_POSTGRES=1`, which turns a missing URL into a failure, so there a skipped
/// suite can never pass for one that ran.
fn server_url() -> Option<String> {
    if let Ok(url) = std::env::var(URL_VAR) {
        return Some(url);
    }
    let hint = format!(
        "point {URL_VAR} at a PostgreSQL server whose user may create databases, for example \
         `export {URL_VAR}=postgres://postgres@127.0.0.1:5432/postgres`"
    );
    assert!(
        std::env::var(REQUIRE_VAR).as_deref() != Ok("1"),
        "{REQUIRE_VAR}=1 but {URL_VAR} is not set: {hint}"
    );
    eprintln!("PostgreSQL store tests SKIPPED: {URL_VAR} is unset ({hint})");
    None
}

fn with_database(server: &str, database: &str) -> String {
    let mut url = url::Url::parse(server).expect("PONTE_TEST_POSTGRES_URL is a valid URL");
    url.set_path(database);
    url.into()
}

pub struct TempDatabase {
    pub store: Arc<PostgresStore>,
    /// The URL of this test's own database.
    pub url: String,
    server: String,
    name: String,
}

#[async_trait::async_trait]
impl Fixture for TempDatabase {
    fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    async fn teardown(self) {
        self.store.close().await;
        let mut admin = PgConnection::connect(&self.server)
            .await
            .expect("connect to the PostgreSQL server to drop the test database");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        )))
        .execute(&mut admin)
        .await
        .expect("drop the test database");
    }
}

pub async fn fresh() -> Option<TempDatabase> {
    let server = server_url()?;
    let suffix: [u8; 8] = random_bytes().expect("random bytes");
    // Only hex digits follow the fixed prefix, so the name is safe to quote into DDL.
    let name = format!("ponte_test_{}", hex_string(&suffix));
    let mut admin = PgConnection::connect(&server)
        .await
        .expect("connect to the PostgreSQL server named by PONTE_TEST_POSTGRES_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let cipher = Arc::new(AesGcmCipher::new(1, &[42; 32]).expect("a valid key"));
    let url = with_database(&server, &name);
    let store = PostgresStore::connect(&url, cipher)
        .await
        .expect("a fresh PostgreSQL store");
    Some(TempDatabase {
        store: Arc::new(store),
        url,
        server,
        name,
    })
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
