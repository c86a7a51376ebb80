//! `get_boleto` (the boleto PDF, raw or base64, or other deliveries) and `get_pix` (the PIX
//! copy-and-paste code of an invoice).
//!
//! `get_boleto` prints open invoices only: asked for a paid or cancelled one it refuses with
//! IXC's error envelope (or an empty body, with `IxcConfig::paid_boleto_empty`), unless
//! [`IxcLeniency::paid_boleto_pdf`](super::IxcLeniency) says to print it anyway.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use time::{Date, Duration};

use super::codes;
use super::config::IxcConfig;
use super::guesses::{BOLETO_DATA_KEYS, PAID_BOLETO_MESSAGE, PIX_CLOSED};
use super::model::bare_document;
use super::schema::Row;
use super::state::{IxcState, pix_for};
use super::values::{br, money, parse_date, parse_money};
use super::wire::{Fields, error, ok_json, text};
use crate::pdf;

/// Interest and fine, in cents, owed on an open invoice paid `today`.
pub(crate) fn late_charges(config: &IxcConfig, row: &Row, today: Date) -> (i64, i64) {
    let open = row
        .get("valor_aberto")
        .and_then(|v| parse_money(v))
        .unwrap_or(0);
    let Some(due) = row.get("data_vencimento").and_then(|d| parse_date(d)) else {
        return (0, 0);
    };
    if today <= due || open <= 0 {
        return (0, 0);
    }
    let days = (today - due).whole_days();
    // Percentages are kept in hundredths of a percent to stay in integers.
    let fine_bp = parse_money(&config.fine_percent).unwrap_or(0);
    let daily_bp = parse_money(&config.interest_percent_per_day).unwrap_or(0);
    let fine = open * fine_bp / 10_000;
    let interest = open * daily_bp * days / 10_000;
    (interest, fine)
}

fn reais(cents: i64) -> String {
    money(cents).replace('.', ",")
}

/// `POST get_boleto {"boletos":"1,2","juro":"S","multa":"S","tipo_boleto":"arquivo","base64":"S"}`.
pub(crate) fn get_boleto(state: &IxcState, body: &Fields) -> Response {
    let config = state.config();
    let ids: Vec<String> = text(body, "boletos")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let db = state.db();
    let rows: Vec<Row> = ids
        .iter()
        .filter_map(|id| db.get("fn_areceber", id).cloned())
        .collect();
    if rows.is_empty() {
        // An unknown id gets an empty body with status 200.
        return ([(header::CONTENT_TYPE, "text/html")], "").into_response();
    }
    let closed = rows
        .iter()
        .any(|r| !matches!(r.get("status").map(String::as_str), Some("A" | "P")));
    if closed && !config.lenient.paid_boleto_pdf {
        return if config.paid_boleto_empty {
            ([(header::CONTENT_TYPE, "text/html")], "").into_response()
        } else {
            error(PAID_BOLETO_MESSAGE)
        };
    }
    match text(body, "tipo_boleto").to_lowercase().as_str() {
        "mail" | "sms" => return ok_json(&json!({"registros": [{"sucesso": true}]})),
        "dados" => {
            let registros: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let id = r.get("id").cloned().unwrap_or_default();
                    let values = [
                        id.clone(),
                        r.get("linha_digitavel").cloned().unwrap_or_default(),
                        db.barcodes.get(&id).cloned().unwrap_or_default(),
                        r.get("valor_aberto").cloned().unwrap_or_default(),
                        r.get("data_vencimento").cloned().unwrap_or_default(),
                        r.get("nn_boleto").cloned().unwrap_or_default(),
                    ];
                    Value::Object(
                        BOLETO_DATA_KEYS
                            .iter()
                            .zip(values)
                            .map(|(k, v)| ((*k).to_string(), Value::String(v)))
                            .collect(),
                    )
                })
                .collect();
            return ok_json(&json!({"registros": registros}));
        }
        _ => {}
    }
    let with_interest = text(body, "juro").eq_ignore_ascii_case("S");
    let with_fine = text(body, "multa").eq_ignore_ascii_case("S");
    let mut lines = Vec::new();
    for row in &rows {
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        let customer = db.get("cliente", &get("id_cliente"));
        let name = customer
            .and_then(|c| c.get("razao"))
            .cloned()
            .unwrap_or_default();
        let doc = customer
            .and_then(|c| c.get("cnpj_cpf"))
            .cloned()
            .unwrap_or_default();
        let (interest, fine) = late_charges(config, row, state.today());
        let open = parse_money(&get("valor_aberto")).unwrap_or(0);
        let total =
            open + if with_interest { interest } else { 0 } + if with_fine { fine } else { 0 };
        let due = parse_date(&get("data_vencimento"))
            .map(br)
            .unwrap_or_default();
        lines.push(format!(
            "Fatura {}  Vencimento {}  Valor R$ {}",
            get("id"),
            due,
            reais(total)
        ));
        lines.push(format!("Pagador: {name}  CPF/CNPJ: {doc}"));
        lines.push(format!("Linha digitavel: {}", get("linha_digitavel")));
        lines.push(format!("Nosso numero: {}", get("nn_boleto")));
        lines.push(String::new());
    }
    let file = pdf::one_page(&format!("Boleto - {}", config.merchant_name), &lines);
    if text(body, "base64").eq_ignore_ascii_case("S") {
        // Base64 comes as bare text, not JSON, labelled `text/html`.
        (
            [(header::CONTENT_TYPE, "text/html")],
            STANDARD.encode(&file),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/pdf")], file).into_response()
    }
}

/// `POST get_pix {"id_areceber":"145535"}`.
pub(crate) fn get_pix(state: &IxcState, body: &Fields) -> Response {
    let config = state.config();
    let id = text(body, "id_areceber");
    let db = state.db();
    let Some(row) = db.get("fn_areceber", &id) else {
        // An unknown id makes IXC fail with a server error.
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html")],
            "",
        )
            .into_response();
    };
    let get = |k: &str| row.get(k).cloned().unwrap_or_default();
    if !matches!(get("status").as_str(), "A" | "P") {
        return error(PIX_CLOSED);
    }
    let code = pix_for(config, row).unwrap_or_default();
    let customer = db.get("cliente", &get("id_cliente"));
    let document = customer
        .and_then(|c| c.get("cnpj_cpf"))
        .map(|d| bare_document(d))
        .unwrap_or_default();
    let name = customer
        .and_then(|c| c.get("razao"))
        .cloned()
        .unwrap_or_default();
    let debtor = if document.len() == 11 {
        json!({"cpf": document, "nome": name})
    } else {
        json!({"cnpj": document, "nome": name})
    };
    let image = codes::qr_png_base64(&code).unwrap_or_default();
    let source = if image.is_empty() {
        String::new()
    } else {
        format!("data:image/png;base64,{image}")
    };
    let due = parse_date(&get("data_vencimento")).unwrap_or(state.today());
    let expires = due + Duration::days(90);
    ok_json(&json!({
        "type": "success",
        "gateway": {"gatewayNome": "MB"},
        "pix": {
            "dadosPix": {
                "status": "ATIVA",
                "txid": get("pix_txid"),
                "pixCopiaECola": code,
                "calendario": {"dataDeVencimento": get("data_vencimento"), "validadeAposVencimento": 90},
                "devedor": debtor,
                "valor": {
                    "original": get("valor_aberto"),
                    "juros": {"valorPerc": config.interest_percent_per_day, "modalidade": 2},
                    "multa": {"valorPerc": config.fine_percent, "modalidade": 2},
                },
                "expiracaoPix": format!("{} 00:00:00", br(expires)),
            },
            "qrCode": {"qrcode": code, "imagemQrcode": image, "imagemSrc": source},
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn late_charges_count_days_after_the_due_date() {
        let config = IxcConfig::default();
        let row: Row = [
            ("valor_aberto", "100.00"),
            ("data_vencimento", "2024-11-10"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        assert_eq!(late_charges(&config, &row, date!(2024 - 11 - 10)), (0, 0));
        // 10 days at 0.03% a day on R$ 100 = R$ 0.30; fine 2% = R$ 2.00.
        assert_eq!(
            late_charges(&config, &row, date!(2024 - 11 - 20)),
            (30, 200)
        );
    }
}
