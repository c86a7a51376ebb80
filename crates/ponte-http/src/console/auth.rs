//! Signing in and out.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::model::Actor;
use ponte_core::service::admin_token_matches;
use ponte_core::service::operators::is_session_token;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::pages::{html, refusal};
use super::session::{
    CSRF_FIELD, clear_cookie, cookie_token, cross_site, find_session, set_cookie,
};
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

/// Opens a session for the name and password, if they are an operator's (or the bootstrap
/// admin token, under the name `admin-token`): the cookie's token.
async fn authenticate(state: &AppState, name: &str, password: &str) -> Option<(Actor, String)> {
    if name == Actor::ADMIN_TOKEN {
        let token = state.admin_token.as_ref()?;
        if !admin_token_matches(token, password) {
            return None;
        }
        let actor = Actor::admin_token();
        let cookie = state.console.sessions.open(actor.clone());
        return Some((actor, cookie));
    }
    let password = SecretString::from(password.to_owned());
    match state.ponte.authenticate_operator(name, &password).await {
        Ok(session) => Some((session.actor, session.token.expose_secret().to_owned())),
        Err(_) => None,
    }
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
    let Some((actor, token)) = authenticate(&state, name, &form.password).await else {
        tracing::info!(operator = name, "a console sign-in was refused");
        return form_page(StatusCode::UNAUTHORIZED, name, None, Some("sign_in.failed"));
    };
    tracing::info!(
        operator = actor.name.as_str(),
        "an operator signed in to the console"
    );
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
    let Some(open) = find_session(&state, &token).await else {
        let mut response = Redirect::to("/console/entrar?motivo=expirou").into_response();
        response
            .headers_mut()
            .insert(header::SET_COOKIE, clear_cookie());
        return response;
    };
    let csrf_ok = fields.iter().any(|(key, value)| {
        key == CSRF_FIELD
            && super::session::constant_time_eq(value.as_bytes(), open.csrf.as_bytes())
    });
    if !csrf_ok {
        return refusal(403, "refused.csrf");
    }
    if is_session_token(&token) {
        if let Err(err) = state.ponte.end_session(&token).await {
            tracing::error!(error = %err.detail, "a console session could not be ended");
        }
    } else {
        state.console.sessions.close(&token);
    }
    let mut response = Redirect::to("/console/entrar?motivo=saiu").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    response
}
