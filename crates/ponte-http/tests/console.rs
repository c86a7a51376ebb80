//! The web console over real HTTP, without a browser: sign-in, the session cookie's attributes,
//! and that a change without the CSRF token, from another site, by a viewer or with an expired
//! session is refused and changes nothing.

mod common;

use std::time::Duration;

use common::{ADMIN_TOKEN, FakeErp, TestApp};
use ponte_core::model::IntegrationId;
use ponte_core::store::Store;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use secrecy::SecretString;

const ERP_TOKEN: &str = "erp-token-5b7c3e";

struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

struct Page {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The CSRF token the page's forms carry.
    fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let at = self.text.find(marker).expect("a form with a CSRF token") + marker.len();
        self.text[at..at + 64].to_owned()
    }
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: app.url(""),
            cookie: None,
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let request = match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(set) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap().to_owned();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        Page {
            status,
            headers,
            text: response.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// A form post, from the console's own origin unless `headers` say otherwise.
    async fn post(&mut self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.post(format!("{}{path}", self.base)).form(form);
        for (name, value) in headers {
            request = request.header(*name, HeaderValue::from_str(value).unwrap());
        }
        self.send(request).await
    }

    async fn sign_in(&mut self) -> Page {
        let page = self
            .post(
                "/console/entrar",
                &[("name", "admin-token"), ("password", ADMIN_TOKEN)],
                &[],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.text);
        assert_eq!(page.location(), "/console/integrations");
        self.get("/console/integrations/acme").await
    }
}

async fn setup(ttl: Duration) -> (TestApp, FakeErp) {
    let app = TestApp::spawn_with(|state| {
        state
            .with_admin_token(SecretString::from(ADMIN_TOKEN))
            .with_console_session_ttl(ttl)
    })
    .await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    app.provision("acme", &erp).await;
    (app, erp)
}

async fn key_count(app: &TestApp) -> usize {
    app.store
        .list_api_keys(&IntegrationId::parse("acme").unwrap())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn without_a_session_every_page_leads_to_the_sign_in_form() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    for path in [
        "/console/",
        "/console/integrations",
        "/console/executions",
        "/console/integrations/acme/associations",
    ] {
        let mut page = browser.get(path).await;
        if page.location() == "/console/integrations" {
            page = browser.get(page.location()).await;
        }
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), "/console/entrar", "{path}");
    }
    let form = browser.get("/console/entrar").await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("lang=\"pt-BR\""));
    assert!(form.text.contains("Entrar"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_opens_no_session() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser
        .post(
            "/console/entrar",
            &[("name", "admin-token"), ("password", "wrong")],
            &[],
        )
        .await;
    assert_eq!(page.status, 401);
    assert!(page.text.contains("Operador ou senha incorretos."));
    assert!(browser.cookie.is_none());
    let empty = browser
        .post("/console/entrar", &[("name", ""), ("password", "")], &[])
        .await;
    assert_eq!(empty.status, 422);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_secure_behind_tls() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser
        .post(
            "/console/entrar",
            &[("name", "admin-token"), ("password", ADMIN_TOKEN)],
            &[],
        )
        .await;
    let cookie = page.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let tls = browser
        .post(
            "/console/entrar",
            &[("name", "admin-token"), ("password", ADMIN_TOKEN)],
            &[("x-forwarded-proto", "https")],
        )
        .await;
    let cookie = tls.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_change_without_the_csrf_token_or_from_another_site_is_refused_and_changes_nothing() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in().await;
    assert_eq!(page.status, 200, "{}", page.text);
    let csrf = page.csrf();
    let before = key_count(&app).await;
    let path = "/console/integrations/acme/keys";

    let missing = browser.post(path, &[], &[]).await;
    assert_eq!(missing.status, 403);
    assert!(
        missing.text.contains("O formulário expirou"),
        "{}",
        missing.text
    );
    let wrong = browser
        .post(path, &[("csrf_token", "0".repeat(64).as_str())], &[])
        .await;
    assert_eq!(wrong.status, 403);
    let other_origin = browser
        .post(
            path,
            &[("csrf_token", &csrf)],
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(other_origin.status, 403);
    assert!(
        other_origin.text.contains("outro site"),
        "{}",
        other_origin.text
    );
    let cross_site = browser
        .post(
            path,
            &[("csrf_token", &csrf)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, 403);
    assert_eq!(
        key_count(&app).await,
        before,
        "a refused change changed something"
    );

    // The same form, from the console itself, works: the plain key is shown this once.
    let origin = app.url("");
    let done = browser
        .post(
            path,
            &[("csrf_token", &csrf)],
            &[
                ("origin", origin.trim_end_matches('/')),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(key_count(&app).await, before + 1);
    let marker = "<code class=\"key\">";
    let at = done.text.find(marker).expect("the new key is shown") + marker.len();
    let plain = &done.text[at..done.text[at..].find('<').unwrap() + at];
    assert!(plain.starts_with("ponte_"), "{plain}");
    assert_eq!(done.headers["cache-control"], "no-store");
    let again = browser.get("/console/integrations/acme").await;
    assert!(!again.text.contains(plain), "the key is shown again");
    assert!(
        !again.text.contains(ERP_TOKEN),
        "a secret value is on the page"
    );
}

#[tokio::test]
async fn an_expired_session_returns_to_the_sign_in_page_and_changes_nothing() {
    let (app, _erp) = setup(Duration::ZERO).await;
    let mut browser = Browser::new(&app);
    browser
        .post(
            "/console/entrar",
            &[("name", "admin-token"), ("password", ADMIN_TOKEN)],
            &[],
        )
        .await;
    assert!(browser.cookie.is_some());
    let before = key_count(&app).await;
    let page = browser
        .post(
            "/console/integrations/acme/keys",
            &[("csrf_token", "whatever")],
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/console/entrar?motivo=expirou");
    assert_eq!(key_count(&app).await, before);
    let form = browser.get("/console/entrar?motivo=expirou").await;
    assert!(form.text.contains("Sua sessão expirou"), "{}", form.text);
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_ends_the_session() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in().await;
    let csrf = page.csrf();
    let cookie = browser.cookie.clone();
    let refused = browser.post("/console/sair", &[], &[]).await;
    assert_eq!(refused.status, 403);
    let out = browser
        .post("/console/sair", &[("csrf_token", &csrf)], &[])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/console/entrar?motivo=saiu");
    // The old cookie no longer opens anything.
    browser.cookie = cookie;
    let page = browser.get("/console/integrations").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/console/entrar?motivo=expirou");
}

#[tokio::test]
async fn console_pages_forbid_framing_and_foreign_scripts() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in().await;
    assert_eq!(page.headers["x-frame-options"], "DENY");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    for path in [
        "/console/payments",
        "/console/executions",
        "/console/integrations",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        assert!(!page.text.contains(ERP_TOKEN), "{path} shows a secret");
    }
    let css = browser.get("/console/assets/console.css").await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn a_named_viewer_signs_in_sees_no_change_button_and_a_forced_change_is_refused() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let password = SecretString::from("a-long-viewer-password-42".to_owned());
    ponte_core::service::operators::create_operator(
        app.store.as_ref(),
        "vera",
        ponte_core::model::Role::Viewer,
        &password,
    )
    .await
    .unwrap();
    let mut browser = Browser::new(&app);
    let wrong = browser
        .post(
            "/console/entrar",
            &[("name", "vera"), ("password", "nope")],
            &[],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let page = browser
        .post(
            "/console/entrar",
            &[("name", "vera"), ("password", "a-long-viewer-password-42")],
            &[],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.text);
    let page = browser.get("/console/integrations/acme").await;
    assert_eq!(page.status, 200, "{:?} {}", browser.cookie, page.location());
    assert!(page.text.contains("somente leitura"), "{}", page.text);
    assert!(
        !page.text.contains("id=\"create-key\""),
        "a viewer sees a change button"
    );
    let function = browser
        .get("/console/integrations/acme/functions/list_invoices")
        .await;
    assert!(!function.text.contains("id=\"run\""));
    // The sign-out form carries the CSRF token; a forced change with it is still refused.
    let csrf = page.csrf();
    let before = key_count(&app).await;
    let forced = browser
        .post(
            "/console/integrations/acme/keys",
            &[("csrf_token", &csrf)],
            &[],
        )
        .await;
    assert_eq!(forced.status, 403);
    assert!(forced.text.contains("somente leitura"), "{}", forced.text);
    assert_eq!(key_count(&app).await, before);
    let out = browser
        .post("/console/sair", &[("csrf_token", &csrf)], &[])
        .await;
    assert_eq!(out.location(), "/console/entrar?motivo=saiu");
    let after = browser.get("/console/integrations").await;
    assert_eq!(after.status, 303);
}

#[tokio::test]
async fn an_edit_with_a_bad_setting_shows_the_error_beside_it_and_changes_nothing() {
    let (app, _erp) = setup(Duration::from_secs(60)).await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in().await;
    let csrf = page.csrf();
    let form = browser.get("/console/integrations/acme/editar").await;
    assert_eq!(form.status, 200, "{}", form.text);
    let path = "/console/integrations/acme/editar";
    let id = IntegrationId::parse("acme").unwrap();
    let before = app.store.get_integration(&id).await.unwrap();

    let not_json = browser
        .post(
            path,
            &[
                ("csrf_token", &csrf),
                ("name", "Renamed"),
                ("settings", "{"),
            ],
            &[],
        )
        .await;
    assert_eq!(not_json.status, 422);
    assert!(
        not_json.text.contains("id=\"error-settings\""),
        "{}",
        not_json.text
    );
    let unknown = browser
        .post(
            path,
            &[
                ("csrf_token", &csrf),
                ("name", "Renamed"),
                ("settings", r#"{"no_such_setting": 1}"#),
            ],
            &[],
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert!(unknown.text.contains("no_such_setting"), "{}", unknown.text);
    let empty_name = browser
        .post(
            path,
            &[("csrf_token", &csrf), ("name", ""), ("settings", "{}")],
            &[],
        )
        .await;
    assert_eq!(empty_name.status, 422);
    assert!(
        empty_name.text.contains("id=\"error-name\""),
        "{}",
        empty_name.text
    );
    assert_eq!(app.store.get_integration(&id).await.unwrap(), before);

    let saved = browser
        .post(
            path,
            &[
                ("csrf_token", &csrf),
                ("name", "Renamed"),
                ("active", "on"),
                ("settings", "{}"),
            ],
            &[],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(
        app.store.get_integration(&id).await.unwrap().name,
        "Renamed"
    );
}

/// The acme integration's associations of `kind`, through the admin API.
async fn associations_of(app: &TestApp, kind: &str) -> serde_json::Value {
    let answer = app
        .admin_get(&format!("/admin/v1/integrations/acme/associations/{kind}"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()
}

/// An integration whose automations serve `list_products` (the fake ERP's one product, code
/// `10`) but not `list_due_dates`.
async fn setup_associations() -> (TestApp, FakeErp) {
    let app =
        TestApp::spawn_with(|state| state.with_admin_token(SecretString::from(ADMIN_TOKEN))).await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    app.provision_with("acme", &erp, |integration| {
        integration.bindings.remove("list_due_dates");
    })
    .await;
    (app, erp)
}

#[tokio::test]
async fn associations_pick_the_erps_code_from_its_list_and_a_refused_change_changes_nothing() {
    let (app, _erp) = setup_associations().await;
    let mut browser = Browser::new(&app);
    let integration = browser.sign_in().await;
    assert!(
        integration
            .text
            .contains("href=\"/console/integrations/acme/associations\""),
        "{}",
        integration.text
    );
    let path = "/console/integrations/acme/associations";
    let page = browser.get(path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    // Products: a list of the ERP's codes, read through list_products.
    assert!(
        page.text.contains("<select id=\"products-erp-code\""),
        "{}",
        page.text
    );
    assert!(page.text.contains("<option value=\"10\""), "{}", page.text);
    assert!(page.text.contains("Fibra 300"), "{}", page.text);
    // Due dates: not served, so the code is typed and the page says why.
    assert!(
        page.text.contains("<input id=\"due_dates-erp-code\""),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("function_not_configured"),
        "{}",
        page.text
    );
    let csrf = page.csrf();

    let added = browser
        .post(
            &format!("{path}/products"),
            &[
                ("csrf_token", &csrf),
                ("platform_code", "plano-300"),
                ("erp_code", "10"),
            ],
            &[],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.text);
    assert_eq!(
        associations_of(&app, "products").await,
        serde_json::json!([{"platform_code": "plano-300", "erp_code": "10", "label": "Fibra 300"}])
    );
    let page = browser.get(path).await;
    assert!(
        page.text.contains("data-platform-code=\"plano-300\""),
        "{}",
        page.text
    );

    // A code the ERP's list lacks, and an empty platform code: beside their fields, nothing
    // stored.
    let not_listed = browser
        .post(
            &format!("{path}/products"),
            &[
                ("csrf_token", &csrf),
                ("platform_code", "plano-600"),
                ("erp_code", "99"),
            ],
            &[],
        )
        .await;
    assert_eq!(not_listed.status, 422, "{}", not_listed.text);
    assert!(
        not_listed.text.contains("id=\"error-products-erp_code\""),
        "{}",
        not_listed.text
    );
    assert!(not_listed.text.contains("value=\"plano-600\""));
    let no_platform_code = browser
        .post(
            &format!("{path}/products"),
            &[
                ("csrf_token", &csrf),
                ("platform_code", ""),
                ("erp_code", "10"),
            ],
            &[],
        )
        .await;
    assert_eq!(no_platform_code.status, 422);
    assert!(
        no_platform_code
            .text
            .contains("id=\"error-products-platform_code\""),
        "{}",
        no_platform_code.text
    );
    let no_such = browser
        .post(
            &format!("{path}/products"),
            &[("csrf_token", &csrf), ("remove", "plano-999")],
            &[],
        )
        .await;
    assert_eq!(no_such.status, 422);
    assert!(no_such.text.contains("id=\"error-products-form\""));
    // Without the CSRF token: refused.
    let forged = browser
        .post(
            &format!("{path}/products"),
            &[("platform_code", "plano-600"), ("erp_code", "10")],
            &[],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        associations_of(&app, "products").await,
        serde_json::json!([{"platform_code": "plano-300", "erp_code": "10", "label": "Fibra 300"}])
    );

    // A typed code where the list cannot be read.
    let typed = browser
        .post(
            &format!("{path}/due_dates"),
            &[
                ("csrf_token", &csrf),
                ("platform_code", "dia-10"),
                ("erp_code", "4"),
            ],
            &[],
        )
        .await;
    assert_eq!(typed.status, 303, "{}", typed.text);
    assert_eq!(
        associations_of(&app, "due_dates").await,
        serde_json::json!([{"platform_code": "dia-10", "erp_code": "4", "label": ""}])
    );

    // Removing, then the audit log holds each change with the operator.
    let removed = browser
        .post(
            &format!("{path}/products"),
            &[("csrf_token", &csrf), ("remove", "plano-300")],
            &[],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.text);
    assert_eq!(
        associations_of(&app, "products").await,
        serde_json::json!([])
    );
    let audit = app
        .admin_get("/admin/v1/audit?target=integration:acme/associations:products")
        .await
        .json();
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{audit}");
    assert!(entries.iter().all(|e| e["action"] == "associations.set"));
}

#[tokio::test]
async fn a_viewer_sees_associations_without_a_form_and_a_forced_change_is_refused() {
    let (app, _erp) = setup_associations().await;
    let put = app
        .admin_as(
            Some(ADMIN_TOKEN),
            reqwest::Method::PUT,
            "/admin/v1/integrations/acme/associations/products",
            Some(serde_json::json!([{"platform_code": "plano-300", "erp_code": "10"}])),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    let password = SecretString::from("a-long-viewer-password-42".to_owned());
    ponte_core::service::operators::create_operator(
        app.store.as_ref(),
        "vera",
        ponte_core::model::Role::Viewer,
        &password,
    )
    .await
    .unwrap();
    let mut browser = Browser::new(&app);
    let signed = browser
        .post(
            "/console/entrar",
            &[("name", "vera"), ("password", "a-long-viewer-password-42")],
            &[],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    let page = browser.get("/console/integrations/acme/associations").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("data-platform-code=\"plano-300\""));
    // The name comes from the ERP's list, though none was stored.
    assert!(page.text.contains("Fibra 300"), "{}", page.text);
    assert!(!page.text.contains("id=\"form-products\""), "{}", page.text);
    assert!(!page.text.contains("name=\"remove\""));
    let csrf = page.csrf();
    let forced = browser
        .post(
            "/console/integrations/acme/associations/products",
            &[("csrf_token", &csrf), ("remove", "plano-300")],
            &[],
        )
        .await;
    assert_eq!(forced.status, 403);
    assert!(forced.text.contains("somente leitura"), "{}", forced.text);
    assert_eq!(
        associations_of(&app, "products")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_associations_page_reads_the_erps_list_once_and_fills_the_catalog_cache() {
    let app =
        TestApp::spawn_with(|state| state.with_admin_token(SecretString::from(ADMIN_TOKEN))).await;
    let erp = FakeErp::start(ERP_TOKEN, "Fibra 300").await;
    let key = app
        .provision_with("acme", &erp, |integration| {
            integration.settings.cache.lists_ttl_seconds = 300;
            for function in [
                "list_resellers",
                "list_due_dates",
                "list_commercial_origins",
            ] {
                integration.bindings.remove(function);
            }
        })
        .await;
    let mut browser = Browser::new(&app);
    browser.sign_in().await;
    for _ in 0..2 {
        let page = browser.get("/console/integrations/acme/associations").await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("<option value=\"10\""), "{}", page.text);
    }
    assert_eq!(erp.credentials_seen().len(), 1);
    // A platform's call is served from the cache the page filled.
    let call = app.call(&key, "list_products", serde_json::json!({})).await;
    assert_eq!(call.status, 200, "{}", call.text);
    assert_eq!(call.json()[0]["codigo"], "10");
    assert_eq!(erp.credentials_seen().len(), 1);
}
