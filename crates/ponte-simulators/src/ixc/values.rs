//! How IXC writes values: ISO dates with `0000-00-00` for "none", `dd/mm/yyyy` in request
//! bodies, money as decimal strings with a dot, flags as `S`/`N`.

use time::{Date, Month};

/// The empty date IXC stores instead of NULL.
pub const EMPTY_DATE: &str = "0000-00-00";
/// The empty date-time IXC stores instead of NULL.
pub const EMPTY_DATETIME: &str = "0000-00-00 00:00:00";

/// `yyyy-mm-dd`, the form of dates in rows.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `dd/mm/yyyy`, the form of dates in request bodies and messages.
pub fn br(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// A date in either form (`yyyy-mm-dd[ hh:mm:ss]` or `dd/mm/yyyy`); `None` for the empty date
/// or anything else.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let (y, m, d) = if text.len() >= 10 && text.as_bytes().get(4) == Some(&b'-') {
        (text.get(0..4)?, text.get(5..7)?, text.get(8..10)?)
    } else if text.len() == 10 && text.as_bytes().get(2) == Some(&b'/') {
        (text.get(6..10)?, text.get(3..5)?, text.get(0..2)?)
    } else {
        return None;
    };
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// Turns a `dd/mm/yyyy` date into `yyyy-mm-dd`; anything else is returned unchanged.
pub fn to_iso_if_br(text: &str) -> String {
    if text.len() == 10
        && text.as_bytes().get(2) == Some(&b'/')
        && let Some(date) = parse_date(text)
    {
        return iso(date);
    }
    text.to_string()
}

/// Cents as IXC writes money in `fn_areceber`: `"89.90"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Cents as IXC writes some catalogue prices, with nine decimals: `"69.900000000"`.
pub fn money9(cents: i64) -> String {
    format!("{}0000000", money(cents))
}

/// Parses `"89.90"`, `"89,90"`, `"89.900000000"` or `"89"` into cents (rounding half up past
/// the second decimal). `None` for anything that is not a plain decimal number.
pub fn parse_money(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match text.find(['.', ',']) {
        Some(at) => (text.get(..at)?, text.get(at + 1..)?),
        None => (text, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut digits = frac.bytes().map(|b| i64::from(b - b'0'));
    let tenths = digits.next().unwrap_or(0);
    let hundredths = digits.next().unwrap_or(0);
    let round = i64::from(digits.next().unwrap_or(0) >= 5);
    let cents = whole.checked_mul(100)? + tenths * 10 + hundredths + round;
    Some(if negative { -cents } else { cents })
}

/// A number for comparisons in filters; `None` unless the text is a plain decimal.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let body = text.strip_prefix('-').unwrap_or(text);
    let mut dots = 0;
    let plain = !body.is_empty()
        && body.bytes().all(|b| {
            if b == b'.' {
                dots += 1;
                true
            } else {
                b.is_ascii_digit()
            }
        })
        && dots <= 1
        && body != ".";
    if plain { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_read_in_both_forms_and_the_empty_date_is_none() {
        assert_eq!(parse_date("2024-11-21"), Some(date!(2024 - 11 - 21)));
        assert_eq!(
            parse_date("2024-11-21 13:53:41"),
            Some(date!(2024 - 11 - 21))
        );
        assert_eq!(parse_date("21/11/2024"), Some(date!(2024 - 11 - 21)));
        assert_eq!(parse_date(EMPTY_DATE), None);
        assert_eq!(br(date!(2024 - 01 - 05)), "05/01/2024");
        assert_eq!(to_iso_if_br("05/01/2024"), "2024-01-05");
    }

    #[test]
    fn money_is_read_with_dot_comma_or_many_decimals() {
        assert_eq!(parse_money("26.00"), Some(2600));
        assert_eq!(parse_money("26,5"), Some(2650));
        assert_eq!(parse_money("69.900000000"), Some(6990));
        assert_eq!(parse_money("0.005"), Some(1));
        assert_eq!(parse_money("1e3"), None);
        assert_eq!(money(8990), "89.90");
        assert_eq!(money9(6990), "69.900000000");
    }

    #[test]
    fn only_plain_decimals_are_numbers() {
        assert_eq!(parse_number("145535"), Some(145535.0));
        assert_eq!(parse_number("26.50"), Some(26.5));
        assert_eq!(parse_number("627.105.245-20"), None);
        assert_eq!(parse_number(""), None);
    }
}
