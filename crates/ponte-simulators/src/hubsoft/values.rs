//! How Hubsoft writes values, which differs by endpoint (erps.md §6.2, addendum §2): money as
//! JSON numbers (`119.9`, `10`) in `cliente` and `cliente/financeiro` but as strings without
//! trailing zeros (`"119.9"`) in `financeiro/fatura`; dates as `dd/mm/yyyy` in
//! `cliente/financeiro`, `YYYY-MM-DD` in `financeiro/fatura`, `YYYY-MM-DD HH:MM:SS` for
//! registration dates.

use serde_json::{Number, Value};
use time::{Date, Month};

/// `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `dd/mm/yyyy`.
pub fn br(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// A time of day kept as seconds since midnight, so records can carry `HH:MM:SS` without a
/// wall clock.
fn hms(seconds: u32) -> String {
    let s = seconds % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// `YYYY-MM-DD HH:MM:SS`.
pub fn iso_datetime(date: Date, seconds: u32) -> String {
    format!("{} {}", iso(date), hms(seconds))
}

/// `dd/mm/yyyy HH:MM:SS`.
pub fn br_datetime(date: Date, seconds: u32) -> String {
    format!("{} {}", br(date), hms(seconds))
}

/// Compact `YYYYMMDDHHMMSS`, the start of a Hubsoft protocol number.
pub fn compact_datetime(date: Date, seconds: u32) -> String {
    format!(
        "{:04}{:02}{:02}{}",
        date.year(),
        u8::from(date.month()),
        date.day(),
        hms(seconds).replace(':', "")
    )
}

/// A strict `YYYY-MM-DD` date, the only form the API accepts in parameters.
pub fn parse_iso(text: &str) -> Option<Date> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if text.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let month = Month::try_from(text.get(5..7)?.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(
        text.get(0..4)?.parse().ok()?,
        month,
        text.get(8..10)?.parse().ok()?,
    )
    .ok()
}

/// Money as a JSON number, the way PHP prints a decimal column: `119.9`, `10`, `54.95`.
pub fn money_number(cents: i64) -> Value {
    if cents % 100 == 0 {
        Value::from(cents / 100)
    } else {
        // Dividing a whole number of cents by 100 gives the closest double to the decimal,
        // which serde_json prints in its shortest form ("119.9").
        Number::from_f64(cents as f64 / 100.0).map_or(Value::Null, Value::Number)
    }
}

/// Money as a string without trailing zeros, as `financeiro/fatura` sends it: `"119.9"`,
/// `"28.27"`, `"100"`.
pub fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// Money with two decimals and a comma, as people read it in messages: `"89,90"`.
pub fn money_br(cents: i64) -> String {
    format!("{},{:02}", cents / 100, (cents % 100).abs())
}

/// Reads money sent by a client: a JSON number (`89.9`) or a decimal string (`"89.90"`,
/// `"89,90"`). `None` for anything else, or for more than two decimals that are not zeros.
pub fn parse_money(value: &Value) -> Option<i64> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().replace(',', "."),
        _ => return None,
    };
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, text),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A float printed by a client may carry binary noise ("89.900000000001"); what lies past
    // the cents is rounded, as the server's numeric column would.
    let mut digits = frac.bytes().map(|b| i64::from(b - b'0'));
    let tenths = digits.next().unwrap_or(0);
    let hundredths = digits.next().unwrap_or(0);
    let round = i64::from(digits.next().unwrap_or(0) >= 5);
    let cents = whole.parse::<i64>().ok()?.checked_mul(100)? + tenths * 10 + hundredths + round;
    Some(if negative { -cents } else { cents })
}

/// Only ASCII digits, at least one.
pub fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A document without its mask, upper-cased (alphanumeric CNPJs keep their letters).
pub fn bare_document(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn money_reads_like_the_vendor_samples() {
        assert_eq!(money_number(11990), json!(119.9));
        assert_eq!(money_number(1000), json!(10));
        assert_eq!(money_number(5495).to_string(), "54.95");
        assert_eq!(money_text(11990), "119.9");
        assert_eq!(money_text(2827), "28.27");
        assert_eq!(money_text(10000), "100");
        assert_eq!(money_br(8990), "89,90");
    }

    #[test]
    fn client_money_is_read_from_numbers_and_strings() {
        assert_eq!(parse_money(&json!(89.9)), Some(8990));
        assert_eq!(parse_money(&json!("89,90")), Some(8990));
        assert_eq!(parse_money(&json!(100)), Some(10000));
        assert_eq!(parse_money(&json!("1e3")), None);
        assert_eq!(parse_money(&json!(null)), None);
    }

    #[test]
    fn dates_have_the_three_forms_and_only_iso_is_read() {
        let d = date!(2026 - 03 - 05);
        assert_eq!(iso(d), "2026-03-05");
        assert_eq!(br(d), "05/03/2026");
        assert_eq!(iso_datetime(d, 3661), "2026-03-05 01:01:01");
        assert_eq!(compact_datetime(d, 3661), "20260305010101");
        assert_eq!(parse_iso("2026-03-05"), Some(d));
        assert_eq!(parse_iso("05/03/2026"), None);
        assert_eq!(parse_iso("2026-02-30"), None);
    }
}
