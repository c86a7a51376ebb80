//! Dates and money as the seeded story keeps them: dates as [`time::Date`], money in cents,
//! and the few text forms the SGP and the standard API print them in.

use time::{Date, Month};

/// `yyyy-mm-dd`.
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

/// Parses a strict `yyyy-mm-dd`; anything else (including `dd/mm/yyyy`) is `None`, because
/// SGP requires this exact form wherever it takes a date.
pub fn parse_iso(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = text.get(0..4)?.parse().ok()?;
    let month: u8 = text.get(5..7)?.parse().ok()?;
    let day: u8 = text.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Cents as a JSON number of reais (`8990` → `89.9`), the way SGP writes money.
pub fn reais(cents: i64) -> serde_json::Value {
    // Two decimal places always fit an f64 exactly enough for serde_json to print the short
    // form back (89.9, 709.3), which is what SGP's Python encoder prints too.
    serde_json::Number::from_f64(cents as f64 / 100.0)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// Cents as a decimal string with two places and a dot: `"89.90"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Cents as Brazilians print them: `"1.234,50"`.
pub fn money_br(cents: i64) -> String {
    let plain = money(cents);
    let (whole, frac) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
    let digits: Vec<char> = whole.chars().collect();
    let mut grouped = String::new();
    for (index, digit) in digits.iter().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) && *digit != '-' {
            grouped.push('.');
        }
        grouped.push(*digit);
    }
    format!("{grouped},{frac}")
}

/// Parses `"51.52"`, `"51,52"`, `"51.5"` or `"51"` into cents; `None` for anything else,
/// including more than two decimals, negative values and thousands separators.
pub fn parse_money(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, frac) = match text.find(['.', ',']) {
        Some(at) => (text.get(..at)?, text.get(at + 1..)?),
        None => (text, ""),
    };
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// The date `months` months away from `date`'s month, on `day` (capped at 28 so every month
/// has it).
pub fn in_month(date: Date, months: i32, day: u8) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = u8::try_from(month0 + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day.clamp(1, 28)).unwrap_or(date)
}

/// Whether two dates fall in the same calendar month.
pub fn same_month(a: Date, b: Date) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_strict_iso_dates_parse() {
        assert_eq!(parse_iso("2026-03-18"), Some(date!(2026 - 03 - 18)));
        assert_eq!(parse_iso("18/03/2026"), None);
        assert_eq!(parse_iso("2026-3-18"), None);
        assert_eq!(parse_iso("2026-02-30"), None);
    }

    #[test]
    fn money_round_trips_in_every_form() {
        assert_eq!(parse_money("51.52"), Some(5152));
        assert_eq!(parse_money("51,5"), Some(5150));
        assert_eq!(parse_money("51"), Some(5100));
        assert_eq!(parse_money("51.523"), None);
        assert_eq!(parse_money("-1"), None);
        assert_eq!(money(8990), "89.90");
        assert_eq!(money_br(123_450), "1.234,50");
        assert_eq!(money_br(99), "0,99");
        assert_eq!(reais(8990).to_string(), "89.9");
        assert_eq!(reais(70930).to_string(), "709.3");
    }

    #[test]
    fn months_roll_over_years_both_ways() {
        assert_eq!(
            in_month(date!(2026 - 01 - 20), -1, 10),
            date!(2025 - 12 - 10)
        );
        assert_eq!(
            in_month(date!(2026 - 12 - 20), 1, 31),
            date!(2027 - 01 - 28)
        );
    }
}
