//! Helpers for the SGP tests: a simulator on loopback port 0 with a fixed date, and a client
//! that speaks SGP (form bodies with `token` and `app`).

#![allow(dead_code)]

use ponte_simulators::sgp::{RunningSgp, SgpConfig, start};
use reqwest::Response;
use serde_json::Value;
use time::macros::date;

pub const TODAY: time::Date = date!(2026 - 03 - 18);

pub struct Sim {
    pub sgp: RunningSgp,
    pub http: reqwest::Client,
    pub token: String,
    pub app: String,
    /// `GET /__sim/fixtures`.
    pub f: Value,
}

pub async fn sim() -> Sim {
    sim_with(SgpConfig::with(42, TODAY)).await
}

pub async fn sim_with(config: SgpConfig) -> Sim {
    let token = config.token.clone();
    let app = config.app.clone();
    let sgp = start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = reqwest::Client::new();
    let f = http
        .get(format!("{}/__sim/fixtures", sgp.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Sim {
        sgp,
        http,
        token,
        app,
        f,
    }
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sgp.base_url())
    }

    /// A fixture entry (`active`, `blocked`...).
    pub fn fx(&self, name: &str) -> &Value {
        &self.f["fixtures"][name]
    }

    pub fn id(&self, name: &str, key: &str) -> u64 {
        self.fx(name)[key].as_u64().unwrap()
    }

    /// POST a form with the integration's `token` and `app`.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("token", &self.token), ("app", &self.app)];
        form.extend_from_slice(fields);
        self.http
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// POST a form without credentials.
    pub async fn post_bare(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// POST a form and read the JSON answer, with its status.
    pub async fn call(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
        read(self.post(path, fields).await).await
    }

    /// POST a JSON body that carries `token` and `app`.
    pub async fn call_json(&self, path: &str, mut body: Value) -> (u16, Value) {
        body["token"] = Value::String(self.token.clone());
        body["app"] = Value::String(self.app.clone());
        read(
            self.http
                .post(self.url(path))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn control(&self, path: &str, body: Value) -> reqwest::StatusCode {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Open titles of a contract, through `/api/ura/titulos/`.
    pub async fn open_titles(&self, contract: u64) -> Vec<Value> {
        let (_, answer) = self
            .call(
                "/api/ura/titulos/",
                &[("contrato", &contract.to_string()), ("status", "abertos")],
            )
            .await;
        answer["titulos"].as_array().unwrap().clone()
    }

    /// The contract as consultacliente shows it.
    pub async fn contract(&self, contract: u64) -> Value {
        let (_, answer) = self
            .call(
                "/api/ura/consultacliente/",
                &[("contrato", &contract.to_string())],
            )
            .await;
        answer["contratos"][0].clone()
    }
}

pub async fn read(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Checks the PDF skeleton a reader relies on: header, trailer, and the cross-reference table
/// where `startxref` says.
pub fn assert_pdf(pdf: &[u8]) {
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
    assert!(pdf[start..].starts_with(b"xref\n"));
}

/// Money as SGP sends it (a JSON number of reais) in cents.
pub fn cents(value: &Value) -> i64 {
    (value.as_f64().unwrap() * 100.0).round() as i64
}
