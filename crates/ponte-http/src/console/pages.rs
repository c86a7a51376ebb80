//! What every page shares: the layout's context, rendering, and the refusal and error pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Value;
use ponte_core::service::CallError;
use serde::Serialize;

use super::session::Session;
use super::templates;
use super::text::Text;

/// The layout's view of the signed-in operator.
#[derive(Debug, Serialize)]
pub struct Operator<'a> {
    name: &'a str,
    role: &'static str,
    may_change: bool,
    csrf: &'a str,
}

impl<'a> Operator<'a> {
    /// The operator of a session.
    pub fn of(session: &'a Session) -> Self {
        Operator {
            name: &session.actor.name,
            role: session.actor.role.as_str(),
            may_change: session.actor.role.may_change(),
            csrf: &session.csrf,
        }
    }
}

/// Renders `template` for a signed-in operator, `nav` naming the active section.
pub fn page(template: &str, session: &Session, nav: &str, context: serde_json::Value) -> Response {
    let mut context = context;
    if let Some(fields) = context.as_object_mut() {
        fields.insert(
            "operator".to_owned(),
            serde_json::to_value(Operator::of(session)).unwrap_or_default(),
        );
        fields.insert("nav".to_owned(), nav.into());
    }
    html(StatusCode::OK, template, &context)
}

/// Renders a template with a bare context and a status.
pub fn html(status: StatusCode, template: &str, context: &impl Serialize) -> Response {
    match templates::render(template, Value::from(minijinja::value::Serde(context))) {
        Ok(body) => with_headers((status, Html(body)).into_response()),
        Err(err) => {
            tracing::error!(template, error = %err, "a console page failed to render");
            with_headers(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html(Text::PT_BR.get("error.title")),
                )
                    .into_response(),
            )
        }
    }
}

/// The headers every console page carries: no caching (pages may hold a key just created), no
/// framing, scripts and styles from this origin only.
fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A refused change: the status, and a page saying why in the operator's words.
pub fn refusal(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
    let text = Text::PT_BR;
    html(
        status,
        "message.html",
        &serde_json::json!({
            "title": text.get("refused.title"),
            "message": text.get(message),
            "message_id": message,
        }),
    )
}

/// A use case's error as a page: its code and detail (which never hold a secret).
pub fn error(session: &Session, err: &CallError) -> Response {
    let status = StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = page(
        "message.html",
        session,
        "",
        serde_json::json!({
            "title": Text::PT_BR.get("error.title"),
            "message": err.detail.clone(),
            "code": err.code.code(),
        }),
    );
    *response.status_mut() = status;
    response
}
