//! `ponte new`: the skeleton of an automation for one catalog function, and its test file.
//!
//! The automation sets every output field, each with a comment on its format; the test file
//! has a found, a not-found and an ERP-error case, which pass against the skeleton as written
//! (the ERP's answer in them is shaped like the output), so the integrator starts from green
//! and changes the request, the mapping and the cases to the ERP's real shapes.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ponte_catalog::{FunctionSpec, OutputKind};
use serde_json::Value;

/// How the ERP's API looks, for the request the skeleton starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErpStyle {
    /// A REST API: `GET` with query parameters and a bearer token.
    Rest,
    /// IXC-like: `POST` listings with a JSON filter and HTTP Basic.
    Ixc,
}

/// Write a new automation and its test file for a catalog function.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The catalog function, e.g. `list_invoices`.
    pub function: String,
    /// How the ERP's API looks.
    #[arg(long, value_enum, default_value_t = ErpStyle::Rest)]
    pub erp_style: ErpStyle,
    /// The folder to write `<function>.yaml` and `<function>.test.yaml` in.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
}

/// One output field: its path, and what its value looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Dotted path, `[]` for each item of a list (`[].valor_final`).
    pub path: String,
    /// Its format in words (`money: "1234.50", or "" when unknown`).
    pub format: String,
    /// The catalog's description of the field.
    pub description: String,
    /// The example output's value of it.
    pub example: Option<Value>,
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(schema),
        None => schema,
    }
}

/// The non-null form of a schema that may be null.
fn present<'a>(root: &'a Value, schema: &'a Value) -> (&'a Value, bool) {
    let schema = resolve(root, schema);
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let nullable = branches
            .iter()
            .any(|b| b.get("type").and_then(Value::as_str) == Some("null"));
        if let Some(other) = branches
            .iter()
            .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
        {
            return (resolve(root, other), nullable);
        }
    }
    (schema, false)
}

/// What a scalar's schema allows, in words.
fn format_of(schema: &Value) -> String {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("any");
    let pattern = schema.get("pattern").and_then(Value::as_str).unwrap_or("");
    if pattern.contains(r"\.[0-9]{2}") {
        return r#"money: "1234.50" (dot, two decimals), or "" — jq filter `money`"#.into();
    }
    if pattern.contains("[0-9]{4}-") {
        return r#"date: "YYYY-MM-DD", or "" — jq filter `date`"#.into();
    }
    match ty {
        "boolean" => "true or false".into(),
        "integer" | "number" => "a number".into(),
        "string" if !pattern.is_empty() => format!("text matching /{pattern}/"),
        "string" => r#"text, "" when unknown — jq filter `text`"#.into(),
        other => other.to_owned(),
    }
}

/// Every output field of a function, with its format and the example's value.
#[must_use]
pub fn fields(spec: &FunctionSpec) -> Vec<Field> {
    fn walk(
        root: &Value,
        schema: &Value,
        example: Option<&Value>,
        prefix: &str,
        out: &mut Vec<Field>,
    ) {
        let (schema, _) = present(root, schema);
        if let Some(items) = schema.get("items") {
            let first = example.and_then(|e| e.as_array()).and_then(|a| a.first());
            let (item, _) = present(root, items);
            if item.get("properties").is_some() {
                walk(root, item, first, &format!("{prefix}[]"), out);
            } else {
                out.push(Field {
                    path: format!("{prefix}[]"),
                    format: format!("list of {}", format_of(item)),
                    description: String::new(),
                    example: example.cloned(),
                });
            }
            return;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, property) in properties {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            let value = example.and_then(|e| e.get(name));
            let (inner, _) = present(root, property);
            if inner.get("properties").is_some() || inner.get("items").is_some() {
                walk(root, property, value, &path, out);
                continue;
            }
            out.push(Field {
                path,
                format: format_of(inner),
                description: property
                    .get("description")
                    .or_else(|| inner.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .replace('\n', " "),
                example: value.cloned(),
            });
        }
    }
    let root = spec.output_schema();
    let example = spec.examples().first().map(|e| &e.output);
    let mut out = Vec::new();
    walk(root, root, example, "", &mut out);
    out
}

/// The jq expression mapping the ERP record `.` to the output value of `schema`, indented.
fn mapping(root: &Value, schema: &Value, source: &str, indent: usize, out: &mut String) {
    let (schema, _) = present(root, schema);
    let pad = " ".repeat(indent);
    if let Some(items) = schema.get("items") {
        let (item, _) = present(root, items);
        if item.get("properties").is_some() {
            let _ = write!(out, "[ ({source} // [])[] | ");
            mapping(root, item, ".", indent, out);
            out.push_str(" ]");
        } else {
            let _ = write!(out, "({source} // [])");
        }
        return;
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        let _ = write!(out, "{source}");
        return;
    };
    out.push_str("{\n");
    let count = properties.len();
    for (index, (name, property)) in properties.iter().enumerate() {
        let (inner, _) = present(root, property);
        let field = if source == "." {
            format!(".{name}")
        } else {
            format!("{source}.{name}")
        };
        let _ = write!(out, "{pad}  {name}: ");
        let comma = if index + 1 < count { "," } else { "" };
        if inner.get("properties").is_some() || inner.get("items").is_some() {
            mapping(root, property, &field, indent + 2, out);
            let _ = writeln!(out, "{comma}");
            continue;
        }
        let ty = inner.get("type").and_then(Value::as_str).unwrap_or("");
        let format = format_of(inner);
        let expr = if format.starts_with("money") {
            format!("({field} // \"\" | money)")
        } else if format.starts_with("date") {
            format!("({field} // \"\" | date)")
        } else if ty == "boolean" {
            format!("({field} == true)")
        } else if ty == "string" {
            format!("({field} // \"\" | text)")
        } else {
            field
        };
        let _ = writeln!(out, "{expr}{comma}  # {format}");
    }
    let _ = write!(out, "{pad}}}");
}

/// The YAML scalar of a value on one line (JSON is YAML).
fn flow(value: &Value) -> String {
    value.to_string()
}

/// The automation skeleton.
#[must_use]
pub fn automation(spec: &FunctionSpec, style: ErpStyle) -> String {
    let id = spec.id.as_str();
    let root = spec.output_schema();
    let (shape, nullable) = present(root, root);
    let is_list = shape.get("items").is_some();
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# {id}: {}\n# Written by `ponte new {id}`: change the request and the mapping to the ERP's \
         real shapes,\n# then `ponte check` and `ponte test` this file.",
        spec.title
    );
    let _ = writeln!(y, "function: {id}");
    let _ = writeln!(
        y,
        "description: >\n  {}\n\nvariables:\n  base_url:\n    description: The ERP's API root, \
         e.g. https://erp.example.com.br/api",
        spec.summary.replace('\n', " ")
    );
    match style {
        ErpStyle::Rest => {
            y.push_str("secrets: [api_token]\n\nauth:\n  bearer:\n    token: \"{{ secrets.api_token }}\"\n\n");
        }
        ErpStyle::Ixc => {
            y.push_str(
                "  api_user:\n    description: The ERP's API user.\nsecrets: [api_token]\n\n\
                 auth:\n  basic:\n    username: \"{{ vars.api_user }}\"\n    password: \"{{ secrets.api_token }}\"\n\n",
            );
        }
    }
    y.push_str("steps:\n  - id: lookup\n    request:\n");
    let inputs = spec.input_fields();
    match style {
        ErpStyle::Rest => {
            y.push_str("      url: \"{{ vars.base_url }}/TODO\"\n");
            if !inputs.is_empty() {
                y.push_str("      # `\"{{ input.x or none }}\"` leaves the parameter out when the input is empty.\n      query:\n");
                for input in inputs {
                    let _ = writeln!(y, "        {input}: \"{{{{ input.{input} or none }}}}\"");
                }
            }
        }
        ErpStyle::Ixc => {
            y.push_str(
                "      method: POST\n      url: \"{{ vars.base_url }}/TODO\"\n      headers: { ixcsoft: listar }\n",
            );
            if let Some(first) = inputs.first() {
                let _ = writeln!(
                    y,
                    "      json: {{ qtype: TODO, query: \"{{{{ input.{first} }}}}\", oper: \"=\", page: \"1\", rp: \"50\" }}"
                );
            }
            y.push_str("      idempotent: true\n      success: '.type? != \"error\"'\n");
        }
    }
    y.push_str("      error_message: .message\n\n");
    if spec.output_kind == OutputKind::None {
        y.push_str("# The function answers nothing: the run succeeds when the request does.\n");
        return y;
    }
    if !is_list {
        y.push_str("  - id: not_found\n    when: '.steps.lookup.body.data == null'\n");
        if nullable {
            y.push_str("    return: 'null'\n\n");
        } else {
            y.push_str(
                "    fail:\n      code: not_found\n      message: \"the ERP has no such record\"\n      not_found: true\n\n",
            );
        }
    }
    y.push_str("output: |\n  ");
    let mut body = String::new();
    if is_list {
        mapping(root, root, ".steps.lookup.body.data", 2, &mut body);
    } else {
        body.push_str(".steps.lookup.body.data\n  | ");
        mapping(root, root, ".", 2, &mut body);
    }
    y.push_str(&body);
    y.push('\n');
    y
}

/// The test file: found, not found and an ERP error.
#[must_use]
pub fn test_file(spec: &FunctionSpec, style: ErpStyle) -> String {
    let id = spec.id.as_str();
    let root = spec.output_schema();
    let (shape, nullable) = present(root, root);
    let is_list = shape.get("items").is_some();
    let example = spec.examples().first();
    let input = example.map_or_else(
        || Value::Object(serde_json::Map::new()),
        |e| e.input.clone(),
    );
    let output = example.map_or(Value::Null, |e| e.output.clone());
    let method = match style {
        ErpStyle::Rest => "GET",
        ErpStyle::Ixc => "POST",
    };
    let mut y = String::new();
    let _ = writeln!(
        y,
        "automation: {id}.yaml\nvars:\n  base_url: https://erp.example.com.br/api"
    );
    if style == ErpStyle::Ixc {
        y.push_str("  api_user: \"1\"\n");
    }
    y.push_str("secrets:\n  api_token: test-token\ncases:\n");
    let request = format!("{{ method: {method}, url: https://erp.example.com.br/api/TODO }}");
    let _ = writeln!(
        y,
        "  - name: a record the ERP has is mapped to every output field\n    input: {}\n    exchanges:\n      - request: {request}\n        response:\n          json: {{ data: {} }}",
        flow(&input),
        flow(&output)
    );
    if spec.output_kind == OutputKind::None {
        y.push_str("    output: null\n");
    } else {
        let _ = writeln!(y, "    output: {}", flow(&output));
    }
    if spec.output_kind != OutputKind::None {
        let (answer, expected) = if is_list {
            ("[]", "    output: []\n".to_owned())
        } else if nullable {
            ("null", "    output: null\n".to_owned())
        } else {
            ("null", "    error: { code: not_found }\n".to_owned())
        };
        let _ = write!(
            y,
            "\n  - name: a record the ERP does not have\n    input: {}\n    exchanges:\n      - request: {request}\n        response:\n          json: {{ data: {answer} }}\n{expected}",
            flow(&input)
        );
    }
    let _ = write!(
        y,
        "\n  - name: an ERP error is reported with the ERP's message\n    input: {}\n    exchanges:\n      - request: {request}\n        response:\n          status: 400\n          json: {{ message: \"TODO: the ERP's error\" }}\n    error:\n      code: erp_rejected\n      message_contains: \"the ERP's error\"\n",
        flow(&input)
    );
    y
}

pub fn run(args: &NewArgs) -> anyhow::Result<ExitCode> {
    let Some(spec) = ponte_catalog::function(&args.function) else {
        let names: Vec<&str> = ponte_catalog::catalog()
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        let hint =
            ponte_automation::diagnostics::did_you_mean(&args.function, names.iter().copied())
                .map_or_else(
                    || format!("the functions are: {}", names.join(", ")),
                    |s| format!("did you mean `{s}`?"),
                );
        anyhow::bail!("unknown function `{}`: {hint}", args.function);
    };
    let id = spec.id.as_str();
    let automation_path = args.dir.join(format!("{id}.yaml"));
    let test_path = args.dir.join(format!("{id}.test.yaml"));
    for path in [&automation_path, &test_path] {
        if path.exists() && !args.force {
            anyhow::bail!("{} exists; pass --force to replace it", path.display());
        }
    }
    std::fs::create_dir_all(&args.dir)?;
    std::fs::write(&automation_path, automation(spec, args.erp_style))?;
    std::fs::write(&test_path, test_file(spec, args.erp_style))?;
    crate::output::line(format!(
        "wrote {} and {}\nnext: edit the request and the mapping, then `ponte check {}` and `ponte test {}`",
        automation_path.display(),
        test_path.display(),
        automation_path.display(),
        test_path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
