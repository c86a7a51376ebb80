//! `ponte operators add|list|remove`: operator accounts, written straight to the configured
//! database (the first admin is usually made here). The password comes from
//! `PONTE_OPERATOR_PASSWORD` or the first line of stdin, never from the command line, where it
//! would stay in the shell's history and the process list. Changes are recorded in the audit
//! log under `command-line`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use ponte_core::model::{Actor, Role};
use ponte_core::service::operators::{audit, create_operator, operator_json};
use ponte_core::store::{Store, StoreError};
use secrecy::SecretString;
use serde_json::json;

use crate::{config, output, provision};

/// The variable a password may be passed in.
const PASSWORD_VARIABLE: &str = "PONTE_OPERATOR_PASSWORD";

/// Operator accounts.
#[derive(Debug, Args)]
pub struct OperatorsArgs {
    #[command(subcommand)]
    pub command: OperatorsCommand,
    /// Configuration file (default: ./ponte.toml when it exists).
    #[arg(long, short, global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Create an operator; the password is read from PONTE_OPERATOR_PASSWORD or stdin.
    Add {
        /// The sign-in name (lower-case letters, digits, `-`, `_`, `.`).
        name: String,
        /// What the operator may do.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the operators as JSON (never their passwords).
    List,
    /// Remove an operator; its sessions end at once.
    Remove {
        /// The operator's name.
        name: String,
    },
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Everything: reads and changes.
    Admin,
    /// Reads only.
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

pub fn run(args: &OperatorsArgs) -> anyhow::Result<ExitCode> {
    let loaded = config::load(args.config.as_deref())?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let reference = loaded
            .config
            .security
            .master_key
            .as_deref()
            .context("security.master_key is not set: `ponte keygen master` prints a key")?;
        let master = config::resolve_secret(reference, &loaded.base, "security.master_key")?;
        let store = provision::open_store(&loaded.database_url(), &master).await?;
        match &args.command {
            OperatorsCommand::Add { name, role } => add(&store, name, (*role).into()).await,
            OperatorsCommand::List => list(&store).await,
            OperatorsCommand::Remove { name } => remove(&store, name).await,
        }
    })
}

fn read_password() -> anyhow::Result<SecretString> {
    if let Ok(value) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(SecretString::from(value));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    Ok(SecretString::from(password))
}

async fn add(store: &Arc<dyn Store>, name: &str, role: Role) -> anyhow::Result<ExitCode> {
    let password = read_password()?;
    match create_operator(store.as_ref(), name, role, &password).await {
        Ok(operator) => {
            let shown = operator_json(&operator);
            audit(
                store.as_ref(),
                &Actor::command_line(),
                "operator.add",
                &format!("operator:{name}"),
                None,
                Some(shown.clone()),
            )
            .await;
            output::line(shown);
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("error: {}", err.detail);
            Ok(ExitCode::from(1))
        }
    }
}

async fn list(store: &Arc<dyn Store>) -> anyhow::Result<ExitCode> {
    let operators = store.list_operators().await?;
    let shown: Vec<_> = operators
        .iter()
        .map(|operator| {
            let mut shown = operator_json(operator);
            shown["created_at"] = json!(
                operator
                    .created_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            );
            shown
        })
        .collect();
    output::line(serde_json::Value::Array(shown));
    Ok(ExitCode::SUCCESS)
}

async fn remove(store: &Arc<dyn Store>, name: &str) -> anyhow::Result<ExitCode> {
    let Some(before) = store.get_operator(name).await? else {
        eprintln!("error: no operator `{name}`");
        return Ok(ExitCode::from(1));
    };
    match store.delete_operator(name).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => {
            eprintln!("error: no operator `{name}`");
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err.into()),
    }
    audit(
        store.as_ref(),
        &Actor::command_line(),
        "operator.remove",
        &format!("operator:{name}"),
        Some(operator_json(&before)),
        None,
    )
    .await;
    output::line(json!({"removed": name}));
    Ok(ExitCode::SUCCESS)
}
