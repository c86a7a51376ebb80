//! `GET /cliente/nota_fiscal?busca=id_cliente&termo_busca=...` (erps.md §6.6, addendum §2):
//! the customer and its notes in three lists by kind, telecom notes (model 21) with their PDF
//! in `link`, NFS-e with `link_pdf`/`link_xml`; `data_inicio`/`data_fim` filter on the issue
//! date and may not span more than 60 days.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::guesses::{
    NOTA_RANGE_TOO_LONG, PERIOD_REVERSED, customer_not_found, invalid_search, required,
};
use super::model::FiscalNote;
use super::state::HubsoftState;
use super::values::{br, br_datetime, iso_datetime, money_text};
use super::wire::{Params, error, origin, query, success};

fn telecom(base: &str, note: &FiscalNote) -> Value {
    let (date, seconds) = note.data_emissao;
    json!({
        "id_nota_fiscal": note.id,
        "id_tipo_documento_fiscal": 1,
        "numero_nota": note.numero,
        "serie_nota": "U",
        "cfop": "5307",
        "identificacao": format!("{:020}", note.id_fatura),
        "valor": money_text(note.valor_cents),
        "data_cadastro_br": br_datetime(date, seconds).get(..16).unwrap_or(""),
        "data_emissao_br": br(date),
        "data_cancelamento_br": null,
        "cancelado": false,
        "tipo_documento_fiscal": {
            "id_tipo_documento_fiscal": 1,
            "descricao": "Nota Fiscal de Serviço de Comunicação",
            "codigo": "21",
            "ativo": true,
            "display": "21 - Nota Fiscal de Serviço de Comunicação",
        },
        "link": format!("{base}/pdf/nota_fiscal/{}", note.link_token),
    })
}

fn service_note(base: &str, note: &FiscalNote) -> Value {
    let (date, seconds) = note.data_emissao;
    json!({
        "id_nfse": note.id,
        "id_externo": note.link_token.get(..29).unwrap_or(""),
        "numero": note.numero.to_string(),
        "serie": "NFS",
        "lote_rps": (290_000 + note.id).to_string(),
        "valor": money_text(note.valor_cents),
        "data_cadastro": iso_datetime(date, seconds),
        "tipo_emissao": "automatica",
        "link_pdf": format!("{base}/pdf/nota_fiscal/{}", note.link_token),
        "link_xml": format!("{base}/xml/nota_fiscal/{}", note.link_token),
        "status": "autorizado",
        "status_mensagem": "RPS Autorizada com sucesso",
        "data_cadastro_br": br_datetime(date, seconds).get(..16).unwrap_or(""),
        "data_cancelamento_br": null,
    })
}

/// `GET /api/v1/integracao/cliente/nota_fiscal`.
pub(crate) async fn list(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    let term = p.required("termo_busca");
    if let Some(kind) = &kind
        && kind != "id_cliente"
    {
        return error(&invalid_search(kind, &["id_cliente"]));
    }
    let from = p.date("data_inicio");
    let to = p.date("data_fim");
    let config = state.config();
    if config.nota_fiscal_requires_dates {
        if from.is_none() && p.value("data_inicio").is_none() {
            p.fail(required("data_inicio"));
        }
        if to.is_none() && p.value("data_fim").is_none() {
            p.fail(required("data_fim"));
        }
    }
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return error(PERIOD_REVERSED);
        }
        if (to - from).whole_days() > 60 {
            return error(NOTA_RANGE_TOO_LONG);
        }
    }
    let term = term.unwrap_or_default();
    let inner = state.lock();
    let db = &inner.db;
    let Some(customer) = db
        .customers
        .iter()
        .find(|c| c.id_cliente.to_string() == term)
    else {
        return error(&customer_not_found(&term));
    };
    let base = origin(&headers);
    let notes: Vec<&FiscalNote> = db
        .notes
        .iter()
        .filter(|n| n.id_cliente == customer.id_cliente)
        .filter(|n| from.is_none_or(|f| n.data_emissao.0 >= f))
        .filter(|n| to.is_none_or(|t| n.data_emissao.0 <= t))
        .collect();
    let telecom_notes: Vec<Value> = notes
        .iter()
        .filter(|n| !n.nfse)
        .map(|n| telecom(&base, n))
        .collect();
    let service_notes: Vec<Value> = notes
        .iter()
        .filter(|n| n.nfse)
        .map(|n| service_note(&base, n))
        .collect();
    success(
        "Dados carregados com sucesso",
        json!({
            "cliente": {
                "id_cliente": customer.id_cliente,
                "codigo_cliente": customer.codigo_cliente,
                "nome_razaosocial": customer.nome_razaosocial,
            },
            "notas_fiscais": telecom_notes,
            "nfes": [],
            "nfses": service_notes,
        }),
    )
}
