//! `ponte config check`: load the configuration as `serve` would and report what it holds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config;

/// Configuration commands.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and validate the configuration (file plus PONTE_ environment), resolve every secret
    /// reference, and print a summary without any secret.
    Check {
        /// Configuration file (default: ./ponte.toml when it exists).
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

pub fn run(args: &ConfigArgs) -> anyhow::Result<ExitCode> {
    let ConfigCommand::Check { config: path } = &args.command;
    let loaded = match config::load(path.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut problems = Vec::new();
    let c = &loaded.config;
    if let Some(r) = &c.security.master_key
        && let Err(e) = config::resolve_secret(r, &loaded.base, "security.master_key")
    {
        problems.push(format!("{e:#}"));
    }
    // Resolved and checked exactly as `ponte serve` does before it opens the API.
    let admin = match super::serve::admin_token(&loaded) {
        Ok(token) => token.is_some(),
        Err(e) => {
            problems.push(format!("{e:#}"));
            false
        }
    };
    if let Err(e) = c.executions.recording() {
        problems.push(format!("{e:#}"));
    }
    if let Err(e) = c.security.session_ttl() {
        problems.push(format!("{e:#}"));
    }
    if let Err(e) = c.tools.check() {
        problems.push(e.to_string());
    }
    // Integrations, their automation files, variables, secrets and keys: the very check
    // `ponte serve` and its reload make.
    let prepared = match crate::provision::prepare(&loaded) {
        Ok(prepared) => prepared,
        Err(mut found) => {
            problems.append(&mut found);
            Vec::new()
        }
    };
    crate::output::line(format!("listen:   {}", c.server.listen));
    crate::output::line(format!("database: {}", redact_url(&loaded.database_url())));
    crate::output::line(format!(
        "admin API: {}",
        if admin {
            "on"
        } else {
            "off (security.admin_token not set)"
        }
    ));
    crate::output::line(match c.executions.retention_days {
        0 => "execution records: kept forever".to_owned(),
        days => format!("execution records: kept {days} days"),
    });
    crate::output::line(format!("integrations: {}", c.integrations.len()));
    for i in &c.integrations {
        crate::output::line(format!(
            "  - {} ({}), preset {}, {}, {} variable(s), {} secret(s), {} API key(s)",
            i.id,
            i.name,
            i.preset.as_deref().unwrap_or("none"),
            if i.active { "active" } else { "inactive" },
            i.variables.len(),
            i.secrets.len(),
            i.api_keys.len()
        ));
        if let Some(one) = prepared
            .iter()
            .find(|p| p.provisioned.integration.id.as_str() == i.id)
        {
            for (function, file) in &one.files {
                crate::output::line(format!("      {function}: {}", file.path));
            }
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    Ok(if problems.is_empty() {
        crate::output::line("configuration is valid");
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A database URL with its password hidden.
fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}
