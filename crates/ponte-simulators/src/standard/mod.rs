//! A simulated "standard API": the generic contract an ISP platform expects from an ERP or a
//! middleware (datacake.md §4.1, erps-addendum §7), telling the same seeded story as the SGP
//! simulator.
//!
//! Only what the platform's page documents is served: five GET operations with a token in a
//! header. Everything the page leaves open (URLs, the header, not-found answers, money format,
//! the field set) is a field of [`StandardGuesses`]; the announced POST and PUT operations
//! could not be read, so there are none (a preset declares those functions unsupported).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ponte_simulators::standard::{StandardConfig, start};
//! let api = start(StandardConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", api.base_url()); // http://127.0.0.1:PORT/api
//! api.shutdown().await;
//! # Ok(()) }
//! ```

mod config;
pub mod guesses;
mod handlers;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::control::{self, Closing, Control, Flavor, RequestLog};
use crate::faults::Faults;
use crate::sgp::credentials::TokenCheck;
use crate::sgp::story::FixtureCustomer;
use crate::sgp::story::values::{iso, parse_iso};
use crate::sgp::wire::{Params, with_status};
use handlers::Ctx;

pub use config::StandardConfig;
pub use guesses::{FieldSet, MoneyFormat, NotFound, StandardGuesses};
pub use state::StandardState;

/// Content type of the answers.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The standard API's routes without the control API and fault middleware, plus its own
/// control routes: `GET /__sim/fixtures`, `POST /__sim/reset`, `POST /__sim/today`,
/// `GET /__sim/credentials`, `POST /__sim/credentials/tokens {"lifetime_ms":500}` and
/// `POST /__sim/credentials/revoke {"token":"..."}`.
pub fn api(state: StandardState) -> Router {
    Router::new()
        .route("/__sim/fixtures", get(fixtures))
        .route("/__sim/reset", post(reset))
        .route("/__sim/today", post(set_today))
        .route("/__sim/credentials", get(credentials))
        .route("/__sim/credentials/tokens", post(issue_token))
        .route("/__sim/credentials/revoke", post(revoke))
        .fallback(handle)
        .with_state(state)
}

fn public_base(config: &StandardConfig, headers: &HeaderMap) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn handle(
    State(state): State<StandardState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = state.config();
    let g = &config.guesses;
    let path = uri.path().trim_end_matches('/');
    let inner = state.lock();
    let ctx = Ctx {
        config,
        g,
        today: inner.today,
        base: public_base(config, &headers),
    };
    if method == Method::GET
        && let Some(file) = handlers::public_pdf(&ctx, &inner.story, path)
    {
        return file;
    }
    let operation = path
        .strip_prefix(g.base_path.trim_end_matches('/'))
        .map(|rest| {
            [
                &g.customer_path,
                &g.boletos_path,
                &g.notes_path,
                &g.statement_path,
                &g.discharge_path,
            ]
            .iter()
            .position(|p| p.trim_end_matches('/') == rest)
        });
    let Some(Some(operation)) = operation else {
        return with_status(StatusCode::NOT_FOUND, &json!({"error": "Not Found"}));
    };
    if method != Method::GET {
        return with_status(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"error": "Method Not Allowed"}),
        );
    }
    let status = StatusCode::from_u16(g.unauthorized_status).unwrap_or(StatusCode::UNAUTHORIZED);
    let Some(token) = handlers::token_of(g, &headers) else {
        return with_status(status, &json!({"error": g.text_token_missing}));
    };
    if inner.credentials.check_token(&token, None) != TokenCheck::Valid {
        return with_status(status, &json!({"error": g.text_token_invalid}));
    }
    let params = match Params::read(uri.query(), &headers, &body) {
        Ok(params) => params,
        Err(refusal) => return *refusal,
    };
    match operation {
        0 => handlers::customer_info(&ctx, &inner.story, &params),
        1 => handlers::boletos(&ctx, &inner.story, &params),
        2 => handlers::notes(&ctx, &inner.story, &params),
        3 => handlers::statement(&ctx, &inner.story, &params),
        _ => handlers::discharges(&ctx, &inner.story, &params),
    }
}

fn fixture_json(f: &FixtureCustomer) -> Value {
    json!({
        "document": f.document,
        "cnpj_cpf": f.stored_document,
        "id_remoto": f.customer_id,
        "id_contrato": f.contract_ids.first(),
        "contratos": f.contract_ids,
        "faturas_abertas": f.open_title_ids,
    })
}

/// The fixtures as `GET /__sim/fixtures` shows them.
pub fn fixtures_json(state: &StandardState) -> Value {
    let f = state.fixtures();
    let config = state.config();
    json!({
        "fixtures": {
            "active": fixture_json(&f.active),
            "blocked": fixture_json(&f.blocked),
            "cancelled": fixture_json(&f.cancelled),
            "unlock_used": fixture_json(&f.unlock_used),
            "unlock_not_allowed": fixture_json(&f.unlock_not_allowed),
            "company": fixture_json(&f.company),
            "alphanumeric_cnpj": fixture_json(&f.alphanumeric_cnpj),
            "unmasked_document": fixture_json(&f.unmasked_document),
            "two_contracts": fixture_json(&f.two_contracts),
            "partial_payment": fixture_json(&f.partial_payment),
        },
        "unknown_document": f.unknown_document,
        "token": config.token,
        "token_header": config.guesses.token_header,
        "token_scheme": config.guesses.token_scheme,
        "today": iso(state.today()),
        "seed": config.seed,
        "unsupported": [
            "create_order", "create_order_existing_customer", "create_lead", "create_ticket",
            "settle_boleto", "trust_unlock", "update_customer", "list_customer_plans",
            "list_customer_blocked_plans", "list_products", "list_resellers", "list_due_dates",
            "list_commercial_origins", "get_boleto_pdf",
        ],
    })
}

async fn fixtures(State(state): State<StandardState>) -> Json<Value> {
    Json(fixtures_json(&state))
}

async fn reset(State(state): State<StandardState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn set_today(State(state): State<StandardState>, Json(body): Json<Value>) -> StatusCode {
    match body
        .get("today")
        .and_then(Value::as_str)
        .and_then(parse_iso)
    {
        Some(date) => {
            state.set_today(date);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn credentials(State(state): State<StandardState>) -> Json<Value> {
    Json(state.lock().credentials.to_json())
}

async fn issue_token(State(state): State<StandardState>, Json(body): Json<Value>) -> Response {
    let lifetime = body
        .get("lifetime_ms")
        .and_then(Value::as_u64)
        .map(Duration::from_millis)
        .or(state.config().token_lifetime);
    let token = state.lock().credentials.issue("", lifetime);
    (StatusCode::CREATED, Json(json!({"token": token}))).into_response()
}

async fn revoke(State(state): State<StandardState>, Json(body): Json<Value>) -> StatusCode {
    let Some(token) = body.get("token").and_then(Value::as_str) else {
        return StatusCode::BAD_REQUEST;
    };
    if state.lock().credentials.revoke_token(token) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

fn reject_token() -> Response {
    let g = StandardGuesses::default();
    with_status(
        StatusCode::UNAUTHORIZED,
        &json!({"error": g.text_token_invalid}),
    )
}

/// The whole simulator: the routes, `/__sim/`, request counting and faults.
pub fn router(state: StandardState) -> Router {
    router_with(
        state,
        Faults::new(),
        RequestLog::default(),
        Closing::default(),
    )
}

fn router_with(
    state: StandardState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
) -> Router {
    let flavor = Flavor {
        json_content_type: JSON_CONTENT_TYPE,
        reject_token,
    };
    control::wrap(
        api(state),
        Control {
            faults,
            requests,
            flavor,
            closing,
        },
    )
}

/// A simulator serving on a socket.
#[derive(Debug)]
pub struct RunningStandard {
    addr: SocketAddr,
    state: StandardState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningStandard {
    /// `http://ADDR{base_path}`, the base URL a client is configured with.
    pub fn base_url(&self) -> String {
        format!(
            "http://{}{}",
            self.addr,
            self.state.config().guesses.base_path
        )
    }

    /// `http://ADDR`, for the `/__sim/` control API.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's data.
    pub fn state(&self) -> &StandardState {
        &self.state
    }

    /// The fault rules applied to incoming requests.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The per-path request counters.
    pub fn requests(&self) -> &RequestLog {
        &self.requests
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        self.closing.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // A connection held open by a hang fault would make graceful shutdown wait forever.
        if tokio::time::timeout(Duration::from_secs(1), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
            let _ = (&mut self.task).await;
        }
    }
}

/// Seeds a state from `config` and serves it on `addr` (use port 0 in tests).
pub async fn start(config: StandardConfig, addr: SocketAddr) -> std::io::Result<RunningStandard> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = StandardState::new(config);
    let faults = Faults::new();
    let requests = RequestLog::default();
    let closing = Closing::default();
    let app = router_with(
        state.clone(),
        faults.clone(),
        requests.clone(),
        closing.clone(),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningStandard {
        addr,
        state,
        faults,
        requests,
        closing,
        stop: Some(stop),
        task,
    })
}
