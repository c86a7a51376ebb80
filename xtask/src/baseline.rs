//! The hand-written baseline: `POST /v1/functions/list_invoices` written directly in axum and
//! reqwest, doing what the IXC preset does with `with_pix = "N"` — the customer by masked then
//! bare document, every page of the open released invoices, the mapping to INVOICE with the
//! same `filters` the automations use — and nothing else: no store, no execution record, no
//! trace, no schema check. It checks the bearer key as a server must. The figure it gives is
//! the floor Ponte is measured against.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ponte_automation::filters;
use serde_json::{Value, json};

/// Page size of the invoice listing, as in the preset.
const PAGE_SIZE: u64 = 200;
/// Most pages the preset reads.
const MAX_PAGES: u64 = 25;
/// The preset's default `open_statuses`.
const OPEN_STATUSES: &str = "A,P";

/// `xtask baseline`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one); the address is printed on the first line.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The ERP's webservice root, e.g. `http://127.0.0.1:PORT/webservice/v1`.
    #[arg(long)]
    pub erp: String,
    /// IXC API user id.
    #[arg(long)]
    pub ixc_user: String,
    /// IXC token.
    #[arg(long, env = "BENCH_IXC_TOKEN", hide_env_values = true)]
    pub ixc_token: String,
    /// The bearer key callers must present.
    #[arg(long, env = "BENCH_API_KEY", hide_env_values = true)]
    pub api_key: String,
    /// Stop when standard input closes (set by `xtask bench`).
    #[arg(long, hide = true)]
    pub stop_on_stdin_eof: bool,
}

/// What the handler needs to reach the ERP.
#[derive(Debug, Clone)]
pub struct Handwritten {
    http: reqwest::Client,
    base: String,
    user: String,
    token: String,
    bearer: String,
}

/// Why a call failed; answered with its status and the reason.
#[derive(Debug)]
struct Failure(StatusCode, String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"detail": self.1}))).into_response()
    }
}

impl From<filters::FilterError> for Failure {
    fn from(e: filters::FilterError) -> Self {
        Failure(StatusCode::BAD_GATEWAY, e.to_string())
    }
}

impl From<reqwest::Error> for Failure {
    fn from(e: reqwest::Error) -> Self {
        Failure(StatusCode::BAD_GATEWAY, e.to_string())
    }
}

fn erp_failure(what: &str, answer: &Value) -> Failure {
    Failure(
        StatusCode::BAD_GATEWAY,
        format!("{what}: {}", filters::text(&answer["message"])),
    )
}

static EMPTY: Value = Value::String(String::new());

/// jq's `a // b`: `a` unless it is null or false.
fn or<'a>(value: &'a Value, fallback: &'a Value) -> &'a Value {
    match value {
        Value::Null | Value::Bool(false) => fallback,
        other => other,
    }
}

/// The preset's `nonblank`: the first value that is not null, `""` or `"0"`.
fn nonblank<'a>(values: &[&'a Value]) -> &'a Value {
    values
        .iter()
        .copied()
        .find(|v| !(v.is_null() || v.as_str() == Some("") || v.as_str() == Some("0")))
        .unwrap_or(&Value::Null)
}

/// A number or a numeric string, as jq's `tonumber` reads the listing's `page` and `total`.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Handwritten {
    /// A handler state calling the ERP at `base` with IXC's Basic credential.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no TLS backend).
    pub fn new(base: &str, user: &str, token: &str, bearer: &str) -> anyhow::Result<Self> {
        Ok(Handwritten {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            user: user.to_owned(),
            token: token.to_owned(),
            bearer: bearer.to_owned(),
        })
    }

    /// One listing, success decided the preset's way: a 2xx whose body is not
    /// `{"type": "error"}`. Returns the decoded body and whether it succeeded.
    async fn listar(&self, path: &str, body: &Value) -> Result<(Value, bool), Failure> {
        let response = self
            .http
            .post(format!("{}/{path}", self.base))
            .basic_auth(&self.user, Some(&self.token))
            .header("ixcsoft", "listar")
            .json(body)
            .send()
            .await?;
        let status_ok = response.status().is_success();
        let bytes = response.bytes().await?;
        // IXC labels JSON as text/html; read it as JSON whenever it parses, like the engine.
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        let ok = status_ok && body.get("type").and_then(Value::as_str) != Some("error");
        Ok((body, ok))
    }

    async fn customer(&self, query: &str) -> Result<Vec<Value>, Failure> {
        let body = json!({
            "qtype": "cliente.cnpj_cpf", "query": query, "oper": "=", "page": "1", "rp": "1",
            "sortname": "cliente.ativo", "sortorder": "desc",
        });
        let (answer, ok) = self.listar("cliente", &body).await?;
        if !ok {
            return Err(erp_failure("cliente", &answer));
        }
        Ok(answer["registros"].as_array().cloned().unwrap_or_default())
    }

    /// Every page of the customer's (or contract's) open released invoices.
    async fn invoices(&self, qtype: &str, query: &Value) -> Result<Vec<Value>, Failure> {
        let grid = format!(
            r#"[{{"TB":"fn_areceber.liberado","OP":"=","P":"S"}},{{"TB":"fn_areceber.status","OP":"IN","P":"{OPEN_STATUSES}"}}]"#
        );
        let mut records = Vec::new();
        let mut previous: Option<Value> = None;
        for page in 1..=MAX_PAGES {
            let body = json!({
                "qtype": qtype, "query": filters::text(query), "oper": "=",
                "sortname": "fn_areceber.data_vencimento", "sortorder": "asc",
                "grid_param": grid, "page": page.to_string(), "rp": PAGE_SIZE.to_string(),
            });
            let (answer, ok) = self.listar("fn_areceber", &body).await?;
            if !ok {
                return Err(erp_failure("fn_areceber", &answer));
            }
            let items = answer["registros"].as_array().cloned().unwrap_or_default();
            if items.is_empty() || previous.as_ref() == Some(&answer) {
                break;
            }
            records.extend(items);
            let read = number(&answer["page"]).unwrap_or(0.0) * PAGE_SIZE as f64;
            if read >= number(or(&answer["total"], &json!(0))).unwrap_or(0.0) {
                break;
            }
            previous = Some(answer);
        }
        Ok(records)
    }

    async fn list_invoices(&self, input: &Value) -> Result<Value, Failure> {
        let document = &input["customer_document_number"];
        let mut found = self.customer(&filters::cpf_cnpj_format(document)?).await?;
        if found.is_empty() {
            found = self.customer(&filters::text(document)).await?;
        }
        let Some(customer) = found.into_iter().next() else {
            return Ok(json!([]));
        };
        let contract = or(&input["contract_id"], &EMPTY);
        let listing = if filters::text(contract).is_empty() {
            self.invoices("fn_areceber.id_cliente", &customer["id"])
                .await?
        } else {
            self.invoices("fn_areceber.id_contrato", contract).await?
        };
        // A contract id could name another customer's contract: keep this customer's invoices.
        let own = listing
            .iter()
            .filter(|i| or(&i["id_cliente"], &customer["id"]) == &customer["id"]);
        let doc = filters::text(document);
        let name = filters::text(or(&customer["razao"], &EMPTY));
        let mut out = Vec::with_capacity(listing.len());
        for invoice in own {
            let text = |key: &str| filters::text(or(&invoice[key], &EMPTY));
            out.push(json!({
                "document_number": doc,
                "fatura": filters::text(&invoice["id"]),
                "nome_cliente": name,
                "valor_inicial": filters::money(&invoice["valor"])?,
                "valor_final": filters::money(nonblank(&[
                    &invoice["valor_total_com_juros"], &invoice["valor_aberto"], &invoice["valor"],
                ]))?,
                "juros": "",
                "multa": "",
                "emissao": filters::date(or(&invoice["data_emissao"], &EMPTY))?,
                "vencimento": filters::date(or(&invoice["data_vencimento"], &EMPTY))?,
                "historico": filters::text(or(
                    nonblank(&[&invoice["id_contrato"], &invoice["id_contrato_avulso"]]),
                    &EMPTY,
                )),
                "link_boleto": text("gateway_link"),
                "linha_digitavel": filters::digits(or(&invoice["linha_digitavel"], &EMPTY)),
                "code_fatura": text("documento"),
                "identifier": "",
                "remote_id": filters::text(&invoice["id"]),
                // `with_pix = "N"`: no `get_pix`, as the preset is configured for the benchmark.
                "pix_code": "",
            }));
        }
        Ok(Value::Array(out))
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|key| key.trim() == self.bearer)
    }
}

async fn list_invoices(
    State(state): State<Arc<Handwritten>>,
    headers: HeaderMap,
    Json(input): Json<Value>,
) -> Result<Json<Value>, Failure> {
    if !state.authorized(&headers) {
        return Err(Failure(
            StatusCode::UNAUTHORIZED,
            "a valid API key is required".into(),
        ));
    }
    state.list_invoices(&input).await.map(Json)
}

/// The baseline's routes: the function and `GET /readyz`.
pub fn router(state: Handwritten) -> Router {
    Router::new()
        .route("/v1/functions/list_invoices", post(list_invoices))
        .route("/readyz", get(|| async { "ready" }))
        .with_state(Arc::new(state))
}

/// `xtask baseline`: serves until Ctrl-C, SIGTERM or (when asked) the end of standard input.
///
/// # Errors
/// When the HTTP client cannot be built or the port cannot be bound.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let state = Handwritten::new(&args.erp, &args.ixc_user, &args.ixc_token, &args.api_key)?;
    crate::serve::serve("baseline", args.port, args.stop_on_stdin_eof, router(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The static ERP and the baseline in front of it, on loopback ports.
    async fn start() -> (String, String, crate::fixtures::Fixtures) {
        let fixtures = crate::fixtures::load().unwrap();
        let erp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let erp_base = format!("http://{}", erp.local_addr().unwrap());
        let app = crate::static_erp::router(fixtures.clone());
        tokio::spawn(async move { axum::serve(erp, app).await });
        let state = Handwritten::new(
            &format!("{erp_base}/webservice/v1"),
            &fixtures.setup.user_id,
            &fixtures.setup.token,
            "key",
        )
        .unwrap();
        let baseline = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", baseline.local_addr().unwrap());
        let app = router(state);
        tokio::spawn(async move { axum::serve(baseline, app).await });
        (base, erp_base, fixtures)
    }

    #[tokio::test]
    async fn the_baseline_maps_every_open_invoice_with_two_erp_requests() {
        let (base, erp, f) = start().await;
        let client = reqwest::Client::new();
        let answer: Value = client
            .post(format!("{base}/v1/functions/list_invoices"))
            .bearer_auth("key")
            .json(&json!({"customer_document_number": f.setup.document}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let invoices = answer.as_array().unwrap();
        assert_eq!(invoices.len(), f.setup.invoices, "{answer}");
        let first = &invoices[0];
        assert_eq!(first["document_number"], f.setup.document.as_str());
        assert_eq!(first["linha_digitavel"].as_str().unwrap().len(), 47);
        assert!(
            first["valor_inicial"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .is_ok()
        );
        let counts: crate::static_erp::Counts = client
            .get(format!("{erp}/__counts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (counts.cliente, counts.fn_areceber, counts.unexpected),
            (1, 1, 0),
            "{counts:?}"
        );
    }

    #[tokio::test]
    async fn a_call_without_the_key_is_refused_before_the_erp_is_asked() {
        let (base, erp, f) = start().await;
        let client = reqwest::Client::new();
        let refused = client
            .post(format!("{base}/v1/functions/list_invoices"))
            .bearer_auth("another")
            .json(&json!({"customer_document_number": f.setup.document}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let counts: crate::static_erp::Counts = client
            .get(format!("{erp}/__counts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts, crate::static_erp::Counts::default());
    }
}
