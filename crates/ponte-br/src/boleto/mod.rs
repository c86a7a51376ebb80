//! Boletos: the bank kind (cobrança: 44-digit barcode, 47-digit linha digitável) and the
//! utilities kind (arrecadação, first digit 8: 44-digit barcode, 48-digit linha).
//!
//! [`Barcode`] and [`Linha`] are parsed newtypes: holding one means every check digit was
//! verified. A [`Boleto`] holds both forms and reads bank, value and due date from them.
//! Input may carry dots, spaces and dashes; the canonical forms are bare digits.

pub mod check;
pub mod factor;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Cents;
use check::{mod10, mod11_arrecadacao, mod11_cobranca};
pub use factor::{FactorError, date_for, factor_for};

/// The two families of boleto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BoletoKind {
    /// Bank collection slip ("ficha de compensação").
    Cobranca,
    /// Utilities, taxes and agreements ("arrecadação/convênio"), first digit 8.
    Arrecadacao,
}

/// Why a code is not a valid boleto, or why one cannot be built. Messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoletoError {
    /// Nothing left after removing separators.
    #[error("the code is empty")]
    Empty,
    /// Only digits and the separators `.`, `-` and spaces may appear.
    #[error("invalid character {character:?} at position {position}: a boleto has digits only")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// 1-based position in the input as given.
        position: usize,
    },
    /// Not 44, 47 or 48 digits.
    #[error(
        "wrong length: {found} digits; a barcode has 44, a linha digitável 47 (bank boleto) or \
         48 (utility bill)"
    )]
    WrongLength {
        /// Digits counted after removing separators.
        found: usize,
    },
    /// A 47-digit linha is always a bank boleto, and those never start with 8.
    #[error("a 47-digit linha digitável cannot start with 8; utility bills have 48 digits")]
    CobrancaStartsWithEight,
    /// A 48-digit linha is always a utility bill, and those start with 8.
    #[error("a 48-digit linha digitável must start with 8 (utility bill)")]
    ArrecadacaoWithoutEight,
    /// Third digit of a utility bill outside 6..=9, so no check-digit rule applies.
    #[error("unknown value identifier {found:?} at position 3: utility bills use 6, 7, 8 or 9")]
    UnknownValueIdentifier {
        /// The digit found.
        found: char,
    },
    /// A check digit of one linha field does not match.
    #[error(
        "wrong check digit in field {field} of the linha digitável: expected {expected}, found {found}"
    )]
    WrongFieldCheckDigit {
        /// 1-based field number.
        field: u8,
        /// Digit computed from the field.
        expected: u8,
        /// Digit printed.
        found: u8,
    },
    /// The general check digit (DAC) does not match the rest of the code.
    #[error("wrong general check digit: expected {expected}, found {found}")]
    WrongGeneralCheckDigit {
        /// Digit computed.
        expected: u8,
        /// Digit printed.
        found: u8,
    },
    /// The due-date factor could not be turned into a date.
    #[error(transparent)]
    Factor(#[from] FactorError),
    /// Building: the bank code is not three digits.
    #[error("the bank code must be 3 digits not starting with 8, got {0:?}")]
    InvalidBankCode(String),
    /// Building: the free field is not 25 digits.
    #[error("the free field (campo livre) must be 25 digits, got {0:?}")]
    InvalidFreeField(String),
    /// Building: more than the 10 digits of cents the barcode holds.
    #[error(
        "the amount of {0} cents does not fit the barcode (at most 99999999.99 for a bank boleto)"
    )]
    AmountTooLarge(u64),
    /// Building: a utility-bill field is outside its range.
    #[error("invalid utility-bill field: {0}")]
    InvalidArrecadacaoField(&'static str),
}

/// Removes the separators people print between groups and refuses anything else.
fn clean(input: &str) -> Result<String, BoletoError> {
    let mut out = String::with_capacity(48);
    for (i, c) in input.chars().enumerate() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !(matches!(c, '.' | '-') || c.is_whitespace()) {
            return Err(BoletoError::InvalidCharacter {
                character: c,
                position: i + 1,
            });
        }
    }
    if out.is_empty() {
        Err(BoletoError::Empty)
    } else {
        Ok(out)
    }
}

fn digit_at(s: &str, i: usize) -> u8 {
    s.as_bytes()[i] - b'0'
}

/// The check-digit rule of a utility bill, chosen by its value identifier (third digit).
fn arrecadacao_rule(b: &str) -> Result<fn(&str) -> Option<u8>, BoletoError> {
    match b.as_bytes()[2] {
        b'6' | b'7' => Ok(mod10),
        b'8' | b'9' => Ok(mod11_arrecadacao),
        other => Err(BoletoError::UnknownValueIdentifier {
            found: char::from(other),
        }),
    }
}

/// Computes the general check digit of a 44-digit barcode (whatever sits in its DV position).
fn general_dv(b: &str) -> Result<(u8, usize), BoletoError> {
    if b.starts_with('8') {
        let rule = arrecadacao_rule(b)?;
        let body = format!("{}{}", &b[0..3], &b[4..44]);
        Ok((rule(&body).unwrap_or(0), 3))
    } else {
        let body = format!("{}{}", &b[0..4], &b[5..44]);
        Ok((mod11_cobranca(&body).unwrap_or(0), 4))
    }
}

/// A 44-digit boleto barcode whose general check digit holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Barcode(String);

impl Barcode {
    /// Parses a barcode (44 digits, separators ignored) and checks its general digit.
    pub fn parse(input: &str) -> Result<Barcode, BoletoError> {
        let digits = clean(input)?;
        if digits.len() != 44 {
            return Err(BoletoError::WrongLength {
                found: digits.len(),
            });
        }
        Barcode::from_digits(digits)
    }

    /// `digits` must be 44 ASCII digits.
    fn from_digits(digits: String) -> Result<Barcode, BoletoError> {
        let (expected, at) = general_dv(&digits)?;
        let found = digit_at(&digits, at);
        if expected != found {
            return Err(BoletoError::WrongGeneralCheckDigit { expected, found });
        }
        Ok(Barcode(digits))
    }

    /// The 44 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Bank boleto or utility bill, from the first digit.
    pub fn kind(&self) -> BoletoKind {
        if self.0.starts_with('8') {
            BoletoKind::Arrecadacao
        } else {
            BoletoKind::Cobranca
        }
    }

    /// The linha digitável of this barcode, with its field check digits.
    pub fn to_linha(&self) -> Linha {
        let b = self.0.as_str();
        let with_dv = |s: &str, rule: fn(&str) -> Option<u8>| {
            // `s` is a slice of the validated digits, so the rule always yields a digit.
            format!("{s}{}", rule(s).unwrap_or(0))
        };
        let linha = match self.kind() {
            BoletoKind::Cobranca => {
                let field1 = format!("{}{}", &b[0..4], &b[19..24]);
                format!(
                    "{}{}{}{}{}",
                    with_dv(&field1, mod10),
                    with_dv(&b[24..34], mod10),
                    with_dv(&b[34..44], mod10),
                    &b[4..5],
                    &b[5..19]
                )
            }
            BoletoKind::Arrecadacao => {
                // The value identifier was checked when the barcode was parsed.
                let rule = arrecadacao_rule(b).unwrap_or(mod10);
                (0..4)
                    .map(|i| with_dv(&b[i * 11..i * 11 + 11], rule))
                    .collect()
            }
        };
        Linha(linha)
    }
}

/// A linha digitável (47 digits for a bank boleto, 48 for a utility bill) whose field check
/// digits and general check digit all hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Linha(String);

impl Linha {
    /// Parses a linha digitável, separators ignored, and checks every digit.
    pub fn parse(input: &str) -> Result<Linha, BoletoError> {
        let l = clean(input)?;
        let barcode = match l.len() {
            47 if l.starts_with('8') => return Err(BoletoError::CobrancaStartsWithEight),
            48 if !l.starts_with('8') => return Err(BoletoError::ArrecadacaoWithoutEight),
            47 => {
                let fields = [(&l[0..9], 9), (&l[10..20], 20), (&l[21..31], 31)];
                check_fields(&l, &fields, mod10)?;
                format!(
                    "{}{}{}{}{}{}",
                    &l[0..4],
                    &l[32..33],
                    &l[33..47],
                    &l[4..9],
                    &l[10..20],
                    &l[21..31]
                )
            }
            48 => {
                let rule = arrecadacao_rule(&l)?;
                let fields = [
                    (&l[0..11], 11),
                    (&l[12..23], 23),
                    (&l[24..35], 35),
                    (&l[36..47], 47),
                ];
                check_fields(&l, &fields, rule)?;
                format!("{}{}{}{}", &l[0..11], &l[12..23], &l[24..35], &l[36..47])
            }
            found => return Err(BoletoError::WrongLength { found }),
        };
        Barcode::from_digits(barcode)?;
        Ok(Linha(l))
    }

    /// The bare digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Bank boleto (47 digits) or utility bill (48).
    pub fn kind(&self) -> BoletoKind {
        if self.0.len() == 48 {
            BoletoKind::Arrecadacao
        } else {
            BoletoKind::Cobranca
        }
    }

    /// The barcode this linha encodes.
    pub fn to_barcode(&self) -> Barcode {
        let l = self.0.as_str();
        Barcode(match self.kind() {
            BoletoKind::Cobranca => {
                format!(
                    "{}{}{}{}{}{}",
                    &l[0..4],
                    &l[32..33],
                    &l[33..47],
                    &l[4..9],
                    &l[10..20],
                    &l[21..31]
                )
            }
            BoletoKind::Arrecadacao => {
                format!("{}{}{}{}", &l[0..11], &l[12..23], &l[24..35], &l[36..47])
            }
        })
    }

    /// The printed form: `00190.50095 40144.816069 06809.350314 3 37370000000100` for a bank
    /// boleto, `83860000005-0 09600019000-9 00080178230-9 00034306271-2` for a utility bill.
    pub fn formatted(&self) -> String {
        let l = self.0.as_str();
        match self.kind() {
            BoletoKind::Cobranca => format!(
                "{}.{} {}.{} {}.{} {} {}",
                &l[0..5],
                &l[5..10],
                &l[10..15],
                &l[15..21],
                &l[21..26],
                &l[26..32],
                &l[32..33],
                &l[33..47]
            ),
            BoletoKind::Arrecadacao => format!(
                "{}-{} {}-{} {}-{} {}-{}",
                &l[0..11],
                &l[11..12],
                &l[12..23],
                &l[23..24],
                &l[24..35],
                &l[35..36],
                &l[36..47],
                &l[47..48]
            ),
        }
    }
}

/// Checks each `(field, dv position)` of a linha against `rule`.
fn check_fields(
    l: &str,
    fields: &[(&str, usize)],
    rule: fn(&str) -> Option<u8>,
) -> Result<(), BoletoError> {
    for (n, &(field, at)) in (1u8..).zip(fields) {
        let expected = rule(field).unwrap_or(0);
        let found = digit_at(l, at);
        if expected != found {
            return Err(BoletoError::WrongFieldCheckDigit {
                field: n,
                expected,
                found,
            });
        }
    }
    Ok(())
}

impl fmt::Display for Barcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Linha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Barcode {
    type Err = BoletoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Barcode::parse(s)
    }
}

impl FromStr for Linha {
    type Err = BoletoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Linha::parse(s)
    }
}

/// A valid boleto, holding both its barcode and its linha digitável.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Boleto {
    barcode: Barcode,
    linha: Linha,
}

impl Boleto {
    /// Parses a barcode (44 digits) or a linha digitável (47 or 48), with any separators.
    pub fn parse(input: &str) -> Result<Boleto, BoletoError> {
        let digits = clean(input)?;
        if digits.len() == 44 {
            Ok(Boleto::from(Barcode::from_digits(digits)?))
        } else {
            Ok(Boleto::from(Linha::parse(&digits)?))
        }
    }

    /// Bank boleto or utility bill.
    pub fn kind(&self) -> BoletoKind {
        self.barcode.kind()
    }

    /// The 44 barcode digits.
    pub fn barcode(&self) -> &str {
        self.barcode.as_str()
    }

    /// The linha digitável digits (47 or 48).
    pub fn linha_digitavel(&self) -> &str {
        self.linha.as_str()
    }

    /// The typed barcode.
    pub fn barcode_typed(&self) -> &Barcode {
        &self.barcode
    }

    /// The typed linha digitável.
    pub fn linha_typed(&self) -> &Linha {
        &self.linha
    }

    /// The bank (COMPE) code of a bank boleto; `None` for utility bills.
    pub fn bank_code(&self) -> Option<&str> {
        (self.kind() == BoletoKind::Cobranca).then(|| &self.barcode()[0..3])
    }

    /// The currency digit of a bank boleto (`9` = real).
    pub fn currency_code(&self) -> Option<char> {
        (self.kind() == BoletoKind::Cobranca).then(|| char::from(self.barcode().as_bytes()[3]))
    }

    /// The due-date factor of a bank boleto (0 means none); `None` for utility bills.
    pub fn factor(&self) -> Option<u16> {
        // Four ASCII digits always parse into a u16.
        (self.kind() == BoletoKind::Cobranca).then(|| self.barcode()[5..9].parse().unwrap_or(0))
    }

    /// The segment of a utility bill (second digit), `None` for bank boletos.
    pub fn segment(&self) -> Option<u8> {
        (self.kind() == BoletoKind::Arrecadacao).then(|| digit_at(self.barcode(), 1))
    }

    /// The amount to pay. `None` when the code carries none: a zero value field, or a utility
    /// bill whose value identifier (7 or 9) says the field holds a reference quantity.
    pub fn amount(&self) -> Option<Cents> {
        let b = self.barcode();
        let field = match self.kind() {
            BoletoKind::Cobranca => &b[9..19],
            BoletoKind::Arrecadacao if matches!(&b[2..3], "6" | "8") => &b[4..15],
            BoletoKind::Arrecadacao => return None,
        };
        // At most 11 ASCII digits, which always fit a u64.
        let cents: u64 = field.parse().unwrap_or(0);
        (cents > 0).then_some(Cents(cents))
    }

    /// The due date seen from `today`.
    ///
    /// Bank boletos: from the factor, within the payment window (`Ok(None)` for factor 0000).
    /// Utility bills carry a due date only by convention, as `AAAAMMDD` at the start of the
    /// company's free field (position 20, or 24 for segment 6 where a CNPJ root comes first);
    /// it is reported when those eight digits form a date between 2000 and 2099, else `None`.
    pub fn due_date(&self, today: Date) -> Result<Option<Date>, BoletoError> {
        let b = self.barcode();
        match self.kind() {
            BoletoKind::Cobranca => Ok(date_for(self.factor().unwrap_or(0), today)?),
            BoletoKind::Arrecadacao => {
                let at = if self.segment() == Some(6) { 23 } else { 19 };
                Ok(yyyymmdd(&b[at..at + 8]))
            }
        }
    }
}

fn yyyymmdd(s: &str) -> Option<Date> {
    let year: i32 = s[0..4].parse().ok()?;
    let month: u8 = s[4..6].parse().ok()?;
    let day: u8 = s[6..8].parse().ok()?;
    if !(2000..=2099).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

impl From<Barcode> for Boleto {
    fn from(barcode: Barcode) -> Self {
        Boleto {
            linha: barcode.to_linha(),
            barcode,
        }
    }
}

impl From<Linha> for Boleto {
    fn from(linha: Linha) -> Self {
        Boleto {
            barcode: linha.to_barcode(),
            linha,
        }
    }
}

impl FromStr for Boleto {
    type Err = BoletoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Boleto::parse(s)
    }
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// Builds a bank boleto (currency 9, real) from its parts, computing the general check digit.
pub fn build_cobranca(
    bank_code: &str,
    amount_cents: u64,
    due_date: Date,
    free_field: &str,
) -> Result<Boleto, BoletoError> {
    // A leading 8 would make the code read as a utility bill.
    if !all_digits(bank_code, 3) || bank_code.starts_with('8') {
        return Err(BoletoError::InvalidBankCode(bank_code.to_owned()));
    }
    if !all_digits(free_field, 25) {
        return Err(BoletoError::InvalidFreeField(free_field.to_owned()));
    }
    if amount_cents > 9_999_999_999 {
        return Err(BoletoError::AmountTooLarge(amount_cents));
    }
    let factor = factor_for(due_date)?;
    let body = format!("{bank_code}9{factor:04}{amount_cents:010}{free_field}");
    let dv = mod11_cobranca(&body).unwrap_or(0);
    let digits = format!("{}{dv}{}", &body[0..4], &body[4..]);
    Ok(Boleto::from(Barcode::from_digits(digits)?))
}

/// Builds a utility bill from its parts, computing the general check digit with the rule the
/// value identifier selects (6/7 modulo 10, 8/9 modulo 11).
pub fn build_arrecadacao(
    segment: u8,
    value_identifier: u8,
    value: u64,
    company: &str,
    free_field: &str,
) -> Result<Boleto, BoletoError> {
    if !(1..=9).contains(&segment) {
        return Err(BoletoError::InvalidArrecadacaoField(
            "the segment must be 1 to 9",
        ));
    }
    if !(6..=9).contains(&value_identifier) {
        return Err(BoletoError::InvalidArrecadacaoField(
            "the value identifier must be 6 to 9",
        ));
    }
    if value > 99_999_999_999 {
        return Err(BoletoError::AmountTooLarge(value));
    }
    if !all_digits(company, 4) {
        return Err(BoletoError::InvalidArrecadacaoField(
            "the company code must be 4 digits",
        ));
    }
    if !all_digits(free_field, 25) {
        return Err(BoletoError::InvalidFreeField(free_field.to_owned()));
    }
    let body = format!("8{segment}{value_identifier}{value:011}{company}{free_field}");
    let rule = arrecadacao_rule(&body)?;
    let dv = rule(&body).unwrap_or(0);
    let digits = format!("{}{dv}{}", &body[0..3], &body[3..]);
    Ok(Boleto::from(Barcode::from_digits(digits)?))
}

#[cfg(test)]
mod tests;
