//! The committed documents equal what the code generates, and the reference page is served.
//!
//! Regenerate both after changing the routes, the catalog or the error table:
//! `PONTE_UPDATE_DOCS=1 cargo test -p ponte-http --test docs`.

mod common;

use std::path::PathBuf;

use common::TestApp;

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn check(path: &str, generated: &str) {
    let file = repo_file(path);
    if std::env::var_os("PONTE_UPDATE_DOCS").is_some() {
        std::fs::write(&file, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == generated,
        "{path} is out of date; regenerate it with \
         `PONTE_UPDATE_DOCS=1 cargo test -p ponte-http --test docs`"
    );
}

#[test]
fn docs_openapi_json_is_the_generated_document() {
    check("docs/openapi.json", ponte_http::reference::openapi_text());
}

#[test]
fn docs_errors_md_is_rendered_from_the_error_table() {
    check("docs/errors.md", &ponte_core::service::errors_markdown());
}

#[test]
fn the_document_is_openapi_3_1_with_one_path_per_function() {
    let doc = ponte_http::reference::openapi();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for spec in ponte_catalog::catalog() {
        let path = format!("/v1/functions/{}", spec.id);
        let operation = &doc["paths"][&path]["post"];
        assert_eq!(operation["operationId"], spec.id.as_str(), "{path}");
        let input = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let name = input.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
    // Every reference resolves inside the document.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let pointer = target.trim_start_matches('#').replace("~", "~0");
        assert!(
            doc.pointer(&pointer).is_some(),
            "dangling reference {target}"
        );
    }
    assert_eq!(
        doc["x-error-codes"].as_array().unwrap().len(),
        ponte_core::service::ErrorCode::ALL.len()
    );
}

#[tokio::test]
async fn the_api_serves_its_document_and_a_self_contained_reference_page() {
    let app = TestApp::spawn().await;
    let doc = app.get(None, "/openapi.json").await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.text, ponte_http::reference::openapi_text());
    let page = app.get(None, "/docs").await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text.contains("fetch(\"/openapi.json\")"));
    // Nothing is loaded from another origin.
    for external in ["http://", "https://", "//cdn"] {
        assert!(
            !page.text.contains(external),
            "the page refers to {external}"
        );
    }
}
