//! Response bodies: JSON whatever the content type says, text, base64 for binary data.

use axum::Router;
use axum::routing::get;
use serde_json::json;

use crate::support::*;

fn get_boleto(output: &str) -> String {
    format!(
        "function: get_boleto_pdf\nvariables:\n  base_url: {{}}\nsteps:\n  - id: pdf\n    request:\n      url: \"{{{{ vars.base_url }}}}/pdf\"\noutput: '{output}'\n"
    )
}

const PDF: &[u8] = b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n";

#[tokio::test]
async fn a_binary_body_reaches_the_automation_as_base64() {
    let e = erp(Router::new().route(
        "/pdf",
        get(|| async { ([("content-type", "application/pdf")], PDF) }),
    ))
    .await;
    let a = automation(&get_boleto("{base_64: .steps.pdf.body}"));
    let out = run(&a, json!({"boleto_id": "145535"}), &env(&e.base)).await;
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(PDF);
    assert_eq!(out.result.as_ref().unwrap(), &json!({"base_64": expected}));
    let traced = out.trace().steps[0].requests[0]
        .response_body
        .clone()
        .unwrap();
    assert!(traced.contains("bytes of binary data"), "{traced}");
}

#[tokio::test]
async fn json_sent_as_text_html_is_still_read_as_json() {
    let e = erp(Router::new().route(
        "/pdf",
        get(|| async {
            (
                [("content-type", "text/html")],
                r#"{"type":"success","file":"JVBERi0="}"#,
            )
        }),
    ))
    .await;
    let a = automation(&get_boleto("{base_64: .steps.pdf.body.file}"));
    let out = run(&a, json!({"boleto_id": "1"}), &env(&e.base)).await;
    assert_eq!(out.result.unwrap(), json!({"base_64": "JVBERi0="}));
}

#[tokio::test]
async fn plain_text_stays_text() {
    let e = erp(Router::new().route("/pdf", get(|| async { "JVBERi0xLjQK" }))).await;
    let a = automation(&get_boleto("{base_64: .steps.pdf.body}"));
    let out = run(&a, json!({"boleto_id": "1"}), &env(&e.base)).await;
    assert_eq!(out.result.unwrap(), json!({"base_64": "JVBERi0xLjQK"}));
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response_naming_what_failed() {
    let e = erp(Router::new().route(
        "/pdf",
        get(|| async { ([("content-type", "application/json")], r#"{"file": "abc"#) }),
    ))
    .await;
    let a = automation(&get_boleto("{base_64: .steps.pdf.body.file}"));
    let out = run(&a, json!({"boleto_id": "1"}), &env(&e.base)).await;
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "erp_invalid_response");
}

#[tokio::test]
async fn a_body_cut_short_is_an_invalid_response_not_an_erp_message() {
    let e = erp(Router::new().route(
        "/pdf",
        get(|| async {
            (
                [("content-type", "text/x-json")],
                r#"{"type":"success","registros":[{"id":"1""#,
            )
        }),
    ))
    .await;
    let a = automation(&get_boleto("{base_64: .steps.pdf.body.file}"));
    let err = run(&a, json!({"boleto_id": "1"}), &env(&e.base))
        .await
        .result
        .unwrap_err();
    assert_eq!(err.code(), "erp_invalid_response");
    assert!(err.to_string().contains("malformed JSON"), "{err}");
}
