//! The static ERP: replays the canned IXC answers of `fixtures/ixc/`, and nothing else.
//!
//! No simulator logic and no lock on the request path: a request is checked against the one
//! the IXC preset sends (Basic credential, `ixcsoft: listar`, the exact JSON body) and
//! answered with the stored bytes, so an ERP call costs next to nothing and both targets of
//! the benchmark pay the same for it. Requests are counted per path with atomics; a request
//! that is not one of the canned ones is counted apart and answered with IXC's error envelope,
//! so a target asking something else fails loudly instead of being measured.
//!
//! Besides `/webservice/v1/{cliente,fn_areceber}`: `GET /readyz`, `GET /__counts` (the
//! counters and the first unexpected request) and `POST /__counts/reset`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::fixtures::{Exchange, Fixtures};

/// `xtask static-erp`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one); the address is printed on the first line.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Stop when standard input closes (set by `xtask bench`, so the server never outlives
    /// it).
    #[arg(long, hide = true)]
    pub stop_on_stdin_eof: bool,
}

/// What the static ERP has seen since the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Canned `cliente` listings answered.
    pub cliente: u64,
    /// Canned `fn_areceber` listings answered.
    pub fn_areceber: u64,
    /// Requests that matched nothing (wrong credential, header, path or body).
    pub unexpected: u64,
    /// The first of them, described.
    pub first_unexpected: Option<String>,
}

#[derive(Debug, Default)]
struct Counters {
    cliente: AtomicU64,
    fn_areceber: AtomicU64,
    unexpected: AtomicU64,
    /// Written only for an unexpected request or a reset, never on the replay path.
    first_unexpected: Mutex<Option<String>>,
}

#[derive(Debug)]
struct Erp {
    authorization: String,
    content_type: String,
    cliente: Exchange,
    fn_areceber: Exchange,
    counters: Counters,
}

impl Erp {
    fn unexpected(&self, what: String) -> Response {
        self.counters.unexpected.fetch_add(1, Ordering::Relaxed);
        let mut first = self
            .counters
            .first_unexpected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let message = format!("the static ERP has no answer for {what}");
        first.get_or_insert_with(|| message.clone());
        // IXC's way of failing: HTTP 200, text/html, a JSON error envelope.
        (
            [(header::CONTENT_TYPE, "text/html")],
            json!({"type": "error", "message": message}).to_string(),
        )
            .into_response()
    }
}

/// The static ERP's routes over the given fixtures.
pub fn router(fixtures: Fixtures) -> Router {
    let erp = Arc::new(Erp {
        authorization: fixtures.setup.basic_auth(),
        content_type: fixtures.setup.content_type.clone(),
        cliente: fixtures.cliente,
        fn_areceber: fixtures.fn_areceber,
        counters: Counters::default(),
    });
    Router::new()
        .route("/webservice/v1/{table}", post(replay))
        .route("/readyz", get(|| async { "ready" }))
        .route("/__counts", get(counts))
        .route("/__counts/reset", post(reset))
        .with_state(erp)
}

async fn replay(
    State(erp): State<Arc<Erp>>,
    Path(table): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if text(header::AUTHORIZATION) != erp.authorization {
        erp.unexpected(format!("{table} with another credential"));
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"webservice\"")],
        )
            .into_response();
    }
    let listar = headers
        .get("ixcsoft")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("listar"));
    let exchange = match table.as_str() {
        "cliente" => &erp.cliente,
        "fn_areceber" => &erp.fn_areceber,
        _ => return erp.unexpected(format!("POST {table}")),
    };
    if !listar {
        return erp.unexpected(format!("POST {table} without `ixcsoft: listar`"));
    }
    // Compared as JSON values: key order and spacing are the client's business.
    match serde_json::from_slice::<Value>(&body) {
        Ok(sent) if sent == exchange.request => {}
        _ => {
            return erp.unexpected(format!(
                "POST {table} with the body {}",
                String::from_utf8_lossy(&body)
            ));
        }
    }
    let counter = match exchange.path {
        "cliente" => &erp.counters.cliente,
        _ => &erp.counters.fn_areceber,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    (
        [(header::CONTENT_TYPE, erp.content_type.clone())],
        exchange.answer.clone(),
    )
        .into_response()
}

async fn counts(State(erp): State<Arc<Erp>>) -> Json<Counts> {
    let c = &erp.counters;
    Json(Counts {
        cliente: c.cliente.load(Ordering::Relaxed),
        fn_areceber: c.fn_areceber.load(Ordering::Relaxed),
        unexpected: c.unexpected.load(Ordering::Relaxed),
        first_unexpected: c
            .first_unexpected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone(),
    })
}

async fn reset(State(erp): State<Arc<Erp>>) -> StatusCode {
    let c = &erp.counters;
    c.cliente.store(0, Ordering::Relaxed);
    c.fn_areceber.store(0, Ordering::Relaxed);
    c.unexpected.store(0, Ordering::Relaxed);
    *c.first_unexpected
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = None;
    StatusCode::NO_CONTENT
}

/// `xtask static-erp`: serves until Ctrl-C, SIGTERM or (when asked) the end of standard input.
///
/// # Errors
/// When the fixtures do not load or the port cannot be bound.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let fixtures = crate::fixtures::load()?;
    crate::serve::serve(
        "static ERP",
        args.port,
        args.stop_on_stdin_eof,
        router(fixtures),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start() -> (String, Fixtures) {
        let fixtures = crate::fixtures::load().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(fixtures.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, fixtures)
    }

    async fn counts_of(client: &reqwest::Client, base: &str) -> Counts {
        client
            .get(format!("{base}/__counts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_preset_s_request_gets_the_canned_answer_and_is_counted() {
        let (base, f) = start().await;
        let client = reqwest::Client::new();
        let answer = client
            .post(format!("{base}/webservice/v1/fn_areceber"))
            .header("authorization", f.setup.basic_auth())
            .header("ixcsoft", "listar")
            .json(&f.fn_areceber.request)
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.headers()["content-type"],
            f.setup.content_type.as_str()
        );
        assert_eq!(answer.bytes().await.unwrap(), f.fn_areceber.answer);
        let counts = counts_of(&client, &base).await;
        assert_eq!(
            (counts.cliente, counts.fn_areceber, counts.unexpected),
            (0, 1, 0)
        );
    }

    #[tokio::test]
    async fn any_other_request_is_refused_counted_and_described() {
        let (base, f) = start().await;
        let client = reqwest::Client::new();
        let url = format!("{base}/webservice/v1/cliente");
        let wrong_body = client
            .post(&url)
            .header("authorization", f.setup.basic_auth())
            .header("ixcsoft", "listar")
            .json(&json!({"qtype": "cliente.id", "query": "1"}))
            .send()
            .await
            .unwrap();
        let envelope: Value = wrong_body.json().await.unwrap();
        assert_eq!(envelope["type"], "error");
        let no_header = client
            .post(&url)
            .header("authorization", f.setup.basic_auth())
            .json(&f.cliente.request)
            .send()
            .await
            .unwrap();
        assert_eq!(no_header.status(), 200);
        let no_credential = client
            .post(&url)
            .json(&f.cliente.request)
            .send()
            .await
            .unwrap();
        assert_eq!(no_credential.status(), 401);
        let counts = counts_of(&client, &base).await;
        assert_eq!((counts.cliente, counts.unexpected), (0, 3));
        assert!(
            counts
                .first_unexpected
                .as_deref()
                .unwrap()
                .contains("cliente.id"),
            "{counts:?}"
        );

        client
            .post(format!("{base}/__counts/reset"))
            .send()
            .await
            .unwrap();
        assert_eq!(counts_of(&client, &base).await, Counts::default());
    }
}
