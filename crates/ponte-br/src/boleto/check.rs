//! The check-digit rules of boletos. Three variants share the same weights but differ in how a
//! remainder becomes a digit, and mixing them up is the classic bug, so each has its own name.
//!
//! All functions take a string of ASCII digits and return `None` for anything else.

fn digits(s: &str) -> Option<impl DoubleEndedIterator<Item = u32> + '_> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().map(|b| u32::from(b - b'0')))
}

/// FEBRABAN modulo 10: weights 2,1,2,1… from the right, the digits of each product summed,
/// `(10 - S mod 10) mod 10`. Used by the three linha fields of a cobrança and by arrecadação
/// codes whose value identifier is 6 or 7.
pub fn mod10(s: &str) -> Option<u8> {
    let sum: u32 = digits(s)?
        .rev()
        .zip([2u32, 1].into_iter().cycle())
        .map(|(d, w)| {
            let p = d * w;
            if p > 9 { p - 9 } else { p }
        })
        .sum();
    // The result is below 10, so the narrowing cannot lose anything.
    Some(((10 - sum % 10) % 10) as u8)
}

/// The weighted sum with weights 2..9 from the right, cycling, shared by both modulo-11 rules.
fn mod11_remainder(s: &str) -> Option<u32> {
    let sum: u32 = digits(s)?
        .rev()
        .zip((2u32..=9).cycle())
        .map(|(d, w)| d * w)
        .sum();
    Some(sum % 11)
}

/// The general check digit of a cobrança barcode (position 5): `11 - r`, and 1 whenever that
/// would be 0, 10 or 11, because the digit 0 is never used there.
pub fn mod11_cobranca(s: &str) -> Option<u8> {
    let d = 11 - mod11_remainder(s)?;
    // d is in 1..=11; the digits 2..=9 are kept as they are.
    Some(if matches!(d, 10 | 11) { 1 } else { d as u8 })
}

/// Modulo 11 of arrecadação codes with value identifier 8 or 9: remainders 0 and 1 give 0,
/// remainder 10 gives 1, the rest `11 - r`.
pub fn mod11_arrecadacao(s: &str) -> Option<u8> {
    Some(match mod11_remainder(s)? {
        0 | 1 => 0,
        10 => 1,
        // r is in 2..=9 here, so 11 - r fits a digit.
        r => (11 - r) as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_febraban_worked_examples() {
        assert_eq!(mod10("01230067896"), Some(3));
        assert_eq!(mod11_arrecadacao("01230067896"), Some(0));
        let long = "8220000215048200974123220154098290108605940";
        assert_eq!(mod10(long), Some(1));
        assert_eq!(mod11_arrecadacao(long), Some(0));
    }

    #[test]
    fn refuses_empty_or_non_digit_input() {
        assert_eq!(mod10(""), None);
        assert_eq!(mod10("12a"), None);
        assert_eq!(mod11_cobranca("١٢"), None);
    }
}
