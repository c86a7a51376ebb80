//! Authentication of requests, and the token cache of OAuth2 and login sessions.
//!
//! Tokens are cached per integration and credential, refreshed `refresh_before_secs` before
//! they expire, fetched by one run at a time (the others wait for it), and refreshed once when
//! the ERP answers 401 anyway. Token values are added to the run's redactor the moment they are
//! known, so they never reach a trace; the cache's `Debug` prints no token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::compiled::{AuthPlan, Body, LoginPlan, OAuth2Plan, Request, RetryPolicy};
use crate::engine::{Engine, Run};
use crate::error::RunError;
use crate::http::{Received, Rendered, decode_body};
use crate::model::{GrantDoc, KeyIn, MethodDoc, ResponseAs};
use crate::template::{Tpl, context};
use crate::trace::StepTrace;

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

/// The retry and timeout policy of token requests: a token endpoint is asked at most twice.
fn token_policy() -> Request {
    Request {
        method: MethodDoc::Post,
        url: Tpl::Literal(String::new()),
        query: Vec::new(),
        headers: Vec::new(),
        body: Body::None,
        success: None,
        success_status: None,
        error_message: None,
        continue_on_error: false,
        retry: RetryPolicy {
            attempts: 2,
            backoff_ms: 200,
            max_backoff_ms: 1_000,
            on_status: vec![502, 503, 504],
        },
        paginate: None,
        response_as: ResponseAs::Auto,
        timeout_ms: None,
        no_auth: true,
    }
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

impl Engine {
    pub(crate) async fn send_authenticated(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        mut rendered: Rendered,
        page: Option<u32>,
        trace: &mut StepTrace,
    ) -> Result<Received, RunError> {
        let plan = match (&run.automation.auth, req.no_auth) {
            (Some(plan), false) => plan,
            _ => return self.send(run, step, req, &rendered, page, trace).await,
        };
        let t = &run.automation.templates;
        let tctx = run.auth_ctx();
        let render = |tpl: &Tpl| {
            t.render(tpl, &tctx)
                .map_err(|message| RunError::Automation {
                    step: step.to_owned(),
                    message: format!("auth: {message}"),
                })
        };
        match plan {
            AuthPlan::Basic { username, password } => {
                let user = render(username)?;
                let pass = render(password)?;
                run.add_secret(&pass);
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                rendered.headers.insert(
                    AUTHORIZATION,
                    header_value(run, step, &format!("Basic {encoded}"))?,
                );
                run.add_secret(&encoded);
            }
            AuthPlan::Bearer { token } => {
                let token = render(token)?;
                run.add_secret(&token);
                rendered.headers.insert(
                    AUTHORIZATION,
                    header_value(run, step, &format!("Bearer {token}"))?,
                );
            }
            AuthPlan::ApiKey { in_, name, value } => {
                let key = render(value)?;
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
                        rendered
                            .headers
                            .insert(header, header_value(run, step, &key)?);
                    }
                    KeyIn::Query => {
                        rendered.url.query_pairs_mut().append_pair(name, &key);
                    }
                }
            }
            AuthPlan::OAuth2(_) | AuthPlan::Login(_) => {
                return self
                    .send_with_token(run, step, req, plan, rendered, page, trace)
                    .await;
            }
        }
        let received = self.send(run, step, req, &rendered, page, trace).await?;
        if received.status == 401 {
            return Err(RunError::AuthFailed {
                step: step.to_owned(),
                status: 401,
            });
        }
        Ok(received)
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_with_token(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        plan: &AuthPlan,
        rendered: Rendered,
        page: Option<u32>,
        trace: &mut StepTrace,
    ) -> Result<Received, RunError> {
        let key = self.credential_key(run, plan);
        let slot = self.tokens.slot(&key);
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
                        let c = self.fetch_token(run, step, plan).await?;
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
            let received = self.send(run, step, req, &attempt, page, trace).await?;
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

    fn credential_key(&self, run: &Run<'_>, plan: &AuthPlan) -> String {
        let t = &run.automation.templates;
        let tctx = run.auth_ctx();
        let mut h = Sha256::new();
        let mut feed = |tpl: &Tpl| h.update(t.render(tpl, &tctx).unwrap_or_default().as_bytes());
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
        format!("{}|{}|{digest}", run.env.integration, run.automation.name)
    }

    async fn fetch_token(
        &self,
        run: &Run<'_>,
        step: &str,
        plan: &AuthPlan,
    ) -> Result<Cached, RunError> {
        let mut trace = StepTrace {
            id: format!("{step}:auth"),
            kind: "auth".into(),
            ..StepTrace::default()
        };
        let started = std::time::Instant::now();
        let result = match plan {
            AuthPlan::OAuth2(o) => self.fetch_oauth2(run, step, o, &mut trace).await,
            AuthPlan::Login(l) => self.fetch_login(run, step, l, &mut trace).await,
            _ => Err(RunError::Automation {
                step: step.to_owned(),
                message: "this auth kind has no token".into(),
            }),
        };
        // The token is known only now: scrub it from what was recorded of its own response.
        let redactor = run.redactor();
        for r in &mut trace.requests {
            r.response_body = r.response_body.as_deref().map(|b| redactor.text(b));
            r.body = r.body.as_deref().map(|b| redactor.text(b));
        }
        trace.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        run.record(trace);
        result
    }

    async fn fetch_oauth2(
        &self,
        run: &Run<'_>,
        step: &str,
        o: &OAuth2Plan,
        trace: &mut StepTrace,
    ) -> Result<Cached, RunError> {
        let t = &run.automation.templates;
        let tctx = run.auth_ctx();
        let render = |tpl: &Tpl| {
            t.render(tpl, &tctx)
                .map_err(|message| RunError::Automation {
                    step: step.to_owned(),
                    message: format!("auth: {message}"),
                })
        };
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
            json: None,
            form: Some(form),
            raw: None,
        };
        let received = self
            .send(run, step, &token_policy(), &rendered, None, trace)
            .await?;
        let body = decode_body(&received.body, ResponseAs::Auto);
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
        &self,
        run: &Run<'_>,
        step: &str,
        l: &LoginPlan,
        trace: &mut StepTrace,
    ) -> Result<Cached, RunError> {
        let ctx = json!({"vars": run.vars, "settings": run.env.settings, "steps": {}, "input": {}});
        let rendered = self.render(run, step, &l.request, &run.template_ctx_of(&ctx))?;
        let received = self
            .send(run, step, &l.request, &rendered, None, trace)
            .await?;
        let body = decode_body(&received.body, l.request.response_as);
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
        let value = run
            .automation
            .templates
            .render(
                &l.value,
                &context(&json!({"token": token, "vars": run.vars})),
            )
            .map_err(|message| RunError::Automation {
                step: step.to_owned(),
                message: format!("auth: {message}"),
            })?;
        let header =
            HeaderName::from_bytes(l.header.as_bytes()).map_err(|_| RunError::Automation {
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
}

fn refresh_at(expires_in: u64, before: u64) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(expires_in.saturating_sub(before))
}
