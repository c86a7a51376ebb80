//! Boleto and PIX codes of the seeded titles, built with `ponte-br` so every linha digitável and
//! every PIX code a simulator hands out passes real validation; and the late charges that turn a
//! face value into the value due today.

use time::Date;

use super::StoryConfig;

/// The two forms of one boleto, both bare digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoletoCodes {
    /// 44 digits.
    pub barcode: String,
    /// 47 digits.
    pub linha: String,
}

/// A cobrança boleto for `cents` due on `due`; the free field carries the nosso número.
/// `None` only outside the boleto's range (a due date outside the factor window, an amount
/// over 99,999,999.99).
pub fn boleto(
    config: &StoryConfig,
    cents: i64,
    due: Date,
    our_number: &str,
) -> Option<BoletoCodes> {
    let amount = u64::try_from(cents).ok()?;
    let digits: String = our_number.chars().filter(char::is_ascii_digit).collect();
    let tail = digits.get(digits.len().saturating_sub(11)..).unwrap_or("");
    let nosso = format!("{tail:0>11}");
    // Carteira 109, nosso número, agência 1234, conta 56789 with its digit, and a zero:
    // 3 + 11 + 4 + 6 + 1 = the 25 digits of the free field.
    let free_field = format!("109{nosso}12345678900");
    let built =
        ponte_br::boleto::build_cobranca(&config.bank_code, amount, due, &free_field).ok()?;
    Some(BoletoCodes {
        barcode: built.barcode().to_string(),
        linha: built.linha_digitavel().to_string(),
    })
}

/// `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE` from 47 digits, the form SGP
/// prints ([MEAS], erps-addendum §3 S-SGP-PROD sample).
pub fn mask_linha(digits: &str) -> String {
    if digits.len() != 47 {
        return digits.to_string();
    }
    let part = |a: usize, b: usize| digits.get(a..b).unwrap_or("");
    format!(
        "{}.{} {}.{} {}.{} {} {}",
        part(0, 5),
        part(5, 10),
        part(10, 15),
        part(15, 21),
        part(21, 26),
        part(26, 32),
        part(32, 33),
        part(33, 47)
    )
}

/// A static PIX code paying the provider `cents`, with `txid`.
pub fn pix(config: &StoryConfig, cents: i64, txid: &str) -> Option<String> {
    ponte_br::pix::StaticPix {
        key: config.pix_key.clone(),
        merchant_name: config.merchant_name.clone(),
        merchant_city: config.merchant_city.clone(),
        amount_cents: u64::try_from(cents).ok(),
        txid: Some(txid.to_string()),
        description: None,
    }
    .build()
    .ok()
}

/// Interest and fine, in cents, owed on `open` cents due on `due` and paid `today`: a fixed
/// fine once late, and interest pro rata per day of delay (a month counted as 30 days).
pub fn late_charges(config: &StoryConfig, open: i64, due: Date, today: Date) -> (i64, i64) {
    if today <= due || open <= 0 {
        return (0, 0);
    }
    let days = (today - due).whole_days();
    let fine = open * config.fine_bp / 10_000;
    let interest = open * config.interest_monthly_bp * days / (10_000 * 30);
    (interest, fine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn built_codes_pass_validation_and_the_mask_keeps_the_digits() {
        let config = StoryConfig::default();
        let codes = boleto(&config, 8990, date!(2026 - 03 - 10), "72554").unwrap();
        let parsed = ponte_br::Boleto::parse(&codes.linha).unwrap();
        assert_eq!(parsed.barcode(), codes.barcode);
        assert_eq!(parsed.amount().unwrap().get(), 8990);
        let masked = mask_linha(&codes.linha);
        assert_eq!(masked.len(), 54);
        assert_eq!(
            ponte_br::Boleto::parse(&masked).unwrap().barcode(),
            codes.barcode
        );
        let code = pix(&config, 8990, "SGP72554").unwrap();
        assert_eq!(
            ponte_br::BrCode::parse(&code)
                .unwrap()
                .amount()
                .unwrap()
                .get(),
            8990
        );
    }

    #[test]
    fn late_charges_start_the_day_after_the_due_date() {
        let config = StoryConfig::default();
        let due = date!(2026 - 03 - 10);
        assert_eq!(late_charges(&config, 10_000, due, due), (0, 0));
        // 30 days late on R$ 100: 1% interest, 2% fine.
        assert_eq!(
            late_charges(&config, 10_000, due, date!(2026 - 04 - 09)),
            (100, 200)
        );
    }
}
