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
            (Code::JqSyntax, 12, 39, "jq: `(` is never closed: expected `)`".into()),
            (Code::StepOrder, 14, 11, "step `invoices` is used before it runs".into()),
            (Code::UnboundedLoop, 17, 15, "the loop of step `invoices` has no bound".into()),
            (Code::UnknownFilter, 19, 58, "unknown filter `moeny`".into()),
            (Code::StepKind, 20, 9, "step `nothing` does nothing".into()),
            (Code::UnknownVariable, 22, 71, "unknown variable `vars.x`".into()),
            (
                Code::OutputFieldUnknown,
                22,
                64,
                "`valor` is not a field of the output of `list_invoices`".into()
            ),
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
    assert_eq!(d[8].hint.as_deref(), Some("did you mean `valor_final`?"));
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
                let library = ponte_automation::SharedLibrary::beside(&path).unwrap();
                if let Err(d) = ponte_automation::compile_with(&name, &source, &library) {
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

#[test]
fn a_problem_in_shared_steps_is_reported_in_the_shared_file_and_at_the_use() {
    let shared = "params:\n  document: {}\nsteps:\n  - id: lookup\n    set: '.input.customer_document_number'\n  - id: again\n    set: '.params.documnt'\nresult: '.steps.lookup'\n";
    let user = "function: list_customer_contacts\nsteps:\n  - id: customer\n    use: find\n    with:\n      document: .input.customer_document_number\n      doc: '1'\noutput: '[{type: \"email\", value: .steps.customer}]'\n";
    let mut library = ponte_automation::SharedLibrary::new();
    library.add("find", "shared/find.yaml", shared);
    let d = ponte_automation::compile_with("user.yaml", user, &library).unwrap_err();
    let got: Vec<(Code, &str, usize, usize)> = d
        .iter()
        .map(|d| (d.code, d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        got,
        [
            (Code::UnknownVariable, "user.yaml", 7, 13),
            (Code::UnknownInput, "shared/find.yaml", 5, 11),
            (Code::UnknownVariable, "shared/find.yaml", 7, 11),
            (Code::SharedSteps, "user.yaml", 4, 10),
        ]
    );
    assert_eq!(d[0].message, "`find` has no parameter `doc`");
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `document`?"));
    assert_eq!(d[1].message, "shared steps do not see the caller's `input`");
    assert_eq!(d[2].hint.as_deref(), Some("did you mean `document`?"));
    assert_eq!(d[1].used_at.as_deref(), Some("user.yaml:4:10"));
    assert!(
        d[1].to_string()
            .contains("note: in shared steps used at user.yaml:4:10")
    );
    assert_eq!(
        d[3].message,
        "the shared steps `find` used here have 2 problem(s)"
    );
    // A missing argument is named at the use.
    let user = "function: list_customer_contacts\nsteps:\n  - id: customer\n    use: find\noutput: '[{type: \"email\", value: .steps.customer}]'\n";
    let d = ponte_automation::compile_with("user.yaml", user, &library).unwrap_err();
    assert_eq!(d[0].message, "`find` needs `document`");
    // An unknown name suggests the closest one.
    let user = user.replace("use: find", "use: fnd");
    let d = ponte_automation::compile_with("user.yaml", &user, &library).unwrap_err();
    assert_eq!(
        (d[0].code, d[0].hint.as_deref()),
        (Code::UnknownShared, Some("did you mean `find`?"))
    );
}

#[test]
fn a_stray_output_key_is_flagged_at_its_line_with_the_field_it_likely_means() {
    let yaml = "function: get_customer_info\nsteps:\n  - id: a\n    set: '{}'\noutput: |\n  {\n    nome_completo: \"\", aniversario: \"\", data_registro: \"\", ativo: true,\n    id_remoto: \"\", id_contrato: \"\", rua_endereco: \"\", numero_endereco: \"\",\n    cep_endereco: \"\", cidade_endereco: \"\", complemento_endereco: \"\",\n    bairro_endereco: \"\", estado_endereco: \"\", estado_enderco: \"\"\n  }\n";
    let d = ponte_automation::compile("c.yaml", yaml).unwrap_err();
    assert_eq!(
        pinned(&d),
        vec![(
            Code::OutputFieldUnknown,
            10,
            47,
            "`estado_enderco` is not a field of the output of `get_customer_info`".into()
        )]
    );
    assert_eq!(
        d[0].hint.as_deref(),
        Some("did you mean `estado_endereco`?")
    );
    // The case of the report: `valor_atual` written for `valor_final`.
    let path = format!(
        "{}/../../examples/ixc/list_invoices.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(path)
        .unwrap()
        .replace("valor_final:", "valor_atual:");
    let d = ponte_automation::compile("list_invoices.yaml", &source).unwrap_err();
    let stray = d
        .iter()
        .find(|d| d.code == Code::OutputFieldUnknown)
        .expect("the stray key is reported");
    assert!(stray.snippet.contains("valor_atual:"), "{stray}");
    assert_eq!(stray.hint.as_deref(), Some("did you mean `valor_final`?"));
    assert!(d.iter().any(|d| d.code == Code::OutputFieldMissing));
}

#[test]
fn an_unknown_jq_filter_suggests_the_closest_one() {
    let yaml = "function: list_products\nsteps:\n  - id: a\n    set: '[1] | map(typ)'\noutput: '[{codigo: \"1\", nome: \"x\"}]'\n";
    let d = ponte_automation::compile("f.yaml", yaml).unwrap_err();
    assert_eq!(
        pinned(&d),
        vec![(Code::JqSyntax, 4, 21, "jq: unknown filter `typ`".into())]
    );
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `type`?"));
}

#[test]
fn an_unclosed_bracket_is_shown_where_it_opens() {
    let yaml = "function: list_products\nsteps:\n  - id: a\n    set: '[.a, {b: (.c | length}]'\noutput: '[{codigo: \"1\", nome: \"x\"}]'\n";
    let d = ponte_automation::compile("f.yaml", yaml).unwrap_err();
    assert_eq!(d[0].code, Code::JqSyntax);
    assert_eq!((d[0].line, d[0].column), (4, 20), "{}", d[0]);
}
