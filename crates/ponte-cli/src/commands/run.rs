//! `ponte run`: one automation against the live ERP, with an integration's variables and
//! secrets from the configuration; the redacted trace step by step and the validated output.
//! With `--record`, the run becomes a `*.test.yaml` case for `ponte test`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::Args;
use ponte_automation::{
    Engine, InboundResponse, OutboundRequest, ReqwestTransport, RunEnv, Trace, Transport,
    TransportError,
};
use secrecy::SecretString;
use serde_json::Value;

use crate::config::{self, IntegrationConfig};
use crate::{automations, record};

/// Run one automation against the live ERP of a configured integration.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The automation file.
    pub automation: PathBuf,
    /// Configuration file (default: ./ponte.toml when it exists).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// The integration whose variables, secrets and settings the run uses.
    #[arg(long)]
    pub integration: String,
    /// The function's input, as JSON.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// Write the run as a test case to this `*.test.yaml` file, with secrets replaced by
    /// placeholders and personal data masked.
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// Print the trace as one JSON document instead of step by step.
    #[arg(long)]
    pub json: bool,
}

/// Every exchange with the ERP, in the order sent.
pub(crate) type Exchanges = Arc<Mutex<Vec<(OutboundRequest, InboundResponse)>>>;

/// A transport that keeps every exchange it makes.
#[derive(Debug)]
struct Recording {
    inner: ReqwestTransport,
    exchanges: Exchanges,
}

impl Transport for Recording {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: OutboundRequest,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<InboundResponse, TransportError>>
                + Send
                + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let kept = request.clone();
            let response = self.inner.send(request).await?;
            if let Ok(mut exchanges) = self.exchanges.lock() {
                exchanges.push((kept, response.clone()));
            }
            Ok(response)
        })
    }
}

/// What a run is made with: the integration's values, opened.
pub(crate) struct Live {
    pub(crate) entry: IntegrationConfig,
    pub(crate) secrets: std::collections::BTreeMap<String, SecretString>,
    pub(crate) settings: Value,
}

impl Live {
    /// The run environment of the integration, as `ponte serve` prepares it.
    pub(crate) fn env(&self) -> RunEnv {
        RunEnv::new(&self.entry.id)
            .with_vars(self.entry.variables.clone())
            .with_secrets(self.secrets.clone())
            .with_settings(self.settings.clone())
            .with_allowed_hosts(self.entry.settings.allowed_hosts.clone())
            .with_privacy(ponte_core::service::privacy_rules(
                &self.entry.settings.privacy,
            ))
    }
}

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let loaded = config::load(args.config.as_deref())?;
    let Some(entry) = loaded
        .config
        .integrations
        .iter()
        .find(|i| i.id == args.integration)
    else {
        let known: Vec<&str> = loaded
            .config
            .integrations
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        anyhow::bail!(
            "the configuration has no integration `{}` (it has: {})",
            args.integration,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    };
    let name = args.automation.display().to_string();
    let source =
        std::fs::read_to_string(&args.automation).with_context(|| format!("cannot read {name}"))?;
    // The automation with the shared steps of the `shared/` folder beside it.
    let library = ponte_automation::SharedLibrary::beside(&args.automation)
        .with_context(|| format!("cannot read the shared steps beside {name}"))?;
    let source = library.bundle(&source);
    let automation = match ponte_automation::compile(&name, &source) {
        Ok(automation) => automation,
        Err(diagnostics) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            eprintln!("{name} does not compile: {} problem(s)", diagnostics.len());
            return Ok(ExitCode::from(1));
        }
    };
    let mut problems = automations::missing_values(entry, automation.function().id, &name, &source);
    let mut secrets = std::collections::BTreeMap::new();
    for (secret, reference) in &entry.secrets {
        let what = format!("integration `{}` secret `{secret}`", entry.id);
        match config::resolve_secret(reference, &loaded.base, &what) {
            Ok(value) => {
                secrets.insert(secret.clone(), value);
            }
            Err(err) => problems.push(format!("{err:#}")),
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        return Ok(ExitCode::from(1));
    }
    let input: Value = serde_json::from_str(&args.input).context("--input is not JSON")?;
    let spec = automation.function();
    let validated = match spec.validate_input(&input) {
        Ok(validated) => validated,
        Err(errors) => {
            eprintln!(
                "error: the input is not valid for `{}`: {}",
                spec.id,
                serde_json::to_string(&errors).unwrap_or_default()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let live = Live {
        entry: entry.clone(),
        secrets,
        settings: serde_json::to_value(&entry.settings)?,
    };
    let exchanges: Exchanges = Arc::default();
    let transport = Recording {
        inner: ReqwestTransport::new(entry.settings.allow_insecure_tls)?,
        exchanges: exchanges.clone(),
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let outcome = runtime.block_on(async {
        Engine::new(Arc::new(transport))
            .run(&automation, validated.clone(), &live.env())
            .await
    });
    let trace = outcome.trace();
    if args.json {
        crate::output::line(serde_json::to_string_pretty(&trace)?);
    } else {
        print_trace(&trace);
    }
    let ok = outcome.result.is_ok();
    if let Some(path) = &args.record {
        let recorded = runtime.block_on(record::write(
            path,
            &args.automation,
            &automation,
            &live,
            &validated,
            &outcome,
            &exchanges,
        ))?;
        crate::output::line(format!(
            "recorded {} exchange(s) in {}; `ponte test {}` replays them",
            recorded,
            path.display(),
            path.display()
        ));
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The trace, step by step, for people.
fn print_trace(trace: &Trace) {
    crate::output::line(format!(
        "{} ({}, sha256 {})",
        trace.function,
        trace.automation,
        &trace.automation_sha256[..12.min(trace.automation_sha256.len())]
    ));
    for step in &trace.steps {
        let state = if step.skipped { ", skipped" } else { "" };
        crate::output::line(format!(
            "step {} ({}{state}) {} ms",
            step.id, step.kind, step.duration_ms
        ));
        for r in &step.requests {
            let status = r
                .status
                .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
            crate::output::line(format!(
                "  {} {} -> {status} ({} ms, attempt {})",
                r.method, r.url, r.duration_ms, r.attempt
            ));
            if let Some(body) = &r.body {
                crate::output::line(format!("    sent: {body}"));
            }
            if let Some(body) = &r.response_body {
                crate::output::line(format!("    got:  {body}"));
            }
            if let Some(error) = &r.error {
                crate::output::line(format!("    error: {error}"));
            }
        }
    }
    if let Some(output) = &trace.output {
        crate::output::line("output (valid, personal data masked):");
        crate::output::line(serde_json::to_string_pretty(output).unwrap_or_default());
    }
    if let Some(error) = &trace.error {
        crate::output::line(format!("error[{}]: {}", error.code, error.message));
    }
}

/// `to` written relative to the folder `from`, when both can be resolved; `to` otherwise.
pub(crate) fn relative(to: &Path, from: &Path) -> String {
    let (Ok(to_abs), Ok(from_abs)) = (to.canonicalize(), from.canonicalize()) else {
        return to.display().to_string();
    };
    let to_parts: Vec<_> = to_abs.components().collect();
    let from_parts: Vec<_> = from_abs.components().collect();
    let common = to_parts
        .iter()
        .zip(&from_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from_parts.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    out.display().to_string()
}
