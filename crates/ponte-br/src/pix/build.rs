//! Building a static BR Code for a fatura: the fields of §4.7 of the BR Code recipe, in
//! ascending id order, with field 63 last.

use serde::{Deserialize, Serialize};

use super::{PIX_GUI, PixError, classify_key, crc16, fold_ascii, push_tlv};
use crate::money::Cents;

/// Longest merchant name (field 59) and city (field 60) a BR Code carries.
pub const MAX_NAME: usize = 25;
/// See [`MAX_NAME`].
pub const MAX_CITY: usize = 15;
/// Largest amount in cents whose decimal form fits the 13 characters of field 54.
pub const MAX_AMOUNT_CENTS: u64 = 999_999_999_999;

/// The inputs of a static PIX code.
///
/// Name and city have their accents folded to ASCII and are cut to 25 and 15 characters (the
/// case is kept as given). The key is checked against the DICT formats; a formatted CPF/CNPJ
/// is reduced to its bare form. Without a txid the code carries `***`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StaticPix {
    /// The receiver's PIX key.
    pub key: String,
    /// Field 59.
    pub merchant_name: String,
    /// Field 60.
    pub merchant_city: String,
    /// Field 54, omitted when `None` (the payer types the amount).
    pub amount_cents: Option<u64>,
    /// Field 62-05: `[A-Za-z0-9]{1,25}`.
    pub txid: Option<String>,
    /// Field 26-02, shown to the payer.
    pub description: Option<String>,
}

/// Folds, trims and cuts a text field to `max` characters.
fn text_field(value: &str, field: &'static str, max: usize) -> Result<String, PixError> {
    let folded = fold_ascii(value.trim(), field)?;
    let cut: String = folded.chars().take(max).collect();
    let cut = cut.trim_end().to_owned();
    if cut.is_empty() {
        return Err(PixError::EmptyField(field));
    }
    Ok(cut)
}

/// Checks the txid rule of static codes.
pub(crate) fn check_txid(txid: &str) -> Result<(), PixError> {
    let ok = (1..=25).contains(&txid.len()) && txid.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(PixError::InvalidTxid(txid.to_owned()))
    }
}

impl StaticPix {
    /// Builds the payload, ending in `6304` and the upper-case CRC.
    pub fn build(&self) -> Result<String, PixError> {
        let (_, key) = classify_key(&self.key)?;
        let name = text_field(&self.merchant_name, "merchant name", MAX_NAME)?;
        let city = text_field(&self.merchant_city, "merchant city", MAX_CITY)?;
        let description = match &self.description {
            Some(d) if !d.trim().is_empty() => Some(fold_ascii(d.trim(), "description")?),
            _ => None,
        };
        let txid = match &self.txid {
            Some(t) => {
                check_txid(t)?;
                t.as_str()
            }
            None => "***",
        };
        let amount = match self.amount_cents {
            Some(0) => return Err(PixError::ZeroAmount),
            Some(c) if c > MAX_AMOUNT_CENTS => return Err(PixError::AmountTooLarge),
            Some(c) => Some(Cents(c).to_string()),
            None => None,
        };

        let mut account = String::new();
        push_tlv(&mut account, "00", PIX_GUI);
        push_tlv(&mut account, "01", &key);
        if let Some(d) = &description {
            push_tlv(&mut account, "02", d);
        }
        if account.len() > 99 {
            return Err(PixError::FieldTooLong {
                id: "26".into(),
                len: account.len(),
            });
        }
        let mut additional = String::new();
        push_tlv(&mut additional, "05", txid);

        let mut p = String::with_capacity(160);
        push_tlv(&mut p, "00", "01");
        push_tlv(&mut p, "26", &account);
        push_tlv(&mut p, "52", "0000");
        push_tlv(&mut p, "53", "986");
        if let Some(a) = &amount {
            push_tlv(&mut p, "54", a);
        }
        push_tlv(&mut p, "58", "BR");
        push_tlv(&mut p, "59", &name);
        push_tlv(&mut p, "60", &city);
        push_tlv(&mut p, "62", &additional);
        p.push_str("6304");
        let crc = crc16(p.as_bytes());
        p.push_str(&format!("{crc:04X}"));
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StaticPix {
        StaticPix {
            key: "12345678909".into(),
            merchant_name: "PROVEDOR EXEMPLO LTDA".into(),
            merchant_city: "SAO PAULO".into(),
            amount_cents: Some(9990),
            txid: Some("FATURA202601001".into()),
            description: None,
        }
    }

    #[test]
    fn cuts_long_names_and_cities() {
        let pix = StaticPix {
            merchant_name: "PROVEDOR EXEMPLO DE TELECOMUNICACOES LTDA".into(),
            merchant_city: "SÃO JOSÉ DOS CAMPOS DO SUL".into(),
            ..sample()
        };
        let payload = pix.build().unwrap();
        assert!(payload.contains("5925PROVEDOR EXEMPLO DE TELEC"));
        assert!(payload.contains("6015SAO JOSE DOS CA6"));
    }

    #[test]
    fn refuses_a_txid_with_a_dash_and_a_zero_amount() {
        let pix = StaticPix {
            txid: Some("FAT-1".into()),
            ..sample()
        };
        assert!(matches!(pix.build(), Err(PixError::InvalidTxid(_))));
        let pix = StaticPix {
            amount_cents: Some(0),
            ..sample()
        };
        assert_eq!(pix.build(), Err(PixError::ZeroAmount));
    }

    #[test]
    fn refuses_a_description_that_overflows_the_account_template() {
        let pix = StaticPix {
            key: "123e4567-e89b-12d3-a456-426655440000".into(),
            description: Some("x".repeat(38)),
            ..sample()
        };
        assert!(matches!(pix.build(), Err(PixError::FieldTooLong { .. })));
        let pix = StaticPix {
            description: Some("x".repeat(37)),
            ..pix
        };
        assert!(pix.build().is_ok());
    }
}
