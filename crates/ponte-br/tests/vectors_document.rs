//! Every CPF and CNPJ vector of the payments reference (§7.5, §7.6), one test each.

use ponte_br::document::{cnpj_check_digits, cpf_check_digits};
use ponte_br::{Document, DocumentError, DocumentKind};

/// One `#[test]` per `name: argument` line, each calling `$check(argument)`.
macro_rules! cases {
    ($check:ident { $($name:ident: $($arg:expr),+;)* }) => {
        $( #[test] fn $name() { $check($($arg),+); } )*
    };
}

fn valid_cpf(input: &str) {
    let d = Document::parse(input).unwrap_or_else(|e| panic!("{input} should be valid: {e}"));
    assert_eq!(d.kind(), DocumentKind::Cpf);
    assert_eq!(d.as_str().len(), 11);
    assert_eq!(Document::parse(&d.formatted()), Ok(d.clone()));
}

fn valid_cnpj(input: &str) {
    let d = Document::parse(input).unwrap_or_else(|e| panic!("{input} should be valid: {e}"));
    assert_eq!(d.kind(), DocumentKind::Cnpj);
    assert_eq!(d.as_str().len(), 14);
    assert_eq!(Document::parse(&d.formatted()), Ok(d.clone()));
}

fn invalid(input: &str) {
    let err = Document::parse(input).expect_err(input);
    assert!(!err.to_string().is_empty());
}

fn cpf_dv(base: &str, dv: &str) {
    assert_eq!(cpf_check_digits(base).as_deref(), Some(dv));
}

fn cnpj_dv(base: &str, dv: &str) {
    assert_eq!(cnpj_check_digits(base).as_deref(), Some(dv));
}

cases!(valid_cpf {
    cpf_111_444_777_35_formatted_is_valid: "111.444.777-35";
    cpf_11144477735_is_valid: "11144477735";
    cpf_11111111200_is_valid: "11111111200";
    cpf_52513127765_is_valid: "52513127765";
    cpf_52599927765_is_valid: "52599927765";
    cpf_133_782_710_00_is_valid: "133.782.710-00";
    cpf_400_448_260_79_is_valid: "400.448.260-79";
    cpf_with_a_leading_zero_is_valid: "08796742020";
    cpf_74172316085_is_valid: "74172316085";
    cpf_15886489070_is_valid: "15886489070";
    cpf_90889477086_is_valid: "90889477086";
    cpf_968_811_342_58_is_valid: "968.811.342-58";
    cpf_529_982_247_25_is_valid: "529.982.247-25";
    cpf_255_248_930_33_is_valid: "255.248.930-33";
    cpf_123_456_789_09_is_valid: "123.456.789-09";
});

cases!(cpf_dv {
    cpf_check_digits_of_525131277_are_65: "525131277", "65";
    cpf_check_digits_of_111444777_are_35: "111444777", "35";
    cpf_check_digits_of_000000000_are_00: "000000000", "00";
});

cases!(invalid {
    cpf_all_ones_is_rejected: "11111111111";
    cpf_all_zeros_is_rejected: "00000000000";
    cpf_11144477705_is_rejected: "11144477705";
    cpf_11144477732_is_rejected: "11144477732";
    cpf_11111111215_is_rejected: "11111111215";
    cpf_11111111204_is_rejected: "11111111204";
    cpf_287_967_420_20_is_rejected: "287.967.420-20";
    cpf_333_782_710_00_is_rejected: "333.782.710-00";
    cpf_24172316085_is_rejected: "24172316085";
    cpf_327_861_067_97_is_rejected: "327.861.067-97";
    cpf_123_456_789_00_is_rejected: "123.456.789-00";
    cpf_with_a_dash_for_a_digit_is_rejected: "1112223334-";
    cpf_of_ten_digits_is_rejected: "1114447773";
    cpf_of_seventeen_digits_is_rejected: "24172316085000000";
    cpf_987_892_987_90_from_a_formatting_test_is_rejected: "987.892.987-90";
    empty_document_is_rejected: "";
    cnpj_53_797_980_0001_79_is_rejected: "53.797.980/0001-79";
    cnpj_39360938000180_is_rejected: "39360938000180";
    cnpj_all_ones_is_rejected: "11111111111111";
    cnpj_52599927000100_is_rejected: "52599927000100";
    cnpj_00111222000133_is_rejected: "00111222000133";
    cnpj_98765432100100_is_rejected: "98765432100100";
    cnpj_16_727_230_0001_98_is_rejected: "16.727.230.0001-98";
    cnpj_02_558_157_0001_55_is_rejected: "02.558.157/0001-55";
    cnpj_all_zeros_is_rejected: "00000000000000";
    cnpj_88_394_510_0001_03_from_a_formatting_test_is_rejected: "88.394.510/0001-03";
    alphanumeric_cnpj_with_dv_00_is_rejected: "12.ABC.345/01DE-00";
    alphanumeric_cnpj_with_swapped_dvs_is_rejected: "12ABC34501DE53";
    alphanumeric_cnpj_with_a_letter_as_dv_is_rejected: "12ABC34501DE3A";
    alphanumeric_cnpj_with_the_a_equals_10_dvs_is_rejected: "12ABC34501DE45";
});

cases!(valid_cnpj {
    cnpj_11_222_333_0001_81_is_valid: "11.222.333/0001-81";
    cnpj_73_797_980_0001_79_is_valid: "73.797.980/0001-79";
    cnpj_06_946_762_0001_61_is_valid: "06.946.762/0001-61";
    cnpj_96_051_576_0001_57_is_valid: "96.051.576/0001-57";
    cnpj_55_585_709_0001_98_is_valid: "55.585.709/0001-98";
    cnpj_99360938000180_is_valid: "99360938000180";
    cnpj_23693443000100_is_valid: "23693443000100";
    cnpj_32432147000147_is_valid: "32432147000147";
    cnpj_91951438000100_is_valid: "91951438000100";
    cnpj_34665388000161_is_valid: "34665388000161";
    cnpj_01838723000127_is_valid: "01838723000127";
    cnpj_03560714000142_is_valid: "03560714000142";
    cnpj_16_727_230_0001_97_is_valid: "16.727.230/0001-97";
    cnpj_02_558_157_0001_62_is_valid: "02.558.157/0001-62";
    cnpj_11_444_777_0001_61_is_valid: "11.444.777/0001-61";
    cnpj_36_002_518_0001_01_is_valid: "36.002.518/0001-01";
    alphanumeric_cnpj_of_the_receita_federal_example_is_valid: "12ABC34501DE35";
    alphanumeric_cnpj_formatted_is_valid: "12.ABC.345/01DE-35";
    alphanumeric_cnpj_a3_170_7x3_formatted_is_valid: "A3.170.7X3/0001-36";
    alphanumeric_cnpj_a31707x3000136_is_valid: "A31707X3000136";
    alphanumeric_cnpj_in_lower_case_is_valid_after_upper_casing: "12abc34501de35";
});

cases!(cnpj_dv {
    cnpj_check_digits_of_112223330001_are_81: "112223330001", "81";
    cnpj_check_digits_of_993609380001_are_80: "993609380001", "80";
    cnpj_check_digits_of_324321470001_are_47: "324321470001", "47";
    cnpj_check_digits_of_132496630001_are_96: "132496630001", "96";
    cnpj_check_digits_of_888634370001_are_08: "888634370001", "08";
    cnpj_check_digits_of_060757490001_are_84: "060757490001", "84";
    cnpj_check_digits_of_554120850001_are_07: "554120850001", "07";
    cnpj_check_digits_of_525131270002_are_99: "525131270002", "99";
    cnpj_check_digits_of_123456789012_are_30: "123456789012", "30";
    cnpj_check_digits_of_a12223330001_are_50: "A12223330001", "50";
    cnpj_check_digits_of_b12223330001_are_03: "B12223330001", "03";
    cnpj_check_digits_of_c12223330001_are_67: "C12223330001", "67";
    cnpj_check_digits_of_d12223330001_are_10: "D12223330001", "10";
    cnpj_check_digits_of_e12223330001_are_74: "E12223330001", "74";
    cnpj_check_digits_of_12abc3450001_are_88: "12ABC3450001", "88";
    cnpj_check_digits_of_12abc34501de_are_35: "12ABC34501DE", "35";
});

#[test]
fn lower_case_cnpj_is_stored_upper_case() {
    assert_eq!(
        Document::parse("12abc34501de35").unwrap().as_str(),
        "12ABC34501DE35"
    );
}

#[test]
fn repeated_digits_get_their_own_reason() {
    assert_eq!(
        Document::parse("111.111.111-11"),
        Err(DocumentError::RepeatedDigits {
            kind: DocumentKind::Cpf
        })
    );
}

#[test]
fn letter_in_a_cnpj_check_digit_points_at_it() {
    let err = Document::parse("12.ABC.345/01DE-3A").unwrap_err();
    assert!(matches!(
        err,
        DocumentError::InvalidCharacter {
            character: 'A',
            position: 18,
            ..
        }
    ));
}
