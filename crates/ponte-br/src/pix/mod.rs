//! The PIX BR Code: the EMV "merchant-presented" payload behind every PIX QR code.
//!
//! A payload is a list of TLV fields (two-digit id, two-digit length, value); templates nest the
//! same grammar. [`StaticPix`] builds a static code for a fatura; [`BrCode::parse`] reads any
//! code, static or dynamic, keeping fields it does not know, and checks the CRC-16/CCITT-FALSE
//! in field 63.
//!
//! Lengths count characters. Generated payloads are printable ASCII only (accents are folded),
//! so characters and bytes coincide and the CRC, computed over UTF-8 bytes, is unambiguous.

mod build;
pub mod key;
mod parse;

pub use build::StaticPix;
pub use key::{KeyError, PixKeyKind, classify_key};
pub use parse::{BrCode, Field};

use crate::money::MoneyError;

/// The globally unique identifier of the PIX arrangement inside its merchant template.
pub const PIX_GUI: &str = "br.gov.bcb.pix";

/// Why a BR Code cannot be built or parsed. Messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PixError {
    /// Nothing to read.
    #[error("the payload is empty")]
    Empty,
    /// The key is not one DICT would hold.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A text field has a character with no ASCII equivalent.
    #[error("the {field} contains {character:?}, which a BR Code cannot carry")]
    UnsupportedCharacter {
        /// Which field.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// A mandatory text is empty.
    #[error("the {0} is empty")]
    EmptyField(&'static str),
    /// The txid of a static code breaks the `[A-Za-z0-9]{1,25}` rule.
    #[error("the txid {0:?} must be 1 to 25 letters or digits (no spaces, dashes or accents)")]
    InvalidTxid(String),
    /// A static code with an amount of zero: the amount should be left out instead.
    #[error("the amount must be greater than zero; leave it out to let the payer choose")]
    ZeroAmount,
    /// More than 13 characters in field 54.
    #[error("the amount is too large for a BR Code (at most 9999999999.99)")]
    AmountTooLarge,
    /// A field value over 99 characters (the length has two digits).
    #[error(
        "field {id} would be {len} characters long, but a field holds at most 99; shorten the key or the description"
    )]
    FieldTooLong {
        /// The field id.
        id: String,
        /// The length it would have.
        len: usize,
    },
    /// The payload ends in the middle of a field header or value.
    #[error("the payload is cut short: it ends inside field {id} at position {position}")]
    Truncated {
        /// The field being read (may be partial).
        id: String,
        /// 1-based character position where reading stopped.
        position: usize,
    },
    /// A field id or length is not two digits.
    #[error("expected a two-digit {what} at position {position}, found {found:?}")]
    NotDigits {
        /// "field id" or "field length".
        what: &'static str,
        /// 1-based character position.
        position: usize,
        /// The characters found.
        found: String,
    },
    /// A length that points beyond the end of the payload or template.
    #[error("field {id} says it has {declared} characters but only {available} remain")]
    LengthOverrun {
        /// The field id.
        id: String,
        /// Length written in the field.
        declared: usize,
        /// Characters actually left.
        available: usize,
    },
    /// A template whose content does not parse.
    #[error("in template {id}: {inner}")]
    InTemplate {
        /// The template id.
        id: String,
        /// What went wrong inside it.
        inner: Box<PixError>,
    },
    /// Field 63 missing or not last.
    #[error("the payload must end with the CRC field 63 (6304 and four hex digits)")]
    MissingCrc,
    /// The CRC written with lower-case hex digits.
    #[error(
        "the CRC {0:?} is written in lower case; a BR Code writes it as four upper-case hex digits"
    )]
    LowerCaseCrc(String),
    /// The CRC field is not four hex digits.
    #[error("the CRC {0:?} is not four hex digits")]
    MalformedCrc(String),
    /// The CRC does not match the payload: a character was changed or lost.
    #[error("the CRC does not match: the payload computes to {expected}, but it says {found}")]
    CrcMismatch {
        /// CRC computed over the payload.
        expected: String,
        /// CRC written in field 63.
        found: String,
    },
    /// A field that every BR Code carries is absent.
    #[error("field {id} ({name}) is missing")]
    MissingField {
        /// The field id.
        id: &'static str,
        /// What it holds.
        name: &'static str,
    },
    /// A field with a value the standard does not allow.
    #[error("field {id} ({name}) is invalid: {reason}")]
    InvalidField {
        /// The field id.
        id: String,
        /// What it holds.
        name: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// The amount in field 54 is not a decimal number.
    #[error("field 54 (amount): {0}")]
    Amount(#[from] MoneyError),
}

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection): the checksum of field 63.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Appends one TLV field. The caller guarantees `value` has at most 99 characters.
fn push_tlv(out: &mut String, id: &str, value: &str) {
    out.push_str(id);
    out.push_str(&format!("{:02}", value.chars().count()));
    out.push_str(value);
}

/// Folds Portuguese accents to plain ASCII (`SÃO` → `SAO`, `ç` → `c`) and refuses anything
/// that is not printable ASCII afterwards.
pub fn fold_ascii(text: &str, field: &'static str) -> Result<String, PixError> {
    text.chars()
        .map(|c| {
            let folded = match c {
                ' '..='~' => c,
                'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ª' => 'a',
                'Ç' => 'C',
                'ç' => 'c',
                'È' | 'É' | 'Ê' | 'Ë' => 'E',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'Ñ' => 'N',
                'ñ' => 'n',
                'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'º' => 'o',
                'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'Ý' => 'Y',
                'ý' | 'ÿ' => 'y',
                _ => {
                    return Err(PixError::UnsupportedCharacter {
                        field,
                        character: c,
                    });
                }
            };
            Ok(folded)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_the_catalogue_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn folds_accents_and_refuses_other_characters() {
        assert_eq!(
            fold_ascii("SÃO MIGUÉL DO O", "city").unwrap(),
            "SAO MIGUEL DO O"
        );
        assert_eq!(fold_ascii("Bárbara Pelé", "name").unwrap(), "Barbara Pele");
        assert!(matches!(
            fold_ascii("東京", "city"),
            Err(PixError::UnsupportedCharacter { .. })
        ));
        assert!(fold_ascii("a\nb", "name").is_err());
    }
}
