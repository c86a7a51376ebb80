//! The trust unlock (`desbloqueio_confianca`) and the contract buttons that change the access
//! status (`cliente_contrato_15464` and friends).
//!
//! The trust unlock answers with Portuguese keys, `{"tipo","codigo","mensagem"}`:
//! 106 no such contract, 107 access already active, 109 contract inactive, 113 already used
//! inside the period. Only a blocked access (`CM`, `CA`, `FA`) can be unlocked: an access
//! awaiting signature or any other state that is not a block gets 107 too, and a disabled
//! access (`D`) 109, unless [`IxcLeniency::unlock_unblocked`](super::IxcLeniency) lets the
//! unlock through. A success releases the access (`status_internet = A`), marks
//! `desbloqueio_confianca_ativo = S` and records the date of use and the date the block
//! returns.

use axum::response::Response;
use serde_json::json;
use time::Duration;

use super::guesses::{
    NOT_FOUND_MESSAGE, UNLOCK_ALREADY_ACTIVE, UNLOCK_DISABLED_CODE, UNLOCK_INACTIVE,
    UNLOCK_NOT_ALLOWED, UNLOCK_NOT_ALLOWED_CODE, UNLOCK_NOT_BLOCKED_CODE, UNLOCK_SUCCESS_CODE,
    unlock_not_found, unlock_success, unlock_used,
};
use super::model::BLOCKED_ACCESS;
use super::state::IxcState;
use super::values::{br, iso, parse_date};
use super::wire::{Fields, error, ok_json, success, text};

fn answer(tipo: &str, codigo: &str, mensagem: &str) -> Response {
    let body = json!({"tipo": tipo, "codigo": codigo, "mensagem": mensagem});
    if tipo == "erro" {
        // Refusals travel like every IXC error: status 200, `text/html`.
        use axum::http::header;
        use axum::response::IntoResponse;
        ([(header::CONTENT_TYPE, "text/html")], body.to_string()).into_response()
    } else {
        ok_json(&body)
    }
}

/// `POST desbloqueio_confianca {"id": "<contract id>"}`.
pub(crate) fn trust_unlock(state: &IxcState, body: &Fields) -> Response {
    let id = text(body, "id");
    let config = state.config();
    let today = state.today();
    let mut db = state.db();
    let Some(contract) = db.get_mut("cliente_contrato", &id) else {
        return answer("erro", "106", &unlock_not_found(&id));
    };
    let get = |k: &str| contract.get(k).cloned().unwrap_or_default();
    if matches!(get("status").as_str(), "I" | "D") {
        return answer("erro", "109", UNLOCK_INACTIVE);
    }
    let access = get("status_internet");
    if access == "A" {
        return answer("erro", "107", UNLOCK_ALREADY_ACTIVE);
    }
    if !config.lenient.unlock_unblocked && !BLOCKED_ACCESS.contains(&access.as_str()) {
        return if access == "D" {
            answer("erro", UNLOCK_DISABLED_CODE, UNLOCK_INACTIVE)
        } else {
            answer("erro", UNLOCK_NOT_BLOCKED_CODE, UNLOCK_ALREADY_ACTIVE)
        };
    }
    if get("desbloqueio_confianca") == "N" {
        return answer("erro", UNLOCK_NOT_ALLOWED_CODE, UNLOCK_NOT_ALLOWED);
    }
    if let Some(used) = parse_date(&get("dt_ult_desb_conf")) {
        let again = used + Duration::days(i64::from(config.unlock_period_days));
        if today < again {
            return answer("erro", "113", &unlock_used(&id, &br(used), &br(again)));
        }
    }
    let until = today + Duration::days(i64::from(config.unlock_days));
    for (key, value) in [
        ("status_internet", "A".to_string()),
        ("desbloqueio_confianca_ativo", "S".to_string()),
        ("dt_ult_desb_conf", iso(today)),
        ("dt_ult_des_bloq_conf", iso(today)),
        ("dt_retorno_desb_conf", iso(until)),
    ] {
        contract.insert(key.to_string(), value);
    }
    answer("sucesso", UNLOCK_SUCCESS_CODE, &unlock_success(&br(until)))
}

/// The contract buttons that set `status_internet`, by endpoint name.
pub(crate) fn button_target(endpoint: &str) -> Option<&'static str> {
    Some(match endpoint {
        "cliente_contrato_15464" | "cliente_contrato_btn_lib_temp_24722" => "A",
        "cliente_contrato_ativar_cliente" => "A",
        "cliente_contrato_15463" => "FA",
        "cliente_contrato_15300" => "CM",
        "cliente_contrato_23529" => "AA",
        _ => return None,
    })
}

/// A contract button: the body names the contract as `id_contrato`, `get_id` or `id`,
/// depending on the button and the client.
pub(crate) fn button(state: &IxcState, endpoint: &str, target: &str, body: &Fields) -> Response {
    let id = ["id_contrato", "get_id", "id"]
        .iter()
        .map(|k| text(body, k))
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let today = iso(state.today());
    let mut db = state.db();
    let Some(contract) = db.get_mut("cliente_contrato", &id) else {
        return error(NOT_FOUND_MESSAGE);
    };
    contract.insert("status_internet".into(), target.into());
    match target {
        "CM" => {
            contract.insert("dt_ult_bloq_manual".into(), today);
        }
        "FA" => {
            contract.insert("dt_ult_finan_atraso".into(), today);
        }
        _ => {}
    }
    if endpoint == "cliente_contrato_ativar_cliente" {
        contract.insert("status".into(), "A".into());
    }
    success("Operação realizada com sucesso!", &id)
}
