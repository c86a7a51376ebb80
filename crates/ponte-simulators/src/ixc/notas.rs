//! Fiscal notes: the `vd_saida` table is listed like any other; `imprimir_nota` prints one.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::state::IxcState;
use super::values::{br, parse_date};
use super::wire::{Fields, text};
use crate::pdf;

/// `POST imprimir_nota {"id":"<vd_saida id>","base64":"S"}`. The real output format was not
/// captured; it is served the way `get_boleto` serves PDFs (base64 text or raw bytes, and an
/// empty body for an unknown id).
pub(crate) fn print(state: &IxcState, body: &Fields) -> Response {
    let id = text(body, "id");
    let db = state.db();
    let Some(note) = db.get("vd_saida", &id) else {
        return ([(header::CONTENT_TYPE, "text/html")], "").into_response();
    };
    let get = |k: &str| note.get(k).cloned().unwrap_or_default();
    let customer = db.get("cliente", &get("id_cliente"));
    let name = customer
        .and_then(|c| c.get("razao"))
        .cloned()
        .unwrap_or_default();
    let issued = parse_date(&get("data_emissao")).map(br).unwrap_or_default();
    let lines = vec![
        format!(
            "Numero {}  Serie {}  Modelo {}",
            get("numero_nf"),
            get("serie"),
            get("modelo_nf")
        ),
        format!("Emissao {issued}"),
        format!("Destinatario: {name}"),
        format!("Valor total R$ {}", get("valor_total").replace('.', ",")),
    ];
    let file = pdf::one_page(&format!("Nota fiscal {}", get("numero_nf")), &lines);
    if text(body, "base64").eq_ignore_ascii_case("S") {
        (
            [(header::CONTENT_TYPE, "text/html")],
            STANDARD.encode(&file),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/pdf")], file).into_response()
    }
}
