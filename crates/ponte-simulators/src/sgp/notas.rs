//! Fiscal notes (NFCom): `POST /api/central/nfcom/list` and `POST /api/central/nfcom/print/{numero}`
//! (erps.md §3.6, erps-addendum §3). The request fields and the status codes are [DOC-3P]; the
//! list's shape is [GUESS] (see [`super::guesses`]).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::render::Ctx;
use super::story::Story;
use super::story::model::Note;
use super::story::values::{br, iso, money_br, parse_iso, reais};
use super::wire::{Params, not_found, ok, with_status};
use crate::pdf;

/// NFCom status names by code [DOC-3P].
fn status_name(code: u8) -> &'static str {
    match code {
        1 => "Autorizada",
        3 => "Em Digitação",
        5 => "Rejeitada",
        8 => "Cancelada",
        9 => "Importada por XML",
        10 => "Aguardando Envio",
        11 => "Substituída",
        _ => "",
    }
}

/// `POST /api/central/nfcom/list` with `contrato`, `status`, `ambiente` and the issue range.
pub(crate) fn list(ctx: &Ctx<'_>, story: &Story, params: &Params) -> Response {
    // The collection swaps the descriptions of the two dates; both are read by their names.
    let from = parse_iso(&params.text("data_emissao_inicio"));
    let to = parse_iso(&params.text("data_emissao_fim"));
    let status = params.text("status");
    if !status.is_empty()
        && status
            .parse::<u8>()
            .map(status_name)
            .unwrap_or("")
            .is_empty()
    {
        return with_status(
            StatusCode::BAD_REQUEST,
            &json!({"status": [format!("\"{status}\" não é um escolha válido.")]}),
        );
    }
    // Homologation (ambiente 2) has no notes in a production base.
    let homologation = params.text("ambiente") == "2";
    let items: Vec<Value> = story
        .notes
        .iter()
        .filter(|n| !homologation && ctx.may_see(n.customer_id))
        .filter(|n| params.id("contrato").is_none_or(|id| id == n.contract_id))
        .filter(|n| status.parse::<u8>().ok().is_none_or(|s| s == n.status))
        .filter(|n| from.is_none_or(|d| n.issued >= d) && to.is_none_or(|d| n.issued <= d))
        .map(|n| {
            json!({
                "id": n.id,
                "numero": n.number,
                "serie": n.series,
                "chave": n.key,
                "status": n.status,
                "status_display": status_name(n.status),
                "data_emissao": iso(n.issued),
                "valor": reais(n.cents),
                "contrato": n.contract_id,
                "cliente": n.customer_id,
                "titulo": n.title_id,
                "modelo": "62",
            })
        })
        .collect();
    ok(&json!({"status": 1, "nfcoms": items}))
}

/// `POST /api/central/nfcom/print/{numero}`: `contrato` is required; `formato` is `pdf` (the
/// default) or `xml` [DOC-3P].
pub(crate) fn print(ctx: &Ctx<'_>, story: &Story, number: u64, params: &Params) -> Response {
    let Some(note) = story
        .notes
        .iter()
        .find(|n| n.number == number && params.id("contrato") == Some(n.contract_id))
    else {
        return not_found();
    };
    match params.text("formato").to_lowercase().as_str() {
        "" | "pdf" => {
            let file = note_pdf(ctx, story, note);
            ([(header::CONTENT_TYPE, "application/pdf")], file).into_response()
        }
        "xml" => (
            [(header::CONTENT_TYPE, "application/xml")],
            note_xml(ctx, story, note),
        )
            .into_response(),
        other => with_status(
            StatusCode::BAD_REQUEST,
            &json!({"formato": [format!("\"{other}\" não é um escolha válido.")]}),
        ),
    }
}

fn note_pdf(ctx: &Ctx<'_>, story: &Story, note: &Note) -> Vec<u8> {
    let customer = story.customer(note.customer_id);
    let lines = vec![
        format!("NFCom numero {}  serie {}", note.number, note.series),
        format!("Chave de acesso: {}", note.key),
        format!(
            "Emissao {}  Situacao {}",
            br(note.issued),
            status_name(note.status)
        ),
        format!(
            "Destinatario: {}  CPF/CNPJ: {}",
            customer.map(|c| c.name.as_str()).unwrap_or(""),
            customer.map(|c| c.stored_document.as_str()).unwrap_or("")
        ),
        format!("Valor total R$ {}", money_br(note.cents)),
    ];
    pdf::one_page(&format!("DANFE-COM - {}", ctx.config.merchant_name), &lines)
}

fn note_xml(ctx: &Ctx<'_>, story: &Story, note: &Note) -> String {
    let customer = story.customer(note.customer_id);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nfcomProc xmlns=\"http://www.portalfiscal.inf.br/nfcom\">\
         <NFCom><infNFCom Id=\"NFCom{key}\"><ide><mod>62</mod><serie>{series}</serie><nNF>{number}</nNF>\
         <dhEmi>{issued}T00:00:00-03:00</dhEmi></ide><emit><xNome>{merchant}</xNome></emit>\
         <dest><xNome>{name}</xNome></dest><total><vNF>{value}</vNF></total></infNFCom></NFCom></nfcomProc>\n",
        key = note.key,
        series = note.series,
        number = note.number,
        issued = iso(note.issued),
        merchant = ctx.config.merchant_name,
        name = customer.map(|c| c.name.as_str()).unwrap_or(""),
        value = super::story::values::money(note.cents),
    )
}
