//! Ponte on loopback serving the shipped Hubsoft preset in front of a fresh Hubsoft simulator
//! (the shared preset harness of `tests/common`), for the Hubsoft end-to-end tests.

#![allow(dead_code)] // each test binary uses its own part of it

use ponte_core::model::Integration;
use ponte_simulators::hubsoft::{self, HubsoftConfig};
use serde_json::Value;

pub use crate::common::Answer;
use crate::common::preset::PresetApp;
pub use crate::common::preset::{iso, money};

/// Ponte with the `hubsoft` preset bound to every function it serves, and its simulator.
pub struct HubApp {
    pub app: PresetApp,
    pub erp: hubsoft::RunningHubsoft,
}

impl HubApp {
    pub async fn start() -> HubApp {
        HubApp::start_with(HubsoftConfig::default(), |_| {}).await
    }

    /// The simulator configured as `config`, and the integration adjusted by `adjust`
    /// (timeouts...) after its variables are set: the simulator's address, OAuth2 client and
    /// user, and the cash box write-offs go to (its "CAIXA PIX").
    pub async fn start_with(
        config: HubsoftConfig,
        adjust: impl FnOnce(&mut Integration),
    ) -> HubApp {
        let erp = hubsoft::start(config.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let base = erp.base_url();
        let app = PresetApp::start(
            "hubsoft",
            &[
                ("client_secret", &config.client_secret),
                ("api_password", &config.password),
            ],
            |i| {
                i.variables.insert("base_url".into(), base);
                i.variables
                    .insert("client_id".into(), config.client_id.clone());
                i.variables
                    .insert("api_user".into(), config.username.clone());
                i.variables.insert("cash_box_id".into(), "150".into());
                adjust(i);
            },
        )
        .await;
        HubApp { app, erp }
    }

    pub async fn call(&self, function: &str, input: Value) -> Answer {
        self.app.call(function, input).await
    }

    pub async fn ok(&self, function: &str, input: Value) -> Value {
        self.app.ok(function, input).await
    }

    pub async fn pay(&self, body: &Value) -> Value {
        self.app.pay(body).await
    }
}

/// The status and body of a refused call.
pub async fn code_of(answer: Answer) -> (u16, Value) {
    let body = serde_json::from_str(&answer.text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", answer.text));
    (answer.status, body)
}
