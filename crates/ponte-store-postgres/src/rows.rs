//! Rows as PostgreSQL returns them, and their conversion into the core model.
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
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) fn corrupt(what: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

fn integration_id(value: String) -> Result<IntegrationId, StoreError> {
    IntegrationId::try_from(value).map_err(|err| corrupt("integration id", err))
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|err| corrupt(what, err))
}

#[derive(sqlx::FromRow)]
pub(crate) struct IntegrationRow {
    pub id: String,
    pub name: String,
    pub preset: Option<String>,
    pub active: bool,
    pub settings: Json<Value>,
    pub variables: Json<Value>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct BindingRow {
    pub integration_id: String,
    pub function: String,
    pub automation: Json<Value>,
}

impl BindingRow {
    pub fn into_pair(self) -> Result<(String, AutomationRef), StoreError> {
        Ok((self.function, from_json(self.automation.0, "binding")?))
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
            settings: from_json(self.settings.0, "integration settings")?,
            variables: from_json(self.variables.0, "integration variables")?,
            bindings,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    pub id: Uuid,
    pub integration_id: String,
    pub prefix: String,
    pub hash: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub revoked: bool,
}

impl ApiKeyRow {
    pub fn into_model(self) -> Result<ApiKey, StoreError> {
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(self.id),
            integration: integration_id(self.integration_id)?,
            prefix: self.prefix,
            hash: ApiKeyHash::from_slice(&self.hash)
                .ok_or_else(|| corrupt("api key hash", "not 32 bytes"))?,
            created_at: self.created_at,
            revoked: self.revoked,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct VersionRow {
    pub integration_id: String,
    pub function: String,
    pub version: i32,
    pub source: String,
    pub sha256: String,
    pub created_at: OffsetDateTime,
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
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExecutionRow {
    pub id: Uuid,
    pub integration_id: String,
    pub function: String,
    pub started_at: OffsetDateTime,
    pub duration_ms: i64,
    pub error_code: Option<String>,
    pub trace: Json<Value>,
    pub test_run: bool,
}

impl ExecutionRow {
    pub fn into_model(self) -> Result<ExecutionRecord, StoreError> {
        Ok(ExecutionRecord {
            id: ExecutionId::from_uuid(self.id),
            integration: integration_id(self.integration_id)?,
            function: self.function,
            started_at: self.started_at,
            duration_ms: u64::try_from(self.duration_ms)
                .map_err(|err| corrupt("execution duration", err))?,
            outcome: match self.error_code {
                None => ExecutionOutcome::Ok,
                Some(code) => ExecutionOutcome::Error { code },
            },
            trace: self.trace.0,
            test_run: self.test_run,
        })
    }
}
