//! `/v1/tools/`: the Brazilian payment primitives over HTTP, for clients without a library of
//! their own (the totem draws a boleto's barcode, the app a PIX QR code). They need no ERP and
//! no API key: they read only what they are given. The JSON is the same as the command line's.

use axum::Json;
use axum::extract::Query;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ponte_br::report::{self, PixBuildRequest};
use ponte_core::service::ErrorCode;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::JsonBody;
use crate::problem::Problem;

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(document))
        .routes(routes!(boleto))
        .routes(routes!(pix_parse))
        .routes(routes!(pix_build))
        .routes(routes!(barcode_svg))
        .routes(routes!(barcode_png))
        .routes(routes!(qr_svg))
        .routes(routes!(qr_png))
}

/// `?value=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct DocumentQuery {
    /// A CPF or CNPJ, formatted or bare.
    pub value: String,
}

/// `?code=&today=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct BoletoQuery {
    /// Linha digitável or barcode, any formatting.
    pub code: String,
    /// Reference date (`YYYY-MM-DD`) for reading the due date; default today in Brasília.
    #[serde(default)]
    pub today: Option<String>,
}

/// `?payload=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct PixQuery {
    /// A PIX BR Code (copy and paste).
    pub payload: String,
}

/// `?code=&dpi=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct BarcodeQuery {
    /// Linha digitável or barcode of a boleto.
    pub code: String,
    /// PNG resolution (default 300, 72–1200).
    #[serde(default)]
    pub dpi: Option<u32>,
}

/// `?payload=&px=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct QrQuery {
    /// The text to encode (a PIX BR Code).
    pub payload: String,
    /// Pixels per module of the PNG (default 8, 1–40).
    #[serde(default)]
    pub px: Option<u32>,
}

fn json(value: &impl serde::Serialize) -> Response {
    Json(serde_json::to_value(value).unwrap_or(Value::Null)).into_response()
}

fn image(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400, immutable"),
    );
    response
}

fn invalid(field: &str, detail: impl std::fmt::Display) -> Problem {
    Problem::new(ErrorCode::InvalidInput, format!("`{field}`: {detail}"))
}

/// The 44-digit barcode of a valid boleto, or the reason there is none.
fn barcode_digits(code: &str) -> Result<String, String> {
    let today = ponte_core::clock::today_in_brasilia();
    let report = report::boleto_report(code, today);
    match (report.valid, report.barcode) {
        (true, Some(barcode)) => Ok(barcode),
        _ => Err(report.reason.unwrap_or_else(|| "not a boleto".into())),
    }
}

/// Validate and format a CPF or CNPJ (alphanumeric CNPJ included).
#[utoipa::path(get, path = "/v1/tools/document", tag = "tools", params(DocumentQuery),
    responses((status = 200, description = "`{valid, kind, digits, formatted, reason}`; `reason` only when invalid", body = Object)))]
async fn document(Query(q): Query<DocumentQuery>) -> Response {
    json(&report::document_report(&q.value))
}

/// Parse and validate a boleto: kind, barcode, linha digitável, amount, due date, bank.
#[utoipa::path(get, path = "/v1/tools/boleto", tag = "tools", params(BoletoQuery),
    responses(
        (status = 200, description = "`{valid, kind, barcode, linha_digitavel, amount, due_date, bank_code, reason}`", body = Object),
        (status = 422, description = "`today` is not a date", body = crate::problem::Problem)))]
async fn boleto(Query(q): Query<BoletoQuery>) -> Result<Response, Problem> {
    let today = match q.today.as_deref() {
        None | Some("") => ponte_core::clock::today_in_brasilia(),
        Some(text) => time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| invalid("today", format!("expected YYYY-MM-DD, got {text:?}")))?,
    };
    Ok(json(&report::boleto_report(&q.code, today)))
}

/// Parse a PIX BR Code (static or dynamic) and check its CRC.
#[utoipa::path(get, path = "/v1/tools/pix/parse", tag = "tools", params(PixQuery),
    responses((status = 200, description = "`{valid, crc, key, url, amount, merchant_name, merchant_city, txid, description, reason}`", body = Object)))]
async fn pix_parse(Query(q): Query<PixQuery>) -> Response {
    json(&report::pix_parse_report(&q.payload))
}

/// Build a static PIX BR Code. Body: `{key, name, city, amount?, txid?, description?}`.
#[utoipa::path(post, path = "/v1/tools/pix/build", tag = "tools", request_body = Object,
    responses(
        (status = 200, description = "`{payload}`", body = Object),
        (status = 422, description = "A field cannot go into a BR Code", body = crate::problem::Problem)))]
async fn pix_build(JsonBody(body): JsonBody) -> Result<Response, Problem> {
    let request: PixBuildRequest = serde_json::from_value(body).map_err(|e| invalid("body", e))?;
    report::pix_build(&request)
        .map(|built| json(&built))
        .map_err(|e| invalid("body", e))
}

/// The boleto's ITF (Interleaved 2 of 5) barcode as SVG, 103 × 13 mm with quiet zones.
#[utoipa::path(get, path = "/v1/tools/barcode.svg", tag = "tools", params(BarcodeQuery),
    responses((status = 200, description = "image/svg+xml", content_type = "image/svg+xml", body = String),
        (status = 422, description = "Not a valid boleto", body = crate::problem::Problem)))]
async fn barcode_svg(Query(q): Query<BarcodeQuery>) -> Result<Response, Problem> {
    let digits = barcode_digits(&q.code).map_err(|r| invalid("code", r))?;
    let svg = ponte_br::itf::svg(&digits).map_err(|e| invalid("code", e))?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// The boleto's ITF barcode as PNG at the chosen resolution.
#[utoipa::path(get, path = "/v1/tools/barcode.png", tag = "tools", params(BarcodeQuery),
    responses((status = 200, description = "image/png", content_type = "image/png", body = Vec<u8>),
        (status = 422, description = "Not a valid boleto, or a resolution out of range", body = crate::problem::Problem)))]
async fn barcode_png(Query(q): Query<BarcodeQuery>) -> Result<Response, Problem> {
    let dpi = q.dpi.unwrap_or(300);
    if !(72..=1200).contains(&dpi) {
        return Err(invalid("dpi", format!("expected 72 to 1200, got {dpi}")));
    }
    let digits = barcode_digits(&q.code).map_err(|r| invalid("code", r))?;
    let png = ponte_br::itf::png(&digits, dpi).map_err(|e| invalid("code", e))?;
    Ok(image("image/png", png))
}

/// A QR code of the payload (a PIX BR Code) as SVG.
#[utoipa::path(get, path = "/v1/tools/qr.svg", tag = "tools", params(QrQuery),
    responses((status = 200, description = "image/svg+xml", content_type = "image/svg+xml", body = String),
        (status = 422, description = "The payload cannot be encoded", body = crate::problem::Problem)))]
async fn qr_svg(Query(q): Query<QrQuery>) -> Result<Response, Problem> {
    let svg = ponte_br::qr::svg(&q.payload).map_err(|e| invalid("payload", e))?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// A QR code of the payload as PNG.
#[utoipa::path(get, path = "/v1/tools/qr.png", tag = "tools", params(QrQuery),
    responses((status = 200, description = "image/png", content_type = "image/png", body = Vec<u8>),
        (status = 422, description = "The payload cannot be encoded, or a size out of range", body = crate::problem::Problem)))]
async fn qr_png(Query(q): Query<QrQuery>) -> Result<Response, Problem> {
    let px = q.px.unwrap_or(8);
    if !(1..=40).contains(&px) {
        return Err(invalid("px", format!("expected 1 to 40, got {px}")));
    }
    let png = ponte_br::qr::png(&q.payload, px).map_err(|e| invalid("payload", e))?;
    Ok(image("image/png", png))
}
