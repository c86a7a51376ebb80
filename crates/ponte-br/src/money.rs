//! Money as integer centavos. Amounts never pass through floating point: a boleto carries cents
//! in its digits and a BR Code carries a decimal string, and both convert exactly.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of reais in integer cents. Displays as `"123.45"` (point, no thousands separator),
/// the form both the BR Code and the JSON tools use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Cents(pub u64);

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing to read.
    #[error("the amount is empty")]
    Empty,
    /// `10,50`: the wire formats use a point.
    #[error("the amount {0:?} uses a comma; write the decimal separator as a point, e.g. 10.50")]
    Comma(String),
    /// More than two decimal places cannot be cents.
    #[error("the amount {0:?} has more than two decimal places")]
    TooManyDecimals(String),
    /// Anything else that is not `digits[.digits]`.
    #[error("the amount {0:?} is not a number like 123.45")]
    NotANumber(String),
    /// Beyond what a u64 of cents holds.
    #[error("the amount {0:?} is too large")]
    TooLarge(String),
}

impl Cents {
    /// The amount in cents.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Parses `123`, `123.4` or `123.45`. Signs, exponents, commas and spaces are refused.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        if input.is_empty() {
            return Err(MoneyError::Empty);
        }
        if input.contains(',') {
            return Err(MoneyError::Comma(input.to_owned()));
        }
        let (whole, frac) = match input.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (input, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || frac.is_some_and(|f| !all_digits(f)) {
            return Err(MoneyError::NotANumber(input.to_owned()));
        }
        let frac = frac.unwrap_or("");
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals(input.to_owned()));
        }
        let too_large = || MoneyError::TooLarge(input.to_owned());
        let whole: u64 = whole.parse().map_err(|_| too_large())?;
        let mut cents: u64 = frac.parse().unwrap_or(0);
        if frac.len() == 1 {
            cents *= 10;
        }
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(cents))
            .map(Cents)
            .ok_or_else(too_large)
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for Cents {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cents::parse(s)
    }
}

/// Serialised as the decimal string (`"123.45"`), never as a JSON number, so no consumer reads
/// it into a float by accident.
impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Cents::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_decimal_amounts() {
        assert_eq!(Cents::parse("123.45"), Ok(Cents(12345)));
        assert_eq!(Cents::parse("10.5"), Ok(Cents(1050)));
        assert_eq!(Cents::parse("7"), Ok(Cents(700)));
        assert_eq!(Cents(5).to_string(), "0.05");
        assert_eq!(Cents(123456).to_string(), "1234.56");
    }

    #[test]
    fn rejects_an_amount_with_a_comma_with_a_helpful_reason() {
        let err = Cents::parse("10,50").unwrap_err();
        assert!(matches!(err, MoneyError::Comma(_)));
        assert!(err.to_string().contains("point"));
    }

    #[test]
    fn rejects_malformed_amounts() {
        for bad in [
            "",
            ".5",
            "5.",
            "-1",
            "1.234",
            "1e3",
            " 1",
            "99999999999999999999",
        ] {
            assert!(Cents::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
