//! `ponte presets`: the presets embedded in the binary, what each serves and what it needs.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use crate::output::line;

/// List the presets, or show one.
#[derive(Debug, Args)]
pub struct PresetsArgs {
    #[command(subcommand)]
    pub command: PresetsCommand,
}

#[derive(Debug, Subcommand)]
pub enum PresetsCommand {
    /// Every preset: its name, its ERP and how many functions it serves.
    List(ListArgs),
    /// One preset: each catalog function, served or why not, and the variables and secrets
    /// each needs.
    Show(ShowArgs),
}

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The preset's name (`ponte presets list` names them).
    pub name: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(args: &PresetsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        PresetsCommand::List(list) => {
            list_presets(list.format);
            Ok(ExitCode::SUCCESS)
        }
        PresetsCommand::Show(show) => show_preset(&show.name, show.format),
    }
}

fn served(preset: &ponte_presets::Preset) -> usize {
    preset.coverage.iter().filter(|c| c.supported).count()
}

fn list_presets(format: Format) {
    let presets: Vec<&ponte_presets::Preset> = ponte_presets::names()
        .iter()
        .filter_map(|name| ponte_presets::preset(name))
        .collect();
    match format {
        Format::Json => {
            // The same answer as `GET /admin/v1/presets`.
            line(
                serde_json::to_string_pretty(&ponte_http::admin::presets::preset_list())
                    .unwrap_or_default(),
            );
        }
        Format::Text => {
            for p in presets {
                line(format!(
                    "{:<8} {} — serves {} of {} functions",
                    p.name,
                    p.erp,
                    served(p),
                    p.coverage.len()
                ));
            }
        }
    }
}

fn show_preset(name: &str, format: Format) -> anyhow::Result<ExitCode> {
    let Some(preset) = ponte_presets::preset(name) else {
        let names = ponte_presets::names();
        let hint = ponte_automation::diagnostics::did_you_mean(name, names.iter().copied())
            .map_or_else(
                || format!("the presets are: {}", names.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
        eprintln!("error: unknown preset `{name}`: {hint}");
        return Ok(ExitCode::from(2));
    };
    let needs = preset.needs();
    match format {
        Format::Json => {
            // The same answer as `GET /admin/v1/presets/{name}`.
            line(serde_json::to_string_pretty(
                &ponte_http::admin::presets::preset_detail(preset),
            )?);
        }
        Format::Text => {
            line(format!(
                "{} — {}: serves {} of {} functions",
                preset.name,
                preset.erp,
                served(preset),
                needs.len()
            ));
            for n in &needs {
                line("");
                if !n.coverage.supported {
                    line(format!(
                        "{}: not supported — {}",
                        n.coverage.function.as_str(),
                        n.coverage.reason
                    ));
                    continue;
                }
                line(format!(
                    "{} ({}): {}",
                    n.coverage.function.as_str(),
                    n.file.unwrap_or_default(),
                    n.coverage.reason
                ));
                for v in &n.variables {
                    let default = v
                        .default
                        .as_ref()
                        .map_or_else(|| "required".to_owned(), |d| format!("default {d:?}"));
                    line(format!("  var {} ({default}): {}", v.name, v.description));
                }
                for s in &n.secrets {
                    line(format!("  secret {s}"));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
