//! `POST /cliente/desbloqueio_confianca`: the trust unlock (erps.md §6.4).
//!
//! `id_cliente_servico` is required; `dias_desbloqueio` defaults to 1 (released until the next
//! day). The server applies the rule set in the provider's admin panel: here, at most
//! `unlock_max_days` days, once per `unlock_period_days`, only for services suspended for debt,
//! and never for a customer the provider excluded. The success text is documented; every
//! refusal text is a guess ([`super::guesses`]), sent in the documented error envelope.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;
use time::Duration;

use super::guesses::{
    UNLOCK_NOT_ALLOWED, service_not_found, unlock_already_used, unlock_not_suspended,
    unlock_running, unlock_too_many_days,
};
use super::seed::catalog::{SUSPENDED_FOR_DEBT, status_name};
use super::state::HubsoftState;
use super::values::br;
use super::wire::{Params, body, error, success};

/// `POST /api/v1/integracao/cliente/desbloqueio_confianca`.
pub(crate) async fn trust_unlock(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let fields = body(&headers, &bytes);
    let mut p = Params::new(&fields);
    let service_id = p.id("id_cliente_servico", true);
    let days = p.id("dias_desbloqueio", false).unwrap_or(1);
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let Some(service_id) = service_id else {
        return error(super::guesses::VALIDATION_MESSAGE);
    };
    let config = state.config();
    let mut inner = state.lock();
    let today = inner.today;
    let Some(service) = inner.db.service_mut(service_id) else {
        return error(&service_not_found(service_id));
    };
    if days > u64::from(config.unlock_max_days) {
        return error(&unlock_too_many_days(days, config.unlock_max_days));
    }
    if let Some((until, _)) = &service.unlock_until {
        return error(&unlock_running(&br(*until)));
    }
    if !SUSPENDED_FOR_DEBT.contains(&service.status_prefixo.as_str()) {
        return error(&unlock_not_suspended(status_name(&service.status_prefixo)));
    }
    if !service.unlock_allowed {
        return error(UNLOCK_NOT_ALLOWED);
    }
    if let Some(used) = service.unlock_last {
        let again = used + Duration::days(i64::from(config.unlock_period_days));
        if today < again {
            return error(&unlock_already_used(&br(used), &br(again)));
        }
    }
    let until = today + Duration::days(i64::try_from(days).unwrap_or(1));
    let back = std::mem::replace(&mut service.status_prefixo, config.unlock_status.clone());
    service.unlock_last = Some(today);
    service.unlock_until = Some((until, back));
    // The documented success text (erps.md §6.4).
    success(
        &format!(
            "Desbloqueio em confiança realizado com sucesso até a data {}",
            br(until)
        ),
        json!({}),
    )
}
