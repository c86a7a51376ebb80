//! `ponte demo [--erp ixc|sgp|standard|hubsoft]`: an ERP simulator (IXC by default) and Ponte
//! on free local ports, a fresh SQLite file, one integration on that ERP's preset, and
//! ready-to-paste calls. Nothing to install or configure.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use ponte_core::crypto::AesGcmCipher;
use ponte_core::service::{Ponte, RecordingPolicy};
use ponte_simulators::hubsoft::{self, HubsoftConfig};
use ponte_simulators::ixc::{self, IxcConfig};
use ponte_simulators::sgp::{self, SgpConfig};
use secrecy::SecretString;

use crate::config::{IntegrationConfig, LogConfig};
use crate::provision;

/// The ERPs the demo can simulate, each with its preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoErp {
    /// IXC Provedor, on the `ixc` preset.
    Ixc,
    /// SGP, on the `sgp` preset.
    Sgp,
    /// The platform's standard API, on the `standard` preset.
    Standard,
    /// Hubsoft, on the `hubsoft` preset.
    Hubsoft,
}

/// Run a demo: a simulated ERP (IXC by default), Ponte in front of it, and calls to try.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The ERP to simulate; the integration uses its preset.
    #[arg(long, value_enum, default_value_t = DemoErp::Ixc)]
    pub erp: DemoErp,
    /// Port for Ponte (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Port for the simulated ERP (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub erp_port: u16,
    /// Seed of the simulated data (the same seed gives the same customers).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Requests per minute each client may send to /v1/tools/ (0 turns the limit off), for
    /// trying the limit or for load tests from one address; default as `[tools]`.
    #[arg(long)]
    pub tools_rate: Option<u32>,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    crate::logging::init(&LogConfig {
        level: "warn,ponte=info".into(),
        ..LogConfig::default()
    });
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(demo(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn demo(args: &DemoArgs) -> anyhow::Result<()> {
    if args.erp == DemoErp::Sgp {
        return demo_sgp(args).await;
    }
    if args.erp == DemoErp::Standard {
        return demo_standard(args).await;
    }
    if args.erp == DemoErp::Hubsoft {
        return demo_hubsoft(args).await;
    }
    let erp_config = IxcConfig {
        seed: args.seed,
        ..IxcConfig::default()
    };
    let erp = ixc::start(
        erp_config.clone(),
        SocketAddr::from(([127, 0, 0, 1], args.erp_port)),
    )
    .await
    .context("cannot start the simulated IXC")?;

    let started = start_ponte(
        args,
        DemoIntegration {
            id: "demo-ixc",
            name: "Provedor Demo (IXC simulado)",
            preset: "ixc",
            settings: demo_settings(),
            variables: [
                ("base_url".to_owned(), erp.base_url()),
                ("ixc_user_id".to_owned(), erp_config.user_id.clone()),
            ]
            .into(),
            secrets: vec![("ixc_token", erp_config.token.clone())],
        },
    )
    .await?;
    let Started {
        ponte,
        listener,
        key,
        admin_token,
        dir,
    } = started;
    let base = format!("http://{}", listener.local_addr()?);
    print_guide(&base, &key, &admin_token, &erp);
    serve(ponte, listener, admin_token, args).await?;
    erp.shutdown().await;
    drop(dir);
    Ok(())
}

/// The demo's integration on a preset: its values and the ERP secrets it needs.
struct DemoIntegration {
    id: &'static str,
    name: &'static str,
    preset: &'static str,
    settings: ponte_core::model::IntegrationSettings,
    variables: std::collections::BTreeMap<String, String>,
    secrets: Vec<(&'static str, String)>,
}

/// What [`start_ponte`] prepared: the service, its listener, the API key and admin token it
/// prints, and the temporary folder of its database (removed when dropped).
struct Started {
    ponte: Arc<Ponte>,
    listener: tokio::net::TcpListener,
    key: String,
    admin_token: String,
    dir: tempfile::TempDir,
}

/// A fresh SQLite database in a temporary folder with `integration` on its preset, an API
/// key, and Ponte listening on the demo's port.
async fn start_ponte(args: &DemoArgs, integration: DemoIntegration) -> anyhow::Result<Started> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let db = dir.path().join("ponte-demo.db");
    let master: SecretString = AesGcmCipher::generate_key_base64()?;
    let store = provision::open_store(&format!("sqlite://{}", db.display()), &master).await?;
    let entry = IntegrationConfig {
        id: integration.id.into(),
        name: integration.name.into(),
        preset: Some(integration.preset.into()),
        automation_dir: None,
        functions: Default::default(),
        active: true,
        settings: integration.settings,
        variables: integration.variables,
        secrets: Default::default(),
        api_keys: Vec::new(),
    };
    let stored = provision::integration_of(&entry, &Default::default())?;
    store.create_integration(&stored).await?;
    for (secret, value) in integration.secrets {
        store
            .set_secret(&stored.id, secret, &SecretString::from(value))
            .await?;
    }
    let key = store.create_api_key(&stored.id).await?.plain.reveal();
    let admin_token = admin_token()?;
    let ponte = Arc::new(provision::service(store, RecordingPolicy::default())?);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .context("cannot listen for Ponte")?;
    Ok(Started {
        ponte,
        listener,
        key,
        admin_token,
        dir,
    })
}

/// A fresh admin token per demo, so the admin API (executions, traces, test runs) can be
/// tried too.
fn admin_token() -> anyhow::Result<String> {
    Ok(ponte_core::crypto::random_bytes::<32>()?
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// Ponte serving on `listener` until Ctrl-C, with the payment workers running.
async fn serve(
    ponte: Arc<Ponte>,
    listener: tokio::net::TcpListener,
    admin_token: String,
    args: &DemoArgs,
) -> anyhow::Result<()> {
    // Payments (`POST /v1/payments`) are settled by the workers, as under `ponte serve`.
    let settling = tokio::spawn(ponte.clone().run_payment_workers());
    let mut tools = ponte_http::ToolsConfig::default();
    if let Some(rate) = args.tools_rate {
        tools.requests_per_minute = rate;
    }
    let state = ponte_http::AppState::new(ponte)
        .with_admin_token(SecretString::from(admin_token))
        .with_tools(&tools)?;
    let served = ponte_http::serve(listener, state, crate::shutdown_signal()).await;
    settling.abort();
    served?;
    Ok(())
}

/// The demo on the SGP simulator and the `sgp` preset.
async fn demo_sgp(args: &DemoArgs) -> anyhow::Result<()> {
    let erp_config = SgpConfig {
        seed: args.seed,
        ..SgpConfig::default()
    };
    let erp = sgp::start(
        erp_config.clone(),
        SocketAddr::from(([127, 0, 0, 1], args.erp_port)),
    )
    .await
    .context("cannot start the simulated SGP")?;

    let started = start_ponte(
        args,
        DemoIntegration {
            id: "demo-sgp",
            name: "Provedor Demo (SGP simulado)",
            preset: "sgp",
            settings: ponte_core::model::IntegrationSettings::default(),
            variables: [
                ("base_url".to_owned(), erp.base_url()),
                ("sgp_app".to_owned(), erp_config.app.clone()),
            ]
            .into(),
            secrets: vec![("sgp_token", erp_config.token.clone())],
        },
    )
    .await?;
    // The blocked fixture customer has overdue titles and a suspended contract, so every
    // printed call shows something.
    let fixtures = erp.state().fixtures();
    let calls = blocked_customer_calls(&fixtures.blocked.document);
    show_and_serve(
        args,
        started,
        "a simulated SGP",
        &format!("  Simulated SGP:    {}", erp.base_url()),
        &calls,
    )
    .await?;
    erp.shutdown().await;
    Ok(())
}

/// The demo on the Hubsoft simulator and the `hubsoft` preset (OAuth2: a client secret and
/// the API user's password).
async fn demo_hubsoft(args: &DemoArgs) -> anyhow::Result<()> {
    let erp_config = HubsoftConfig {
        seed: args.seed,
        ..HubsoftConfig::default()
    };
    let erp = hubsoft::start(
        erp_config.clone(),
        SocketAddr::from(([127, 0, 0, 1], args.erp_port)),
    )
    .await
    .context("cannot start the simulated Hubsoft")?;

    let started = start_ponte(
        args,
        DemoIntegration {
            id: "demo-hubsoft",
            name: "Provedor Demo (Hubsoft simulado)",
            preset: "hubsoft",
            settings: ponte_core::model::IntegrationSettings::default(),
            variables: [
                ("base_url".to_owned(), erp.base_url()),
                ("client_id".to_owned(), erp_config.client_id.clone()),
                ("api_user".to_owned(), erp_config.username.clone()),
                // The simulator's "CAIXA PIX": write-offs need a cash box of the provider.
                ("cash_box_id".to_owned(), "150".to_owned()),
            ]
            .into(),
            secrets: vec![
                ("client_secret", erp_config.client_secret.clone()),
                ("api_password", erp_config.password.clone()),
            ],
        },
    )
    .await?;
    // The blocked fixture customer has overdue invoices and a service suspended for debt, so
    // every printed call shows something.
    let fixtures = erp.state().fixtures();
    let calls = blocked_customer_calls(&fixtures.blocked.document);
    show_and_serve(
        args,
        started,
        "a simulated Hubsoft",
        &format!("  Simulated Hubsoft: {}", erp.base_url()),
        &calls,
    )
    .await?;
    erp.shutdown().await;
    Ok(())
}

/// The calls a demo prints for a blocked customer: its invoices, its register and its blocked
/// plans.
fn blocked_customer_calls(document: &str) -> [(&'static str, String); 3] {
    [
        ("list_invoices", document.to_owned()),
        ("get_customer_info", document.to_owned()),
        ("list_customer_blocked_plans", document.to_owned()),
    ]
}

/// Prints where Ponte and the simulated ERP listen and a few calls to try, then serves until
/// Ctrl-C; the caller shuts its simulator down after.
async fn show_and_serve(
    args: &DemoArgs,
    started: Started,
    erp_name: &str,
    erp_line: &str,
    calls: &[(&str, String)],
) -> anyhow::Result<()> {
    let Started {
        ponte,
        listener,
        key,
        admin_token,
        dir,
    } = started;
    let base = format!("http://{}", listener.local_addr()?);
    print_header(&base, &key, &admin_token, erp_name, erp_line);
    print_calls(&base, &key, calls);
    serve(ponte, listener, admin_token, args).await?;
    drop(dir);
    Ok(())
}

fn print_header(base: &str, key: &str, admin_token: &str, erp_name: &str, erp_line: &str) {
    let line = "-".repeat(78);
    crate::output::line(&line);
    crate::output::line(format!("Ponte demo: {erp_name} and Ponte in front of it."));
    crate::output::line(format!("  Ponte:            {base}"));
    crate::output::line(format!("  API reference:    {base}/docs"));
    crate::output::line(erp_line);
    crate::output::line(format!("  API key:          {key}"));
    crate::output::line(format!("  Admin token:      {admin_token}"));
    crate::output::line(format!(
        "  Admin API:        {base}/admin/v1/executions (Authorization: Bearer <admin token>)"
    ));
    crate::output::line(&line);
    crate::output::line("Try these calls:\n");
}

/// One ready-to-paste call per `(function, document)`, the catalog, and the ready line.
fn print_calls(base: &str, key: &str, calls: &[(&str, String)]) {
    for (function, document) in calls {
        crate::output::line(format!(
            "curl -s {base}/v1/functions/{function} -H 'Authorization: Bearer {key}' \\\n  -H 'Content-Type: application/json' -d '{{\"customer_document_number\": \"{document}\"}}'\n",
        ));
    }
    crate::output::line(format!(
        "curl -s {base}/v1/functions -H 'Authorization: Bearer {key}'   # the catalog\n"
    ));
    crate::output::line("-".repeat(78));
    crate::output::line("Ponte is ready. Press Ctrl-C to stop; the demo database is deleted then.");
}

/// The settlement account the IXC preset needs (it never guesses where money goes).
fn demo_settings() -> ponte_core::model::IntegrationSettings {
    let mut settings = ponte_core::model::IntegrationSettings::default();
    settings
        .payment
        .insert("account_id".into(), serde_json::Value::String("1".into()));
    settings
}

fn print_guide(base: &str, key: &str, admin_token: &str, erp: &ixc::RunningIxc) {
    let state = erp.state();
    let customers = state.customers();
    // A customer with an open invoice and one with a blocked contract make the calls show
    // something; the first customer does when the seed gives neither.
    let with_invoice = customers
        .iter()
        .find(|c| c.active && state.invoices_of(&c.id).iter().any(|i| i.status == "A"))
        .or(customers.first());
    let blocked = customers
        .iter()
        .find(|c| state.contracts_of(&c.id).iter().any(|k| k.blocked))
        .or(customers.first());
    let doc = |c: Option<&ixc::Customer>| c.map(|c| c.document.clone()).unwrap_or_default();
    let line = "-".repeat(78);
    crate::output::line(&line);
    crate::output::line("Ponte demo: a simulated IXC Provedor and Ponte in front of it.");
    crate::output::line(format!("  Ponte:            {base}"));
    crate::output::line(format!("  API reference:    {base}/docs"));
    crate::output::line(format!("  Simulated IXC:    {}", erp.base_url()));
    crate::output::line(format!("  API key:          {key}"));
    crate::output::line(format!("  Admin token:      {admin_token}"));
    crate::output::line(format!(
        "  Admin API:        {base}/admin/v1/executions (Authorization: Bearer <admin token>)"
    ));
    crate::output::line(&line);
    crate::output::line("Try these calls:\n");
    crate::output::line(format!(
        "curl -s {base}/v1/functions/list_invoices -H 'Authorization: Bearer {key}' \\\n  -H 'Content-Type: application/json' -d '{{\"customer_document_number\": \"{}\"}}'\n",
        doc(with_invoice)
    ));
    crate::output::line(format!(
        "curl -s {base}/v1/functions/get_customer_info -H 'Authorization: Bearer {key}' \\\n  -H 'Content-Type: application/json' -d '{{\"customer_document_number\": \"{}\"}}'\n",
        doc(with_invoice)
    ));
    crate::output::line(format!(
        "curl -s {base}/v1/functions/list_customer_blocked_plans -H 'Authorization: Bearer {key}' \\\n  -H 'Content-Type: application/json' -d '{{\"customer_document_number\": \"{}\"}}'\n",
        doc(blocked)
    ));
    crate::output::line(format!(
        "curl -s {base}/v1/functions -H 'Authorization: Bearer {key}'   # the catalog\n"
    ));
    crate::output::line(&line);
    crate::output::line("Ponte is ready. Press Ctrl-C to stop; the demo database is deleted then.");
}

/// The demo on the standard API simulator and the `standard` preset. The simulator answers
/// both of the contract's field sets, so invoices carry their due date and linha digitável.
async fn demo_standard(args: &DemoArgs) -> anyhow::Result<()> {
    use ponte_simulators::standard::{self, FieldSet, StandardConfig};
    let mut erp_config = StandardConfig {
        seed: args.seed,
        ..StandardConfig::default()
    };
    erp_config.guesses.field_set = FieldSet::Both;
    let erp = standard::start(
        erp_config.clone(),
        SocketAddr::from(([127, 0, 0, 1], args.erp_port)),
    )
    .await
    .context("cannot start the simulated standard API")?;

    let started = start_ponte(
        args,
        DemoIntegration {
            id: "demo-standard",
            name: "Provedor Demo (API padrão simulada)",
            preset: "standard",
            settings: ponte_core::model::IntegrationSettings::default(),
            variables: [("base_url".to_owned(), erp.base_url())].into(),
            secrets: vec![("standard_token", erp_config.token.clone())],
        },
    )
    .await?;
    // The blocked fixture customer has overdue boletos; the active one has fiscal notes.
    let fixtures = erp.state().fixtures();
    let calls = [
        ("list_invoices", fixtures.blocked.document.clone()),
        ("get_customer_info", fixtures.blocked.document.clone()),
        ("list_fiscal_notes", fixtures.active.document.clone()),
    ];
    show_and_serve(
        args,
        started,
        "a simulated standard API",
        &format!("  Simulated API:    {}", erp.base_url()),
        &calls,
    )
    .await?;
    erp.shutdown().await;
    Ok(())
}
