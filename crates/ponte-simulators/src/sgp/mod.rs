//! A simulated SGP (Sistema Gerenciador de Provedores): `/api/ura/...`, `/api/central/...`,
//! `/api/banco/...` and `/api/precadastro/...`, as erps.md §3 and erps-addendum §3 describe
//! them.
//!
//! It reproduces what clients of the real API trip over: `token` and `app` as body fields (form
//! or JSON) or HTTP Basic, refused with Django REST Framework's `{"detail": ...}`; answers that
//! are HTTP 200 with `msg`/`status` for business refusals, except pre-registration's 400 and
//! 402; consultacliente listing cancelled contracts next to live ones, masked documents,
//! `contratoStatusDisplay` with a leading space, contacts as `{tipoContato, contato}`; titles
//! unordered (newest first) with every status mixed unless filtered; `fatura2via` opening an
//! occurrence on every call without `nao_gerar_os`; the payment promise's three outcomes and
//! its monthly quota; write-offs that really settle a title and unblock its contract.
//! Behaviours the public sources leave open are the fields of [`SgpGuesses`].
//!
//! SGP has no list of commercial origins (`list_commercial_origins` is unsupported,
//! erps-addendum §3), so the simulator has none either.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ponte_simulators::sgp::{SgpConfig, start};
//! let sgp = start(SgpConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", sgp.base_url()); // http://127.0.0.1:PORT
//! sgp.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod baixa;
mod chamado;
mod cliente;
mod config;
pub mod credentials;
mod dispatch;
pub mod guesses;
mod notas;
mod precadastro;
mod promessa;
mod render;
mod state;
pub mod story;
mod titulos;
pub(crate) mod wire;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::control::{self, Closing, Control, Flavor, RequestLog};
use crate::faults::Faults;

pub use config::SgpConfig;
pub use guesses::{PdfLink, PixAnswer, SgpGuesses};
pub use promessa::QUOTA_SPENT;
pub use state::SgpState;
pub use story::{FixtureCustomer, Fixtures, MIN_CUSTOMERS};
pub use wire::{BAD_CREDENTIALS, JSON_CONTENT_TYPE, NOT_FOUND};

/// The SGP routes alone, without the control API and fault middleware. Besides `/api/...` and
/// the public `/boleto/...` links they include SGP's own control routes:
///
/// - `GET /__sim/fixtures`: the fixture customers with their documents and ids, the unknown
///   document, the credentials and the date;
/// - `POST /__sim/reset`: seed again, dropping every change (credentials included);
/// - `POST /__sim/today {"today":"2026-04-01"}`: move the clock (promises end, debts block);
/// - `GET /__sim/credentials`: the tokens and Basic users, with their state;
/// - `POST /__sim/credentials/tokens {"app":"x","lifetime_ms":500}`: issue a token;
/// - `POST /__sim/credentials/revoke {"token":"..."}` or `{"basic_user":"..."}`: revoke one.
pub fn api(state: SgpState) -> Router {
    Router::new()
        .route("/__sim/fixtures", get(fixtures))
        .route("/__sim/reset", post(reset))
        .route("/__sim/today", post(set_today))
        .route("/__sim/credentials", get(credentials))
        .route("/__sim/credentials/tokens", post(issue_token))
        .route("/__sim/credentials/revoke", post(revoke))
        .route("/api/{*rest}", any(dispatch::handle))
        .route("/boleto/{*rest}", get(dispatch::boleto))
        .fallback(unknown)
        .with_state(state)
}

async fn unknown(State(state): State<SgpState>) -> Response {
    wire::unknown_route(&state.config().guesses)
}

fn fixture_json(f: &FixtureCustomer) -> Value {
    json!({
        "cpfcnpj": f.stored_document,
        "document": f.document,
        "cliente_id": f.customer_id,
        "contrato_id": f.contract_ids.first(),
        "contratos": f.contract_ids,
        "titulos_abertos": f.open_title_ids,
    })
}

/// The fixtures as `GET /__sim/fixtures` shows them.
pub fn fixtures_json(state: &SgpState) -> Value {
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
        "app": config.app,
        "token": config.token,
        "basic_user": config.basic_user,
        "basic_password": config.basic_password,
        "today": story::values::iso(state.today()),
        "seed": config.seed,
        "unsupported": ["list_commercial_origins"],
    })
}

async fn fixtures(State(state): State<SgpState>) -> Json<Value> {
    Json(fixtures_json(&state))
}

async fn reset(State(state): State<SgpState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn set_today(State(state): State<SgpState>, Json(body): Json<Value>) -> StatusCode {
    match body
        .get("today")
        .and_then(Value::as_str)
        .and_then(story::values::parse_iso)
    {
        Some(date) => {
            state.set_today(date);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn credentials(State(state): State<SgpState>) -> Json<Value> {
    Json(state.lock().credentials.to_json())
}

async fn issue_token(State(state): State<SgpState>, Json(body): Json<Value>) -> Response {
    let app = body
        .get("app")
        .and_then(Value::as_str)
        .unwrap_or(&state.config().app)
        .to_string();
    let lifetime = body
        .get("lifetime_ms")
        .and_then(Value::as_u64)
        .map(Duration::from_millis)
        .or(state.config().token_lifetime);
    let token = state.lock().credentials.issue(&app, lifetime);
    (
        StatusCode::CREATED,
        Json(json!({"token": token, "app": app})),
    )
        .into_response()
}

async fn revoke(State(state): State<SgpState>, Json(body): Json<Value>) -> StatusCode {
    let mut inner = state.lock();
    let done = match (
        body.get("token").and_then(Value::as_str),
        body.get("basic_user").and_then(Value::as_str),
    ) {
        (Some(token), _) => inner.credentials.revoke_token(token),
        (None, Some(user)) => inner.credentials.revoke_user(user),
        (None, None) => return StatusCode::BAD_REQUEST,
    };
    if done {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// The answer of the `reject_token` fault. The fault layer takes a plain function, so this uses
/// the default [`SgpGuesses`] (a test that changes the refusal's status sees the default here).
fn reject_token() -> Response {
    wire::unauthorized(&SgpGuesses::default(), BAD_CREDENTIALS)
}

/// The whole simulator: the SGP routes, `/__sim/`, request counting and faults.
pub fn router(state: SgpState) -> Router {
    router_with(
        state,
        Faults::new(),
        RequestLog::default(),
        Closing::default(),
    )
}

fn router_with(state: SgpState, faults: Faults, requests: RequestLog, closing: Closing) -> Router {
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
pub struct RunningSgp {
    addr: SocketAddr,
    state: SgpState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSgp {
    /// `http://ADDR`, the base URL a client is configured with (paths start with `/api/`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address (useful when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's data.
    pub fn state(&self) -> &SgpState {
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

    /// Stops accepting connections and waits for the server task to end. Connections held
    /// open by a hang fault are dropped rather than waited for.
    pub async fn shutdown(mut self) {
        self.closing.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Graceful shutdown waits for open connections; a hung one would wait forever, so the
        // task gets a short grace period and is then cut off.
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
pub async fn start(config: SgpConfig, addr: SocketAddr) -> std::io::Result<RunningSgp> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = SgpState::new(config);
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
    Ok(RunningSgp {
        addr,
        state,
        faults,
        requests,
        closing,
        stop: Some(stop),
        task,
    })
}
