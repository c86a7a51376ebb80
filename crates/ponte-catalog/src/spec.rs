//! The description of one catalog function: names, schemas, field lists and examples.

use std::sync::LazyLock;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::FunctionId;
use crate::shapes;

/// What a successful call answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// A JSON document (HTTP `200`).
    Json,
    /// Nothing (HTTP `204`); the automation's result is ignored.
    None,
}

/// A realistic call of a function: inputs and the output an ERP would lead to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Example {
    /// What the example shows, in a few words.
    pub title: &'static str,
    /// The call's inputs, as the platform sends them.
    pub input: Value,
    /// The function's output (`null` for functions without one).
    pub output: Value,
}

/// One function of the catalog: a self-describing unit with its contract.
#[derive(Debug)]
pub struct FunctionSpec {
    /// The stable identifier.
    pub id: FunctionId,
    /// The Portuguese name the platform shows (`"Listar faturas"`).
    pub title: &'static str,
    /// When the platform calls it, in English.
    pub summary: &'static str,
    /// Whether the function answers JSON or nothing.
    pub output_kind: OutputKind,
    pub(crate) input_schema: LazyLock<Value>,
    pub(crate) output_schema: LazyLock<Value>,
    pub(crate) input_fields: LazyLock<Vec<&'static str>>,
    pub(crate) examples: LazyLock<Vec<Example>>,
}

impl FunctionSpec {
    /// JSON Schema (draft 2020-12) of the inputs: self-contained, unknown top-level inputs
    /// refused. Computed once.
    pub fn input_schema(&self) -> &Value {
        &self.input_schema
    }

    /// JSON Schema (draft 2020-12) of the output: self-contained, every field required, no
    /// other field allowed. For [`OutputKind::None`] it is the schema of `null`. Computed once.
    pub fn output_schema(&self) -> &Value {
        &self.output_schema
    }

    /// The names of the top-level inputs, in contract order (for "did you mean").
    pub fn input_fields(&self) -> &[&'static str] {
        &self.input_fields
    }

    /// The names of the required top-level inputs.
    pub fn required_inputs(&self) -> Vec<&'static str> {
        shapes::inputs_of(self.id)
            .fields
            .iter()
            .filter(|field| field.required)
            .map(|field| field.name)
            .collect()
    }

    /// Dotted paths of the output's required fields, `[]` standing for "each item of a list":
    /// `"remote_id"`, `"[].vencimento"`; `"[]"` alone for a list of strings.
    pub fn output_fields(&self) -> Vec<String> {
        let mut paths = Vec::new();
        collect_paths(
            self.output_schema(),
            self.output_schema(),
            "",
            &mut paths,
            0,
        );
        paths
    }

    /// Validate and normalise a call's inputs; see [`crate::validate_input`].
    pub fn validate_input(
        &self,
        input: &Value,
    ) -> Result<crate::ValidatedInput, crate::InputErrors> {
        crate::validate_input(self.id, input)
    }

    /// Realistic calls of the function; at least one.
    pub fn examples(&self) -> &[Example] {
        &self.examples
    }
}

/// Generate the self-contained JSON Schema of `T`: definitions under `$defs`, local refs.
pub(crate) fn schema_of<T: JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The names of a function's top-level inputs.
pub(crate) fn input_names(id: FunctionId) -> Vec<&'static str> {
    shapes::inputs_of(id)
        .fields
        .iter()
        .map(|field| field.name)
        .collect()
}

/// Nesting deeper than this means a recursive schema; the catalog has none, so stop there.
const MAX_DEPTH: usize = 8;

fn collect_paths(root: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(root, schema);
    // `Option<T>` becomes `anyOf: [T, null]`: the fields are those of the non-null branch.
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        for branch in branches {
            let branch = resolve(root, branch);
            if !is_null_type(branch) {
                collect_paths(root, branch, prefix, out, depth + 1);
            }
        }
        return;
    }
    if let Some(items) = schema.get("items") {
        let list = format!("{prefix}[]");
        let before = out.len();
        collect_paths(root, items, &list, out, depth + 1);
        if out.len() == before {
            out.push(list);
        }
        return;
    }
    let (Some(properties), Some(required)) = (
        schema.get("properties").and_then(Value::as_object),
        schema.get("required").and_then(Value::as_array),
    ) else {
        return;
    };
    for (name, property) in properties {
        if !required.iter().any(|r| r.as_str() == Some(name.as_str())) {
            continue;
        }
        let path = match prefix {
            "" => name.clone(),
            p => format!("{p}.{name}"),
        };
        let before = out.len();
        collect_paths(root, property, &path, out, depth + 1);
        if out.len() == before {
            out.push(path);
        }
    }
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// Follow a local `$ref` (`#/$defs/Name`); anything else is returned as is.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(schema),
        None => schema,
    }
}
