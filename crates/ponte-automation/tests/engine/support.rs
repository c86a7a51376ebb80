//! A throwaway ERP on 127.0.0.1:0 and helpers to compile and run automations against it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use ponte_automation::{CompiledAutomation, Engine, Limits, ReqwestTransport, RunEnv, RunOutcome};
use ponte_catalog::ValidatedInput;
use secrecy::SecretString;
use serde_json::Value;

/// A running fake ERP.
pub struct Erp {
    pub base: String,
    _task: tokio::task::JoinHandle<()>,
}

pub async fn erp(router: Router) -> Erp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Erp {
        base: format!("http://{addr}"),
        _task: task,
    }
}

/// Compile an automation, panicking with the diagnostics when it does not compile.
pub fn automation(yaml: &str) -> CompiledAutomation {
    match ponte_automation::compile("test.yaml", yaml) {
        Ok(a) => a,
        Err(d) => panic!(
            "automation does not compile:\n{}",
            d.iter().map(ToString::to_string).collect::<String>()
        ),
    }
}

/// Compile an automation of the IXC preset with the preset's shared steps.
pub fn preset_automation(yaml: &str) -> CompiledAutomation {
    let mut library = ponte_automation::SharedLibrary::new();
    library.add(
        "customer_by_document",
        "presets/ixc/shared/customer_by_document.yaml",
        include_str!("../../../../presets/ixc/shared/customer_by_document.yaml"),
    );
    match ponte_automation::compile_with("test.yaml", yaml, &library) {
        Ok(a) => a,
        Err(d) => panic!(
            "automation does not compile:\n{}",
            d.iter().map(ToString::to_string).collect::<String>()
        ),
    }
}

pub fn engine() -> Engine {
    Engine::new(Arc::new(ReqwestTransport::new(false).unwrap()))
}

pub fn env(base: &str) -> RunEnv {
    RunEnv::new("it")
        .with_vars(BTreeMap::from([("base_url".to_owned(), base.to_owned())]))
        .with_secrets(BTreeMap::from([(
            "token".to_owned(),
            SecretString::from("s3cr3t-t0ken"),
        )]))
        .with_limits(Limits::default())
}

/// The input validated for the automation's function, as the service hands it over.
pub fn input(a: &CompiledAutomation, input: Value) -> ValidatedInput {
    ponte_catalog::validate_input(a.function().id, &input)
        .unwrap_or_else(|e| panic!("the test's input is not valid: {e}"))
}

pub async fn run(a: &CompiledAutomation, value: Value, env: &RunEnv) -> RunOutcome {
    engine().run(a, input(a, value), env).await
}

/// A request counter shared with handlers.
#[derive(Clone, Default)]
pub struct Counter(pub Arc<AtomicUsize>);

impl Counter {
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A `list_resellers` automation around one request step, for feature tests: the request
/// block is spliced in and the output maps `.steps.r.body` (or `.steps.r.items`).
pub fn resellers(request: &str, output: &str) -> String {
    format!(
        "function: list_resellers\nvariables:\n  base_url: {{}}\nsecrets: [token]\nsteps:\n  - id: r\n    request:\n{}\noutput: '{}'\n",
        request
            .lines()
            .map(|l| format!("      {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        output
    )
}

/// The mapping of a list of `{id, nome}` records to resellers.
pub const MAP_ITEMS: &str =
    "[.steps.r.items[] | {code: .id, name: .nome, taxvat: \"\", email: \"\"}]";
pub const MAP_BODY: &str =
    "[.steps.r.body.registros[] | {code: .id, name: .nome, taxvat: \"\", email: \"\"}]";
