//! Rows as the database returns them, and their conversion into the core model.
//!
//! Conversions fail with [`StoreError::Corrupt`] rather than panicking: a row that does not fit
//! the model means the database was edited by hand or written by a buggy build, and the caller
//! deserves an error, not a crash.

use std::collections::BTreeMap;

use ponte_core::model::{
    ApiKey, ApiKeyHash, ApiKeyId, AuditEntry, AutomationRef, AutomationVersion, ExecutionId,
    ExecutionOutcome, ExecutionRecord, Integration, IntegrationId, Operator, OperatorSession,
    Payment, PaymentError, PaymentEvent, PaymentState, Role, parse_statuses,
};
use ponte_core::store::StoreError;
use serde::de::DeserializeOwned;

use crate::{Dialect, corrupt};

fn integration_id(value: String) -> Result<IntegrationId, StoreError> {
    IntegrationId::try_from(value).map_err(|err| corrupt("integration id", err))
}

pub(crate) fn from_json<D: Dialect, T: DeserializeOwned>(
    stored: D::Json,
    what: &str,
) -> Result<T, StoreError> {
    D::read_json(stored).map_err(|err| corrupt(what, err))
}

/// An automation version number as its column holds it.
pub(crate) fn version_number(value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|err| corrupt("automation version", err))
}

#[derive(sqlx::FromRow)]
pub(crate) struct IntegrationRow<D: Dialect> {
    pub id: String,
    pub name: String,
    pub preset: Option<String>,
    pub active: bool,
    pub settings: D::Json,
    pub variables: D::Json,
}

impl<D: Dialect> IntegrationRow<D> {
    pub fn into_model(
        self,
        bindings: BTreeMap<String, AutomationRef>,
    ) -> Result<Integration, StoreError> {
        Ok(Integration {
            id: integration_id(self.id)?,
            name: self.name,
            preset: self.preset,
            active: self.active,
            settings: from_json::<D, _>(self.settings, "integration settings")?,
            variables: from_json::<D, _>(self.variables, "integration variables")?,
            bindings,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BindingRow<D: Dialect> {
    pub integration_id: String,
    pub function: String,
    pub automation: D::Json,
}

impl<D: Dialect> BindingRow<D> {
    pub fn into_pair(self) -> Result<(String, AutomationRef), StoreError> {
        Ok((
            self.function,
            from_json::<D, _>(self.automation, "binding")?,
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow<D: Dialect> {
    pub id: D::Uuid,
    pub integration_id: String,
    pub prefix: String,
    pub hash: Vec<u8>,
    pub created_at: D::Time,
    pub revoked: bool,
}

impl<D: Dialect> ApiKeyRow<D> {
    pub fn into_model(self) -> Result<ApiKey, StoreError> {
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(D::read_uuid(self.id)?),
            integration: integration_id(self.integration_id)?,
            prefix: self.prefix,
            hash: ApiKeyHash::from_slice(&self.hash)
                .ok_or_else(|| corrupt("api key hash", "not 32 bytes"))?,
            created_at: D::read_time(self.created_at)?,
            revoked: self.revoked,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct VersionRow<D: Dialect> {
    pub integration_id: String,
    pub function: String,
    pub version: i32,
    pub source: String,
    pub sha256: String,
    pub created_at: D::Time,
}

impl<D: Dialect> VersionRow<D> {
    pub fn into_model(self) -> Result<AutomationVersion, StoreError> {
        Ok(AutomationVersion {
            integration: integration_id(self.integration_id)?,
            function: self.function,
            version: version_number(self.version)?,
            source: self.source,
            sha256: self.sha256,
            created_at: D::read_time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExecutionRow<D: Dialect> {
    pub id: D::Uuid,
    pub integration_id: String,
    pub function: String,
    pub started_at: D::Time,
    pub duration_ms: i64,
    pub error_code: Option<String>,
    pub erp_requests: i32,
    pub erp_statuses: String,
    pub test_run: bool,
}

impl<D: Dialect> ExecutionRow<D> {
    pub fn into_model(self) -> Result<ExecutionRecord, StoreError> {
        Ok(ExecutionRecord {
            id: ExecutionId::from_uuid(D::read_uuid(self.id)?),
            integration: integration_id(self.integration_id)?,
            function: self.function,
            started_at: D::read_time(self.started_at)?,
            duration_ms: u64::try_from(self.duration_ms)
                .map_err(|err| corrupt("execution duration", err))?,
            outcome: match self.error_code {
                None => ExecutionOutcome::Ok,
                Some(code) => ExecutionOutcome::Error { code },
            },
            erp_requests: u32::try_from(self.erp_requests)
                .map_err(|err| corrupt("execution request count", err))?,
            erp_statuses: parse_statuses(&self.erp_statuses).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "execution statuses `{}` are not a list of numbers",
                    self.erp_statuses
                ))
            })?,
            trace: None,
            test_run: self.test_run,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentRow<D: Dialect> {
    pub id: D::Uuid,
    pub integration_id: String,
    pub transaction_id: String,
    pub request: D::Json,
    pub request_sha256: String,
    pub state: String,
    pub attempts: i32,
    pub settling_value: Option<String>,
    pub error_code: Option<String>,
    pub error_detail: Option<String>,
    pub next_attempt_at: D::Time,
    pub retry_since: D::Time,
    pub created_at: D::Time,
    pub updated_at: D::Time,
}

fn payment_state(text: &str) -> Result<PaymentState, StoreError> {
    PaymentState::parse(text).ok_or_else(|| corrupt("payment state", text))
}

impl<D: Dialect> PaymentRow<D> {
    pub fn into_model(self) -> Result<Payment, StoreError> {
        Ok(Payment {
            id: D::read_uuid(self.id)?,
            integration: integration_id(self.integration_id)?,
            transaction_id: self.transaction_id,
            request: from_json::<D, _>(self.request, "payment request")?,
            request_sha256: self.request_sha256,
            state: payment_state(&self.state)?,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            settling_value: self.settling_value,
            error: self.error_code.map(|code| PaymentError {
                code,
                detail: self.error_detail.unwrap_or_default(),
            }),
            next_attempt_at: D::read_time(self.next_attempt_at)?,
            retry_since: D::read_time(self.retry_since)?,
            created_at: D::read_time(self.created_at)?,
            updated_at: D::read_time(self.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentEventRow<D: Dialect> {
    pub state: String,
    pub at: D::Time,
    pub erp_answer: D::Json,
}

impl<D: Dialect> PaymentEventRow<D> {
    pub fn into_model(self) -> Result<PaymentEvent, StoreError> {
        Ok(PaymentEvent {
            state: payment_state(&self.state)?,
            at: D::read_time(self.at)?,
            erp_answer: from_json::<D, _>(self.erp_answer, "payment history")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OperatorRow<D: Dialect> {
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: D::Time,
    pub disabled: bool,
}

impl<D: Dialect> OperatorRow<D> {
    pub fn into_model(self) -> Result<Operator, StoreError> {
        Ok(Operator {
            role: Role::parse(&self.role).ok_or_else(|| corrupt("operator role", &self.role))?,
            name: self.name,
            password_hash: self.password_hash,
            created_at: D::read_time(self.created_at)?,
            disabled: self.disabled,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow<D: Dialect> {
    pub token_hash: String,
    pub operator: String,
    pub csrf_token: String,
    pub created_at: D::Time,
    pub expires_at: D::Time,
}

impl<D: Dialect> SessionRow<D> {
    pub fn into_model(self) -> Result<OperatorSession, StoreError> {
        Ok(OperatorSession {
            token_hash: self.token_hash,
            operator: self.operator,
            csrf_token: self.csrf_token,
            created_at: D::read_time(self.created_at)?,
            expires_at: D::read_time(self.expires_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow<D: Dialect> {
    pub id: i64,
    pub at: D::Time,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: D::Json,
    pub after: D::Json,
}

impl<D: Dialect> AuditRow<D> {
    pub fn into_model(self) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            id: self.id,
            at: D::read_time(self.at)?,
            actor: self.actor,
            action: self.action,
            target: self.target,
            before: from_json::<D, _>(self.before, "audit entry")?,
            after: from_json::<D, _>(self.after, "audit entry")?,
        })
    }
}
