//! What is particular to SQLite: files, WAL mode, in-memory databases, reopening.

use std::sync::Arc;

use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{
    ExecutionId, ExecutionOutcome, ExecutionQuery, Integration, IntegrationId,
};
use ponte_core::store::Store;
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use sqlx::sqlite::SqlitePool;
use time::macros::datetime;
use uuid::Uuid;

fn cipher() -> Arc<AesGcmCipher> {
    Arc::new(AesGcmCipher::new(1, &[42; 32]).unwrap())
}

#[tokio::test]
async fn a_missing_file_is_created_in_wal_mode_and_keeps_data_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested-ok.db");
    let url = format!("sqlite://{}", path.display());
    let acme = IntegrationId::parse("acme").unwrap();
    {
        let store = SqliteStore::connect(&url, cipher()).await.unwrap();
        store
            .create_integration(&Integration::new(acme.clone(), "ACME"))
            .await
            .unwrap();
        assert!(path.exists());
        assert!(
            dir.path().join("nested-ok.db-wal").exists(),
            "a write in WAL mode leaves a -wal file beside the database"
        );
        store.close().await;
    }
    let reopened = SqliteStore::connect(&url, cipher()).await.unwrap();
    assert_eq!(reopened.get_integration(&acme).await.unwrap().name, "ACME");
}

#[tokio::test]
async fn the_database_files_never_contain_a_secret_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    let store = SqliteStore::connect(&url, cipher()).await.unwrap();
    let acme = IntegrationId::parse("acme").unwrap();
    store
        .create_integration(&Integration::new(acme.clone(), "ACME"))
        .await
        .unwrap();
    let marker = "marker-3b1e0c5d-plain-secret";
    store
        .set_secret(&acme, "token", &SecretString::from(marker.to_owned()))
        .await
        .unwrap();
    store.close().await;
    let mut bytes_seen = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        bytes_seen += bytes.len();
        assert!(
            !bytes
                .windows(marker.len())
                .any(|window| window == marker.as_bytes()),
            "a database file holds the secret in plain text"
        );
    }
    assert!(bytes_seen > 0);
}

#[tokio::test]
async fn an_in_memory_database_keeps_its_data_for_the_life_of_the_store() {
    let store = SqliteStore::connect("sqlite::memory:", cipher())
        .await
        .unwrap();
    let acme = IntegrationId::parse("acme").unwrap();
    store
        .create_integration(&Integration::new(acme.clone(), "ACME"))
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(store.list_integrations().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_url_of_another_database_is_refused() {
    let err = SqliteStore::connect("postgres://localhost/x", cipher())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ponte_core::store::StoreError::UnsupportedUrl(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_columns_keep_their_layout_so_existing_databases_still_open() {
    // Timestamps are INTEGER microseconds since the epoch, UUIDs their hyphenated lower-case
    // text, JSON plain TEXT; databases written by earlier builds hold exactly this.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
    let store = SqliteStore::connect(&url, cipher()).await.unwrap();
    let acme = IntegrationId::parse("acme").unwrap();
    store
        .create_integration(&Integration::new(acme.clone(), "ACME"))
        .await
        .unwrap();
    let issued = store.create_api_key(&acme).await.unwrap();

    let raw = SqlitePool::connect(&url).await.unwrap();
    let (id, created_at): (String, i64) = sqlx::query_as("SELECT id, created_at FROM api_keys")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(id, issued.key.id.as_uuid().hyphenated().to_string());
    assert_eq!(
        i128::from(created_at),
        issued.key.created_at.unix_timestamp_nanos() / 1_000
    );

    let execution = Uuid::parse_str("0190c3a1-7e2b-7c3d-9f00-1234567890ab").unwrap();
    sqlx::query(
        "INSERT INTO executions \
         (id, integration_id, function, started_at, duration_ms, error_code, erp_requests, \
          erp_statuses, test_run) \
         VALUES ($1, 'acme', 'list_invoices', 1700000000123456, 42, 'erp_timeout', 2, \
         '200,0', 1)",
    )
    .bind(execution.to_string())
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query("INSERT INTO execution_traces (id, trace) VALUES ($1, '{\"steps\":[]}')")
        .bind(execution.to_string())
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;

    let record = store
        .get_execution(&ExecutionId::from_uuid(execution))
        .await
        .unwrap();
    assert_eq!(record.integration, acme);
    assert_eq!(record.started_at, datetime!(2023-11-14 22:13:20.123456 UTC));
    assert_eq!(record.duration_ms, 42);
    assert_eq!(
        record.outcome,
        ExecutionOutcome::Error {
            code: "erp_timeout".to_owned()
        }
    );
    assert_eq!(
        (record.erp_requests, record.erp_statuses),
        (2, vec![200, 0])
    );
    assert_eq!(record.trace, Some(serde_json::json!({"steps": []})));
    assert!(record.test_run);
}

#[tokio::test]
async fn a_database_of_the_first_schema_is_migrated_with_its_records_and_traces() {
    // The first schema kept each trace inside its execution row; the second keeps summaries
    // and traces apart. A database written by a build of the first schema must open with every
    // record and trace where the new build looks for them.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let first_only = dir.path().join("migrations");
    std::fs::create_dir(&first_only).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/0001_initial.sql"),
        first_only.join("0001_initial.sql"),
    )
    .unwrap();
    let raw = SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(first_only.as_path())
        .await
        .unwrap()
        .run(&raw)
        .await
        .unwrap();
    let execution = Uuid::parse_str("0190c3a1-7e2b-7c3d-9f00-1234567890ab").unwrap();
    sqlx::query(
        "INSERT INTO integrations (id, name, preset, active, settings, variables, created_at, \
         updated_at) VALUES ('acme', 'ACME', NULL, 1, '{}', '{}', 1, 1)",
    )
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO executions \
         (id, integration_id, function, started_at, duration_ms, error_code, trace, test_run) \
         VALUES ($1, 'acme', 'list_invoices', 1700000000123456, 42, NULL, \
         '{\"steps\":[{\"id\":\"fetch\"}]}', 0)",
    )
    .bind(execution.to_string())
    .execute(&raw)
    .await
    .unwrap();
    raw.close().await;

    let store = SqliteStore::connect(&url, cipher()).await.unwrap();
    let record = store
        .get_execution(&ExecutionId::from_uuid(execution))
        .await
        .unwrap();
    assert_eq!(record.outcome, ExecutionOutcome::Ok);
    assert_eq!((record.erp_requests, record.erp_statuses), (0, vec![]));
    assert_eq!(
        record.trace,
        Some(serde_json::json!({"steps": [{"id": "fetch"}]}))
    );
    let listed = store
        .list_executions(&ExecutionQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.records.len(), 1);
}
