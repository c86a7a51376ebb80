//! The catalog matches the specification's function tables, field for field.
//!
//! `fixtures/spec-functions.md` is a verbatim copy of the tables, object definitions and
//! platform objects of SPEC §2. The first tests parse it and compare every function's id,
//! Portuguese name, inputs and output fields with the catalog; the last one compares the copy
//! with the specification itself when the file is around, so neither can drift silently.

use std::collections::BTreeMap;
use std::path::Path;

use pretty_assertions::assert_eq;
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/spec-functions.md");

/// One row of a function table.
#[derive(Debug)]
struct Row {
    id: String,
    name: String,
    /// Input names with whether they are optional.
    inputs: Vec<(String, bool)>,
    /// Output cell, raw.
    output: String,
}

/// A field of an output or object, with the type the table gives it (`bool` or nothing).
#[derive(Debug, Clone, PartialEq)]
struct SpecField {
    path: String,
    is_bool: bool,
}

/// Markdown with its line breaks inside paragraphs collapsed, as the tables wrap long lines.
fn unwrap_lines(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `code spans` of a text, in order.
fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .enumerate()
        .filter(|(index, _)| index % 2 == 1)
        .map(|(_, span)| span.to_owned())
        .collect()
}

/// Function rows: table lines with four cells whose first cell is a backticked id.
fn function_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .filter(|line| line.trim_matches('|').split('|').count() == 4)
        .map(str::to_owned)
        .collect()
}

/// Paragraphs that define an object: `INVOICE = ...`.
fn definitions(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|paragraph| paragraph.trim_matches('\n'))
        .filter(|paragraph| {
            paragraph
                .split_once(" = ")
                .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        })
        .map(str::to_owned)
        .collect()
}

/// The bullets of §2.5: `- **ORDER**: ...`, each with its continuation lines.
fn platform_bullets(text: &str) -> Vec<String> {
    let mut bullets: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.starts_with("- **") {
            bullets.push(line.to_owned());
            open = true;
        } else if open && line.starts_with("  ") {
            if let Some(last) = bullets.last_mut() {
                last.push('\n');
                last.push_str(line);
            }
        } else {
            open = false;
        }
    }
    bullets
}

fn parse_row(line: &str) -> Row {
    let cells: Vec<&str> = line
        .trim()
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect();
    let inputs = if cells[2] == "—" {
        Vec::new()
    } else {
        cells[2]
            .split(", ")
            .map(|part| {
                let name = code_spans(part).into_iter().next().expect("an input name");
                (name, part.contains("(optional)"))
            })
            .collect()
    };
    Row {
        id: cells[0].trim_matches('`').to_owned(),
        name: cells[1].to_owned(),
        inputs,
        output: cells[3].to_owned(),
    }
}

/// `{a, b: bool, c}` → fields `a`, `b` (bool), `c`, each under `prefix`.
fn parse_braces(span: &str, prefix: &str) -> Vec<SpecField> {
    span.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, is_bool) = match part.split_once(':') {
                Some((name, kind)) => (name.trim(), kind.trim() == "bool"),
                None => (part, false),
            };
            SpecField {
                path: format!("{prefix}{name}"),
                is_bool,
            }
        })
        .collect()
}

/// The object definitions, by name (`INVOICE` → its fields).
fn object_definitions(text: &str) -> BTreeMap<String, Vec<SpecField>> {
    definitions(text)
        .iter()
        .map(|paragraph| {
            let paragraph = unwrap_lines(paragraph);
            let (name, rest) = paragraph.split_once(" = ").expect("a definition");
            let span = code_spans(rest).into_iter().next().expect("a field list");
            (name.to_owned(), parse_braces(&span, ""))
        })
        .collect()
}

/// The output fields a row lists, as paths (`None` for "no output").
fn output_fields(row: &Row, objects: &BTreeMap<String, Vec<SpecField>>) -> Option<Vec<SpecField>> {
    if row.output.starts_with("none") {
        return None;
    }
    let first_word: String = row
        .output
        .chars()
        .take_while(char::is_ascii_uppercase)
        .collect();
    if !first_word.is_empty() {
        return Some(objects[&first_word].clone());
    }
    let span = code_spans(&row.output)
        .into_iter()
        .next()
        .expect("an output");
    Some(expand(&span, "", objects))
}

fn expand(span: &str, prefix: &str, objects: &BTreeMap<String, Vec<SpecField>>) -> Vec<SpecField> {
    if let Some(inner) = span.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        if inner.starts_with('"') {
            // A list of strings: `["message", ...]`.
            return vec![SpecField {
                path: format!("{prefix}[]"),
                is_bool: false,
            }];
        }
        return expand(inner, &format!("{prefix}[]."), objects);
    }
    if span.starts_with('{') {
        return parse_braces(span, prefix);
    }
    objects[span]
        .iter()
        .map(|field| SpecField {
            path: format!("{prefix}{}", field.path),
            is_bool: field.is_bool,
        })
        .collect()
}

/// Follow `$ref`s and `Option`'s `anyOf` to the schema that says what a value is.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return resolve(root, root.pointer(&reference[1..]).expect("a local $ref"));
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let branch = branches
            .iter()
            .find(|b| b.get("type") != Some(&Value::from("null")))
            .expect("a non-null branch");
        return resolve(root, branch);
    }
    schema
}

/// The schema of the value at a dotted output path.
fn schema_at<'a>(root: &'a Value, path: &str) -> &'a Value {
    let mut schema = resolve(root, root);
    for segment in path.split('.') {
        let (name, list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        if !name.is_empty() {
            schema = resolve(root, &schema["properties"][name]);
        }
        if list {
            schema = resolve(root, &schema["items"]);
        }
    }
    schema
}

#[test]
fn the_catalog_lists_the_functions_of_the_tables_in_their_order() {
    let rows: Vec<Row> = function_rows(FIXTURE)
        .iter()
        .map(|l| parse_row(l))
        .collect();
    assert_eq!(rows.len(), 21);
    let from_tables: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let from_catalog: Vec<&str> = ponte_catalog::catalog()
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(from_catalog, from_tables);
    for row in &rows {
        let spec = ponte_catalog::function(&row.id).expect("the function is in the catalog");
        assert_eq!(spec.title, row.name, "Portuguese name of {}", row.id);
    }
}

#[test]
fn every_function_takes_the_inputs_of_its_table_row() {
    for line in function_rows(FIXTURE) {
        let row = parse_row(&line);
        let spec = ponte_catalog::function(&row.id).unwrap();
        let names: Vec<&str> = row.inputs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            spec.input_fields(),
            names.as_slice(),
            "inputs of {}",
            row.id
        );

        let required: Vec<&str> = row
            .inputs
            .iter()
            .filter(|(_, optional)| !optional)
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            spec.required_inputs(),
            required,
            "required inputs of {}",
            row.id
        );

        let schema = spec.input_schema();
        let properties: Vec<&str> = schema["properties"]
            .as_object()
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(properties, names, "input schema properties of {}", row.id);
        let schema_required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            schema_required, required,
            "input schema required of {}",
            row.id
        );
        assert_eq!(schema["additionalProperties"], false, "{}", row.id);
    }
}

#[test]
fn every_function_outputs_the_fields_of_its_table_row_with_their_types() {
    let objects = object_definitions(FIXTURE);
    for line in function_rows(FIXTURE) {
        let row = parse_row(&line);
        let spec = ponte_catalog::function(&row.id).unwrap();
        let schema = spec.output_schema();
        match output_fields(&row, &objects) {
            None => {
                assert_eq!(
                    spec.output_kind,
                    ponte_catalog::OutputKind::None,
                    "{}",
                    row.id
                );
                assert_eq!(schema["type"], "null", "{}", row.id);
                assert!(spec.output_fields().is_empty());
            }
            Some(fields) => {
                assert_eq!(
                    spec.output_kind,
                    ponte_catalog::OutputKind::Json,
                    "{}",
                    row.id
                );
                let paths: Vec<String> = fields.iter().map(|f| f.path.clone()).collect();
                assert_eq!(spec.output_fields(), paths, "output fields of {}", row.id);
                for field in fields {
                    let at = schema_at(schema, &field.path);
                    let expected = if field.is_bool {
                        Some("boolean")
                    } else if field.path.ends_with("api_response") {
                        // Any JSON: the ERP's answer as it came.
                        None
                    } else {
                        Some("string")
                    };
                    assert_eq!(
                        at.get("type").and_then(Value::as_str),
                        expected,
                        "type of {} in {}: {at}",
                        field.path,
                        row.id
                    );
                }
            }
        }
    }
}

#[test]
fn customer_changes_accepts_the_fields_of_its_definition() {
    let objects = object_definitions(FIXTURE);
    let wanted: Vec<String> = objects["CUSTOMER_CHANGES"]
        .iter()
        .map(|f| f.path.clone())
        .collect();
    let schema = ponte_catalog::function("update_customer")
        .unwrap()
        .input_schema();
    let changes = resolve(schema, &schema["properties"]["changes"]);
    let names: Vec<String> = changes["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(names, wanted);
    assert_eq!(changes["minProperties"], 1);
    assert_eq!(changes["additionalProperties"], false);
}

/// A platform object's fields as §2.5 lists them: name, required, and nested fields.
#[derive(Debug, Default)]
struct Object {
    fields: Vec<(String, bool)>,
    nested: BTreeMap<String, Object>,
}

/// Parse `` `id` (required), `customer` `{name (required), ...}`, `method` (`pix`, ...) ``.
/// Code spans inside parentheses are values or remarks, not fields.
fn parse_object(text: &str) -> Object {
    let mut object = Object::default();
    let mut depth = 0usize;
    let mut paren = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                depth += 1;
                paren.clear();
            }
            ')' => {
                depth = depth.saturating_sub(1);
                // "(at least one)" on a list makes it required as much as "(required)" does.
                if depth == 0
                    && (paren.contains("required") || paren.contains("at least one"))
                    && let Some(last) = object.fields.last_mut()
                {
                    last.1 = true;
                }
            }
            '`' => {
                let span: String = chars.by_ref().take_while(|&c| c != '`').collect();
                if depth > 0 {
                    paren.push_str(&span);
                } else if let Some(inner) = span.strip_prefix('[') {
                    let inner = inner.trim_end_matches(']');
                    let name = object.fields.last().expect("a list field").0.clone();
                    object
                        .nested
                        .insert(name, parse_object(&braces_to_spans(inner)));
                } else if span.starts_with('{') {
                    let nested = parse_object(&braces_to_spans(&span));
                    let last = object.fields.last_mut().expect("an object field");
                    // An object with required fields of its own cannot be left out.
                    if nested.fields.iter().any(|(_, required)| *required) {
                        last.1 = true;
                    }
                    object.nested.insert(last.0.clone(), nested);
                } else {
                    object.fields.push((span, false));
                }
            }
            other if depth > 0 => paren.push(other),
            _ => {}
        }
    }
    object
}

/// `{name (required), email}` → `` `name` (required), `email` `` so one parser reads both.
fn braces_to_spans(braces: &str) -> String {
    braces
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split(',')
        .map(|part| {
            let part = part.trim();
            match part.split_once(' ') {
                Some((name, rest)) => format!("`{name}` {rest}"),
                None => format!("`{part}`"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare_object(root: &Value, schema: &Value, object: &Object, what: &str) {
    let schema = resolve(root, schema);
    let properties: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{what} has properties"))
        .keys()
        .map(String::as_str)
        .collect();
    let names: Vec<&str> = object
        .fields
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(properties, names, "fields of {what}");
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    required.sort_unstable();
    let mut wanted: Vec<&str> = object
        .fields
        .iter()
        .filter(|(_, required)| *required)
        .map(|(name, _)| name.as_str())
        .collect();
    wanted.sort_unstable();
    assert_eq!(required, wanted, "required fields of {what}");
    assert_eq!(
        schema["additionalProperties"], true,
        "{what} keeps other fields"
    );
    for (name, inner) in &object.nested {
        let mut child = resolve(root, &schema["properties"][name.as_str()]);
        if child.get("type") == Some(&Value::from("array")) {
            child = &child["items"];
        }
        compare_object(root, child, inner, &format!("{what}.{name}"));
    }
}

#[test]
fn the_platform_objects_check_the_fields_section_2_5_names() {
    let places = [
        ("ORDER", "create_order", "order"),
        ("LEAD", "create_lead", "lead"),
        ("USER", "update_customer", "wda_user"),
        ("TRANSACTION", "settle_boleto", "transaction"),
    ];
    let bullets = platform_bullets(FIXTURE);
    assert_eq!(bullets.len(), 4);
    for (name, function, input) in places {
        let bullet = bullets
            .iter()
            .find(|b| b.starts_with(&format!("- **{name}**")))
            .unwrap_or_else(|| panic!("{name} is described"));
        let text = unwrap_lines(bullet);
        let (_, fields) = text.split_once(": ").expect("a field list");
        let object = parse_object(fields);
        let schema = ponte_catalog::function(function).unwrap().input_schema();
        compare_object(schema, &schema["properties"][input], &object, name);
    }
}

#[test]
fn the_fixture_is_a_verbatim_copy_of_the_specification() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/SPEC.md");
    let Ok(spec) = std::fs::read_to_string(&path) else {
        println!(
            "note: {} is not available; the fixture was not compared",
            path.display()
        );
        return;
    };
    let start = spec
        .find("## 2. Function catalog")
        .expect("SPEC has section 2");
    let end = spec[start..]
        .find("\n## 3.")
        .map_or(spec.len(), |end| start + end);
    let section = &spec[start..end];
    assert_eq!(
        function_rows(FIXTURE),
        function_rows(section),
        "function tables"
    );
    assert_eq!(
        definitions(FIXTURE),
        definitions(section),
        "object definitions"
    );
    assert_eq!(
        platform_bullets(FIXTURE),
        platform_bullets(section),
        "platform objects"
    );
}
