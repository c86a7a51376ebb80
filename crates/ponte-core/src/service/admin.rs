//! The operator's use cases (SPEC §6.1, admin API): integrations as configured, their API keys,
//! the execution records with their traces, and test runs.
//!
//! Reached through [`Ponte::admin`]. Like the function calls, these are framework-free and
//! answer [`CallError`]s from the one table: an unknown integration, execution or key is
//! `not_found`. Nothing here ever returns a secret value, a key hash or a stored plain key; the
//! only plain key that leaves is the one [`Admin::create_api_key`] has just made.
//!
//! Whoever exposes these checks the admin token first, with [`admin_token_matches`]; the token
//! itself is never kept or compared in the clear.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::run::RunMode;
use super::{CallError, ErrorCode, Ponte, ServingAutomation, internal};
use crate::model::{
    Actor, ApiKey, ApiKeyHash, ApiKeyId, ExecutionCursor, ExecutionId, ExecutionQuery,
    ExecutionRecord, Integration, IntegrationId, IssuedApiKey,
};
use crate::store::StoreError;

/// The shortest admin token [`check_admin_token`] accepts.
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// Why a configured admin token cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAdminToken {
    /// Too short to resist guessing.
    #[error("the admin token is shorter than {MIN_ADMIN_TOKEN_LEN} characters")]
    TooShort,
    /// It has the shape of an integration's API key, so it could end up accepted as one.
    #[error("the admin token has the shape of an API key (`ponte_…`); choose another value")]
    LooksLikeApiKey,
}

/// Checks a configured admin token: long enough, and never shaped like an API key, so the admin
/// token can never authenticate as an integration.
pub fn check_admin_token(token: &SecretString) -> Result<(), InvalidAdminToken> {
    let token = token.expose_secret();
    if ApiKey::lookup_prefix(token).is_some() {
        return Err(InvalidAdminToken::LooksLikeApiKey);
    }
    if token.chars().count() < MIN_ADMIN_TOKEN_LEN {
        return Err(InvalidAdminToken::TooShort);
    }
    Ok(())
}

/// Whether `presented` is the admin token. The SHA-256 digests of both are compared in time
/// independent of where they differ, so timing tells nothing about how close a guess came.
/// An integration's API key is never the admin token, whatever the configuration says.
pub fn admin_token_matches(token: &SecretString, presented: &str) -> bool {
    if presented.is_empty() || ApiKey::lookup_prefix(presented).is_some() {
        return false;
    }
    ApiKeyHash::of(token.expose_secret()).matches(&ApiKeyHash::of(presented))
}

/// An integration as the admin API shows it: the record, and the names of its secrets.
#[derive(Debug, Clone)]
pub struct IntegrationView {
    /// The integration, bindings, settings and variables included (no secret is part of it).
    pub integration: Integration,
    /// The names of its secrets, sorted; values never leave the store but to the engine.
    pub secret_names: Vec<String>,
    /// Which automation serves each bound function that this process can serve, by function
    /// name: where it comes from (preset, file, stored version) and its source's hash.
    pub serving: std::collections::BTreeMap<String, ServingAutomation>,
}

/// Which executions to list.
#[derive(Debug, Clone, Default)]
pub struct ExecutionFilter {
    /// Only this integration's runs.
    pub integration: Option<String>,
    /// Only this function's runs.
    pub function: Option<String>,
    /// Page size: 50 when absent or 0, at most 500.
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// Only runs that ended so: `ok`, `error` (any failure) or one error code of the table.
    pub outcome: Option<String>,
    /// Only runs that started at or after this time.
    pub from: Option<time::OffsetDateTime>,
    /// Only runs that started before this time.
    pub to: Option<time::OffsetDateTime>,
    /// Only test runs (`Some(true)`) or only the platform's calls (`Some(false)`).
    pub test_run: Option<bool>,
}

/// A page of executions, newest first.
#[derive(Debug, Clone)]
pub struct ExecutionList {
    /// The records' summaries (no traces: [`Admin::execution`] has them).
    pub records: Vec<ExecutionRecord>,
    /// The cursor of the next page (an opaque string), or `None` on the last page.
    pub next: Option<String>,
}

/// What a test run answers: the run's outcome and its whole redacted trace.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The run, stored with `test_run: true`.
    pub execution_id: ExecutionId,
    /// The output a call would have answered (`None` on failure or for functions without one).
    pub output: Option<Value>,
    /// The error a call would have answered, when the run failed.
    pub error: Option<CallError>,
    /// The run's trace: every request and response, redacted like every trace.
    pub trace: Value,
}

impl TestRun {
    /// The run answered without an error.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// The admin use cases over one [`Ponte`], as one [`Actor`]: every change is refused to a
/// viewer and recorded in the audit log under the actor's name.
#[derive(Debug, Clone)]
pub struct Admin<'a> {
    pub(super) ponte: &'a Ponte,
    pub(super) actor: Actor,
}

impl Ponte {
    /// The operator's use cases, acting as `actor`. Authenticate the actor (admin token or
    /// operator session) before calling them.
    pub fn admin(&self, actor: &Actor) -> Admin<'_> {
        Admin {
            ponte: self,
            actor: actor.clone(),
        }
    }
}

impl Admin<'_> {
    /// Every integration, ordered by id.
    pub async fn list_integrations(&self) -> Result<Vec<IntegrationView>, CallError> {
        let store = &self.ponte.store;
        let integrations = store
            .list_integrations()
            .await
            .map_err(|err| internal("integration listing", &err))?;
        let mut views = Vec::with_capacity(integrations.len());
        for integration in integrations {
            views.push(self.view(integration).await?);
        }
        Ok(views)
    }

    /// One integration.
    pub async fn integration(&self, id: &str) -> Result<IntegrationView, CallError> {
        let integration = self.find_integration(id).await?;
        self.view(integration).await
    }

    /// An integration's API keys, revoked ones included, oldest first.
    pub async fn list_api_keys(&self, integration: &str) -> Result<Vec<ApiKey>, CallError> {
        let id = self.find_integration(integration).await?.id;
        self.ponte
            .store
            .list_api_keys(&id)
            .await
            .map_err(|err| internal("API key listing", &err))
    }

    /// A new API key for the integration; its plain text is in the answer and nowhere else.
    pub async fn create_api_key(&self, integration: &str) -> Result<IssuedApiKey, CallError> {
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        let issued = self
            .ponte
            .store
            .create_api_key(&id)
            .await
            .map_err(|err| internal("API key creation", &err))?;
        self.ponte.refresh().await?;
        self.audit(
            "api_key.create",
            &format!("integration:{id}/api_key:{}", issued.key.id),
            None,
            Some(api_key_json(&issued.key)),
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            key_id = %issued.key.id,
            "an API key was created"
        );
        Ok(issued)
    }

    /// Revokes a key of the integration; it stops authenticating at once.
    pub async fn revoke_api_key(&self, integration: &str, key: &str) -> Result<(), CallError> {
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        let unknown = || {
            CallError::new(
                ErrorCode::NotFound,
                format!("Integration `{id}` has no API key `{key}`."),
            )
        };
        let key_id: ApiKeyId = key.parse().map_err(|_| unknown())?;
        match self.ponte.store.revoke_api_key(&id, &key_id).await {
            Ok(()) => {
                // The key must stop working before this answers: reload the snapshot now
                // rather than at the next version check.
                self.ponte.refresh().await?;
                self.audit(
                    "api_key.revoke",
                    &format!("integration:{id}/api_key:{key_id}"),
                    Some(json!({"revoked": false})),
                    Some(json!({"revoked": true})),
                )
                .await;
                tracing::info!(integration = id.as_str(), key_id = %key_id, "an API key was revoked");
                Ok(())
            }
            Err(StoreError::NotFound(_)) => Err(unknown()),
            Err(err) => Err(internal("API key revocation", &err)),
        }
    }

    /// A page of executions, newest first. Records still queued for the writer are stored
    /// first, so a run that has just answered is listed.
    pub async fn list_executions(
        &self,
        filter: &ExecutionFilter,
    ) -> Result<ExecutionList, CallError> {
        let integration = match &filter.integration {
            Some(id) => Some(self.find_integration(id).await?.id),
            None => None,
        };
        let function = match &filter.function {
            Some(name) => Some(
                ponte_catalog::function(name)
                    .ok_or_else(|| {
                        CallError::new(
                            ErrorCode::NotFound,
                            format!("The catalog has no function `{name}`."),
                        )
                    })?
                    .id
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let after = filter.after.as_deref().map(decode_cursor).transpose()?;
        if let Some(outcome) = &filter.outcome
            && outcome != "ok"
            && outcome != "error"
            && ErrorCode::from_code(outcome).is_none()
        {
            return Err(CallError {
                errors: vec![ponte_catalog::InputError {
                    path: "?outcome".to_owned(),
                    code: ponte_catalog::InputErrorCode::InvalidValue,
                    expected: "`ok`, `error` or an error code of the table".to_owned(),
                    got: outcome.chars().take(60).collect(),
                }],
                ..CallError::new(
                    ErrorCode::InvalidParameter,
                    format!(
                        "`outcome` is `ok`, `error` or an error code of the table \
                         (docs/errors.md), not `{outcome}`."
                    ),
                )
            });
        }
        let query = ExecutionQuery {
            integration,
            function,
            limit: filter.limit.unwrap_or(0),
            after,
            outcome: filter.outcome.clone(),
            from: filter.from,
            to: filter.to,
            test_run: filter.test_run,
        };
        self.ponte.flush_executions().await;
        let page = self
            .ponte
            .store
            .list_executions(&query)
            .await
            .map_err(|err| internal("execution listing", &err))?;
        Ok(ExecutionList {
            records: page.records,
            next: page.next.as_ref().map(encode_cursor),
        })
    }

    /// One execution with its trace. Records still queued are stored first.
    pub async fn execution(&self, id: &str) -> Result<ExecutionRecord, CallError> {
        let unknown = || CallError::new(ErrorCode::NotFound, format!("No execution `{id}`."));
        let id: ExecutionId = id.parse().map_err(|_| unknown())?;
        self.ponte.flush_executions().await;
        match self.ponte.store.get_execution(&id).await {
            Ok(record) => Ok(record),
            Err(StoreError::NotFound(_)) => Err(unknown()),
            Err(err) => Err(internal("execution read", &err)),
        }
    }

    /// Runs `function` for the integration exactly as a call would (same validation, automation
    /// and redaction), except that the run is recorded as a test run, skips the circuit breaker
    /// (an operator must be able to probe an ERP the breaker keeps closed off) and is left out
    /// of the metrics, which describe the platform's traffic.
    ///
    /// A failure before anything ran (unknown function, invalid input, inactive integration...)
    /// is the error; a run that failed is a [`TestRun`] with its error and trace.
    pub async fn test_run(
        &self,
        integration: &str,
        function: &str,
        input: Value,
    ) -> Result<TestRun, CallError> {
        // A test run calls the ERP for real, and some functions write to it.
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        tracing::Span::current().record("integration", id.as_str());
        let served = self.ponte.served(&id).await?.ok_or_else(|| {
            CallError::new(ErrorCode::NotFound, format!("No integration `{id}`."))
        })?;
        let (spec, ran) = self
            .ponte
            .call_for(&served, function, input, RunMode::Test)
            .await?;
        let (output, error) = match ran.result {
            Ok(output) => (super::output_of(spec, output), None),
            Err(error) => (None, Some(error)),
        };
        // Audited as a change (it may write to the ERP), without its input or output, which
        // may carry personal data: the execution record holds the masked trace.
        self.audit(
            "function.test_run",
            &format!("integration:{id}/function:{function}"),
            None,
            Some(serde_json::json!({
                "execution_id": ran.execution_id.to_string(),
                "outcome": error.as_ref().map_or("ok", |error| error.code.code()),
            })),
        )
        .await;
        Ok(TestRun {
            execution_id: ran.execution_id,
            output,
            error,
            trace: ran.trace.unwrap_or(Value::Null),
        })
    }

    pub(super) async fn find_integration(&self, id: &str) -> Result<Integration, CallError> {
        let unknown = || CallError::new(ErrorCode::NotFound, format!("No integration `{id}`."));
        let id = IntegrationId::parse(id).map_err(|_| unknown())?;
        match self.ponte.store.get_integration(&id).await {
            Ok(integration) => Ok(integration),
            Err(StoreError::NotFound(_)) => Err(unknown()),
            Err(err) => Err(internal("integration read", &err)),
        }
    }

    async fn view(&self, integration: Integration) -> Result<IntegrationView, CallError> {
        let secret_names = self
            .ponte
            .store
            .list_secret_names(&integration.id)
            .await
            .map_err(|err| internal("secret listing", &err))?;
        let serving = self
            .ponte
            .snapshot()
            .await?
            .by_id(&integration.id)
            .map(|served| {
                served
                    .origins()
                    .map(|(function, origin)| (function.as_str().to_owned(), origin.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(IntegrationView {
            integration,
            secret_names,
            serving,
        })
    }
}

/// An API key as the audit log records it: its id and prefix, never the hash.
fn api_key_json(key: &ApiKey) -> Value {
    json!({"id": key.id.to_string(), "prefix": key.prefix, "revoked": key.revoked})
}

/// The cursor as an opaque, URL-safe string: base64url of its JSON.
fn encode_cursor(cursor: &ExecutionCursor) -> String {
    use base64::Engine as _;
    let json = serde_json::to_vec(cursor).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(text: &str) -> Result<ExecutionCursor, CallError> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| {
            CallError::new(
                ErrorCode::InvalidInput,
                "`after` is not a cursor this API answered; pass the `next` of the previous page.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_garbage_is_invalid_input() {
        let cursor = ExecutionCursor {
            started_at: crate::store::now_micros(),
            id: ExecutionId::new(),
        };
        let text = encode_cursor(&cursor);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode_cursor(&text).unwrap(), cursor);
        assert_eq!(
            decode_cursor("not a cursor").unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn the_admin_token_matches_itself_only_and_never_an_api_key() {
        let token = SecretString::from("an-admin-token-long-enough-for-tests-0001");
        assert!(admin_token_matches(
            &token,
            "an-admin-token-long-enough-for-tests-0001"
        ));
        assert!(!admin_token_matches(
            &token,
            "an-admin-token-long-enough-for-tests-0002"
        ));
        assert!(!admin_token_matches(&token, ""));

        let key = format!("ponte_{}", "ab".repeat(32));
        assert!(!admin_token_matches(&SecretString::from(key.clone()), &key));
    }

    #[test]
    fn a_configured_admin_token_is_long_and_not_shaped_like_an_api_key() {
        assert_eq!(
            check_admin_token(&SecretString::from("short")),
            Err(InvalidAdminToken::TooShort)
        );
        assert_eq!(
            check_admin_token(&SecretString::from(format!("ponte_{}", "0".repeat(64)))),
            Err(InvalidAdminToken::LooksLikeApiKey)
        );
        assert_eq!(
            check_admin_token(&SecretString::from("x".repeat(32))),
            Ok(())
        );
    }
}
