//! The presets as shipped: the files on disk, what the crate embeds, the coverage table and
//! every test case, checked against each other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ponte_catalog::FunctionId;
use ponte_presets::{Preset, names, preset};

/// Set this variable to rewrite each preset's `COVERAGE.md` from the coverage data.
const BLESS: &str = "PONTE_BLESS";

fn presets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../presets")
}

fn all() -> Vec<&'static Preset> {
    names()
        .iter()
        .map(|name| preset(name).unwrap_or_else(|| panic!("`{name}` is listed but not found")))
        .collect()
}

#[test]
fn every_name_finds_its_preset_and_an_unknown_name_finds_none() {
    assert!(names().contains(&"ixc"));
    for name in names() {
        assert_eq!(preset(name).map(|p| p.name), Some(*name));
    }
    assert!(preset("sgp-that-does-not-exist").is_none());
}

#[test]
fn every_embedded_automation_compiles_and_serves_the_function_it_is_filed_under() {
    let mut problems = Vec::new();
    for p in all() {
        for (id, file, yaml) in p.automations {
            if *file != format!("{}.yaml", id.as_str()) {
                problems.push(format!("{}/{file}: should be named {id}.yaml", p.name));
            }
            match ponte_automation::compile_with(file, yaml, &p.library()) {
                Ok(compiled) if compiled.function().id == *id => {}
                Ok(compiled) => problems.push(format!(
                    "{}/{file}: serves `{}`, filed under `{id}`",
                    p.name,
                    compiled.function().id
                )),
                Err(diagnostics) => problems.push(format!(
                    "{}/{file} does not compile:\n{}",
                    p.name,
                    diagnostics
                        .iter()
                        .map(ToString::to_string)
                        .collect::<String>()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_embedded_shared_steps_are_exactly_the_shared_files_on_disk() {
    for p in all() {
        let dir = presets_dir().join(p.name).join("shared");
        let on_disk = ponte_automation::SharedLibrary::load(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let names: Vec<&str> = on_disk.names().collect();
        let embedded: Vec<&str> = p.shared.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, embedded, "presets/{}/shared", p.name);
        for (name, file, source) in p.shared {
            assert_eq!(on_disk.get(name).map(|s| s.source.as_str()), Some(*source));
            assert_eq!(*file, format!("presets/{}/shared/{name}.yaml", p.name));
        }
    }
}

/// The text the service receives is the automation with the shared steps: it compiles alone.
#[test]
fn every_bundled_automation_compiles_alone() {
    for p in all() {
        for (id, file, _) in p.automations {
            let text = p.automation(*id).expect("the preset serves it");
            if let Err(d) = ponte_automation::compile(file, &text) {
                panic!(
                    "{file}: {}",
                    d.iter().map(ToString::to_string).collect::<String>()
                );
            }
        }
    }
}

#[test]
fn the_embedded_automations_are_exactly_the_automation_files_on_disk() {
    for p in all() {
        let dir = presets_dir().join(p.name);
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".yaml") && !name.ends_with(".test.yaml"))
            .collect();
        let embedded: BTreeSet<String> = p
            .automations
            .iter()
            .map(|(_, file, _)| (*file).to_owned())
            .collect();
        assert_eq!(
            on_disk, embedded,
            "presets/{}: the files on disk and the automations embedded in src/{}.rs differ",
            p.name, p.name
        );
        for file in &embedded {
            let test = dir.join(file.replace(".yaml", ".test.yaml"));
            assert!(test.exists(), "{} has no test cases", test.display());
        }
    }
}

#[test]
fn coverage_names_every_catalog_function_once_and_agrees_with_the_automations() {
    for p in all() {
        let listed: Vec<FunctionId> = p.coverage.iter().map(|c| c.function).collect();
        assert_eq!(
            listed,
            FunctionId::ALL.to_vec(),
            "{}: coverage must list the catalog's functions once each, in catalog order",
            p.name
        );
        for entry in p.coverage {
            assert_eq!(
                entry.supported,
                p.automation(entry.function).is_some(),
                "{}: `{}` is marked supported = {} but the automation is {}",
                p.name,
                entry.function,
                entry.supported,
                if entry.supported { "missing" } else { "there" }
            );
            assert!(
                !entry.reason.trim().is_empty(),
                "{}: `{}` needs a reason",
                p.name,
                entry.function
            );
        }
    }
}

#[test]
fn coverage_md_is_the_table_rendered_from_the_coverage_data() {
    for p in all() {
        let path = presets_dir().join(p.name).join("COVERAGE.md");
        let want = p.coverage_markdown();
        if std::env::var_os(BLESS).is_some() {
            std::fs::write(&path, &want)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            got == want,
            "{} is not the table rendered from src/{}.rs; regenerate it with \
             `{BLESS}=1 cargo test -p ponte-presets --test presets coverage_md`",
            path.display(),
            p.name
        );
    }
}

/// The names declared under the top-level `variables:` block of an automation.
fn declared_variables(yaml: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in yaml.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            inside = line.trim_end() == "variables:";
            continue;
        }
        if let Some(rest) = line.strip_prefix("  ")
            && inside
            && !rest.starts_with(' ')
            && let Some((name, _)) = rest.split_once(':')
        {
            names.push(name.to_owned());
        }
    }
    names
}

#[test]
fn every_readme_names_every_variable_and_secret_its_automations_declare() {
    for p in all() {
        for (_, file, yaml) in p.automations {
            let Ok(compiled) = ponte_automation::compile_with(file, yaml, &p.library()) else {
                continue;
            };
            let variables = declared_variables(yaml);
            assert!(
                variables.contains(&"base_url".to_owned()),
                "{file}: no base_url"
            );
            for name in variables.iter().chain(compiled.secret_names()) {
                assert!(
                    p.readme.contains(&format!("`{name}`")),
                    "presets/{}/README.md does not document `{name}` (used by {file})",
                    p.name
                );
            }
        }
    }
}

#[tokio::test]
async fn every_test_case_of_every_preset_passes() {
    let files = ponte_automation::testing::discover(&[presets_dir()]);
    assert!(!files.is_empty(), "no *.test.yaml under presets/");
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in &files {
        for report in ponte_automation::testing::run_file(file).await {
            cases += 1;
            if !report.passed() {
                failures.push(format!(
                    "{} :: {}\n    {}",
                    report.file,
                    report.name,
                    report.failures.join("\n    ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} preset test cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn needs_lists_every_function_with_the_variables_and_secrets_of_its_automation_and_shared_steps() {
    for p in all() {
        let needs = p.needs();
        assert_eq!(needs.len(), p.coverage.len(), "{}", p.name);
        for need in &needs {
            assert_eq!(need.file.is_some(), need.coverage.supported, "{}", p.name);
            if need.coverage.supported {
                assert!(
                    need.variables
                        .iter()
                        .any(|v| v.name == "base_url" && v.default.is_none()),
                    "{}/{}: base_url is required",
                    p.name,
                    need.coverage.function
                );
                assert!(
                    !need.secrets.is_empty(),
                    "{}/{}",
                    p.name,
                    need.coverage.function
                );
                for v in &need.variables {
                    assert!(
                        !v.description.is_empty(),
                        "{}: `{}` has no description",
                        p.name,
                        v.name
                    );
                }
            } else {
                assert!(need.variables.is_empty() && need.secrets.is_empty());
            }
        }
    }
    // A variable only the shared steps declare is listed, with its default.
    let sgp = preset("sgp").unwrap();
    let contacts = sgp
        .needs()
        .into_iter()
        .find(|n| n.coverage.function == FunctionId::ListCustomerContacts)
        .unwrap();
    let live = contacts
        .variables
        .iter()
        .find(|v| v.name == "live_contract_statuses")
        .expect("declared by the shared customer lookup");
    assert_eq!(live.default.as_deref(), Some("1,4,6,7"));
    assert_eq!(contacts.secrets, ["sgp_token"]);
    let catalogs = sgp
        .needs()
        .into_iter()
        .find(|n| n.coverage.function == FunctionId::ListProducts)
        .unwrap();
    assert!(
        catalogs
            .variables
            .iter()
            .all(|v| v.name != "live_contract_statuses")
    );
}

/// Set this variable to rewrite `docs/presets.md` from the embedded presets.
const UPDATE_DOCS: &str = "PONTE_UPDATE_DOCS";

#[test]
fn docs_presets_md_is_the_coverage_matrix_of_the_embedded_presets() {
    let path = presets_dir().join("../docs/presets.md");
    let want = ponte_presets::coverage_matrix_markdown();
    if std::env::var_os(UPDATE_DOCS).is_some() {
        std::fs::write(&path, &want)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/presets.md is not the matrix the presets give; regenerate it with \
         `{UPDATE_DOCS}=1 cargo test -p ponte-presets --test presets docs_presets_md`"
    );
}

/// The cells of one row of a Markdown table, trimmed.
fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|cell| cell.trim().to_owned())
        .collect()
}

#[test]
fn every_matrix_cell_agrees_with_the_coverage_md_and_the_automations_of_its_preset() {
    let matrix = ponte_presets::coverage_matrix_markdown();
    let mut lines = matrix.lines().filter(|line| line.starts_with('|'));
    let header = cells(lines.next().expect("the matrix has a header row"));
    let columns: Vec<&'static Preset> = header[1..]
        .iter()
        .map(|cell| {
            let name = cell.split('`').nth(1).unwrap_or_default();
            preset(name).unwrap_or_else(|| panic!("column `{cell}` names no preset"))
        })
        .collect();
    assert_eq!(
        columns.iter().map(|p| p.name).collect::<Vec<_>>(),
        names().to_vec(),
        "one column per preset, in order"
    );
    let rows: Vec<Vec<String>> = lines
        .skip(1)
        .map(cells)
        .filter(|row| row[0].starts_with('`'))
        .collect();
    assert_eq!(
        rows.len(),
        FunctionId::ALL.len(),
        "one row per catalog function"
    );
    for (row, function) in rows.iter().zip(FunctionId::ALL) {
        assert_eq!(row[0], format!("`{function}`"));
        for (cell, p) in row[1..].iter().zip(&columns) {
            let coverage_md =
                std::fs::read_to_string(presets_dir().join(p.name).join("COVERAGE.md"))
                    .unwrap_or_else(|e| panic!("{}: COVERAGE.md: {e}", p.name));
            let in_coverage_md = coverage_md
                .lines()
                .map(cells)
                .find(|c| c[0] == format!("`{function}`"))
                .unwrap_or_else(|| panic!("{}: COVERAGE.md has no row for `{function}`", p.name));
            let served = p.automation(function).is_some();
            assert_eq!(
                cell,
                if served { "served" } else { "unsupported" },
                "{}: `{function}` in the matrix",
                p.name
            );
            assert_eq!(
                in_coverage_md[1],
                if served { "yes" } else { "no" },
                "{}: `{function}` in COVERAGE.md disagrees with the preset's automations",
                p.name
            );
        }
    }
    for p in &columns {
        let served = p.coverage.iter().filter(|c| c.supported).count();
        assert!(
            matrix.contains(&format!("{served} of {}", FunctionId::ALL.len())),
            "{}: the served count",
            p.name
        );
    }
}
