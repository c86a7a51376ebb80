//! Operators and their sessions, and the audit log (SPEC §6.1, admin API).
//!
//! An operator signs in with a name and a password ([`Ponte::authenticate_operator`]) and gets
//! a session: a random token, shown once and kept only as its SHA-256, a CSRF token for
//! browsers, and an expiry ([`Ponte::with_session_ttl`], 12 hours by default). The admin API
//! and the console turn a presented token back into the operator's [`Actor`] with
//! [`Ponte::session`].
//!
//! Every change made through [`Admin`] is appended to the audit log with its actor, what was
//! done, to what, and the record before and after; secret values and password hashes are
//! never part of an entry. Only the `admin` role changes anything: [`Admin::require_change`]
//! refuses a viewer with `forbidden` before anything is touched.

use secrecy::SecretString;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::admin::Admin;
use super::{CallError, ErrorCode, Ponte, internal};
use crate::model::{
    Actor, AuditEntry, AuditQuery, Operator, OperatorSession, Role, validate_operator_name,
};
use crate::password::{check_password, hash_password_in_turn, verify_in_turn};
use crate::store::{Store, StoreError, now_micros};

/// How long a session lasts unless configured otherwise.
pub const DEFAULT_SESSION_TTL: Duration = Duration::hours(12);

/// What a session token starts with: never the shape of an API key or of the admin token.
pub const SESSION_TOKEN_PREFIX: &str = "pses_";

/// A session just begun. The token is here and nowhere else: the store keeps its hash.
pub struct NewSession {
    /// The bearer token (`Authorization: Bearer`, or the console's cookie).
    pub token: SecretString,
    /// The token a browser sends back with every change.
    pub csrf_token: String,
    /// When the session stops being accepted.
    pub expires_at: OffsetDateTime,
    /// Who signed in.
    pub actor: Actor,
}

/// A presented session token that is valid now.
#[derive(Clone)]
pub struct ActiveSession {
    /// Who it acts as.
    pub actor: Actor,
    /// The session's CSRF token, to compare with the one a browser sends.
    pub csrf_token: String,
    /// When it stops being accepted.
    pub expires_at: OffsetDateTime,
}

// Debug without the CSRF token (the session token is a SecretString, redacted by its own).
impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("expires_at", &self.expires_at)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ActiveSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveSession")
            .field("expires_at", &self.expires_at)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

/// The hex SHA-256 a session token is stored as.
fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

fn unauthorized(detail: &str) -> CallError {
    CallError::new(ErrorCode::Unauthorized, detail)
}

/// An operator as it may be shown and audited: name, role, state. Never the hash.
pub fn operator_json(operator: &Operator) -> Value {
    json!({
        "name": operator.name,
        "role": operator.role.as_str(),
        "disabled": operator.disabled,
    })
}

/// Creates an operator after checking the name and the password; the password is kept only as
/// its Argon2id hash. `invalid_input` names the field at fault.
pub async fn create_operator(
    store: &dyn Store,
    name: &str,
    role: Role,
    password: &SecretString,
) -> Result<Operator, CallError> {
    let field_error = |field: &str, expected: &str, detail: String| CallError {
        errors: vec![ponte_catalog::InputError {
            path: format!("/{field}"),
            code: ponte_catalog::InputErrorCode::InvalidValue,
            expected: expected.to_owned(),
            got: String::new(),
        }],
        ..CallError::new(ErrorCode::InvalidInput, detail)
    };
    validate_operator_name(name).map_err(|err| {
        field_error(
            "name",
            "lower-case letters, digits, `-`, `_` and `.`",
            format!("{err}."),
        )
    })?;
    check_password(name, password).map_err(|err| {
        field_error(
            "password",
            "at least 12 varied characters, not the name",
            format!("The password is refused: {err}."),
        )
    })?;
    let hash = hash_password_in_turn(password)
        .await
        .map_err(|err| internal("password hashing", &err))?;
    let operator = Operator {
        name: name.to_owned(),
        role,
        password_hash: hash,
        created_at: now_micros(),
        disabled: false,
    };
    match store.create_operator(&operator).await {
        Ok(()) => Ok(operator),
        Err(StoreError::Conflict(_)) => Err(CallError {
            errors: vec![ponte_catalog::InputError {
                path: "/name".to_owned(),
                code: ponte_catalog::InputErrorCode::InvalidValue,
                expected: "a name no operator has".to_owned(),
                got: name.to_owned(),
            }],
            ..CallError::new(
                ErrorCode::InvalidInput,
                format!("An operator named `{name}` already exists."),
            )
        }),
        Err(err) => Err(internal("operator creation", &err)),
    }
}

/// Appends an entry to the audit log. A failure is logged and does not undo the change that
/// has already been made.
pub async fn audit(
    store: &dyn Store,
    actor: &Actor,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) {
    let entry = AuditEntry {
        id: 0,
        at: now_micros(),
        actor: actor.name.clone(),
        action: action.to_owned(),
        target: target.to_owned(),
        before,
        after,
    };
    if let Err(err) = store.append_audit(&entry).await {
        tracing::error!(error = %err, action, target, "the audit log could not be written");
    }
}

impl Ponte {
    /// The same service with sessions lasting `ttl`.
    #[must_use]
    pub fn with_session_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.session_ttl = Duration::try_from(ttl).unwrap_or(DEFAULT_SESSION_TTL);
        self
    }

    /// Signs an operator in: a new session when the name and password match an operator that
    /// is not disabled, `unauthorized` otherwise (the same answer, in about the same time,
    /// whether the name exists or not).
    pub async fn authenticate_operator(
        &self,
        name: &str,
        password: &SecretString,
    ) -> Result<NewSession, CallError> {
        let refused = || unauthorized("The name and password do not match an operator.");
        let operator = self
            .store
            .get_operator(name)
            .await
            .map_err(|err| internal("operator read", &err))?;
        let Some(operator) = operator.filter(|operator| !operator.disabled) else {
            verify_in_turn(password, None).await;
            return Err(refused());
        };
        if !verify_in_turn(password, Some(operator.password_hash.clone())).await {
            // The name only: a refused name may be a password typed in the wrong field, so it
            // is logged only when it is an operator's.
            tracing::info!(operator = name, "an operator's sign-in was refused");
            return Err(refused());
        }
        let token = format!("{SESSION_TOKEN_PREFIX}{}", random_hex());
        let now = now_micros();
        let session = OperatorSession {
            token_hash: token_hash(&token),
            operator: operator.name.clone(),
            csrf_token: random_hex(),
            created_at: now,
            expires_at: now + self.session_ttl,
        };
        self.store
            .create_session(&session)
            .await
            .map_err(|err| internal("session creation", &err))?;
        tracing::info!(operator = name, "an operator signed in");
        Ok(NewSession {
            token: SecretString::from(token),
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
            actor: operator.actor(),
        })
    }

    /// The session a presented token opens, when it is valid now: `unauthorized` when it is
    /// unknown, ended or expired, or its operator is gone or disabled.
    pub async fn session(&self, token: &str) -> Result<ActiveSession, CallError> {
        let refused =
            || unauthorized("The session is not valid (ended or expired); sign in again.");
        if !token.starts_with(SESSION_TOKEN_PREFIX) {
            return Err(refused());
        }
        let hash = token_hash(token);
        let session = self
            .store
            .get_session(&hash)
            .await
            .map_err(|err| internal("session read", &err))?
            .ok_or_else(refused)?;
        if session.expires_at <= OffsetDateTime::now_utc() {
            return Err(refused());
        }
        let operator = self
            .store
            .get_operator(&session.operator)
            .await
            .map_err(|err| internal("operator read", &err))?
            .filter(|operator| !operator.disabled)
            .ok_or_else(refused)?;
        Ok(ActiveSession {
            actor: operator.actor(),
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
        })
    }

    /// Ends the session of a token (signing out); an unknown token ends nothing.
    pub async fn end_session(&self, token: &str) -> Result<(), CallError> {
        self.store
            .delete_session(&token_hash(token))
            .await
            .map_err(|err| internal("session deletion", &err))
    }
}

impl Admin<'_> {
    /// Refuses with `forbidden` an actor whose role changes nothing.
    pub fn require_change(&self) -> Result<(), CallError> {
        if self.actor.role.may_change() {
            Ok(())
        } else {
            Err(CallError::new(
                ErrorCode::Forbidden,
                format!(
                    "`{}` signed in as a viewer, who reads but changes nothing.",
                    self.actor.name
                ),
            ))
        }
    }

    /// Records a change made by this actor.
    pub(crate) async fn audit(
        &self,
        action: &str,
        target: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        audit(
            self.ponte.store.as_ref(),
            &self.actor,
            action,
            target,
            before,
            after,
        )
        .await;
    }

    /// Every operator, by name.
    pub async fn list_operators(&self) -> Result<Vec<Operator>, CallError> {
        self.ponte
            .store
            .list_operators()
            .await
            .map_err(|err| internal("operator listing", &err))
    }

    /// Creates an operator (admin only).
    pub async fn add_operator(
        &self,
        name: &str,
        role: Role,
        password: &SecretString,
    ) -> Result<Operator, CallError> {
        self.require_change()?;
        let operator = create_operator(self.ponte.store.as_ref(), name, role, password).await?;
        self.audit(
            "operator.add",
            &format!("operator:{name}"),
            None,
            Some(operator_json(&operator)),
        )
        .await;
        tracing::info!(
            operator = name,
            role = role.as_str(),
            "an operator was added"
        );
        Ok(operator)
    }

    /// Removes an operator and ends its sessions (admin only).
    pub async fn remove_operator(&self, name: &str) -> Result<(), CallError> {
        self.require_change()?;
        let unknown = || CallError::new(ErrorCode::NotFound, format!("No operator `{name}`."));
        let before = self
            .ponte
            .store
            .get_operator(name)
            .await
            .map_err(|err| internal("operator read", &err))?
            .ok_or_else(unknown)?;
        match self.ponte.store.delete_operator(name).await {
            Ok(()) => {}
            Err(StoreError::NotFound(_)) => return Err(unknown()),
            Err(err) => return Err(internal("operator removal", &err)),
        }
        self.audit(
            "operator.remove",
            &format!("operator:{name}"),
            Some(operator_json(&before)),
            None,
        )
        .await;
        tracing::info!(operator = name, "an operator was removed");
        Ok(())
    }

    /// A page of the audit log, newest first.
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, CallError> {
        self.ponte
            .store
            .list_audit(query)
            .await
            .map_err(|err| internal("audit log listing", &err))
    }
}

/// Whether a presented credential has the shape of a session token.
pub fn is_session_token(presented: &str) -> bool {
    presented.starts_with(SESSION_TOKEN_PREFIX)
}
