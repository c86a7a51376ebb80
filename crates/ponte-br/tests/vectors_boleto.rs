//! Every boleto vector of the payments reference (§7.1, §7.2), one test each.

use ponte_br::boleto::check::{mod10, mod11_arrecadacao};
use ponte_br::boleto::{FactorError, date_for, factor_for};
use ponte_br::{Boleto, BoletoKind, Cents};
use time::Date;
use time::macros::date;

/// One `#[test]` per `name: arguments` line, each calling `$check(arguments)`.
macro_rules! cases {
    ($check:ident { $($name:ident: $($arg:expr),+;)* }) => {
        $( #[test] fn $name() { $check($($arg),+); } )*
    };
}

fn bare(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Barcode and linha convert into each other, and the boleto reads the stated factor and value.
fn cobranca(barcode: &str, linha: &str, factor: u16, amount: Option<&str>, due: Option<Date>) {
    let from_barcode = Boleto::parse(barcode).unwrap();
    let from_linha = Boleto::parse(linha).unwrap();
    assert_eq!(from_barcode, from_linha);
    assert_eq!(from_barcode.kind(), BoletoKind::Cobranca);
    assert_eq!(from_barcode.linha_digitavel(), bare(linha));
    assert_eq!(from_linha.barcode(), barcode);
    assert_eq!(from_barcode.bank_code(), Some(&barcode[0..3]));
    assert_eq!(from_barcode.factor(), Some(factor));
    assert_eq!(
        from_barcode.amount().map(|c| c.to_string()).as_deref(),
        amount
    );
    if let Some(due) = due {
        assert_eq!(from_barcode.due_date(due), Ok(Some(due)));
    }
}

fn valid_linha(linha: &str) {
    let b = Boleto::parse(linha).unwrap();
    assert_eq!(
        Boleto::parse(b.barcode()).unwrap().linha_digitavel(),
        bare(linha)
    );
}

fn invalid(code: &str) {
    let err = Boleto::parse(code).expect_err(code);
    assert!(!err.to_string().is_empty());
}

fn arrecadacao(barcode: &str, linha: &str, amount: Option<&str>) {
    let from_barcode = Boleto::parse(barcode).unwrap();
    let from_linha = Boleto::parse(linha).unwrap();
    assert_eq!(from_barcode, from_linha);
    assert_eq!(from_barcode.kind(), BoletoKind::Arrecadacao);
    assert_eq!(from_barcode.linha_digitavel(), bare(linha));
    assert_eq!(from_linha.barcode(), barcode);
    assert_eq!(from_barcode.bank_code(), None);
    if let Some(amount) = amount {
        assert_eq!(
            from_barcode.amount().map(|c| c.to_string()).as_deref(),
            Some(amount)
        );
    }
}

fn encodes(due: Date, factor: u16) {
    assert_eq!(factor_for(due), Ok(factor));
}

fn decodes(factor: u16, today: Date, expected: Option<Date>) {
    assert_eq!(date_for(factor, today), Ok(expected));
}

fn mod10_of(digits: &str, dv: u8) {
    assert_eq!(mod10(digits), Some(dv));
}

cases!(cobranca {
    b1_bb_manual_example: "00193373700000001000500940144816060680935031",
        "00190.50095 40144.816069 06809.350314 3 37370000000100", 3737, Some("1.00"), Some(date!(2007 - 12 - 31));
    b2_pyboleto_banco_do_brasil: "00196490000002952950000007777777000008765418",
        "00190.00009 07777.777009 00087.654182 6 49000000295295", 4900, Some("2952.95"), Some(date!(2011 - 03 - 08));
    b4_pyboleto_bradesco: "23794486900008280000278060000212552500392320",
        "23790.27804 60000.212559 25003.923205 4 48690000828000", 4869, Some("8280.00"), Some(date!(2011 - 02 - 05));
    b5_pyboleto_caixa: "10491538800002952958019525086156587000000414",
        "10498.01952 25086.156582 70000.004146 1 53880000295295", 5388, Some("2952.95"), Some(date!(2012 - 07 - 08));
    b7_pyboleto_banrisul: "04198100100000550002111029000150228325634059",
        "04192.11107 29000.150226 83256.340593 8 10010000055000", 1001, Some("550.00"), Some(date!(2000 - 07 - 04));
    b8_pyboleto_hsbc: "39993424800000035003903036010001010312014592",
        "39993.90309 36010.001018 03120.145929 3 42480000003500", 4248, Some("35.00"), Some(date!(2009 - 05 - 25));
    b10_pyboleto_real: "35698486900000355000531570585390000000000123",
        "35690.53154 70585.390001 00000.001230 8 48690000035500", 4869, Some("355.00"), Some(date!(2011 - 02 - 05));
    b12_brcobranca_banco_do_brasil: "00195377100000723560000001238798777770016818",
        "00190.00009 01238.798779 77700.168188 5 37710000072356", 3771, Some("723.56"), Some(date!(2008 - 02 - 03));
    b13_itau_general_dv_from_remainder_10: "34191377000000135001750025828170810536789000",
        "34191.75009 25828.170818 05367.890000 1 37700000013500", 3770, Some("135.00"), Some(date!(2008 - 02 - 02));
    b15_itau_general_dv_from_remainder_1: "34191252500000135001960025828112345671234550",
        "34191.96005 25828.112349 56712.345505 1 25250000013500", 2525, Some("135.00"), Some(date!(2004 - 09 - 05));
    b17_brcobranca_formatting: "00192376900000135000000001238798777770016818",
        "00190.00009 01238.798779 77700.168188 2 37690000013500", 3769, Some("135.00"), Some(date!(2008 - 02 - 01));
    b19_credit_card_invoice_without_factor_or_value: "23797000000000000004150090019801673500021140",
        "23794150099001980167035000211405700000000000000", 0, None, None;
    c1_second_cycle_2025_03_10: "00195101600000123450000001234567000000012317",
        "00190000090123456700400000123174510160000012345", 1016, Some("123.45"), Some(date!(2025 - 03 - 10));
    c3_first_day_of_the_second_cycle: "00193100000000001000000000000000000000000000",
        "00190000090000000000000000000000310000000000100", 1000, Some("1.00"), Some(date!(2025 - 02 - 22));
});

#[test]
fn general_dv_from_remainder_0_is_1() {
    let b = Boleto::parse("34191432900000000001751234567840810536789000").unwrap();
    assert_eq!(&b.barcode()[4..5], "1");
}

#[test]
fn b19_has_no_due_date() {
    let b = Boleto::parse("23797000000000000004150090019801673500021140").unwrap();
    assert_eq!(b.due_date(date!(2025 - 06 - 01)), Ok(None));
}

cases!(valid_linha {
    linha_of_tagliatti_readme_is_valid: "42297.11504 00001.954411 60020.034520 2 68610000054659";
    linha_of_boleto_validator_ts_is_valid: "23793.38128 60007.827136 95000.063305 9 75520000370000";
    linha_of_brazilian_utils_ruby_is_valid: "00190000090114971860168524522114675860000102656";
});

cases!(invalid {
    i_b1_last_digit_changed: "00193373700000001000500940144816060680935032";
    i_b2_general_dv_changed: "00194373700000001000500940144816060680935031";
    i_b3_field_1_dv_wrong: "00190500964014481606906809350314337370000000100";
    i_b4_field_dvs_right_but_general_dv_wrong: "00190500954014481606906809350314437370000000100";
    i_b5_two_digits_of_field_2_transposed: "00190500950414481606906809350314337370000000100";
    barcode_of_43_digits: "0019337370000000100050094014481606068093503";
    barcode_of_45_digits: "001933737000000010005009401448160606809350310";
    linha_of_46_digits: "0019050095401448160690680935031433737000000010";
    code_with_letters: "0019337370000000100050094014481606068093503A";
    linha_of_47_digits_starting_with_8: "80190500954014481606906809350314337370000000100";
    a1_with_general_dv_changed: "83810000005096000190000008017823000034306271";
    a1_linha_with_block_1_dv_changed: "838600000051096000190009000801782309000343062712";
    empty_code: "";
    only_separators: " . - ";
});

#[test]
fn barcode_starting_with_8_is_not_a_cobranca() {
    let code = "80193373700000001000500940144816060680935031";
    assert!(!matches!(Boleto::parse(code), Ok(b) if b.kind() == BoletoKind::Cobranca));
}

cases!(arrecadacao {
    a1_energy_mod_11: "83860000005096000190000008017823000034306271",
        "838600000050096000190009000801782309000343062712", Some("509.60");
    a3_telecom_mod_10: "84630000000299902962020041013600000200644114",
        "846300000003299902962024004101360008002006441147", Some("29.99");
    a4_tagliatti_readme: "83640000001331201380008128846271108013618155",
        "83640000001-1 33120138000-2 81288462711-6 08013618155-1", None;
    a6_boleto_validator_ts: "83620000000667800481001809756573100158963608",
        "836200000005667800481000180975657313001589636081", None;
    m11_computed_mod_11_with_every_block_branch: "84800000001599001232026011553043520561748338",
        "848000000014599001232020601155304352205617483381", Some("159.90");
    m10_computed_mod_10: "84680000001599001232026011500000000012345678",
        "846800000016599001232025601150000003000123456782", Some("159.90");
});

#[test]
fn febraban_dac_examples_hold() {
    assert_eq!(mod10("01230067896"), Some(3));
    assert_eq!(mod11_arrecadacao("01230067896"), Some(0));
    assert_eq!(
        mod10("8220000215048200974123220154098290108605940"),
        Some(1)
    );
    assert_eq!(
        mod11_arrecadacao("8220000215048200974123220154098290108605940"),
        Some(0)
    );
}

cases!(mod10_of {
    mod10_of_001905009_is_5: "001905009", 5;
    mod10_of_4014481606_is_9: "4014481606", 9;
    mod10_of_0680935031_is_4: "0680935031", 4;
    mod10_of_29004590_is_5: "29004590", 5;
    mod10_of_341911012_is_1: "341911012", 1;
    mod10_of_3456788005_is_8: "3456788005", 8;
    mod10_of_7123457000_is_1: "7123457000", 1;
    mod10_of_00571234511012345678_is_8: "00571234511012345678", 8;
    mod10_of_0_is_0: "0", 0;
});

cases!(encodes {
    factor_of_2000_07_03_is_1000: date!(2000 - 07 - 03), 1000;
    factor_of_2000_07_04_is_1001: date!(2000 - 07 - 04), 1001;
    factor_of_2002_05_01_is_1667: date!(2002 - 05 - 01), 1667;
    factor_of_2008_02_01_is_3769: date!(2008 - 02 - 01), 3769;
    factor_of_2008_02_02_is_3770: date!(2008 - 02 - 02), 3770;
    factor_of_2008_02_06_is_3774: date!(2008 - 02 - 06), 3774;
    factor_of_2010_11_17_is_4789: date!(2010 - 11 - 17), 4789;
    factor_of_2014_01_18_is_5947: date!(2014 - 01 - 18), 5947;
    factor_of_2014_03_12_is_6000: date!(2014 - 03 - 12), 6000;
    factor_of_2017_01_21_is_7046: date!(2017 - 01 - 21), 7046;
    factor_of_2025_02_20_is_9998: date!(2025 - 02 - 20), 9998;
    factor_of_2025_02_21_is_9999: date!(2025 - 02 - 21), 9999;
    factor_of_2025_02_22_restarts_at_1000: date!(2025 - 02 - 22), 1000;
    factor_of_2025_02_23_is_1001: date!(2025 - 02 - 23), 1001;
    factor_of_2049_10_13_is_9999: date!(2049 - 10 - 13), 9999;
    factor_of_2014_03_13_is_6001: date!(2014 - 03 - 13), 6001;
    factor_of_2022_05_10_is_8981: date!(2022 - 05 - 10), 8981;
    factor_of_2025_03_10_is_1016: date!(2025 - 03 - 10), 1016;
    factor_of_2025_12_31_is_1312: date!(2025 - 12 - 31), 1312;
    factor_of_2026_07_01_is_1494: date!(2026 - 07 - 01), 1494;
    factor_of_2049_10_14_restarts_at_1000: date!(2049 - 10 - 14), 1000;
});

#[test]
fn factor_of_a_date_before_2000_07_03_is_an_error() {
    assert!(matches!(
        factor_for(date!(2000 - 07 - 02)),
        Err(FactorError::TooEarly(_))
    ));
}

cases!(decodes {
    factor_1000_seen_from_2025_06_01: 1000, date!(2025 - 06 - 01), Some(date!(2025 - 02 - 22));
    factor_9999_seen_from_2025_06_01: 9999, date!(2025 - 06 - 01), Some(date!(2025 - 02 - 21));
    factor_8981_seen_from_2025_06_01: 8981, date!(2025 - 06 - 01), Some(date!(2022 - 05 - 10));
    factor_4000_seen_from_2025_06_01_is_in_the_new_cycle: 4000, date!(2025 - 06 - 01), Some(date!(2033 - 05 - 11));
    factor_6001_seen_from_2014_03_13: 6001, date!(2014 - 03 - 13), Some(date!(2014 - 03 - 13));
    factor_2501_seen_from_2014_03_13: 2501, date!(2014 - 03 - 13), Some(date!(2029 - 04 - 03));
    factor_3000_seen_from_2014_03_13_is_the_oldest_accepted: 3000, date!(2014 - 03 - 13), Some(date!(2005 - 12 - 24));
    factor_0000_means_no_due_date: 0, date!(2025 - 06 - 01), None;
});

#[test]
fn factor_0999_is_invalid() {
    assert_eq!(
        date_for(999, date!(2025 - 06 - 01)),
        Err(FactorError::Invalid(999))
    );
}

#[test]
fn factor_2999_seen_from_2014_03_13_is_out_of_the_window() {
    assert!(matches!(
        date_for(2999, date!(2014 - 03 - 13)),
        Err(FactorError::OutOfWindow { .. })
    ));
}

#[test]
fn amounts_are_integer_cents() {
    let b = Boleto::parse("00196490000002952950000007777777000008765418").unwrap();
    assert_eq!(b.amount(), Some(Cents(295_295)));
}
