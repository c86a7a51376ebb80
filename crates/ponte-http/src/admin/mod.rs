//! `/admin/v1/`: the operator's API (SPEC §6.1). Every route takes the admin token or an
//! operator's session token as `Authorization: Bearer <token>`
//! ([`AdminAccess`](crate::extract::AdminAccess)), never an integration's API key; with no
//! `security.admin_token` configured the admin API is off. A viewer's change is `forbidden`,
//! and every change is written to the audit log ([`audit`]).
//!
//! [`integrations`]: integrations as configured, their API keys. [`executions`]: execution
//! records with their traces, and test runs. [`payments`]: settlements, the failed ones and
//! their retry. [`catalogs`]: the catalog cache and the associations. [`presets`]: the
//! embedded presets. [`operators`]: operator accounts and sessions. No answer carries a
//! secret value, a key hash or
//! the admin token; the only plain API key ever shown is the one just created.

pub mod audit;
pub mod automations;
pub mod catalogs;
pub mod executions;
pub mod integrations;
pub mod operators;
pub mod payments;
pub mod presets;
pub mod secrets;

use ponte_core::service::{CallError, ErrorCode};
use time::format_description::well_known::Rfc3339;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The routes of the admin API.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(integrations::routes())
        .merge(executions::routes())
        .merge(payments::routes())
        .merge(catalogs::routes())
        .merge(presets::routes())
        .merge(secrets::routes())
        .merge(automations::routes())
        .merge(operators::routes())
        .merge(audit::routes())
}

/// Formats a timestamp as RFC 3339, the way every admin answer writes them.
pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// An optional RFC 3339 time from the query parameter `name`; one that does not parse is
/// `invalid_parameter` naming it.
pub(crate) fn time_param(
    name: &str,
    value: Option<&str>,
) -> Result<Option<time::OffsetDateTime>, CallError> {
    value
        .map(|text| {
            time::OffsetDateTime::parse(text, &Rfc3339).map_err(|err| CallError {
                errors: vec![ponte_catalog::InputError {
                    path: format!("?{name}"),
                    code: ponte_catalog::InputErrorCode::InvalidValue,
                    expected: "an RFC 3339 time (2026-01-31T12:00:00Z)".to_owned(),
                    got: crate::extract::shorten(text),
                }],
                ..CallError::new(
                    ErrorCode::InvalidParameter,
                    format!("The query parameter `{name}` is not an RFC 3339 time: {err}."),
                )
            })
        })
        .transpose()
}
