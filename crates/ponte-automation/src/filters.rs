//! The normalising filters, shared by templates and jq so both languages read ERP values alike.
//!
//! Each filter is a pure function from an ERP's way of writing a value to the catalog's way
//! (SPEC §1): money as `"1234.50"`, dates as `"YYYY-MM-DD"`, empty as `""`. An input that cannot
//! be read is an error naming the value, never a silently wrong answer.

use base64::Engine as _;
use serde_json::Value;

/// Names of every filter, for `ponte check`'s "unknown filter" hint.
pub const NAMES: &[&str] = &[
    "money",
    "date",
    "datetime",
    "digits",
    "document",
    "cpf_cnpj_format",
    "text",
    "base64",
    "b64decode",
    "urlencode",
];

/// A filter could not read its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{filter}: cannot read {got} as {expected}")]
pub struct FilterError {
    /// The filter's name.
    pub filter: &'static str,
    /// What it expected.
    pub expected: &'static str,
    /// A short rendering of what came.
    pub got: String,
}

fn err(filter: &'static str, expected: &'static str, got: &str) -> FilterError {
    let shown: String = got.chars().take(40).collect();
    let got = if shown.len() < got.len() {
        format!("`{shown}…`")
    } else {
        format!("`{shown}`")
    };
    FilterError {
        filter,
        expected,
        got,
    }
}

/// The value as text: strings as they are, numbers and booleans printed, null as `""`.
#[must_use]
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Money in any ERP form (`"1.234,56"`, `"69.900000000"`, `12.5`, `"R$ 10,00"`) as `"1234.56"`.
/// Empty and null give `""`. Rounds half up to cents using decimal arithmetic, not floats.
///
/// # Errors
/// When the value is not an amount.
pub fn money(value: &Value) -> Result<String, FilterError> {
    match value {
        Value::Null => Ok(String::new()),
        Value::Number(n) => money_text(&n.to_string()),
        Value::String(s) => money_text(s),
        other => Err(err("money", "an amount", &other.to_string())),
    }
}

/// [`money`] of a string.
pub(crate) fn money_text(raw: &str) -> Result<String, FilterError> {
    let trimmed = raw.trim().trim_start_matches("R$").trim();
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, trimmed),
    };
    // A comma means the Brazilian form: dots group thousands and the comma is the decimal
    // mark. Without a comma the dot is the decimal mark (IXC writes "69.900000000").
    let normalised = if unsigned.contains(',') {
        unsigned.replace('.', "").replace(',', ".")
    } else {
        unsigned.to_owned()
    };
    let (int_part, frac_part) = match normalised.split_once('.') {
        Some((i, f)) => (i, f),
        None => (normalised.as_str(), ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty()
        || !digits_only(int_part)
        || !digits_only(frac_part)
        || frac_part.contains('.')
    {
        return Err(err("money", "an amount", raw));
    }
    let int_value: u128 = if int_part.is_empty() {
        0
    } else {
        int_part
            .parse()
            .map_err(|_| err("money", "an amount", raw))?
    };
    let frac = frac_part.as_bytes();
    let digit = |i: usize| u128::from(frac.get(i).map_or(0, |b| b - b'0'));
    let mut cents = int_value * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        cents += 1;
    }
    let sign = if negative && cents > 0 { "-" } else { "" };
    Ok(format!("{sign}{}.{:02}", cents / 100, cents % 100))
}

/// A date in any ERP form (`dd/mm/yyyy`, `yyyy-mm-dd`, with a time after it, ISO date-time)
/// as `YYYY-MM-DD`. `"0000-00-00"`, empty and null give `""`. The date must exist.
///
/// # Errors
/// When the value is not a date.
pub fn date(value: &Value) -> Result<String, FilterError> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => date_text(s),
        other => Err(err("date", "a date", &other.to_string())),
    }
}

/// [`date`] of a string.
pub(crate) fn date_text(raw: &str) -> Result<String, FilterError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("0000-00-00") || raw.starts_with("00/00/0000") {
        return Ok(String::new());
    }
    let (y, m, d) = parse_ymd(raw).ok_or_else(|| err("date", "a date", raw))?;
    let month = time::Month::try_from(m).map_err(|_| err("date", "a date", raw))?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| err("date", "a date", raw))?;
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

fn parse_ymd(raw: &str) -> Option<(i32, u8, u8)> {
    let head: String = raw.chars().take(10).collect();
    let parts = |sep: char| -> Option<Vec<&str>> {
        let p: Vec<&str> = head.split(sep).collect();
        (p.len() == 3).then_some(p)
    };
    if let Some(p) = parts('/') {
        if p[0].len() <= 2 && p[2].len() == 4 {
            return Some((p[2].parse().ok()?, p[1].parse().ok()?, p[0].parse().ok()?));
        }
        return None;
    }
    let p = parts('-')?;
    if p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return None;
    }
    let rest = &raw[head.len()..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return None;
    }
    Some((p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?))
}

/// A date-time as RFC 3339. ERP date-times without an offset (`2026-01-10 14:30:00`) are read in
/// `offset` (Brasília, `-03:00`, unless the automation says otherwise). A bare date becomes
/// midnight. Empty, null and zero dates give `""`.
///
/// # Errors
/// When the value is not a date-time.
pub fn datetime(value: &Value, offset: &str) -> Result<String, FilterError> {
    let raw = match value {
        Value::Null => return Ok(String::new()),
        Value::String(s) => s.trim(),
        other => return Err(err("datetime", "a date-time", &other.to_string())),
    };
    if raw.is_empty() || raw.starts_with("0000-00-00") {
        return Ok(String::new());
    }
    let rfc = time::format_description::well_known::Rfc3339;
    if let Ok(dt) = time::OffsetDateTime::parse(raw, &rfc) {
        return dt
            .format(&rfc)
            .map_err(|_| err("datetime", "a date-time", raw));
    }
    let day = date(value).map_err(|_| err("datetime", "a date-time", raw))?;
    let clock = raw
        .get(10..)
        .map(|r| r.trim_start_matches(['T', ' ']))
        .filter(|r| !r.is_empty())
        .unwrap_or("00:00:00");
    let clock = if clock.len() == 5 {
        format!("{clock}:00")
    } else {
        clock.chars().take(8).collect()
    };
    let candidate = format!("{day}T{clock}{offset}");
    time::OffsetDateTime::parse(&candidate, &rfc)
        .ok()
        .and_then(|dt| dt.format(&rfc).ok())
        .ok_or_else(|| err("datetime", "a date-time", raw))
}

/// Only the ASCII digits of the value (`"123.456.789-09"` → `"12345678909"`).
#[must_use]
pub fn digits(value: &Value) -> String {
    digits_text(&text(value))
}

/// [`digits`] of a string.
pub(crate) fn digits_text(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

/// A CPF/CNPJ in its bare upper-case form: punctuation dropped, letters kept (alphanumeric CNPJ).
#[must_use]
pub fn document(value: &Value) -> String {
    document_text(&text(value))
}

/// [`document`] of a string.
pub(crate) fn document_text(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A CPF or CNPJ in its printed form, the one IXC stores: `123.456.789-09`,
/// `12.345.678/0001-95` (alphanumeric CNPJs keep their letters), formatted by `ponte-br`.
/// Empty gives `""`.
///
/// # Errors
/// When the value is not a valid CPF or CNPJ (length, characters or check digits).
pub fn cpf_cnpj_format(value: &Value) -> Result<String, FilterError> {
    let raw = text(value);
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    ponte_br::document::Document::parse(&raw)
        .map(|document| document.formatted())
        .map_err(|_| err("cpf_cnpj_format", "a valid CPF or CNPJ", &raw))
}

/// Standard base64 of the value's text.
#[must_use]
pub fn base64_encode(value: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(text(value))
}

/// The text that a standard base64 string encodes.
///
/// # Errors
/// When the value is not base64 of UTF-8 text.
pub fn base64_decode(value: &Value) -> Result<String, FilterError> {
    let raw = text(value);
    base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| err("b64decode", "base64 of text", &raw))
}

/// Percent-encoding of the value's text for a URL component.
#[must_use]
pub fn urlencode(value: &Value) -> String {
    percent_encoding::utf8_percent_encode(&text(value), percent_encoding::NON_ALPHANUMERIC)
        .to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn money_reads_every_erp_form() {
        for (input, want) in [
            (json!("1.234,56"), "1234.56"),
            (json!("69.900000000"), "69.90"),
            (json!("69.905"), "69.91"),
            (json!("0,5"), "0.50"),
            (json!(1234), "1234.00"),
            (json!(99.9), "99.90"),
            (json!("R$ 10,00"), "10.00"),
            (json!("-5,25"), "-5.25"),
            (json!(""), ""),
            (json!(null), ""),
        ] {
            assert_eq!(money(&input).unwrap(), want, "input {input}");
        }
    }

    #[test]
    fn money_refuses_what_is_not_an_amount() {
        for input in [json!("abc"), json!("1,2,3"), json!("1.2.3"), json!([1])] {
            assert!(money(&input).is_err(), "input {input}");
        }
    }

    #[test]
    fn date_reads_every_erp_form() {
        for (input, want) in [
            (json!("10/01/2026"), "2026-01-10"),
            (json!("2026-01-10"), "2026-01-10"),
            (json!("2026-01-10 14:30:00"), "2026-01-10"),
            (json!("2026-01-10T14:30:00-03:00"), "2026-01-10"),
            (json!("0000-00-00"), ""),
            (json!("0000-00-00 00:00:00"), ""),
            (json!(""), ""),
            (json!(null), ""),
        ] {
            assert_eq!(date(&input).unwrap(), want, "input {input}");
        }
    }

    #[test]
    fn date_refuses_days_that_do_not_exist() {
        for input in [
            json!("31/02/2026"),
            json!("2026-13-01"),
            json!("soon"),
            json!(3),
        ] {
            assert!(date(&input).is_err(), "input {input}");
        }
    }

    #[test]
    fn datetime_applies_the_default_offset() {
        assert_eq!(
            datetime(&json!("2026-01-10 14:30:00"), "-03:00").unwrap(),
            "2026-01-10T14:30:00-03:00"
        );
        assert_eq!(
            datetime(&json!("2026-01-10"), "-03:00").unwrap(),
            "2026-01-10T00:00:00-03:00"
        );
        assert_eq!(
            datetime(&json!("2026-01-10T14:30:00Z"), "-03:00").unwrap(),
            "2026-01-10T14:30:00Z"
        );
    }

    #[test]
    fn documents_are_formatted_the_way_ixc_stores_them() {
        assert_eq!(
            cpf_cnpj_format(&json!("12345678909")).unwrap(),
            "123.456.789-09"
        );
        assert_eq!(
            cpf_cnpj_format(&json!("12345678000195")).unwrap(),
            "12.345.678/0001-95"
        );
        assert_eq!(
            cpf_cnpj_format(&json!("12abc34501de35")).unwrap(),
            "12.ABC.345/01DE-35"
        );
        assert!(cpf_cnpj_format(&json!("123")).is_err());
        assert!(
            cpf_cnpj_format(&json!("12345678900")).is_err(),
            "wrong check digits"
        );
        assert_eq!(cpf_cnpj_format(&json!("")).unwrap(), "");
        assert_eq!(digits(&json!("123.456.789-09")), "12345678909");
        assert_eq!(document(&json!("12.abc.345/01de-35")), "12ABC34501DE35");
    }

    #[test]
    fn base64_and_urlencode_round_trip_text() {
        let encoded = base64_encode(&json!("1:abc"));
        assert_eq!(encoded, "MTphYmM=");
        assert_eq!(base64_decode(&json!(encoded)).unwrap(), "1:abc");
        assert_eq!(urlencode(&json!("a b&c")), "a%20b%26c");
    }
}
