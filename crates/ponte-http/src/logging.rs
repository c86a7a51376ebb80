//! One structured log line per request.
//!
//! The request's span carries `function`, `integration` and `execution_id`, filled in by the
//! handler and the service as they learn them; the closing event adds `status` and
//! `duration_ms`. Only the path is logged, never the query, headers or body, so no API key,
//! secret or customer document reaches the log.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        function = Empty,
        integration = Empty,
        execution_id = Empty,
    );
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    let code = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == crate::problem::PROBLEM_JSON.as_bytes());
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, duration_ms, problem = code, "request failed");
        } else {
            tracing::info!(status, duration_ms, problem = code, "request finished");
        }
    });
    response
}
