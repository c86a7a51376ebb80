//! Helpers shared by the Hubsoft simulator's HTTP tests: a simulator on loopback port 0 with a
//! fixed date, and a client that speaks Hubsoft (a token from `/oauth/token`, then Bearer).

#![allow(dead_code)]

use ponte_simulators::hubsoft::{Fixtures, HubsoftConfig, RunningHubsoft, start};
use reqwest::Response;
use serde_json::{Value, json};
use time::macros::date;

pub const TODAY: time::Date = date!(2026 - 03 - 18);

pub struct Sim {
    pub hub: RunningHubsoft,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn sim() -> Sim {
    sim_with(HubsoftConfig::with(42, TODAY)).await
}

pub async fn sim_with(config: HubsoftConfig) -> Sim {
    let hub = start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut s = Sim {
        hub,
        http: reqwest::Client::new(),
        token: String::new(),
    };
    s.renew_token().await;
    s
}

impl Sim {
    /// A fresh token from the password grant (after the clock moved past a token's life).
    pub async fn renew_token(&mut self) {
        let answer: Value = self.password_grant().await.json().await.unwrap();
        self.token = answer["access_token"].as_str().unwrap().to_string();
    }

    pub fn fixtures(&self) -> Fixtures {
        self.hub.state().fixtures().clone()
    }

    /// The documented token request, with the configured credentials.
    pub fn credentials(&self) -> Value {
        let c = self.hub.state().config();
        json!({"grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
               "username": c.username, "password": c.password})
    }

    pub async fn password_grant(&self) -> Response {
        self.token_request(self.credentials()).await
    }

    pub async fn token_request(&self, body: Value) -> Response {
        self.http
            .post(self.hub.token_url())
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.api_url())
    }

    /// A GET with the current token.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Response {
        self.get_with(path, query, Some(&self.token)).await
    }

    pub async fn get_with(
        &self,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> Response {
        let mut request = self.http.get(self.url(path)).query(query);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let response = self.get(path, query).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A POST with a JSON body and the current token.
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Value {
        let response = self.post(path, body).await;
        assert_eq!(response.status(), 200, "POST {path}");
        response.json().await.unwrap()
    }

    /// A control call under `/__sim/`.
    pub async fn control(&self, path: &str, body: Value) -> reqwest::StatusCode {
        self.http
            .post(format!("{}/__sim/{path}", self.hub.root_url()))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// The customer's pending invoices as `cliente/financeiro` lists them.
    pub async fn pending(&self, document: &str) -> Vec<Value> {
        let answer = self
            .get_json(
                "/cliente/financeiro",
                &[("busca", "cpf_cnpj"), ("termo_busca", document)],
            )
            .await;
        answer["faturas"].as_array().cloned().unwrap_or_default()
    }
}

/// The `errors` of a validation refusal, after checking its envelope.
pub fn validation_errors(answer: &Value) -> Vec<String> {
    assert_eq!(answer["status"], "error", "{answer}");
    assert_eq!(
        answer["msg"],
        "Favor preencher os campos obrigatórios de acordo com as especificações"
    );
    answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

/// Checks the PDF skeleton a reader relies on: header, trailer, and every xref entry pointing
/// at the start of its object.
pub fn assert_valid_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "header");
    let text = String::from_utf8_lossy(pdf);
    assert!(text.trim_end().ends_with("%%EOF"), "trailer");
    let start: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let xref = std::str::from_utf8(&pdf[start..]).unwrap();
    assert!(xref.starts_with("xref\n0 "));
    let mut lines = xref.lines().skip(1);
    let count: usize = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    for (number, entry) in lines.take(count).enumerate().skip(1) {
        let offset: usize = entry[..10].parse().unwrap();
        assert!(
            pdf[offset..].starts_with(format!("{number} 0 obj").as_bytes()),
            "object {number} not at {offset}"
        );
    }
}
