//! The canned IXC exchanges the static ERP replays, and the command that captures them from the
//! simulated IXC of `ponte-simulators`.
//!
//! The files live in `xtask/fixtures/ixc/` and are embedded in the binary, so the static ERP
//! needs no path at run time. `setup.json` says where they came from (seed, date, customer,
//! credential, content type); each `<path>.request.json` is the body the IXC preset sends for
//! `list_invoices` with `with_pix = "N"`, and each `<path>.answer.json` the simulator's answer
//! to it, kept pretty-printed for review and sent compact, as IXC sends it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Date, Duration, Month};

/// Where the fixtures are written by `capture-fixtures`.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ixc");

/// How many open invoices the bench customer has: enough for the mapping to be real work,
/// few enough for one page (the preset asks for 200 a page).
pub const INVOICES: usize = 24;

/// Seed and date of the simulated IXC the fixtures come from.
const SEED: u64 = 7;
const TODAY: Date = time::macros::date!(2026 - 12 - 01);

/// `fn_areceber.status` values the preset counts as open by default.
const OPEN_STATUSES: &str = "A,P";

/// Where the canned answers came from, and what the static ERP expects of a caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Seed of the simulated IXC.
    pub seed: u64,
    /// The simulator's date.
    pub today: String,
    /// IXC API user id (Basic auth user).
    pub user_id: String,
    /// IXC token (Basic auth password).
    pub token: String,
    /// The customer's CPF, bare digits, as the load sends it.
    pub document: String,
    /// The customer's `cliente.id`.
    pub customer_id: String,
    /// Open invoices in the `fn_areceber` answer.
    pub invoices: usize,
    /// Content type of IXC's JSON answers.
    pub content_type: String,
}

impl Setup {
    /// The `Authorization` header IXC accepts: `Basic base64(user:token)`.
    #[must_use]
    pub fn basic_auth(&self) -> String {
        let credential = format!("{}:{}", self.user_id, self.token);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credential)
        )
    }
}

/// One IXC endpoint: the request body the preset sends and the answer to replay.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The table after `/webservice/v1/`.
    pub path: &'static str,
    /// The JSON body a caller must send.
    pub request: Value,
    /// The answer, compact JSON.
    pub answer: Bytes,
}

/// Everything the static ERP serves.
#[derive(Debug, Clone)]
pub struct Fixtures {
    /// Origin and credential.
    pub setup: Setup,
    /// `POST /webservice/v1/cliente` (listar): the customer by masked CPF.
    pub cliente: Exchange,
    /// `POST /webservice/v1/fn_areceber` (listar): page 1 of the open invoices.
    pub fn_areceber: Exchange,
}

fn exchange(path: &'static str, request: &str, answer: &str) -> anyhow::Result<Exchange> {
    let request: Value = serde_json::from_str(request)
        .with_context(|| format!("fixtures/ixc/{path}.request.json is not JSON"))?;
    let answer: Value = serde_json::from_str(answer)
        .with_context(|| format!("fixtures/ixc/{path}.answer.json is not JSON"))?;
    Ok(Exchange {
        path,
        request,
        answer: Bytes::from(serde_json::to_vec(&answer)?),
    })
}

/// The embedded fixtures.
///
/// # Errors
/// When a file is not the JSON it should be (they are checked by a test).
pub fn load() -> anyhow::Result<Fixtures> {
    let setup: Setup = serde_json::from_str(include_str!("../fixtures/ixc/setup.json"))
        .context("fixtures/ixc/setup.json")?;
    Ok(Fixtures {
        setup,
        cliente: exchange(
            "cliente",
            include_str!("../fixtures/ixc/cliente.request.json"),
            include_str!("../fixtures/ixc/cliente.answer.json"),
        )?,
        fn_areceber: exchange(
            "fn_areceber",
            include_str!("../fixtures/ixc/fn_areceber.request.json"),
            include_str!("../fixtures/ixc/fn_areceber.answer.json"),
        )?,
    })
}

/// The body of the preset's `customer` step for a masked document.
fn cliente_request(masked_document: &str) -> Value {
    json!({
        "qtype": "cliente.cnpj_cpf",
        "query": masked_document,
        "oper": "=",
        "page": "1",
        "rp": "1",
        "sortname": "cliente.ativo",
        "sortorder": "desc",
    })
}

/// The body of the preset's `invoices` step, first page, for a customer id. The pagination
/// adds `page` and `rp` to the JSON body as strings.
fn fn_areceber_request(customer_id: &str) -> Value {
    json!({
        "qtype": "fn_areceber.id_cliente",
        "query": customer_id,
        "oper": "=",
        "sortname": "fn_areceber.data_vencimento",
        "sortorder": "asc",
        "grid_param": format!(
            r#"[{{"TB":"fn_areceber.liberado","OP":"=","P":"S"}},{{"TB":"fn_areceber.status","OP":"IN","P":"{OPEN_STATUSES}"}}]"#
        ),
        "page": "1",
        "rp": "200",
    })
}

/// The same day `months` months later (days past the 28th are moved to the 28th, as the
/// simulator's due days never are).
fn months_later(date: Date, months: i32) -> anyhow::Result<Date> {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1)?)?;
    Ok(Date::from_calendar_date(
        index.div_euclid(12),
        month,
        date.day().min(28),
    )?)
}

/// `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE`, the form the simulator stores.
fn masked_linha(digits: &str) -> String {
    let part = |a: usize, b: usize| digits.get(a..b).unwrap_or("");
    format!(
        "{}.{} {}.{} {}.{} {} {}",
        part(0, 5),
        part(5, 10),
        part(10, 15),
        part(15, 21),
        part(21, 26),
        part(26, 32),
        part(32, 33),
        part(33, 47)
    )
}

fn text<'a>(row: &'a ponte_simulators::ixc::Row, key: &str) -> &'a str {
    row.get(key).map_or("", String::as_str)
}

/// One IXC call with the simulator's credential; the answer's JSON and content type.
async fn ixc(
    client: &reqwest::Client,
    setup: &Setup,
    base: &str,
    method: reqwest::Method,
    path: &str,
    listar: bool,
    body: &Value,
) -> anyhow::Result<(Value, String)> {
    let mut request = client
        .request(method, format!("{base}/{path}"))
        .header("authorization", setup.basic_auth())
        .json(body);
    if listar {
        request = request.header("ixcsoft", "listar");
    }
    let response = request.send().await?.error_for_status()?;
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let answer: Value = serde_json::from_slice(&response.bytes().await?)
        .with_context(|| format!("{path}: the simulator's answer is not JSON"))?;
    if answer.get("type").and_then(Value::as_str) == Some("error") {
        bail!("{path}: the simulator refused: {answer}");
    }
    Ok((answer, content_type))
}

/// Starts the simulated IXC (seed 7, 2026-12-01), gives its `active` customer — one open
/// invoice, the monthly ones before it paid — the next 23 months' invoices too (a carnê, as
/// IXC issues a year or more ahead), each with its own valid boleto, through IXC's own insert
/// and update calls; then sends the preset's two requests and writes them and the answers to
/// `xtask/fixtures/ixc/`.
///
/// # Errors
/// When the simulator does not start or answers something unexpected, or a file cannot be
/// written.
pub async fn capture() -> anyhow::Result<()> {
    use ponte_simulators::ixc::{self, IxcConfig};

    let config = IxcConfig::with(SEED, TODAY);
    let sim = ixc::start(config.clone(), "127.0.0.1:0".parse()?)
        .await
        .context("cannot start the simulated IXC")?;
    let base = sim.base_url();
    let state = sim.state().clone();
    let customer_id = state.fixtures().active.clone();
    let customer = state
        .row("cliente", &customer_id)
        .context("the simulator has no `active` customer")?;
    let masked = text(&customer, "cnpj_cpf").to_owned();
    let open: Vec<_> = state
        .rows("fn_areceber")
        .into_iter()
        .filter(|r| text(r, "id_cliente") == customer_id && text(r, "status") == "A")
        .collect();
    let [template] = open.as_slice() else {
        bail!(
            "the `active` customer should have one open invoice, has {}",
            open.len()
        );
    };
    let mut setup = Setup {
        seed: SEED,
        today: TODAY.to_string(),
        user_id: config.user_id.clone(),
        token: config.token.clone(),
        document: ixc::bare_document(&masked),
        customer_id: customer_id.clone(),
        invoices: INVOICES,
        content_type: String::new(),
    };

    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()?;
    let due = Date::parse(
        text(template, "data_vencimento"),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .context("the open invoice's due date")?;
    // IXC writes money with up to nine decimals; the filter brings it to cents first.
    let value = ponte_automation::filters::money(&Value::String(text(template, "valor").into()))?;
    let cents = ponte_br::Cents::parse(&value).context("the open invoice's value")?;
    for n in 1..i32::try_from(INVOICES)? {
        let due = months_later(due, n)?;
        let mut row = serde_json::Map::new();
        for (key, value) in template.iter().filter(|(k, _)| k.as_str() != "id") {
            row.insert(key.clone(), Value::String(value.clone()));
        }
        let iso = |d: Date| d.to_string();
        row.insert("data_vencimento".into(), iso(due).into());
        row.insert("data_emissao".into(), iso(due - Duration::days(12)).into());
        row.insert(
            "ultima_atualizacao".into(),
            format!("{} 03:00:00", iso(due - Duration::days(12))).into(),
        );
        let obs = text(template, "obs");
        let reference = obs.rsplit_once(" - ").map_or(obs, |(head, _)| head);
        row.insert(
            "obs".into(),
            format!("{reference} - {:02}/{}", u8::from(due.month()), due.year()).into(),
        );
        let (inserted, _) = ixc(
            &client,
            &setup,
            &base,
            reqwest::Method::POST,
            "fn_areceber",
            false,
            &Value::Object(row),
        )
        .await?;
        let id = inserted["id"]
            .as_str()
            .context("the insert did not answer an id")?
            .to_owned();
        // The nosso número, the boleto and the PIX txid depend on the id, known only now.
        let nosso = format!("{:08}", id.parse::<u64>()? % 100_000_000);
        let free_field = format!("109{nosso}0{:04}{:05}0000", 1234, 56789);
        let boleto =
            ponte_br::boleto::build_cobranca(&config.bank_code, cents.get(), due, &free_field)
                .map_err(|e| anyhow::anyhow!("boleto of invoice {id}: {e}"))?;
        let linha = if ixc::guesses::LINHA_DIGITAVEL_MASKED {
            masked_linha(boleto.linha_digitavel())
        } else {
            boleto.linha_digitavel().to_owned()
        };
        ixc(
            &client,
            &setup,
            &base,
            reqwest::Method::PUT,
            &format!("fn_areceber/{id}"),
            false,
            &json!({"documento": id, "nn_boleto": nosso, "pix_txid": format!("IXC{id}"), "linha_digitavel": linha}),
        )
        .await?;
    }

    let cliente = cliente_request(&masked);
    let (cliente_answer, content_type) = ixc(
        &client,
        &setup,
        &base,
        reqwest::Method::POST,
        "cliente",
        true,
        &cliente,
    )
    .await?;
    let invoices = fn_areceber_request(&customer_id);
    let (invoices_answer, _) = ixc(
        &client,
        &setup,
        &base,
        reqwest::Method::POST,
        "fn_areceber",
        true,
        &invoices,
    )
    .await?;
    sim.shutdown().await;

    let listed = invoices_answer["registros"].as_array().map_or(0, Vec::len);
    if listed != INVOICES {
        bail!("the simulator listed {listed} open invoices, {INVOICES} were expected");
    }
    if cliente_answer["registros"].as_array().map_or(0, Vec::len) != 1 {
        bail!("the simulator did not find the customer by {masked}: {cliente_answer}");
    }
    setup.content_type = content_type;

    let dir = PathBuf::from(DIR);
    std::fs::create_dir_all(&dir)?;
    write(&dir, "setup.json", &serde_json::to_value(&setup)?)?;
    write(&dir, "cliente.request.json", &cliente)?;
    write(&dir, "cliente.answer.json", &cliente_answer)?;
    write(&dir, "fn_areceber.request.json", &invoices)?;
    write(&dir, "fn_areceber.answer.json", &invoices_answer)?;
    println!(
        "wrote {}: customer {customer_id} ({masked}), {listed} open invoices",
        dir.display()
    );
    Ok(())
}

fn write(dir: &Path, name: &str, value: &Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixtures_are_one_customer_and_its_open_invoices_on_one_page() {
        let f = load().unwrap();
        let customers: Vec<Value> =
            serde_json::from_slice::<Value>(&f.cliente.answer).unwrap()["registros"]
                .as_array()
                .unwrap()
                .clone();
        assert_eq!(customers.len(), 1);
        assert_eq!(customers[0]["id"], f.setup.customer_id.as_str());
        assert_eq!(
            ponte_simulators::ixc::bare_document(customers[0]["cnpj_cpf"].as_str().unwrap()),
            f.setup.document
        );
        let listing: Value = serde_json::from_slice(&f.fn_areceber.answer).unwrap();
        let invoices = listing["registros"].as_array().unwrap();
        assert_eq!(invoices.len(), INVOICES);
        assert_eq!(f.setup.invoices, INVOICES);
        assert!(invoices.iter().all(|i| i["status"] == "A"
            && i["liberado"] == "S"
            && i["id_cliente"] == f.setup.customer_id.as_str()));
        // One page: the preset stops when page × 200 reaches the total.
        assert_eq!(listing["total"], INVOICES.to_string());
        assert_eq!(f.fn_areceber.request["rp"], "200");
    }

    #[test]
    fn the_request_fixtures_are_what_the_capture_sends() {
        let f = load().unwrap();
        let masked =
            ponte_automation::filters::cpf_cnpj_format(&Value::String(f.setup.document.clone()))
                .unwrap();
        assert_eq!(f.cliente.request, cliente_request(&masked));
        assert_eq!(
            f.fn_areceber.request,
            fn_areceber_request(&f.setup.customer_id)
        );
    }

    #[test]
    fn months_later_keeps_the_day_and_crosses_years() {
        let d = time::macros::date!(2026 - 11 - 10);
        assert_eq!(
            months_later(d, 2).unwrap(),
            time::macros::date!(2027 - 01 - 10)
        );
        assert_eq!(
            months_later(d, 14).unwrap(),
            time::macros::date!(2028 - 01 - 10)
        );
    }
}
