//! The PDFs behind the tokenised links invoices and notes carry (`link`, `link_pdf`):
//! `GET /pdf/fatura/<token>` and `GET /pdf/nota_fiscal/<token>`. Hubsoft has no second-copy
//! endpoint; the boleto is only reachable through its link (erps.md §6.1, §6.5). Whether the
//! link needs the Bearer token is open, so it is a config switch.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::authorized;
use super::guesses::PDF_NOT_FOUND_BODY;
use super::seed::catalog::COMPANY;
use super::state::HubsoftState;
use super::values::{br, money_br};
use super::wire::unauthenticated;
use crate::pdf;

fn pdf_answer(file: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/pdf")], file).into_response()
}

fn missing() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
        PDF_NOT_FOUND_BODY,
    )
        .into_response()
}

/// `GET /pdf/fatura/<token>`: the boleto of an invoice.
pub(crate) async fn boleto(
    State(state): State<HubsoftState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    if state.config().pdf_link_requires_token && !authorized(&state, &headers) {
        return unauthenticated();
    }
    let inner = state.lock();
    let db = &inner.db;
    let Some(invoice) = db.invoices.iter().find(|i| i.link_token == token) else {
        return missing();
    };
    let customer = db.customer(invoice.id_cliente);
    let lines = vec![
        format!(
            "Fatura {}  Vencimento {}  Valor R$ {}",
            invoice.id_fatura,
            br(invoice.data_vencimento),
            money_br(invoice.valor_cents)
        ),
        format!(
            "Pagador: {}  CPF/CNPJ: {}",
            customer.map_or("", |c| c.nome_razaosocial.as_str()),
            customer.map_or("", |c| c.cpf_cnpj.as_str())
        ),
        format!(
            "Beneficiario: {} / CNPJ: {}",
            COMPANY.razao, COMPANY.display_cnpj
        ),
        format!("Linha digitavel: {}", invoice.linha_digitavel),
        format!("Nosso numero: {}", invoice.nosso_numero),
    ];
    pdf_answer(pdf::one_page(
        &format!("Boleto - {}", COMPANY.fantasia),
        &lines,
    ))
}

/// `GET /pdf/nota_fiscal/<token>`: a fiscal note.
pub(crate) async fn note(
    State(state): State<HubsoftState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    if state.config().pdf_link_requires_token && !authorized(&state, &headers) {
        return unauthenticated();
    }
    let inner = state.lock();
    let db = &inner.db;
    let Some(note) = db.notes.iter().find(|n| n.link_token == token) else {
        return missing();
    };
    let customer = db.customer(note.id_cliente);
    let kind = if note.nfse {
        "NFS-e"
    } else {
        "Nota Fiscal de Servico de Comunicacao (modelo 21)"
    };
    let lines = vec![
        format!("{kind} numero {}", note.numero),
        format!(
            "Emissao {}  Valor R$ {}",
            br(note.data_emissao.0),
            money_br(note.valor_cents)
        ),
        format!(
            "Tomador: {}  CPF/CNPJ: {}",
            customer.map_or("", |c| c.nome_razaosocial.as_str()),
            customer.map_or("", |c| c.cpf_cnpj.as_str())
        ),
        format!(
            "Emitente: {} / CNPJ: {}",
            COMPANY.razao, COMPANY.display_cnpj
        ),
    ];
    pdf_answer(pdf::one_page(
        &format!("Nota fiscal - {}", COMPANY.fantasia),
        &lines,
    ))
}
