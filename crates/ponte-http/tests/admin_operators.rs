//! Operators, their sessions, roles and the audit log, over real HTTP: a viewer is refused
//! every change and nothing changes; an expired or ended session is unauthorized; passwords,
//! their hashes and session tokens never appear in an answer, a log line or the audit log.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{ADMIN_TOKEN, Answer, FakeErp, TestApp};
use ponte_core::model::OperatorSession;
use ponte_core::store::Store;
use reqwest::Method;
use serde_json::{Value, json};

const ERP_TOKEN: &str = "erp-token-op-51c7";
const MARIA_PASSWORD: &str = "a long passphrase of hers 7";
const JOAO_PASSWORD: &str = "he reads everything 42";

/// Ponte with the admin API, the integration `acme`, an admin `maria` and a viewer `joao`.
async fn setup() -> (TestApp, FakeErp) {
    let app = TestApp::spawn_admin().await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    app.provision("acme", &erp).await;
    for (name, role, password) in [
        ("maria", "admin", MARIA_PASSWORD),
        ("joao", "viewer", JOAO_PASSWORD),
    ] {
        let added = app
            .admin_post(
                "/admin/v1/operators",
                json!({"name": name, "role": role, "password": password}),
            )
            .await;
        assert_eq!(added.status, 201, "{}", added.text);
    }
    (app, erp)
}

async fn sign_in(app: &TestApp, name: &str, password: &str) -> Answer {
    app.admin_as(
        None,
        Method::POST,
        "/admin/v1/sessions",
        Some(json!({"name": name, "password": password})),
    )
    .await
}

async fn token_of(app: &TestApp, name: &str, password: &str) -> String {
    let answer = sign_in(app, name, password).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.json()["token"].as_str().unwrap().to_owned()
}

async fn audit(app: &TestApp, query: &str) -> Vec<Value> {
    let answer = app.admin_get(&format!("/admin/v1/audit{query}")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["entries"].as_array().unwrap().clone()
}

/// Every route that changes something, with a body that would be accepted from an admin.
fn change_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::POST, "/admin/v1/integrations/acme/api-keys", None),
        (
            Method::DELETE,
            "/admin/v1/integrations/acme/api-keys/0194f5c2-7b3a-7c11-9e5d-3f1a2b4c5d6e",
            None,
        ),
        (
            Method::POST,
            "/admin/v1/integrations/acme/test-runs/list_products",
            Some(json!({})),
        ),
        (Method::POST, "/admin/v1/payments/tx-1/retry", None),
        (Method::DELETE, "/admin/v1/integrations/acme/cache", None),
        (
            Method::PUT,
            "/admin/v1/integrations/acme/associations/products",
            Some(json!([{"platform_code": "p-1", "erp_code": "1"}])),
        ),
        (
            Method::POST,
            "/admin/v1/operators",
            Some(json!({"name": "ana", "role": "admin", "password": "her passphrase 99"})),
        ),
        (Method::DELETE, "/admin/v1/operators/maria", None),
        (
            Method::POST,
            "/admin/v1/integrations",
            Some(json!({"id": "nova", "name": "Nova"})),
        ),
        (
            Method::PATCH,
            "/admin/v1/integrations/acme",
            Some(json!({"active": false})),
        ),
        (Method::DELETE, "/admin/v1/integrations/acme", None),
        (
            Method::PUT,
            "/admin/v1/integrations/acme/secrets/token",
            Some(json!({"value": "stolen"})),
        ),
        (
            Method::DELETE,
            "/admin/v1/integrations/acme/secrets/token",
            None,
        ),
    ]
}

#[tokio::test]
async fn an_operator_signs_in_and_acts_under_its_own_name_in_the_audit_log() {
    let (app, _erp) = setup().await;
    let answer = sign_in(&app, "maria", MARIA_PASSWORD).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let session = answer.json();
    assert_eq!(
        session["operator"],
        json!({"name": "maria", "role": "admin"})
    );
    assert!(
        session["csrf_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 32)
    );
    let expires = time::OffsetDateTime::parse(
        session["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let hours = (expires - time::OffsetDateTime::now_utc()).whole_minutes();
    assert!((11 * 60..=12 * 60).contains(&hours), "{hours} minutes");
    let token = session["token"].as_str().unwrap();

    let created = app
        .admin_as(
            Some(token),
            Method::POST,
            "/admin/v1/integrations/acme/api-keys",
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let key_id = created.json()["id"].as_str().unwrap().to_owned();

    let entries = audit(&app, "?actor=maria").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "api_key.create");
    assert_eq!(
        entries[0]["target"],
        format!("integration:acme/api_key:{key_id}")
    );
    assert_eq!(entries[0]["after"]["revoked"], false);

    let added = audit(&app, "?actor=admin-token").await;
    let actions: Vec<_> = added
        .iter()
        .map(|e| (e["action"].clone(), e["target"].clone()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (json!("operator.add"), json!("operator:joao")),
            (json!("operator.add"), json!("operator:maria")),
        ]
    );
    assert_eq!(
        added[0]["after"],
        json!({"name": "joao", "role": "viewer", "disabled": false})
    );

    let listed = app.admin_get("/admin/v1/operators").await.json();
    assert_eq!(
        listed["operators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["name"].clone(), o["role"].clone()))
            .collect::<Vec<_>>(),
        vec![
            (json!("joao"), json!("viewer")),
            (json!("maria"), json!("admin"))
        ]
    );
}

#[tokio::test]
async fn a_viewer_reads_but_is_refused_every_change_and_nothing_changes() {
    let (app, _erp) = setup().await;
    let token = token_of(&app, "joao", JOAO_PASSWORD).await;

    let read = app
        .admin_as(
            Some(&token),
            Method::GET,
            "/admin/v1/integrations/acme",
            None,
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    let keys_before = app
        .admin_get("/admin/v1/integrations/acme/api-keys")
        .await
        .text;
    let operators_before = app.admin_get("/admin/v1/operators").await.text;
    let audit_before = audit(&app, "").await;

    for (method, path, body) in change_routes() {
        let answer = app.admin_as(Some(&token), method.clone(), path, body).await;
        let problem = answer.problem(403);
        assert_eq!(problem["code"], "forbidden", "{method} {path}");
        assert!(
            problem["detail"].as_str().unwrap().contains("viewer"),
            "{problem}"
        );
    }

    assert_eq!(
        app.admin_get("/admin/v1/integrations/acme/api-keys")
            .await
            .text,
        keys_before
    );
    assert_eq!(
        app.admin_get("/admin/v1/operators").await.text,
        operators_before
    );
    assert_eq!(audit(&app, "").await, audit_before);
    let associations = app
        .admin_get("/admin/v1/integrations/acme/associations/products")
        .await
        .json();
    assert_eq!(associations, json!([]));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_name_is_unauthorized_alike() {
    let (app, _erp) = setup().await;
    let wrong = sign_in(&app, "maria", "not maria's password")
        .await
        .problem(401);
    let unknown = sign_in(&app, "nobody", MARIA_PASSWORD).await.problem(401);
    assert_eq!(wrong["code"], "unauthorized");
    assert_eq!(wrong["detail"], unknown["detail"]);

    let garbage = app
        .admin_as(
            Some("pses_0000000000000000000000000000000000000000000000000000000000000000"),
            Method::GET,
            "/admin/v1/integrations",
            None,
        )
        .await;
    assert_eq!(garbage.problem(401)["code"], "unauthorized");
}

#[tokio::test]
async fn an_expired_session_is_unauthorized() {
    let (app, _erp) = setup().await;
    let token = "pses_expired0000000000000000000000000000000000000000000000000000000";
    let hash = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    let now = time::OffsetDateTime::now_utc();
    app.store
        .create_session(&OperatorSession {
            token_hash: hash.clone(),
            operator: "maria".into(),
            csrf_token: "c".repeat(64),
            created_at: now - time::Duration::hours(13),
            expires_at: now - time::Duration::hours(1),
        })
        .await
        .unwrap();
    let answer = app
        .admin_as(Some(token), Method::GET, "/admin/v1/integrations", None)
        .await;
    let problem = answer.problem(401);
    assert_eq!(problem["code"], "unauthorized");
    assert!(problem["detail"].as_str().unwrap().contains("expired"));

    // The same session, still running, opens the admin API: the refusal was the expiry.
    app.store.delete_session(&hash).await.unwrap();
    app.store
        .create_session(&OperatorSession {
            token_hash: hash,
            operator: "maria".into(),
            csrf_token: "c".repeat(64),
            created_at: now,
            expires_at: now + time::Duration::hours(1),
        })
        .await
        .unwrap();
    let answer = app
        .admin_as(Some(token), Method::GET, "/admin/v1/integrations", None)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn signing_out_or_removing_the_operator_ends_the_session() {
    let (app, _erp) = setup().await;
    let token = token_of(&app, "maria", MARIA_PASSWORD).await;
    let out = app
        .admin_as(
            Some(&token),
            Method::DELETE,
            "/admin/v1/sessions/current",
            None,
        )
        .await;
    assert_eq!(out.status, 204, "{}", out.text);
    let after = app
        .admin_as(Some(&token), Method::GET, "/admin/v1/integrations", None)
        .await;
    assert_eq!(after.problem(401)["code"], "unauthorized");

    let token = token_of(&app, "joao", JOAO_PASSWORD).await;
    let removed = app.admin_delete("/admin/v1/operators/joao").await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let after = app
        .admin_as(Some(&token), Method::GET, "/admin/v1/integrations", None)
        .await;
    assert_eq!(after.problem(401)["code"], "unauthorized");
    assert_eq!(
        app.admin_delete("/admin/v1/operators/joao")
            .await
            .problem(404)["code"],
        "not_found"
    );
    let entries = audit(&app, "?target=operator:joao").await;
    assert_eq!(entries[0]["action"], "operator.remove");
    assert_eq!(entries[0]["after"], Value::Null);
}

#[tokio::test]
async fn a_bad_operator_is_refused_naming_the_field_and_nothing_is_created() {
    let (app, _erp) = setup().await;
    for (body, field) in [
        (
            json!({"name": "ana", "role": "admin", "password": "short"}),
            "/password",
        ),
        (
            json!({"name": "ana", "role": "admin", "password": ""}),
            "/password",
        ),
        (
            json!({"name": "ana", "role": "admin", "password": "ana-passphrase-2026"}),
            "/password",
        ),
        (
            json!({"name": "Ana!", "role": "admin", "password": "a long passphrase 1"}),
            "/name",
        ),
        (
            json!({"name": "ana", "role": "root", "password": "a long passphrase 1"}),
            "/role",
        ),
        (
            json!({"name": "ana", "password": "a long passphrase 1"}),
            "/role",
        ),
        (
            json!({"name": "maria", "role": "admin", "password": "a long passphrase 1"}),
            "/name",
        ),
    ] {
        let answer = app.admin_post("/admin/v1/operators", body.clone()).await;
        let problem = answer.problem(422);
        assert_eq!(problem["code"], "invalid_input", "{body}");
        assert_eq!(problem["errors"][0]["path"], field, "{body}: {problem}");
    }
    let listed = app.admin_get("/admin/v1/operators").await.json();
    assert_eq!(listed["operators"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_audit_log_filters_by_integration_and_time_and_pages() {
    let (app, _erp) = setup().await;
    for _ in 0..3 {
        let created = app
            .admin_post("/admin/v1/integrations/acme/api-keys", json!({}))
            .await;
        assert_eq!(created.status, 201);
    }
    let of_acme = audit(&app, "?integration=acme").await;
    assert_eq!(of_acme.len(), 3);
    assert!(of_acme.iter().all(|e| e["action"] == "api_key.create"));

    let page = app.admin_get("/admin/v1/audit?limit=2").await.json();
    assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    let next = page["next"].as_i64().unwrap();
    let rest = app
        .admin_get(&format!("/admin/v1/audit?limit=2&before={next}"))
        .await
        .json();
    let first_ids: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["entries"].as_array().unwrap())
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first_ids.len(), 4);
    assert!(first_ids.windows(2).all(|w| w[0] > w[1]), "{first_ids:?}");

    let future = audit(&app, "?from=2999-01-01T00:00:00Z").await;
    assert!(future.is_empty());
    let past = audit(&app, "?to=2000-01-01T00:00:00Z").await;
    assert!(past.is_empty());
    let bad = app.admin_get("/admin/v1/audit?from=yesterday").await;
    assert_eq!(bad.problem(400)["errors"][0]["path"], "?from");
}

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
async fn passwords_hashes_secrets_and_session_tokens_never_appear_in_answers_logs_or_the_audit_log()
{
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let (app, _erp) = setup().await;
    let mut answers = Vec::new();
    let signed = sign_in(&app, "maria", MARIA_PASSWORD).await;
    let token = signed.json()["token"].as_str().unwrap().to_owned();
    answers.push(sign_in(&app, "maria", "a wrong password 123").await);
    answers.push(app.admin_get("/admin/v1/operators").await);
    answers.push(app.admin_get("/admin/v1/audit").await);
    answers.push(
        app.admin_as(
            Some(&token),
            Method::GET,
            "/admin/v1/integrations/acme",
            None,
        )
        .await,
    );
    answers.push(
        app.admin_as(
            Some(&token),
            Method::DELETE,
            "/admin/v1/sessions/current",
            None,
        )
        .await,
    );
    let erp_secret = "rotated-erp-secret-5d1c77";
    answers.push(
        app.admin_as(
            Some(ADMIN_TOKEN),
            Method::PUT,
            "/admin/v1/integrations/acme/secrets/token",
            Some(json!({"value": erp_secret})),
        )
        .await,
    );
    answers.push(
        app.admin_post(
            "/admin/v1/integrations",
            json!({"id": "delta", "name": "Delta", "secrets": {"token": erp_secret}}),
        )
        .await,
    );
    assert!(answers.iter().rev().take(2).all(|a| a.status < 300));
    let hashes: Vec<String> = app
        .store
        .list_operators()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.password_hash)
        .collect();
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("an operator signed in"), "{logs}");
    let audit_text = serde_json::to_string(&audit(&app, "").await).unwrap();
    let forbidden = [
        MARIA_PASSWORD,
        JOAO_PASSWORD,
        ADMIN_TOKEN,
        ERP_TOKEN,
        token.as_str(),
    ]
    .into_iter()
    .chain(hashes.iter().map(String::as_str));
    for secret in forbidden {
        for answer in &answers {
            assert!(
                !answer.text.contains(secret),
                "`{secret}` in {}",
                answer.text
            );
        }
        assert!(!logs.contains(secret), "`{secret}` in the logs");
        assert!(!audit_text.contains(secret), "`{secret}` in the audit log");
    }
    // The hash's salt-and-digest part is what matters; no fragment of it leaks either.
    for hash in &hashes {
        let digest = hash.rsplit('$').next().unwrap();
        assert!(!logs.contains(digest) && !audit_text.contains(digest));
    }
}
