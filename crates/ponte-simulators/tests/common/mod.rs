//! Helpers shared by the simulator's HTTP tests: a simulator on loopback port 0 with a fixed
//! date, and a client that speaks IXC (Basic auth, the listing header).

#![allow(dead_code)]

use ponte_simulators::ixc::{IxcConfig, RunningIxc, start};
use reqwest::Response;
use serde_json::Value;
use time::macros::date;

pub const TODAY: time::Date = date!(2026 - 03 - 18);

pub struct Sim {
    pub ixc: RunningIxc,
    pub http: reqwest::Client,
    pub user: String,
    pub token: String,
}

pub async fn sim() -> Sim {
    sim_with(IxcConfig::with(42, TODAY)).await
}

pub async fn sim_with(config: IxcConfig) -> Sim {
    let user = config.user_id.clone();
    let token = config.token.clone();
    let ixc = start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    Sim {
        ixc,
        http: reqwest::Client::new(),
        user,
        token,
    }
}

impl Sim {
    pub fn url(&self, table: &str) -> String {
        format!("{}/{table}", self.ixc.base_url())
    }

    /// A listing: POST with `ixcsoft: listar`.
    pub async fn list(&self, table: &str, body: Value) -> Response {
        self.http
            .post(self.url(table))
            .basic_auth(&self.user, Some(&self.token))
            .header("ixcsoft", "listar")
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn list_json(&self, table: &str, body: Value) -> Value {
        let response = self.list(table, body).await;
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    /// A POST without the listing header (insert or action).
    pub async fn post(&self, table: &str, body: Value) -> Response {
        self.http
            .post(self.url(table))
            .basic_auth(&self.user, Some(&self.token))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, table: &str, body: Value) -> Value {
        let response = self.post(table, body).await;
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    pub async fn put_json(&self, table: &str, id: &str, body: Value) -> Value {
        let response = self
            .http
            .put(format!("{}/{id}", self.url(table)))
            .basic_auth(&self.user, Some(&self.token))
            .json(&body)
            .send()
            .await
            .unwrap();
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }
}

pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A complete write-off body for `fn_areceber_recebimentos_baixas_novo`, as the vendor example
/// sends it: `amount` received on 18/03/2026 into account 1.
pub fn writeoff(invoice_id: &str, amount: &str) -> Value {
    serde_json::json!({"filial_id": "1", "id_receber": invoice_id, "conta_": "1", "id_conta": "2758",
        "tipo_recebimento": "P", "data": "18/03/2026", "documento": "", "pdesconto": "", "vdesconto": "",
        "id_motivo_desconto": "", "pacrescimo": "", "vacrescimo": "", "valor_parcela": amount,
        "credito": amount, "debito": "", "valor_total_recebido": amount,
        "historico": "Recebido via API", "tipo_r": "T", "previsao": "M", "tipo_lanc": "R"})
}

/// The rows of a listing answer (none when `registros` is absent).
pub fn rows(answer: &Value) -> Vec<Value> {
    answer
        .get("registros")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}
