//! The records Ponte keeps: integrations with their settings and bindings, API keys, automation
//! versions, execution records, and the records of the flows (orders, associations).
//!
//! Everything here is plain data with serde support; the store crates persist it and the HTTP
//! layer shows it. Secret values are deliberately absent: they live only in the store, sealed by
//! a [`crate::crypto::Cipher`], and come back only as `secrecy::SecretString`.

mod api_key;
mod automation;
mod execution;
mod flows;
mod integration;
mod operator;
mod payment;
mod settings;

pub use api_key::{API_KEY_PREFIX, ApiKey, ApiKeyHash, ApiKeyId, IssuedApiKey, PlainApiKey};
pub use automation::{AutomationRef, AutomationVersion, source_sha256};
pub use execution::{
    ExecutionCursor, ExecutionId, ExecutionOutcome, ExecutionPage, ExecutionQuery, ExecutionRecord,
    MAX_EXECUTION_PAGE, parse_statuses, statuses_text,
};
pub use flows::{
    Association, AssociationKind, AssociationOption, OrderClaim, StoredOrder,
    UnknownAssociationKind,
};
pub use integration::{Integration, IntegrationId, InvalidName, validate_secret_name};
pub use operator::{
    Actor, AuditEntry, AuditQuery, MAX_AUDIT_PAGE, Operator, OperatorSession, Role,
    validate_operator_name,
};
pub use payment::{
    Payment, PaymentError, PaymentEvent, PaymentQuery, PaymentState, PaymentUpdate, request_sha256,
};
pub use settings::{
    BreakerSettings, CacheSettings, IntegrationSettings, LimitSettings, OrderProcedure,
    PendencyMatch, PendencyRule, PixReceiver, PrivacySettings, TimeoutSettings,
};
