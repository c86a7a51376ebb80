//! `cargo xtask tidy`: the dependency rules of `ARCHITECTURE.md`, checked against the
//! workspace's manifests as `cargo metadata` reads them.
//!
//! Two sources of rules:
//!
//! - the code map's "may depend on" column, read from `ARCHITECTURE.md` itself, so the map and
//!   the check cannot drift apart: every workspace member must have a row, and each of its
//!   dependencies on another member must be named in that row (`everything` allows any, `—`
//!   none);
//! - the "Dependencies point inward" and "Configuration stays in the binary" invariants, for
//!   the outside crates that mark a layer: only `ponte-http`, `ponte-simulators`, the binary
//!   and xtask know axum; only the store crates know sqlx; only the binary and xtask read
//!   configuration (clap, figment, toml). So `ponte-br`, `ponte-catalog` and
//!   `ponte-automation` know none of them.
//!
//! Normal and build dependencies count, whatever their target or optionality; dev
//! dependencies do not (tests may use an axum server as a fake ERP). Only a crate's own
//! manifest is read: what a third-party crate pulls in is not the layer's knowledge.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use cargo_metadata::DependencyKind;

/// Outside crates only some members may depend on, and why.
const LAYER_CRATES: &[(&[&str], &[&str], &str)] = &[
    (
        &["axum"],
        &["ponte-http", "ponte-simulators", "ponte-cli", "xtask"],
        "only the HTTP edge, the simulators and the binary know axum",
    ),
    (
        &["sqlx"],
        &[
            "ponte-store",
            "ponte-store-sql",
            "ponte-store-sqlite",
            "ponte-store-postgres",
        ],
        "only the store crates hold SQL",
    ),
    (
        &["clap", "figment", "toml"],
        &["ponte-cli", "xtask"],
        "configuration stays in the binary",
    ),
];

/// A dependency as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The package depended on (its real name, whatever the manifest renames it to).
    pub name: String,
    /// `normal` or `build`.
    pub kind: &'static str,
}

/// A workspace member and its normal and build dependencies.
#[derive(Debug, Clone)]
pub struct Member {
    /// Package name.
    pub name: String,
    /// Its dependencies, dev ones left out.
    pub deps: Vec<Dep>,
}

/// What the code map allows a crate to depend on among the workspace's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// `everything`.
    Anything,
    /// The named crates (none for `—`).
    Only(BTreeSet<String>),
}

/// One broken rule, said plainly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The names between backticks in a table cell, and what is left once they are removed.
fn backticked(cell: &str) -> (Vec<String>, String) {
    let mut names = Vec::new();
    let mut rest = String::new();
    let mut parts = cell.split('`');
    while let Some(outside) = parts.next() {
        rest.push_str(outside);
        if let Some(inside) = parts.next() {
            names.push(inside.trim().to_owned());
        }
    }
    (names, rest)
}

/// The cell without its remarks in parentheses, which say why rather than what.
fn without_remarks(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut depth = 0usize;
    for ch in cell.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Reads the "may depend on" column of the `## Code map` table of `ARCHITECTURE.md`.
///
/// # Errors
/// When there is no such table or a cell says something other than crate names in
/// backticks, `—` or `everything` (remarks in parentheses are skipped): the map must stay
/// readable by this check.
pub fn parse_code_map(markdown: &str) -> anyhow::Result<BTreeMap<String, Allowed>> {
    let section = markdown
        .split("\n## ")
        .find(|s| s.starts_with("Code map"))
        .context("ARCHITECTURE.md has no `## Code map` section")?;
    let mut rows = section
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
        });
    let header = rows.next().context("the code map has no table")?;
    let column = header
        .iter()
        .position(|h| h.eq_ignore_ascii_case("may depend on"))
        .context("the code map has no `may depend on` column")?;
    let mut map = BTreeMap::new();
    for row in rows {
        if row
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':')))
        {
            continue; // the |---|---| line
        }
        let (crates, _) = backticked(row.first().copied().unwrap_or(""));
        let cell = row.get(column).copied().unwrap_or("");
        let (names, rest) = backticked(&without_remarks(cell));
        let rest = rest.replace(',', " ").replace(" and ", " ");
        let allowed = match rest.trim() {
            "—" | "-" if names.is_empty() => Allowed::Only(BTreeSet::new()),
            "everything" if names.is_empty() => Allowed::Anything,
            "" if !names.is_empty() => Allowed::Only(names.into_iter().collect()),
            _ => bail!(
                "ARCHITECTURE.md, code map row of {}: cannot read the `may depend on` cell `{cell}` \
                 (write crate names in backticks, `—` for none or `everything`)",
                crates.join(", ")
            ),
        };
        if crates.is_empty() {
            bail!("ARCHITECTURE.md, code map: a row names no crate in backticks");
        }
        for name in crates {
            map.insert(name, allowed.clone());
        }
    }
    Ok(map)
}

/// The workspace's members and their normal and build dependencies.
#[must_use]
pub fn members(metadata: &cargo_metadata::Metadata) -> Vec<Member> {
    metadata
        .workspace_packages()
        .into_iter()
        .map(|package| Member {
            name: package.name.to_string(),
            deps: package
                .dependencies
                .iter()
                .filter_map(|d| {
                    let kind = match d.kind {
                        DependencyKind::Normal => "normal",
                        DependencyKind::Build => "build",
                        _ => return None,
                    };
                    Some(Dep {
                        name: d.name.clone(),
                        kind,
                    })
                })
                .collect(),
        })
        .collect()
}

fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Every broken rule, in a stable order.
#[must_use]
pub fn check(members: &[Member], map: &BTreeMap<String, Allowed>) -> Vec<Violation> {
    let mut violations = Vec::new();
    let names: BTreeSet<&str> = members.iter().map(|m| m.name.as_str()).collect();
    for name in map.keys() {
        if !names.contains(name.as_str()) {
            violations.push(Violation(format!(
                "ARCHITECTURE.md's code map has a row for `{name}`, which is not a workspace member"
            )));
        }
    }
    let mut members: Vec<&Member> = members.iter().collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    for member in members {
        let Some(allowed) = map.get(&member.name) else {
            violations.push(Violation(format!(
                "`{}` is a workspace member without a row in ARCHITECTURE.md's code map \
                 (add one saying what it may depend on)",
                member.name
            )));
            continue;
        };
        for dep in &member.deps {
            if names.contains(dep.name.as_str()) {
                if let Allowed::Only(ok) = allowed
                    && !ok.contains(&dep.name)
                {
                    let ok: Vec<&str> = ok.iter().map(String::as_str).collect();
                    let said = if ok.is_empty() {
                        "no other workspace crate".to_owned()
                    } else {
                        list(&ok)
                    };
                    violations.push(Violation(format!(
                        "`{}` depends on `{}` ({} dependency), but ARCHITECTURE.md's code map \
                         allows it only {said}",
                        member.name, dep.name, dep.kind
                    )));
                }
                continue;
            }
            for (crates, owners, why) in LAYER_CRATES {
                if crates.contains(&dep.name.as_str()) && !owners.contains(&member.name.as_str()) {
                    violations.push(Violation(format!(
                        "`{}` depends on `{}` ({} dependency): {why}; only {} may",
                        member.name,
                        dep.name,
                        dep.kind,
                        list(owners)
                    )));
                }
            }
        }
    }
    violations
}

/// The workspace root: xtask lives one folder below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Reads the manifests and the code map and checks them.
///
/// # Errors
/// When `cargo metadata` fails or the code map cannot be read.
pub fn violations() -> anyhow::Result<Vec<Violation>> {
    let root = workspace_root();
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("cargo metadata failed")?;
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md"))
        .context("cannot read ARCHITECTURE.md")?;
    let map = parse_code_map(&architecture)?;
    Ok(check(&members(&metadata), &map))
}

/// `cargo xtask tidy`: each violation on its own line; exit code 1 when there is one.
///
/// # Errors
/// When the check itself cannot run.
pub fn run() -> anyhow::Result<ExitCode> {
    let found = violations()?;
    if found.is_empty() {
        println!("tidy: the dependencies follow ARCHITECTURE.md");
        return Ok(ExitCode::SUCCESS);
    }
    for v in &found {
        println!("tidy: {v}");
    }
    println!("tidy: {} violation(s)", found.len());
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> (Vec<Member>, BTreeMap<String, Allowed>) {
        let root = workspace_root();
        let metadata = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .no_deps()
            .exec()
            .unwrap();
        let map = parse_code_map(&std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap())
            .unwrap();
        (members(&metadata), map)
    }

    fn add_dep(members: &mut [Member], to: &str, dep: &str) {
        members
            .iter_mut()
            .find(|m| m.name == to)
            .unwrap()
            .deps
            .push(Dep {
                name: dep.to_owned(),
                kind: "normal",
            });
    }

    #[test]
    fn the_workspace_follows_the_dependency_rules_of_architecture_md() {
        let found = violations().unwrap();
        assert!(
            found.is_empty(),
            "cargo xtask tidy finds:\n{}",
            found
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn a_pure_crate_that_learns_of_axum_or_an_outer_crate_is_reported() {
        let (mut members, map) = real();
        assert!(check(&members, &map).is_empty());
        add_dep(&mut members, "ponte-catalog", "axum");
        add_dep(&mut members, "ponte-br", "ponte-core");
        add_dep(&mut members, "ponte-core", "sqlx");
        add_dep(&mut members, "ponte-automation", "figment");
        let found: Vec<String> = check(&members, &map).into_iter().map(|v| v.0).collect();
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(
            found[0].starts_with("`ponte-automation` depends on `figment`"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("`ponte-br` depends on `ponte-core`")
                && found[1].ends_with("allows it only no other workspace crate"),
            "{found:#?}"
        );
        assert!(
            found[2].starts_with("`ponte-catalog` depends on `axum`"),
            "{found:#?}"
        );
        assert!(
            found[3].starts_with("`ponte-core` depends on `sqlx`"),
            "{found:#?}"
        );
    }

    #[test]
    fn dev_dependencies_do_not_count_but_the_check_still_sees_them_in_the_manifest() {
        // ponte-automation's engine tests run small axum ERPs: a dev dependency, allowed.
        let root = workspace_root();
        let metadata = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .no_deps()
            .exec()
            .unwrap();
        let automation = metadata
            .workspace_packages()
            .into_iter()
            .find(|p| p.name.as_str() == "ponte-automation")
            .unwrap();
        assert!(
            automation
                .dependencies
                .iter()
                .any(|d| d.name == "axum" && d.kind == DependencyKind::Development)
        );
        let member = members(&metadata)
            .into_iter()
            .find(|m| m.name == "ponte-automation")
            .unwrap();
        assert!(member.deps.iter().all(|d| d.name != "axum"));
    }

    #[test]
    fn a_member_missing_from_the_code_map_and_a_row_for_no_member_are_reported() {
        let (mut members, mut map) = real();
        members.push(Member {
            name: "ponte-new".into(),
            deps: Vec::new(),
        });
        map.insert("ponte-gone".into(), Allowed::Anything);
        let found: Vec<String> = check(&members, &map).into_iter().map(|v| v.0).collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("`ponte-gone`, which is not a workspace member"));
        assert!(found[1].starts_with("`ponte-new` is a workspace member without a row"));
    }

    #[test]
    fn the_code_map_cells_read_as_names_none_or_everything_and_nothing_else() {
        let doc = "# A\n\n## Code map\n\n| crate | role | may depend on |\n|---|---|---|\n\
                   | `a` | x | — |\n| `b`, `c` | y | `a` |\n| `d` | z | `a`, `b` and `c` (why: `x`) |\n\
                   | `e` | w | everything |\n\n## Next\n| `f` | | `zzz` |\n";
        let map = parse_code_map(doc).unwrap();
        assert_eq!(map.len(), 5);
        assert_eq!(map["a"], Allowed::Only(BTreeSet::new()));
        assert_eq!(map["c"], Allowed::Only(["a".to_owned()].into()));
        assert_eq!(
            map["d"],
            Allowed::Only(["a", "b", "c"].map(str::to_owned).into())
        );
        assert_eq!(map["e"], Allowed::Anything);

        let vague = doc.replace("`a`, `b` and `c`", "the stores");
        let err = parse_code_map(&vague).unwrap_err().to_string();
        assert!(
            err.contains("row of d") && err.contains("the stores"),
            "{err}"
        );
    }
}
