//! The `ponte` binary itself: `check` on a broken automation, `test` on the shipped cases, and
//! the payment commands' JSON and exit codes.

use std::process::Command;

fn ponte(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_reports_a_broken_automation_with_positions_and_exits_1() {
    let (code, out) = ponte(&[
        "check",
        "crates/ponte-automation/tests/fixtures/broken.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[unknown_input]: unknown variable `input.custmer_document_number`"),
        "{out}"
    );
    assert!(
        out.contains("--> crates/ponte-automation/tests/fixtures/broken.yaml:9:48"),
        "{out}"
    );
    assert!(
        out.contains("= hint: did you mean `customer_document_number`?"),
        "{out}"
    );
    assert!(out.contains("9 problem(s)"), "{out}");

    let (code, json) = ponte(&[
        "check",
        "--format",
        "json",
        "crates/ponte-automation/tests/fixtures/broken.yaml",
    ]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &doc["diagnostics"][0];
    assert_eq!(
        (
            first["code"].as_str(),
            first["line"].as_u64(),
            first["column"].as_u64()
        ),
        (Some("unknown_input"), Some(9), Some(48))
    );
}

#[test]
fn check_passes_the_shipped_automations() {
    let (code, out) = ponte(&["check", "examples", "presets"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no problems"));
}

#[test]
fn test_runs_every_shipped_case_and_ends_with_the_count() {
    let (code, out) = ponte(&["test", "examples", "presets"]);
    assert_eq!(code, 0, "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    let passed: u32 = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 100, "{last}");
}

#[test]
fn a_failing_case_is_shown_with_a_diff_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/ixc");
    std::fs::copy(
        format!("{root}/list_invoices.yaml"),
        dir.path().join("list_invoices.yaml"),
    )
    .unwrap();
    let cases = std::fs::read_to_string(format!("{root}/list_invoices.test.yaml"))
        .unwrap()
        .replace("valor_final: \"49.95\"", "valor_final: \"49.96\"");
    std::fs::write(dir.path().join("list_invoices.test.yaml"), cases).unwrap();
    let (code, out) = ponte(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED"), "{out}");
    let changed = |sign: &str, value: &str| {
        out.lines().any(|l| {
            l.trim_start().starts_with(sign) && l.contains(&format!("\"valor_final\": \"{value}\""))
        })
    };
    assert!(changed("-", "49.96") && changed("+", "49.95"), "{out}");
    assert!(out.lines().last().unwrap().ends_with("1 failed"), "{out}");
}

#[test]
fn payment_commands_answer_json_with_their_exit_codes() {
    let (code, out) = ponte(&["document", "12.ABC.345/01DE-35"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"kind\":\"cnpj\""), "{out}");
    let (code, _) = ponte(&["document", "111.111.111-11"]);
    assert_eq!(code, 1);
    let (code, _) = ponte(&["boleto"]);
    assert_eq!(code, 2);
}
