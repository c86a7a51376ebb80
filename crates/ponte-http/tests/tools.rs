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

#[tokio::test]
async fn resolutions_and_lengths_out_of_range_are_invalid_input_naming_the_parameter_and_range() {
    let app = TestApp::spawn().await;
    let (linha, _) = valid_boleto();
    let long = |n: usize| "1".repeat(n);
    let cases = [
        (
            format!("/v1/tools/barcode.png?code={linha}&dpi=5000"),
            "?dpi",
            "72 to 1200",
        ),
        (
            format!("/v1/tools/barcode.png?code={linha}&dpi=71"),
            "?dpi",
            "72 to 1200",
        ),
        (
            "/v1/tools/qr.png?payload=x&px=0".to_owned(),
            "?px",
            "1 to 40",
        ),
        (
            "/v1/tools/qr.png?payload=x&px=41".to_owned(),
            "?px",
            "1 to 40",
        ),
        (
            format!("/v1/tools/qr.png?payload={}", long(513)),
            "?payload",
            "at most 512",
        ),
        (
            format!("/v1/tools/qr.svg?payload={}", long(513)),
            "?payload",
            "at most 512",
        ),
        (
            format!("/v1/tools/pix/parse?payload={}", long(513)),
            "?payload",
            "at most 512",
        ),
        (
            format!("/v1/tools/barcode.svg?code={}", long(129)),
            "?code",
            "at most 128",
        ),
        (
            format!("/v1/tools/boleto?code={}", long(129)),
            "?code",
            "at most 128",
        ),
        (
            format!("/v1/tools/document?value={}", long(65)),
            "?value",
            "at most 64",
        ),
    ];
    for (path, parameter, range) in cases {
        let body = app.get(None, &path).await.problem(422);
        assert_eq!(body["code"], "invalid_input", "{path}");
        assert_eq!(body["errors"][0]["path"], parameter, "{path}: {body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains(&parameter[1..]), "{path}: {detail}");
        let said = format!("{} {}", detail, body["errors"][0]["expected"]);
        assert!(said.contains(range), "{path}: {said}");
    }
    // The bounds themselves are accepted.
    let edge = format!("/v1/tools/barcode.png?code={linha}&dpi=1200");
    assert_eq!(app.get(None, &edge).await.status, 200);
    let edge = format!("/v1/tools/qr.png?payload={}&px=40", long(512));
    assert_eq!(app.get(None, &edge).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_images_drawn_at_once_leave_the_other_routes_answering() {
    let app = TestApp::spawn().await;
    let payload = "1".repeat(512);
    let path = format!("/v1/tools/qr.png?payload={payload}&px=40");
    let drawings: Vec<_> = (0..8)
        .map(|_| {
            let url = app.url(&path);
            tokio::spawn(async move { reqwest::get(url).await.unwrap().status().as_u16() })
        })
        .collect();
    // While the drawings run on the blocking pool, the workers still answer at once.
    let started = std::time::Instant::now();
    assert_eq!(app.get(None, "/healthz").await.status, 200);
    let health = started.elapsed();
    for drawing in drawings {
        assert_eq!(drawing.await.unwrap(), 200);
    }
    assert!(
        health < std::time::Duration::from_millis(500),
        "/healthz took {health:?} during the drawings"
    );
}
