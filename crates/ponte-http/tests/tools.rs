//! `/v1/tools/`: the payment primitives over real HTTP, images included.

mod common;

use common::TestApp;
use serde_json::{Value, json};

fn valid_boleto() -> (String, String) {
    let date = time::Date::from_calendar_date(2026, time::Month::December, 10).unwrap();
    let b =
        ponte_br::boleto::build_cobranca("341", 12_990, date, "1234567890123456789012345").unwrap();
    (b.linha_digitavel().to_owned(), b.barcode().to_owned())
}

async fn bytes(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let r = reqwest::get(app.url(path)).await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn documents_are_validated_with_the_command_lines_json() {
    let app = TestApp::spawn().await;
    let ok = app
        .get(None, "/v1/tools/document?value=529.982.247-25")
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.json(),
        json!({"valid": true, "kind": "cpf", "digits": "52998224725", "formatted": "529.982.247-25"})
    );
    let bad = app
        .get(None, "/v1/tools/document?value=529.982.247-24")
        .await
        .json();
    assert_eq!(bad["valid"], false);
    assert!(
        bad["reason"].as_str().unwrap().contains("check digits"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_boleto_is_read_from_its_linha_with_value_and_due_date() {
    let app = TestApp::spawn().await;
    let (linha, barcode) = valid_boleto();
    let r = app
        .get(
            None,
            &format!("/v1/tools/boleto?code={linha}&today=2026-11-28"),
        )
        .await
        .json();
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["barcode"], barcode);
    assert_eq!(r["amount"], "129.90");
    assert_eq!(r["due_date"], "2026-12-10");
    assert_eq!(r["bank_code"], "341");
    let bad = app.get(None, "/v1/tools/boleto?code=123").await.json();
    assert_eq!(bad["valid"], false);
    app.get(None, "/v1/tools/boleto?code=123&today=tomorrow")
        .await
        .problem(422);
}

#[tokio::test]
async fn a_pix_code_built_over_http_parses_back() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let built = client
        .post(app.url("/v1/tools/pix/build"))
        .json(&json!({"key": "12345678000195", "name": "Provedor Ação", "city": "São Paulo", "amount": "99.90", "txid": "FAT145535"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let payload = built["payload"].as_str().unwrap().to_owned();
    let url =
        reqwest::Url::parse_with_params(&app.url("/v1/tools/pix/parse"), &[("payload", &payload)])
            .unwrap();
    let parsed: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(parsed["valid"], true, "{parsed}");
    assert_eq!(parsed["amount"], "99.90");
    assert_eq!(parsed["txid"], "FAT145535");
    assert!(
        parsed["merchant_city"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("SAO PAULO"),
        "accents folded: {parsed}"
    );
    let refused = client
        .post(app.url("/v1/tools/pix/build"))
        .json(&json!({"key": "not a key", "name": "X", "city": "Y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
}

#[tokio::test]
async fn barcodes_are_drawn_as_svg_and_png() {
    let app = TestApp::spawn().await;
    let (linha, _) = valid_boleto();
    let (status, ct, svg) = bytes(&app, &format!("/v1/tools/barcode.svg?code={linha}")).await;
    assert_eq!((status, ct.as_str()), (200, "image/svg+xml"));
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    let (status, ct, png) =
        bytes(&app, &format!("/v1/tools/barcode.png?code={linha}&dpi=300")).await;
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    let img = image::load_from_memory(&png).unwrap();
    assert!(
        img.width() > 300 && img.height() > 50,
        "{}x{}",
        img.width(),
        img.height()
    );
    let (status, ct, _) = bytes(&app, "/v1/tools/barcode.svg?code=1234").await;
    assert_eq!((status, ct.as_str()), (422, "application/problem+json"));
}

#[tokio::test]
async fn a_qr_png_decodes_back_to_its_payload() {
    let app = TestApp::spawn().await;
    let payload = "00020126360014br.gov.bcb.pix0114123456780001955204000053039865802BR5913PROVEDOR ACAO6009SAO PAULO62070503***6304";
    let url =
        reqwest::Url::parse_with_params(&app.url("/v1/tools/qr.png"), &[("payload", payload)])
            .unwrap();
    let png = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    let gray = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        gray.width() as usize,
        gray.height() as usize,
        |x, y| gray.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, payload);
    let url =
        reqwest::Url::parse_with_params(&app.url("/v1/tools/qr.svg"), &[("payload", payload)])
            .unwrap();
    let svg = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(svg.contains("<svg"));
}
