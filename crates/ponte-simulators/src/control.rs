//! The control API every simulator answers under `/__sim/`, and the middleware that counts
//! requests and applies [`crate::faults`].
//!
//! - `GET /__sim/faults`: the active rules, as a JSON array of [`FaultSpec`].
//! - `POST /__sim/faults`: adds one rule (a [`FaultSpec`] object) or several (an array).
//! - `DELETE /__sim/faults`: removes every rule.
//! - `GET /__sim/requests`: `{"total": n, "paths": {"/webservice/v1/cliente": 3, ...}}`.
//! - `DELETE /__sim/requests`: resets the counters.
//!
//! Requests are counted when they arrive, before any fault is applied, so a benchmark sees every
//! call its client made, failed ones included. Control calls are neither counted nor faulted.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::faults::{Fault, FaultRule, FaultSpec, Faults};

/// Per-path request counters of one running simulator. Cloning shares the counters.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl RequestLog {
    /// Counts one request to `path` (a trailing `/` is ignored, as the ERPs ignore it).
    pub fn record(&self, path: &str) {
        *self.lock().entry(normalise(path).to_string()).or_insert(0) += 1;
    }

    /// Requests seen on exactly this path.
    pub fn count(&self, path: &str) -> u64 {
        self.lock().get(normalise(path)).copied().unwrap_or(0)
    }

    /// Requests seen on every path.
    pub fn total(&self) -> u64 {
        self.lock().values().sum()
    }

    /// A copy of all counters.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        // Counters stay consistent even if a holder panicked: each change is one insert.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn normalise(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => path,
    }
}

/// Tells hung requests that the simulator is shutting down, so they end (as a dropped
/// connection) instead of keeping the server's connections open forever.
#[derive(Debug, Clone)]
pub struct Closing(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Closing {
    fn default() -> Self {
        Closing(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Closing {
    /// Releases every hung request, now and later.
    pub fn close(&self) {
        self.0.send_replace(true);
    }

    async fn wait(&self) {
        let mut receiver = self.0.subscribe();
        // An error means the sender is gone, which only happens when nothing can close anymore.
        if receiver.wait_for(|closed| *closed).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The ERP-specific pieces of a fault answer.
#[derive(Debug, Clone)]
pub struct Flavor {
    /// Content type of the ERP's JSON answers (used by the malformed-JSON fault).
    pub json_content_type: &'static str,
    /// The ERP's answer to a refused credential.
    pub reject_token: fn() -> Response,
}

/// Everything the control API and the middleware share.
#[derive(Debug, Clone)]
pub struct Control {
    /// The fault rules.
    pub faults: Faults,
    /// The request counters.
    pub requests: RequestLog,
    /// How this ERP shapes its answers.
    pub flavor: Flavor,
    /// Released on shutdown.
    pub closing: Closing,
}

/// Adds the `/__sim/` routes and the counting/fault middleware to a simulator's router.
pub fn wrap(router: Router, control: Control) -> Router {
    let routes = Router::new()
        .route(
            "/__sim/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/__sim/requests", get(list_requests).delete(reset_requests))
        .with_state(control.clone());
    router
        .merge(routes)
        .layer(middleware::from_fn_with_state(control, intercept))
}

async fn intercept(State(control): State<Control>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/__sim/") {
        return next.run(request).await;
    }
    control.requests.record(&path);
    let Some(fault) = control.faults.take(&path) else {
        return next.run(request).await;
    };
    match fault {
        Fault::Latency(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Status(status) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "text/html")],
            "simulated failure",
        )
            .into_response(),
        Fault::DropConnection => dropped(),
        Fault::Hang => {
            control.closing.wait().await;
            dropped()
        }
        Fault::MalformedJson => (
            [(header::CONTENT_TYPE, control.flavor.json_content_type)],
            r#"{"page":"1","total":"1","registros":[{"id":"1","#,
        )
            .into_response(),
        Fault::RejectToken => (control.flavor.reject_token)(),
        Fault::LostAnswer => {
            // The handler runs to the end (its changes stay), then the answer is thrown away.
            drop(next.run(request).await);
            dropped()
        }
        Fault::LostAnswerHang => {
            drop(next.run(request).await);
            control.closing.wait().await;
            dropped()
        }
        Fault::LostAnswerStatus(status) => {
            drop(next.run(request).await);
            (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                [(header::CONTENT_TYPE, "text/html")],
                "simulated failure after the request was applied",
            )
                .into_response()
        }
        Fault::RateLimit { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
            "Too Many Requests",
        )
            .into_response(),
    }
}

/// A body that fails on its first poll makes the server abort the connection instead of
/// finishing the answer.
fn dropped() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped"))
    });
    Response::new(Body::from_stream(failing))
}

async fn list_faults(State(control): State<Control>) -> Json<Vec<FaultSpec>> {
    Json(control.faults.rules().iter().map(FaultSpec::from).collect())
}

async fn add_faults(State(control): State<Control>, body: Bytes) -> Response {
    let specs: Vec<FaultSpec> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => match serde_json::from_value(Value::Array(items)) {
            Ok(specs) => specs,
            Err(err) => return bad_request(&err.to_string()),
        },
        Ok(other) => match serde_json::from_value(other) {
            Ok(spec) => vec![spec],
            Err(err) => return bad_request(&err.to_string()),
        },
        Err(err) => return bad_request(&err.to_string()),
    };
    let mut rules = Vec::with_capacity(specs.len());
    for spec in specs {
        match FaultRule::try_from(spec) {
            Ok(rule) => rules.push(rule),
            Err(err) => return bad_request(&err.to_string()),
        }
    }
    for rule in rules {
        control.faults.add(rule);
    }
    list_faults(State(control)).await.into_response()
}

async fn clear_faults(State(control): State<Control>) -> StatusCode {
    control.faults.clear();
    StatusCode::NO_CONTENT
}

async fn list_requests(State(control): State<Control>) -> Json<Value> {
    Json(json!({
        "total": control.requests.total(),
        "paths": control.requests.snapshot(),
    }))
}

async fn reset_requests(State(control): State<Control>) -> StatusCode {
    control.requests.reset();
    StatusCode::NO_CONTENT
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_slash_counts_as_the_same_path() {
        let log = RequestLog::default();
        log.record("/webservice/v1/cliente/");
        log.record("/webservice/v1/cliente");
        assert_eq!(log.count("/webservice/v1/cliente"), 2);
        assert_eq!(log.total(), 2);
    }
}
