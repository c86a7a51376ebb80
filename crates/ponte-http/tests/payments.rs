//! Payments over loopback (SPEC §5.3): Ponte runs the shipped IXC preset against the IXC
//! simulator, and every outcome of a settlement is produced for real: settled once, each
//! error code of a failed settlement, `409 transaction_conflict`, `422` for a malformed
//! request, an ERP down until the retry period ends and the operator's retry, and a write-off
//! whose answer is lost.

use std::sync::Arc;
use std::time::Duration;

use ponte_automation::{Engine, ReqwestTransport};
use ponte_catalog::FunctionId;
use ponte_core::crypto::AesGcmCipher;
use ponte_core::model::{AutomationRef, Integration, IntegrationId};
use ponte_core::service::{PaymentSettings, Ponte, PresetSource};
use ponte_core::store::Store;
use ponte_http::AppState;
use ponte_simulators::faults::{Fault, FaultRule};
use ponte_simulators::ixc::{self, IxcConfig};
use ponte_store_sqlite::SqliteStore;
use secrecy::SecretString;
use serde_json::{Value, json};

const ADMIN: &str = "an-admin-token-for-the-payment-tests-7d2e";
const SETTLE_PATH: &str = "/webservice/v1/fn_areceber_recebimentos_baixas_novo";

#[derive(Debug)]
struct Shipped;

impl PresetSource for Shipped {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        let yaml = ponte_presets::preset(preset)?.automation(function)?;
        Some((format!("{preset}/{function}.yaml"), yaml.to_owned()))
    }
}

/// An open invoice as Ponte lists it, with its customer's document.
#[derive(Debug, Clone)]
struct Payable {
    document: String,
    boleto_id: String,
    amount: String,
}

struct PayApp {
    base: String,
    key: String,
    erp: ixc::RunningIxc,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn quick_settings() -> PaymentSettings {
    PaymentSettings {
        workers: 2,
        poll_interval: Duration::from_millis(50),
        backoff_initial: Duration::from_millis(100),
        backoff_max: Duration::from_millis(300),
        max_retry: Duration::from_secs(3_600),
        lease: Duration::from_secs(1),
        request_wait: Duration::from_secs(5),
    }
}

impl PayApp {
    async fn start(settings: PaymentSettings) -> PayApp {
        PayApp::start_with(settings, |_| {}).await
    }

    /// The same, with a last change to the integration before it is stored.
    async fn start_with(
        settings: PaymentSettings,
        adjust: impl FnOnce(&mut Integration),
    ) -> PayApp {
        let config = IxcConfig::default();
        let erp = ixc::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ponte.db").display());
        let cipher = Arc::new(AesGcmCipher::new(1, &[3u8; 32]).unwrap());
        let store = Arc::new(SqliteStore::connect(&url, cipher).await.unwrap());
        let id = IntegrationId::parse("ixc").unwrap();
        let mut integration = Integration::new(id.clone(), "IXC simulado");
        integration.preset = Some("ixc".into());
        integration.variables = [
            ("base_url".to_owned(), erp.base_url()),
            ("ixc_user_id".to_owned(), config.user_id.clone()),
            ("with_pix".to_owned(), "N".to_owned()),
        ]
        .into();
        integration.settings.payment = json!({"account_id": "1"}).as_object().unwrap().clone();
        integration.settings.timeouts.request_ms = 800;
        integration.settings.timeouts.function_ms = 2_000;
        for function in ponte_catalog::catalog() {
            integration.bindings.insert(
                function.id.as_str().to_owned(),
                AutomationRef::Preset {
                    preset: "ixc".into(),
                },
            );
        }
        adjust(&mut integration);
        store.create_integration(&integration).await.unwrap();
        store
            .set_secret(&id, "ixc_token", &SecretString::from(config.token.clone()))
            .await
            .unwrap();
        let key = store.create_api_key(&id).await.unwrap().plain.reveal();
        let transport = ReqwestTransport::new(false).unwrap();
        let ponte = Arc::new(
            Ponte::new(store, Engine::new(Arc::new(transport)), Arc::new(Shipped))
                .with_payment_settings(settings),
        );
        ponte.refresh().await.unwrap();
        tokio::spawn(ponte.clone().run_payment_workers());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(ponte_http::serve(
            listener,
            AppState::new(ponte).with_admin_token(SecretString::from(ADMIN)),
            std::future::pending(),
        ));
        PayApp {
            base: format!("http://{addr}"),
            key,
            erp,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// Open invoices of the seeded customers, as `list_invoices` answers them.
    async fn payables(&self, wanted: usize) -> Vec<Payable> {
        let mut found = Vec::new();
        for customer in self.erp.state().customers() {
            let listed: Value = self
                .client
                .post(format!("{}/v1/functions/list_invoices", self.base))
                .bearer_auth(&self.key)
                .json(&json!({"customer_document_number": customer.document}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for invoice in listed.as_array().into_iter().flatten() {
                found.push(Payable {
                    document: customer.document.clone(),
                    boleto_id: invoice["remote_id"].as_str().unwrap().to_owned(),
                    amount: invoice["valor_final"].as_str().unwrap().to_owned(),
                });
                if found.len() == wanted {
                    return found;
                }
            }
        }
        panic!("the seed has only {} open invoices", found.len());
    }

    async fn submit(&self, body: &Value) -> (u16, Value) {
        let answer = self
            .client
            .post(format!("{}/v1/payments", self.base))
            .bearer_auth(&self.key)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap())
    }

    async fn get(&self, transaction: &str) -> (u16, Value) {
        let answer = self
            .client
            .get(format!("{}/v1/payments/{transaction}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap())
    }

    /// Polls the payment until it is final.
    async fn final_state(&self, transaction: &str) -> Value {
        for _ in 0..200 {
            let (status, body) = self.get(transaction).await;
            assert_eq!(status, 200, "{body}");
            if body["state"] == "settled" || body["state"] == "failed" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("payment {transaction} did not end");
    }

    /// How many write-offs the simulator's ledger has for `boleto_id`.
    async fn writeoffs(&self, boleto_id: &str) -> u64 {
        let ledger: Value = self
            .client
            .get(format!("{}/__sim/writeoffs", self.erp.root_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ledger["counts"][boleto_id].as_u64().unwrap_or(0)
    }

    async fn admin(&self, method: reqwest::Method, path: &str) -> (u16, Value) {
        let answer = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap())
    }
}

fn payment(transaction: &str, payable: &Payable, amount: &str) -> Value {
    json!({
        "transaction": {
            "id": transaction,
            "method": "pix",
            "amount": amount,
            "paid_at": "2026-03-10T10:15:00-03:00",
            "end_to_end_id": format!("E{transaction}")
        },
        "boleto_id": payable.boleto_id,
        "customer_document_number": payable.document
    })
}

fn states(body: &Value) -> Vec<String> {
    body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["state"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_erp_answers_kept_in_a_settlements_history_follow_the_integrations_privacy_rules() {
    // IXC's write-off answer carries no personal data, so the test names two of its fields as
    // private: the history must keep them masked, as a stored trace would.
    let app = PayApp::start_with(quick_settings(), |integration| {
        let privacy = &mut integration.settings.privacy;
        privacy.credentials.push("message".into());
        privacy.personal.push("id".into());
    })
    .await;
    let invoice = app.payables(1).await.remove(0);
    let body = payment("tx-private", &invoice, &invoice.amount);
    let (status, settled) = app.submit(&body).await;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["state"], "settled", "{settled}");
    let answer = &settled["history"][3]["erp_answer"];
    assert_eq!(answer["type"], "success", "{settled}");
    assert_eq!(answer["message"], "[REDACTED]", "{settled}");
    assert_eq!(answer["id"], "***", "{settled}");
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);
}

#[tokio::test]
async fn a_paid_open_invoice_is_settled_once_and_a_repeat_answers_the_same_settlement() {
    let app = PayApp::start(quick_settings()).await;
    let invoice = app.payables(1).await.remove(0);
    let body = payment("tx-once", &invoice, &invoice.amount);
    let (status, first) = app.submit(&body).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["transaction_id"], "tx-once");
    assert_eq!(first["state"], "settled", "{first}");
    assert_eq!(first["error"], Value::Null);
    assert_eq!(
        states(&first),
        ["pending", "verifying", "settling", "settled"]
    );
    assert_eq!(
        first["history"][3]["erp_answer"]["type"], "success",
        "{first}"
    );
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);

    // The same request again, with its keys in another order: the same settlement.
    let mut reordered = serde_json::Map::new();
    for key in ["customer_document_number", "boleto_id", "transaction"] {
        reordered.insert(key.to_owned(), body[key].clone());
    }
    let (status, again) = app.submit(&Value::Object(reordered)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["history"], first["history"]);
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);
    let (status, read) = app.get("tx-once").await;
    assert_eq!(status, 200);
    assert_eq!(read["state"], "settled");
}

#[tokio::test]
async fn the_same_transaction_id_with_other_data_is_409_transaction_conflict() {
    let app = PayApp::start(quick_settings()).await;
    let invoices = app.payables(2).await;
    let (status, _) = app
        .submit(&payment("tx-conflict", &invoices[0], &invoices[0].amount))
        .await;
    assert_eq!(status, 200);
    let (status, problem) = app
        .submit(&payment("tx-conflict", &invoices[1], &invoices[1].amount))
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["code"], "transaction_conflict", "{problem}");
    assert_eq!(app.writeoffs(&invoices[1].boleto_id).await, 0);
}

#[tokio::test]
async fn a_malformed_payment_is_422_and_nothing_is_stored() {
    let app = PayApp::start(quick_settings()).await;
    let invoice = app.payables(1).await.remove(0);
    let mut no_amount = payment("tx-bad", &invoice, &invoice.amount);
    no_amount["transaction"]
        .as_object_mut()
        .unwrap()
        .remove("amount");
    let (status, problem) = app.submit(&no_amount).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "invalid_input", "{problem}");

    let mut bad_document = payment("tx-bad", &invoice, &invoice.amount);
    bad_document["customer_document_number"] = json!("529.982.247-26");
    let (status, problem) = app.submit(&bad_document).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "invalid_document", "{problem}");

    let (status, problem) = app.get("tx-bad").await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["code"], "not_found");
}

#[tokio::test]
async fn an_unknown_boleto_fails_with_boleto_not_found() {
    let app = PayApp::start(quick_settings()).await;
    let mut invoice = app.payables(1).await.remove(0);
    invoice.boleto_id = "99999999".into();
    let (status, body) = app.submit(&payment("tx-unknown", &invoice, "10.00")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "failed", "{body}");
    assert_eq!(body["error"]["code"], "boleto_not_found", "{body}");
    assert!(!states(&body).contains(&"settling".to_owned()));
}

#[tokio::test]
async fn another_customers_boleto_fails_with_boleto_of_another_customer() {
    let app = PayApp::start(quick_settings()).await;
    let invoices = app.payables(40).await;
    let mine = &invoices[0];
    let theirs = invoices
        .iter()
        .find(|i| i.document != mine.document)
        .expect("two customers with open invoices");
    let mut body = payment("tx-theirs", theirs, &theirs.amount);
    body["customer_document_number"] = json!(mine.document);
    let (status, body) = app.submit(&body).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "failed", "{body}");
    assert_eq!(
        body["error"]["code"], "boleto_of_another_customer",
        "{body}"
    );
    assert_eq!(app.writeoffs(&theirs.boleto_id).await, 0);
}

#[tokio::test]
async fn an_amount_that_matches_neither_value_fails_with_amount_mismatch() {
    let app = PayApp::start(quick_settings()).await;
    let invoice = app.payables(1).await.remove(0);
    let (status, body) = app.submit(&payment("tx-amount", &invoice, "0.01")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "failed", "{body}");
    assert_eq!(body["error"]["code"], "amount_mismatch", "{body}");
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 0);
}

#[tokio::test]
async fn an_invoice_already_paid_elsewhere_fails_with_invoice_not_open() {
    let app = PayApp::start(quick_settings()).await;
    let invoice = app.payables(1).await.remove(0);
    let (status, _) = app
        .submit(&payment("tx-first", &invoice, &invoice.amount))
        .await;
    assert_eq!(status, 200);
    // Another payment for the same invoice: the money needs an operator.
    let (status, body) = app
        .submit(&payment("tx-second", &invoice, &invoice.amount))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "failed", "{body}");
    assert_eq!(body["error"]["code"], "invoice_not_open", "{body}");
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);
}

#[tokio::test]
async fn an_erp_down_past_the_retry_period_fails_and_the_operators_retry_settles_it() {
    let mut settings = quick_settings();
    settings.max_retry = Duration::from_secs(1);
    settings.request_wait = Duration::from_millis(200);
    let app = PayApp::start(settings).await;
    let invoice = app.payables(1).await.remove(0);
    app.erp.faults().set(Fault::Status(503));
    let (status, body) = app
        .submit(&payment("tx-down", &invoice, &invoice.amount))
        .await;
    assert_eq!(status, 202, "{body}");
    let body = app.final_state("tx-down").await;
    assert_eq!(body["state"], "failed", "{body}");
    assert!(
        body["error"]["code"].as_str().unwrap().starts_with("erp_"),
        "{body}"
    );
    assert!(body["attempts"].as_u64().unwrap() >= 2, "{body}");

    let (status, failed) = app
        .admin(reqwest::Method::GET, "/admin/v1/payments?state=failed")
        .await;
    assert_eq!(status, 200, "{failed}");
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["transaction_id"], "tx-down");
    assert_eq!(failed[0]["integration"], "ixc");

    app.erp.faults().clear();
    let (status, retried) = app
        .admin(reqwest::Method::POST, "/admin/v1/payments/tx-down/retry")
        .await;
    assert_eq!(status, 200, "{retried}");
    let body = app.final_state("tx-down").await;
    assert_eq!(body["state"], "settled", "{body}");
    assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);

    let (status, problem) = app
        .admin(reqwest::Method::POST, "/admin/v1/payments/tx-down/retry")
        .await;
    assert_eq!(status, 422, "only a failed payment is retried: {problem}");
}

#[tokio::test]
async fn a_write_off_whose_answer_is_lost_is_settled_once_on_the_next_attempt() {
    for fault in [
        Fault::LostAnswer,
        Fault::LostAnswerStatus(502),
        Fault::LostAnswerHang,
    ] {
        let app = PayApp::start(quick_settings()).await;
        let invoice = app.payables(1).await.remove(0);
        app.erp
            .faults()
            .add(FaultRule::times(1, fault.clone()).on_path(SETTLE_PATH));
        app.submit(&payment("tx-lost", &invoice, &invoice.amount))
            .await;
        let body = app.final_state("tx-lost").await;
        assert_eq!(body["state"], "settled", "{fault:?}: {body}");
        let seen = states(&body);
        assert!(
            seen.iter().filter(|s| *s == "verifying").count() >= 2,
            "{fault:?}: verified again after the lost answer: {seen:?}"
        );
        assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1, "{fault:?}");
    }
}

#[tokio::test]
async fn integer_transaction_ids_key_their_own_settlements() {
    let app = PayApp::start(quick_settings()).await;
    let invoices = app.payables(2).await;
    // Two payments whose ids are integers: each its own settlement, found by its decimal id.
    for (n, invoice) in invoices.iter().enumerate() {
        let mut body = payment("unused", invoice, &invoice.amount);
        body["transaction"]["id"] = json!(9_000 + n);
        let (status, answer) = app.submit(&body).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            answer["transaction_id"],
            format!("{}", 9_000 + n),
            "{answer}"
        );
        assert_eq!(answer["state"], "settled", "{answer}");
        assert_eq!(app.writeoffs(&invoice.boleto_id).await, 1);
    }
    let (status, read) = app.get("9001").await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["state"], "settled");
}
