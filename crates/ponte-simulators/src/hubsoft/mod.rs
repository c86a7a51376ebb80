//! A simulated Hubsoft (`/oauth/token` and `/api/v1/integracao/...`), after the vendor's own
//! documentation and Postman collection (erps.md §6, addendum §2).
//!
//! It reproduces what clients of the real API trip over: the OAuth2 password grant and Bearer
//! tokens that expire (and can all be revoked at once, as the real server does on updates); the
//! `{status, msg, ...}` envelope with business and validation errors as HTTP 200 and
//! `"suscess"` where the vendor samples say so; money as JSON numbers in one listing and strings
//! without trailing zeros in another, dates in three formats; the two invoice listings with
//! their different limits and paging; the boleto only behind an opaque link; the trust unlock
//! and its refusals; settlements that really settle and are refused the second time with the
//! documented words. Behaviours the documentation leaves open are collected in [`guesses`] and
//! switched in [`HubsoftConfig`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ponte_simulators::hubsoft::{HubsoftConfig, start};
//! let hubsoft = start(HubsoftConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", hubsoft.base_url()); // http://127.0.0.1:PORT (token at /oauth/token)
//! hubsoft.shutdown().await;
//! # Ok(()) }
//! ```

mod atendimento;
mod auth;
mod cliente;
mod codes;
mod config;
mod configuracao;
mod financeiro;
pub mod guesses;
mod links;
mod liquidar;
mod model;
mod notas;
mod prospecto;
mod seed;
mod state;
mod unlock;
pub mod values;
mod wire;

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::control::{self, Closing, Control, Flavor, RequestLog};
use crate::faults::Faults;

pub use config::{HubsoftConfig, Overpayment, PartialPayment, UnknownCustomer};
pub use model::{
    Address, Customer, FiscalNote, Invoice, Prospect, Receipt, Service, ServiceOrder, Ticket,
};
pub use seed::{FixtureCustomer, FixtureProspect, FixtureTicket, Fixtures, MIN_CUSTOMERS};
pub use state::HubsoftState;
pub use wire::JSON_CONTENT_TYPE;

/// The path prefix of every API endpoint.
pub const API_PREFIX: &str = "/api/v1/integracao";

/// The path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth/token";

fn integration_routes(state: HubsoftState) -> Router<HubsoftState> {
    Router::new()
        .route("/cliente", get(cliente::search))
        .route("/cliente/todos", get(cliente::all))
        .route("/cliente/financeiro", get(financeiro::by_customer))
        .route("/cliente/desbloqueio_confianca", post(unlock::trust_unlock))
        .route("/cliente/nota_fiscal", get(notas::list))
        .route("/cliente/atendimento", get(atendimento::list_tickets))
        .route("/cliente/ordem_servico", get(atendimento::list_orders))
        .route("/atendimento", post(atendimento::open))
        .route("/financeiro/fatura", get(financeiro::listing))
        .route("/financeiro/fatura/liquidar", post(liquidar::settle))
        .route("/prospecto", get(prospecto::search).post(prospecto::create))
        .route("/prospecto/create", get(prospecto::plans_at))
        .route("/prospecto/all", get(prospecto::all))
        .route("/configuracao/servico", get(configuracao::plans))
        .route("/configuracao/vencimento", get(configuracao::due_days))
        .route("/configuracao/vendedor", get(configuracao::sellers))
        .route("/configuracao/origem_cliente", get(configuracao::origins))
        .route(
            "/configuracao/motivo_contratacao",
            get(configuracao::hiring_reasons),
        )
        .route(
            "/configuracao/caixa_financeiro",
            get(configuracao::cash_boxes),
        )
        .route(
            "/configuracao/meio_pagamento",
            get(configuracao::payment_methods),
        )
        .route("/configuracao/servico_status", get(configuracao::statuses))
        .route(
            "/configuracao/tipo_atendimento",
            get(configuracao::ticket_types),
        )
        .route("/configuracao/empresa", get(configuracao::companies))
        .route(
            "/configuracao/servico_tecnologia",
            get(configuracao::technologies),
        )
        // Only matched routes ask for a token: an unknown path is a 404 with or without one.
        .route_layer(middleware::from_fn_with_state(state, auth::require_token))
}

/// The Hubsoft routes alone, without the shared control API and fault middleware. Besides the
/// API they answer Hubsoft's own control routes:
///
/// - `GET /__sim/fixtures`: the fixture records, the OAuth2 credentials, the date and the seed;
/// - `POST /__sim/reset`: seed the data again, dropping every change, token and revocation;
/// - `POST /__sim/today {"today":"2026-04-01"}`: move the clock (see
///   [`HubsoftState::set_today`]);
/// - `POST /__sim/tokens/revoke`: every token issued so far stops working;
/// - `POST /__sim/credentials/revoke`: the API user is revoked (tokens included) until a reset.
pub fn api(state: HubsoftState) -> Router {
    Router::new()
        .route("/__sim/fixtures", get(fixtures))
        .route("/__sim/reset", post(reset))
        .route("/__sim/today", post(set_today))
        .route("/__sim/tokens/revoke", post(revoke_tokens))
        .route("/__sim/credentials/revoke", post(revoke_user))
        .route(TOKEN_PATH, post(auth::token))
        .route("/pdf/fatura/{token}", get(links::boleto))
        .route("/pdf/nota_fiscal/{token}", get(links::note))
        .nest(API_PREFIX, integration_routes(state.clone()))
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> axum::response::Response {
    wire::not_found()
}

async fn fixtures(State(state): State<HubsoftState>) -> Json<serde_json::Value> {
    let config = state.config();
    Json(serde_json::json!({
        "fixtures": state.fixtures(),
        "credentials": {
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "username": config.username,
            "password": config.password,
        },
        "token_lifetime_secs": config.token_lifetime_secs,
        "today": values::iso(state.today()),
        "seed": config.seed,
    }))
}

async fn set_today(
    State(state): State<HubsoftState>,
    Json(body): Json<serde_json::Value>,
) -> StatusCode {
    match body
        .get("today")
        .and_then(|t| t.as_str())
        .and_then(values::parse_iso)
    {
        Some(date) => {
            state.set_today(date);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn reset(State(state): State<HubsoftState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn revoke_tokens(State(state): State<HubsoftState>) -> StatusCode {
    state.revoke_tokens();
    StatusCode::NO_CONTENT
}

async fn revoke_user(State(state): State<HubsoftState>) -> StatusCode {
    state.revoke_user();
    StatusCode::NO_CONTENT
}

/// The whole simulator: the Hubsoft routes, `/__sim/`, request counting and faults.
pub fn router(state: HubsoftState) -> Router {
    router_with(
        state,
        Faults::new(),
        RequestLog::default(),
        Closing::default(),
    )
}

fn router_with(
    state: HubsoftState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
) -> Router {
    let flavor = Flavor {
        json_content_type: JSON_CONTENT_TYPE,
        reject_token: wire::unauthenticated,
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
pub struct RunningHubsoft {
    addr: SocketAddr,
    state: HubsoftState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningHubsoft {
    /// `http://ADDR`, the server address a client is configured with: the token endpoint is
    /// `/oauth/token` and the API lives under `/api/v1/integracao`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://ADDR/api/v1/integracao`.
    pub fn api_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// `http://ADDR/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}{TOKEN_PATH}", self.addr)
    }

    /// `http://ADDR`, for the `/__sim/` control API.
    pub fn root_url(&self) -> String {
        self.base_url()
    }

    /// The bound address (useful when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's data.
    pub fn state(&self) -> &HubsoftState {
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
        if tokio::time::timeout(std::time::Duration::from_secs(1), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
            let _ = (&mut self.task).await;
        }
    }
}

/// Seeds a state from `config` and serves it on `addr` (use port 0 in tests).
pub async fn start(config: HubsoftConfig, addr: SocketAddr) -> std::io::Result<RunningHubsoft> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = HubsoftState::new(config);
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
    Ok(RunningHubsoft {
        addr,
        state,
        faults,
        requests,
        closing,
        stop: Some(stop),
        task,
    })
}
