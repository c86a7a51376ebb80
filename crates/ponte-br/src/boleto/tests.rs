//! Unit tests of the boleto module; the published vectors live in `tests/vectors.rs`.

use super::*;
use time::macros::date;

#[test]
fn builds_the_second_cycle_vector_c1() {
    let b = build_cobranca(
        "001",
        12345,
        date!(2025 - 03 - 10),
        "0000001234567000000012317",
    )
    .unwrap();
    assert_eq!(b.barcode(), "00195101600000123450000001234567000000012317");
    assert_eq!(
        b.linha_digitavel(),
        "00190000090123456700400000123174510160000012345"
    );
    assert_eq!(b.amount(), Some(Cents(12345)));
    assert_eq!(
        b.due_date(date!(2025 - 06 - 01)),
        Ok(Some(date!(2025 - 03 - 10)))
    );
}

#[test]
fn builds_the_utility_bill_vector_m11() {
    let b = build_arrecadacao(4, 8, 15990, "0123", "2026011553043520561748338").unwrap();
    assert_eq!(b.barcode(), "84800000001599001232026011553043520561748338");
    assert_eq!(
        b.linha_digitavel(),
        "848000000014599001232020601155304352205617483381"
    );
    assert_eq!(
        b.due_date(date!(2025 - 06 - 01)),
        Ok(Some(date!(2026 - 01 - 15)))
    );
}

#[test]
fn refuses_bad_building_blocks() {
    let d = date!(2025 - 03 - 10);
    let ff = "0000001234567000000012317";
    assert!(matches!(
        build_cobranca("01", 1, d, ff),
        Err(BoletoError::InvalidBankCode(_))
    ));
    assert!(matches!(
        build_cobranca("001", 1, d, "123"),
        Err(BoletoError::InvalidFreeField(_))
    ));
    assert!(matches!(
        build_cobranca("001", 10_000_000_000, d, ff),
        Err(BoletoError::AmountTooLarge(_))
    ));
    assert!(matches!(
        build_cobranca("001", 1, date!(1999 - 01 - 01), ff),
        Err(BoletoError::Factor(FactorError::TooEarly(_)))
    ));
}

#[test]
fn formats_both_kinds_of_linha() {
    let b = Boleto::parse("00193373700000001000500940144816060680935031").unwrap();
    assert_eq!(
        b.linha_typed().formatted(),
        "00190.50095 40144.816069 06809.350314 3 37370000000100"
    );
    let a = Boleto::parse("83860000005096000190000008017823000034306271").unwrap();
    assert_eq!(
        a.linha_typed().formatted(),
        "83860000005-0 09600019000-9 00080178230-9 00034306271-2"
    );
}

#[test]
fn points_at_a_letter_in_the_code() {
    assert_eq!(
        Boleto::parse("0019x"),
        Err(BoletoError::InvalidCharacter {
            character: 'x',
            position: 5
        })
    );
}
