//! A simulated IXC Provedor (`/webservice/v1/<table>`).
//!
//! It reproduces what clients of the real API trip over: Basic auth with `userId:token` (401
//! otherwise), listings selected by the `ixcsoft: listar` header with `qtype`/`oper`/
//! `grid_param` filters, every column a string, `0000-00-00` for empty dates, `registros` absent
//! from empty results, errors as HTTP 200 `text/html` envelopes, boletos as raw or base64 PDFs,
//! the trust unlock's Portuguese answers and its once-per-period rule, and write-offs that really
//! change the invoice. Behaviours the public sources leave open are collected in [`guesses`].
//!
//! It is as strict as the sources describe IXC, so a preset that works against it does not
//! lean on a forgiving server: a `GET` without the listing header is refused; a column in
//! `qtype`, `sortname` or `grid_param` needs its table's prefix, and an unknown one is the
//! database's SQL error; an insert or update naming a column the table lacks writes nothing;
//! a write-off needs its required fields and may not apply more than the invoice owes; a trust
//! unlock works on a blocked access only; `get_boleto` prints open invoices only. Each of these
//! can be relaxed for a test through [`IxcLeniency`], off by default. Tables can also be closed
//! to the API user ([`IxcConfig::forbidden_tables`]), as IXC's per-table permissions do.
//!
//! Some tables and columns exist only so that every catalog function has data to read: no
//! public source names them. [`guesses::INVENTED_TABLES`] lists the tables (`filial`, the
//! sales-channel table `crm_candato_tipo` and the due-day table `fn_vencimento`) and
//! [`guesses::INVENTED_COLUMNS`] the columns, among them the names of cities and states
//! (`cidade.nome`, `uf.sigla`), the sellers' names and documents, and the prospect's
//! `cnpj_cpf`, `email` and `obs`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ponte_simulators::ixc::{IxcConfig, start};
//! let ixc = start(IxcConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", ixc.base_url()); // http://127.0.0.1:PORT/webservice/v1
//! ixc.shutdown().await;
//! # Ok(()) }
//! ```

mod baixa;
mod boleto;
mod codes;
mod config;
mod dispatch;
pub mod guesses;
mod listar;
mod model;
mod notas;
pub mod schema;
mod seed;
mod state;
mod tables;
mod unlock;
pub mod values;
mod wire;

use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::control::{self, Closing, Control, Flavor, RequestLog};
use crate::faults::Faults;

pub use config::{IxcConfig, IxcLeniency};
pub use dispatch::PREFIX;
pub use model::{BLOCKED_ACCESS, Contract, Customer, Invoice, bare_document, contract_of};
pub use schema::Row;
pub use seed::{Fixtures, MIN_CUSTOMERS};
pub use state::IxcState;
pub use wire::JSON_CONTENT_TYPE;

/// The IXC routes alone, without the control API and fault middleware. Besides
/// `/webservice/v1/...` they include two IXC-specific control routes: `GET /__sim/fixtures`
/// (the fixture customer ids, the credential and the date), `GET /__sim/writeoffs` (the
/// write-off ledger: every write-off applied, with its boleto, and how many each boleto has),
/// `POST /__sim/reset` (seed the data again, dropping every change) and `POST /__sim/today {"today":"2026-04-01"}` (move
/// the clock; see [`IxcState::set_today`]).
pub fn api(state: IxcState) -> Router {
    Router::new()
        .route("/__sim/fixtures", get(fixtures))
        .route("/__sim/writeoffs", get(writeoffs))
        .route("/__sim/reset", post(reset))
        .route("/__sim/today", post(set_today))
        .route(PREFIX, any(dispatch::handle))
        .route(&format!("{PREFIX}/"), any(dispatch::handle))
        .route(&format!("{PREFIX}/{{*rest}}"), any(dispatch::handle))
        .with_state(state)
}

async fn fixtures(State(state): State<IxcState>) -> Json<serde_json::Value> {
    let config = state.config();
    Json(serde_json::json!({
        "fixtures": state.fixtures(),
        "user_id": config.user_id,
        "token": config.token,
        "today": values::iso(state.today()),
        "seed": config.seed,
    }))
}

/// The write-off ledger: `{"writeoffs": [{id, boleto_id, valor_total_recebido, historico,
/// documento, data}], "counts": {"<boleto id>": n}}`, in the order they were applied. A test
/// reads it to prove each payment reached the ERP exactly once.
async fn writeoffs(State(state): State<IxcState>) -> Json<serde_json::Value> {
    let rows = state.rows("fn_areceber_baixas");
    let mut counts = serde_json::Map::new();
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let field = |key: &str| row.get(key).cloned().unwrap_or_default();
        let boleto = field("id_receber");
        let seen = counts
            .get(&boleto)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        counts.insert(boleto.clone(), serde_json::json!(seen + 1));
        entries.push(serde_json::json!({
            "id": field("id"),
            "boleto_id": boleto,
            "valor_total_recebido": field("valor_total_recebido"),
            "historico": field("historico"),
            "documento": field("documento"),
            "data": field("data"),
        }));
    }
    Json(serde_json::json!({"writeoffs": entries, "counts": counts}))
}

async fn set_today(
    State(state): State<IxcState>,
    Json(body): Json<serde_json::Value>,
) -> StatusCode {
    match body
        .get("today")
        .and_then(|t| t.as_str())
        .and_then(values::parse_date)
    {
        Some(date) => {
            state.set_today(date);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn reset(State(state): State<IxcState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

/// The whole simulator: the IXC routes, `/__sim/`, request counting and faults.
pub fn router(state: IxcState) -> Router {
    router_with(
        state,
        Faults::new(),
        RequestLog::default(),
        Closing::default(),
    )
}

fn router_with(state: IxcState, faults: Faults, requests: RequestLog, closing: Closing) -> Router {
    let flavor = Flavor {
        json_content_type: JSON_CONTENT_TYPE,
        reject_token: wire::unauthorized,
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
pub struct RunningIxc {
    addr: SocketAddr,
    state: IxcState,
    faults: Faults,
    requests: RequestLog,
    closing: Closing,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningIxc {
    /// `http://ADDR/webservice/v1`, the base URL a client is configured with.
    pub fn base_url(&self) -> String {
        format!("http://{}{PREFIX}", self.addr)
    }

    /// `http://ADDR`, for the `/__sim/` control API.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address (useful when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's data.
    pub fn state(&self) -> &IxcState {
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
pub async fn start(config: IxcConfig, addr: SocketAddr) -> std::io::Result<RunningIxc> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = IxcState::new(config);
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
    Ok(RunningIxc {
        addr,
        state,
        faults,
        requests,
        closing,
        stop: Some(stop),
        task,
    })
}
