//! Boleto and PIX codes of the invoices, built with `ponte-br` so that every linha digitável and
//! PIX code the simulator hands out passes real validation, and the opaque tokens of PDF links.

use time::Date;

use super::config::HubsoftConfig;
use crate::rng::Rng;

/// The two forms of one boleto, as Hubsoft sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BoletoCodes {
    /// 44 digits (`codigo_barras`).
    pub barcode: String,
    /// The linha digitável with dots and spaces (`75691.31662 01006.726101 ...`), as
    /// `linha_digitavel` arrives (addendum §2).
    pub linha: String,
}

/// A Sicoob-style boleto for an invoice: the free field carries the wallet, agency, account and
/// nosso número. `None` only for a due date outside the factor window or an absurd amount.
pub(crate) fn boleto(
    config: &HubsoftConfig,
    cents: u64,
    due: Date,
    nosso: u64,
) -> Option<BoletoCodes> {
    let free_field = format!("1316601{:07}{:08}001", 67_261, nosso % 100_000_000);
    let built =
        ponte_br::boleto::build_cobranca(&config.bank_code, cents, due, &free_field).ok()?;
    Some(BoletoCodes {
        barcode: built.barcode().to_string(),
        linha: built.linha_typed().formatted(),
    })
}

/// A static PIX code paying the provider's key for `cents`.
pub(crate) fn pix(config: &HubsoftConfig, cents: u64, txid: &str) -> Option<String> {
    ponte_br::pix::StaticPix {
        key: config.pix_key.clone(),
        merchant_name: config.merchant_name.clone(),
        merchant_city: config.merchant_city.clone(),
        amount_cents: Some(cents),
        txid: Some(txid.to_string()),
        description: None,
    }
    .build()
    .ok()
}

/// `n` lower-case hexadecimal characters.
pub(crate) fn hex(rng: &mut Rng, n: usize) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    (0..n)
        .map(|_| char::from(*rng.pick(HEX).unwrap_or(&b'0')))
        .collect()
}

/// The opaque token of a PDF link: 80 hexadecimal characters, unrelated to the invoice id, as
/// the newest vendor samples show (addendum §2).
pub(crate) fn link_token(rng: &mut Rng) -> String {
    hex(rng, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_boleto_parses_back_to_its_amount_and_due_date() {
        let config = HubsoftConfig::default();
        let codes = boleto(&config, 8990, date!(2026 - 03 - 10), 272_100).unwrap();
        assert_eq!(codes.linha.len(), 54);
        let parsed = ponte_br::Boleto::parse(&codes.linha).unwrap();
        assert_eq!(parsed.barcode(), codes.barcode);
        assert_eq!(parsed.amount().unwrap().get(), 8990);
        assert_eq!(parsed.bank_code(), Some("756"));
    }

    #[test]
    fn a_pix_code_parses_with_its_amount_and_txid() {
        let code = pix(&HubsoftConfig::default(), 8990, "HUB36001").unwrap();
        let parsed = ponte_br::BrCode::parse(&code).unwrap();
        assert_eq!(parsed.amount().unwrap().get(), 8990);
        assert_eq!(parsed.txid(), Some("HUB36001"));
    }
}
