//! `ponte simulate ixc|sgp|hubsoft|standard`: serve a simulated ERP on a local port until
//! Ctrl-C, for demos and for developing automations without a real ERP.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use ponte_simulators::hubsoft::{self, HubsoftConfig};
use ponte_simulators::ixc::{IxcConfig, IxcLeniency, MIN_CUSTOMERS, start};
use ponte_simulators::sgp::{SgpConfig, fixtures_json as sgp_fixtures};
use ponte_simulators::standard::{StandardConfig, fixtures_json as standard_fixtures};
use time::Date;
use time::macros::format_description;

/// Run an ERP simulator.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Which ERP to simulate.
    #[command(subcommand)]
    pub erp: SimulatedErp,
}

/// The ERPs that can be simulated.
#[derive(Debug, Subcommand)]
pub enum SimulatedErp {
    /// IXC Provedor (`/webservice/v1/<table>`).
    Ixc(IxcArgs),
    /// SGP (`/api/ura/...`, `/api/central/...`, `/api/banco/...`, `/api/precadastro/...`).
    Sgp(SimArgs),
    /// Hubsoft (`/oauth/token`, `/api/v1/integracao/...`).
    Hubsoft(HubsoftArgs),
    /// The platform's standard API (`/api/clientes`, `/api/boletos`...).
    Standard(SimArgs),
}

/// Options of the Hubsoft simulator.
#[derive(Debug, Args)]
pub struct HubsoftArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8090)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Seed of the generated data: the same seed and date always give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The simulator's "today" (YYYY-MM-DD), which decides what is overdue. Defaults to the
    /// current date.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<Date>,
    /// Number of customers to seed.
    #[arg(long, default_value_t = 60)]
    pub customers: usize,
    /// Lifetime of an access token in seconds (`expires_in`; Hubsoft's is 30 days).
    #[arg(long, default_value_t = 2_592_000)]
    pub token_lifetime: u64,
}

/// Options of the IXC simulator. It is as strict as a real IXC unless told otherwise.
#[derive(Debug, Args)]
pub struct IxcArgs {
    /// Port, address, seed, date and size of the data.
    #[command(flatten)]
    pub common: SimArgs,
    /// Accept something a real IXC refuses (repeatable; `all` for every leniency).
    #[arg(long = "lenient", value_enum)]
    pub lenient: Vec<IxcLenient>,
    /// A table the API user may not access: every request on it gets IXC's permission
    /// refusal (repeatable, e.g. `--forbid-table cidade`).
    #[arg(long = "forbid-table", value_name = "TABLE")]
    pub forbid_tables: Vec<String>,
    /// Answer `get_boleto` of a paid invoice with an empty body instead of IXC's error.
    #[arg(long)]
    pub paid_boleto_empty: bool,
}

/// The leniencies of the IXC simulator, each off unless named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IxcLenient {
    /// A `GET` without the `ixcsoft: listar` header lists.
    GetWithoutHeader,
    /// Columns without their table's prefix are accepted in listings.
    BareColumns,
    /// Inserts and updates ignore columns the table does not have.
    UnknownColumns,
    /// Write-offs without their required fields, or above the open value, are accepted.
    Writeoffs,
    /// A trust unlock goes through on a contract that is not blocked.
    UnlockUnblocked,
    /// `get_boleto` prints paid and cancelled invoices.
    PaidBoletoPdf,
    /// Every leniency above.
    All,
}

/// The simulator's leniencies from the names given on the command line.
fn leniency(names: &[IxcLenient]) -> IxcLeniency {
    let mut out = IxcLeniency::default();
    for name in names {
        match name {
            IxcLenient::GetWithoutHeader => out.get_without_header_lists = true,
            IxcLenient::BareColumns => out.bare_columns = true,
            IxcLenient::UnknownColumns => out.unknown_columns = true,
            IxcLenient::Writeoffs => out.writeoffs = true,
            IxcLenient::UnlockUnblocked => out.unlock_unblocked = true,
            IxcLenient::PaidBoletoPdf => out.paid_boleto_pdf = true,
            IxcLenient::All => out = IxcLeniency::all(),
        }
    }
    out
}

/// Options of a simulator (the same for every ERP).
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8089)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Seed of the generated data: the same seed and date always give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The simulator's "today" (YYYY-MM-DD), which decides what is overdue. Defaults to the
    /// current date.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<Date>,
    /// Number of customers to seed.
    #[arg(long, default_value_t = 60)]
    pub customers: usize,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

/// Runs the chosen simulator until Ctrl-C.
pub fn run(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    match &args.erp {
        SimulatedErp::Ixc(ixc) => runtime.block_on(run_ixc(ixc)),
        SimulatedErp::Sgp(sgp) => runtime.block_on(run_sgp(sgp)),
        SimulatedErp::Hubsoft(hubsoft) => runtime.block_on(run_hubsoft(hubsoft)),
        SimulatedErp::Standard(standard) => runtime.block_on(run_standard(standard)),
    }
}

async fn run_hubsoft(args: &HubsoftArgs) -> anyhow::Result<ExitCode> {
    let mut config = HubsoftConfig {
        seed: args.seed,
        customers: args.customers.max(hubsoft::MIN_CUSTOMERS),
        token_lifetime_secs: args.token_lifetime,
        ..HubsoftConfig::default()
    };
    if let Some(today) = args.today {
        config.today = today;
    }
    let addr = SocketAddr::new(args.host, args.port);
    let sim = hubsoft::start(config.clone(), addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let fixtures = sim.state().fixtures().clone();
    println!("Hubsoft simulator listening");
    println!("  base URL:      {}", sim.base_url());
    println!("  token URL:     {}", sim.token_url());
    println!("  API:           {}", sim.api_url());
    println!("  client_id:     {}", config.client_id);
    println!("  client_secret: {}", config.client_secret);
    println!("  username:      {}", config.username);
    println!("  password:      {}", config.password);
    println!("  token life:    {} s", config.token_lifetime_secs);
    println!("  today:         {}", config.today);
    println!(
        "  seed:          {}  ({} customers)",
        config.seed,
        sim.state().customers().len()
    );
    println!(
        "  control:       {root}/__sim/fixtures, {root}/__sim/faults, {root}/__sim/requests, \
         {root}/__sim/tokens/revoke",
        root = sim.root_url()
    );
    println!();
    println!("Get a token, then find the blocked sample customer by document:");
    println!(
        "  curl -s {} -H 'Content-Type: application/json' \\\n    -d '{{\"grant_type\":\"password\",\"client_id\":\"{}\",\"client_secret\":\"{}\",\"username\":\"{}\",\"password\":\"{}\"}}'",
        sim.token_url(),
        config.client_id,
        config.client_secret,
        config.username,
        config.password
    );
    println!(
        "  curl -s -H 'Authorization: Bearer <access_token>' \\\n    '{}/cliente?busca=cpf_cnpj&termo_busca={}'",
        sim.api_url(),
        fixtures.blocked.document
    );
    println!();
    println!(
        "Fixture documents: active {}, blocked {}, cancelled {}, unlock used {}, company {}, alphanumeric CNPJ {}",
        fixtures.active.document,
        fixtures.blocked.document,
        fixtures.cancelled.document,
        fixtures.unlock_used.document,
        fixtures.company.document,
        fixtures.alphanumeric_cnpj.document
    );
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    sim.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn run_ixc(ixc_args: &IxcArgs) -> anyhow::Result<ExitCode> {
    let args = &ixc_args.common;
    let mut config = IxcConfig {
        seed: args.seed,
        customers: args.customers.max(MIN_CUSTOMERS),
        lenient: leniency(&ixc_args.lenient),
        forbidden_tables: ixc_args.forbid_tables.clone(),
        paid_boleto_empty: ixc_args.paid_boleto_empty,
        ..IxcConfig::default()
    };
    if let Some(today) = args.today {
        config.today = today;
    }
    let addr = SocketAddr::new(args.host, args.port);
    let ixc = start(config.clone(), addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let base = ixc.base_url();
    let fixtures = ixc.state().fixtures().clone();
    let sample = ixc
        .state()
        .customer(&fixtures.blocked)
        .map(|c| c.cnpj_cpf)
        .unwrap_or_default();
    println!("IXC simulator listening");
    println!("  base URL:    {base}");
    println!("  user id:     {}", config.user_id);
    println!("  token:       {}", config.token);
    println!(
        "  credential:  {}  (Basic auth user:password)",
        config.credential()
    );
    println!("  today:       {}", config.today);
    println!(
        "  seed:        {}  ({} customers)",
        config.seed,
        ixc.state().customers().len()
    );
    if config.lenient == IxcLeniency::default() {
        println!("  strictness:  as a real IXC (no leniency)");
    } else {
        println!("  lenient:     {:?}", config.lenient);
    }
    if !config.forbidden_tables.is_empty() {
        println!("  forbidden:   {}", config.forbidden_tables.join(", "));
    }
    println!(
        "  control:     {}/__sim/faults, {}/__sim/requests",
        ixc.root_url(),
        ixc.root_url()
    );
    println!();
    println!("Find the blocked sample customer by document:");
    println!(
        "  curl -s -u '{}' -H 'ixcsoft: listar' -H 'Content-Type: application/json' \\\n    \
         -d '{{\"qtype\":\"cliente.cnpj_cpf\",\"query\":\"{sample}\",\"oper\":\"=\"}}' {base}/cliente",
        config.credential()
    );
    println!();
    println!(
        "Fixture customer ids: active {}, blocked {}, cancelled {}, unlock used {}, company {}, alphanumeric CNPJ {}, unmasked document {}",
        fixtures.active,
        fixtures.blocked,
        fixtures.cancelled,
        fixtures.unlock_used,
        fixtures.company,
        fixtures.alphanumeric_cnpj,
        fixtures.unmasked_document
    );
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    ixc.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn run_sgp(args: &SimArgs) -> anyhow::Result<ExitCode> {
    let mut config = SgpConfig {
        seed: args.seed,
        customers: args.customers.max(MIN_CUSTOMERS),
        ..SgpConfig::default()
    };
    if let Some(today) = args.today {
        config.today = today;
    }
    let addr = SocketAddr::new(args.host, args.port);
    let sgp = ponte_simulators::sgp::start(config.clone(), addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let base = sgp.base_url();
    let blocked = sgp.state().fixtures().blocked.document.clone();
    println!("SGP simulator listening");
    println!("  base URL:    {base}");
    println!("  app, token:  {}, {}", config.app, config.token);
    println!(
        "  Basic auth:  {}:{}  (/api/ura/* only)",
        config.basic_user, config.basic_password
    );
    println!("  today:       {}", config.today);
    println!("  seed:        {}", config.seed);
    println!(
        "  control:     {base}/__sim/fixtures, /__sim/faults, /__sim/requests, /__sim/credentials"
    );
    println!();
    println!("Find the blocked sample customer by document:");
    println!(
        "  curl -s -d app={} -d token={} -d cpfcnpj={blocked} {base}/api/ura/consultacliente/",
        config.app, config.token
    );
    println!();
    println!("Fixtures: {}", sgp_fixtures(sgp.state())["fixtures"]);
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    sgp.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn run_standard(args: &SimArgs) -> anyhow::Result<ExitCode> {
    let mut config = StandardConfig {
        seed: args.seed,
        customers: args.customers.max(MIN_CUSTOMERS),
        ..StandardConfig::default()
    };
    if let Some(today) = args.today {
        config.today = today;
    }
    let addr = SocketAddr::new(args.host, args.port);
    let api = ponte_simulators::standard::start(config.clone(), addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let base = api.base_url();
    let active = api.state().fixtures().active.document.clone();
    println!("Standard API simulator listening");
    println!("  base URL:    {base}");
    println!("  token:       Authorization: Bearer {}", config.token);
    println!("  today:       {}", config.today);
    println!("  seed:        {}", config.seed);
    println!(
        "  control:     {}/__sim/fixtures, /__sim/faults, /__sim/requests, /__sim/credentials",
        api.root_url()
    );
    println!();
    println!("Open boletos of the active sample customer:");
    println!(
        "  curl -s -H 'Authorization: Bearer {}' '{base}/boletos?document={active}'",
        config.token
    );
    println!();
    println!("Fixtures: {}", standard_fixtures(api.state())["fixtures"]);
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    api.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lenient_flag_turns_on_its_own_leniency_and_all_turns_on_every_one() {
        assert_eq!(leniency(&[]), IxcLeniency::default());
        let two = leniency(&[IxcLenient::BareColumns, IxcLenient::Writeoffs]);
        assert!(two.bare_columns && two.writeoffs);
        assert_eq!(
            two,
            IxcLeniency {
                bare_columns: true,
                writeoffs: true,
                ..IxcLeniency::default()
            }
        );
        assert_eq!(leniency(&[IxcLenient::All]), IxcLeniency::all());
    }

    #[test]
    fn the_ixc_flags_parse_into_the_simulators_options() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(subcommand)]
            erp: SimulatedErp,
        }
        let cli = Cli::try_parse_from([
            "simulate",
            "ixc",
            "--lenient",
            "get-without-header",
            "--lenient",
            "paid-boleto-pdf",
            "--forbid-table",
            "cidade",
            "--forbid-table",
            "uf",
            "--paid-boleto-empty",
        ])
        .unwrap();
        let SimulatedErp::Ixc(args) = cli.erp else {
            panic!("not ixc");
        };
        assert_eq!(
            leniency(&args.lenient),
            IxcLeniency {
                get_without_header_lists: true,
                paid_boleto_pdf: true,
                ..IxcLeniency::default()
            }
        );
        assert_eq!(args.forbid_tables, ["cidade", "uf"]);
        assert!(args.paid_boleto_empty);
        assert!(Cli::try_parse_from(["simulate", "ixc", "--lenient", "everything"]).is_err());
    }

    #[test]
    fn a_date_is_read_in_iso_form_only() {
        assert_eq!(parse_date("2026-03-18").unwrap().to_string(), "2026-03-18");
        assert!(parse_date("18/03/2026").is_err());
    }
}
