//! Authentication of requests, the second stage of the request path: credentials are added
//! to a rendered request, which is then sent (fetching a token first when the auth needs one).
//!
//! Credentials that come from the integration's values (basic, bearer, API key) are rendered
//! once per run. Tokens are cached per integration and credential, refreshed
//! `refresh_before_secs` before they expire, fetched by one run at a time (the others wait for
//! it), and refreshed once when the ERP answers 401 anyway. Every credential and token is added
//! to the run's redactor the moment it is known, so it never reaches a trace; the cache's
//! `Debug` prints no token.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use base64::Engine as _;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::compiled::{AuthPlan, LoginPlan, OAuth2Plan, Request, RetryPolicy};
use crate::context::TemplateScope;
use crate::error::RunError;
use crate::model::{GrantDoc, KeyIn, ResponseAs};
use crate::record::StepRecord;
use crate::render::{Rendered, RenderedBody, render};
use crate::send::{Policy, Received, send};
use crate::state::Run;
use crate::template::Tpl;

#[derive(Clone)]
struct Cached {
    header: HeaderName,
    value: SecretString,
    refresh_at: tokio::time::Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// Session and OAuth2 tokens, per integration and credential.
#[derive(Clone, Default)]
pub struct TokenCache {
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or_default();
        write!(f, "TokenCache({n} credentials)")
    }
}

impl TokenCache {
    fn slot(&self, key: &str) -> Slot {
        let mut slots = match self.slots.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        slots.entry(key.to_owned()).or_default().clone()
    }

    /// Forget every token of an integration (after its credentials change).
    pub fn forget_integration(&self, integration: &str) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.retain(|k, _| !k.starts_with(&format!("{integration}|")));
        }
    }
}

/// The retry policy of token requests: a token endpoint is asked at most twice.
static TOKEN_RETRY: LazyLock<RetryPolicy> = LazyLock::new(|| RetryPolicy {
    attempts: 2,
    backoff_ms: 200,
    max_backoff_ms: 1_000,
    on_status: vec![502, 503, 504],
});

/// Credentials from the integration's values, the same for every request of a run.
#[derive(Debug, Clone)]
pub(crate) enum Fixed {
    Header(HeaderName, HeaderValue),
    Query(String, String),
}

fn header_value(run: &Run<'_>, step: &str, value: &str) -> Result<HeaderValue, RunError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| RunError::Automation {
        step: step.to_owned(),
        message: "a credential cannot be sent as a header value".into(),
    })?;
    v.set_sensitive(true);
    run.add_secret(value);
    Ok(v)
}

/// The template context of auth values: variables, settings and secrets.
pub(crate) fn auth_ctx(run: &Run<'_>) -> minijinja::Value {
    run.auth_ctx
        .get_or_init(|| {
            let shared = run.env.shared();
            TemplateScope {
                vars: Some(run.values.vars_mj.clone()),
                settings: Some(shared.settings_mj.clone()),
                secrets: Some(shared.secrets_mj.clone()),
                ..TemplateScope::default()
            }
            .into_value()
        })
        .clone()
}

fn render_auth(run: &Run<'_>, step: &str, tpl: &Tpl) -> Result<String, RunError> {
    run.automation
        .templates
        .render_with(tpl, &auth_ctx(run), &run.fuel)
        .map_err(|message| RunError::Automation {
            step: step.to_owned(),
            message: format!("auth: {message}"),
        })
}

/// Render basic, bearer and API-key credentials.
fn fixed(run: &Run<'_>, step: &str, plan: &AuthPlan) -> Result<Option<Fixed>, RunError> {
    Ok(Some(match plan {
        AuthPlan::Basic { username, password } => {
            let user = render_auth(run, step, username)?;
            let pass = render_auth(run, step, password)?;
            run.add_secret(&pass);
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
            run.add_secret(&encoded);
            Fixed::Header(
                AUTHORIZATION,
                header_value(run, step, &format!("Basic {encoded}"))?,
            )
        }
        AuthPlan::Bearer { token } => {
            let token = render_auth(run, step, token)?;
            run.add_secret(&token);
            Fixed::Header(
                AUTHORIZATION,
                header_value(run, step, &format!("Bearer {token}"))?,
            )
        }
        AuthPlan::ApiKey { in_, name, value } => {
            let name = render_auth(run, step, name)?;
            let name = name.trim();
            let key = render_auth(run, step, value)?;
            run.add_secret(&key);
            run.add_sensitive_header(name);
            match in_ {
                KeyIn::Header => {
                    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        RunError::Automation {
                            step: step.to_owned(),
                            message: format!("`{name}` is not a header name"),
                        }
                    })?;
                    Fixed::Header(header, header_value(run, step, &key)?)
                }
                KeyIn::Query => Fixed::Query(name.to_owned(), key),
            }
        }
        AuthPlan::OAuth2(_) | AuthPlan::Login(_) => return Ok(None),
    }))
}

/// Authenticate `rendered` as the automation's auth says and send it.
pub(crate) async fn send_authenticated(
    run: &Run<'_>,
    step: &str,
    req: &Request,
    mut rendered: Rendered,
    page: Option<u32>,
    record: &mut StepRecord,
) -> Result<Received, RunError> {
    let policy = Policy {
        retry: &req.retry,
        timeout_ms: req.timeout_ms,
    };
    let plan = match (&run.automation.auth, req.no_auth) {
        (Some(plan), false) => plan,
        _ => return send(run, step, policy, &rendered, page, record).await,
    };
    let credentials = run
        .fixed_auth
        .get_or_init(|| fixed(run, step, plan))
        .clone()?;
    match credentials {
        Some(Fixed::Header(name, value)) => {
            rendered.headers.insert(name, value);
        }
        Some(Fixed::Query(name, value)) => {
            rendered.url.query_pairs_mut().append_pair(&name, &value);
        }
        None => return send_with_token(run, step, policy, plan, rendered, page, record).await,
    }
    let received = send(run, step, policy, &rendered, page, record).await?;
    if received.status == 401 {
        return Err(RunError::AuthFailed {
            step: step.to_owned(),
            status: 401,
        });
    }
    Ok(received)
}

async fn send_with_token(
    run: &Run<'_>,
    step: &str,
    policy: Policy<'_>,
    plan: &AuthPlan,
    rendered: Rendered,
    page: Option<u32>,
    record: &mut StepRecord,
) -> Result<Received, RunError> {
    let key = run
        .credential_key
        .get_or_init(|| credential_key(run, plan))
        .clone();
    let slot = run.tokens.slot(&key);
    let mut refreshed = false;
    loop {
        let cached = {
            let mut guard = slot.lock().await;
            let fresh = guard
                .as_ref()
                .filter(|c| !refreshed && c.refresh_at > tokio::time::Instant::now())
                .cloned();
            match fresh {
                Some(c) => c,
                None => {
                    let c = fetch_token(run, step, plan).await?;
                    *guard = Some(c.clone());
                    c
                }
            }
        };
        run.add_secret(cached.value.expose_secret());
        let mut attempt = rendered.clone();
        attempt.headers.insert(
            cached.header.clone(),
            header_value(run, step, cached.value.expose_secret())?,
        );
        let received = send(run, step, policy, &attempt, page, record).await?;
        if received.status != 401 {
            return Ok(received);
        }
        if refreshed {
            return Err(RunError::AuthFailed {
                step: step.to_owned(),
                status: 401,
            });
        }
        // The ERP no longer accepts the token (revoked, or expired early): get a new one,
        // once, unless another run already did.
        {
            let mut guard = slot.lock().await;
            if guard
                .as_ref()
                .is_some_and(|c| c.value.expose_secret() == cached.value.expose_secret())
            {
                *guard = None;
            }
        }
        refreshed = true;
    }
}

/// The cache key of the run's token: the integration, the automation, and a digest of what
/// identifies the credential (token URL, client, user; the login URL).
fn credential_key(run: &Run<'_>, plan: &AuthPlan) -> String {
    let t = &run.automation.templates;
    let tctx = auth_ctx(run);
    let mut h = Sha256::new();
    let mut feed = |tpl: &Tpl| {
        h.update(
            t.render_with(tpl, &tctx, &run.fuel)
                .unwrap_or_default()
                .as_bytes(),
        );
    };
    match plan {
        AuthPlan::OAuth2(o) => {
            feed(&o.token_url);
            feed(&o.client_id);
            if let Some(u) = &o.username {
                feed(u);
            }
        }
        AuthPlan::Login(l) => feed(&l.request.url),
        _ => {}
    }
    let digest: String = h
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}|{}|{digest}", run.env.integration(), run.automation.name)
}

async fn fetch_token(run: &Run<'_>, step: &str, plan: &AuthPlan) -> Result<Cached, RunError> {
    let mut record = StepRecord::new(Arc::from(format!("{step}:auth")), "auth");
    let started = std::time::Instant::now();
    let result = match plan {
        AuthPlan::OAuth2(o) => fetch_oauth2(run, step, o, &mut record).await,
        AuthPlan::Login(l) => fetch_login(run, step, l, &mut record).await,
        _ => Err(RunError::Automation {
            step: step.to_owned(),
            message: "this auth kind has no token".into(),
        }),
    };
    // The token is known only now; the trace is redacted with everything the run learnt, so
    // it is scrubbed from what was recorded of its own response too.
    record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    run.record(record);
    result
}

async fn fetch_oauth2(
    run: &Run<'_>,
    step: &str,
    o: &OAuth2Plan,
    record: &mut StepRecord,
) -> Result<Cached, RunError> {
    let render = |tpl: &Tpl| render_auth(run, step, tpl);
    let client_secret = render(&o.client_secret)?;
    run.add_secret(&client_secret);
    let mut form = vec![
        (
            "grant_type".to_owned(),
            match o.grant {
                GrantDoc::Password => "password".to_owned(),
                GrantDoc::ClientCredentials => "client_credentials".to_owned(),
            },
        ),
        ("client_id".to_owned(), render(&o.client_id)?),
        ("client_secret".to_owned(), client_secret),
    ];
    if o.grant == GrantDoc::Password {
        let user = o
            .username
            .as_ref()
            .map(&render)
            .transpose()?
            .unwrap_or_default();
        let pass = o
            .password
            .as_ref()
            .map(&render)
            .transpose()?
            .unwrap_or_default();
        run.add_secret(&pass);
        form.push(("username".to_owned(), user));
        form.push(("password".to_owned(), pass));
    }
    if let Some(scope) = &o.scope {
        form.push(("scope".to_owned(), scope.clone()));
    }
    let url = render(&o.token_url)?;
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let rendered = Rendered {
        method: http::Method::POST,
        url: url::Url::parse(&url).map_err(|e| RunError::Automation {
            step: step.to_owned(),
            message: format!("auth: token_url is not a URL: {e}"),
        })?,
        headers,
        body: RenderedBody::Form(form),
    };
    let policy = Policy {
        retry: &TOKEN_RETRY,
        timeout_ms: None,
    };
    let received = send(run, step, policy, &rendered, None, record).await?;
    let body = crate::request::decode_body(&received.body, ResponseAs::Auto);
    let token = body
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !(200..300).contains(&received.status) || token.is_empty() {
        return Err(RunError::AuthFailed {
            step: step.to_owned(),
            status: received.status,
        });
    }
    run.add_secret(&token);
    let expires_in = body
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(3600);
    Ok(Cached {
        header: AUTHORIZATION,
        value: SecretString::from(format!("Bearer {token}")),
        refresh_at: refresh_at(expires_in, o.refresh_before_secs),
    })
}

async fn fetch_login(
    run: &Run<'_>,
    step: &str,
    l: &LoginPlan,
    record: &mut StepRecord,
) -> Result<Cached, RunError> {
    let shared = run.env.shared();
    let empty = || Some(crate::template::context(&serde_json::Map::new()));
    let ctx = TemplateScope {
        input: empty(),
        vars: Some(run.values.vars_mj.clone()),
        settings: Some(shared.settings_mj.clone()),
        steps: empty(),
        secrets: Some(shared.secrets_mj.clone()),
        ..TemplateScope::default()
    }
    .into_value();
    let rendered = render(run, step, &l.request, &ctx)?;
    let policy = Policy {
        retry: &l.request.retry,
        timeout_ms: l.request.timeout_ms,
    };
    let received = send(run, step, policy, &rendered, None, record).await?;
    let body = crate::request::decode_body(&received.body, l.request.response_as);
    let token = l
        .token
        .first(&body)
        .map(|v| crate::filters::text(&v))
        .unwrap_or_default();
    if !(200..300).contains(&received.status) || token.is_empty() {
        return Err(RunError::AuthFailed {
            step: step.to_owned(),
            status: received.status,
        });
    }
    run.add_secret(&token);
    let expires_in = l
        .expires_in
        .as_ref()
        .and_then(|p| p.first(&body).ok())
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .unwrap_or(l.ttl_secs);
    let value_ctx = TemplateScope {
        token: Some(minijinja::Value::from(token.as_str())),
        vars: Some(run.values.vars_mj.clone()),
        ..TemplateScope::default()
    }
    .into_value();
    let value = run
        .automation
        .templates
        .render_with(&l.value, &value_ctx, &run.fuel)
        .map_err(|message| RunError::Automation {
            step: step.to_owned(),
            message: format!("auth: {message}"),
        })?;
    let header = HeaderName::from_bytes(l.header.as_bytes()).map_err(|_| RunError::Automation {
        step: step.to_owned(),
        message: format!("auth: `{}` is not a header name", l.header),
    })?;
    run.add_sensitive_header(&l.header);
    Ok(Cached {
        header,
        value: SecretString::from(value),
        refresh_at: refresh_at(expires_in, l.refresh_before_secs),
    })
}

fn refresh_at(expires_in: u64, before: u64) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(expires_in.saturating_sub(before))
}
