//! Rows as SQLite returns them, and their conversion into the core model.
//!
//! Conversions fail with [`StoreError::Corrupt`] rather than panicking: a row that does not fit
//! the model means the database was edited by hand or written by a buggy build, and the caller
//! deserves an error, not a crash.

use std::collections::BTreeMap;

use ponte_core::model::{
    ApiKey, ApiKeyHash, ApiKeyId, AutomationRef, AutomationVersion, ExecutionId, ExecutionOutcome,
    ExecutionRecord, Integration, IntegrationId,
};
use ponte_core::store::StoreError;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) fn corrupt(what: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

/// Microseconds since the epoch, the unit of every timestamp column.
pub(crate) fn to_micros(at: OffsetDateTime) -> Result<i64, StoreError> {
    i64::try_from(at.unix_timestamp_nanos() / 1_000)
        .map_err(|_| StoreError::Backend("timestamp out of range".to_owned()))
}

pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|err| corrupt("timestamp", err))
}

fn integration_id(value: String) -> Result<IntegrationId, StoreError> {
    IntegrationId::try_from(value).map_err(|err| corrupt("integration id", err))
}

fn uuid(value: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(value).map_err(|err| corrupt("uuid", err))
}

#[derive(sqlx::FromRow)]
pub(crate) struct IntegrationRow {
    pub id: String,
    pub name: String,
    pub preset: Option<String>,
    pub active: bool,
    pub settings: String,
    pub variables: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct BindingRow {
    pub integration_id: String,
    pub function: String,
    pub automation: String,
}

impl BindingRow {
    pub fn into_pair(self) -> Result<(String, AutomationRef), StoreError> {
        let automation =
            serde_json::from_str(&self.automation).map_err(|err| corrupt("binding", err))?;
        Ok((self.function, automation))
    }
}

impl IntegrationRow {
    pub fn into_model(
        self,
        bindings: BTreeMap<String, AutomationRef>,
    ) -> Result<Integration, StoreError> {
        Ok(Integration {
            id: integration_id(self.id)?,
            name: self.name,
            preset: self.preset,
            active: self.active,
            settings: serde_json::from_str(&self.settings)
                .map_err(|err| corrupt("integration settings", err))?,
            variables: serde_json::from_str(&self.variables)
                .map_err(|err| corrupt("integration variables", err))?,
            bindings,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    pub id: String,
    pub integration_id: String,
    pub prefix: String,
    pub hash: Vec<u8>,
    pub created_at: i64,
    pub revoked: bool,
}

impl ApiKeyRow {
    pub fn into_model(self) -> Result<ApiKey, StoreError> {
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(uuid(&self.id)?),
            integration: integration_id(self.integration_id)?,
            prefix: self.prefix,
            hash: ApiKeyHash::from_slice(&self.hash)
                .ok_or_else(|| corrupt("api key hash", "not 32 bytes"))?,
            created_at: from_micros(self.created_at)?,
            revoked: self.revoked,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct VersionRow {
    pub integration_id: String,
    pub function: String,
    pub version: i64,
    pub source: String,
    pub sha256: String,
    pub created_at: i64,
}

impl VersionRow {
    pub fn into_model(self) -> Result<AutomationVersion, StoreError> {
        Ok(AutomationVersion {
            integration: integration_id(self.integration_id)?,
            function: self.function,
            version: u32::try_from(self.version)
                .map_err(|err| corrupt("automation version", err))?,
            source: self.source,
            sha256: self.sha256,
            created_at: from_micros(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExecutionRow {
    pub id: String,
    pub integration_id: String,
    pub function: String,
    pub started_at: i64,
    pub duration_ms: i64,
    pub error_code: Option<String>,
    pub trace: String,
    pub test_run: bool,
}

impl ExecutionRow {
    pub fn into_model(self) -> Result<ExecutionRecord, StoreError> {
        Ok(ExecutionRecord {
            id: ExecutionId::from_uuid(uuid(&self.id)?),
            integration: integration_id(self.integration_id)?,
            function: self.function,
            started_at: from_micros(self.started_at)?,
            duration_ms: u64::try_from(self.duration_ms)
                .map_err(|err| corrupt("execution duration", err))?,
            outcome: match self.error_code {
                None => ExecutionOutcome::Ok,
                Some(code) => ExecutionOutcome::Error { code },
            },
            trace: serde_json::from_str(&self.trace)
                .map_err(|err| corrupt("execution trace", err))?,
            test_run: self.test_run,
        })
    }
}
