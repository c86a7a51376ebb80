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
    assert!(out.contains("10 problem(s)"), "{out}");

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

#[test]
fn new_writes_an_automation_and_cases_that_check_and_pass_for_every_function() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    for function in ponte_catalog::FunctionId::ALL {
        for style in ["rest", "ixc"] {
            let sub = format!("{root}/{style}");
            let (code, out) = ponte(&[
                "new",
                function.as_str(),
                "--erp-style",
                style,
                "--dir",
                &sub,
            ]);
            assert_eq!(code, 0, "{function} {style}: {out}");
        }
    }
    let yaml = std::fs::read_to_string(format!("{root}/rest/list_invoices.yaml")).unwrap();
    assert!(
        yaml.contains("valor_final: (.valor_final // \"\" | money),  # money"),
        "{yaml}"
    );
    assert!(
        yaml.contains("vencimento: (.vencimento // \"\" | date),  # date"),
        "{yaml}"
    );
    for style in ["rest", "ixc"] {
        let (code, out) = ponte(&["check", &format!("{root}/{style}")]);
        assert_eq!(code, 0, "{style}: {out}");
        let (code, out) = ponte(&["test", &format!("{root}/{style}")]);
        assert_eq!(code, 0, "{style}: {out}");
        assert!(out.contains(", 0 failed"), "{out}");
    }
    // A file is not replaced without --force.
    let (code, _) = ponte(&["new", "list_invoices", "--dir", &format!("{root}/rest")]);
    assert_eq!(code, 2);
    let (code, _) = ponte(&["new", "list_invoicez", "--dir", root]);
    assert_eq!(code, 2);
}

#[test]
fn schema_catalog_of_one_function_shows_an_example_and_each_field_format() {
    let (code, out) = ponte(&["schema", "catalog", "list_invoices"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("example ("), "{out}");
    assert!(out.contains("[].valor_final: money: \"1234.50\""), "{out}");
    assert!(out.contains("[].vencimento: date: \"YYYY-MM-DD\""), "{out}");
    assert!(out.contains("[].linha_digitavel:"), "{out}");
}

#[test]
fn check_recognises_a_test_file_and_shows_its_mistakes_with_a_snippet_and_hint() {
    let (code, out) = ponte(&["check", "examples/ixc/list_invoices.test.yaml"]);
    assert_eq!(code, 0, "{out}");
    let dir = tempfile::tempdir().unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/ixc");
    std::fs::copy(
        format!("{root}/list_invoices.yaml"),
        dir.path().join("list_invoices.yaml"),
    )
    .unwrap();
    let cases = std::fs::read_to_string(format!("{root}/list_invoices.test.yaml"))
        .unwrap()
        .replacen("    exchanges:", "    exchange:", 1);
    let file = dir.path().join("list_invoices.test.yaml");
    std::fs::write(&file, cases).unwrap();
    let (code, out) = ponte(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error[schema]: unknown field `exchange`"),
        "{out}"
    );
    assert!(out.contains("|     exchange:"), "{out}");
    assert!(
        out.contains("= hint: a test file has `automation`"),
        "{out}"
    );
    let (code, out) = ponte(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("|     exchange:"), "{out}");
}

#[test]
fn check_reports_a_problem_in_shared_steps_in_the_shared_file_and_at_each_use() {
    let dir = tempfile::tempdir().unwrap();
    let preset = concat!(env!("CARGO_MANIFEST_DIR"), "/../../presets/ixc");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    for file in ["list_invoices.yaml", "get_invoice.yaml"] {
        std::fs::copy(format!("{preset}/{file}"), dir.path().join(file)).unwrap();
    }
    let shared = std::fs::read_to_string(format!("{preset}/shared/customer_by_document.yaml"))
        .unwrap()
        .replace("| cpf_cnpj_format }}", "| cpf_cnpj_fromat }}");
    std::fs::write(dir.path().join("shared/customer_by_document.yaml"), shared).unwrap();
    let (code, out) = ponte(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    // Told once in the shared file, and at each of the two uses.
    assert_eq!(out.matches("error[unknown_filter]").count(), 1, "{out}");
    assert!(
        out.contains("shared/customer_by_document.yaml:24:38"),
        "{out}"
    );
    assert!(
        out.contains("24 |         query: \"{{ params.document | cpf_cnpj_fromat }}\""),
        "{out}"
    );
    assert!(
        out.contains("= hint: did you mean `cpf_cnpj_format`?"),
        "{out}"
    );
    assert!(out.contains("= note: in shared steps used at"), "{out}");
    assert_eq!(out.matches("error[shared_steps]").count(), 2, "{out}");
    assert!(out.contains("3 problem(s)"), "{out}");
    // Named on its own, a shared-steps file is checked as one.
    let shared = dir.path().join("shared/customer_by_document.yaml");
    let (code, out) = ponte(&["check", shared.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[unknown_filter]"), "{out}");
    assert!(out.contains("1 file(s) checked, 1 problem(s)"), "{out}");
    let (code, out) = ponte(&["check", "presets/ixc/shared/customer_by_document.yaml"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn presets_list_names_each_preset_with_the_functions_it_serves() {
    let (code, out) = ponte(&["presets", "list"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ixc") && out.contains("serves 21 of 21 functions"),
        "{out}"
    );
    let sgp = ponte_presets::preset("sgp").unwrap();
    let served = sgp.coverage.iter().filter(|c| c.supported).count();
    assert!(
        out.lines()
            .any(|l| l.starts_with("sgp ")
                && l.contains(&format!("serves {served} of 21 functions"))),
        "{out}"
    );

    let (code, out) = ponte(&["presets", "list", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = list["presets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ponte_presets::names());
}

#[test]
fn presets_show_gives_each_function_served_or_why_not_and_its_variables_and_secrets() {
    let (code, out) = ponte(&["presets", "show", "sgp", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["name"], "sgp");
    let functions = shown["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 21);
    let find = |id: &str| {
        functions
            .iter()
            .find(|f| f["function"] == id)
            .unwrap_or_else(|| panic!("{id} is listed"))
    };
    let origins = find("list_commercial_origins");
    assert_eq!(origins["supported"], false);
    assert!(
        origins["reason"]
            .as_str()
            .unwrap()
            .contains("como conheceu")
    );
    assert_eq!(origins["variables"], serde_json::json!([]));

    let boleto = find("get_boleto_pdf");
    assert_eq!(boleto["supported"], true);
    assert_eq!(boleto["automation"], "get_boleto_pdf.yaml");
    assert_eq!(boleto["secrets"], serde_json::json!(["sgp_token"]));
    let vars = boleto["variables"].as_array().unwrap();
    let var = |name: &str| vars.iter().find(|v| v["name"] == name).unwrap();
    assert_eq!(var("base_url")["required"], true);
    assert_eq!(var("base_url")["default"], serde_json::Value::Null);
    assert_eq!(var("pdf_link_style")["default"], "replace");
    assert!(
        var("pdf_link_style")["description"]
            .as_str()
            .unwrap()
            .contains("Unconfirmed")
    );

    let (code, text) = ponte(&["presets", "show", "sgp"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("list_commercial_origins: not supported"),
        "{text}"
    );
    assert!(
        text.contains("var pdf_link_style (default \"replace\")"),
        "{text}"
    );
    assert!(text.contains("var base_url (required)"), "{text}");
}

#[test]
fn presets_show_of_an_unknown_preset_is_a_usage_error_with_a_suggestion() {
    let out = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .args(["presets", "show", "sgx"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown preset `sgx`: did you mean `sgp`?"),
        "{err}"
    );
}
