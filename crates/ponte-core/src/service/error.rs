//! The one table of error codes: every failure a caller of Ponte can see, with its HTTP status
//! and a description.
//!
//! [`ErrorCode`] is the table; [`CallError`] is one occurrence of a code with what the caller
//! needs to act on it (a human detail, the input problems, the execution id). The HTTP layer
//! turns a `CallError` into `application/problem+json` without adding or removing anything, and
//! `docs/errors.md` is rendered from [`ErrorCode::ALL`] by [`errors_markdown`].

use ponte_automation::RunError;
use ponte_catalog::{InputError, InputErrors};

use crate::model::ExecutionId;

/// A stable error code. The spelling of [`ErrorCode::code`] is part of the wire contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The body is not valid JSON.
    InvalidJson,
    /// A query parameter is missing or does not parse.
    InvalidParameter,
    /// The body is JSON but not sent as JSON.
    UnsupportedMediaType,
    /// The inputs break the function's contract.
    InvalidInput,
    /// A CPF or CNPJ with wrong check digits or shape.
    InvalidDocument,
    /// No API key, or one that is unknown or revoked; on the admin API, no valid admin token.
    Unauthorized,
    /// The catalog has no function by that identifier.
    UnknownFunction,
    /// No route answers this path, or the admin API has no record by that id.
    NotFound,
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// The admin API's caller may not make this change (a viewer).
    Forbidden,
    /// The function's binding comes from the configuration file; the admin API cannot change it.
    ManagedByFile,
    /// A published automation has problems (`ponte check`'s diagnostics).
    AutomationInvalid,
    /// The client sent more requests than its rate allows.
    RateLimited,
    /// A payment's transaction id was already used with different data.
    TransactionConflict,
    /// The ERP answered that the thing the inputs name does not exist.
    NotFoundInErp,
    /// The integration has no automation for the function.
    FunctionNotConfigured,
    /// The integration is switched off.
    IntegrationInactive,
    /// The ERP could not be reached or failed.
    ErpUnavailable,
    /// The ERP did not answer in time.
    ErpTimeout,
    /// The ERP missed too many calls in a row; calls are refused for a while.
    ErpCircuitOpen,
    /// The ERP refused the request.
    ErpRejected,
    /// The ERP answered something the automation cannot read.
    ErpInvalidResponse,
    /// The ERP refused the integration's credentials.
    ErpAuthFailed,
    /// The automation tried to reach a host the integration does not allow.
    HostNotAllowed,
    /// The automation hit one of the engine's limits.
    LimitExceeded,
    /// The automation itself failed on this call's data.
    AutomationError,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// An order id was already used for an order with other content.
    OrderConflict,
    /// An order names a platform code that has no association with an ERP code.
    AssociationMissing,
    /// The integration's pendency rules cannot be used (a regular expression does not parse).
    PendencyRulesInvalid,
    /// A signed link whose signature does not match what it names.
    LinkInvalid,
    /// A signed link past its time.
    LinkExpired,
    /// Something failed inside Ponte.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the documentation.
    pub const ALL: [ErrorCode; 33] = [
        ErrorCode::InvalidJson,
        ErrorCode::InvalidParameter,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidDocument,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::UnknownFunction,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::ManagedByFile,
        ErrorCode::AutomationInvalid,
        ErrorCode::RateLimited,
        ErrorCode::TransactionConflict,
        ErrorCode::FunctionNotConfigured,
        ErrorCode::IntegrationInactive,
        ErrorCode::ErpUnavailable,
        ErrorCode::ErpTimeout,
        ErrorCode::ErpCircuitOpen,
        ErrorCode::NotFoundInErp,
        ErrorCode::ErpRejected,
        ErrorCode::ErpInvalidResponse,
        ErrorCode::ErpAuthFailed,
        ErrorCode::HostNotAllowed,
        ErrorCode::LimitExceeded,
        ErrorCode::AutomationError,
        ErrorCode::OrderConflict,
        ErrorCode::AssociationMissing,
        ErrorCode::PendencyRulesInvalid,
        ErrorCode::LinkInvalid,
        ErrorCode::LinkExpired,
        ErrorCode::Internal,
    ];

    /// The wire code, e.g. `"erp_timeout"`.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidDocument => "invalid_document",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ManagedByFile => "managed_by_file",
            ErrorCode::AutomationInvalid => "automation_invalid",
            ErrorCode::UnknownFunction => "unknown_function",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::TransactionConflict => "transaction_conflict",
            ErrorCode::NotFoundInErp => "not_found_in_erp",
            ErrorCode::FunctionNotConfigured => "function_not_configured",
            ErrorCode::IntegrationInactive => "integration_inactive",
            ErrorCode::ErpUnavailable => "erp_unavailable",
            ErrorCode::ErpTimeout => "erp_timeout",
            ErrorCode::ErpCircuitOpen => "erp_circuit_open",
            ErrorCode::ErpRejected => "erp_rejected",
            ErrorCode::ErpInvalidResponse => "erp_invalid_response",
            ErrorCode::ErpAuthFailed => "erp_auth_failed",
            ErrorCode::HostNotAllowed => "host_not_allowed",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::AutomationError => "automation_error",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::OrderConflict => "order_conflict",
            ErrorCode::AssociationMissing => "association_missing",
            ErrorCode::PendencyRulesInvalid => "pendency_rules_invalid",
            ErrorCode::LinkInvalid => "link_invalid",
            ErrorCode::LinkExpired => "link_expired",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status answered with this code.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidJson | ErrorCode::InvalidParameter => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden | ErrorCode::LinkInvalid | ErrorCode::LinkExpired => 403,
            ErrorCode::UnknownFunction | ErrorCode::NotFound | ErrorCode::NotFoundInErp => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::TransactionConflict => 409,
            ErrorCode::OrderConflict | ErrorCode::ManagedByFile => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::InvalidInput
            | ErrorCode::InvalidDocument
            | ErrorCode::AssociationMissing
            | ErrorCode::AutomationInvalid => 422,
            ErrorCode::Internal | ErrorCode::PendencyRulesInvalid => 500,
            ErrorCode::FunctionNotConfigured => 501,
            ErrorCode::ErpUnavailable
            | ErrorCode::ErpRejected
            | ErrorCode::ErpInvalidResponse
            | ErrorCode::ErpAuthFailed
            | ErrorCode::HostNotAllowed
            | ErrorCode::LimitExceeded
            | ErrorCode::AutomationError => 502,
            ErrorCode::IntegrationInactive | ErrorCode::ErpCircuitOpen => 503,
            ErrorCode::ErpTimeout => 504,
        }
    }

    /// A short title, the same for every occurrence (the problem's `title`).
    pub const fn title(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "The body is not valid JSON",
            ErrorCode::InvalidParameter => "A query parameter is missing or malformed",
            ErrorCode::UnsupportedMediaType => "The body must be sent as application/json",
            ErrorCode::InvalidInput => "The inputs do not match the function's contract",
            ErrorCode::InvalidDocument => "Invalid CPF or CNPJ",
            ErrorCode::Unauthorized => "Missing or invalid credentials",
            ErrorCode::Forbidden => "The operator's role does not allow this change",
            ErrorCode::ManagedByFile => "The configuration file manages this function",
            ErrorCode::AutomationInvalid => "The automation has problems",
            ErrorCode::UnknownFunction => "No such function",
            ErrorCode::NotFound => "No such resource",
            ErrorCode::MethodNotAllowed => "The method is not allowed on this path",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::TransactionConflict => "The transaction id was used with other data",
            ErrorCode::NotFoundInErp => "The ERP has no such record",
            ErrorCode::FunctionNotConfigured => "The function is not configured",
            ErrorCode::IntegrationInactive => "The integration is inactive",
            ErrorCode::ErpUnavailable => "The ERP is unavailable",
            ErrorCode::ErpTimeout => "The ERP did not answer in time",
            ErrorCode::ErpCircuitOpen => "The ERP is not being called for a while",
            ErrorCode::ErpRejected => "The ERP refused the request",
            ErrorCode::ErpInvalidResponse => "The ERP's answer could not be read",
            ErrorCode::ErpAuthFailed => "The ERP refused the integration's credentials",
            ErrorCode::HostNotAllowed => "The automation called a host that is not allowed",
            ErrorCode::LimitExceeded => "The automation reached a limit",
            ErrorCode::AutomationError => "The automation failed",
            ErrorCode::PayloadTooLarge => "The body is too large",
            ErrorCode::OrderConflict => "The order id was used for another order",
            ErrorCode::AssociationMissing => "A platform code has no ERP association",
            ErrorCode::PendencyRulesInvalid => "The pendency rules cannot be used",
            ErrorCode::LinkInvalid => "The link's signature is not valid",
            ErrorCode::LinkExpired => "The link has expired",
            ErrorCode::Internal => "Internal error",
        }
    }

    /// When the code is answered and what the caller can do about it.
    pub const fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => {
                "The request body could not be parsed as JSON. Nothing was called."
            }
            ErrorCode::InvalidParameter => {
                "A query parameter the route requires is missing, or one does not parse (a \
                 number that is not one). `errors` names it (`path` is `?name`). A parameter \
                 that parses but is out of its range is `invalid_input`."
            }
            ErrorCode::UnsupportedMediaType => {
                "A request body was sent with a `Content-Type` other than `application/json`."
            }
            ErrorCode::InvalidInput => {
                "The inputs break the function's contract. `errors` lists every problem with \
                 its JSON pointer (`path`), what was `expected` and what was received (`got`). \
                 The ERP was not called."
            }
            ErrorCode::InvalidDocument => {
                "A CPF or CNPJ has the wrong length, characters or check digits. `errors` names \
                 the field. The ERP was not called."
            }
            ErrorCode::Unauthorized => {
                "The `Authorization: Bearer` header is missing, malformed, or holds a key that \
                 is unknown or revoked. Under `/admin/v1/`: it does not hold the admin token (an \
                 integration's API key never opens the admin API), or the admin API is off \
                 because `security.admin_token` is not set, or it \
                 holds an operator's session that ended or expired, or the name and password \
                 signed in with do not match an operator."
            }
            ErrorCode::Forbidden => {
                "Under `/admin/v1/`: the operator signed in with the `viewer` role, which reads \
                 but changes nothing. Nothing was changed; an operator with the `admin` role (or \
                 the admin token) can make the change."
            }
            ErrorCode::ManagedByFile => {
                "Under `/admin/v1/`: the function is bound by the configuration file \
                 (`[integrations.functions]` or `automation_dir`), or the integration is \
                 declared there (`[[integrations]]`), so a change made here would be undone at \
                 the next start or reload. Change the file instead. Nothing was changed."
            }
            ErrorCode::AutomationInvalid => {
                "A new automation version was refused because `ponte check` finds problems in \
                 it. `diagnostics` lists each one with its stable code, line, column and hint. \
                 Nothing was stored or bound."
            }
            ErrorCode::UnknownFunction => {
                "The path names no function of the catalog; `GET /v1/functions` lists them."
            }
            ErrorCode::NotFound => {
                "No endpoint answers this path, or the admin API has no integration, execution, \
                 API key or catalog function by the id asked for."
            }
            ErrorCode::MethodNotAllowed => {
                "An endpoint answers this path, but not with this method; the `Allow` header \
                 lists the methods it takes."
            }
            ErrorCode::RateLimited => {
                "The client (by its IP address) sent more requests to `/v1/tools/` than \
                 `tools.requests_per_minute` allows, past its burst. `Retry-After` says how many \
                 seconds until the next request is let through."
            }
            ErrorCode::NotFoundInErp => {
                "The ERP answered, and has no record the inputs name (a customer, contract, \
                 boleto or fiscal note): the automation ended with a `fail` step marked \
                 `not_found`. `automation_code` holds the automation's own code \
                 (`boleto_not_found`...), `execution_id` names the run. Asking again with the \
                 same inputs gives the same answer."
            }
            ErrorCode::TransactionConflict => {
                "`POST /v1/payments` with a `transaction.id` this integration already used for \
                 a payment with different data (another boleto, amount, customer or any other \
                 field). Nothing was stored or called; the first payment is untouched. A repeat \
                 with the same data is not an error: it answers the first payment."
            }
            ErrorCode::FunctionNotConfigured => {
                "The caller's integration has no automation bound to this function (or its \
                 preset has none for it)."
            }
            ErrorCode::IntegrationInactive => {
                "The caller's integration is switched off; no ERP is called until it is \
                 activated again."
            }
            ErrorCode::ErpUnavailable => {
                "The ERP could not be reached, dropped the connection, or answered with a \
                 server error until the retries ran out. `execution_id` names the run."
            }
            ErrorCode::ErpTimeout => {
                "The ERP did not answer within the integration's per-request or total timeout. \
                 `execution_id` names the run."
            }
            ErrorCode::ErpCircuitOpen => {
                "The ERP missed the integration's last calls in a row (`erp_unavailable`, \
                 `erp_timeout`; `limits.breaker.failures`, 5 by default), so calls are refused \
                 at once instead of waiting out the timeout. `Retry-After` says when one call \
                 will probe the ERP again; its success lets every call through."
            }
            ErrorCode::ErpRejected => {
                "The ERP answered and refused the request; `detail` holds its own message, \
                 cleaned of markup. When the automation refused on its own (a `fail` step), \
                 `automation_code` holds the automation's code."
            }
            ErrorCode::ErpInvalidResponse => {
                "The ERP answered something the automation could not read, or the mapped \
                 output does not match the function's contract; `detail` names the field."
            }
            ErrorCode::ErpAuthFailed => {
                "The ERP refused the integration's credentials, even with a fresh token. The \
                 integration's secrets need attention."
            }
            ErrorCode::HostNotAllowed => {
                "The automation tried to call a host outside the integration's \
                 `allowed_hosts`; the request was not sent."
            }
            ErrorCode::LimitExceeded => {
                "The automation reached one of the engine's limits (steps, loop iterations, \
                 response size, template work)."
            }
            ErrorCode::AutomationError => {
                "The automation failed on this call's data (a template or mapping error), or \
                 does not compile. The integrator should run `ponte check` and `ponte test`."
            }
            ErrorCode::PayloadTooLarge => {
                "The request body is larger than the server accepts (1 MiB by default); it was \
                 refused before being read whole."
            }
            ErrorCode::OrderConflict => {
                "`POST /v1/orders` with an `order.id` already used for an order whose content \
                 differs (the same content answers the first answer again, calling nothing), \
                 or while another request is still placing the order with that id. Nothing \
                 was called."
            }
            ErrorCode::AssociationMissing => {
                "The integration has associations of a kind (products, resellers, due dates, \
                 origins) and the order names a platform code without one. `errors` names the \
                 field (`path`) and the code (`got`). Nothing was called; add the association \
                 with `PUT /admin/v1/integrations/{id}/associations/{kind}`."
            }
            ErrorCode::PendencyRulesInvalid => {
                "A pendency rule of the integration's `pendency_rules` is a regular expression \
                 that does not parse; `detail` names the rule's label. The operator must fix \
                 the settings."
            }
            ErrorCode::LinkInvalid => {
                "A signed link (an invoice's `pdf_url`, `barcode_svg_url`, `pix_qr_svg_url`) \
                 was changed, is incomplete, or was signed with another key. Nothing was \
                 called; ask for the invoices again for fresh links."
            }
            ErrorCode::LinkExpired => {
                "A signed link is past its lifetime (`links.ttl_seconds`, 24 hours by \
                 default). Ask for the invoices again for fresh links."
            }
            ErrorCode::Internal => {
                "Something failed inside Ponte (for example its database). The body carries no \
                 details; the server's log has them."
            }
        }
    }

    /// The code for a wire string, when it is one of the table's.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One failed call: a code from the table and what the caller is told about it.
///
/// `detail` is written for the caller and never holds secrets, tokens, the customer's document
/// or Ponte's internals; [`CallError::internal`] has a fixed detail for that reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct CallError {
    /// The code.
    pub code: ErrorCode,
    /// A human explanation of this occurrence.
    pub detail: String,
    /// The input problems, for `invalid_input` and `invalid_document`.
    pub errors: Vec<InputError>,
    /// The run that failed, whenever an automation ran.
    pub execution_id: Option<ExecutionId>,
    /// The automation's own code, when a `fail` step ended the run.
    pub automation_code: Option<String>,
    /// When trying again makes sense, in seconds (the `Retry-After` header).
    pub retry_after_secs: Option<u64>,
}

impl CallError {
    /// An error with a detail and nothing else.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            execution_id: None,
            automation_code: None,
            retry_after_secs: None,
        }
    }

    /// An `internal` error. The cause is for the log, not for the caller.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Ponte could not complete the call; the server log has the details.",
        )
    }

    /// `invalid_document` when a document is among the problems, else `invalid_input`.
    pub fn from_input_errors(errors: InputErrors) -> Self {
        let code = if errors.has_invalid_document() {
            ErrorCode::InvalidDocument
        } else {
            ErrorCode::InvalidInput
        };
        let count = errors.0.len();
        let detail = if count == 1 {
            "1 problem in the inputs; see `errors`.".to_owned()
        } else {
            format!("{count} problems in the inputs; see `errors`.")
        };
        Self {
            errors: errors.0,
            ..Self::new(code, detail)
        }
    }

    /// The error of a failed run, carrying its execution id.
    ///
    /// The detail is the engine's message, which names steps and fields and carries the ERP's
    /// cleaned message, but never secrets: the engine only sees them through templates and
    /// redacts them from everything it reports. `mask` is applied on top to hide the
    /// customer's document.
    pub fn from_run(
        error: &RunError,
        execution_id: ExecutionId,
        mask: impl Fn(&str) -> String,
    ) -> Self {
        let (code, automation_code) = match error {
            // The ERP answered and has no such record: the caller asked for something that
            // does not exist, which is the caller's 404, not a failure of the ERP.
            RunError::Failed {
                code,
                not_found: true,
                ..
            } => (ErrorCode::NotFoundInErp, Some(code.clone())),
            RunError::Failed { code, .. } => match ErrorCode::from_code(code) {
                // An automation may fail with one of Ponte's own ERP codes on purpose.
                Some(own) if own.status() >= 502 => (own, None),
                _ => (ErrorCode::ErpRejected, Some(code.clone())),
            },
            other => (
                ErrorCode::from_code(other.code()).unwrap_or(ErrorCode::AutomationError),
                None,
            ),
        };
        let detail = match error {
            RunError::Rejected { message, .. } | RunError::Failed { message, .. }
                if !message.is_empty() =>
            {
                message.clone()
            }
            other => other.to_string(),
        };
        Self {
            execution_id: Some(execution_id),
            automation_code,
            ..Self::new(code, mask(&detail))
        }
    }

    /// The code's wire string.
    pub fn code(&self) -> &'static str {
        self.code.code()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The code's description from the table.
    pub fn description(&self) -> &'static str {
        self.code.description()
    }
}

/// `docs/errors.md`, rendered from the table.
pub fn errors_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         <!-- Generated from `ponte_core::service::ErrorCode`; do not edit by hand. -->\n\
         <!-- Regenerate: `PONTE_UPDATE_DOCS=1 cargo test -p ponte-http --test docs`. -->\n\n\
         Every error Ponte answers is `application/problem+json` (RFC 9457):\n\n\
         ```json\n\
         {\n  \"type\": \"/docs#error-erp_timeout\",\n  \"title\": \"The ERP did not answer in time\",\n  \
         \"status\": 504,\n  \"detail\": \"step `invoices`: the ERP did not answer within 10000 ms\",\n  \
         \"code\": \"erp_timeout\",\n  \"execution_id\": \"0194f5c2-7b3a-7c11-9e5d-3f1a2b4c5d6e\"\n}\n\
         ```\n\n\
         - `code` is stable and comes from the table below; `title` is fixed per code.\n\
         - `errors` lists input problems (`path`, `code`, `expected`, `got`) for `invalid_input` \
         and `invalid_document`.\n\
         - `execution_id` is present whenever an automation ran; it is also the \
         `Ponte-Execution-Id` header.\n\
         - `automation_code` is the automation's own code when it refused on purpose.\n\
         - No response ever carries a secret, a token, an ERP credential or a stack trace.\n\n\
         | code | HTTP | description |\n|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.code(),
            code.status(),
            code.description()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.code()), "{code} listed twice");
            assert_eq!(ErrorCode::from_code(code.code()), Some(code));
        }
    }

    #[test]
    fn a_fail_step_with_its_own_code_becomes_erp_rejected_naming_that_code() {
        let error = RunError::Failed {
            code: "contract_not_blocked".into(),
            message: "O contrato não está bloqueado".into(),
            not_found: false,
        };
        let call = CallError::from_run(&error, ExecutionId::new(), str::to_owned);
        assert_eq!(call.code(), "erp_rejected");
        assert_eq!(call.status(), 502);
        assert_eq!(
            call.automation_code.as_deref(),
            Some("contract_not_blocked")
        );
        assert_eq!(call.detail, "O contrato não está bloqueado");
    }

    #[test]
    fn a_fail_step_marked_not_found_is_not_found_in_erp_keeping_its_code() {
        let error = RunError::Failed {
            code: "boleto_not_found".into(),
            message: "IXC has no boleto 9".into(),
            not_found: true,
        };
        let call = CallError::from_run(&error, ExecutionId::new(), str::to_owned);
        assert_eq!((call.code(), call.status()), ("not_found_in_erp", 404));
        assert_eq!(call.automation_code.as_deref(), Some("boleto_not_found"));
        assert_eq!(call.detail, "IXC has no boleto 9");
    }

    #[test]
    fn engine_codes_map_to_the_table() {
        let error = RunError::Timeout {
            step: "invoices".into(),
            after_ms: 10,
        };
        let call = CallError::from_run(&error, ExecutionId::new(), str::to_owned);
        assert_eq!((call.code(), call.status()), ("erp_timeout", 504));
        assert!(call.execution_id.is_some());
    }
}
