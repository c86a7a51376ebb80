//! Measures how many IXC listings per second the simulator serves on loopback.
//!
//! `cargo run --release -p ponte-simulators --example ixc_throughput -- [seconds] [clients]`
//! Each client repeatedly lists one customer's open invoices (the request behind
//! `list_invoices`); the count comes from the simulator's own `/__sim/requests`.

use std::time::{Duration, Instant};

use ponte_simulators::ixc::{IxcConfig, start};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let config = IxcConfig::default();
    let credential = (config.user_id.clone(), config.token.clone());
    let ixc = start(config, "127.0.0.1:0".parse()?).await?;
    let customer = ixc.state().fixtures().blocked.clone();
    let url = format!("{}/fn_areceber", ixc.base_url());
    let body = json!({
        "qtype": "fn_areceber.id_cliente", "query": customer, "oper": "=", "rp": "50",
        "sortname": "fn_areceber.data_vencimento", "sortorder": "asc",
        "grid_param": json!([{"TB": "fn_areceber.liberado", "OP": "=", "P": "S"},
                             {"TB": "fn_areceber.status", "OP": "IN", "P": "A,P"}]).to_string(),
    });
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, body, credential) =
            (http.clone(), url.clone(), body.clone(), credential.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let sent = http
                    .post(&url)
                    .basic_auth(&credential.0, Some(&credential.1))
                    .header("ixcsoft", "listar")
                    .json(&body)
                    .send()
                    .await;
                if let Ok(response) = sent {
                    let _ = response.bytes().await;
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let served = ixc.requests().count("/webservice/v1/fn_areceber");
    println!(
        "{served} listings in {seconds} s with {clients} clients: {:.0} requests/s",
        served as f64 / seconds as f64
    );
    ixc.shutdown().await;
    Ok(())
}
