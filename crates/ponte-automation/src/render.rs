//! Rendering: a compiled request and a template context become the request to send, before
//! authentication. The first stage of the request path (render → authenticate → send →
//! decide success → record).

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde_json::{Map, Value};
use url::Url;

use crate::compiled::{Body, JsonTpl, Request};
use crate::error::RunError;
use crate::model::MethodDoc;
use crate::state::Run;

/// A request after rendering, before auth.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: RenderedBody,
}

/// The body of a rendered request, kept structured so pagination can set a parameter in it.
#[derive(Debug, Clone)]
pub(crate) enum RenderedBody {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Raw(String),
}

impl Rendered {
    /// The body as sent.
    pub fn body_bytes(&self) -> Bytes {
        match &self.body {
            RenderedBody::None => Bytes::new(),
            RenderedBody::Json(j) => Bytes::from(j.to_string()),
            RenderedBody::Form(f) => {
                let mut ser = url::form_urlencoded::Serializer::new(String::new());
                ser.extend_pairs(f.iter());
                Bytes::from(ser.finish())
            }
            RenderedBody::Raw(r) => Bytes::from(r.clone()),
        }
    }
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

/// Render `req` for the step `step` with the template context `tctx`.
pub(crate) fn render(
    run: &Run<'_>,
    step: &str,
    req: &Request,
    tctx: &minijinja::Value,
) -> Result<Rendered, RunError> {
    let t = &run.automation.templates;
    let fuel = &run.fuel;
    let fail = |message: String| RunError::Automation {
        step: step.to_owned(),
        message,
    };
    let url_text = t.render_with(&req.url, tctx, fuel).map_err(&fail)?;
    let mut url = Url::parse(url_text.trim())
        .map_err(|e| fail(format!("`{}` is not a URL: {e}", run.redact(&url_text))))?;
    if !req.query.is_empty() {
        let mut pairs = Vec::with_capacity(req.query.len());
        for (k, v, typed) in &req.query {
            if !*typed {
                pairs.push((k.as_str(), t.render_with(v, tctx, fuel).map_err(&fail)?));
                continue;
            }
            // A parameter that is one expression giving `none` is left out.
            match t.render_json(v, true, tctx, fuel).map_err(&fail)? {
                Value::Null => {}
                Value::String(s) => pairs.push((k.as_str(), s)),
                other => pairs.push((k.as_str(), other.to_string())),
            }
        }
        url.query_pairs_mut().extend_pairs(pairs);
    }
    let mut headers = HeaderMap::with_capacity(req.headers.len() + 2);
    for (k, v) in &req.headers {
        let value = t.render_with(v, tctx, fuel).map_err(&fail)?;
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| fail(format!("`{k}` is not a header name")))?;
        let value = HeaderValue::from_str(&value)
            .map_err(|_| fail(format!("header `{k}` has a value that cannot be sent")))?;
        headers.insert(name, value);
    }
    let body = match &req.body {
        Body::None => RenderedBody::None,
        Body::Json(j) => {
            headers
                .entry(CONTENT_TYPE)
                .or_insert(HeaderValue::from_static("application/json"));
            RenderedBody::Json(render_json(run, j, tctx).map_err(&fail)?)
        }
        Body::Form(pairs) => {
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                out.push((k.clone(), t.render_with(v, tctx, fuel).map_err(&fail)?));
            }
            headers
                .entry(CONTENT_TYPE)
                .or_insert(HeaderValue::from_static(
                    "application/x-www-form-urlencoded",
                ));
            RenderedBody::Form(out)
        }
        Body::Raw(tpl) => RenderedBody::Raw(t.render_with(tpl, tctx, fuel).map_err(&fail)?),
    };
    Ok(Rendered {
        method: method_of(req.method),
        url,
        headers,
        body,
    })
}

fn render_json(run: &Run<'_>, tpl: &JsonTpl, ctx: &minijinja::Value) -> Result<Value, String> {
    Ok(match tpl {
        JsonTpl::Literal(v) => v.clone(),
        JsonTpl::Template { tpl, typed } => run
            .automation
            .templates
            .render_json(tpl, *typed, ctx, &run.fuel)?,
        JsonTpl::Array(items) => Value::Array(
            items
                .iter()
                .map(|t| render_json(run, t, ctx))
                .collect::<Result<_, _>>()?,
        ),
        JsonTpl::Object(fields) => {
            let mut map = Map::with_capacity(fields.len());
            for (k, t) in fields {
                map.insert(k.clone(), render_json(run, t, ctx)?);
            }
            Value::Object(map)
        }
    })
}
