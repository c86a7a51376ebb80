//! The JSON answers of the command-line and HTTP tools, built in one place so both print the
//! same bytes.
//!
//! Shape rule, the same for every report: every data field is always present; it is `null`
//! when the input is invalid or when the field does not apply (a utility bill has no bank code,
//! a static PIX code no URL). `reason` is the only field that may be absent: it appears exactly
//! when `valid` is `false`. Amounts are decimal strings (`"123.45"`), dates `YYYY-MM-DD`, codes
//! bare digits.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::boleto::{Boleto, BoletoKind};
use crate::document::{Document, DocumentKind};
use crate::money::Cents;
use crate::pix::{BrCode, PixError, StaticPix};

/// Answer of `ponte document`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReport {
    /// Whether the input is a valid CPF or CNPJ.
    pub valid: bool,
    /// `"cpf"` or `"cnpj"`.
    pub kind: Option<DocumentKind>,
    /// The bare upper-case form.
    pub digits: Option<String>,
    /// The printed form.
    pub formatted: Option<String>,
    /// Why the input is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Checks a CPF or CNPJ.
pub fn document_report(input: &str) -> DocumentReport {
    match Document::parse(input) {
        Ok(d) => DocumentReport {
            valid: true,
            kind: Some(d.kind()),
            digits: Some(d.as_str().to_owned()),
            formatted: Some(d.formatted()),
            reason: None,
        },
        Err(e) => DocumentReport {
            valid: false,
            kind: None,
            digits: None,
            formatted: None,
            reason: Some(e.to_string()),
        },
    }
}

/// Answer of `ponte boleto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoletoReport {
    /// Whether every check digit holds and the due date is payable around `today`.
    pub valid: bool,
    /// `"cobranca"` or `"arrecadacao"`.
    pub kind: Option<BoletoKind>,
    /// The 44 barcode digits.
    pub barcode: Option<String>,
    /// The 47 or 48 linha digits.
    pub linha_digitavel: Option<String>,
    /// `"123.45"`; `null` when the code carries no value.
    pub amount: Option<Cents>,
    /// `YYYY-MM-DD`; `null` when the code carries no due date.
    pub due_date: Option<String>,
    /// COMPE code of the bank (cobrança only).
    pub bank_code: Option<String>,
    /// Why the input is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Checks a barcode or linha digitável. `today` resolves the due-date factor; a factor outside
/// the payment window around `today` makes the boleto invalid.
pub fn boleto_report(input: &str, today: Date) -> BoletoReport {
    let invalid = |reason: String| BoletoReport {
        valid: false,
        kind: None,
        barcode: None,
        linha_digitavel: None,
        amount: None,
        due_date: None,
        bank_code: None,
        reason: Some(reason),
    };
    let boleto = match Boleto::parse(input) {
        Ok(b) => b,
        Err(e) => return invalid(e.to_string()),
    };
    let due_date = match boleto.due_date(today) {
        Ok(d) => d,
        Err(e) => return invalid(e.to_string()),
    };
    BoletoReport {
        valid: true,
        kind: Some(boleto.kind()),
        barcode: Some(boleto.barcode().to_owned()),
        linha_digitavel: Some(boleto.linha_digitavel().to_owned()),
        amount: boleto.amount(),
        due_date: due_date.map(iso_date),
        bank_code: boleto.bank_code().map(str::to_owned),
        reason: None,
    }
}

/// Answer of `ponte pix parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixReport {
    /// Whether the payload parses and its CRC matches.
    pub valid: bool,
    /// The four hex digits of field 63.
    pub crc: Option<String>,
    /// The PIX key (static codes).
    pub key: Option<String>,
    /// The location URL (dynamic codes).
    pub url: Option<String>,
    /// `"123.45"`; `null` when the payer chooses.
    pub amount: Option<Cents>,
    /// Field 59.
    pub merchant_name: Option<String>,
    /// Field 60.
    pub merchant_city: Option<String>,
    /// Field 62-05; `null` when absent or `***`.
    pub txid: Option<String>,
    /// Field 26-02.
    pub description: Option<String>,
    /// Why the input is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Parses and checks a BR Code.
pub fn pix_parse_report(input: &str) -> PixReport {
    match BrCode::parse(input) {
        Ok(c) => PixReport {
            valid: true,
            crc: Some(c.crc().to_owned()),
            key: c.key().map(str::to_owned),
            url: c.url().map(str::to_owned),
            amount: c.amount(),
            merchant_name: Some(c.merchant_name().to_owned()),
            merchant_city: Some(c.merchant_city().to_owned()),
            txid: c.txid().map(str::to_owned),
            description: c.description().map(str::to_owned),
            reason: None,
        },
        Err(e) => PixReport {
            valid: false,
            crc: None,
            key: None,
            url: None,
            amount: None,
            merchant_name: None,
            merchant_city: None,
            txid: None,
            description: None,
            reason: Some(e.to_string()),
        },
    }
}

/// Input of `ponte pix build`, as the tools receive it: the amount is a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PixBuildRequest {
    /// The receiver's key.
    pub key: String,
    /// Merchant name (folded to ASCII, at most 25 characters kept).
    pub name: String,
    /// Merchant city (folded to ASCII, at most 15 characters kept).
    pub city: String,
    /// `"123.45"`.
    #[serde(default)]
    pub amount: Option<String>,
    /// `[A-Za-z0-9]{1,25}`.
    #[serde(default)]
    pub txid: Option<String>,
    /// Shown to the payer.
    #[serde(default)]
    pub description: Option<String>,
}

/// Answer of `ponte pix build`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixBuilt {
    /// The BR Code, CRC included.
    pub payload: String,
}

/// Builds a static BR Code from the tool input.
pub fn pix_build(request: &PixBuildRequest) -> Result<PixBuilt, PixError> {
    let amount_cents = request
        .amount
        .as_deref()
        .map(Cents::parse)
        .transpose()?
        .map(Cents::get);
    let payload = StaticPix {
        key: request.key.clone(),
        merchant_name: request.name.clone(),
        merchant_city: request.city.clone(),
        amount_cents,
        txid: request.txid.clone(),
        description: request.description.clone(),
    }
    .build()?;
    Ok(PixBuilt { payload })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn document_report_of_a_valid_cnpj_has_no_reason() {
        let r = serde_json::to_value(document_report("12.ABC.345/01DE-35")).unwrap();
        assert_eq!(
            r,
            json!({"valid": true, "kind": "cnpj", "digits": "12ABC34501DE35", "formatted": "12.ABC.345/01DE-35"})
        );
    }

    #[test]
    fn document_report_of_an_invalid_cpf_has_nulls_and_a_reason() {
        let r = serde_json::to_value(document_report("123.456.789-00")).unwrap();
        assert_eq!(
            r,
            json!({"valid": false, "kind": null, "digits": null, "formatted": null,
                   "reason": "wrong check digits: this cpf should end in 09, not 00"})
        );
    }

    #[test]
    fn boleto_report_of_b2() {
        let r = boleto_report(
            "00190.00009 07777.777009 00087.654182 6 49000000295295",
            date!(2011 - 03 - 01),
        );
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            json!({"valid": true, "kind": "cobranca",
                   "barcode": "00196490000002952950000007777777000008765418",
                   "linha_digitavel": "00190000090777777700900087654182649000000295295",
                   "amount": "2952.95", "due_date": "2011-03-08", "bank_code": "001"})
        );
    }

    #[test]
    fn boleto_report_of_a_utility_bill_has_no_bank_code() {
        let r = boleto_report(
            "83860000005096000190000008017823000034306271",
            date!(2025 - 06 - 01),
        );
        assert!(r.valid);
        assert_eq!(r.kind, Some(BoletoKind::Arrecadacao));
        assert_eq!(r.bank_code, None);
        assert_eq!(r.amount, Some(Cents(50960)));
    }

    #[test]
    fn boleto_report_refuses_a_factor_outside_the_payment_window() {
        let b = crate::build_cobranca("001", 100, date!(2005 - 12 - 23), &"0".repeat(25)).unwrap();
        let r = boleto_report(b.barcode(), date!(2014 - 03 - 13));
        assert!(!r.valid);
        assert!(r.reason.unwrap().contains("factor 2999"));
        assert!(boleto_report(b.barcode(), date!(2014 - 03 - 12)).valid);
    }

    #[test]
    fn pix_report_of_p6_has_a_url_and_no_key() {
        let r = pix_parse_report(
            "00020126740014br.gov.bcb.pix2552payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e875204000053039865802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***630442C5",
        );
        let v = serde_json::to_value(r).unwrap();
        assert_eq!(v["valid"], json!(true));
        assert_eq!(v["key"], json!(null));
        assert_eq!(
            v["url"],
            json!("payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e87")
        );
        assert_eq!(v["txid"], json!(null));
        assert!(v.get("reason").is_none());
    }

    #[test]
    fn pix_build_refuses_an_amount_with_a_comma() {
        let req = PixBuildRequest {
            key: "12345678909".into(),
            name: "PROVEDOR".into(),
            city: "SAO PAULO".into(),
            amount: Some("99,90".into()),
            ..PixBuildRequest::default()
        };
        let err = pix_build(&req).unwrap_err();
        assert!(err.to_string().contains("comma"));
        let ok = pix_build(&PixBuildRequest {
            amount: Some("99.90".into()),
            ..req
        })
        .unwrap();
        assert!(ok.payload.contains("540599.90"));
    }
}
