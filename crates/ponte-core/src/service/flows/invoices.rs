//! Invoices ready to pay (SPEC §5.2): `list_invoices` with a `pay` object on each invoice,
//! everything a screen needs to take the payment: the 44-digit barcode derived from the linha
//! digitável, the PIX code (the ERP's, or a static BR Code built from the integration's
//! receivers), and signed links to the PDF, the barcode and the QR code.
//!
//! What the ERP sends is checked, never passed on as valid: an invalid linha gives an empty
//! barcode and `linha_digitavel_valid: false`, an invalid PIX code `pix_valid: false`, each
//! with a problem `{field, code, detail}` in `pay.problems`.

use ponte_br::{Cents, Linha, StaticPix};
use ponte_catalog::FunctionId;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::links::LinkSigner;
use crate::model::{IntegrationSettings, PixReceiver};
use crate::service::{CallError, Caller, ErrorCode, Ponte};

/// What a screen needs to take an invoice's payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pay {
    /// The 44-digit barcode of the linha digitável; `""` when the linha is invalid.
    pub barcode: String,
    /// The ERP's linha digitável passed every check digit.
    pub linha_digitavel_valid: bool,
    /// The invoice's due date (`vencimento`).
    pub due_date: String,
    /// The amount due today (`valor_final`).
    pub amount: String,
    /// The PIX copy-and-paste code: the ERP's, or one Ponte built.
    pub pix_code: String,
    /// Ponte built `pix_code` from the integration's receivers.
    pub pix_generated: bool,
    /// `pix_code` parses as a BR Code with a valid CRC.
    pub pix_valid: bool,
    /// The boleto's PDF: the ERP's `link_boleto`, or a signed Ponte link.
    pub pdf_url: String,
    /// A signed link to the barcode as SVG (Interleaved 2 of 5); `""` without a barcode.
    pub barcode_svg_url: String,
    /// A signed link to the PIX code as a QR code (SVG); `""` without a valid PIX code.
    pub pix_qr_svg_url: String,
    /// What is wrong with the ERP's data, field by field.
    pub problems: Vec<PayProblem>,
}

/// One problem with an invoice's payment data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayProblem {
    /// The INVOICE field at fault.
    pub field: String,
    /// A stable code: `invalid_linha_digitavel`, `missing_linha_digitavel`,
    /// `invalid_pix_code`, `pix_not_configured`, `unknown_pix_receiver`, `pix_not_built`,
    /// `missing_remote_id`.
    pub code: String,
    /// What was found, in words.
    pub detail: String,
}

/// The path of an invoice's PDF (API key or signed link).
pub fn pdf_path(boleto_id: &str) -> String {
    format!("/v1/invoices/{}/pdf", path_segment(boleto_id))
}

/// The path of an invoice's barcode (signed link).
pub fn barcode_path(boleto_id: &str) -> String {
    format!("/v1/invoices/{}/barcode.svg", path_segment(boleto_id))
}

/// The path of an invoice's PIX QR code (signed link).
pub fn pix_qr_path(boleto_id: &str) -> String {
    format!("/v1/invoices/{}/pix-qr.svg", path_segment(boleto_id))
}

/// A boleto id as one path segment: anything but unreserved characters percent-encoded.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Ponte {
    /// The customer's open invoices, each with its `pay` object.
    pub async fn invoices_to_pay(
        &self,
        caller: &Caller,
        document: &str,
        contract_id: Option<&str>,
    ) -> Result<Vec<Value>, CallError> {
        let served = &caller.0;
        let mut input = Map::new();
        input.insert("customer_document_number".into(), json!(document));
        if let Some(contract) = contract_id.filter(|c| !c.is_empty()) {
            input.insert("contract_id".into(), json!(contract));
        }
        let output = self
            .flow_call(served, FunctionId::ListInvoices, Value::Object(input))
            .await?;
        let Value::Array(invoices) = output else {
            return Ok(Vec::new());
        };
        let integration = served.integration.id.as_str();
        let now = OffsetDateTime::now_utc();
        Ok(invoices
            .into_iter()
            .map(|mut invoice| {
                let pay = pay_for(
                    &invoice,
                    &served.integration.settings,
                    &self.links,
                    integration,
                    now,
                );
                if let Value::Object(fields) = &mut invoice {
                    fields.insert("pay".into(), serde_json::to_value(pay).unwrap_or_default());
                }
                invoice
            })
            .collect())
    }

    /// The signer of the flows' links.
    pub fn links(&self) -> &LinkSigner {
        &self.links
    }

    /// The boleto's PDF through `get_boleto_pdf`, for a caller with the API key.
    pub async fn boleto_pdf(&self, caller: &Caller, boleto_id: &str) -> Result<Vec<u8>, CallError> {
        self.boleto_pdf_of(&caller.0, boleto_id).await
    }

    /// The boleto's PDF for a signed link of `integration`; the link was checked already.
    pub async fn boleto_pdf_by_link(
        &self,
        integration: &str,
        boleto_id: &str,
    ) -> Result<Vec<u8>, CallError> {
        let unknown = || {
            CallError::new(
                ErrorCode::LinkInvalid,
                "The link names no integration served here.",
            )
        };
        let id = crate::model::IntegrationId::parse(integration).map_err(|_| unknown())?;
        let served = self.served(&id).await?.ok_or_else(unknown)?;
        self.boleto_pdf_of(&served, boleto_id).await
    }

    async fn boleto_pdf_of(
        &self,
        served: &super::super::snapshot::Served,
        boleto_id: &str,
    ) -> Result<Vec<u8>, CallError> {
        use base64::Engine as _;
        let output = self
            .flow_call(
                served,
                FunctionId::GetBoletoPdf,
                json!({ "boleto_id": boleto_id }),
            )
            .await?;
        let encoded = output["base_64"].as_str().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .filter(|pdf| pdf.starts_with(b"%PDF"))
            .ok_or_else(|| {
                CallError::new(
                    ErrorCode::ErpInvalidResponse,
                    "The ERP's `base_64` for this boleto is not a PDF.",
                )
            })
    }
}

/// The `pay` object of one INVOICE.
fn pay_for(
    invoice: &Value,
    settings: &IntegrationSettings,
    links: &LinkSigner,
    integration: &str,
    now: OffsetDateTime,
) -> Pay {
    let field = |name: &str| invoice[name].as_str().unwrap_or_default().trim().to_owned();
    let mut problems = Vec::new();
    let mut problem = |field: &str, code: &str, detail: String| {
        problems.push(PayProblem {
            field: field.to_owned(),
            code: code.to_owned(),
            detail,
        });
    };

    let linha = field("linha_digitavel");
    let barcode = if linha.is_empty() {
        problem(
            "linha_digitavel",
            "missing_linha_digitavel",
            "The ERP sent no linha digitável.".to_owned(),
        );
        None
    } else {
        match Linha::parse(&linha) {
            Ok(linha) => Some(linha.to_barcode().as_str().to_owned()),
            Err(error) => {
                problem(
                    "linha_digitavel",
                    "invalid_linha_digitavel",
                    format!("The ERP's linha digitável is invalid: {error}."),
                );
                None
            }
        }
    };

    let amount = field("valor_final");
    let erp_pix = field("pix_code");
    let (pix_code, pix_generated, pix_valid) = if erp_pix.is_empty() {
        match static_pix(invoice, &amount, settings) {
            Ok(code) => {
                let valid = ponte_br::BrCode::parse(&code).is_ok();
                (code, true, valid)
            }
            Err((code, detail)) => {
                problem("pix_code", code, detail);
                (String::new(), false, false)
            }
        }
    } else {
        match ponte_br::BrCode::parse(&erp_pix) {
            Ok(_) => (erp_pix, false, true),
            Err(error) => {
                problem(
                    "pix_code",
                    "invalid_pix_code",
                    format!("The ERP's PIX code is invalid: {error}."),
                );
                (erp_pix, false, false)
            }
        }
    };

    let boleto_id = field("remote_id");
    let link_boleto = field("link_boleto");
    let pdf_url = if !link_boleto.is_empty() {
        link_boleto
    } else if boleto_id.is_empty() {
        problem(
            "remote_id",
            "missing_remote_id",
            "The ERP sent neither `link_boleto` nor the boleto's id.".to_owned(),
        );
        String::new()
    } else {
        links.link(&pdf_path(&boleto_id), integration, "", now)
    };
    let barcode_svg_url = match (&barcode, boleto_id.is_empty()) {
        (Some(digits), false) => links.link(&barcode_path(&boleto_id), integration, digits, now),
        _ => String::new(),
    };
    let pix_qr_svg_url = if pix_valid && !boleto_id.is_empty() {
        links.link(&pix_qr_path(&boleto_id), integration, &pix_code, now)
    } else {
        String::new()
    };
    Pay {
        linha_digitavel_valid: barcode.is_some(),
        barcode: barcode.unwrap_or_default(),
        due_date: field("vencimento"),
        amount,
        pix_code,
        pix_generated,
        pix_valid,
        pdf_url,
        barcode_svg_url,
        pix_qr_svg_url,
        problems,
    }
}

/// A static BR Code for the invoice, from the receiver its `identifier` names (or the first),
/// for `valor_final`, with a txid derived from the invoice; or the problem's code and detail.
fn static_pix(
    invoice: &Value,
    amount: &str,
    settings: &IntegrationSettings,
) -> Result<String, (&'static str, String)> {
    let identifier = invoice["identifier"].as_str().unwrap_or_default().trim();
    let Some(default) = settings.pix.first() else {
        return Err((
            "pix_not_configured",
            "The ERP sent no PIX code and the integration has no PIX receiver.".to_owned(),
        ));
    };
    let receiver: &PixReceiver = if identifier.is_empty() {
        default
    } else {
        settings
            .pix
            .iter()
            .find(|r| r.identifier == identifier)
            .ok_or_else(|| {
                (
                    "unknown_pix_receiver",
                    format!("The invoice names the PIX receiver `{identifier}`, which is not configured."),
                )
            })?
    };
    let cents = Cents::parse(amount).map_err(|error| {
        (
            "pix_not_built",
            format!("`valor_final` is not money: {error}."),
        )
    })?;
    StaticPix {
        key: receiver.key.clone(),
        merchant_name: receiver.merchant_name.clone(),
        merchant_city: receiver.merchant_city.clone(),
        amount_cents: Some(cents.get()),
        txid: Some(txid(invoice)),
        description: None,
    }
    .build()
    .map_err(|error| {
        (
            "pix_not_built",
            format!("The PIX code cannot be built: {error}."),
        )
    })
}

/// The txid of an invoice's static code: `FAT` and the invoice id's letters and digits (the
/// boleto id when the invoice has none), at most 25 characters.
fn txid(invoice: &Value) -> String {
    let id = [&invoice["fatura"], &invoice["remote_id"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|id| !id.trim().is_empty())
        .unwrap_or("0");
    let clean: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("FAT{clean}").chars().take(25).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_txid_is_alphanumeric_and_short_enough() {
        assert_eq!(txid(&json!({"fatura": "145-535"})), "FAT145535");
        assert_eq!(txid(&json!({"fatura": "", "remote_id": "9"})), "FAT9");
        assert_eq!(txid(&json!({"fatura": "x".repeat(40)})).len(), 25);
    }

    #[test]
    fn a_boleto_id_is_one_path_segment() {
        assert_eq!(pdf_path("12/3"), "/v1/invoices/12%2F3/pdf");
    }
}
