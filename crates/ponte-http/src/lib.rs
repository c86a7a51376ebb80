//! Ponte's HTTP API (SPEC §6.1): the functions, the admin API, health checks, the OpenAPI
//! document and a browsable API reference page.
//!
//! Handlers only translate: they extract (through [`extract`], which turns every malformed
//! request into `application/problem+json`), call [`ponte_core::service::Ponte`], and map the
//! answer. Each resource owns its routes: [`functions`], [`flows`], [`invoices`], [`payments`],
//! [`admin`], [`health`], [`tools`], [`reference`], and the operator's web console
//! ([`console`]).
//!
//! The app is built by [`app`] and served by [`serve`], so tests bind port 0 and need no
//! process.

pub mod admin;
pub mod console;
pub mod extract;
pub mod flows;
pub mod functions;
pub mod health;
pub mod invoices;
mod logging;
pub mod payments;
pub mod problem;
pub mod reference;
pub mod tools;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use ponte_core::service::Ponte;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa_axum::router::OpenApiRouter;

pub use problem::Problem;
pub use tools::{InvalidToolsConfig, ToolsConfig};

/// The default largest request body: 1 MiB, far above any catalog function's inputs.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The response header naming the run of an automation.
pub const EXECUTION_ID_HEADER: &str = "ponte-execution-id";

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The function-call service.
    pub ponte: Arc<Ponte>,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The admin API's bearer token; without one, every admin route answers `unauthorized`.
    pub admin_token: Option<SecretString>,
    /// Who may use `/v1/tools/` and how often.
    pub(crate) tools: Arc<tools::access::ToolsGuard>,
    /// The web console's sessions.
    pub console: Arc<console::Console>,
}

impl AppState {
    /// The state over a service, with the default body limit.
    pub fn new(ponte: Arc<Ponte>) -> Self {
        let tools = tools::access::ToolsGuard::with_header(&ToolsConfig::default(), None);
        Self {
            ponte,
            body_limit: DEFAULT_BODY_LIMIT,
            admin_token: None,
            tools: Arc::new(tools),
            console: Arc::new(console::Console::default()),
        }
    }

    /// The same state with console sessions that last `ttl` (12 hours by default).
    #[must_use]
    pub fn with_console_session_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.console = Arc::new(console::Console::with_session_ttl(ttl));
        self
    }

    /// The same state with the admin API open to `token` (`security.admin_token`).
    #[must_use]
    pub fn with_admin_token(mut self, token: SecretString) -> Self {
        self.admin_token = Some(token);
        self
    }

    /// The same state with other options for `/v1/tools/` (rate limit, API key).
    ///
    /// # Errors
    /// `client_ip_header` is not a header name.
    pub fn with_tools(mut self, config: &ToolsConfig) -> Result<Self, InvalidToolsConfig> {
        self.tools = Arc::new(tools::access::ToolsGuard::new(config)?);
        Ok(self)
    }

    /// The same state with another body limit.
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

/// The routes that appear in the OpenAPI document, with the document they produce.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(reference::base_document())
        .merge(functions::routes())
        .merge(payments::routes())
        .merge(flows::routes())
        .merge(invoices::routes())
        .merge(admin::routes())
        .merge(health::routes())
        .merge(tools::routes())
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_router().split_for_parts();
    let body_limit = state.body_limit;
    api.merge(reference::routes())
        .merge(console::routes())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        // Bodies over the limit are refused while being read, never buffered whole.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(axum::middleware::from_fn(logging::log_request))
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` completes, then lets in-flight
/// requests finish and stores the execution records still queued.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let ponte = state.ponte.clone();
    // The peer's address reaches the handlers, for the tools' rate limit per client.
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    ponte.flush_executions().await;
    served
}
