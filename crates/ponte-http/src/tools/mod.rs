//! `/v1/tools/`: the Brazilian payment primitives over HTTP, for clients without a library of
//! their own (the totem draws a boleto's barcode, the app a PIX QR code). They need no ERP and
//! read only what they are given; the JSON is the same as the command line's.
//!
//! Every input is bounded (lengths, image resolutions) with `invalid_input` naming the
//! parameter and its range; images are drawn on the blocking pool, never on the threads that
//! serve requests; [`access`] limits the rate per client and can require an API key.

// A refusal is a `Problem`, built once per refused request and turned into the response at
// once; boxing it would add an allocation to every refusal and save nothing.
#![allow(clippy::result_large_err)]

pub mod access;

use std::ops::RangeInclusive;

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ponte_br::report::{self, PixBuildRequest};
use ponte_catalog::{InputError, InputErrorCode};
use ponte_core::service::{CallError, ErrorCode};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{JsonBody, QueryParams, shorten};
use crate::problem::Problem;
pub use access::{InvalidToolsConfig, ToolsAccess, ToolsConfig};

/// The longest CPF or CNPJ accepted, formatting included.
pub const MAX_DOCUMENT_CHARS: usize = 64;
/// The longest boleto code accepted (a formatted linha digitável has 54).
pub const MAX_CODE_CHARS: usize = 128;
/// The longest PIX BR Code accepted: EMV payloads hold at most 512 characters.
pub const MAX_PAYLOAD_CHARS: usize = 512;
/// The resolutions a barcode PNG may be drawn at, in dots per inch.
pub const DPI: RangeInclusive<u32> = 72..=1200;
/// The pixels per module a QR PNG may be drawn with.
pub const PX: RangeInclusive<u32> = 1..=40;

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
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// A CPF or CNPJ, formatted or bare.
    #[param(max_length = 64, example = "529.982.247-25")]
    pub value: String,
}

/// `?code=&today=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoletoQuery {
    /// Linha digitável or barcode, any formatting.
    #[param(max_length = 128)]
    pub code: String,
    /// Reference date (`YYYY-MM-DD`) for reading the due date; default today in Brasília.
    #[param(format = Date, nullable = false)]
    pub today: Option<String>,
}

/// `?payload=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PixQuery {
    /// A PIX BR Code (copy and paste).
    #[param(max_length = 512)]
    pub payload: String,
}

/// `?code=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BarcodeSvgQuery {
    /// Linha digitável or barcode of a boleto.
    #[param(max_length = 128)]
    pub code: String,
}

/// `?code=&dpi=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BarcodePngQuery {
    /// Linha digitável or barcode of a boleto.
    #[param(max_length = 128)]
    pub code: String,
    /// PNG resolution in dots per inch (default 300).
    #[param(minimum = 72, maximum = 1200, nullable = false)]
    pub dpi: Option<u32>,
}

/// `?payload=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrSvgQuery {
    /// The text to encode (a PIX BR Code).
    #[param(max_length = 512)]
    pub payload: String,
}

/// `?payload=&px=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrPngQuery {
    /// The text to encode (a PIX BR Code).
    #[param(max_length = 512)]
    pub payload: String,
    /// Pixels per module of the PNG (default 8).
    #[param(minimum = 1, maximum = 40, nullable = false)]
    pub px: Option<u32>,
}

/// The body of `POST /v1/tools/pix/build`, as the API reference shows it (the handler reads
/// it as `ponte_br`'s own request, which has the same fields).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // a description for the document, never built
pub struct PixBuildBody {
    /// The receiver's PIX key (CPF, CNPJ, e-mail, phone or random key).
    #[schema(example = "12345678000195")]
    key: String,
    /// Merchant name (folded to ASCII, at most 25 characters kept).
    #[schema(example = "Provedor Acao")]
    name: String,
    /// Merchant city (folded to ASCII, at most 15 characters kept).
    #[schema(example = "Sao Paulo")]
    city: String,
    /// Amount, `"123.45"`; absent: the payer types it.
    #[schema(example = "99.90")]
    amount: Option<String>,
    /// Transaction id, `[A-Za-z0-9]{1,25}`.
    #[schema(example = "FAT145535")]
    txid: Option<String>,
    /// Shown to the payer.
    description: Option<String>,
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

/// `invalid_input` about one parameter (`?name`) or the body (`""`).
fn invalid(path: &str, expected: &str, got: &str, detail: String) -> Problem {
    CallError {
        errors: vec![InputError {
            path: path.to_owned(),
            code: InputErrorCode::InvalidValue,
            expected: expected.to_owned(),
            got: shorten(got),
        }],
        ..CallError::new(ErrorCode::InvalidInput, detail)
    }
    .into()
}

/// The text of parameter `name`, refused when longer than `max` characters.
fn bounded_text<'a>(name: &str, value: &'a str, max: usize) -> Result<&'a str, Problem> {
    let length = value.chars().count();
    if length > max {
        return Err(invalid(
            &format!("?{name}"),
            &format!("at most {max} characters"),
            &format!("{length} characters"),
            format!(
                "The query parameter `{name}` has {length} characters; at most {max} are accepted."
            ),
        ));
    }
    Ok(value)
}

/// The number of parameter `name`, or its default, refused outside `range`.
fn bounded_number(
    name: &str,
    value: Option<u32>,
    default: u32,
    range: &RangeInclusive<u32>,
) -> Result<u32, Problem> {
    let value = value.unwrap_or(default);
    if !range.contains(&value) {
        let (low, high) = (range.start(), range.end());
        return Err(invalid(
            &format!("?{name}"),
            &format!("a whole number from {low} to {high}"),
            &value.to_string(),
            format!("The query parameter `{name}` must be from {low} to {high}; got {value}."),
        ));
    }
    Ok(value)
}

/// Runs CPU-bound work (drawing an image, parsing a code) on the blocking pool, so a burst
/// of large images never stalls the threads that answer every other route.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| {
            tracing::error!(error = %err, "a tool's work did not finish");
            Err(CallError::internal().into())
        })
}

/// The 44-digit barcode of a valid boleto, or `invalid_input` naming `code`.
fn barcode_digits(code: &str) -> Result<String, Problem> {
    let today = ponte_core::clock::today_in_brasilia();
    let report = report::boleto_report(code, today);
    match (report.valid, report.barcode) {
        (true, Some(barcode)) => Ok(barcode),
        _ => {
            let reason = report.reason.unwrap_or_else(|| "not a boleto".into());
            Err(invalid(
                "?code",
                "the linha digitável or barcode of a valid boleto",
                code,
                format!("`code` is not a valid boleto: {reason}."),
            ))
        }
    }
}

/// Validate and format a CPF or CNPJ (alphanumeric CNPJ included).
#[utoipa::path(get, path = "/v1/tools/document", tag = "tools", params(DocumentQuery),
    security((), ("api_key" = [])),
    responses(
        (status = 200, description = "`{valid, kind, digits, formatted, reason}`; `reason` only when invalid", body = Object),
        (status = 422, description = "`invalid_input`: `value` is too long", body = Problem, content_type = "application/problem+json")))]
async fn document(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<DocumentQuery>,
) -> Result<Response, Problem> {
    bounded_text("value", &q.value, MAX_DOCUMENT_CHARS)?;
    Ok(json(&report::document_report(&q.value)))
}

/// Parse and validate a boleto: kind, barcode, linha digitável, amount, due date, bank.
#[utoipa::path(get, path = "/v1/tools/boleto", tag = "tools", params(BoletoQuery),
    security((), ("api_key" = [])),
    responses(
        (status = 200, description = "`{valid, kind, barcode, linha_digitavel, amount, due_date, bank_code, reason}`", body = Object),
        (status = 422, description = "`invalid_input`: `code` is too long or `today` is not a date", body = Problem, content_type = "application/problem+json")))]
async fn boleto(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<BoletoQuery>,
) -> Result<Response, Problem> {
    bounded_text("code", &q.code, MAX_CODE_CHARS)?;
    let today = match q.today.as_deref() {
        None => ponte_core::clock::today_in_brasilia(),
        Some(text) => time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            invalid(
                "?today",
                "a date, YYYY-MM-DD",
                text,
                format!(
                    "The query parameter `today` is not a date: {:?}.",
                    shorten(text)
                ),
            )
        })?,
    };
    Ok(json(&report::boleto_report(&q.code, today)))
}

/// Parse a PIX BR Code (static or dynamic) and check its CRC.
#[utoipa::path(get, path = "/v1/tools/pix/parse", tag = "tools", params(PixQuery),
    security((), ("api_key" = [])),
    responses(
        (status = 200, description = "`{valid, crc, key, url, amount, merchant_name, merchant_city, txid, description, reason}`", body = Object),
        (status = 422, description = "`invalid_input`: `payload` is too long", body = Problem, content_type = "application/problem+json")))]
async fn pix_parse(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<PixQuery>,
) -> Result<Response, Problem> {
    bounded_text("payload", &q.payload, MAX_PAYLOAD_CHARS)?;
    Ok(json(&report::pix_parse_report(&q.payload)))
}

/// Build a static PIX BR Code. Body: `{key, name, city, amount?, txid?, description?}`.
#[utoipa::path(post, path = "/v1/tools/pix/build", tag = "tools",
    security((), ("api_key" = [])),
    request_body(content = PixBuildBody, content_type = "application/json",
        description = "The receiver and the payment"),
    responses(
        (status = 200, description = "`{payload}`", body = Object),
        (status = 422, description = "`invalid_input`: a field cannot go into a BR Code", body = Problem, content_type = "application/problem+json")))]
async fn pix_build(_access: ToolsAccess, JsonBody(body): JsonBody) -> Result<Response, Problem> {
    let refused = |detail: String| {
        invalid(
            "",
            "{key, name, city, amount?, txid?, description?}",
            "",
            format!("The body cannot become a BR Code: {detail}."),
        )
    };
    let request: PixBuildRequest =
        serde_json::from_value(body).map_err(|e| refused(e.to_string()))?;
    report::pix_build(&request)
        .map(|built| json(&built))
        .map_err(|e| refused(e.to_string()))
}

/// The boleto's ITF (Interleaved 2 of 5) barcode as SVG, 103 × 13 mm with quiet zones.
#[utoipa::path(get, path = "/v1/tools/barcode.svg", tag = "tools", params(BarcodeSvgQuery),
    security((), ("api_key" = [])),
    responses((status = 200, description = "The barcode", content_type = "image/svg+xml", body = String),
        (status = 422, description = "`invalid_input`: not a valid boleto, or `code` is too long", body = Problem, content_type = "application/problem+json")))]
async fn barcode_svg(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<BarcodeSvgQuery>,
) -> Result<Response, Problem> {
    bounded_text("code", &q.code, MAX_CODE_CHARS)?;
    let svg = off_the_workers(move || {
        let digits = barcode_digits(&q.code)?;
        ponte_br::itf::svg(&digits).map_err(|e| internal_drawing(&e))
    })
    .await?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// The boleto's ITF barcode as PNG at the chosen resolution.
#[utoipa::path(get, path = "/v1/tools/barcode.png", tag = "tools", params(BarcodePngQuery),
    security((), ("api_key" = [])),
    responses((status = 200, description = "The barcode", content_type = "image/png", body = Vec<u8>),
        (status = 422, description = "`invalid_input`: not a valid boleto, `code` too long, or `dpi` outside 72–1200", body = Problem, content_type = "application/problem+json")))]
async fn barcode_png(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<BarcodePngQuery>,
) -> Result<Response, Problem> {
    bounded_text("code", &q.code, MAX_CODE_CHARS)?;
    let dpi = bounded_number("dpi", q.dpi, 300, &DPI)?;
    let png = off_the_workers(move || {
        let digits = barcode_digits(&q.code)?;
        ponte_br::itf::png(&digits, dpi).map_err(|e| internal_drawing(&e))
    })
    .await?;
    Ok(image("image/png", png))
}

/// A QR code of the payload (a PIX BR Code) as SVG.
#[utoipa::path(get, path = "/v1/tools/qr.svg", tag = "tools", params(QrSvgQuery),
    security((), ("api_key" = [])),
    responses((status = 200, description = "The QR code", content_type = "image/svg+xml", body = String),
        (status = 422, description = "`invalid_input`: `payload` is too long", body = Problem, content_type = "application/problem+json")))]
async fn qr_svg(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<QrSvgQuery>,
) -> Result<Response, Problem> {
    bounded_text("payload", &q.payload, MAX_PAYLOAD_CHARS)?;
    let svg = off_the_workers(move || {
        ponte_br::qr::svg(&q.payload).map_err(|e| unencodable(&q.payload, &e))
    })
    .await?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// A QR code of the payload as PNG.
#[utoipa::path(get, path = "/v1/tools/qr.png", tag = "tools", params(QrPngQuery),
    security((), ("api_key" = [])),
    responses((status = 200, description = "The QR code", content_type = "image/png", body = Vec<u8>),
        (status = 422, description = "`invalid_input`: `payload` too long, or `px` outside 1–40", body = Problem, content_type = "application/problem+json")))]
async fn qr_png(
    _access: ToolsAccess,
    QueryParams(q): QueryParams<QrPngQuery>,
) -> Result<Response, Problem> {
    bounded_text("payload", &q.payload, MAX_PAYLOAD_CHARS)?;
    let px = bounded_number("px", q.px, 8, &PX)?;
    let png = off_the_workers(move || {
        ponte_br::qr::png(&q.payload, px).map_err(|e| unencodable(&q.payload, &e))
    })
    .await?;
    Ok(image("image/png", png))
}

/// A payload the QR encoder refuses (within the length bound this does not happen, but the
/// encoder's word is final).
fn unencodable(payload: &str, error: &dyn std::fmt::Display) -> Problem {
    invalid(
        "?payload",
        "a text a QR code can hold",
        payload,
        format!("`payload` cannot be drawn as a QR code: {error}."),
    )
}

/// A drawing of digits already validated failed: Ponte's fault, not the caller's.
fn internal_drawing(error: &dyn std::fmt::Display) -> Problem {
    tracing::error!(error = %error, "drawing a validated barcode failed");
    CallError::internal().into()
}
