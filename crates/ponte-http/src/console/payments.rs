//! Payments: the settlements waiting for the operator (`failed`), with a retry each, or every
//! settlement in another state.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::model::{IntegrationId, PaymentQuery, PaymentState};
use serde::Deserialize;

use super::pages::{error, page};
use super::session::{Change, SignedIn};
use crate::AppState;
use crate::admin::payments::AdminPayment;

#[derive(Debug, Deserialize)]
pub(super) struct Filter {
    #[serde(default)]
    state: String,
}

/// `GET /console/payments`.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(filter): Query<Filter>,
) -> Response {
    let wanted = PaymentState::parse(&filter.state).unwrap_or(PaymentState::Failed);
    let query = PaymentQuery {
        integration: None,
        state: Some(wanted),
        transaction_id: None,
        limit: Some(200),
    };
    match state.ponte.list_payments(&query).await {
        Ok(views) => {
            let payments: Vec<AdminPayment> = views.into_iter().map(AdminPayment::from).collect();
            page(
                "payments.html",
                &session,
                "payments",
                serde_json::json!({
                    "payments": payments,
                    "state": wanted.as_str(),
                    "states": ["failed", "pending", "verifying", "settling", "settled"],
                }),
            )
        }
        Err(err) => error(&session, &err),
    }
}

/// `POST /console/payments/{integration}/{transaction}/retry`.
pub(super) async fn retry(
    State(state): State<AppState>,
    Path((integration, transaction)): Path<(String, String)>,
    change: Change,
) -> Response {
    let integration = IntegrationId::parse(&integration).ok();
    match state
        .ponte
        .retry_payment(&transaction, integration.as_ref())
        .await
    {
        Ok(_) => Redirect::to("/console/payments?state=pending").into_response(),
        Err(err) => error(&change.session, &err),
    }
}
