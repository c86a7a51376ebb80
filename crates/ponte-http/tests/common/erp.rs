//! A fake ERP on loopback: a few endpoints, each with one behaviour the tests need, a token it
//! insists on, and a log of the credentials it was shown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

#[derive(Clone)]
struct ErpState {
    token: String,
    product: String,
    seen: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<Mutex<(u32, u32)>>,
}

/// A running fake ERP.
pub struct FakeErp {
    pub addr: std::net::SocketAddr,
    /// The bearer token it accepts.
    pub token: String,
    seen: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<Mutex<(u32, u32)>>,
}

impl FakeErp {
    /// An ERP accepting `token` whose only product is called `product`.
    pub async fn start(token: &str, product: &str) -> FakeErp {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(Mutex::new((0, 0)));
        let state = ErpState {
            token: token.to_owned(),
            product: product.to_owned(),
            seen: seen.clone(),
            in_flight: in_flight.clone(),
        };
        let app = Router::new()
            .route("/products", get(products))
            .route("/leads", post(lead))
            .route("/customers/{document}", get(customer))
            .route("/slow", get(slow))
            .route("/down", get(down))
            .route("/refuse", get(refuse))
            .route("/numbers", get(numbers))
            .route("/locked", get(locked))
            .route("/gate", get(gate))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeErp {
            addr,
            token: token.to_owned(),
            seen,
            in_flight,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The most `/gate` requests that were ever in flight at once.
    pub fn most_in_flight(&self) -> u32 {
        self.in_flight.lock().unwrap().1
    }

    /// Every `Authorization` header this ERP received.
    pub fn credentials_seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn authorized(state: &ErpState, headers: &HeaderMap) -> bool {
    let got = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    state.seen.lock().unwrap().push(got.clone());
    got == format!("Bearer {}", state.token)
}

async fn products(State(state): State<ErpState>, headers: HeaderMap) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!([{"id": "10", "name": state.product}])).into_response()
}

async fn lead(State(state): State<ErpState>, headers: HeaderMap) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!({"id": "77"})).into_response()
}

async fn customer(
    State(state): State<ErpState>,
    headers: HeaderMap,
    Path(document): Path<String>,
) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!({"document": document, "email": "maria@example.com"})).into_response()
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(10)).await;
    "[]"
}

async fn down() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response()
}

/// IXC's way of refusing: HTTP 200, an error envelope, sent as HTML.
async fn refuse() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        r#"{"type":"error","message":"<p>Cliente <b>bloqueado</b> por d&eacute;bito</p>"}"#,
    )
        .into_response()
}

async fn numbers() -> Response {
    axum::Json(json!([{"text": 17}])).into_response()
}

async fn locked() -> Response {
    StatusCode::UNAUTHORIZED.into_response()
}

/// Holds each request a moment, counting how many are in flight together.
async fn gate(State(state): State<ErpState>) -> Response {
    {
        let mut counts = state.in_flight.lock().unwrap();
        counts.0 += 1;
        counts.1 = counts.1.max(counts.0);
    }
    tokio::time::sleep(Duration::from_millis(40)).await;
    state.in_flight.lock().unwrap().0 -= 1;
    axum::Json(json!({"pdf": "JVBERi0xLjQK"})).into_response()
}
