//! `ponte operators`: operators added from stdin or the environment, listed and removed; a weak
//! or empty password, or a taken name, is refused; the list never shows a password or a hash.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const PASSWORD: &str = "a sturdy passphrase 2026";

fn write_config(dir: &Path) {
    let config = format!(
        "[database]\nurl = \"sqlite://{}\"\n\n[security]\nmaster_key = \"env:TEST_MASTER_KEY\"\n",
        dir.join("ponte.db").display()
    );
    std::fs::write(dir.join("ponte.toml"), config).unwrap();
}

fn ponte(dir: &Path, args: &[&str], stdin: &str, password_env: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ponte"));
    command
        .arg("operators")
        .args(args)
        .arg("--config")
        .arg(dir.join("ponte.toml"))
        .env("TEST_MASTER_KEY", MASTER)
        .env_remove("PONTE_OPERATOR_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(password) = password_env {
        command.env("PONTE_OPERATOR_PASSWORD", password);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn operators_are_added_from_stdin_or_the_environment_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());

    let added = ponte(
        dir.path(),
        &["add", "maria", "--role", "admin"],
        &format!("{PASSWORD}\n"),
        None,
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(
        shown,
        serde_json::json!({"name": "maria", "role": "admin", "disabled": false})
    );

    let added = ponte(
        dir.path(),
        &["add", "joao", "--role", "viewer"],
        "",
        Some("another sturdy one 77"),
    );
    assert!(added.status.success(), "{}", text(&added.stderr));

    let listed = ponte(dir.path(), &["list"], "", None);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let listed_text = text(&listed.stdout);
    let listed: serde_json::Value = serde_json::from_str(&listed_text).unwrap();
    let names: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["role"].as_str().unwrap()))
        .collect();
    assert_eq!(names, vec![("joao", "viewer"), ("maria", "admin")]);
    assert!(!listed_text.contains("argon2") && !listed_text.contains(PASSWORD));

    let removed = ponte(dir.path(), &["remove", "joao"], "", None);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let again = ponte(dir.path(), &["remove", "joao"], "", None);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("no operator `joao`"));
}

#[test]
fn an_empty_or_weak_password_or_a_taken_name_is_refused_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    for (stdin, reason) in [
        ("\n", "empty"),
        ("short\n", "shorter than 12"),
        ("aaaaaaaaaaaaaaaa\n", "too few different"),
    ] {
        let refused = ponte(dir.path(), &["add", "ana", "--role", "admin"], stdin, None);
        assert_eq!(refused.status.code(), Some(1), "{stdin:?}");
        let stderr = text(&refused.stderr);
        assert!(stderr.contains(reason), "{stdin:?}: {stderr}");
        assert!(refused.stdout.is_empty());
    }
    let ok = ponte(
        dir.path(),
        &["add", "ana", "--role", "admin"],
        PASSWORD,
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let taken = ponte(
        dir.path(),
        &["add", "ana", "--role", "viewer"],
        PASSWORD,
        None,
    );
    assert_eq!(taken.status.code(), Some(1));
    assert!(text(&taken.stderr).contains("already exists"));

    let bad_role = ponte(
        dir.path(),
        &["add", "bia", "--role", "root"],
        PASSWORD,
        None,
    );
    assert_eq!(bad_role.status.code(), Some(2), "a usage error");
}
