//! The single entry point of `/webservice/v1/...`: checks the credential, reads the body, and
//! sends the request to a listing, an action endpoint, or a plain insert/update/delete.
//!
//! IXC decides by verb and header, not by path: `POST` (or `GET`) with `ixcsoft: listar` lists,
//! `POST` without it inserts or presses a button, `PUT table/id` updates, `DELETE table/id`
//! deletes. A `GET` without the header is refused unless
//! [`IxcLeniency::get_without_header_lists`](super::IxcLeniency) says to list. A table the API
//! user may not access ([`IxcConfig::forbidden_tables`](super::IxcConfig)) answers IXC's
//! permission refusal to every verb. A trailing `/` is accepted, as the official client sends
//! one.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::guesses::{GET_WITHOUT_HEADER_MESSAGE, NOT_FOUND_MESSAGE, forbidden, unknown_resource};
use super::state::IxcState;
use super::wire::{Fields, authorized, error, fields, unauthorized};
use super::{baixa, boleto, listar, notas, tables, unlock};

/// The path prefix every IXC endpoint lives under.
pub const PREFIX: &str = "/webservice/v1";

pub(crate) async fn handle(
    State(state): State<IxcState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&headers, state.config()) {
        return unauthorized();
    }
    let rest = uri.path().strip_prefix(PREFIX).unwrap_or("");
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let table = segments.next().unwrap_or("").to_string();
    let id = segments.next().map(str::to_string);
    let body = match fields(&headers, &body) {
        Ok(body) => body,
        Err(message) => return error(message),
    };
    if state.config().forbids(&table) {
        return error(forbidden(&table));
    }
    let listing = headers
        .get("ixcsoft")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("listar"));
    match method {
        Method::GET | Method::POST if listing => list(&state, &table, &body),
        Method::GET if state.config().lenient.get_without_header_lists => {
            list(&state, &table, &body)
        }
        Method::GET => error(GET_WITHOUT_HEADER_MESSAGE),
        Method::POST => post(&state, &table, &body),
        Method::PUT => match id {
            Some(id) => tables::update(&state, &table, &id, &body),
            None => error(NOT_FOUND_MESSAGE),
        },
        Method::DELETE => match (table.as_str(), id) {
            ("fn_areceber_baixas", Some(id)) => baixa::reverse(&state, &id),
            (_, Some(id)) => tables::delete(&state, &table, &id),
            (_, None) => error(NOT_FOUND_MESSAGE),
        },
        _ => error(unknown_resource(&table)),
    }
}

fn list(state: &IxcState, table: &str, body: &Fields) -> Response {
    let db = state.db();
    listar::list(&db, state.config(), table, body)
}

fn post(state: &IxcState, table: &str, body: &Fields) -> Response {
    match table {
        "desbloqueio_confianca" => unlock::trust_unlock(state, body),
        "get_boleto" => boleto::get_boleto(state, body),
        "get_pix" => boleto::get_pix(state, body),
        // A write-off inserted straight into its table is booked like the action's: the
        // invoice changes with it, under the same checks.
        "fn_areceber_recebimentos_baixas_novo" | "fn_areceber_baixas" => baixa::settle(state, body),
        "imprimir_nota" => notas::print(state, body),
        other => match unlock::button_target(other) {
            Some(target) => unlock::button(state, other, target, body),
            None => tables::insert(state, table, body),
        },
    }
}
