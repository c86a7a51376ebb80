//! The five GET operations of the standard API (datacake.md §4.1): E1 customer, E2 open
//! boletos, E3 fiscal notes, E4 financial statement, E5 debt-discharge declarations, in the
//! field set the config chooses, and the public PDFs their links point at.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::Date;

use super::config::StandardConfig;
use super::guesses::{FieldSet, MoneyFormat, NotFound, StandardGuesses};
use crate::pdf;
use crate::sgp::story::codes::late_charges;
use crate::sgp::story::model::{ContractStatus, Customer, Title, TitleStatus};
use crate::sgp::story::values::{br, iso, money, money_br, reais};
use crate::sgp::story::{Story, bare};
use crate::sgp::wire::{Params, Refusal, ok, with_status};

/// What every handler needs.
pub(crate) struct Ctx<'a> {
    pub config: &'a StandardConfig,
    pub g: &'a StandardGuesses,
    pub today: Date,
    pub base: String,
}

impl Ctx<'_> {
    fn money(&self, cents: i64) -> Value {
        match self.g.money {
            MoneyFormat::Number => reais(cents),
            MoneyFormat::Text => Value::String(money(cents)),
        }
    }

    fn current(&self) -> bool {
        matches!(self.g.field_set, FieldSet::Current | FieldSet::Both)
    }

    fn legacy(&self) -> bool {
        matches!(self.g.field_set, FieldSet::Legacy | FieldSet::Both)
    }

    fn error(&self, status: StatusCode, text: &str) -> Response {
        with_status(status, &json!({ "error": text }))
    }

    /// The answer for a document nobody has.
    fn unknown(&self, empty: Value) -> Response {
        match self.g.not_found {
            NotFound::Status404 => self.error(StatusCode::NOT_FOUND, &self.g.text_not_found),
            NotFound::Empty => ok(&empty),
        }
    }

    fn charges(&self, title: &Title) -> (i64, i64) {
        late_charges(
            &self.config.story(),
            title.open_cents(),
            title.due,
            self.today,
        )
    }
}

fn merge(parts: Vec<Value>) -> Value {
    let mut map = Map::new();
    for part in parts {
        if let Value::Object(fields) = part {
            map.extend(fields);
        }
    }
    Value::Object(map)
}

/// Finds the customer a request names by `key` (or by `id_cliente`, E2's older parameter).
fn customer<'a>(
    ctx: &Ctx<'_>,
    story: &'a Story,
    params: &Params,
    key: &str,
    empty: Value,
) -> Result<&'a Customer, Refusal> {
    if !params.has(key) {
        if let Some(id) = params.id("id_cliente") {
            return story
                .customer(id)
                .ok_or_else(|| Box::new(ctx.unknown(empty)));
        }
        return Err(Box::new(
            ctx.error(StatusCode::BAD_REQUEST, &ctx.g.text_missing_document),
        ));
    }
    let document = params.text(key);
    if ponte_br::Document::parse(&document).is_err() {
        return Err(Box::new(
            ctx.error(StatusCode::BAD_REQUEST, &ctx.g.text_invalid_document),
        ));
    }
    story
        .customer_by_document(&bare(&document))
        .ok_or_else(|| Box::new(ctx.unknown(empty)))
}

/// E1 `GET {customer_path}?cnpj_cpf=`.
pub(crate) fn customer_info(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let c = match customer(ctx, story, params, "cnpj_cpf", json!({})) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let contracts: Vec<_> = story.contracts_of(c.id).collect();
    let live =
        |s: ContractStatus| !matches!(s, ContractStatus::Cancelled | ContractStatus::Inactive);
    let active = contracts.iter().any(|k| live(k.status));
    let main = contracts
        .iter()
        .find(|k| live(k.status))
        .or(contracts.first())
        .map(|k| k.id);
    let a = &c.address;
    let mut parts = Vec::new();
    if ctx.current() {
        parts.push(json!({
            "nome_completo": c.name,
            "aniversario": c.birth.map(iso),
            "data_registro": iso(c.registered.0),
            "ativo": active,
            "id_remoto": c.id,
            "id_contrato": main,
            "rua_endereco": a.street,
            "numero_endereco": a.number.map(|n| n.to_string()).unwrap_or_default(),
            "cep_endereco": a.cep,
            "cidade_endereco": a.city,
            "complemento_endereco": a.complement,
            "bairro_endereco": a.district,
            "estado_endereco": a.uf,
        }));
    }
    if ctx.legacy() {
        let phone = |kind: &str| {
            c.phones
                .iter()
                .find(|p| p.kind == kind)
                .map(|p| p.value.clone())
                .unwrap_or_default()
        };
        let alert = story
            .annotations
            .iter()
            .filter(|n| n.customer_id == c.id && n.alert_mode > 0)
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("\n");
        parts.push(json!({
            "id_cliente": c.id,
            "nome": c.name,
            "fantasia": "",
            "tipo_pessoa": c.kind.letter(),
            "cnpj_cpf": c.stored_document,
            "ie_identidade": "",
            "rg_orgao_emissor": "",
            "inscricao_municipal": "",
            "contribuinte_icms": "N",
            "nacionalidade": "Brasileira",
            "cidade_naturalidade": "",
            "estado_nascimento": "",
            "data_nascimento": c.birth.map(iso),
            "estado_civil": "",
            "ativo": if active { "S" } else { "N" },
            "Sexo": "",
            "profissao": "",
            "data_cadastro": iso(c.registered.0),
            "cep": a.cep,
            "endereco": a.street,
            "numero": a.number.map(|n| n.to_string()).unwrap_or_default(),
            "complemento": a.complement,
            "bairro": a.district,
            "cidade": a.city,
            "uf": a.uf,
            "latitude": "",
            "longitude": "",
            "fone": phone("Telefone Residencial"),
            "telefone_comercial": phone("Telefone Comercial"),
            "telefone_celular": phone("Celular Pessoal"),
            "whatsapp": phone("WhatsApp Número"),
            "email": c.emails.first().map(|e| e.value.clone()).unwrap_or_default(),
            "obs": "",
            "alerta": alert,
        }));
    }
    ok(&merge(parts))
}

/// The boleto's public PDF link.
fn boleto_url(ctx: &Ctx<'_>, title: &Title) -> String {
    format!(
        "{}/boleto/{}-{}.pdf",
        ctx.base, title.link_id, title.link_code
    )
}

/// E2 `GET {boletos_path}?document=&id_contrato=`: the open boletos.
pub(crate) fn boletos(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let c = match customer(ctx, story, params, "document", json!([])) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let echoed = if params.has("document") {
        params.text("document")
    } else {
        c.stored_document.clone()
    };
    let contract = params.id("id_contrato");
    let items: Vec<Value> = story
        .titles
        .iter()
        .filter(|t| t.customer_id == c.id && t.status == TitleStatus::Open)
        .filter(|t| contract.is_none_or(|id| id == t.contract_id))
        .map(|t| {
            let (interest, fine) = ctx.charges(t);
            let open = t.open_cents();
            let mut parts = Vec::new();
            if ctx.current() {
                parts.push(json!({
                    "id_fatura": t.id,
                    "code_fatura": format!("{}{}{}", t.id, ctx.g.code_fatura_separator, c.document),
                    "nome_cliente": c.name,
                    "document_number": echoed,
                    "remote_id": c.id,
                    "valor_inicial": ctx.money(open),
                    "valor_atual": ctx.money(open + interest + fine),
                    "juros": ctx.money(interest),
                    "multa": ctx.money(fine),
                    "desconto": ctx.money(0),
                }));
            }
            if ctx.legacy() {
                parts.push(json!({
                    "id_fatura": t.id,
                    "nome_cliente": c.name,
                    "valor_inicial": ctx.money(open),
                    "valor_atual": ctx.money(open + interest + fine),
                    "data_emissao": iso(t.issued),
                    "data_vencimento": iso(t.due),
                    "linha_digitavel": t.linha,
                    "url_boleto": boleto_url(ctx, t),
                }));
            }
            merge(parts)
        })
        .collect();
    ok(&Value::Array(items))
}

/// E3 `GET {notes_path}?document=`.
pub(crate) fn notes(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let c = match customer(ctx, story, params, "document", json!([])) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let contract = params.id("id_contrato");
    let items: Vec<Value> = story
        .notes
        .iter()
        .filter(|n| n.customer_id == c.id)
        .filter(|n| contract.is_none_or(|id| id == n.contract_id))
        .map(|n| {
            let title = story.title(n.title_id);
            json!({
                "id_nota": n.id,
                "status": if n.status == 8 { "Cancelada" } else { "Autorizada" },
                "valor": ctx.money(n.cents),
                "valor_pago": ctx.money(title.map(Title::paid_cents).unwrap_or(0)),
                "data_lancamento": iso(n.issued),
                "data_vencimento": title.map(|t| iso(t.due)),
                "data_baixa": title.and_then(Title::paid_on).map(iso),
                "url_nota_fiscal": format!("{}/nota/{}.pdf", ctx.base, n.key),
            })
        })
        .collect();
    ok(&Value::Array(items))
}

/// E4 `GET {statement_path}?document=`: every title with its payment.
pub(crate) fn statement(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let c = match customer(ctx, story, params, "document", json!([])) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let items: Vec<Value> = story
        .titles
        .iter()
        .filter(|t| t.customer_id == c.id)
        .map(|t| {
            let (interest, fine) = ctx.charges(t);
            let discount: i64 = t.payments.iter().map(|p| p.discount_cents).sum();
            json!({
                "id_extrato_financeiro": t.id,
                "data_lancamento": iso(t.issued),
                "data_vencimento": iso(t.due),
                "data_baixa": t.paid_on().map(iso),
                "id_boleto": t.id,
                "id_nota": story.notes.iter().find(|n| n.title_id == t.id).map(|n| n.id),
                "valor": ctx.money(t.cents),
                "valor_pago": ctx.money(t.paid_cents()),
                "multa": ctx.money(fine),
                "juros": ctx.money(interest),
                "desconto": ctx.money(discount),
                "obs": t.description,
            })
        })
        .collect();
    ok(&Value::Array(items))
}

/// Years in which the customer had titles and paid every one of them.
fn paid_years(story: &Story, customer_id: u64, today: Date) -> Vec<i32> {
    let mut years: Vec<i32> = story
        .titles
        .iter()
        .filter(|t| t.customer_id == customer_id && t.due.year() < today.year())
        .map(|t| t.due.year())
        .collect();
    years.sort_unstable();
    years.dedup();
    years.retain(|year| {
        story
            .titles
            .iter()
            .filter(|t| t.customer_id == customer_id && t.due.year() == *year)
            .all(|t| t.status != TitleStatus::Open)
    });
    years
}

/// E5 `GET {discharge_path}?document=`.
pub(crate) fn discharges(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let c = match customer(ctx, story, params, "document", json!([])) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let items: Vec<Value> = paid_years(story, c.id, ctx.today)
        .into_iter()
        .map(|year| {
            json!({
                "ano": year,
                "url_declaracao": format!("{}/quitacao/{}/{}.pdf", ctx.base, c.id, year),
            })
        })
        .collect();
    ok(&Value::Array(items))
}

/// The public PDFs: `/boleto/<id>-<code>.pdf`, `/nota/<key>.pdf`, `/quitacao/<customer>/<year>.pdf`.
pub(crate) fn public_pdf(ctx: &Ctx<'_>, story: &Story, path: &str) -> Option<Response> {
    let name = path.strip_suffix(".pdf")?;
    let (title, lines) = if let Some(token) = name.strip_prefix("/boleto/") {
        let (id, code) = token.split_once('-')?;
        let id: u64 = id.parse().ok()?;
        let t = story
            .titles
            .iter()
            .find(|t| t.link_id == id && t.link_code == code)?;
        let c = story.customer(t.customer_id)?;
        (
            "Boleto".to_string(),
            vec![
                format!(
                    "Fatura {}  Vencimento {}  Valor R$ {}",
                    t.id,
                    br(t.due),
                    money_br(t.cents)
                ),
                format!("Pagador: {}  CPF/CNPJ: {}", c.name, c.stored_document),
                format!("Linha digitavel: {}", t.linha),
            ],
        )
    } else if let Some(key) = name.strip_prefix("/nota/") {
        let n = story.notes.iter().find(|n| n.key == key)?;
        let c = story.customer(n.customer_id)?;
        (
            format!("Nota fiscal {}", n.number),
            vec![
                format!("Chave de acesso: {}", n.key),
                format!("Destinatario: {}", c.name),
                format!("Valor total R$ {}", money_br(n.cents)),
            ],
        )
    } else {
        let rest = name.strip_prefix("/quitacao/")?;
        let (customer, year) = rest.split_once('/')?;
        let customer: u64 = customer.parse().ok()?;
        let year: i32 = year.parse().ok()?;
        if !paid_years(story, customer, ctx.today).contains(&year) {
            return None;
        }
        let c = story.customer(customer)?;
        (
            "Declaracao de quitacao de debitos".to_string(),
            vec![
                format!("Cliente: {}  CPF/CNPJ: {}", c.name, c.stored_document),
                format!("Declaramos a quitacao dos debitos do ano de {year}."),
            ],
        )
    };
    let file = pdf::one_page(&title, &lines);
    Some(([(header::CONTENT_TYPE, "application/pdf")], file).into_response())
}

/// Whether the request carries the token, as the config says it travels.
pub(crate) fn token_of(g: &StandardGuesses, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(g.token_header.as_str())?.to_str().ok()?.trim();
    match &g.token_scheme {
        None => Some(value.to_string()),
        Some(scheme) => {
            let (given, token) = value.split_once(' ')?;
            given
                .eq_ignore_ascii_case(scheme)
                .then(|| token.trim().to_string())
        }
    }
}
