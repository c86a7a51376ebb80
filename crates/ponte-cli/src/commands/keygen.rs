//! `ponte keygen`: new keys for the configuration file.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use secrecy::ExposeSecret;

/// Print a new key.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    #[command(subcommand)]
    pub which: Which,
}

#[derive(Debug, Subcommand)]
pub enum Which {
    /// A master key (32 random bytes, base64) for `security.master_key`.
    Master,
    /// An API key for an integration's `api_keys` (shown once; Ponte stores only its hash).
    ApiKey,
}

pub fn run(args: &KeygenArgs) -> anyhow::Result<ExitCode> {
    match args.which {
        Which::Master => {
            let key = ponte_core::crypto::AesGcmCipher::generate_key_base64()?;
            crate::output::line(key.expose_secret());
        }
        Which::ApiKey => {
            let id = ponte_core::model::IntegrationId::parse("keygen")?;
            let issued = ponte_core::model::ApiKey::generate(id, ponte_core::store::now_micros())?;
            crate::output::line(issued.plain.reveal());
        }
    }
    Ok(ExitCode::SUCCESS)
}
