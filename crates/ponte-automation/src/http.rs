//! Request steps: render, authenticate, send with retries and redirects, decide success,
//! decode the body, and read every page of a paginated listing.

use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use http::{HeaderMap, Method};
use serde_json::{Map, Value, json};
use url::Url;

use crate::compiled::{Body, JsonTpl, Paginate, Request};
use crate::context::{Both, Scope};
use crate::engine::{Engine, Run};
use crate::error::{RunError, clean_message, short};
use crate::jq::JqInput;
use crate::model::{MethodDoc, OnMaxPages, PageStyle, ParamIn, ResponseAs};
use crate::trace::{PaginationTrace, RequestTrace, StepTrace};
use crate::transport::{OutboundRequest, TransportError};

/// A request after rendering, before auth.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub json: Option<Value>,
    pub form: Option<Vec<(String, String)>>,
    pub raw: Option<String>,
}

impl Rendered {
    fn body_bytes(&self) -> Bytes {
        if let Some(j) = &self.json {
            Bytes::from(j.to_string())
        } else if let Some(f) = &self.form {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            ser.extend_pairs(f.iter());
            Bytes::from(ser.finish())
        } else if let Some(r) = &self.raw {
            Bytes::from(r.clone())
        } else {
            Bytes::new()
        }
    }
}

/// A response after the engine's checks.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

fn method_of(m: MethodDoc) -> Method {
    match m {
        MethodDoc::Get => Method::GET,
        MethodDoc::Post => Method::POST,
        MethodDoc::Put => Method::PUT,
        MethodDoc::Patch => Method::PATCH,
        MethodDoc::Delete => Method::DELETE,
    }
}

/// Decode a body as the step asks: JSON when it parses (whatever the content type claims),
/// else text when UTF-8, else base64.
pub(crate) fn decode_body(body: &[u8], how: ResponseAs) -> Value {
    match how {
        ResponseAs::Base64 => Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
        ResponseAs::Text => Value::String(String::from_utf8_lossy(body).into_owned()),
        ResponseAs::Auto => {
            let first = body.iter().find(|b| !b.is_ascii_whitespace());
            if matches!(first, Some(b'{' | b'[' | b'"'))
                && let Ok(v) = serde_json::from_slice::<Value>(body)
            {
                return v;
            }
            match std::str::from_utf8(body) {
                Ok(text) => Value::String(text.to_owned()),
                Err(_) => Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            }
        }
    }
}

/// A body that says it is JSON (by its content type, or by starting like a JSON document) but
/// did not parse: a cut-off or garbled answer, never a message to show.
fn looks_like_broken_json(received: &Received, decoded: &Value) -> bool {
    if !decoded.is_string() || received.body.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    let declared = received
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let first = received.body.iter().find(|b| !b.is_ascii_whitespace());
    declared || matches!(first, Some(b'{' | b'['))
}

fn headers_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for (k, v) in headers {
        map.insert(
            k.as_str().to_owned(),
            Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        );
    }
    Value::Object(map)
}

/// How a URL's host passed the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostCheck {
    /// Named in `allowed_hosts` (or the host of `base_url`): any address, private ones too.
    Named,
    /// Let through only by the wildcard `*`: public addresses only.
    Public,
    /// Not allowed.
    Denied,
}

fn host_allowed(url: &Url, run: &Run<'_>) -> HostCheck {
    let Some(host) = url.host_str() else {
        return HostCheck::Denied;
    };
    let with_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
    let mut allowed: Vec<String> = run.env.allowed_hosts.clone();
    if allowed.is_empty()
        && let Some(base) = run.vars.get("base_url")
        && let Ok(u) = Url::parse(base)
        && let Some(h) = u.host_str()
    {
        allowed.push(h.to_owned());
    }
    let named = allowed.iter().any(|a| {
        a.eq_ignore_ascii_case(host)
            || with_port
                .as_deref()
                .is_some_and(|wp| a.eq_ignore_ascii_case(wp))
    });
    if named {
        return HostCheck::Named;
    }
    if !allowed.iter().any(|a| a == "*") {
        return HostCheck::Denied;
    }
    // The wildcard never opens the private networks: an internal address must be named.
    match url.host() {
        Some(url::Host::Ipv4(ip)) if crate::transport::is_internal(ip.into()) => HostCheck::Denied,
        Some(url::Host::Ipv6(ip)) if crate::transport::is_internal(ip.into()) => HostCheck::Denied,
        Some(url::Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") => {
            HostCheck::Denied
        }
        _ => HostCheck::Public,
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate_parse(raw)?;
    Some(
        when.saturating_sub(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?,
        ),
    )
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate_parse(raw: &str) -> Option<Duration> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let dt = time::PrimitiveDateTime::parse(raw, format).ok()?;
    let secs = dt.assume_utc().unix_timestamp();
    u64::try_from(secs).ok().map(Duration::from_secs)
}

fn backoff(attempt: u32, base_ms: u64, max_ms: u64) -> Duration {
    let exp = base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(max_ms);
    // Jitter of up to a quarter spreads retries of concurrent runs.
    let jitter = if capped >= 4 {
        rand::random_range(0..capped / 4)
    } else {
        0
    };
    Duration::from_millis(capped - jitter)
}

impl Engine {
    pub(crate) fn render(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        tctx: &minijinja::Value,
    ) -> Result<Rendered, RunError> {
        let t = &run.automation.templates;
        let fail = |message: String| RunError::Automation {
            step: step.to_owned(),
            message,
        };
        let url_text = t.render(&req.url, tctx).map_err(&fail)?;
        let mut url = Url::parse(url_text.trim()).map_err(|e| {
            fail(format!(
                "`{}` is not a URL: {e}",
                run.redactor().text(&url_text)
            ))
        })?;
        if !req.query.is_empty() {
            let mut pairs = Vec::with_capacity(req.query.len());
            for (k, v) in &req.query {
                pairs.push((k.clone(), t.render(v, tctx).map_err(&fail)?));
            }
            url.query_pairs_mut().extend_pairs(pairs);
        }
        let mut headers = HeaderMap::new();
        for (k, v) in &req.headers {
            let value = t.render(v, tctx).map_err(&fail)?;
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| fail(format!("`{k}` is not a header name")))?;
            let value = HeaderValue::from_str(&value)
                .map_err(|_| fail(format!("header `{k}` has a value that cannot be sent")))?;
            headers.insert(name, value);
        }
        let mut rendered = Rendered {
            method: method_of(req.method),
            url,
            headers,
            json: None,
            form: None,
            raw: None,
        };
        match &req.body {
            Body::None => {}
            Body::Json(j) => {
                rendered.json = Some(render_json(run, j, tctx).map_err(&fail)?);
                rendered
                    .headers
                    .entry(CONTENT_TYPE)
                    .or_insert(HeaderValue::from_static("application/json"));
            }
            Body::Form(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push((k.clone(), t.render(v, tctx).map_err(&fail)?));
                }
                rendered.form = Some(out);
                rendered
                    .headers
                    .entry(CONTENT_TYPE)
                    .or_insert(HeaderValue::from_static(
                        "application/x-www-form-urlencoded",
                    ));
            }
            Body::Raw(tpl) => rendered.raw = Some(t.render(tpl, tctx).map_err(&fail)?),
        }
        Ok(rendered)
    }

    /// Send a rendered request: allow-list, redirects, retries, `Retry-After`, deadlines.
    /// Every attempt is written to `trace`.
    pub(crate) async fn send(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        rendered: &Rendered,
        page: Option<u32>,
        trace: &mut StepTrace,
    ) -> Result<Received, RunError> {
        let mut attempt = 0;
        let mut current = rendered.clone();
        let mut redirects = 0;
        let mut visited = vec![current.url.clone()];
        loop {
            attempt += 1;
            let public_only = match host_allowed(&current.url, run) {
                HostCheck::Named => false,
                HostCheck::Public => true,
                HostCheck::Denied => {
                    return Err(RunError::HostNotAllowed {
                        step: step.to_owned(),
                        host: current.url.host_str().unwrap_or_default().to_owned(),
                    });
                }
            };
            let remaining = run.remaining();
            if remaining.is_zero() {
                return Err(RunError::Timeout {
                    step: step.to_owned(),
                    after_ms: run.limits.total_timeout_ms,
                });
            }
            let timeout =
                Duration::from_millis(req.timeout_ms.unwrap_or(run.limits.request_timeout_ms))
                    .min(remaining);
            let body = current.body_bytes();
            let redactor = run.redactor();
            let mut entry = RequestTrace {
                method: current.method.to_string(),
                url: redactor.url(&current.url),
                headers: redactor.headers(&current.headers),
                body: (!body.is_empty()).then(|| {
                    redactor.body(&String::from_utf8_lossy(&body), run.limits.trace_body_bytes)
                }),
                attempt,
                page,
                ..RequestTrace::default()
            };
            let started = Instant::now();
            let outcome = self
                .transport
                .send(OutboundRequest {
                    method: current.method.clone(),
                    url: current.url.clone(),
                    headers: current.headers.clone(),
                    body,
                    timeout,
                    max_response_bytes: run.limits.max_response_bytes,
                    public_only,
                })
                .await;
            entry.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let can_retry = attempt < req.retry.attempts;
            match outcome {
                Err(e) => {
                    entry.error = Some(e.to_string());
                    trace.requests.push(entry);
                    if e.is_transient() && can_retry {
                        self.pause(
                            run,
                            backoff(attempt, req.retry.backoff_ms, req.retry.max_backoff_ms),
                        )
                        .await;
                        continue;
                    }
                    return Err(match e {
                        TransportError::Timeout(d) => RunError::Timeout {
                            step: step.to_owned(),
                            after_ms: u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                        },
                        TransportError::TooLarge { limit } => RunError::LimitExceeded {
                            step: step.to_owned(),
                            message: format!("the response is larger than {limit} bytes"),
                        },
                        other => RunError::Unavailable {
                            step: step.to_owned(),
                            message: other.to_string(),
                        },
                    });
                }
                Ok(resp) => {
                    entry.status = Some(resp.status);
                    entry.content_type = resp
                        .headers
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    entry.response_body = Some(trace_body(
                        &redactor,
                        &resp.body,
                        run.limits.trace_body_bytes,
                    ));
                    trace.requests.push(entry);
                    if (300..400).contains(&resp.status)
                        && resp.status != 304
                        && let Some(location) =
                            resp.headers.get(LOCATION).and_then(|v| v.to_str().ok())
                    {
                        let next =
                            current
                                .url
                                .join(location)
                                .map_err(|_| RunError::InvalidResponse {
                                    step: step.to_owned(),
                                    message: format!("redirect to an invalid address `{location}`"),
                                })?;
                        redirects += 1;
                        if visited.contains(&next) || redirects > run.limits.max_redirects {
                            return Err(RunError::InvalidResponse {
                                step: step.to_owned(),
                                message: format!(
                                    "redirect loop (more than {} redirects or a repeated address)",
                                    run.limits.max_redirects
                                ),
                            });
                        }
                        visited.push(next.clone());
                        if resp.status == 303 {
                            current.method = Method::GET;
                            current.json = None;
                            current.form = None;
                            current.raw = None;
                        }
                        current.url = next;
                        attempt -= 1;
                        continue;
                    }
                    if req.retry.on_status.contains(&resp.status) && can_retry {
                        let wait = match retry_after(&resp.headers) {
                            Some(wait)
                                if wait.as_secs() > run.limits.max_retry_after_secs
                                    || wait >= run.remaining() =>
                            {
                                return Err(RunError::Unavailable {
                                    step: step.to_owned(),
                                    message: format!(
                                        "the ERP asks to retry after {} s, longer than allowed",
                                        wait.as_secs()
                                    ),
                                });
                            }
                            Some(wait) => wait,
                            None => {
                                backoff(attempt, req.retry.backoff_ms, req.retry.max_backoff_ms)
                            }
                        };
                        self.pause(run, wait).await;
                        continue;
                    }
                    return Ok(Received {
                        status: resp.status,
                        headers: resp.headers,
                        body: resp.body,
                    });
                }
            }
        }
    }

    async fn pause(&self, run: &Run<'_>, wait: Duration) {
        tokio::time::sleep(wait.min(run.remaining())).await;
    }

    /// Run a request step: one request, or all pages of a listing.
    pub(crate) async fn request(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        scope: &Scope<'_>,
        trace: &mut StepTrace,
    ) -> Result<Both, RunError> {
        let rendered = self.render(run, step, req, &run.template_ctx(scope))?;
        let Some(pg) = &req.paginate else {
            let (value, _) = self.exchange(run, step, req, rendered, None, trace).await?;
            return Ok(value);
        };
        self.paginate(run, step, req, pg, rendered, trace).await
    }

    /// One authenticated exchange with success decided; returns the step value (its `body` is
    /// the decoded response) and the body converted for jq, once for every program reading it.
    async fn exchange(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        rendered: Rendered,
        page: Option<u32>,
        trace: &mut StepTrace,
    ) -> Result<(Both, JqInput), RunError> {
        let received = self
            .send_authenticated(run, step, req, rendered, page, trace)
            .await?;
        let body = decode_body(&received.body, req.response_as);
        if req.response_as == ResponseAs::Auto && looks_like_broken_json(&received, &body) {
            return Err(RunError::InvalidResponse {
                step: step.to_owned(),
                message: format!(
                    "the ERP sent malformed JSON (HTTP {}, {} bytes)",
                    received.status,
                    received.body.len()
                ),
            });
        }
        let status_ok = match &req.success_status {
            Some(list) => list.contains(&received.status),
            None => (200..300).contains(&received.status),
        };
        let body = Both::from_json(body);
        let predicate_ok = match (&req.success, status_ok) {
            (Some(p), true) => p.test_on(&body.jq).map_err(|e| RunError::InvalidResponse {
                step: step.to_owned(),
                message: format!("success check: {}", e.0),
            })?,
            _ => status_ok,
        };
        let error = if predicate_ok {
            None
        } else {
            Some(failure_message(req, &body))
        };
        let page_jq = body.jq.clone();
        let mut value = Both::object(vec![
            ("ok", Both::from_json(Value::Bool(predicate_ok))),
            ("status", Both::from_json(Value::from(received.status))),
            ("headers", Both::from_json(headers_json(&received.headers))),
            ("body", body),
        ]);
        let Some(message) = error else {
            return Ok((value, page_jq));
        };
        if req.continue_on_error {
            value.insert("error", Both::from_json(Value::String(message)));
            return Ok((value, page_jq));
        }
        Err(if received.status >= 500 {
            RunError::Unavailable {
                step: step.to_owned(),
                message: format!("HTTP {}: {message}", received.status),
            }
        } else {
            RunError::Rejected {
                step: step.to_owned(),
                status: received.status,
                message,
            }
        })
    }

    async fn paginate(
        &self,
        run: &Run<'_>,
        step: &str,
        req: &Request,
        pg: &Paginate,
        first: Rendered,
        trace: &mut StepTrace,
    ) -> Result<Both, RunError> {
        let mut records: Vec<Value> = Vec::new();
        let mut records_jq: Vec<JqInput> = Vec::new();
        let mut last = Both::from_json(Value::Null);
        let mut cursor: Option<String> = None;
        let mut next_url: Option<Url> = None;
        let mut pages = 0u32;
        let stopped_by;
        loop {
            if pages >= pg.max_pages {
                if pg.on_max_pages == OnMaxPages::Fail {
                    return Err(RunError::LimitExceeded {
                        step: step.to_owned(),
                        message: format!(
                            "more than {} pages (max_pages); no record was dropped",
                            pg.max_pages
                        ),
                    });
                }
                stopped_by = "max_pages";
                break;
            }
            let mut rendered = first.clone();
            let index = u64::from(pages);
            match pg.style {
                PageStyle::Page => set_param(
                    &mut rendered,
                    pg,
                    pg.param.as_deref(),
                    &(pg.start + index).to_string(),
                ),
                PageStyle::Offset => {
                    let size = pg.size.unwrap_or(1);
                    set_param(
                        &mut rendered,
                        pg,
                        pg.param.as_deref(),
                        &(pg.start + index * size).to_string(),
                    );
                }
                PageStyle::Cursor => {
                    if let Some(c) = &cursor {
                        set_param(&mut rendered, pg, pg.param.as_deref(), c);
                    }
                }
                PageStyle::NextUrl => {
                    if let Some(u) = &next_url {
                        rendered.url = u.clone();
                    }
                }
            }
            if let (Some(size), Some(name)) = (pg.size, pg.size_param.as_deref()) {
                set_param(&mut rendered, pg, Some(name), &size.to_string());
            }
            pages += 1;
            let (value, input) = self
                .exchange(run, step, req, rendered, Some(pages), trace)
                .await?;
            if value.json.get("ok") == Some(&Value::Bool(false)) {
                // continue_on_error: hand the failed page to the automation as it is.
                return Ok(value);
            }
            let (items, items_jq) =
                pg.items
                    .first_both(&input)
                    .map_err(|e| RunError::InvalidResponse {
                        step: step.to_owned(),
                        message: format!("page items: {}", e.0),
                    })?;
            let items = match items {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                other => {
                    return Err(RunError::InvalidResponse {
                        step: step.to_owned(),
                        message: format!("page items must be a list, got {}", short(&other)),
                    });
                }
            };
            // `last` holds the previous page: every page before this one went through the loop.
            let repeated = last.json.get("body") == value.json.get("body");
            last = value;
            if items.is_empty() {
                stopped_by = "empty_page";
                break;
            }
            if repeated {
                stopped_by = "repeated_page";
                break;
            }
            records.extend(items);
            records_jq.extend(items_jq.into_items());
            if let Some(stop) = &pg.stop
                && stop
                    .test_on(&input)
                    .map_err(|e| RunError::InvalidResponse {
                        step: step.to_owned(),
                        message: format!("stop: {}", e.0),
                    })?
            {
                stopped_by = "stop_expression";
                break;
            }
            match pg.style {
                PageStyle::Cursor => {
                    let next = pg
                        .cursor
                        .as_ref()
                        .map(|c| c.first_on(&input))
                        .transpose()
                        .map_err(|e| RunError::InvalidResponse {
                            step: step.to_owned(),
                            message: format!("cursor: {}", e.0),
                        })?;
                    let next = next.map(|v| crate::filters::text(&v)).unwrap_or_default();
                    if next.is_empty() || cursor.as_deref() == Some(next.as_str()) {
                        stopped_by = if next.is_empty() {
                            "no_next"
                        } else {
                            "repeated_page"
                        };
                        break;
                    }
                    cursor = Some(next);
                }
                PageStyle::NextUrl => {
                    let next = pg
                        .next_url
                        .as_ref()
                        .map(|c| c.first_on(&input))
                        .transpose()
                        .map_err(|e| RunError::InvalidResponse {
                            step: step.to_owned(),
                            message: format!("next_url: {}", e.0),
                        })?;
                    let next = next.map(|v| crate::filters::text(&v)).unwrap_or_default();
                    if next.is_empty() {
                        stopped_by = "no_next";
                        break;
                    }
                    let base = next_url.as_ref().unwrap_or(&first.url);
                    let url = base.join(&next).map_err(|_| RunError::InvalidResponse {
                        step: step.to_owned(),
                        message: format!("next page address `{next}` is not a URL"),
                    })?;
                    if next_url.as_ref() == Some(&url) || url == first.url {
                        stopped_by = "repeated_page";
                        break;
                    }
                    next_url = Some(url);
                }
                PageStyle::Page | PageStyle::Offset => {}
            }
        }
        trace.pagination = Some(PaginationTrace {
            pages,
            records: records.len(),
            stopped_by: stopped_by.to_owned(),
        });
        let pages = Both::from_json(Value::from(pages));
        let items = Both {
            json: Value::Array(records),
            jq: JqInput::list(records_jq),
        };
        if last.json.is_object() {
            last.insert("pages", pages);
            last.insert("items", items);
        } else {
            last = Both::object(vec![
                ("ok", Both::from_json(Value::Bool(true))),
                ("pages", pages),
                ("items", items),
            ]);
        }
        Ok(last)
    }
}

fn set_param(rendered: &mut Rendered, pg: &Paginate, name: Option<&str>, value: &str) {
    let Some(name) = name else { return };
    match pg.in_ {
        ParamIn::Query => {
            let pairs: Vec<(String, String)> = rendered
                .url
                .query_pairs()
                .filter(|(k, _)| k != name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            rendered
                .url
                .query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair(name, value);
        }
        ParamIn::Json => {
            let body = rendered.json.get_or_insert_with(|| json!({}));
            if let Value::Object(map) = body {
                map.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        ParamIn::Form => {
            let form = rendered.form.get_or_insert_with(Vec::new);
            form.retain(|(k, _)| k != name);
            form.push((name.to_owned(), value.to_owned()));
        }
    }
}

/// Why a response was not a success: the `error_message` program's text, else the body's.
fn failure_message(req: &Request, body: &Both) -> String {
    let message = match &req.error_message {
        Some(p) => p
            .first_on(&body.jq)
            .ok()
            .map(|v| crate::filters::text(&v))
            .unwrap_or_default(),
        None => String::new(),
    };
    if message.is_empty() {
        match &body.json {
            Value::String(s) => clean_message(s),
            other => short(other),
        }
    } else {
        clean_message(&message)
    }
}

fn trace_body(redactor: &crate::trace::Redactor, body: &[u8], limit: usize) -> String {
    match std::str::from_utf8(body) {
        Ok(text) => redactor.body(text, limit),
        Err(_) => format!("<{} bytes of binary data>", body.len()),
    }
}

fn render_json(run: &Run<'_>, tpl: &JsonTpl, ctx: &minijinja::Value) -> Result<Value, String> {
    Ok(match tpl {
        JsonTpl::Literal(v) => v.clone(),
        JsonTpl::Template { tpl, typed } => {
            run.automation.templates.render_json(tpl, *typed, ctx)?
        }
        JsonTpl::Array(items) => Value::Array(
            items
                .iter()
                .map(|t| render_json(run, t, ctx))
                .collect::<Result<_, _>>()?,
        ),
        JsonTpl::Object(fields) => {
            let mut map = Map::new();
            for (k, t) in fields {
                map.insert(k.clone(), render_json(run, t, ctx)?);
            }
            Value::Object(map)
        }
    })
}
