//! The Brazilian payment tools: `ponte document`, `ponte boleto`, `ponte pix build|parse|qr`
//! and `ponte barcode`. Each prints one JSON object on stdout (the same shapes the HTTP tools
//! answer, built by `ponte_br::report`) and exits 0 when the input is valid, 1 when it is not,
//! 2 on a usage error (clap's own exit code).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use ponte_br::report::{self, PixBuildRequest};
use ponte_br::{Boleto, itf, qr};
use serde::Serialize;
use serde_json::json;
use time::Date;

/// `ponte document <value>`.
#[derive(Debug, Args)]
pub struct DocumentArgs {
    /// A CPF or CNPJ, with or without punctuation.
    pub value: String,
}

/// `ponte boleto <code> [--today YYYY-MM-DD]`.
#[derive(Debug, Args)]
pub struct BoletoArgs {
    /// Barcode (44 digits) or linha digitável (47 or 48), with or without separators.
    pub code: String,
    /// Reference date for the due-date factor; defaults to today in Brasília.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

/// `ponte pix …`.
#[derive(Debug, Args)]
pub struct PixArgs {
    #[command(subcommand)]
    pub command: PixCommand,
}

/// The PIX subcommands.
#[derive(Debug, Subcommand)]
pub enum PixCommand {
    /// Build a static BR Code.
    Build(PixBuildArgs),
    /// Parse and check a BR Code.
    Parse(PixParseArgs),
    /// Draw a BR Code as a QR code.
    Qr(PixQrArgs),
}

/// `ponte pix build --key K --name N --city C [--amount A] [--txid T] [--description D]`.
#[derive(Debug, Args)]
pub struct PixBuildArgs {
    /// The receiver's PIX key: CPF, CNPJ, +55 phone, e-mail or random key.
    #[arg(long)]
    pub key: String,
    /// Merchant name (accents folded, at most 25 characters kept).
    #[arg(long)]
    pub name: String,
    /// Merchant city (accents folded, at most 15 characters kept).
    #[arg(long)]
    pub city: String,
    /// Amount such as 99.90; leave out to let the payer choose.
    #[arg(long)]
    pub amount: Option<String>,
    /// Transaction id, 1 to 25 letters or digits.
    #[arg(long)]
    pub txid: Option<String>,
    /// Text shown to the payer.
    #[arg(long)]
    pub description: Option<String>,
}

/// `ponte pix parse <payload>`.
#[derive(Debug, Args)]
pub struct PixParseArgs {
    /// The BR Code ("copia e cola").
    pub payload: String,
}

/// `ponte pix qr <payload> --svg|--png FILE`.
#[derive(Debug, Args)]
pub struct PixQrArgs {
    /// The BR Code to draw; it is checked first.
    pub payload: String,
    #[command(flatten)]
    pub output: ImageOutput,
    /// Pixels per QR module in the PNG.
    #[arg(long, default_value_t = 8)]
    pub module_px: u32,
}

/// `ponte barcode <code> --svg|--png FILE [--dpi N]`.
#[derive(Debug, Args)]
pub struct BarcodeArgs {
    /// Barcode or linha digitável of a boleto; it is checked first.
    pub code: String,
    #[command(flatten)]
    pub output: ImageOutput,
    /// Resolution of the PNG.
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
}

/// Exactly one of `--svg FILE` or `--png FILE`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ImageOutput {
    /// Write an SVG to FILE.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Write a PNG to FILE.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    crate::output::line(serde_json::to_string(value).context("serialising the answer")?);
    Ok(())
}

fn exit(valid: bool) -> ExitCode {
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Runs `ponte document`.
pub fn run_document(args: &DocumentArgs) -> anyhow::Result<ExitCode> {
    let report = report::document_report(&args.value);
    print_json(&report)?;
    Ok(exit(report.valid))
}

/// Runs `ponte boleto`.
pub fn run_boleto(args: &BoletoArgs) -> anyhow::Result<ExitCode> {
    let today = args
        .today
        .unwrap_or_else(ponte_core::clock::today_in_brasilia);
    let report = report::boleto_report(&args.code, today);
    print_json(&report)?;
    Ok(exit(report.valid))
}

/// Runs `ponte pix build|parse|qr`.
pub fn run_pix(args: &PixArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        PixCommand::Build(a) => {
            let request = PixBuildRequest {
                key: a.key.clone(),
                name: a.name.clone(),
                city: a.city.clone(),
                amount: a.amount.clone(),
                txid: a.txid.clone(),
                description: a.description.clone(),
            };
            match report::pix_build(&request) {
                Ok(built) => {
                    print_json(&built)?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    print_json(&json!({"payload": null, "reason": e.to_string()}))?;
                    Ok(ExitCode::from(1))
                }
            }
        }
        PixCommand::Parse(a) => {
            let report = report::pix_parse_report(&a.payload);
            print_json(&report)?;
            Ok(exit(report.valid))
        }
        PixCommand::Qr(a) => {
            let report = report::pix_parse_report(&a.payload);
            if !report.valid {
                print_json(&report)?;
                return Ok(ExitCode::from(1));
            }
            let (path, format, bytes) = match (&a.output.svg, &a.output.png) {
                (Some(path), _) => (path, "svg", qr::svg(&a.payload)?.into_bytes()),
                (None, Some(path)) => (path, "png", qr::png(&a.payload, a.module_px)?),
                (None, None) => anyhow::bail!("give --svg FILE or --png FILE"),
            };
            write_image(path, &bytes)?;
            print_json(&json!({"valid": true, "format": format, "file": path}))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs `ponte barcode`.
pub fn run_barcode(args: &BarcodeArgs) -> anyhow::Result<ExitCode> {
    let boleto = match Boleto::parse(&args.code) {
        Ok(b) => b,
        Err(e) => {
            print_json(&json!({"valid": false, "reason": e.to_string()}))?;
            return Ok(ExitCode::from(1));
        }
    };
    let (path, format, bytes) = match (&args.output.svg, &args.output.png) {
        (Some(path), _) => (path, "svg", itf::svg(boleto.barcode())?.into_bytes()),
        (None, Some(path)) => (path, "png", itf::png(boleto.barcode(), args.dpi)?),
        (None, None) => anyhow::bail!("give --svg FILE or --png FILE"),
    };
    write_image(path, &bytes)?;
    print_json(&json!({
        "valid": true,
        "barcode": boleto.barcode(),
        "format": format,
        "file": path,
    }))?;
    Ok(ExitCode::SUCCESS)
}

fn write_image(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
