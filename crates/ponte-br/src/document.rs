//! CPF and CNPJ: the two documents that identify a customer in Brazil.
//!
//! A [`Document`] can only be built by [`Document::parse`], so holding one means its check digits
//! were verified. The canonical form is bare and upper case (`12345678909`, `12ABC34501DE35`);
//! input may carry any of the usual separators (`.`, `/`, `-`, spaces) and lower-case letters.
//!
//! The CNPJ follows IN RFB 2.229/2024: the first twelve characters may be digits or upper-case
//! letters, each worth its ASCII code minus 48, so numeric CNPJs keep the check digits they
//! always had. The two check digits are always numeric.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which document a [`Document`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// Cadastro de Pessoas Físicas: 11 digits.
    Cpf,
    /// Cadastro Nacional da Pessoa Jurídica: 14 characters, alphanumeric since IN RFB 2.229/2024.
    Cnpj,
}

impl DocumentKind {
    /// The name used on the wire: `"cpf"` or `"cnpj"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Cpf => "cpf",
            DocumentKind::Cnpj => "cnpj",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a valid CPF or CNPJ. The messages are meant to be shown to a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Nothing left after removing separators.
    #[error("the document is empty")]
    Empty,
    /// Neither 11 (CPF) nor 14 (CNPJ) characters once separators are removed.
    #[error(
        "wrong length: a CPF has 11 digits and a CNPJ 14 characters, but {found} were given \
         (not counting separators)"
    )]
    WrongLength {
        /// Characters counted after removing separators.
        found: usize,
    },
    /// A character that cannot appear at that place. `position` is 1-based, counted in the input
    /// as given (separators included), so a person can find it.
    #[error("invalid character {character:?} at position {position}{}", detail_suffix(.detail))]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// 1-based position in the input.
        position: usize,
        /// Why it is not allowed there, when that is not obvious.
        detail: Option<&'static str>,
    },
    /// All digits equal (`111.111.111-11`): such numbers pass the arithmetic but are never issued.
    #[error("a {kind} cannot have all characters repeated")]
    RepeatedDigits {
        /// Which document the length pointed to.
        kind: DocumentKind,
    },
    /// The check digits do not match the rest of the number.
    #[error("wrong check digits: this {kind} should end in {expected}, not {found}")]
    WrongCheckDigits {
        /// Which document the length pointed to.
        kind: DocumentKind,
        /// The check digits the base computes to.
        expected: String,
        /// The check digits that were given.
        found: String,
    },
}

fn detail_suffix(detail: &Option<&'static str>) -> String {
    detail.map(|d| format!(" ({d})")).unwrap_or_default()
}

/// A validated CPF or CNPJ, stored bare and upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Document {
    bare: String,
    kind: DocumentKind,
}

/// Separators people type or copy along with a document; they carry no meaning.
fn is_separator(c: char) -> bool {
    matches!(c, '.' | '/' | '-') || c.is_whitespace()
}

impl Document {
    /// Parses a CPF or CNPJ written with any formatting, and checks its digits.
    pub fn parse(input: &str) -> Result<Document, DocumentError> {
        // Keep each character with its position in the input, so errors can point at it.
        let mut chars: Vec<(char, usize)> = Vec::with_capacity(14);
        for (index, c) in input.chars().enumerate() {
            if is_separator(c) {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(DocumentError::InvalidCharacter {
                    character: c,
                    position: index + 1,
                    detail: None,
                });
            }
            chars.push((c.to_ascii_uppercase(), index + 1));
            if chars.len() > 14 {
                // Already too long; count the rest without storing it.
                let found = chars.len()
                    + input
                        .chars()
                        .skip(index + 1)
                        .filter(|c| !is_separator(*c))
                        .count();
                return Err(DocumentError::WrongLength { found });
            }
        }
        let kind = match chars.len() {
            0 => return Err(DocumentError::Empty),
            11 => DocumentKind::Cpf,
            14 => DocumentKind::Cnpj,
            found => return Err(DocumentError::WrongLength { found }),
        };
        let letters_allowed_until = match kind {
            DocumentKind::Cpf => 0,
            DocumentKind::Cnpj => 12,
        };
        for (i, &(c, position)) in chars.iter().enumerate() {
            if !c.is_ascii_digit() && i >= letters_allowed_until {
                let detail = match kind {
                    DocumentKind::Cpf => "a CPF has digits only",
                    DocumentKind::Cnpj => "the two check digits of a CNPJ are always numeric",
                };
                return Err(DocumentError::InvalidCharacter {
                    character: input.chars().nth(position - 1).unwrap_or(c),
                    position,
                    detail: Some(detail),
                });
            }
        }
        let bare: String = chars.iter().map(|&(c, _)| c).collect();
        let first = bare.as_bytes()[0];
        if bare.bytes().all(|b| b == first) {
            return Err(DocumentError::RepeatedDigits { kind });
        }
        let (base, given) = bare.split_at(bare.len() - 2);
        let expected = match kind {
            DocumentKind::Cpf => cpf_check_digits(base),
            DocumentKind::Cnpj => cnpj_check_digits(base),
        };
        // The base was checked above, so the helpers always return Some here.
        let expected = expected.unwrap_or_default();
        if expected != given {
            return Err(DocumentError::WrongCheckDigits {
                kind,
                expected,
                found: given.to_owned(),
            });
        }
        Ok(Document { bare, kind })
    }

    /// The bare upper-case form: `"12345678909"`, `"12ABC34501DE35"`.
    pub fn as_str(&self) -> &str {
        &self.bare
    }

    /// CPF or CNPJ.
    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// The usual printed form: `"123.456.789-09"`, `"12.ABC.345/01DE-35"`.
    pub fn formatted(&self) -> String {
        let s = &self.bare;
        match self.kind {
            DocumentKind::Cpf => format!("{}.{}.{}-{}", &s[0..3], &s[3..6], &s[6..9], &s[9..11]),
            DocumentKind::Cnpj => format!(
                "{}.{}.{}/{}-{}",
                &s[0..2],
                &s[2..5],
                &s[5..8],
                &s[8..12],
                &s[12..14]
            ),
        }
    }

    /// A form safe for logs, hiding the start and the check digits: `"***.456.789-**"` for a CPF,
    /// `"**.ABC.345/01DE-**"` for a CNPJ.
    pub fn masked(&self) -> String {
        let s = &self.bare;
        match self.kind {
            DocumentKind::Cpf => format!("***.{}.{}-**", &s[3..6], &s[6..9]),
            DocumentKind::Cnpj => format!("**.{}.{}/{}-**", &s[2..5], &s[5..8], &s[8..12]),
        }
    }
}

/// Value of one CNPJ character in the check-digit sums: ASCII code minus 48, so digits keep
/// their value and `A` is 17. `None` outside `[0-9A-Z]`.
fn char_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' | b'A'..=b'Z' => Some(u32::from(b - b'0')),
        _ => None,
    }
}

/// The mod-11 rule shared by CPF and CNPJ: remainders 0 and 1 give 0, the others `11 - r`.
fn mod11_digit(sum: u32) -> u32 {
    let r = sum % 11;
    if r < 2 { 0 } else { 11 - r }
}

fn weighted_digit(values: &[u32], weights: impl Iterator<Item = u32>) -> u32 {
    mod11_digit(values.iter().zip(weights).map(|(v, w)| v * w).sum())
}

/// The two check digits of a CPF from its first nine digits; `None` unless `base` is exactly
/// nine ASCII digits.
pub fn cpf_check_digits(base: &str) -> Option<String> {
    if base.len() != 9 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut values: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
    let dv1 = weighted_digit(&values, (2..=10).rev());
    values.push(dv1);
    let dv2 = weighted_digit(&values, (2..=11).rev());
    Some(format!("{dv1}{dv2}"))
}

/// The two check digits of a CNPJ from its first twelve characters (digits or upper-case
/// letters); `None` for anything else.
pub fn cnpj_check_digits(base: &str) -> Option<String> {
    if base.len() != 12 {
        return None;
    }
    let mut values = base.bytes().map(char_value).collect::<Option<Vec<u32>>>()?;
    const W1: [u32; 12] = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const W2: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let dv1 = weighted_digit(&values, W1.into_iter());
    values.push(dv1);
    let dv2 = weighted_digit(&values, W2.into_iter());
    Some(format!("{dv1}{dv2}"))
}

impl FromStr for Document {
    type Err = DocumentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Document::parse(s)
    }
}

/// Displays the bare form, the one stored and sent to other systems.
impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bare)
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.bare)
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Document::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_masks_a_cpf() {
        let d = Document::parse("123.456.789-09").unwrap();
        assert_eq!(d.as_str(), "12345678909");
        assert_eq!(d.kind(), DocumentKind::Cpf);
        assert_eq!(d.formatted(), "123.456.789-09");
        assert_eq!(d.masked(), "***.456.789-**");
        assert_eq!(d.to_string(), "12345678909");
    }

    #[test]
    fn formats_and_masks_an_alphanumeric_cnpj() {
        let d = Document::parse("12.abc.345/01de-35").unwrap();
        assert_eq!(d.as_str(), "12ABC34501DE35");
        assert_eq!(d.kind(), DocumentKind::Cnpj);
        assert_eq!(d.formatted(), "12.ABC.345/01DE-35");
        assert_eq!(d.masked(), "**.ABC.345/01DE-**");
    }

    #[test]
    fn serializes_bare_and_deserializes_through_parse() {
        let d: Document = serde_json::from_str("\"111.444.777-35\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"11144477735\"");
        assert!(serde_json::from_str::<Document>("\"111.444.777-36\"").is_err());
        assert_eq!(
            serde_json::to_string(&DocumentKind::Cnpj).unwrap(),
            "\"cnpj\""
        );
    }

    #[test]
    fn points_at_the_position_of_a_bad_character() {
        let err = Document::parse("123.456.7#9-09").unwrap_err();
        assert_eq!(
            err,
            DocumentError::InvalidCharacter {
                character: '#',
                position: 10,
                detail: None
            }
        );
        assert!(err.to_string().contains("position 10"));
        let err = Document::parse("123.456.78A-09").unwrap_err();
        assert!(matches!(
            err,
            DocumentError::InvalidCharacter {
                character: 'A',
                position: 11,
                ..
            }
        ));
    }

    #[test]
    fn explains_wrong_check_digits() {
        let err = Document::parse("123.456.789-00").unwrap_err();
        assert_eq!(
            err.to_string(),
            "wrong check digits: this cpf should end in 09, not 00"
        );
    }

    #[test]
    fn counts_every_character_of_an_overlong_input() {
        let err = Document::parse("24172316085000000").unwrap_err();
        assert_eq!(err, DocumentError::WrongLength { found: 17 });
    }
}
