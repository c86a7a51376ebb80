//! `/console/`: the operator's web console, in Brazilian Portuguese.
//!
//! Server-rendered HTML: MiniJinja templates embedded in the binary and compiled once, when
//! the app is built ([`templates`]); plain forms that post back; a stylesheet and a few lines of
//! JavaScript (the editor's line numbers), embedded too. No CDN, no build step.
//!
//! Every text is in [`text`], keyed by message id. Who is signed in, and the checks every change
//! passes (same site, CSRF token, role), are in [`session`]. The pages only translate: they call
//! the same [`ponte_core::service::Ponte`] use cases as the admin API, so the console can do
//! nothing the API would refuse. A page never shows a secret value, an API key after the answer
//! that created it, or personal data unmasked: traces are shown as stored, already masked.

mod associations;
mod audit;
mod auth;
mod chart;
mod create;
mod diff;
mod edit;
mod executions;
mod functions;
mod health;
mod integrations;
pub(crate) mod pages;
mod payments;
pub mod session;
pub mod templates;
pub mod text;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};

use crate::AppState;

/// The console's shared state: its sessions.
#[derive(Debug, Default)]
pub struct Console {
    /// The signed-in operators.
    pub sessions: session::Sessions,
}

impl Console {
    /// A console whose sessions last `ttl`.
    #[must_use]
    pub fn with_session_ttl(ttl: std::time::Duration) -> Self {
        Console {
            sessions: session::Sessions::new(ttl),
        }
    }
}

/// The console's routes, under `/console/`.
pub(crate) fn routes() -> Router<AppState> {
    templates::compile_now();
    Router::new()
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route(
            "/console/",
            get(|| async { Redirect::to("/console/integrations") }),
        )
        .route("/console/assets/console.css", get(stylesheet))
        .route("/console/assets/console.js", get(script))
        .route(
            "/console/entrar",
            get(auth::sign_in_page).post(auth::sign_in),
        )
        .route("/console/sair", post(auth::sign_out))
        .route(
            "/console/integrations",
            get(integrations::list).post(create::create),
        )
        .route("/console/integrations/novo", get(create::form))
        .route("/console/integrations/{id}", get(integrations::detail))
        .route(
            "/console/integrations/{id}/editar",
            get(edit::form).post(edit::save),
        )
        .route(
            "/console/integrations/{id}/associations",
            get(associations::list),
        )
        .route(
            "/console/integrations/{id}/associations/{kind}",
            post(associations::change),
        )
        .route(
            "/console/integrations/{id}/secrets",
            post(create::set_secret),
        )
        .route(
            "/console/integrations/{id}/keys",
            post(integrations::create_key),
        )
        .route(
            "/console/integrations/{id}/keys/{key}/revoke",
            post(integrations::revoke_key),
        )
        .route(
            "/console/integrations/{id}/functions/{function}",
            get(functions::page_get),
        )
        .route(
            "/console/integrations/{id}/functions/{function}/test",
            post(functions::test_run),
        )
        .route(
            "/console/integrations/{id}/functions/{function}/versions",
            post(functions::publish),
        )
        .route(
            "/console/integrations/{id}/functions/{function}/rollback",
            post(functions::rollback),
        )
        .route("/console/audit", get(audit::list))
        .route("/console/payments", get(payments::list))
        .route(
            "/console/payments/{integration}/{transaction}/retry",
            post(payments::retry),
        )
        .route("/console/executions", get(executions::list))
        .route("/console/executions/{id}", get(executions::detail))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("max-age=300"),
            ),
        ],
        include_str!("assets/console.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("max-age=300"),
            ),
        ],
        include_str!("assets/console.js"),
    )
}
