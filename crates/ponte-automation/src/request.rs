//! Request steps, the path of one request from start to end: render → authenticate → send
//! under the step's policy → decide success → decode the body; and, for a listing, every page
//! of it. What was sent and received is recorded in the step's record as it goes.

use base64::Engine as _;
use http::HeaderMap;
use http::header::CONTENT_TYPE;
use serde_json::{Map, Value, json};
use url::Url;

use crate::auth::send_authenticated;
use crate::compiled::{Paginate, Request};
use crate::context::{Both, Scope};
use crate::error::{RunError, clean_message, short};
use crate::jq::JqInput;
use crate::model::{OnMaxPages, PageStyle, ParamIn, ResponseAs};
use crate::record::{Pages, StepRecord};
use crate::render::{Rendered, RenderedBody, render};
use crate::send::Received;
use crate::state::Run;

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

/// As [`decode_body`], straight into the form jq reads: a JSON body is parsed into it without
/// a JSON tree in between (its JSON is made later only if something asks for it).
pub(crate) fn decode_for_jq(body: &[u8], how: ResponseAs) -> Both {
    if how == ResponseAs::Auto {
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{' | b'[' | b'"'))
            && let Ok(v) = JqInput::parse(body)
        {
            return Both::from_jq(v);
        }
    }
    match decode_body(body, how) {
        Value::String(text) => Both::from_jq(JqInput::text(text)),
        other => Both::from_json(other),
    }
}

/// A body that says it is JSON (by its content type, or by starting like a JSON document) but
/// did not parse: a cut-off or garbled answer, never a message to show.
fn looks_like_broken_json(received: &Received, decoded: &Both) -> bool {
    if !decoded.jq.is_text() || received.body.iter().all(u8::is_ascii_whitespace) {
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

/// Run a request step: one request, or all pages of a listing.
pub(crate) async fn request(
    run: &Run<'_>,
    step: &str,
    req: &Request,
    scope: &Scope<'_>,
    record: &mut StepRecord,
) -> Result<Both, RunError> {
    let rendered = render(run, step, req, &scope.for_templates())?;
    let Some(pg) = &req.paginate else {
        let (value, _, _) = exchange(run, step, req, rendered, None, record).await?;
        return Ok(value);
    };
    paginate(run, step, req, pg, rendered, record).await
}

/// One authenticated exchange with success decided; returns the step value (its `body` is
/// the decoded response) and the body converted for jq, once for every program reading it.
async fn exchange(
    run: &Run<'_>,
    step: &str,
    req: &Request,
    rendered: Rendered,
    page: Option<u32>,
    record: &mut StepRecord,
) -> Result<(Both, JqInput, bool), RunError> {
    let received = send_authenticated(run, step, req, rendered, page, record).await?;
    let body = decode_for_jq(&received.body, req.response_as);
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
        return Ok((value, page_jq, true));
    };
    if req.continue_on_error {
        value.insert("error", Both::from_json(Value::String(message)));
        return Ok((value, page_jq, false));
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
    run: &Run<'_>,
    step: &str,
    req: &Request,
    pg: &Paginate,
    first: Rendered,
    record: &mut StepRecord,
) -> Result<Both, RunError> {
    let mut records_jq: Vec<JqInput> = Vec::new();
    let mut last: Option<Both> = None;
    let mut last_body: Option<JqInput> = None;
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
        let (value, input, ok) = exchange(run, step, req, rendered, Some(pages), record).await?;
        if !ok {
            // continue_on_error: hand the failed page to the automation as it is.
            return Ok(value);
        }
        let items = pg
            .items
            .first_jq(&input)
            .map_err(|e| RunError::InvalidResponse {
                step: step.to_owned(),
                message: format!("page items: {}", e.0),
            })?;
        if !items.is_null() && !items.is_list() {
            return Err(RunError::InvalidResponse {
                step: step.to_owned(),
                message: format!("page items must be a list, got {}", short(&items.to_json())),
            });
        }
        let items = items.into_items();
        // `last_body` holds the previous page's: every page before this one went through the
        // loop.
        let repeated = last_body.as_ref().is_some_and(|b| b.same_as(&input));
        last_body = Some(input.clone());
        last = Some(value);
        if items.is_empty() {
            stopped_by = "empty_page";
            break;
        }
        if repeated {
            stopped_by = "repeated_page";
            break;
        }
        records_jq.extend(items);
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
    record.pagination = Some(Pages {
        pages,
        records: records_jq.len(),
        stopped_by,
    });
    let pages = Both::from_json(Value::from(pages));
    let items = Both::from_jq(JqInput::list(records_jq));
    Ok(match last {
        Some(mut last) => {
            last.insert("pages", pages);
            last.insert("items", items);
            last
        }
        None => Both::object(vec![
            ("ok", Both::from_json(Value::Bool(true))),
            ("pages", pages),
            ("items", items),
        ]),
    })
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
            if !matches!(rendered.body, RenderedBody::Json(_)) {
                rendered.body = RenderedBody::Json(json!({}));
            }
            if let RenderedBody::Json(Value::Object(map)) = &mut rendered.body {
                map.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        ParamIn::Form => {
            if !matches!(rendered.body, RenderedBody::Form(_)) {
                rendered.body = RenderedBody::Form(Vec::new());
            }
            if let RenderedBody::Form(form) = &mut rendered.body {
                form.retain(|(k, _)| k != name);
                form.push((name.to_owned(), value.to_owned()));
            }
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
        match body.json() {
            Value::String(s) => clean_message(s),
            other => short(other),
        }
    } else {
        clean_message(&message)
    }
}
