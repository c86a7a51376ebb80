//! Titles: the integration's list (`/api/ura/titulos/`), the customer area's list
//! (`/api/central/titulos/`), the second copy (`fatura2via`, which opens an occurrence unless
//! told not to), PIX codes, and the public boleto links with their PDFs (erps.md §3.5,
//! erps-addendum §3).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::Date;

use super::auth::Caller;
use super::guesses::PixAnswer;
use super::render::{Ctx, corrected_cents, link, title_central, title_ura};
use super::story::catalog::SYSTEM_OCCURRENCE_TYPE;
use super::story::codes::{self, mask_linha};
use super::story::model::{Occurrence, Title, TitleStatus};
use super::story::values::{br, iso, money_br, parse_iso, reais};
use super::story::{Story, bare};
use super::wire::{Params, Refusal, ok, with_status};
use crate::pdf;

/// Django REST Framework's refusal of a value outside a field's choices (pt-BR).
fn invalid_choice(field: &str, value: &str) -> Response {
    with_status(
        StatusCode::BAD_REQUEST,
        &json!({ field: [format!("\"{value}\" não é um escolha válido.")] }),
    )
}

fn in_range(date: Option<Date>, params: &Params, from: &str, to: &str) -> Result<bool, Refusal> {
    if !params.has(from) && !params.has(to) {
        return Ok(true);
    }
    // The collection says each range is used with both ends [DOC-3P].
    let (Some(start), Some(end)) = (parse_iso(&params.text(from)), parse_iso(&params.text(to)))
    else {
        let field = if parse_iso(&params.text(from)).is_none() {
            from
        } else {
            to
        };
        return Err(Box::new(with_status(
            StatusCode::BAD_REQUEST,
            &json!({ field: ["Informe uma data válida no formato AAAA-MM-DD."] }),
        )));
    };
    Ok(date.is_some_and(|d| start <= d && d <= end))
}

/// `POST /api/ura/titulos/`: `limit` 250 by default and at most [DOC-3P]; unfiltered, every
/// status mixed, newest first [MEAS].
pub(crate) fn list_ura(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let (offset, limit) = match params.page(250, 250, ctx.guesses.clamp_limits) {
        Ok(page) => page,
        Err(message) => return with_status(StatusCode::BAD_REQUEST, &json!({"limit": [message]})),
    };
    let status = match params.text("status").as_str() {
        "" => None,
        "abertos" => Some(TitleStatus::Open),
        "pagos" => Some(TitleStatus::Paid),
        "cancelados" => Some(TitleStatus::Cancelled),
        other => return invalid_choice("status", other),
    };
    let order = params.text("ordenar");
    if !matches!(
        order.as_str(),
        "" | "data_documento" | "data_vencimento" | "data_pagamento"
    ) {
        return invalid_choice("ordenar", &order);
    }
    let direction = params.text("ordenar_ordem");
    if !matches!(direction.as_str(), "" | "asc" | "desc") {
        return invalid_choice("ordenar_ordem", &direction);
    }
    let customer = if params.has("cpfcnpj") {
        match story.customer_by_document(&bare(&params.text("cpfcnpj"))) {
            Some(c) => Some(c.id),
            None => Some(0),
        }
    } else {
        None
    };
    let mut selected: Vec<&Title> = Vec::new();
    for title in story.titles.iter().rev() {
        let keep = params.id("titulo_id").is_none_or(|id| id == title.id)
            && params
                .id("cliente_id")
                .is_none_or(|id| id == title.customer_id)
            && customer.is_none_or(|id| id == title.customer_id)
            && params
                .id("contrato")
                .is_none_or(|id| id == title.contract_id)
            && status.is_none_or(|s| s == title.status);
        if !keep {
            continue;
        }
        let due = in_range(
            Some(title.due),
            params,
            "data_vencimento_inicio",
            "data_vencimento_fim",
        );
        let paid = in_range(
            title.paid_on(),
            params,
            "data_pagamento_inicio",
            "data_pagamento_fim",
        );
        match (due, paid) {
            (Ok(true), Ok(true)) => selected.push(title),
            (Err(refusal), _) | (_, Err(refusal)) => return *refusal,
            _ => {}
        }
    }
    if !order.is_empty() {
        let key = |t: &&Title| match order.as_str() {
            "data_documento" => Some(t.issued),
            "data_vencimento" => Some(t.due),
            _ => t.paid_on(),
        };
        selected.sort_by_key(|t| (key(t), t.id));
        if direction == "desc" {
            selected.reverse();
        }
    }
    let page: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(limit)
        .map(|t| title_ura(ctx, t))
        .collect();
    ok(&json!({
        "paginacao": {"offset": offset, "limit": limit, "parcial": page.len(), "total": selected.len()},
        "titulos": page,
    }))
}

/// The customers a customer-area request is about: the logged-in customer, or the one named
/// by `cpfcnpj` or `contrato` when the integration calls.
fn central_scope(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Option<(u64, Option<u64>)> {
    let contract = params.id("contrato");
    let customer = match ctx.caller {
        Caller::Customer(id) => id,
        Caller::Integration => match (params.has("cpfcnpj"), contract) {
            (true, _) => story.customer_by_document(&params.text("cpfcnpj"))?.id,
            (false, Some(id)) => story.contract(id)?.customer_id,
            (false, None) => return None,
        },
    };
    if let Some(id) = contract
        && story.contract(id).is_none_or(|k| k.customer_id != customer)
    {
        return None;
    }
    Some((customer, contract))
}

/// `POST /api/central/titulos/`: lower-case keys and `statusid`; open and paid titles unless
/// `status` says otherwise [DOC-3P].
pub(crate) fn list_central(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    let (offset, limit) = match params.page(250, usize::MAX, true) {
        Ok(page) => page,
        Err(message) => return with_status(StatusCode::BAD_REQUEST, &json!({"limit": [message]})),
    };
    let statuses: Vec<TitleStatus> = match params.text("status").as_str() {
        "" => vec![TitleStatus::Open, TitleStatus::Paid],
        "1" => vec![TitleStatus::Open],
        "2" => vec![TitleStatus::Paid],
        "3" => vec![TitleStatus::Cancelled],
        other => return invalid_choice("status", other),
    };
    let selected: Vec<&Title> = match central_scope(ctx, story, params) {
        Some((customer, contract)) => story
            .titles
            .iter()
            .filter(|t| t.customer_id == customer)
            .filter(|t| contract.is_none_or(|id| id == t.contract_id))
            .filter(|t| statuses.contains(&t.status))
            .collect(),
        None => Vec::new(),
    };
    let page: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(limit)
        .map(|t| title_central(ctx, t))
        .collect();
    ok(&json!({
        "paginacao": {"offset": offset, "limit": limit, "parcial": page.len(), "total": selected.len()},
        "faturas": page,
    }))
}

/// A title reissued for today when overdue (corrected value, new boleto and PIX), as
/// fatura2via reissues the oldest open title [DOC-3P, CODE].
fn reissued(ctx: &Ctx<'_>, title: &Title, pdf: bool) -> Value {
    let overdue = title.overdue(ctx.today);
    let cents = corrected_cents(ctx.config, title, ctx.today);
    let (due, linha, pix) = if overdue || cents != title.cents {
        let story = ctx.config.story();
        let boleto = codes::boleto(&story, cents, ctx.today, &title.our_number);
        let txid = format!(
            "SGP{}R{:02}{:02}{:02}",
            title.id,
            ctx.today.year() % 100,
            u8::from(ctx.today.month()),
            ctx.today.day()
        );
        (
            ctx.today,
            boleto.map(|b| b.linha).unwrap_or_default(),
            codes::pix(&story, cents, &txid).unwrap_or_default(),
        )
    } else {
        (title.due, title.linha.clone(), title.pix.clone())
    };
    let page = link(ctx, title, false);
    json!({
        "id": title.id,
        "fatura": title.id,
        "numero_documento": title.document_number,
        "valor": reais(cents),
        "vencimento": iso(due),
        "vencimento_original": iso(title.due),
        "linhadigitavel": mask_linha(&linha),
        "codigopix": pix,
        "link": link(ctx, title, pdf),
        "link_cobranca": format!("{page}cobranca/"),
    })
}

/// `POST /api/ura/fatura2via/` and `/api/central/fatura2via/`. Every call opens an occurrence
/// unless `nao_gerar_os` is sent (erps-addendum §3 [DOC-3P]).
pub(crate) fn second_copy(ctx: &Ctx<'_>, story: &mut Story, params: &Params) -> Response {
    let g = ctx.guesses;
    let scope = match ctx.caller {
        // The customer area's second copy names the contract [DOC-3P].
        Caller::Customer(_) if !params.has("contrato") => {
            return ok(&json!({"status": 0, "msg": g.text_2via_missing, "links": []}));
        }
        Caller::Customer(_) => central_scope(ctx, story, params),
        Caller::Integration if !params.has("cpfcnpj") && !params.has("contrato") => {
            return ok(&json!({"status": 0, "msg": g.text_2via_missing, "links": []}));
        }
        Caller::Integration => central_scope(ctx, story, params),
    };
    let Some((customer, contract)) = scope else {
        return ok(&json!({"status": 0, "msg": g.text_2via_not_found, "links": []}));
    };
    let mut open: Vec<&Title> = story
        .titles
        .iter()
        .filter(|t| t.customer_id == customer && t.status == TitleStatus::Open)
        .filter(|t| contract.is_none_or(|id| id == t.contract_id))
        .filter(|t| {
            params
                .id("numero_documento")
                .is_none_or(|n| n == t.document_number)
        })
        .collect();
    let by_issue = params.text("tipo_ordenacao") == "data_documento";
    open.sort_by_key(|t| (if by_issue { t.issued } else { t.due }, t.id));
    if params.text("modo_ordenacao") == "desc" {
        open.reverse();
    }
    if !params.flag("faturas_abertas_todas") {
        open.truncate(1);
    }
    let Some(first) = open.first() else {
        return ok(&json!({"status": 0, "msg": g.text_2via_none, "links": []}));
    };
    let contract_id = first.contract_id;
    let pdf = params.flag("link_pdf");
    let links: Vec<Value> = open.iter().map(|t| reissued(ctx, t, pdf)).collect();
    let protocol = if params.flag("nao_gerar_os") {
        Value::Null
    } else {
        let content = match params.text("ocorrencia_conteudo") {
            c if c.is_empty() => "Segunda via de fatura solicitada via URA".to_string(),
            c => c,
        };
        let at = story.tick(8 * 3600);
        let id = story.push_occurrence(Occurrence {
            id: 0,
            protocol: String::new(),
            contract_id,
            customer_id: customer,
            type_id: SYSTEM_OCCURRENCE_TYPE,
            content,
            contact: String::new(),
            contact_number: params.text("telefone"),
            created: (ctx.today, at),
            status: 1,
            origin: "URA".to_string(),
        });
        story
            .occurrences
            .iter()
            .find(|o| o.id == id)
            .map(|o| Value::String(o.protocol.clone()))
            .unwrap_or(Value::Null)
    };
    ok(&json!({
        "status": 1,
        "protocolo": protocol,
        "msg": g.text_2via_ok,
        "contratoId": contract_id,
        "links": links,
    }))
}

/// `POST /api/ura/pagamento/pix/{fatura}` (and the customer area's) with the title's
/// `contrato`: `{"status":1,"msg":"Dados do Pix","pix":...}` [CODE]; the code is for the value
/// due today.
pub(crate) fn pix(ctx: &Ctx<'_>, story: &Story, title_id: u64, params: &Params) -> Response {
    let g = ctx.guesses;
    let title = story
        .title(title_id)
        .filter(|t| params.id("contrato") == Some(t.contract_id))
        .filter(|t| ctx.may_see(t.customer_id));
    let Some(title) = title else {
        return ok(&json!({"status": 0, "msg": g.text_pix_not_found}));
    };
    if title.status != TitleStatus::Open {
        return ok(&json!({"status": 0, "msg": g.text_pix_closed}));
    }
    let cents = corrected_cents(ctx.config, title, ctx.today);
    let txid = format!(
        "SGP{}P{:02}{:02}{:02}",
        title.id,
        ctx.today.year() % 100,
        u8::from(ctx.today.month()),
        ctx.today.day()
    );
    let code = codes::pix(&ctx.config.story(), cents, &txid).unwrap_or_default();
    let pix = match g.pix_answer {
        PixAnswer::Text => Value::String(code),
        PixAnswer::Object => {
            use base64::Engine as _;
            let image = ponte_br::qr::png(&code, 4)
                .map(|png| base64::engine::general_purpose::STANDARD.encode(png))
                .unwrap_or_default();
            json!({"codigo": code, "qrcode": image})
        }
    };
    ok(&json!({"status": 1, "msg": "Dados do Pix", "pix": pix}))
}

/// The boleto's PDF: payer, value, due date and linha digitável.
pub(crate) fn boleto_pdf(ctx: &Ctx<'_>, story: &Story, title: &Title) -> Vec<u8> {
    let customer = story.customer(title.customer_id);
    let name = customer.map(|c| c.name.clone()).unwrap_or_default();
    let document = customer
        .map(|c| c.stored_document.clone())
        .unwrap_or_default();
    let lines = vec![
        format!(
            "Titulo {}  Documento {}  Vencimento {}  Valor R$ {}",
            title.id,
            title.document_number,
            br(title.due),
            money_br(title.cents)
        ),
        format!("Pagador: {name}  CPF/CNPJ: {document}"),
        format!("Referente a: {}", title.description),
        format!("Linha digitavel: {}", mask_linha(&title.linha)),
        format!("Nosso numero: {}", title.our_number),
    ];
    pdf::one_page(&format!("Boleto - {}", ctx.config.merchant_name), &lines)
}

/// The title a public link names: `<link id>-<code>`, optionally ending in `.pdf`.
pub(crate) fn by_link<'a>(story: &'a Story, token: &str) -> Option<&'a Title> {
    let (id, code) = token.split_once('-')?;
    let id: u64 = id.parse().ok()?;
    story
        .titles
        .iter()
        .find(|t| t.link_id == id && t.link_code == code)
}

/// `GET /boleto/<id>-<code>/[...]`: the boleto page (HTML by default, erps-addendum §3 Open) or
/// its PDF.
pub(crate) fn boleto_page(ctx: &Ctx<'_>, story: &Story, path: &str) -> Option<Response> {
    let rest = path.trim_start_matches('/');
    let (token, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let (token, pdf_in_name) = match token.strip_suffix(".pdf") {
        Some(stripped) => (stripped, true),
        None => (token, false),
    };
    let title = by_link(story, token)?;
    let wants_pdf =
        pdf_in_name || tail == ".pdf" || tail == "pdf" || !ctx.guesses.link_page_is_html;
    if wants_pdf {
        let file = boleto_pdf(ctx, story, title);
        return Some(([(header::CONTENT_TYPE, "application/pdf")], file).into_response());
    }
    let html = format!(
        "<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>Boleto {id}</title></head>\
         <body><h1>{merchant}</h1><p>Vencimento: {due}</p><p>Valor: R$ {value}</p>\
         <p>Linha digitável: <code>{linha}</code></p><p><a href=\"{pdf}\">Baixar PDF</a></p></body></html>",
        id = title.id,
        merchant = ctx.config.merchant_name,
        due = br(title.due),
        value = money_br(title.cents),
        linha = mask_linha(&title.linha),
        pdf = link(ctx, title, true),
    );
    Some(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// `GET /api/declaracao/quitacao/<contract>/<password>/<year>`: the debt-discharge
/// declaration consultacliente links to, as a PDF.
pub(crate) fn discharge(ctx: &Ctx<'_>, story: &Story, path: &str) -> Option<Response> {
    let mut parts = path.trim_matches('/').split('/');
    let contract_id: u64 = parts.next()?.parse().ok()?;
    let password = parts.next()?;
    let year: i32 = parts.next()?.parse().ok()?;
    let contract = story
        .contract(contract_id)
        .filter(|k| k.central_password == password)?;
    let customer = story.customer(contract.customer_id)?;
    let lines = vec![
        format!(
            "Cliente: {}  CPF/CNPJ: {}",
            customer.name, customer.stored_document
        ),
        format!("Contrato {contract_id}"),
        format!("Declaramos a quitacao dos debitos do ano de {year}."),
    ];
    let file = pdf::one_page(
        &format!(
            "Declaracao de quitacao de debitos - {}",
            ctx.config.merchant_name
        ),
        &lines,
    );
    Some(([(header::CONTENT_TYPE, "application/pdf")], file).into_response())
}
