//! The [`Store`] operations, once for every dialect: one method, one or two statements.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ponte_core::crypto::{open_secret, seal_secret};
use ponte_core::model::{
    ApiKey, ApiKeyHash, ApiKeyId, Association, AssociationKind, AuditEntry, AuditQuery,
    AutomationRef, AutomationVersion, ExecutionCursor, ExecutionId, ExecutionOutcome,
    ExecutionPage, ExecutionQuery, ExecutionRecord, Integration, IntegrationId, IssuedApiKey,
    Operator, OperatorSession, OrderClaim, Payment, PaymentEvent, PaymentQuery, PaymentState,
    PaymentUpdate, StoredOrder, source_sha256, statuses_text, validate_secret_name,
};
use ponte_core::store::{Provisioned, Store, StoreError, integration_not_found, now_micros};
use secrecy::SecretString;
use serde::Serialize;
use sqlx::{ColumnIndex, Database, Encode, Executor, Transaction, Type};
use time::OffsetDateTime;

use crate::rows::{
    ApiKeyRow, AuditRow, BindingRow, ExecutionRow, IntegrationRow, OperatorRow, PaymentEventRow,
    PaymentRow, SessionRow, VersionRow, from_json, version_number,
};
use crate::{Dialect, SqlStore, Stored, backend, db_error};

/// Attempts at numbering a new automation version when concurrent writers collide.
const VERSION_ATTEMPTS: usize = 5;

const INTEGRATION_COLUMNS: &str = "id, name, preset, active, settings, variables";
const API_KEY_COLUMNS: &str = "id, integration_id, prefix, hash, created_at, revoked";
const VERSION_COLUMNS: &str = "integration_id, function, version, source, sha256, created_at";
const PAYMENT_COLUMNS: &str = "id, integration_id, transaction_id, request, request_sha256, \
     state, attempts, settling_value, error_code, error_detail, next_attempt_at, retry_since, \
     created_at, updated_at";
/// The states the worker still has to move on.
const OPEN_STATES: &str = "('pending', 'verifying', 'settling')";
const OPERATOR_COLUMNS: &str = "name, role, password_hash, created_at, disabled";
const SESSION_COLUMNS: &str = "token_hash, operator, csrf_token, created_at, expires_at";
const AUDIT_COLUMNS: &str = "id, at, actor, action, target, before, after";
const EXECUTION_COLUMNS: &str = "id, integration_id, function, started_at, duration_ms, \
     error_code, erp_requests, erp_statuses, test_run";

/// Marks a query text as safe: only the constant column lists above are formatted into SQL;
/// every value is bound as a parameter.
fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}

fn json<D: Dialect>(value: &impl Serialize, what: &str) -> Result<D::Json, StoreError> {
    D::json(value).map_err(|err| StoreError::Backend(format!("cannot encode {what}: {err}")))
}

/// The connection type of a dialect's database.
type Connection<D> = <<D as Dialect>::Db as Database>::Connection;
/// The row type of a dialect's database.
type Row<D> = <<D as Dialect>::Db as Database>::Row;

/// Replaces an integration's bindings inside the transaction that writes the integration.
async fn write_bindings<D: Dialect>(
    tx: &mut Transaction<'_, D::Db>,
    integration: &Integration,
) -> Result<(), StoreError>
where
    for<'c> &'c mut Connection<D>: Executor<'c, Database = D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Type<D::Db>,
{
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
        .bind(function.as_str())
        .bind(json::<D>(automation, "binding")?)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

/// Stores one record inside the transaction of a batch: its summary, and its trace when one was
/// kept.
async fn insert_execution<D: Dialect>(
    tx: &mut Transaction<'_, D::Db>,
    record: &ExecutionRecord,
) -> Result<(), StoreError>
where
    for<'c> &'c mut Connection<D>: Executor<'c, Database = D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db>,
    bool: Stored<D::Db>,
    i32: Stored<D::Db>,
    i64: Stored<D::Db>,
    String: Stored<D::Db>,
{
    let error_code = match &record.outcome {
        ExecutionOutcome::Ok => None,
        ExecutionOutcome::Error { code } => Some(code.as_str()),
    };
    let duration = i64::try_from(record.duration_ms)
        .map_err(|_| StoreError::Backend("execution duration out of range".to_owned()))?;
    let conflict = |err| match db_error(err, String::new) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("execution {}", record.id)),
        StoreError::NotFound(_) => integration_not_found(&record.integration),
        other => other,
    };
    sqlx::query(sql(format!(
        "INSERT INTO executions ({EXECUTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )))
    .bind(D::uuid(record.id.as_uuid()))
    .bind(record.integration.as_str())
    .bind(record.function.as_str())
    .bind(D::time(record.started_at)?)
    .bind(duration)
    .bind(error_code)
    .bind(i32::try_from(record.erp_requests).unwrap_or(i32::MAX))
    .bind(statuses_text(&record.erp_statuses))
    .bind(record.test_run)
    .execute(&mut **tx)
    .await
    .map_err(conflict)?;
    if let Some(trace) = &record.trace {
        sqlx::query("INSERT INTO execution_traces (id, trace) VALUES ($1, $2)")
            .bind(D::uuid(record.id.as_uuid()))
            .bind(json::<D>(trace, "trace")?)
            .execute(&mut **tx)
            .await
            .map_err(conflict)?;
    }
    Ok(())
}

/// Appends one entry to a settlement's history inside the transaction that changed it.
async fn add_payment_event<D: Dialect>(
    tx: &mut Transaction<'_, D::Db>,
    id: uuid::Uuid,
    state: PaymentState,
    at: OffsetDateTime,
    erp_answer: &serde_json::Value,
) -> Result<(), StoreError>
where
    for<'c> &'c mut Connection<D>: Executor<'c, Database = D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Type<D::Db>,
{
    sqlx::query(
        "INSERT INTO payment_events (payment_id, seq, state, at, erp_answer) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM payment_events \
         WHERE payment_id = $1",
    )
    .bind(D::uuid(id))
    .bind(state.as_str())
    .bind(D::time(at)?)
    .bind(json::<D>(erp_answer, "payment history")?)
    .execute(&mut **tx)
    .await
    .map(drop)
    .map_err(backend)
}

/// The store on any dialect. Rust does not infer these bounds from `D: Dialect`, so they are
/// stated here; SQLite and PostgreSQL meet them all.
#[async_trait]
impl<D: Dialect> Store for SqlStore<D>
where
    // Pools and transactions run queries.
    for<'c> &'c mut Connection<D>: Executor<'c, Database = D::Db>,
    // Rows are read by column name, tuples by position.
    for<'a> &'a str: ColumnIndex<Row<D>>,
    usize: ColumnIndex<Row<D>>,
    // Borrowed text and bytes are bound as they are; nullable columns and filters as `Option`.
    for<'a> &'a str: Encode<'a, D::Db> + Type<D::Db>,
    for<'a> &'a [u8]: Encode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db>,
    Option<D::Time>: for<'q> Encode<'q, D::Db>,
    Option<D::Uuid>: for<'q> Encode<'q, D::Db>,
    Option<i64>: for<'q> Encode<'q, D::Db>,
    Option<bool>: for<'q> Encode<'q, D::Db>,
    // Owned values are bound and read back as themselves.
    String: Stored<D::Db>,
    Vec<u8>: Stored<D::Db>,
    bool: Stored<D::Db>,
    i32: Stored<D::Db>,
    i64: Stored<D::Db>,
{
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(backend)
    }

    async fn create_integration(&self, integration: &Integration) -> Result<(), StoreError> {
        let now = D::time(now_micros())?;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO integrations \
             (id, name, preset, active, settings, variables, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(integration.id.as_str())
        .bind(&integration.name)
        .bind(integration.preset.as_deref())
        .bind(integration.active)
        .bind(json::<D>(&integration.settings, "settings")?)
        .bind(json::<D>(&integration.variables, "variables")?)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|err| db_error(err, || format!("integration `{}`", integration.id)))?;
        write_bindings::<D>(&mut tx, integration).await?;
        tx.commit().await.map_err(backend)
    }

    async fn get_integration(&self, id: &IntegrationId) -> Result<Integration, StoreError> {
        let row: Option<IntegrationRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let row = row.ok_or_else(|| integration_not_found(id))?;
        let bindings: Vec<BindingRow<D>> = sqlx::query_as(
            "SELECT integration_id, function, automation FROM bindings WHERE integration_id = $1",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        row.into_model(
            bindings
                .into_iter()
                .map(BindingRow::into_pair)
                .collect::<Result<_, _>>()?,
        )
    }

    async fn list_integrations(&self) -> Result<Vec<Integration>, StoreError> {
        let rows: Vec<IntegrationRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {INTEGRATION_COLUMNS} FROM integrations ORDER BY id"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let binding_rows: Vec<BindingRow<D>> =
            sqlx::query_as("SELECT integration_id, function, automation FROM bindings")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        let mut bindings: BTreeMap<String, BTreeMap<String, AutomationRef>> = BTreeMap::new();
        for row in binding_rows {
            let owner = row.integration_id.clone();
            let (function, automation) = row.into_pair()?;
            bindings
                .entry(owner)
                .or_default()
                .insert(function, automation);
        }
        rows.into_iter()
            .map(|row| {
                let own = bindings.remove(&row.id).unwrap_or_default();
                row.into_model(own)
            })
            .collect()
    }

    async fn update_integration(&self, integration: &Integration) -> Result<(), StoreError> {
        let now = D::time(now_micros())?;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let updated = sqlx::query(
            "UPDATE integrations SET name = $2, preset = $3, active = $4, settings = $5, \
             variables = $6, updated_at = $7 WHERE id = $1",
        )
        .bind(integration.id.as_str())
        .bind(&integration.name)
        .bind(integration.preset.as_deref())
        .bind(integration.active)
        .bind(json::<D>(&integration.settings, "settings")?)
        .bind(json::<D>(&integration.variables, "variables")?)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if D::rows_affected(&updated) == 0 {
            return Err(integration_not_found(&integration.id));
        }
        write_bindings::<D>(&mut tx, integration).await?;
        tx.commit().await.map_err(backend)
    }

    async fn delete_integration(&self, id: &IntegrationId) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM integrations WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        if D::rows_affected(&deleted) == 0 {
            return Err(integration_not_found(id));
        }
        Ok(())
    }

    async fn set_binding(
        &self,
        integration: &IntegrationId,
        function: &str,
        automation: Option<&AutomationRef>,
    ) -> Result<(), StoreError> {
        match automation {
            Some(automation) => sqlx::query(
                "INSERT INTO bindings (integration_id, function, automation) VALUES ($1, $2, $3) \
                 ON CONFLICT (integration_id, function) DO UPDATE SET automation = excluded.automation",
            )
            .bind(integration.as_str())
            .bind(function)
            .bind(json::<D>(automation, "binding")?)
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(|err| db_error(err, || format!("integration `{integration}`"))),
            None => {
                let found = sqlx::query("SELECT 1 FROM integrations WHERE id = $1")
                    .bind(integration.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                if found.is_none() {
                    return Err(integration_not_found(integration));
                }
                sqlx::query("DELETE FROM bindings WHERE integration_id = $1 AND function = $2")
                    .bind(integration.as_str())
                    .bind(function)
                    .execute(&self.pool)
                    .await
                    .map(drop)
                    .map_err(backend)
            }
        }
    }

    async fn set_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
        value: &SecretString,
    ) -> Result<(), StoreError> {
        validate_secret_name(name)?;
        let sealed = seal_secret(self.cipher.as_ref(), integration, name, value)?;
        sqlx::query(
            "INSERT INTO secrets (integration_id, name, sealed, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (integration_id, name) \
             DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        )
        .bind(integration.as_str())
        .bind(name)
        .bind(sealed)
        .bind(D::time(now_micros())?)
        .execute(&self.pool)
        .await
        .map(drop)
        .map_err(|err| db_error(err, || format!("integration `{integration}`")))
    }

    async fn delete_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
    ) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM secrets WHERE integration_id = $1 AND name = $2")
            .bind(integration.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        if D::rows_affected(&deleted) == 0 {
            return Err(StoreError::NotFound(format!(
                "secret `{name}` of integration `{integration}`"
            )));
        }
        Ok(())
    }

    async fn list_secret_names(
        &self,
        integration: &IntegrationId,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT name FROM secrets WHERE integration_id = $1 ORDER BY name")
            .bind(integration.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)
    }

    async fn secrets_for(
        &self,
        integration: &IntegrationId,
    ) -> Result<BTreeMap<String, SecretString>, StoreError> {
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT name, sealed FROM secrets WHERE integration_id = $1")
                .bind(integration.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        rows.into_iter()
            .map(|(name, sealed)| {
                let value = open_secret(self.cipher.as_ref(), integration, &name, &sealed)?;
                Ok((name, value))
            })
            .collect()
    }

    async fn sealed_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
    ) -> Result<Vec<u8>, StoreError> {
        sqlx::query_scalar("SELECT sealed FROM secrets WHERE integration_id = $1 AND name = $2")
            .bind(integration.as_str())
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(|err| {
                db_error(err, || {
                    format!("secret `{name}` of integration `{integration}`")
                })
            })
    }

    async fn create_api_key(
        &self,
        integration: &IntegrationId,
    ) -> Result<IssuedApiKey, StoreError> {
        let issued = ApiKey::generate(integration.clone(), now_micros())?;
        self.insert_api_key(&issued.key).await?;
        Ok(issued)
    }

    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let integration = &key.integration;
        sqlx::query(sql(format!(
            "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        )))
        .bind(D::uuid(key.id.as_uuid()))
        .bind(integration.as_str())
        .bind(&key.prefix)
        .bind(key.hash.as_bytes().as_slice())
        .bind(D::time(key.created_at)?)
        .bind(key.revoked)
        .execute(&self.pool)
        .await
        .map_err(|err| db_error(err, || format!("integration `{integration}`")))?;
        Ok(())
    }

    async fn list_api_keys(&self, integration: &IntegrationId) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<ApiKeyRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE integration_id = $1 \
             ORDER BY created_at, id"
        )))
        .bind(integration.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(ApiKeyRow::into_model).collect()
    }

    async fn revoke_api_key(
        &self,
        integration: &IntegrationId,
        id: &ApiKeyId,
    ) -> Result<(), StoreError> {
        let updated =
            sqlx::query("UPDATE api_keys SET revoked = TRUE WHERE id = $1 AND integration_id = $2")
                .bind(D::uuid(id.as_uuid()))
                .bind(integration.as_str())
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        if D::rows_affected(&updated) == 0 {
            return Err(StoreError::NotFound(format!(
                "API key {id} of integration `{integration}`"
            )));
        }
        Ok(())
    }

    async fn integration_for_key(&self, plain: &str) -> Result<Option<IntegrationId>, StoreError> {
        let Some(prefix) = ApiKey::lookup_prefix(plain) else {
            return Ok(None);
        };
        let rows: Vec<ApiKeyRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE prefix = $1"
        )))
        .bind(prefix)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        for row in rows {
            let key = row.into_model()?;
            if key.accepts(plain) {
                return Ok(Some(key.integration));
            }
        }
        Ok(None)
    }

    async fn active_api_keys(&self) -> Result<Vec<(ApiKeyHash, IntegrationId)>, StoreError> {
        let rows: Vec<(Vec<u8>, String)> =
            sqlx::query_as("SELECT hash, integration_id FROM api_keys WHERE revoked = FALSE")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        rows.into_iter()
            .map(|(hash, integration)| {
                let hash = ApiKeyHash::from_slice(&hash).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "an API key hash of integration `{integration}` is not 32 bytes"
                    ))
                })?;
                let integration = IntegrationId::parse(&integration)
                    .map_err(|err| StoreError::Corrupt(err.to_string()))?;
                Ok((hash, integration))
            })
            .collect()
    }

    async fn config_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT version FROM config_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn provision(&self, provisioned: &Provisioned) -> Result<(), StoreError> {
        let integration = &provisioned.integration;
        let id = integration.id.as_str();
        let now = now_micros();
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // An upsert, not "read, then create or update": two processes starting at once on an
        // empty database both get here, and the second simply updates what the first wrote.
        sqlx::query(
            "INSERT INTO integrations \
             (id, name, preset, active, settings, variables, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, preset = excluded.preset, \
             active = excluded.active, settings = excluded.settings, \
             variables = excluded.variables, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(&integration.name)
        .bind(integration.preset.as_deref())
        .bind(integration.active)
        .bind(json::<D>(&integration.settings, "settings")?)
        .bind(json::<D>(&integration.variables, "variables")?)
        .bind(D::time(now)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        write_bindings::<D>(&mut tx, integration).await?;

        for (name, value) in &provisioned.secrets {
            validate_secret_name(name)?;
            let sealed = seal_secret(self.cipher.as_ref(), &integration.id, name, value)?;
            sqlx::query(
                "INSERT INTO secrets (integration_id, name, sealed, updated_at, provisioned) \
                 VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (integration_id, name) \
                 DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at, \
                 provisioned = TRUE",
            )
            .bind(id)
            .bind(name.as_str())
            .bind(sealed)
            .bind(D::time(now)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        let provisioned_secrets: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM secrets WHERE integration_id = $1 AND provisioned = TRUE",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        for name in provisioned_secrets {
            if !provisioned.secrets.contains_key(&name) {
                sqlx::query("DELETE FROM secrets WHERE integration_id = $1 AND name = $2")
                    .bind(id)
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
        }

        for key in &provisioned.api_keys {
            sqlx::query(sql(format!(
                "INSERT INTO api_keys ({API_KEY_COLUMNS}, provisioned) \
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE) ON CONFLICT (hash) DO NOTHING"
            )))
            .bind(D::uuid(key.id.as_uuid()))
            .bind(id)
            .bind(&key.prefix)
            .bind(key.hash.as_bytes().as_slice())
            .bind(D::time(key.created_at)?)
            .bind(false)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            let owner: String =
                sqlx::query_scalar("SELECT integration_id FROM api_keys WHERE hash = $1")
                    .bind(key.hash.as_bytes().as_slice())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
            if owner != id {
                return Err(StoreError::Conflict(format!(
                    "API key {}… of integration `{owner}`",
                    key.prefix
                )));
            }
        }
        let provisioned_keys: Vec<(D::Uuid, Vec<u8>)> = sqlx::query_as(
            "SELECT id, hash FROM api_keys \
             WHERE integration_id = $1 AND provisioned = TRUE AND revoked = FALSE",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        for (key_id, hash) in provisioned_keys {
            let listed = provisioned
                .api_keys
                .iter()
                .any(|key| key.hash.as_bytes().as_slice() == hash.as_slice());
            if !listed {
                sqlx::query("UPDATE api_keys SET revoked = TRUE WHERE id = $1")
                    .bind(key_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
        }
        tx.commit().await.map_err(backend)
    }

    async fn add_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
        source: &str,
    ) -> Result<AutomationVersion, StoreError> {
        let sha256 = source_sha256(source);
        let created_at = now_micros();
        let mut last_error = None;
        for _ in 0..VERSION_ATTEMPTS {
            // One statement both numbers and inserts, so the new number is computed and taken
            // atomically; a concurrent writer that wins the race makes this attempt a conflict,
            // and the loop numbers again.
            let inserted: Result<i32, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO automation_versions \
                 (integration_id, function, version, source, sha256, created_at) \
                 SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5 \
                 FROM automation_versions WHERE integration_id = $1 AND function = $2 \
                 RETURNING version",
            )
            .bind(integration.as_str())
            .bind(function)
            .bind(source)
            .bind(&sha256)
            .bind(D::time(created_at)?)
            .fetch_one(&self.pool)
            .await;
            match inserted {
                Ok(version) => {
                    return Ok(AutomationVersion {
                        integration: integration.clone(),
                        function: function.to_owned(),
                        version: version_number(version)?,
                        source: source.to_owned(),
                        sha256,
                        created_at,
                    });
                }
                Err(err) => match db_error(err, || format!("integration `{integration}`")) {
                    conflict @ StoreError::Conflict(_) => last_error = Some(conflict),
                    other => return Err(other),
                },
            }
        }
        Err(last_error
            .unwrap_or_else(|| StoreError::Conflict(format!("automation version of `{function}`"))))
    }

    async fn list_automation_versions(
        &self,
        integration: &IntegrationId,
        function: &str,
    ) -> Result<Vec<AutomationVersion>, StoreError> {
        let rows: Vec<VersionRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {VERSION_COLUMNS} FROM automation_versions \
             WHERE integration_id = $1 AND function = $2 ORDER BY version"
        )))
        .bind(integration.as_str())
        .bind(function)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(VersionRow::into_model).collect()
    }

    async fn get_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
        version: u32,
    ) -> Result<AutomationVersion, StoreError> {
        let row: VersionRow<D> = sqlx::query_as(sql(format!(
            "SELECT {VERSION_COLUMNS} FROM automation_versions \
             WHERE integration_id = $1 AND function = $2 AND version = $3"
        )))
        .bind(integration.as_str())
        .bind(function)
        // A number beyond the column's range names no version, so it is not found.
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .fetch_one(&self.pool)
        .await
        .map_err(|err| {
            db_error(err, || {
                format!("version {version} of `{function}` in integration `{integration}`")
            })
        })?;
        row.into_model()
    }

    async fn latest_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
    ) -> Result<Option<AutomationVersion>, StoreError> {
        let row: Option<VersionRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {VERSION_COLUMNS} FROM automation_versions \
             WHERE integration_id = $1 AND function = $2 ORDER BY version DESC LIMIT 1"
        )))
        .bind(integration.as_str())
        .bind(function)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(VersionRow::into_model).transpose()
    }

    async fn insert_executions(&self, records: &[ExecutionRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for record in records {
            insert_execution::<D>(&mut tx, record).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn get_execution(&self, id: &ExecutionId) -> Result<ExecutionRecord, StoreError> {
        let row: ExecutionRow<D> = sqlx::query_as(sql(format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions WHERE id = $1"
        )))
        .bind(D::uuid(id.as_uuid()))
        .fetch_one(&self.pool)
        .await
        .map_err(|err| db_error(err, || format!("execution {id}")))?;
        let trace: Option<D::Json> =
            sqlx::query_scalar("SELECT trace FROM execution_traces WHERE id = $1")
                .bind(D::uuid(id.as_uuid()))
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        let mut record = row.into_model()?;
        record.trace = trace
            .map(|trace| from_json::<D, _>(trace, "execution trace"))
            .transpose()?;
        Ok(record)
    }

    async fn delete_executions_before(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<u64, StoreError> {
        // Neither database takes `DELETE ... LIMIT`; the ids of the oldest batch do the same
        // through the `started_at` index.
        let deleted = sqlx::query(
            "DELETE FROM executions WHERE id IN (SELECT id FROM executions \
             WHERE started_at < $1 ORDER BY started_at, id LIMIT $2)",
        )
        .bind(D::time(before)?)
        .bind(i64::from(limit))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(D::rows_affected(&deleted))
    }

    async fn list_executions(&self, query: &ExecutionQuery) -> Result<ExecutionPage, StoreError> {
        let limit = query.effective_limit();
        let (after_time, after_id) = match &query.after {
            Some(cursor) => (
                Some(D::time(cursor.started_at)?),
                Some(D::uuid(cursor.id.as_uuid())),
            ),
            None => (None, None),
        };
        // One more row than asked tells whether a next page exists.
        let rows: Vec<ExecutionRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions \
             WHERE ($1 IS NULL OR integration_id = $1) \
               AND ($2 IS NULL OR function = $2) \
               AND ($3 IS NULL OR (started_at, id) < ($3, $4)) \
               AND ($6 IS NULL OR ($6 = 'ok' AND error_code IS NULL) \
                    OR ($6 = 'error' AND error_code IS NOT NULL) OR error_code = $6) \
               AND ($7 IS NULL OR started_at >= $7) \
               AND ($8 IS NULL OR started_at < $8) \
               AND ($9 IS NULL OR test_run = $9) \
             ORDER BY started_at DESC, id DESC LIMIT $5"
        )))
        .bind(query.integration.as_ref().map(IntegrationId::as_str))
        .bind(query.function.as_deref())
        .bind(after_time)
        .bind(after_id)
        .bind(i64::from(limit) + 1)
        .bind(query.outcome.as_deref())
        .bind(query.from.map(D::time).transpose()?)
        .bind(query.to.map(D::time).transpose()?)
        .bind(query.test_run)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let mut records = rows
            .into_iter()
            .map(ExecutionRow::into_model)
            .collect::<Result<Vec<_>, _>>()?;
        let page_size = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if records.len() > page_size {
            records.truncate(page_size);
            records.last().map(ExecutionCursor::after)
        } else {
            None
        };
        Ok(ExecutionPage { records, next })
    }

    async fn insert_payment(&self, payment: &Payment) -> Result<(Payment, bool), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // `ON CONFLICT DO NOTHING` rather than catching the unique violation: on PostgreSQL a
        // failed statement would abort the transaction, and a repeat is an expected case.
        let inserted = sqlx::query(sql(format!(
            "INSERT INTO payments ({PAYMENT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, NULL, NULL, $7, $7, $7, $7) \
             ON CONFLICT (integration_id, transaction_id) DO NOTHING"
        )))
        .bind(D::uuid(payment.id))
        .bind(payment.integration.as_str())
        .bind(payment.transaction_id.as_str())
        .bind(json::<D>(&payment.request, "payment request")?)
        .bind(payment.request_sha256.as_str())
        .bind(PaymentState::Pending.as_str())
        .bind(D::time(payment.created_at)?)
        .execute(&mut *tx)
        .await
        .map_err(|err| db_error(err, || format!("integration `{}`", payment.integration)))?;
        let created = D::rows_affected(&inserted) == 1;
        if created {
            add_payment_event::<D>(
                &mut tx,
                payment.id,
                PaymentState::Pending,
                payment.created_at,
                &serde_json::Value::Null,
            )
            .await?;
        }
        let row: PaymentRow<D> = sqlx::query_as(sql(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments \
             WHERE integration_id = $1 AND transaction_id = $2"
        )))
        .bind(payment.integration.as_str())
        .bind(payment.transaction_id.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok((row.into_model()?, created))
    }

    async fn get_payment(
        &self,
        integration: &IntegrationId,
        transaction_id: &str,
    ) -> Result<Option<Payment>, StoreError> {
        let row: Option<PaymentRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments \
             WHERE integration_id = $1 AND transaction_id = $2"
        )))
        .bind(integration.as_str())
        .bind(transaction_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(PaymentRow::into_model).transpose()
    }

    async fn payment_history(&self, id: uuid::Uuid) -> Result<Vec<PaymentEvent>, StoreError> {
        let rows: Vec<PaymentEventRow<D>> = sqlx::query_as(
            "SELECT state, at, erp_answer FROM payment_events WHERE payment_id = $1 ORDER BY seq",
        )
        .bind(D::uuid(id))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(PaymentEventRow::into_model).collect()
    }

    async fn list_payments(&self, query: &PaymentQuery) -> Result<Vec<Payment>, StoreError> {
        let limit = query.limit.unwrap_or(100).clamp(1, 500);
        let rows: Vec<PaymentRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments \
             WHERE ($1 IS NULL OR integration_id = $1) AND ($2 IS NULL OR state = $2) \
               AND ($3 IS NULL OR transaction_id = $3) \
             ORDER BY created_at, id LIMIT $4"
        )))
        .bind(query.integration.as_ref().map(IntegrationId::as_str))
        .bind(query.state.map(PaymentState::as_str))
        .bind(query.transaction_id.as_deref())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(PaymentRow::into_model).collect()
    }

    async fn claim_payments(
        &self,
        owner: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Payment>, StoreError> {
        // The outer condition repeats the inner one: on PostgreSQL a row another worker leased
        // between the two is skipped (`SKIP LOCKED`) or re-checked, never taken twice.
        let rows: Vec<PaymentRow<D>> = sqlx::query_as(sql(format!(
            "UPDATE payments SET lease_owner = $1, lease_expires_at = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM payments WHERE state IN {OPEN_STATES} \
                 AND next_attempt_at <= $3 \
                 AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
                 ORDER BY next_attempt_at, id LIMIT $4{lock}) \
             AND state IN {OPEN_STATES} \
             AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
             RETURNING {PAYMENT_COLUMNS}",
            lock = D::SKIP_LOCKED
        )))
        .bind(owner)
        .bind(D::time(lease_until)?)
        .bind(D::time(now)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(PaymentRow::into_model).collect()
    }

    async fn update_payment(
        &self,
        id: uuid::Uuid,
        owner: &str,
        update: &PaymentUpdate,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let released = update.state.is_final() || update.retry_at.is_some();
        let (error_code, error_detail) = match &update.error {
            Some(error) => (Some(error.code.as_str()), Some(error.detail.as_str())),
            None => (None, None),
        };
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let updated = sqlx::query(
            "UPDATE payments SET state = $3, \
             settling_value = COALESCE(settling_value, $4), \
             error_code = $5, error_detail = $6, \
             next_attempt_at = COALESCE($7, next_attempt_at), \
             lease_owner = CASE WHEN $8 THEN NULL ELSE lease_owner END, \
             lease_expires_at = CASE WHEN $8 THEN NULL ELSE COALESCE($9, lease_expires_at) END, \
             updated_at = $10 \
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(D::uuid(id))
        .bind(owner)
        .bind(update.state.as_str())
        .bind(update.settling_value.as_deref())
        .bind(error_code)
        .bind(error_detail)
        .bind(update.retry_at.map(D::time).transpose()?)
        .bind(released)
        .bind(update.lease_until.map(D::time).transpose()?)
        .bind(D::time(now)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if D::rows_affected(&updated) == 0 {
            return Ok(false);
        }
        add_payment_event::<D>(&mut tx, id, update.state, now, &update.erp_answer).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn retry_payment(&self, id: uuid::Uuid, now: OffsetDateTime) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let updated = sqlx::query(
            "UPDATE payments SET state = 'pending', error_code = NULL, error_detail = NULL, \
             next_attempt_at = $2, retry_since = $2, lease_owner = NULL, \
             lease_expires_at = NULL, updated_at = $2 WHERE id = $1 AND state = 'failed'",
        )
        .bind(D::uuid(id))
        .bind(D::time(now)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if D::rows_affected(&updated) == 0 {
            return Ok(false);
        }
        add_payment_event::<D>(
            &mut tx,
            id,
            PaymentState::Pending,
            now,
            &serde_json::json!({"retried_by": "operator"}),
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn claim_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
        fingerprint: &str,
        stale_before: OffsetDateTime,
    ) -> Result<OrderClaim, StoreError> {
        let now = D::time(now_micros())?;
        let inserted = sqlx::query(
            "INSERT INTO orders (integration_id, order_id, fingerprint, answer, claimed_at) \
             VALUES ($1, $2, $3, '', $4) ON CONFLICT (integration_id, order_id) DO NOTHING",
        )
        .bind(integration.as_str())
        .bind(order_id)
        .bind(fingerprint)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| db_error(err, || format!("integration `{integration}`")))?;
        if D::rows_affected(&inserted) == 1 {
            return Ok(OrderClaim::Claimed);
        }
        let (stored_fingerprint, answer, claimed_at): (String, String, D::Time) = sqlx::query_as(
            "SELECT fingerprint, answer, claimed_at FROM orders \
             WHERE integration_id = $1 AND order_id = $2",
        )
        .bind(integration.as_str())
        .bind(order_id)
        .fetch_one(&self.pool)
        .await
        .map_err(|err| db_error(err, || format!("order `{order_id}`")))?;
        let claimed_at = D::read_time(claimed_at)?;
        if answer.is_empty() && stored_fingerprint == fingerprint && claimed_at < stale_before {
            // The request that claimed it died mid-way: take the claim over, unless another
            // request has just done so (then `claimed_at` moved and nothing is updated).
            let taken = sqlx::query(
                "UPDATE orders SET claimed_at = $1 \
                 WHERE integration_id = $2 AND order_id = $3 AND answer = '' \
                   AND claimed_at = $4",
            )
            .bind(D::time(now_micros())?)
            .bind(integration.as_str())
            .bind(order_id)
            .bind(D::time(claimed_at)?)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if D::rows_affected(&taken) == 1 {
                return Ok(OrderClaim::Claimed);
            }
        }
        let answer = if answer.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(&answer)
                    .map_err(|err| StoreError::Corrupt(format!("order answer: {err}")))?,
            )
        };
        Ok(OrderClaim::Existing(StoredOrder {
            fingerprint: stored_fingerprint,
            answer,
            claimed_at,
        }))
    }

    async fn complete_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
        answer: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            "UPDATE orders SET answer = $1 WHERE integration_id = $2 AND order_id = $3",
        )
        .bind(answer.to_string())
        .bind(integration.as_str())
        .bind(order_id)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        if D::rows_affected(&updated) == 0 {
            return Err(StoreError::NotFound(format!("order `{order_id}`")));
        }
        Ok(())
    }

    async fn release_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM orders WHERE integration_id = $1 AND order_id = $2 AND answer = ''",
        )
        .bind(integration.as_str())
        .bind(order_id)
        .execute(&self.pool)
        .await
        .map(drop)
        .map_err(backend)
    }

    async fn set_associations(
        &self,
        integration: &IntegrationId,
        kind: AssociationKind,
        associations: &[Association],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Lock the integration's row first, so it cannot vanish under the new rows, and an
        // unknown integration is told apart from an empty set.
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM integrations WHERE id = $1")
            .bind(integration.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if found.is_none() {
            return Err(integration_not_found(integration));
        }
        sqlx::query("DELETE FROM associations WHERE integration_id = $1 AND kind = $2")
            .bind(integration.as_str())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for association in associations {
            sqlx::query(
                "INSERT INTO associations \
                 (integration_id, kind, platform_code, erp_code, label) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(integration.as_str())
            .bind(kind.as_str())
            .bind(association.platform_code.as_str())
            .bind(association.erp_code.as_str())
            .bind(association.label.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|err| {
                db_error(err, || {
                    format!(
                        "association of platform code `{}`",
                        association.platform_code
                    )
                })
            })?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn associations(
        &self,
        integration: &IntegrationId,
    ) -> Result<BTreeMap<AssociationKind, Vec<Association>>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT kind, platform_code, erp_code, label FROM associations \
             WHERE integration_id = $1 ORDER BY kind, platform_code",
        )
        .bind(integration.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let mut by_kind: BTreeMap<AssociationKind, Vec<Association>> = BTreeMap::new();
        for (kind, platform_code, erp_code, label) in rows {
            let kind = kind
                .parse()
                .map_err(|err| StoreError::Corrupt(format!("association kind `{kind}`: {err}")))?;
            by_kind.entry(kind).or_default().push(Association {
                platform_code,
                erp_code,
                label,
            });
        }
        Ok(by_kind)
    }

    async fn create_operator(&self, operator: &Operator) -> Result<(), StoreError> {
        sqlx::query(sql(format!(
            "INSERT INTO operators ({OPERATOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
        )))
        .bind(operator.name.as_str())
        .bind(operator.role.as_str())
        .bind(operator.password_hash.as_str())
        .bind(D::time(operator.created_at)?)
        .bind(operator.disabled)
        .execute(&self.pool)
        .await
        .map_err(|err| db_error(err, || format!("operator `{}`", operator.name)))?;
        Ok(())
    }

    async fn list_operators(&self) -> Result<Vec<Operator>, StoreError> {
        let rows: Vec<OperatorRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY name"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(OperatorRow::into_model).collect()
    }

    async fn get_operator(&self, name: &str) -> Result<Option<Operator>, StoreError> {
        let row: Option<OperatorRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators WHERE name = $1"
        )))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(OperatorRow::into_model).transpose()
    }

    async fn delete_operator(&self, name: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Sessions go first, explicitly: the cascade is there too, but this does not depend
        // on the database enforcing foreign keys.
        sqlx::query("DELETE FROM operator_sessions WHERE operator = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let deleted = sqlx::query("DELETE FROM operators WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if D::rows_affected(&deleted) == 0 {
            return Err(StoreError::NotFound(format!("operator `{name}`")));
        }
        tx.commit().await.map_err(backend)
    }

    async fn create_session(&self, session: &OperatorSession) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM operator_sessions WHERE expires_at < $1")
            .bind(D::time(session.created_at)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(sql(format!(
            "INSERT INTO operator_sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
        )))
        .bind(session.token_hash.as_str())
        .bind(session.operator.as_str())
        .bind(session.csrf_token.as_str())
        .bind(D::time(session.created_at)?)
        .bind(D::time(session.expires_at)?)
        .execute(&mut *tx)
        .await
        .map_err(|err| db_error(err, || format!("operator `{}`", session.operator)))?;
        tx.commit().await.map_err(backend)
    }

    async fn get_session(&self, token_hash: &str) -> Result<Option<OperatorSession>, StoreError> {
        let row: Option<SessionRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {SESSION_COLUMNS} FROM operator_sessions WHERE token_hash = $1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(SessionRow::into_model).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM operator_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<AuditEntry, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, action, target, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(D::time(entry.at)?)
        .bind(entry.actor.as_str())
        .bind(entry.action.as_str())
        .bind(entry.target.as_str())
        .bind(json::<D>(&entry.before, "audit entry")?)
        .bind(json::<D>(&entry.after, "audit entry")?)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(AuditEntry {
            id,
            ..entry.clone()
        })
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        // `integration:acme` also finds `integration:acme/secret:token`: the prefix with its
        // LIKE wildcards escaped.
        let within = query.target.as_deref().map(|target| {
            let escaped = target
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("{escaped}/%")
        });
        let rows: Vec<AuditRow<D>> = sqlx::query_as(sql(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log \
             WHERE ($1 IS NULL OR actor = $1) \
               AND ($2 IS NULL OR target = $2 OR target LIKE $3 ESCAPE '\\') \
               AND ($4 IS NULL OR at >= $4) \
               AND ($5 IS NULL OR at < $5) \
               AND ($6 IS NULL OR id < $6) \
             ORDER BY id DESC LIMIT $7"
        )))
        .bind(query.actor.as_deref())
        .bind(query.target.as_deref())
        .bind(within.as_deref())
        .bind(query.from.map(D::time).transpose()?)
        .bind(query.to.map(D::time).transpose()?)
        .bind(query.before_id)
        .bind(i64::from(query.page_size()))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(AuditRow::into_model).collect()
    }
}
