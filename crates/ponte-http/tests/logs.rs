//! One structured log line per request, with the named fields and nothing personal or secret.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{ADMIN_TOKEN, CPF, CPF_BARE, FakeErp, TestApp};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_logs_its_function_integration_execution_status_and_duration_without_personal_data()
 {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start("log-token-9f", "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let ok = app
        .call(
            &key,
            "list_customer_contacts",
            json!({"customer_document_number": CPF}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let failed = app
        .call(
            &key,
            "trust_unlock",
            json!({"customer_document_number": CPF, "contract_id": "9"}),
        )
        .await;
    assert_eq!(failed.status, 502, "{}", failed.text);
    let tested = app
        .admin_post(
            "/admin/v1/integrations/acme/test-runs/list_customer_contacts",
            json!({"customer_document_number": CPF}),
        )
        .await;
    assert_eq!(tested.status, 200, "{}", tested.text);
    let created = app
        .admin_post("/admin/v1/integrations/acme/api-keys", json!({}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let new_key = created.json()["key"].as_str().unwrap().to_owned();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [
        CPF,
        CPF_BARE,
        "log-token-9f",
        key.as_str(),
        ADMIN_TOKEN,
        new_key.as_str(),
    ] {
        assert!(!text.contains(secret), "`{secret}` is in the log:\n{text}");
    }
    let finished: Vec<Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["fields"]["status"].is_number())
        .collect();
    assert_eq!(finished.len(), 4, "{text}");
    for (line, (function, status, header)) in finished.iter().zip([
        (
            "list_customer_contacts",
            200,
            ok.header("ponte-execution-id"),
        ),
        ("trust_unlock", 502, failed.header("ponte-execution-id")),
        (
            "list_customer_contacts",
            200,
            tested.header("ponte-execution-id"),
        ),
    ]) {
        assert_eq!(line["fields"]["status"], status, "{line}");
        assert!(line["fields"]["duration_ms"].is_number(), "{line}");
        let span = &line["span"];
        assert_eq!(span["function"], function, "{line}");
        assert_eq!(span["integration"], "acme", "{line}");
        assert_eq!(span["execution_id"].as_str(), header, "{line}");
    }
}
