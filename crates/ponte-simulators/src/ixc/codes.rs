//! Boleto and PIX codes of the seeded invoices, built with `ponte-br` so that every linha
//! digitável and every PIX code the simulator hands out passes real validation.

use time::Date;

use super::config::IxcConfig;
use super::guesses::LINHA_DIGITAVEL_MASKED;

/// The two forms of one boleto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BoletoCodes {
    /// 44 digits.
    pub barcode: String,
    /// The linha digitável as the simulator stores it (see [`LINHA_DIGITAVEL_MASKED`]).
    pub linha: String,
}

/// A cobrança boleto; `None` only for inputs out of the boleto's range (a due date outside
/// the factor window, an amount over 99,999,999.99).
pub(crate) fn boleto(bank: &str, cents: u64, due: Date, free_field: &str) -> Option<BoletoCodes> {
    let built = ponte_br::boleto::build_cobranca(bank, cents, due, free_field).ok()?;
    let digits = built.linha_digitavel().to_string();
    Some(BoletoCodes {
        barcode: built.barcode().to_string(),
        linha: if LINHA_DIGITAVEL_MASKED {
            mask_linha(&digits)
        } else {
            digits
        },
    })
}

/// `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE` from 47 digits.
fn mask_linha(digits: &str) -> String {
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

/// A static PIX code paying the configured receiver.
pub(crate) fn pix(config: &IxcConfig, cents: u64, txid: Option<String>) -> Option<String> {
    ponte_br::pix::StaticPix {
        key: config.pix_key.clone(),
        merchant_name: config.merchant_name.clone(),
        merchant_city: config.merchant_city.clone(),
        amount_cents: Some(cents),
        txid,
        description: None,
    }
    .build()
    .ok()
}

/// The QR code of a PIX payload as a base64 PNG, the way `get_pix` embeds the image.
pub(crate) fn qr_png_base64(payload: &str) -> Option<String> {
    use base64::Engine as _;
    let png = ponte_br::qr::png(payload, 4).ok()?;
    Some(base64::engine::general_purpose::STANDARD.encode(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linha_is_masked_in_the_usual_groups() {
        let digits: String = (0..47).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
        let masked = mask_linha(&digits);
        assert_eq!(masked.len(), 54);
        assert_eq!(
            masked
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
            digits
        );
    }
}
