//! The store port: everything Ponte keeps between requests.
//!
//! One small trait, implemented by the SQLite and PostgreSQL crates and chosen once at start-up
//! from the database URL. Implementations hold the SQL; the rules that must not differ between
//! them (key generation and comparison, secret sealing, version hashing) live in this crate and
//! are called by both. The [`contract`] module (feature `contract-tests`) is the test suite
//! both implementations must pass.

use std::collections::BTreeMap;

use async_trait::async_trait;
use secrecy::SecretString;
use time::OffsetDateTime;

use crate::crypto::CryptoError;
use crate::model::{
    ApiKey, ApiKeyHash, ApiKeyId, Association, AssociationKind, AuditEntry, AuditQuery,
    AutomationRef, AutomationVersion, ExecutionId, ExecutionPage, ExecutionQuery, ExecutionRecord,
    Integration, IntegrationId, InvalidName, IssuedApiKey, Operator, OperatorSession, OrderClaim,
    Payment, PaymentEvent, PaymentQuery, PaymentUpdate,
};

#[cfg(feature = "contract-tests")]
pub mod contract;

/// Why a store operation failed. Messages name records by id only; they never carry secret
/// values, plain keys or connection strings with passwords.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (the message names it, for example "integration `acme`").
    #[error("{0} not found")]
    NotFound(String),
    /// The record already exists, or a concurrent change collided with this one.
    #[error("{0} already exists")]
    Conflict(String),
    /// The input breaks a naming rule.
    #[error(transparent)]
    InvalidName(#[from] InvalidName),
    /// Sealing or opening a secret failed.
    #[error("secret encryption: {0}")]
    Crypto(#[from] CryptoError),
    /// Stored data could not be read back into the model (a bug or a hand-edited database).
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The database URL names no supported store.
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Backend(String),
}

/// Everything Ponte persists. Shared as `Arc<dyn Store>`.
///
/// Methods taking an integration answer [`StoreError::NotFound`] when it does not exist, except
/// the listing methods, which answer an empty list.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Checks that the database answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores a new integration with its bindings; [`StoreError::Conflict`] if the id is taken.
    async fn create_integration(&self, integration: &Integration) -> Result<(), StoreError>;

    /// Reads one integration with its bindings.
    async fn get_integration(&self, id: &IntegrationId) -> Result<Integration, StoreError>;

    /// All integrations, ordered by id.
    async fn list_integrations(&self) -> Result<Vec<Integration>, StoreError>;

    /// Replaces an integration's name, preset, flag, settings, variables and bindings. Secrets
    /// and API keys are untouched.
    async fn update_integration(&self, integration: &Integration) -> Result<(), StoreError>;

    /// Deletes an integration and everything that belongs to it: secrets, keys, automation
    /// versions and execution records.
    async fn delete_integration(&self, id: &IntegrationId) -> Result<(), StoreError>;

    /// Binds `function` to `automation`, or removes its binding when `None`.
    async fn set_binding(
        &self,
        integration: &IntegrationId,
        function: &str,
        automation: Option<&AutomationRef>,
    ) -> Result<(), StoreError>;

    /// Creates or replaces a secret. The value is sealed before it reaches the database.
    async fn set_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
        value: &SecretString,
    ) -> Result<(), StoreError>;

    /// Deletes a secret; [`StoreError::NotFound`] if there is none by that name.
    async fn delete_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
    ) -> Result<(), StoreError>;

    /// The names of an integration's secrets, sorted. Values are never listed.
    async fn list_secret_names(
        &self,
        integration: &IntegrationId,
    ) -> Result<Vec<String>, StoreError>;

    /// The opened secrets of an integration, for the engine at run time only.
    async fn secrets_for(
        &self,
        integration: &IntegrationId,
    ) -> Result<BTreeMap<String, SecretString>, StoreError>;

    /// The sealed bytes of one secret exactly as stored, for audits and tests that prove values
    /// are encrypted at rest. Never the plain value.
    async fn sealed_secret(
        &self,
        integration: &IntegrationId,
        name: &str,
    ) -> Result<Vec<u8>, StoreError>;

    /// Creates an API key; the plain key in the answer is shown once and never stored.
    async fn create_api_key(&self, integration: &IntegrationId)
    -> Result<IssuedApiKey, StoreError>;

    /// Stores a key whose plain text the operator already holds (provisioning from files);
    /// [`StoreError::Conflict`] if a key with that id or hash exists.
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;

    /// An integration's keys (revoked ones included), oldest first.
    async fn list_api_keys(&self, integration: &IntegrationId) -> Result<Vec<ApiKey>, StoreError>;

    /// Revokes a key of `integration`; [`StoreError::NotFound`] if it has no such key.
    async fn revoke_api_key(
        &self,
        integration: &IntegrationId,
        id: &ApiKeyId,
    ) -> Result<(), StoreError>;

    /// The integration a presented plain key speaks for, or `None` when the key is unknown,
    /// malformed or revoked.
    async fn integration_for_key(&self, plain: &str) -> Result<Option<IntegrationId>, StoreError>;

    /// Every key that is not revoked, as its hash and the integration it speaks for: what the
    /// service keeps in memory to authenticate calls without a query each.
    async fn active_api_keys(&self) -> Result<Vec<(ApiKeyHash, IntegrationId)>, StoreError>;

    /// A number that changes, in the same transaction, with every change to integrations,
    /// bindings, secrets, API keys and automation versions; the service reloads its in-memory
    /// snapshot when it moves. It never goes back.
    async fn config_version(&self) -> Result<i64, StoreError>;

    /// Writes an integration declared in the configuration file, in one transaction that two
    /// processes starting at once can both run: the integration is created or updated (with
    /// its bindings); its provisioned secrets become exactly `provisioned.secrets` (the others
    /// it had from the file are deleted; those set through the admin API stay); its provisioned
    /// keys become exactly `provisioned.api_keys` (the others from the file are revoked).
    /// [`StoreError::Conflict`] when a key already speaks for another integration.
    async fn provision(&self, provisioned: &Provisioned) -> Result<(), StoreError>;

    /// Stores `source` as the next version (1, 2, ...) of the integration's automation for
    /// `function`.
    async fn add_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
        source: &str,
    ) -> Result<AutomationVersion, StoreError>;

    /// All versions of the automation for `function`, oldest first.
    async fn list_automation_versions(
        &self,
        integration: &IntegrationId,
        function: &str,
    ) -> Result<Vec<AutomationVersion>, StoreError>;

    /// One version; [`StoreError::NotFound`] if it does not exist.
    async fn get_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
        version: u32,
    ) -> Result<AutomationVersion, StoreError>;

    /// The highest version, or `None` when none was stored.
    async fn latest_automation_version(
        &self,
        integration: &IntegrationId,
        function: &str,
    ) -> Result<Option<AutomationVersion>, StoreError>;

    /// Records a run; [`StoreError::Conflict`] if its id was already recorded.
    async fn insert_execution(&self, record: &ExecutionRecord) -> Result<(), StoreError> {
        self.insert_executions(std::slice::from_ref(record)).await
    }

    /// Records runs in one transaction: all of them or none. Each record's trace, when it has
    /// one, is stored beside its summary.
    async fn insert_executions(&self, records: &[ExecutionRecord]) -> Result<(), StoreError>;

    /// Reads one run, with its trace when one was kept.
    async fn get_execution(&self, id: &ExecutionId) -> Result<ExecutionRecord, StoreError>;

    /// A page of runs, newest first: summaries only (`trace` is `None`).
    async fn list_executions(&self, query: &ExecutionQuery) -> Result<ExecutionPage, StoreError>;

    /// Deletes at most `limit` runs that started before `before`, oldest first, and answers
    /// how many it deleted (retention; callers repeat until it answers fewer than `limit`, so
    /// no single statement holds the database for long).
    async fn delete_executions_before(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<u64, StoreError>;

    /// Stores a new settlement with its first history entry (`pending`), in one transaction,
    /// and answers it with `true`; when the integration already has one with this transaction
    /// id, stores nothing and answers that one with `false` (the caller compares the hashes).
    async fn insert_payment(&self, payment: &Payment) -> Result<(Payment, bool), StoreError>;

    /// One settlement by its integration and transaction id, or `None`.
    async fn get_payment(
        &self,
        integration: &IntegrationId,
        transaction_id: &str,
    ) -> Result<Option<Payment>, StoreError>;

    /// A settlement's history, oldest first.
    async fn payment_history(&self, id: uuid::Uuid) -> Result<Vec<PaymentEvent>, StoreError>;

    /// Settlements, oldest first.
    async fn list_payments(&self, query: &PaymentQuery) -> Result<Vec<Payment>, StoreError>;

    /// Takes up to `limit` settlements that are not final, due at `now` and not leased (or
    /// whose lease expired): each is leased to `owner` until `lease_until` and its `attempts`
    /// grows by one. Two callers never take the same settlement while its lease runs (on
    /// PostgreSQL, `FOR UPDATE SKIP LOCKED`).
    async fn claim_payments(
        &self,
        owner: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Payment>, StoreError>;

    /// Applies `update` to a settlement `owner` holds, and records it in the history, in one
    /// transaction. Answers `false`, changing nothing, when `owner` no longer holds it (its
    /// lease expired and another worker took it): the caller must stop working on it.
    async fn update_payment(
        &self,
        id: uuid::Uuid,
        owner: &str,
        update: &PaymentUpdate,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// The operator's retry: a `failed` settlement becomes `pending`, due now, its error
    /// cleared and its retry period restarted (recorded in the history). Answers `false` when
    /// it is not `failed`.
    async fn retry_payment(&self, id: uuid::Uuid, now: OffsetDateTime) -> Result<bool, StoreError>;
    /// Claims the order `order_id` of `integration` for a request about to place it, keeping
    /// `fingerprint` (the request's digest). A new order, or one whose unfinished claim is
    /// older than `stale_before` (a request that died mid-way) and has the same fingerprint,
    /// is [`OrderClaim::Claimed`]; otherwise the record found is answered. Two requests never
    /// both claim the same order.
    async fn claim_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
        fingerprint: &str,
        stale_before: OffsetDateTime,
    ) -> Result<OrderClaim, StoreError>;

    /// Records the answer of a claimed order; later requests for it get this answer.
    async fn complete_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
        answer: &serde_json::Value,
    ) -> Result<(), StoreError>;

    /// Drops an unfinished claim (the ERP refused or failed), so the order can be sent again.
    /// A completed order is left alone.
    async fn release_order(
        &self,
        integration: &IntegrationId,
        order_id: &str,
    ) -> Result<(), StoreError>;

    /// Replaces the integration's associations of one kind with `associations`, in one
    /// transaction that moves the configuration version.
    async fn set_associations(
        &self,
        integration: &IntegrationId,
        kind: AssociationKind,
        associations: &[Association],
    ) -> Result<(), StoreError>;

    /// Every association of the integration, by kind (kinds without any are absent), each
    /// list ordered by platform code.
    async fn associations(
        &self,
        integration: &IntegrationId,
    ) -> Result<BTreeMap<AssociationKind, Vec<Association>>, StoreError>;

    /// Stores a new operator; [`StoreError::Conflict`] if the name is taken.
    async fn create_operator(&self, operator: &Operator) -> Result<(), StoreError>;

    /// Every operator, ordered by name.
    async fn list_operators(&self) -> Result<Vec<Operator>, StoreError>;

    /// One operator, or `None`.
    async fn get_operator(&self, name: &str) -> Result<Option<Operator>, StoreError>;

    /// Deletes an operator and its sessions; [`StoreError::NotFound`] if there is none.
    async fn delete_operator(&self, name: &str) -> Result<(), StoreError>;

    /// Stores a new session of an existing operator, and drops the sessions that expired
    /// before `session.created_at`.
    async fn create_session(&self, session: &OperatorSession) -> Result<(), StoreError>;

    /// The session whose token has this hash, expired or not, or `None`.
    async fn get_session(&self, token_hash: &str) -> Result<Option<OperatorSession>, StoreError>;

    /// Ends a session; ending one that does not exist is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Appends an entry to the audit log and answers it with its id.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<AuditEntry, StoreError>;

    /// A page of the audit log, newest first.
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

/// An integration as the configuration file declares it, for [`Store::provision`].
#[derive(Debug)]
pub struct Provisioned {
    /// The integration with its bindings.
    pub integration: Integration,
    /// Its secrets by name, resolved from their references.
    pub secrets: BTreeMap<String, SecretString>,
    /// The keys the file lists (records built with [`ApiKey::from_plain`]).
    pub api_keys: Vec<ApiKey>,
}

/// The "not found" error for an integration, worded the same by every store.
pub fn integration_not_found(id: &IntegrationId) -> StoreError {
    StoreError::NotFound(format!("integration `{id}`"))
}

/// The current time, cut to whole microseconds: the precision both databases keep, so a record
/// returned at creation equals the one read back later.
pub fn now_micros() -> time::OffsetDateTime {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}
