//! Invoices ready to pay (SPEC §5.2): the customer's open invoices with their `pay` object,
//! and the resources their signed links name (PDF, ITF barcode, PIX QR code), which work
//! without the API key.

// Helpers answer the handlers' own error type, as every handler does.
#![allow(clippy::result_large_err)]

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ponte_core::service::{CallError, ErrorCode, barcode_path, pdf_path, pix_qr_path};
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Authenticated, MaybeBearer, PathParams, QueryParams};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices_to_pay))
        .routes(routes!(invoice_pdf))
        .routes(routes!(invoice_barcode))
        .routes(routes!(invoice_pix_qr))
}

/// The filter of the invoice list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only this contract's invoices.
    pub contract_id: Option<String>,
}

/// The parameters of a signed link, as Ponte wrote them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// The integration.
    pub i: Option<String>,
    /// The barcode digits or the PIX code the image draws.
    pub code: Option<String>,
    /// When the link expires (Unix seconds).
    pub e: Option<String>,
    /// The signature.
    pub s: Option<String>,
}

impl LinkQuery {
    /// Checks the link for `path`; answers the integration it names.
    fn verify(&self, state: &AppState, path: &str) -> Result<String, Problem> {
        let (Some(integration), Some(expires), Some(signature)) = (&self.i, &self.e, &self.s)
        else {
            return Err(CallError::new(
                ErrorCode::LinkInvalid,
                "The link lacks its integration, expiry or signature.",
            )
            .into());
        };
        state.ponte.links().verify(
            path,
            integration,
            self.code.as_deref().unwrap_or_default(),
            expires,
            signature,
            OffsetDateTime::now_utc(),
        )?;
        Ok(integration.clone())
    }
}

/// The customer's open invoices (`list_invoices`), each with `pay`: `{barcode,
/// linha_digitavel_valid, due_date, amount, pix_code, pix_generated, pix_valid, pdf_url,
/// barcode_svg_url, pix_qr_svg_url, problems: [{field, code, detail}]}`. The barcode is
/// derived from the linha digitável (`""` when it is invalid); the PIX code is the ERP's, or a
/// static BR Code built from the receiver the invoice's `identifier` names (or the first) with
/// `valor_final`; the URLs are signed and work without the API key for `links.ttl_seconds`.
#[utoipa::path(
    get,
    path = "/v1/customers/{document}/invoices",
    tag = "flows",
    security(("api_key" = [])),
    params(
        ("document" = String, Path, description = "The customer's CPF or CNPJ", example = "52998224725"),
        InvoiceQuery,
    ),
    responses(
        (status = 200, description = "The invoices, each INVOICE with `pay`", body = Vec<Object>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_document`, `invalid_input`", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "`internal`", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "`function_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`erp_unavailable`, `erp_rejected`, `erp_invalid_response`, `erp_auth_failed`, `automation_error`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`, `erp_circuit_open`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`erp_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_invoices_to_pay(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    PathParams(document): PathParams<String>,
    QueryParams(query): QueryParams<InvoiceQuery>,
) -> Result<Json<Vec<Value>>, Problem> {
    let invoices = state
        .ponte
        .invoices_to_pay(&caller, &document, query.contract_id.as_deref())
        .await?;
    Ok(Json(invoices))
}

/// The boleto's PDF, through `get_boleto_pdf`: with the API key, or through the signed
/// `pdf_url` of an invoice (no key needed).
#[utoipa::path(
    get,
    path = "/v1/invoices/{boleto_id}/pdf",
    tag = "flows",
    security((), ("api_key" = [])),
    params(("boleto_id" = String, Path, description = "The invoice's `remote_id`"), LinkQuery),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "`unauthorized`: neither a key nor a link", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`link_invalid`, `link_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found_in_erp`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`erp_unavailable`, `erp_invalid_response`, ...", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`integration_inactive`, `erp_circuit_open`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`erp_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn invoice_pdf(
    State(state): State<AppState>,
    MaybeBearer(key): MaybeBearer,
    PathParams(boleto_id): PathParams<String>,
    QueryParams(link): QueryParams<LinkQuery>,
) -> Result<Response, Problem> {
    let pdf = match (&link.s, key) {
        (Some(_), _) => {
            let integration = link.verify(&state, &pdf_path(&boleto_id))?;
            state
                .ponte
                .boleto_pdf_by_link(&integration, &boleto_id)
                .await?
        }
        (None, Some(key)) => {
            let caller = state.ponte.authenticate(&key).await?;
            state.ponte.boleto_pdf(&caller, &boleto_id).await?
        }
        (None, None) => {
            return Err(Problem::new(
                ErrorCode::Unauthorized,
                "Send the integration's API key, or use the signed `pdf_url` of an invoice.",
            ));
        }
    };
    Ok(file("application/pdf", pdf, "private, max-age=300"))
}

/// The boleto's ITF (Interleaved 2 of 5) barcode as SVG, through the signed `barcode_svg_url`
/// of an invoice.
#[utoipa::path(
    get,
    path = "/v1/invoices/{boleto_id}/barcode.svg",
    tag = "flows",
    security(()),
    params(("boleto_id" = String, Path, description = "The invoice's `remote_id`"), LinkQuery),
    responses(
        (status = 200, description = "The barcode", content_type = "image/svg+xml", body = String),
        (status = 403, description = "`link_invalid`, `link_expired`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn invoice_barcode(
    State(state): State<AppState>,
    PathParams(boleto_id): PathParams<String>,
    QueryParams(link): QueryParams<LinkQuery>,
) -> Result<Response, Problem> {
    link.verify(&state, &barcode_path(&boleto_id))?;
    let digits = link.code.unwrap_or_default();
    let svg = ponte_br::itf::svg(&digits).map_err(|_| link_refused())?;
    Ok(file(
        "image/svg+xml",
        svg.into_bytes(),
        "private, max-age=3600",
    ))
}

/// The invoice's PIX code as a QR code (SVG), through the signed `pix_qr_svg_url`.
#[utoipa::path(
    get,
    path = "/v1/invoices/{boleto_id}/pix-qr.svg",
    tag = "flows",
    security(()),
    params(("boleto_id" = String, Path, description = "The invoice's `remote_id`"), LinkQuery),
    responses(
        (status = 200, description = "The QR code", content_type = "image/svg+xml", body = String),
        (status = 403, description = "`link_invalid`, `link_expired`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn invoice_pix_qr(
    State(state): State<AppState>,
    PathParams(boleto_id): PathParams<String>,
    QueryParams(link): QueryParams<LinkQuery>,
) -> Result<Response, Problem> {
    link.verify(&state, &pix_qr_path(&boleto_id))?;
    let code = link.code.unwrap_or_default();
    let svg = ponte_br::qr::svg(&code).map_err(|_| link_refused())?;
    Ok(file(
        "image/svg+xml",
        svg.into_bytes(),
        "private, max-age=3600",
    ))
}

/// A signed code that cannot be drawn was not signed by Ponte's rules: refuse it as a link.
fn link_refused() -> Problem {
    CallError::new(
        ErrorCode::LinkInvalid,
        "The link names nothing that can be drawn.",
    )
    .into()
}

fn file(content_type: &'static str, body: Vec<u8>, cache: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
