//! Signing in and out.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::model::Actor;
use ponte_core::service::admin_token_matches;
use serde::Deserialize;

use super::pages::{html, refusal};
use super::session::{CSRF_FIELD, clear_cookie, cookie_token, cross_site, set_cookie};
use super::text::Text;
use crate::AppState;

#[derive(Debug, Deserialize)]
pub(super) struct SignInQuery {
    motivo: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

fn form_page(
    status: StatusCode,
    name: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let text = Text::PT_BR;
    html(
        status,
        "sign_in.html",
        &serde_json::json!({
            "name": name,
            "notice": notice.map(|id| text.get(id)),
            "error": error.map(|id| text.get(id)),
        }),
    )
}

/// `GET /console/entrar`.
pub(super) async fn sign_in_page(Query(query): Query<SignInQuery>) -> Response {
    let notice = match query.motivo.as_deref() {
        Some("expirou") => Some("sign_in.expired"),
        Some("saiu") => Some("sign_in.signed_out"),
        _ => None,
    };
    form_page(StatusCode::OK, "", notice, None)
}

/// Who the name and password are, if anyone.
fn authenticate(state: &AppState, name: &str, password: &str) -> Option<Actor> {
    if name == Actor::ADMIN_TOKEN {
        let token = state.admin_token.as_ref()?;
        return admin_token_matches(token, password).then(Actor::admin_token);
    }
    None
}

/// `POST /console/entrar`.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    if cross_site(&headers) {
        return refusal(403, "refused.cross_site");
    }
    let name = form.name.trim();
    if name.is_empty() || form.password.is_empty() {
        return form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
            None,
            Some("sign_in.required"),
        );
    }
    let Some(actor) = authenticate(&state, name, &form.password) else {
        tracing::info!(operator = name, "a console sign-in was refused");
        return form_page(StatusCode::UNAUTHORIZED, name, None, Some("sign_in.failed"));
    };
    tracing::info!(
        operator = actor.name.as_str(),
        "an operator signed in to the console"
    );
    let token = state.console.sessions.open(actor);
    let mut response = Redirect::to("/console/integrations").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&headers, &token));
    response
}

/// `POST /console/sair`: any signed-in operator, viewers included, with the CSRF token.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if cross_site(&headers) {
        return refusal(403, "refused.cross_site");
    }
    let Some(token) = cookie_token(&headers) else {
        return Redirect::to("/console/entrar").into_response();
    };
    let Some(open) = state.console.sessions.find(&token) else {
        let mut response = Redirect::to("/console/entrar?motivo=expirou").into_response();
        response
            .headers_mut()
            .insert(header::SET_COOKIE, clear_cookie());
        return response;
    };
    let csrf_ok = fields
        .iter()
        .any(|(key, value)| key == CSRF_FIELD && *value == open.csrf);
    if !csrf_ok {
        return refusal(403, "refused.csrf");
    }
    state.console.sessions.close(&token);
    let mut response = Redirect::to("/console/entrar?motivo=saiu").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    response
}
