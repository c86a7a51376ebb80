//! `ponte demo` as a person runs it: the real binary on a free port, its guide read from
//! stdout, and every printed call performed exactly as printed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The demo process, killed when the test ends, whether it passed or not.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A call as the guide prints it.
#[derive(Debug)]
struct Curl {
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// The text between the first pair of single quotes after `flag`, for each occurrence.
fn quoted_after<'a>(text: &'a str, flag: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(flag) {
        rest = &rest[at + flag.len()..];
        let Some(open) = rest.find('\'') else { break };
        let Some(len) = rest[open + 1..].find('\'') else {
            break;
        };
        found.push(&rest[open + 1..open + 1 + len]);
        rest = &rest[open + 1 + len + 1..];
    }
    found
}

/// The curl commands of the guide, with their continuation lines joined.
fn curls(lines: &[String]) -> Vec<Curl> {
    let mut commands = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        if let Some(command) = current.as_mut() {
            command.push(' ');
            command.push_str(line.trim());
        } else if line.starts_with("curl ") {
            current = Some(line.clone());
        }
        if current.as_ref().is_some_and(|c| !c.ends_with('\\')) {
            commands.push(current.take().unwrap());
        }
    }
    commands
        .iter()
        .map(|command| {
            let command = command.split("   #").next().unwrap().replace(" \\ ", " ");
            let url = command
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .expect("a URL")
                .to_owned();
            let headers = quoted_after(&command, "-H ")
                .into_iter()
                .map(|h| {
                    let (name, value) = h.split_once(':').expect("Name: value");
                    (name.trim().to_owned(), value.trim().to_owned())
                })
                .collect();
            let body = quoted_after(&command, "-d ")
                .first()
                .map(|b| (*b).to_owned());
            Curl { url, headers, body }
        })
        .collect()
}

/// The value printed after `label` on its line.
fn printed(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(label).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{}", lines.join("\n")))
}

/// Reads stdout until the ready line, never longer than `limit`.
fn read_guide(child: &mut Child, limit: Duration) -> Vec<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + limit;
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match receive.recv_timeout(left) {
            Ok(line) => {
                let ready = line.contains("Ponte is ready");
                lines.push(line);
                if ready {
                    return lines;
                }
            }
            Err(e) => panic!(
                "no \"Ponte is ready\" within {limit:?} ({e}); stdout so far:\n{}",
                lines.join("\n")
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_starts_and_every_call_it_prints_works_as_printed() {
    every_printed_call_works(&[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sgp_demo_starts_and_every_call_it_prints_works_as_printed() {
    every_printed_call_works(&["--erp", "sgp"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_api_demo_starts_and_every_call_it_prints_works_as_printed() {
    every_printed_call_works(&["--erp", "standard"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hubsoft_demo_starts_and_every_call_it_prints_works_as_printed() {
    every_printed_call_works(&["--erp", "hubsoft"]).await;
}

/// `ponte demo <args>` started, and every call its guide prints made as printed.
async fn every_printed_call_works(args: &[&str]) {
    let child = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["demo", "--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut demo = KillOnDrop(child);
    let lines = tokio::task::block_in_place(|| read_guide(&mut demo.0, Duration::from_secs(60)));

    let key = printed(&lines, "API key:");
    assert!(!key.is_empty());
    let base = printed(&lines, "Ponte:");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let docs = printed(&lines, "API reference:");
    assert_eq!(docs, format!("{base}/docs"));

    let calls = curls(&lines);
    let posts: Vec<&Curl> = calls.iter().filter(|c| c.body.is_some()).collect();
    assert_eq!(
        posts.len(),
        3,
        "three function calls are printed: {calls:?}"
    );

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    for call in &calls {
        assert!(call.url.starts_with(&base), "{call:?}");
        assert!(
            call.headers
                .iter()
                .any(|(n, v)| n == "Authorization" && *v == format!("Bearer {key}")),
            "{call:?}"
        );
        let mut request = match &call.body {
            Some(body) => client.post(&call.url).body(body.clone()),
            None => client.get(&call.url),
        };
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the call is answered");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "{call:?}: {text}");
        let body: Value = serde_json::from_str(&text).expect("JSON");
        let function = call.url.rsplit('/').next().unwrap();
        match function {
            "list_invoices" => {
                let list = body.as_array().expect("a list");
                assert!(!list.is_empty(), "the demo customer has open invoices");
                for invoice in list {
                    assert!(!invoice["fatura"].as_str().unwrap().is_empty());
                    assert!(invoice["valor_final"].as_str().unwrap().contains('.'));
                }
            }
            "get_customer_info" => {
                assert!(
                    !body["nome_completo"].as_str().unwrap().is_empty(),
                    "{body}"
                );
                assert!(!body["id_remoto"].as_str().unwrap().is_empty(), "{body}");
            }
            "list_fiscal_notes" => {
                let list = body.as_array().expect("a list");
                assert!(!list.is_empty(), "the demo customer has fiscal notes");
                for note in list {
                    assert!(!note["id_nota"].as_str().unwrap().is_empty(), "{note}");
                }
            }
            "list_customer_blocked_plans" => {
                let list = body.as_array().expect("a list");
                assert!(!list.is_empty(), "the demo customer has a blocked plan");
                assert!(list.iter().all(|p| p["blocked"] == true), "{body}");
            }
            _ => assert!(
                body.to_string().contains("list_invoices"),
                "the catalog names the functions: {body}"
            ),
        }
    }

    let response = client.get(&docs).send().await.expect("the docs answer");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(page.to_ascii_lowercase().contains("<html"), "an HTML page");
    drop(demo);
}

/// `ponte demo <args>` started, its guide read, and the printed `get_customer_info` call made
/// as printed: the guide's lines and the function's answer (which must be a 200).
async fn demo_customer(args: &[&str]) -> (KillOnDrop, Vec<String>, String, Value) {
    let child = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .arg("demo")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut demo = KillOnDrop(child);
    let lines = tokio::task::block_in_place(|| read_guide(&mut demo.0, Duration::from_secs(60)));
    let calls = curls(&lines);
    let call = calls
        .iter()
        .find(|c| c.url.ends_with("/v1/functions/get_customer_info"))
        .unwrap_or_else(|| panic!("a get_customer_info call is printed: {calls:?}"));
    let body = call.body.clone().expect("with a body");
    let asked: Value = serde_json::from_str(&body).expect("a JSON body");
    let document = asked["customer_document_number"]
        .as_str()
        .expect("a document")
        .to_owned();
    let mut request = reqwest::Client::new().post(&call.url).body(body);
    for (name, value) in &call.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("the call is answered");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{call:?}: {text}");
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    (demo, lines, document, answer)
}

/// Only the letters and digits of a document, upper case.
fn bare(document: &str) -> String {
    document
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_erp_ixc_serves_a_customer_seeded_in_the_ixc_simulator() {
    let (demo, lines, document, answer) = demo_customer(&["--erp", "ixc"]).await;
    assert!(
        lines.iter().any(|l| l.contains("a simulated IXC Provedor")),
        "{lines:?}"
    );
    let erp = printed(&lines, "Simulated IXC:");
    let root = erp.trim_end_matches("/webservice/v1");
    let client = reqwest::Client::new();
    let fixtures: Value = client
        .get(format!("{root}/__sim/fixtures"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = answer["id_remoto"].as_str().expect("id_remoto").to_owned();
    // The customer as the simulator itself holds it, asked the way IXC is asked.
    let listing: Value = client
        .post(format!("{erp}/cliente"))
        .basic_auth(
            fixtures["user_id"].as_str().unwrap(),
            fixtures["token"].as_str(),
        )
        .header("ixcsoft", "listar")
        .json(&serde_json::json!({
            "qtype": "cliente.id", "query": id, "oper": "=", "page": "1", "rp": "1"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seeded = &listing["registros"][0];
    assert_eq!(seeded["id"], id.as_str(), "{listing}");
    assert_eq!(
        bare(seeded["cnpj_cpf"].as_str().unwrap()),
        bare(&document),
        "{listing}"
    );
    assert_eq!(answer["nome_completo"], seeded["razao"], "{answer}");
    drop(demo);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_erp_sgp_serves_the_blocked_customer_seeded_in_the_sgp_simulator() {
    let (demo, lines, document, answer) = demo_customer(&["--erp", "sgp"]).await;
    assert!(
        lines.iter().any(|l| l.contains("a simulated SGP")),
        "{lines:?}"
    );
    let erp = printed(&lines, "Simulated SGP:");
    let fixtures: Value = reqwest::get(format!("{erp}/__sim/fixtures"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let blocked = &fixtures["fixtures"]["blocked"];
    assert_eq!(blocked["document"], document.as_str(), "{fixtures}");
    assert_eq!(
        answer["id_remoto"],
        blocked["cliente_id"].to_string(),
        "{answer}"
    );
    assert!(
        !answer["nome_completo"].as_str().unwrap().is_empty(),
        "{answer}"
    );
    drop(demo);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_erp_standard_serves_the_blocked_customer_seeded_in_the_standard_simulator() {
    let (demo, lines, document, answer) = demo_customer(&["--erp", "standard"]).await;
    assert!(
        lines.iter().any(|l| l.contains("a simulated standard API")),
        "{lines:?}"
    );
    let erp = printed(&lines, "Simulated API:");
    let root = erp.trim_end_matches("/api");
    let fixtures: Value = reqwest::get(format!("{root}/__sim/fixtures"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let blocked = &fixtures["fixtures"]["blocked"];
    assert_eq!(blocked["document"], document.as_str(), "{fixtures}");
    assert_eq!(
        answer["id_remoto"],
        blocked["id_remoto"].to_string(),
        "{answer}"
    );
    assert!(
        !answer["nome_completo"].as_str().unwrap().is_empty(),
        "{answer}"
    );
    drop(demo);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_erp_hubsoft_serves_the_blocked_customer_seeded_in_the_hubsoft_simulator() {
    let (demo, lines, document, answer) = demo_customer(&["--erp", "hubsoft"]).await;
    assert!(
        lines.iter().any(|l| l.contains("a simulated Hubsoft")),
        "{lines:?}"
    );
    let erp = printed(&lines, "Simulated Hubsoft:");
    let fixtures: Value = reqwest::get(format!("{erp}/__sim/fixtures"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let blocked = &fixtures["fixtures"]["blocked"];
    assert_eq!(blocked["document"], document.as_str(), "{fixtures}");
    assert_eq!(
        answer["id_remoto"],
        blocked["id_cliente"].to_string(),
        "{answer}"
    );
    assert_eq!(answer["nome_completo"], blocked["name"], "{answer}");
    drop(demo);
}
