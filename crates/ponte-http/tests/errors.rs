//! Every error code of the table, produced over real HTTP.

mod common;

use common::{CPF, CPF_BARE, FakeErp, TestApp};
use serde_json::{Value, json};

const TOKEN: &str = "erp-token-0b5c";

async fn setup() -> (TestApp, FakeErp, String) {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    (app, erp, key)
}

/// Nothing secret ever reaches a response body.
fn assert_clean(body: &Value, key: &str) {
    let text = body.to_string();
    for secret in [TOKEN, key, CPF_BARE, "529.982.247-25"] {
        assert!(!text.contains(secret), "`{secret}` leaked into {text}");
    }
    assert!(
        !text.contains("panicked") && !text.contains("src/"),
        "{text}"
    );
}

/// The problem's execution id is also the header, and names a stored run.
async fn assert_ran(app: &TestApp, answer: &common::Answer, body: &Value) {
    let id = body["execution_id"].as_str().expect("an automation ran");
    assert_eq!(answer.header("ponte-execution-id"), Some(id));
    let id = id.parse().unwrap();
    let record = app.execution(&id).await;
    assert_eq!(
        record.outcome,
        ponte_core::model::ExecutionOutcome::Error {
            code: body["code"].as_str().unwrap().to_owned()
        }
    );
}

/// Calls `function` with `input`, expects a run that failed with `status` and `code`, checks
/// that it ran (header and stored record), and answers the problem body.
async fn failed_run(
    app: &TestApp,
    key: &str,
    function: &str,
    input: Value,
    status: u16,
    code: &str,
) -> Value {
    let answer = app.call(key, function, input).await;
    let body = answer.problem(status);
    assert_eq!(body["code"], code);
    assert_ran(app, &answer, &body).await;
    body
}

#[tokio::test]
async fn a_body_that_is_not_json_is_invalid_json() {
    let (app, _erp, key) = setup().await;
    let answer = app
        .call_raw(
            Some(&key),
            "list_products",
            Some("application/json"),
            b"{nope".to_vec(),
        )
        .await;
    let body = answer.problem(400);
    assert_eq!(body["code"], "invalid_json");
    assert_eq!(body["type"], "/docs#error-invalid_json");
    // Only an empty body stands for `{}`; whitespace is a body, and not JSON.
    let answer = app
        .call_raw(
            Some(&key),
            "list_products",
            Some("application/json"),
            b"\t".to_vec(),
        )
        .await;
    assert_eq!(answer.problem(400)["code"], "invalid_json");
}

#[tokio::test]
async fn a_body_sent_as_text_is_an_unsupported_media_type() {
    let (app, _erp, key) = setup().await;
    let answer = app
        .call_raw(
            Some(&key),
            "list_products",
            Some("text/plain"),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(answer.problem(415)["code"], "unsupported_media_type");
}

#[tokio::test]
async fn inputs_that_break_the_contract_are_invalid_input_with_every_error() {
    let (app, _erp, key) = setup().await;
    let answer = app
        .call(
            &key,
            "list_customer_contacts",
            json!({"customer_document_number": 12, "x": 1}),
        )
        .await;
    let body = answer.problem(422);
    assert_eq!(body["code"], "invalid_input");
    let errors = body["errors"].as_array().unwrap();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"/customer_document_number"), "{body}");
    assert!(paths.contains(&"/x"), "{body}");
    for error in errors {
        assert!(
            error["expected"].is_string() && error["got"].is_string(),
            "{error}"
        );
    }
    assert!(body.get("execution_id").is_none());
}

#[tokio::test]
async fn a_cpf_with_wrong_check_digits_is_invalid_document_and_no_erp_is_called() {
    let (app, erp, key) = setup().await;
    let answer = app
        .call(
            &key,
            "list_customer_contacts",
            json!({"customer_document_number": "529.982.247-26"}),
        )
        .await;
    let body = answer.problem(422);
    assert_eq!(body["code"], "invalid_document");
    assert_eq!(body["errors"][0]["path"], "/customer_document_number");
    assert!(erp.credentials_seen().is_empty());
}

#[tokio::test]
async fn a_missing_malformed_or_unknown_key_is_unauthorized() {
    let (app, _erp, key) = setup().await;
    let missing = app.call_raw(None, "list_products", None, Vec::new()).await;
    assert_eq!(missing.problem(401)["code"], "unauthorized");
    // The same key with its last character changed (never to itself).
    let last = if key.ends_with('0') { '1' } else { '0' };
    let unknown = app
        .call(
            &format!("{}{last}", &key[..key.len() - 1]),
            "list_products",
            json!({}),
        )
        .await;
    assert_eq!(unknown.problem(401)["code"], "unauthorized");
    let listing = app.get(Some("ponte_nope"), "/v1/functions").await;
    assert_eq!(listing.problem(401)["code"], "unauthorized");
}

#[tokio::test]
async fn a_function_outside_the_catalog_is_unknown_function() {
    let (app, _erp, key) = setup().await;
    let answer = app.call(&key, "make_coffee", json!({})).await;
    assert_eq!(answer.problem(404)["code"], "unknown_function");
}

#[tokio::test]
async fn a_path_no_route_answers_is_not_found() {
    let (app, _erp, _key) = setup().await;
    assert_eq!(
        app.get(None, "/v2/nothing").await.problem(404)["code"],
        "not_found"
    );
}

#[tokio::test]
async fn a_path_that_does_not_decode_is_not_found() {
    let (app, _erp, _key) = setup().await;
    let answer = app.admin_get("/admin/v1/integrations/%FF%FE").await;
    // Without the admin API on, the admin token is refused first; with it on, the path is.
    assert_eq!(answer.problem(401)["code"], "unauthorized");
    let admin = TestApp::spawn_admin().await;
    let answer = admin.admin_get("/admin/v1/integrations/%FF%FE").await;
    assert_eq!(answer.problem(404)["code"], "not_found");
}

#[tokio::test]
async fn a_method_a_path_does_not_take_is_method_not_allowed_with_allow() {
    let (app, _erp, key) = setup().await;
    let client = reqwest::Client::new();
    for (method, path, allowed) in [
        (
            reqwest::Method::DELETE,
            "/v1/functions/list_products",
            "POST",
        ),
        (reqwest::Method::PUT, "/v1/functions", "GET"),
        (reqwest::Method::POST, "/v1/tools/qr.svg", "GET"),
    ] {
        let response = client
            .request(method.clone(), app.url(path))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains(allowed), "{method} {path}: Allow: {allow}");
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            (status, content_type.as_str()),
            (405, "application/problem+json"),
            "{method} {path}"
        );
        assert_eq!(body["code"], "method_not_allowed", "{body}");
    }
}

#[tokio::test]
async fn a_missing_or_unparsable_query_parameter_is_invalid_parameter_naming_it() {
    let (app, _erp, _key) = setup().await;
    for path in [
        "/v1/tools/document",
        "/v1/tools/boleto",
        "/v1/tools/pix/parse",
        "/v1/tools/barcode.svg",
        "/v1/tools/barcode.png",
        "/v1/tools/qr.svg",
        "/v1/tools/qr.png",
    ] {
        let body = app.get(None, path).await.problem(400);
        assert_eq!(body["code"], "invalid_parameter", "{path}: {body}");
        assert_eq!(body["errors"][0]["code"], "missing", "{path}: {body}");
        let name = body["errors"][0]["path"].as_str().unwrap().to_owned();
        assert!(
            ["?value", "?code", "?payload"].contains(&name.as_str()),
            "{path}: {body}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains(&name[1..]),
            "{path}: {body}"
        );
    }
    let body = app
        .get(None, "/v1/tools/qr.png?payload=x&px=huge")
        .await
        .problem(400);
    assert_eq!(body["code"], "invalid_parameter");
    assert_eq!(body["errors"][0]["path"], "?px");
    assert_eq!(body["errors"][0]["got"], "huge");
}

#[tokio::test]
async fn a_missing_key_is_refused_before_the_body_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (app, _erp, _key) = setup().await;
    // Headers announcing a mebibyte, then only a few bytes of it: a server that reads the body
    // first would wait for the rest and never answer.
    for authorization in ["", "Authorization: Bearer ponte_not_a_key\r\n"] {
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST /v1/functions/list_products HTTP/1.1\r\nHost: {}\r\n{authorization}\
             Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{{\"pad\": \"",
            app.addr
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
                .await
                .expect("answered without waiting for the body")
                .unwrap();
        let text = String::from_utf8_lossy(&answer[..read]).to_string();
        assert!(text.starts_with("HTTP/1.1 401"), "{text}");
        assert!(text.contains("application/problem+json"), "{text}");
        assert!(text.contains("\"unauthorized\""), "{text}");
    }
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_even_with_an_oversized_or_malformed_body() {
    let (app, _erp, _key) = setup().await;
    let oversized = format!("{{\"pad\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)).into_bytes();
    let bodies: [(&str, Vec<u8>); 3] = [
        ("application/json", oversized),
        ("application/json", b"{nope".to_vec()),
        ("text/plain", b"hello".to_vec()),
    ];
    for (content_type, body) in bodies {
        for key in [None, Some("ponte_0000")] {
            let answer = app
                .call_raw(key, "list_products", Some(content_type), body.clone())
                .await;
            assert_eq!(answer.problem(401)["code"], "unauthorized", "{key:?}");
        }
    }
}

#[tokio::test]
async fn a_client_over_its_tools_rate_is_rate_limited_with_retry_after() {
    let app = TestApp::spawn_with(|state| {
        state
            .with_tools(&ponte_http::ToolsConfig {
                requests_per_minute: 1,
                burst: 2,
                ..ponte_http::ToolsConfig::default()
            })
            .unwrap()
    })
    .await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let path = "/v1/tools/document?value=52998224725";
    for _ in 0..2 {
        assert_eq!(app.get(None, path).await.status, 200);
    }
    let answer = app.get(None, path).await;
    let body = answer.problem(429);
    assert_eq!(body["code"], "rate_limited");
    let retry_after: u64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // The limit is the tools': the functions are not counted against it.
    assert_eq!(app.call(&key, "list_products", json!({})).await.status, 200);
}

#[tokio::test]
async fn tools_that_require_a_key_refuse_a_call_without_a_valid_one() {
    let app = TestApp::spawn_with(|state| {
        state
            .with_tools(&ponte_http::ToolsConfig {
                require_api_key: true,
                ..ponte_http::ToolsConfig::default()
            })
            .unwrap()
    })
    .await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let path = "/v1/tools/document?value=52998224725";
    for wrong in [None, Some("ponte_nope")] {
        assert_eq!(
            app.get(wrong, path).await.problem(401)["code"],
            "unauthorized"
        );
    }
    assert_eq!(app.get(Some(&key), path).await.status, 200);
}

#[tokio::test]
async fn a_record_the_erp_does_not_have_is_not_found_in_erp_naming_the_automation_code() {
    let (app, _erp, key) = setup().await;
    let input = json!({
        "customer_document_number": CPF,
        "wda_user": {"id": "u1", "document_number": CPF},
        "changes": {"email": "novo@example.com"}
    });
    let body = failed_run(
        &app,
        &key,
        "update_customer",
        input,
        404,
        "not_found_in_erp",
    )
    .await;
    assert_eq!(body["automation_code"], "customer_not_found");
    assert_clean(&body, &key);
}

#[tokio::test]
async fn a_function_without_automation_is_function_not_configured() {
    let (app, _erp, key) = setup().await;
    let answer = app
        .call(&key, "get_boleto_pdf", json!({"boleto_id": "145535"}))
        .await;
    assert_eq!(answer.problem(501)["code"], "function_not_configured");
}

#[tokio::test]
async fn a_payment_transaction_id_used_with_other_data_is_transaction_conflict() {
    let (app, _erp, key) = setup().await;
    let payment = |boleto: &str| {
        json!({
            "transaction": {"id": "tx-1", "method": "pix", "amount": "99.90",
                            "paid_at": "2026-11-20T10:15:00-03:00"},
            "boleto_id": boleto,
            "customer_document_number": CPF_BARE
        })
    };
    let first = app.post_json(&key, "/v1/payments", payment("145535")).await;
    assert_eq!(first.status, 202, "{}", first.text);
    let answer = app.post_json(&key, "/v1/payments", payment("145536")).await;
    let body = answer.problem(409);
    assert_eq!(body["code"], "transaction_conflict");
    assert_clean(&body, &key);
}

#[tokio::test]
async fn an_inactive_integration_is_integration_inactive() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app.provision_with("off", &erp, |i| i.active = false).await;
    let answer = app.call(&key, "list_products", json!({})).await;
    assert_eq!(answer.problem(503)["code"], "integration_inactive");
    assert!(erp.credentials_seen().is_empty());
}

#[tokio::test]
async fn an_erp_answering_503_is_erp_unavailable() {
    let (app, _erp, key) = setup().await;
    let body = failed_run(
        &app,
        &key,
        "list_due_dates",
        json!({}),
        502,
        "erp_unavailable",
    )
    .await;
    assert_clean(&body, &key);
}

#[tokio::test]
async fn an_erp_that_keeps_failing_opens_the_circuit_erp_circuit_open() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app
        .provision_with("acme", &erp, |i| {
            i.settings.limits.breaker.failures = 2;
            i.settings.limits.breaker.open_ms = 60_000;
        })
        .await;
    let neighbour = app.provision("neighbour", &erp).await;
    for _ in 0..2 {
        let answer = app.call(&key, "list_due_dates", json!({})).await;
        assert_eq!(answer.problem(502)["code"], "erp_unavailable");
    }
    let requests = erp.credentials_seen().len();

    // Open: refused at once, without calling the ERP, for every function of the integration.
    for function in ["list_due_dates", "list_products"] {
        let answer = app.call(&key, function, json!({})).await;
        let body = answer.problem(503);
        assert_eq!(body["code"], "erp_circuit_open");
        assert!(body.get("execution_id").is_none(), "{body}");
        let retry_after: u64 = answer
            .header("retry-after")
            .expect("a Retry-After header")
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_clean(&body, &key);
    }
    assert_eq!(erp.credentials_seen().len(), requests);

    // The circuit is the integration's own: another one on the same ERP still calls it.
    assert_eq!(
        app.call(&neighbour, "list_products", json!({}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_erp_that_hangs_is_erp_timeout_within_the_integration_timeout() {
    let (app, _erp, key) = setup().await;
    failed_run(&app, &key, "list_resellers", json!({}), 504, "erp_timeout").await;
}

#[tokio::test]
async fn an_erp_that_hangs_never_holds_a_call_past_the_total_timeout() {
    let app = TestApp::spawn().await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app
        .provision_with("acme", &erp, |i| {
            i.settings.timeouts.request_ms = 60_000;
            i.settings.timeouts.function_ms = 600;
        })
        .await;
    let answer = app.call(&key, "list_resellers", json!({})).await;
    let body = answer.problem(504);
    assert_eq!(body["code"], "erp_timeout");
    assert!(
        body["detail"].as_str().unwrap().contains("600 ms"),
        "{body}"
    );
}

#[tokio::test]
async fn an_erp_refusal_is_erp_rejected_with_its_message_cleaned_of_html() {
    let (app, _erp, key) = setup().await;
    let body = failed_run(
        &app,
        &key,
        "list_commercial_origins",
        json!({}),
        502,
        "erp_rejected",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Cliente bloqueado por d"),
        "{body}"
    );
}

#[tokio::test]
async fn a_fail_step_is_erp_rejected_naming_the_automation_code_and_masking_the_document() {
    let (app, _erp, key) = setup().await;
    let input = json!({"customer_document_number": CPF, "contract_id": "9"});
    let body = failed_run(&app, &key, "trust_unlock", input, 502, "erp_rejected").await;
    assert_eq!(body["automation_code"], "contract_not_blocked");
    assert!(
        body["detail"].as_str().unwrap().contains("contract 9"),
        "{body}"
    );
    assert_clean(&body, &key);
}

#[tokio::test]
async fn an_output_that_breaks_the_contract_is_erp_invalid_response_naming_the_field() {
    let (app, _erp, key) = setup().await;
    let input = json!({"customer_document_number": CPF});
    let function = "get_internal_pendency_messages";
    let body = failed_run(&app, &key, function, input, 502, "erp_invalid_response").await;
    assert!(body["detail"].as_str().unwrap().contains("/0"), "{body}");
}

#[tokio::test]
async fn credentials_the_erp_refuses_are_erp_auth_failed_without_the_token() {
    let (app, _erp, key) = setup().await;
    let input = json!({"customer_document_number": CPF});
    let body = failed_run(
        &app,
        &key,
        "list_customer_plans",
        input,
        502,
        "erp_auth_failed",
    )
    .await;
    assert_clean(&body, &key);
}

#[tokio::test]
async fn a_host_outside_the_allowed_hosts_is_host_not_allowed() {
    let (app, _erp, key) = setup().await;
    let input = json!({"customer_document_number": CPF});
    let function = "list_customer_blocked_plans";
    failed_run(&app, &key, function, input, 502, "host_not_allowed").await;
}

#[tokio::test]
async fn an_automation_over_its_step_limit_is_limit_exceeded() {
    let (app, _erp, key) = setup().await;
    let input = json!({"customer_document_number": CPF});
    failed_run(
        &app,
        &key,
        "list_fiscal_notes",
        input,
        502,
        "limit_exceeded",
    )
    .await;
}

#[tokio::test]
async fn an_automation_failing_on_its_data_is_automation_error() {
    let (app, _erp, key) = setup().await;
    let input =
        json!({"customer_document_number": CPF, "subject": "Sem sinal", "message": "Desde ontem"});
    failed_run(&app, &key, "create_ticket", input, 502, "automation_error").await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_payload_too_large() {
    let app = TestApp::spawn_with(|state| state.with_body_limit(1024)).await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    let key = app.provision("acme", &erp).await;
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(64 * 1024));
    let answer = app
        .call_raw(
            Some(&key),
            "list_products",
            Some("application/json"),
            big.into_bytes(),
        )
        .await;
    assert_eq!(answer.problem(413)["code"], "payload_too_large");
}

#[tokio::test]
async fn a_body_over_the_default_mebibyte_is_payload_too_large() {
    let (app, _erp, key) = setup().await;
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024 + 16));
    let answer = app
        .call_raw(
            Some(&key),
            "list_products",
            Some("application/json"),
            big.into_bytes(),
        )
        .await;
    assert_eq!(answer.problem(413)["code"], "payload_too_large");
}

#[tokio::test]
async fn a_failing_database_is_internal_with_no_details() {
    let (app, _erp, key) = setup().await;
    app.store.close().await;
    // What calls read is in memory: a known key is still served while the database is down.
    let answer = app.call(&key, "list_products", json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    // A key the snapshot does not know needs the database to be told apart from a wrong one.
    let unknown = format!("ponte_{}", "5".repeat(64));
    let answer = app.call(&unknown, "list_products", json!({})).await;
    let body = answer.problem(500);
    assert_eq!(body["code"], "internal");
    let detail = body["detail"].as_str().unwrap().to_lowercase();
    for internal in ["sqlite", "pool", "database", "sqlx"] {
        assert!(!detail.contains(internal), "{body}");
    }
    assert_eq!(app.get(None, "/readyz").await.status, 503);
}

/// The flows' own codes, against the IXC simulator (`flows.rs` has the full cases).
#[tokio::test]
async fn the_flows_answer_order_conflict_association_missing_and_pendency_rules_invalid() {
    use common::ixc::IxcApp;
    use ponte_core::model::{PendencyMatch, PendencyRule};
    let app = IxcApp::start(|i| {
        i.settings.skip_customer_check = true;
        i.settings.pendency_rules = vec![PendencyRule {
            label: "broken".into(),
            kind: PendencyMatch::Regex,
            pattern: "[".into(),
        }];
    })
    .await;
    let order = |price: &str| {
        json!({"message": "Pedido 1", "order": {
            "id": "1",
            "customer": {"name": "Ana", "document_number": CPF, "phone": "(47) 99123-4567"},
            "items": [{"product_id": "p-1", "name": "FIBRA", "price": price, "quantity": 1}]
        }})
    };
    let placed = app.post("/v1/orders", order("10.00")).await;
    assert_eq!(placed.status, 200, "{}", placed.text);
    let body = app.post("/v1/orders", order("11.00")).await.problem(409);
    assert_eq!(body["code"], "order_conflict");
    assert_clean(&body, &app.ixc().key);

    let set = app
        .admin(
            reqwest::Method::PUT,
            "/admin/v1/integrations/ixc/associations/products",
            Some(json!([{"platform_code": "p-2", "erp_code": "5"}])),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let mut other = order("10.00");
    other["order"]["id"] = json!("2");
    let body = app.post("/v1/orders", other).await.problem(422);
    assert_eq!(body["code"], "association_missing");
    assert_eq!(body["errors"][0]["path"], "/order/items/0/product_id");

    let body = app
        .get(&format!("/v1/customers/{CPF_BARE}/pendency"))
        .await
        .problem(500);
    assert_eq!(body["code"], "pendency_rules_invalid");
    assert_clean(&body, &app.ixc().key);

    // Signed links: past their time, and changed.
    let past = time::OffsetDateTime::now_utc() - time::Duration::days(2);
    let url = app
        .ponte
        .links()
        .link("/v1/invoices/5/barcode.svg", "ixc", "1", past);
    let body = app.get(&url).await.problem(403);
    assert_eq!(body["code"], "link_expired");
    let body = app.get(&format!("{url}0")).await.problem(403);
    assert_eq!(body["code"], "link_invalid");
}

#[tokio::test]
async fn every_code_of_the_table_is_produced_by_a_test_in_this_file() {
    let source = include_str!("errors.rs");
    for code in ponte_core::service::ErrorCode::ALL {
        let needle = format!("\"{}\"", code.code());
        assert!(
            source.contains(&needle),
            "no test above produces `{}`",
            code.code()
        );
    }
}

#[tokio::test]
async fn a_viewer_changing_anything_is_forbidden() {
    let app = TestApp::spawn_admin().await;
    let added = app
        .admin_post(
            "/admin/v1/operators",
            json!({"name": "leitor", "role": "viewer", "password": "reads but never writes 1"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let session = app
        .admin_as(
            None,
            reqwest::Method::POST,
            "/admin/v1/sessions",
            Some(json!({"name": "leitor", "password": "reads but never writes 1"})),
        )
        .await
        .json();
    let token = session["token"].as_str().unwrap();
    let body = app
        .admin_as(
            Some(token),
            reqwest::Method::POST,
            "/admin/v1/operators",
            Some(json!({"name": "outro", "role": "admin", "password": "another long one 22"})),
        )
        .await
        .problem(403);
    assert_eq!(body["code"], "forbidden");
}

#[tokio::test]
async fn a_broken_version_is_automation_invalid_and_a_file_bound_function_managed_by_file() {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(TOKEN, "Fibra 300").await;
    app.provision_with("acme", &erp, |i| {
        i.bindings.insert(
            "list_resellers".into(),
            ponte_core::model::AutomationRef::File {
                path: "list_resellers.yaml".into(),
                sha256: "00".repeat(32),
            },
        );
    })
    .await;
    let body = app
        .admin_post(
            "/admin/v1/integrations/acme/functions/list_products/versions",
            json!({"source": "function: list_products\nsteps: [\n"}),
        )
        .await
        .problem(422);
    assert_eq!(body["code"], "automation_invalid");
    assert!(body["diagnostics"][0]["line"].as_u64().is_some(), "{body}");

    let body = app
        .admin_post(
            "/admin/v1/integrations/acme/functions/list_resellers/rollback",
            json!({}),
        )
        .await
        .problem(409);
    assert_eq!(body["code"], "managed_by_file");
}
