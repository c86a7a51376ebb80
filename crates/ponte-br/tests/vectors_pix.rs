//! Every PIX BR Code vector of the payments reference (§7.4), one test each, and the builder
//! reproducing the computed payloads.

use ponte_br::pix::{PixError, crc16};
use ponte_br::{BrCode, StaticPix};

/// One `#[test]` per `name: arguments` line, each calling `$check(arguments)`.
macro_rules! cases {
    ($check:ident { $($name:ident: $($arg:expr),+;)* }) => {
        $( #[test] fn $name() { $check($($arg),+); } )*
    };
}

fn valid(payload: &str, crc: &str) {
    let code = BrCode::parse(payload).unwrap_or_else(|e| panic!("should parse: {e}"));
    assert_eq!(code.crc(), crc);
    assert!(code.key().is_some() || code.url().is_some());
}

fn invalid(payload: &str) {
    let err = BrCode::parse(payload).expect_err(payload);
    assert!(!err.to_string().is_empty());
}

fn builds(pix: StaticPix, expected: &str) {
    assert_eq!(pix.build().unwrap(), expected);
}

const P1: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
const P6: &str = "00020126740014br.gov.bcb.pix2552payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e875204000053039865802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***630442C5";
const P12_CONTENT: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426614174000520400005303986540510.005802BR5913FULANO DE TAL6008BRASILIA62070503***6304";

cases!(valid {
    p1_bcb_manual_static_example: P1, "1D3D";
    p3_static_without_amount: "00020126510014br.gov.bcb.pix0115thalesog@me.com0210Pedido 1235204000053039865802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***630462CA", "62CA";
    p4_static_with_fss: "00020126630014br.gov.bcb.pix0115thalesog@me.com0210Pedido 1230308123412345204000053039865802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***6304901C", "901C";
    p6_dynamic_with_url: P6, "42C5";
    p7_dynamic_single_use: "00020101021226740014br.gov.bcb.pix2552payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e875204000053039865802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***63042895", "2895";
    p8_dynamic_with_folded_name: "00020126740014br.gov.bcb.pix2552payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e875204000053039865802BR5912BARBARA PELE6015SAO MIGUEL DO O62070503***63040433", "0433";
    p9_pix_automatico_with_field_80: "00020101021226940014br.gov.bcb.pix2572qr-h.sandbox.pix.bcb.gov.br/rest/api/v2/7b2d64c4eb744a2d92a4dd5f8cfc4dfa5204000053039865802BR5913FULANO DE TAL6008BRASILIA62070503***80950014br.gov.bcb.pix2573qr-h.sandbox.pix.bcb.gov.br/rest/api/rec/3d29b94249c54b3f8c533d729f59b5e56304DBE0", "DBE0";
    p12_static_with_amount: "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426614174000520400005303986540510.005802BR5913FULANO DE TAL6008BRASILIA62070503***630436D9", "36D9";
    computed_cpf_key_with_amount_and_txid: "00020126330014br.gov.bcb.pix011112345678909520400005303986540599.905802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62190515FATURA2026010016304DB89", "DB89";
    computed_evp_key_with_crc_leading_zero: "00020101021126580014br.gov.bcb.pix0136123e4567-e89b-12d3-a456-42665544000052040000530398654071234.565802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62100506ABC12363040112", "0112";
    p1_with_upper_case_gui_and_amount: "00020126580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000052040000530398654041.005802BR5913Fulano de Tal6008BRASILIA62070503***630451B8", "51B8";
    gist_example_with_recomputed_crc: "00020126360014BR.GOV.BCB.PIX0114+5511943214321520400005303986540566.665802BR5907EMPRESA6008BRASILIA62070503***630404ED", "04ED";
});

cases!(invalid {
    p6_with_crc_replaced_by_abcd: &P6.replace("42C5", "ABCD");
    p12_content_with_crc_57b8: &format!("{P12_CONTENT}57B8");
    p12_content_with_crc_57b9: &format!("{P12_CONTENT}57B9");
    gist_example_with_its_published_crc_170e: "00020126360014BR.GOV.BCB.PIX0114+5511943214321520400005303986540566.665802BR5907EMPRESA6008BRASILIA62070503***6304170E";
    p1_with_crc_in_lower_case: &P1.replace("1D3D", "1d3d");
    p1_cut_short: &P1[..60];
    p1_without_its_crc: &P1[..P1.len() - 8];
    p1_with_a_name_length_that_lies: &P1.replace("5913Fulano", "5930Fulano");
    empty_payload: "";
    garbage: "hello world";
});

#[test]
fn crc_catalogue_check_value_is_29b1() {
    assert_eq!(crc16(b"123456789"), 0x29B1);
}

#[test]
fn lower_case_crc_gets_its_own_reason() {
    assert_eq!(
        BrCode::parse(&P1.replace("1D3D", "1d3d")),
        Err(PixError::LowerCaseCrc("1d3d".into()))
    );
}

#[test]
fn a_wrong_crc_reports_the_right_one() {
    let err = BrCode::parse(&P6.replace("42C5", "ABCD")).unwrap_err();
    assert_eq!(
        err,
        PixError::CrcMismatch {
            expected: "42C5".into(),
            found: "ABCD".into()
        }
    );
}

#[test]
fn a_lying_length_with_a_fixed_crc_is_still_caught() {
    let body = P1[..P1.len() - 4].replace("5913Fulano", "5999Fulano");
    let payload = format!("{body}{:04X}", crc16(body.as_bytes()));
    assert!(matches!(
        BrCode::parse(&payload),
        Err(PixError::LengthOverrun { .. })
    ));
}

#[test]
fn parses_the_fields_of_a_static_code() {
    let code = BrCode::parse("00020126330014br.gov.bcb.pix011112345678909520400005303986540599.905802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62190515FATURA2026010016304DB89").unwrap();
    assert_eq!(code.key(), Some("12345678909"));
    assert_eq!(
        code.amount().map(|a| a.to_string()).as_deref(),
        Some("99.90")
    );
    assert_eq!(code.merchant_name(), "PROVEDOR EXEMPLO LTDA");
    assert_eq!(code.merchant_city(), "SAO PAULO");
    assert_eq!(code.txid(), Some("FATURA202601001"));
    assert!(!code.is_dynamic());
}

#[test]
fn keeps_unknown_fields_and_nested_templates() {
    let code = BrCode::parse("00020101021226940014br.gov.bcb.pix2572qr-h.sandbox.pix.bcb.gov.br/rest/api/v2/7b2d64c4eb744a2d92a4dd5f8cfc4dfa5204000053039865802BR5913FULANO DE TAL6008BRASILIA62070503***80950014br.gov.bcb.pix2573qr-h.sandbox.pix.bcb.gov.br/rest/api/rec/3d29b94249c54b3f8c533d729f59b5e56304DBE0").unwrap();
    let f80 = code.fields().iter().find(|f| f.id == "80").unwrap();
    assert_eq!(
        f80.child("25").map(|f| f.value.as_str()),
        Some("qr-h.sandbox.pix.bcb.gov.br/rest/api/rec/3d29b94249c54b3f8c533d729f59b5e5")
    );
    assert!(code.is_dynamic());
    assert_eq!(code.point_of_initiation(), Some("12"));
}

fn isp(key: &str) -> StaticPix {
    StaticPix {
        key: key.into(),
        merchant_name: "PROVEDOR EXEMPLO LTDA".into(),
        merchant_city: "SAO PAULO".into(),
        amount_cents: Some(9990),
        txid: Some("FATURA202601001".into()),
        description: None,
    }
}

cases!(builds {
    builder_reproduces_p1: StaticPix {
        key: "123e4567-e12b-12d1-a456-426655440000".into(),
        merchant_name: "Fulano de Tal".into(),
        merchant_city: "BRASILIA".into(),
        ..StaticPix::default()
    }, P1;
    builder_with_a_cpf_key: isp("12345678909"),
        "00020126330014br.gov.bcb.pix011112345678909520400005303986540599.905802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62190515FATURA2026010016304DB89";
    builder_with_a_cnpj_key: isp("11222333000181"),
        "00020126360014br.gov.bcb.pix011411222333000181520400005303986540599.905802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62190515FATURA2026010016304B634";
    builder_with_a_phone_key: isp("+5511999999999"),
        "00020126360014br.gov.bcb.pix0114+5511999999999520400005303986540599.905802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62190515FATURA2026010016304A395";
    builder_with_an_email_key_and_description: StaticPix {
        amount_cents: None,
        txid: None,
        description: Some("Mensalidade".into()),
        ..isp("fulano@example.com")
    }, "00020126550014br.gov.bcb.pix0118fulano@example.com0211Mensalidade5204000053039865802BR5921PROVEDOR EXEMPLO LTDA6009SAO PAULO62070503***63047BCB";
});

fn refused(pix: StaticPix) {
    assert!(pix.build().is_err());
}

cases!(refused {
    builder_refuses_a_txid_with_a_dash: StaticPix { txid: Some("FATURA-1".into()), ..isp("12345678909") };
    builder_refuses_a_txid_with_a_space: StaticPix { txid: Some("FATURA 1".into()), ..isp("12345678909") };
    builder_refuses_a_txid_over_25_characters: StaticPix { txid: Some("A".repeat(26)), ..isp("12345678909") };
    builder_refuses_a_phone_without_plus_55: isp("11999999999");
    builder_refuses_an_email_with_upper_case: isp("Fulano@example.com");
    builder_refuses_an_empty_name: StaticPix { merchant_name: "  ".into(), ..isp("12345678909") };
});

#[test]
fn builder_keeps_name_and_city_within_their_limits() {
    let pix = StaticPix {
        merchant_name: "X".repeat(40),
        merchant_city: "Y".repeat(40),
        ..isp("12345678909")
    };
    let code = BrCode::parse(&pix.build().unwrap()).unwrap();
    assert_eq!(code.merchant_name().len(), 25);
    assert_eq!(code.merchant_city().len(), 15);
}
