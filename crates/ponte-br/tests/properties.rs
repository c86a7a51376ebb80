//! Properties over random inputs: conversions round-trip, builders and parsers agree, and a
//! changed character is caught exactly when the check-digit arithmetic says it must be.

use ponte_br::document::{cnpj_check_digits, cpf_check_digits};
use ponte_br::{
    Barcode, Boleto, BrCode, Document, Linha, StaticPix, build_arrecadacao, build_cobranca,
};
use proptest::prelude::*;
use time::{Date, Duration};

fn due_dates() -> impl Strategy<Value = Date> {
    // 2000-07-03 (factor 1000) to well into the third cycle.
    let first = Date::from_calendar_date(2000, time::Month::July, 3).unwrap();
    (0i64..20_000).prop_map(move |d| first + Duration::days(d))
}

proptest! {
    #[test]
    fn cobranca_linha_to_barcode_to_linha_round_trips(
        bank in "[0-79][0-9]{2}",
        amount in 0u64..=9_999_999_999,
        due in due_dates(),
        free in "[0-9]{25}",
    ) {
        let b = build_cobranca(&bank, amount, due, &free).unwrap();
        let linha = Linha::parse(b.linha_digitavel()).unwrap();
        let barcode = linha.to_barcode();
        prop_assert_eq!(barcode.as_str(), b.barcode());
        prop_assert_eq!(barcode.to_linha(), linha);
        prop_assert_eq!(Boleto::parse(&Linha::parse(b.linha_digitavel()).unwrap().formatted()).unwrap(), b.clone());
        prop_assert_eq!(b.due_date(due).unwrap(), Some(due));
    }

    #[test]
    fn arrecadacao_linha_to_barcode_to_linha_round_trips(
        segment in 1u8..=9,
        id in 6u8..=9,
        value in 0u64..=99_999_999_999,
        company in "[0-9]{4}",
        free in "[0-9]{25}",
    ) {
        let b = build_arrecadacao(segment, id, value, &company, &free).unwrap();
        let linha = Linha::parse(b.linha_digitavel()).unwrap();
        let back = linha.to_barcode();
        prop_assert_eq!(back.as_str(), b.barcode());
        prop_assert_eq!(Barcode::parse(b.barcode()).unwrap().to_linha(), linha);
    }

    #[test]
    fn a_changed_boleto_digit_is_caught_or_still_consistent(
        bank in "[0-79][0-9]{2}",
        amount in 0u64..=9_999_999_999,
        due in due_dates(),
        free in "[0-9]{25}",
        pos in 0usize..47,
        bump in 1u8..=9,
    ) {
        let b = build_cobranca(&bank, amount, due, &free).unwrap();
        let mut digits = b.linha_digitavel().as_bytes().to_vec();
        digits[pos] = b'0' + (digits[pos] - b'0' + bump) % 10;
        let changed = String::from_utf8(digits).unwrap();
        // Every single-digit change of a linha is caught by a field digit or the general one,
        // except in field 5 and position 33, where only the general modulo-11 digit guards,
        // and that digit maps several remainders to 1.
        if let Ok(other) = Boleto::parse(&changed) {
            prop_assert!(pos >= 32, "change at {} went unnoticed", pos);
            prop_assert_eq!(other.linha_digitavel(), changed.as_str());
        }
    }

    #[test]
    fn pix_build_then_parse_returns_the_same_fields(
        key_kind in 0usize..4,
        cpf_base in "[0-9]{9}",
        user in "[a-z][a-z0-9.]{0,20}",
        uuid in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        phone in "[1-9][0-9]{10}",
        name in "[A-Za-z0-9][A-Za-z0-9 ]{0,23}[A-Za-z0-9]",
        city in "[A-Za-z][A-Za-z ]{0,13}[A-Za-z]",
        amount in proptest::option::of(1u64..=999_999_999_999),
        txid in proptest::option::of("[A-Za-z0-9]{1,25}"),
        description in proptest::option::of("[A-Za-z0-9][A-Za-z0-9 ]{0,20}[A-Za-z0-9]"),
    ) {
        let key = match key_kind {
            0 => format!("{cpf_base}{}", cpf_check_digits(&cpf_base).unwrap()),
            1 => format!("{user}@example.com"),
            2 => uuid,
            _ => format!("+55{phone}"),
        };
        prop_assume!(Document::parse(&key).is_ok() || key_kind != 0);
        let pix = StaticPix { key: key.clone(), merchant_name: name, merchant_city: city, amount_cents: amount, txid, description };
        let payload = pix.build().unwrap();
        let code = BrCode::parse(&payload).unwrap();
        prop_assert_eq!(code.key(), Some(key.as_str()));
        prop_assert_eq!(code.merchant_name(), pix.merchant_name.as_str());
        prop_assert_eq!(code.merchant_city(), pix.merchant_city.as_str());
        prop_assert_eq!(code.amount().map(|c| c.get()), pix.amount_cents);
        prop_assert_eq!(code.txid(), pix.txid.as_deref());
        prop_assert_eq!(code.description(), pix.description.as_deref());
    }

    #[test]
    fn random_valid_cpfs_validate(base in "[0-9]{9}") {
        let cpf = format!("{base}{}", cpf_check_digits(&base).unwrap());
        let repeated = cpf.bytes().all(|b| b == cpf.as_bytes()[0]);
        prop_assert_eq!(Document::parse(&cpf).is_ok(), !repeated);
    }

    #[test]
    fn random_valid_cnpjs_validate(base in "[0-9A-Z]{12}") {
        let cnpj = format!("{base}{}", cnpj_check_digits(&base).unwrap());
        let d = Document::parse(&cnpj).unwrap();
        prop_assert_eq!(d.as_str(), cnpj.as_str());
        prop_assert_eq!(Document::parse(&d.formatted()).unwrap(), d);
    }

    #[test]
    fn a_cpf_with_one_digit_changed_is_rejected_unless_its_digits_still_hold(
        base in "[0-9]{9}", pos in 0usize..11, bump in 1u8..=9,
    ) {
        let cpf = format!("{base}{}", cpf_check_digits(&base).unwrap());
        let mut bytes = cpf.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + bump) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        // Computed, not assumed: the mod-11 rule maps remainders 0 and 1 to the same digit.
        let still_holds = cpf_check_digits(&changed[..9]).as_deref() == Some(&changed[9..])
            && !changed.bytes().all(|b| b == changed.as_bytes()[0]);
        prop_assert_eq!(Document::parse(&changed).is_ok(), still_holds);
    }

    #[test]
    fn a_cnpj_with_one_character_changed_is_rejected_unless_its_digits_still_hold(
        base in "[0-9A-Z]{12}", pos in 0usize..14, replacement in "[0-9A-Z]",
    ) {
        let cnpj = format!("{base}{}", cnpj_check_digits(&base).unwrap());
        let r = replacement.as_bytes()[0];
        prop_assume!(cnpj.as_bytes()[pos] != r);
        let mut bytes = cnpj.into_bytes();
        bytes[pos] = r;
        let changed = String::from_utf8(bytes).unwrap();
        let dv_numeric = changed[12..].bytes().all(|b| b.is_ascii_digit());
        let still_holds = dv_numeric
            && cnpj_check_digits(&changed[..12]).as_deref() == Some(&changed[12..])
            && !changed.bytes().all(|b| b == changed.as_bytes()[0]);
        prop_assert_eq!(Document::parse(&changed).is_ok(), still_holds);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = Document::parse(&s);
        let _ = Boleto::parse(&s);
        let _ = BrCode::parse(&s);
    }
}

#[test]
fn a_single_digit_change_can_keep_both_check_digits() {
    // The case the properties above compute instead of assuming away: the first digit of
    // 820.096.753-04 changed to 7 still passes, because the mod-11 rule sends remainders 0 and
    // 1 to the same check digit.
    let original = Document::parse("82009675304").unwrap();
    let changed = Document::parse("72009675304").unwrap();
    assert_ne!(original, changed);
}
