//! `ponte check` diagnostics on deliberately broken automations: codes, positions and hints
//! are pinned, so a change in what the checker finds or where it points is seen.

use ponte_automation::{Code, Diagnostic};

fn diagnostics(file: &str) -> Vec<Diagnostic> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap();
    ponte_automation::compile(file, &source).expect_err("the fixture is broken on purpose")
}

fn pinned(d: &[Diagnostic]) -> Vec<(Code, usize, usize, String)> {
    d.iter()
        .map(|d| (d.code, d.line, d.column, d.message.clone()))
        .collect()
}

#[test]
fn every_problem_of_a_broken_automation_is_reported_at_once_with_its_position() {
    let d = diagnostics("broken.yaml");
    assert_eq!(
        pinned(&d),
        vec![
            (Code::UnknownInput, 9, 48, "unknown variable `input.custmer_document_number`".into()),
            (Code::UnknownVariable, 11, 35, "unknown variable `secrets.tokn`".into()),
            (Code::JqSyntax, 12, 40, "jq: expected closing parenthesis".into()),
            (Code::StepOrder, 14, 11, "step `invoices` is used before it runs".into()),
            (Code::UnboundedLoop, 17, 15, "the loop of step `invoices` has no bound".into()),
            (Code::UnknownFilter, 19, 58, "unknown filter `moeny`".into()),
            (Code::StepKind, 20, 9, "step `nothing` does nothing".into()),
            (Code::UnknownVariable, 22, 71, "unknown variable `vars.x`".into()),
            (
                Code::OutputFieldMissing,
                22,
                3,
                "the output never sets `code_fatura`, `document_number`, `emissao`, `historico`, `identifier`, `juros`, `linha_digitavel`, `link_boleto`, `multa`, `nome_cliente`, `pix_code`, `valor_final`, `valor_inicial` and `vencimento`".into()
            ),
        ]
    );
    assert_eq!(
        d[0].hint.as_deref(),
        Some("did you mean `customer_document_number`?")
    );
    assert_eq!(d[1].hint.as_deref(), Some("did you mean `token`?"));
    assert_eq!(d[5].hint.as_deref(), Some("did you mean `money`?"));
    assert!(d[0].snippet.contains("{{ input.custmer_document_number }}"));
}

#[test]
fn a_yaml_syntax_error_is_one_diagnostic_with_its_position() {
    let d = diagnostics("bad_yaml.yaml");
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].code, d[0].line, d[0].column),
        (Code::YamlSyntax, 5, 4)
    );
}

#[test]
fn an_unknown_field_names_the_fields_that_exist() {
    let d = diagnostics("unknown_field.yaml");
    assert_eq!((d[0].code, d[0].line, d[0].column), (Code::Schema, 4, 5));
    assert!(
        d[0].message.contains("unknown field `sett`"),
        "{}",
        d[0].message
    );
    assert!(d[0].message.contains("set"));
}

#[test]
fn an_unknown_function_suggests_the_closest_one() {
    let d = ponte_automation::compile("f.yaml", "function: list_invoice\nsteps: []\n").unwrap_err();
    assert_eq!(
        (d[0].code, d[0].line, d[0].column),
        (Code::UnknownFunction, 1, 11)
    );
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `list_invoices`?"));
}

#[test]
fn templates_and_jq_that_do_not_compile_point_inside_block_scalars() {
    let yaml = "function: list_resellers\nsteps:\n  - id: a\n    set: |\n      [.x[] |\n        {code: .id, name, taxvat, email} | nosuch]\n";
    let d = ponte_automation::compile("b.yaml", yaml).unwrap_err();
    assert_eq!((d[0].code, d[0].line, d[0].column), (Code::JqSyntax, 6, 44));
    assert_eq!(d[0].message, "jq: unknown filter `nosuch`");
    let yaml = "function: list_resellers\nsteps:\n  - id: a\n    fail:\n      code: x\n      message: \"{{ input.a\"\noutput: '[{code, name, taxvat, email}]'\n";
    let d = ponte_automation::compile("t.yaml", yaml).unwrap_err();
    assert_eq!(d[0].code, Code::TemplateSyntax);
    assert_eq!(d[0].line, 6);
}

#[test]
fn secrets_cannot_be_read_from_jq() {
    let yaml = "function: list_resellers\nsecrets: [token]\nsteps:\n  - id: a\n    set: '.secrets.token'\noutput: '[{code, name, taxvat, email}]'\n";
    let d = ponte_automation::compile("s.yaml", yaml).unwrap_err();
    assert_eq!(d[0].code, Code::SecretInJq);
}

#[test]
fn the_examples_shipped_with_ponte_all_compile() {
    let root = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().to_string();
            if name.ends_with(".yaml") && !name.ends_with(".test.yaml") {
                let source = std::fs::read_to_string(&path).unwrap();
                if let Err(d) = ponte_automation::compile(&name, &source) {
                    panic!(
                        "{name}:\n{}",
                        d.iter().map(ToString::to_string).collect::<String>()
                    );
                }
                count += 1;
            }
        }
    }
    assert!(count >= 1);
}

#[test]
fn the_document_schema_describes_every_step_kind() {
    let schema = ponte_automation::document_schema().to_string();
    for field in [
        "for_each",
        "paginate",
        "oauth2",
        "login",
        "api_key",
        "max_items",
        "success",
    ] {
        assert!(schema.contains(field), "{field} missing from the schema");
    }
}
