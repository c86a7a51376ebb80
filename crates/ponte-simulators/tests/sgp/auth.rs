//! Credentials: token and app in the body, HTTP Basic on the URA API, the customer area's
//! CPF/CNPJ and password, refusals in Django REST Framework's words, revocation and expiry.

use std::time::Duration;

use serde_json::json;

use super::common::{TODAY, read, sim, sim_with};
use ponte_simulators::sgp::{BAD_CREDENTIALS, SgpConfig};

#[tokio::test]
async fn a_request_without_credentials_is_refused_with_a_401_and_drf_detail() {
    let s = sim().await;
    let doc = s.fx("active")["document"].as_str().unwrap().to_string();
    let response = s
        .post_bare("/api/ura/consultacliente/", &[("cpfcnpj", &doc)])
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"].to_str().unwrap(),
        "Basic realm=\"api\""
    );
    let (_, body) = read(response).await;
    assert_eq!(
        body,
        json!({"detail": "As credenciais de autenticação não foram fornecidas."})
    );
}

#[tokio::test]
async fn a_wrong_token_or_a_token_with_another_app_is_refused_with_the_captured_text() {
    let s = sim().await;
    for (token, app) in [
        ("nope", s.app.as_str()),
        (s.token.as_str(), "outro-app"),
        (s.token.as_str(), ""),
    ] {
        let response = s
            .post_bare("/api/ura/titulos/", &[("token", token), ("app", app)])
            .await;
        let (status, body) = read(response).await;
        assert_eq!(status, 401, "{token} {app}");
        assert_eq!(body, json!({"detail": BAD_CREDENTIALS}));
    }
}

#[tokio::test]
async fn basic_auth_opens_the_ura_api_but_not_banco_nor_precadastro() {
    let s = sim().await;
    let config = s.sgp.state().config().clone();
    let basic = |path: &str| {
        s.http
            .post(s.url(path))
            .basic_auth(&config.basic_user, Some(&config.basic_password))
            .form(&[("status", "abertos")])
            .send()
    };
    let (status, body) = read(basic("/api/ura/titulos/").await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(body["titulos"].as_array().is_some());
    for path in [
        "/api/precadastro/plano/list",
        "/api/banco/titulo/72001/baixar/",
    ] {
        let (status, body) = read(basic(path).await.unwrap()).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(
            body["detail"],
            "As credenciais de autenticação não foram fornecidas."
        );
    }
}

#[tokio::test]
async fn a_wrong_basic_password_is_refused_even_with_a_good_token_in_the_body() {
    let s = sim().await;
    let response = s
        .http
        .post(s.url("/api/ura/titulos/"))
        .basic_auth("integracao", Some("errada"))
        .form(&[("token", s.token.as_str()), ("app", s.app.as_str())])
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["detail"], BAD_CREDENTIALS);
}

#[tokio::test]
async fn a_json_body_carries_the_credentials_like_a_form() {
    let s = sim().await;
    let doc = s.fx("blocked")["document"].as_str().unwrap().to_string();
    let (status, body) = s
        .call_json("/api/ura/consultacliente/", json!({"cpfcnpj": doc}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["msg"], "Contrato(s) Localizado(s)");
}

#[tokio::test]
async fn a_revoked_token_is_refused_from_the_next_request_on_and_reset_restores_it() {
    let s = sim().await;
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
    let revoked = s
        .control("/__sim/credentials/revoke", json!({"token": s.token}))
        .await;
    assert_eq!(revoked, 204);
    let (status, body) = s.call("/api/ura/titulos/", &[]).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (401, Some(BAD_CREDENTIALS))
    );
    assert_eq!(
        s.control(
            "/__sim/credentials/revoke",
            json!({"token": "never-issued"})
        )
        .await,
        404
    );
    assert_eq!(s.control("/__sim/reset", json!({})).await, 204);
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
}

#[tokio::test]
async fn a_revoked_basic_user_is_refused() {
    let s = sim().await;
    let config = s.sgp.state().config().clone();
    assert_eq!(
        s.control(
            "/__sim/credentials/revoke",
            json!({"basic_user": config.basic_user})
        )
        .await,
        204
    );
    let response = s
        .http
        .post(s.url("/api/ura/titulos/"))
        .basic_auth(&config.basic_user, Some(&config.basic_password))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_token_issued_with_a_lifetime_works_and_then_expires() {
    let s = sim().await;
    let issued: serde_json::Value = s
        .http
        .post(s.url("/__sim/credentials/tokens"))
        .json(&json!({"app": "totem", "lifetime_ms": 400}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = issued["token"].as_str().unwrap();
    let fields = [("token", token), ("app", "totem")];
    assert_eq!(
        s.post_bare("/api/ura/titulos/", &fields).await.status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, body) = read(s.post_bare("/api/ura/titulos/", &fields).await).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (401, Some(BAD_CREDENTIALS))
    );
    let listed: serde_json::Value = s
        .http
        .get(s.url("/__sim/credentials"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["token"] == token && t["state"] == "expired")
    );
}

#[tokio::test]
async fn the_configured_token_lifetime_applies_to_the_main_token() {
    let config = SgpConfig {
        token_lifetime: Some(Duration::from_millis(300)),
        ..SgpConfig::with(42, TODAY)
    };
    let s = sim_with(config).await;
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(s.call("/api/ura/titulos/", &[]).await.0, 401);
}

#[tokio::test]
async fn the_customer_area_takes_cpfcnpj_and_senha_and_shows_only_that_customers_titles() {
    let s = sim().await;
    let contract = s.id("blocked", "contrato_id");
    let password = s.contract(contract).await["contratoCentralSenha"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = s.fx("blocked")["document"].as_str().unwrap().to_string();
    let (status, body) = read(
        s.post_bare(
            "/api/central/titulos/",
            &[("cpfcnpj", &doc), ("senha", &password)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let faturas = body["faturas"].as_array().unwrap();
    assert!(!faturas.is_empty());
    let own: Vec<u64> = s
        .sgp
        .state()
        .story()
        .titles
        .iter()
        .filter(|t| t.customer_id == s.id("blocked", "cliente_id"))
        .filter(|t| t.status != ponte_simulators::sgp::story::model::TitleStatus::Cancelled)
        .map(|t| t.id)
        .collect();
    let listed: Vec<u64> = faturas.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    assert_eq!(listed.len(), own.len());
    assert!(listed.iter().all(|id| own.contains(id)));

    let (status, body) = read(
        s.post_bare(
            "/api/central/titulos/",
            &[("cpfcnpj", &doc), ("senha", "errada")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (401, Some(BAD_CREDENTIALS))
    );
}

#[tokio::test]
async fn an_unknown_route_is_djangos_404_page_and_a_wrong_method_is_a_405() {
    let s = sim().await;
    let response = s.post("/api/ura/planos/", &[]).await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<h1>Not Found</h1>")
    );
    let response = s.http.get(s.url("/api/ura/titulos/")).send().await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 405);
    assert_eq!(body["detail"], "Método \"GET\" não é permitido.");
}
