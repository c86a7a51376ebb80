//! The presets: ready-made automation bundles for an ERP, one automation per catalog function
//! the ERP can serve, embedded in the binary so an integration can start from them without any
//! file on disk.
//!
//! The YAML files live in `presets/<name>/` at the root of the repository, next to their test
//! cases; this crate only embeds them (`include_str!`) together with the coverage table that
//! says, for each of the catalog's functions, whether the preset serves it and why not. The
//! crate's tests keep the three in step: every file on disk is embedded, every embedded
//! automation compiles and serves the function it is filed under, `COVERAGE.md` is rendered
//! from the coverage data, and every test case passes.

mod hubsoft;
mod ixc;
mod sgp;
mod standard;

use ponte_catalog::FunctionId;

/// One preset: a bundle of automations for one ERP.
#[derive(Debug)]
pub struct Preset {
    /// Name of the preset, as it is looked up (`"ixc"`); also its folder under `presets/`.
    pub name: &'static str,
    /// The ERP it speaks to, for people (`"IXC Provedor (IXCSoft)"`).
    pub erp: &'static str,
    /// Every automation: the function it serves, its file name and its YAML source.
    pub automations: &'static [(FunctionId, &'static str, &'static str)],
    /// For each function of the catalog, whether the preset serves it, and why not.
    pub coverage: &'static [Coverage],
    /// The preset's README: the variables and secrets it needs.
    pub readme: &'static str,
    /// The shared steps its automations `use`: name, file and YAML source.
    pub shared: &'static [(&'static str, &'static str, &'static str)],
}

/// Whether a preset serves one function of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// The catalog function.
    pub function: FunctionId,
    /// True when the preset has an automation for it.
    pub supported: bool,
    /// For a supported function, how the ERP serves it; otherwise why the ERP cannot.
    pub reason: &'static str,
}

impl Preset {
    /// The automation serving `function`, if the preset has one, bundled with the preset's
    /// shared steps (see [`ponte_automation::SharedLibrary::bundle`]): one text that
    /// [`ponte_automation::compile`] reads back whole.
    #[must_use]
    pub fn automation(&self, function: FunctionId) -> Option<String> {
        self.automations
            .iter()
            .find(|(id, _, _)| *id == function)
            .map(|(_, _, yaml)| self.library().bundle(yaml))
    }

    /// The shared steps of the preset, for [`ponte_automation::compile_with`].
    #[must_use]
    pub fn library(&self) -> ponte_automation::SharedLibrary {
        let mut library = ponte_automation::SharedLibrary::new();
        for (name, file, source) in self.shared {
            library.add(name, file, source);
        }
        library
    }

    /// `COVERAGE.md` as it must read: a title and one table row per catalog function.
    #[must_use]
    pub fn coverage_markdown(&self) -> String {
        let mut out = format!(
            "# {} preset: coverage of the catalog\n\n\
             Generated from `crates/ponte-presets/src/{}.rs`; do not edit by hand.\n\n\
             | function | supported | automation | how, or why not |\n\
             |---|---|---|---|\n",
            self.erp, self.name
        );
        for entry in self.coverage {
            let file = self
                .automations
                .iter()
                .find(|(id, _, _)| *id == entry.function)
                .map_or_else(|| "—".to_owned(), |(_, file, _)| format!("`{file}`"));
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                entry.function.as_str(),
                if entry.supported { "yes" } else { "no" },
                file,
                entry.reason.replace('|', "\\|")
            ));
        }
        let served = self.coverage.iter().filter(|c| c.supported).count();
        out.push_str(&format!(
            "\n{served} of {} functions are served.\n",
            self.coverage.len()
        ));
        out
    }
}

/// A variable an automation of a preset reads from the integration's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its name, as written under the integration's `vars`.
    pub name: String,
    /// What it means, as the automation (or its shared steps) declares it.
    pub description: String,
    /// Its default, if it has one; without one the integration must set it.
    pub default: Option<String>,
}

/// What one catalog function needs in a preset: whether it is served, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionNeeds {
    /// The coverage entry: served or not, and how or why not.
    pub coverage: Coverage,
    /// The automation file serving it, if served.
    pub file: Option<&'static str>,
    /// The variables its automation and the shared steps it uses declare, by name.
    pub variables: Vec<Variable>,
    /// The secrets they name, by name.
    pub secrets: Vec<String>,
}

/// The `variables` and `secrets` a YAML document declares.
fn declarations(yaml: &str) -> (Vec<Variable>, Vec<String>) {
    let Ok(doc) = ponte_automation::parse_yaml::<serde_json::Value>(yaml) else {
        return (Vec::new(), Vec::new());
    };
    let variables = doc
        .get("variables")
        .and_then(serde_json::Value::as_object)
        .map(|vars| {
            vars.iter()
                .map(|(name, decl)| Variable {
                    name: name.clone(),
                    description: decl
                        .get("description")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    default: decl.get("default").map(|d| match d {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }),
                })
                .collect()
        })
        .unwrap_or_default();
    let secrets = doc
        .get("secrets")
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    (variables, secrets)
}

impl Preset {
    /// For each function of the catalog, in the coverage's order: whether the preset serves
    /// it, and the variables (with descriptions and defaults) and secrets its automation
    /// needs, its shared steps' included.
    #[must_use]
    pub fn needs(&self) -> Vec<FunctionNeeds> {
        self.coverage
            .iter()
            .map(|entry| {
                let served = self
                    .automations
                    .iter()
                    .find(|(id, _, _)| *id == entry.function);
                let mut variables: Vec<Variable> = Vec::new();
                let mut secrets: Vec<String> = Vec::new();
                if let Some((_, _, yaml)) = served {
                    let used = self.shared.iter().filter(|(name, _, _)| {
                        yaml.lines()
                            .any(|line| line.trim() == format!("use: {name}"))
                    });
                    let sources = std::iter::once(*yaml).chain(used.map(|(_, _, source)| *source));
                    for source in sources {
                        let (vars, names) = declarations(source);
                        for var in vars {
                            if !variables.iter().any(|v| v.name == var.name) {
                                variables.push(var);
                            }
                        }
                        for name in names {
                            if !secrets.contains(&name) {
                                secrets.push(name);
                            }
                        }
                    }
                }
                variables.sort_by(|a, b| a.name.cmp(&b.name));
                secrets.sort();
                FunctionNeeds {
                    coverage: *entry,
                    file: served.map(|(_, file, _)| *file),
                    variables,
                    secrets,
                }
            })
            .collect()
    }
}

static PRESETS: [&Preset; 4] = [&ixc::IXC, &sgp::SGP, &standard::STANDARD, &hubsoft::HUBSOFT];
static NAMES: [&str; 4] = [
    ixc::IXC.name,
    sgp::SGP.name,
    standard::STANDARD.name,
    hubsoft::HUBSOFT.name,
];

/// The preset called `name` (`"ixc"`), if there is one.
#[must_use]
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().copied().find(|p| p.name == name)
}

/// The names of every preset, in a stable order.
#[must_use]
pub fn names() -> &'static [&'static str] {
    &NAMES
}

/// `docs/presets.md` as it must read: a short introduction and the coverage matrix, one row
/// per catalog function and one column per preset, each cell saying whether that preset
/// serves the function; the reasons live in each preset's `COVERAGE.md`.
#[must_use]
pub fn coverage_matrix_markdown() -> String {
    let presets: Vec<&Preset> = PRESETS.to_vec();
    let mut out = String::from(
        "# Presets: which ERP serves which function\n\n\
         Generated from the presets embedded in Ponte (`crates/ponte-presets`); do not edit by \
         hand. Regenerate it with `PONTE_UPDATE_DOCS=1 cargo test -p ponte-presets --test \
         presets`.\n\n\
         A preset is a ready-made bundle of automations for one ERP: an integration with \
         `preset = \"<name>\"` gets every function below marked *served* without writing any \
         automation. A function marked *unsupported* answers `function_not_configured` (501) \
         unless the integration brings its own automation for it. Each preset's `COVERAGE.md` \
         says how it serves each function, or why the ERP cannot; `ponte presets show <name>` \
         adds the variables and secrets each function needs.\n\n",
    );
    out.push_str("| function |");
    for p in &presets {
        out.push_str(&format!(
            " [`{}`](../presets/{}/COVERAGE.md) |",
            p.name, p.name
        ));
    }
    out.push_str("\n|---|");
    for _ in &presets {
        out.push_str("---|");
    }
    out.push('\n');
    for function in FunctionId::ALL {
        out.push_str(&format!("| `{}` |", function.as_str()));
        for p in &presets {
            let served = p
                .coverage
                .iter()
                .any(|c| c.function == function && c.supported);
            out.push_str(if served {
                " served |"
            } else {
                " unsupported |"
            });
        }
        out.push('\n');
    }
    out.push_str("| **served** |");
    for p in &presets {
        let served = p.coverage.iter().filter(|c| c.supported).count();
        out.push_str(&format!(" {served} of {} |", FunctionId::ALL.len()));
    }
    out.push_str("\n\n");
    for p in &presets {
        out.push_str(&format!("- `{}`: {}\n", p.name, p.erp));
    }
    out
}

/// The embedded presets as the service's source of preset automations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Embedded;

impl ponte_core::service::PresetSource for Embedded {
    fn automation(&self, preset: &str, function: FunctionId) -> Option<(String, String)> {
        let yaml = self::preset(preset)?.automation(function)?;
        Some((format!("presets/{preset}/{function}.yaml"), yaml))
    }
}
