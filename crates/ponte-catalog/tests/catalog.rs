//! The catalog as a whole: identifiers, examples against the schemas, and the schemas' rules
//! (self-contained, strict outputs).

use std::collections::BTreeSet;
use std::str::FromStr;

use ponte_catalog::{FunctionId, InputErrors, OutputKind, ValidatedInput, catalog, function};
use serde_json::{Value, json};

/// The normalised input of a successful validation, as JSON.
fn validate_input(id: FunctionId, input: &Value) -> Result<Value, InputErrors> {
    ponte_catalog::validate_input(id, input).map(ValidatedInput::into_value)
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the schema compiles")
}

fn errors_of(schema: &Value, instance: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn the_catalog_has_the_21_functions_once_each() {
    assert_eq!(catalog().len(), 21);
    let ids: BTreeSet<&str> = catalog().iter().map(|spec| spec.id.as_str()).collect();
    assert_eq!(ids.len(), 21);
    assert_eq!(FunctionId::ALL.len(), 21);
    for (spec, id) in catalog().iter().zip(FunctionId::ALL) {
        assert_eq!(spec.id, id);
    }
}

#[test]
fn identifiers_read_and_write_the_same_snake_case_name() {
    for id in FunctionId::ALL {
        let name = id.as_str();
        assert_eq!(FunctionId::from_str(name), Ok(id));
        assert_eq!(serde_json::to_value(id).unwrap(), json!(name));
        assert_eq!(
            serde_json::from_value::<FunctionId>(json!(name)).unwrap(),
            id
        );
        assert_eq!(id.to_string(), name);
        assert_eq!(function(name).map(|spec| spec.id), Some(id));
        assert_eq!(id.spec().id, id);
    }
}

#[test]
fn unknown_identifiers_find_nothing() {
    assert!(function("list_boletos").is_none());
    assert!(function("List_Invoices").is_none());
    assert!(FunctionId::from_str("listinvoices").is_err());
}

#[test]
fn every_function_has_a_title_a_summary_and_an_example() {
    for spec in catalog() {
        assert!(!spec.title.is_empty(), "{}", spec.id);
        assert!(spec.summary.len() > 20, "{}", spec.id);
        assert!(!spec.examples().is_empty(), "{} has examples", spec.id);
    }
}

#[test]
fn every_example_input_passes_validation() {
    for spec in catalog() {
        for example in spec.examples() {
            let result = validate_input(spec.id, &example.input);
            assert!(
                result.is_ok(),
                "{} / {}: {}",
                spec.id,
                example.title,
                result.unwrap_err()
            );
        }
    }
}

#[test]
fn every_example_input_matches_the_input_schema() {
    for spec in catalog() {
        for example in spec.examples() {
            let errors = errors_of(spec.input_schema(), &example.input);
            assert!(
                errors.is_empty(),
                "{} / {}: {errors:?}",
                spec.id,
                example.title
            );
        }
    }
}

#[test]
fn every_example_output_matches_the_output_schema() {
    for spec in catalog() {
        for example in spec.examples() {
            let errors = errors_of(spec.output_schema(), &example.output);
            assert!(
                errors.is_empty(),
                "{} / {}: {errors:?}",
                spec.id,
                example.title
            );
        }
    }
}

#[test]
fn functions_without_output_accept_only_null() {
    let lead = function("create_lead").unwrap();
    assert_eq!(lead.output_kind, OutputKind::None);
    let check = validator(lead.output_schema());
    assert!(check.is_valid(&Value::Null));
    assert!(!check.is_valid(&json!({})));
    assert!(!check.is_valid(&json!("")));
    let only_lead: Vec<FunctionId> = catalog()
        .iter()
        .filter(|spec| spec.output_kind == OutputKind::None)
        .map(|spec| spec.id)
        .collect();
    assert_eq!(only_lead, [FunctionId::CreateLead]);
}

/// Every `$ref` in `schema`.
fn refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                out.push(reference.clone());
            }
            object.values().for_each(|value| refs(value, out));
        }
        Value::Array(items) => items.iter().for_each(|value| refs(value, out)),
        _ => {}
    }
}

#[test]
fn schemas_are_self_contained() {
    for spec in catalog() {
        for schema in [spec.input_schema(), spec.output_schema()] {
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            let mut found = Vec::new();
            refs(schema, &mut found);
            for reference in found {
                assert!(
                    reference.starts_with("#/$defs/"),
                    "{}: {reference}",
                    spec.id
                );
                assert!(
                    schema.pointer(&reference[1..]).is_some(),
                    "{}: {reference}",
                    spec.id
                );
            }
        }
    }
}

/// Every object schema reachable from an output schema.
fn object_schemas<'a>(schema: &'a Value, out: &mut Vec<&'a Value>) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") {
                out.push(schema);
            }
            object.values().for_each(|value| object_schemas(value, out));
        }
        Value::Array(items) => items.iter().for_each(|value| object_schemas(value, out)),
        _ => {}
    }
}

#[test]
fn output_objects_are_closed_and_require_every_field() {
    for spec in catalog() {
        let mut objects = Vec::new();
        object_schemas(spec.output_schema(), &mut objects);
        for object in objects {
            assert_eq!(
                object["additionalProperties"], false,
                "{}: {object}",
                spec.id
            );
            let properties: BTreeSet<&str> = object["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let required: BTreeSet<&str> = object["required"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(properties, required, "{}", spec.id);
        }
    }
}

fn first_invoice() -> Value {
    let spec = function("list_invoices").unwrap();
    spec.examples()[0].output[0].clone()
}

#[test]
fn an_invoice_with_a_null_a_missing_or_an_extra_field_is_rejected() {
    let schema = function("list_invoices").unwrap().output_schema();
    let check = validator(schema);
    assert!(check.is_valid(&json!([first_invoice()])));

    let mut null_field = first_invoice();
    null_field["pix_code"] = Value::Null;
    assert!(!check.is_valid(&json!([null_field])));

    let mut missing = first_invoice();
    missing.as_object_mut().unwrap().remove("vencimento");
    assert!(!check.is_valid(&json!([missing])));

    let mut extra = first_invoice();
    extra["desconto"] = json!("0.00");
    assert!(!check.is_valid(&json!([extra])));

    let mut number = first_invoice();
    number["valor_final"] = json!(129.9);
    assert!(!check.is_valid(&json!([number])));
}

#[test]
fn output_money_and_dates_must_be_normalised_or_empty() {
    let check = validator(function("list_invoices").unwrap().output_schema());
    for (field, value, valid) in [
        ("valor_final", "129.90", true),
        ("valor_final", "", true),
        ("valor_final", "1.234,56", false),
        ("valor_final", "69.900000000", false),
        ("vencimento", "2026-12-10", true),
        ("vencimento", "", true),
        ("vencimento", "10/12/2026", false),
        ("vencimento", "0000-00-00", false),
    ] {
        let mut invoice = first_invoice();
        invoice[field] = json!(value);
        assert_eq!(
            check.is_valid(&json!([invoice])),
            valid,
            "{field} = {value:?}"
        );
    }
}

#[test]
fn a_customer_or_null_is_a_valid_customer_info() {
    let spec = function("get_customer_info").unwrap();
    let check = validator(spec.output_schema());
    assert!(check.is_valid(&Value::Null));
    let mut customer = spec.examples()[0].output.clone();
    assert!(check.is_valid(&customer));
    customer["ativo"] = json!("true");
    assert!(!check.is_valid(&customer), "ativo is a bool, not a string");
}

#[test]
fn contacts_are_emails_or_phones() {
    let check = validator(function("list_customer_contacts").unwrap().output_schema());
    assert!(check.is_valid(&json!([{"type": "email", "value": "a@b.com.br"}])));
    assert!(!check.is_valid(&json!([{"type": "whatsapp", "value": "19999990000"}])));
}

#[test]
fn api_response_may_be_any_json() {
    let check = validator(function("settle_boleto").unwrap().output_schema());
    for response in [
        json!({"type": "error"}),
        json!("<html>erro</html>"),
        json!(null),
    ] {
        assert!(check.is_valid(&json!({"success": false, "api_response": response})));
    }
    assert!(!check.is_valid(&json!({"success": false})));
}

#[test]
fn output_fields_are_dotted_paths() {
    let fields = |id: &str| function(id).unwrap().output_fields();
    assert_eq!(
        fields("create_order"),
        ["remote_id", "remote_message", "is_issue"]
    );
    assert_eq!(fields("get_internal_pendency_messages"), ["[]"]);
    assert!(fields("list_invoices").contains(&"[].vencimento".to_owned()));
    assert_eq!(fields("get_customer_info").len(), 13);
    assert!(fields("create_lead").is_empty());
}

#[test]
fn the_catalog_json_lists_every_function_with_its_schemas() {
    let listing = ponte_catalog::catalog_json();
    let entries = listing.as_array().unwrap();
    assert_eq!(entries.len(), 21);
    assert_eq!(entries[7]["id"], "list_invoices");
    assert_eq!(entries[7]["title"], "Listar faturas");
    assert_eq!(entries[2]["output_kind"], "none");
    assert_eq!(entries[7]["output_schema"]["type"], "array");
}

#[test]
fn blank_optional_fields_are_accepted_by_the_input_schema_as_by_validation() {
    let spec = function("create_order").unwrap();
    let mut input = spec.examples()[0].input.clone();
    for pointer in [
        "/order/total",
        "/order/created_at",
        "/order/address",
        "/order/customer/birth_date",
        "/order/items/0/product_id",
        "/order/items/0/price",
        "/order/items/0/quantity",
    ] {
        *input.pointer_mut(pointer).unwrap() = json!("");
    }
    assert!(validate_input(spec.id, &input).is_ok());
    assert_eq!(errors_of(spec.input_schema(), &input), Vec::<String>::new());

    // A value that is given must still have the right format for both.
    *input.pointer_mut("/order/total").unwrap() = json!("129,90");
    assert!(validate_input(spec.id, &input).is_err());
    assert!(!validator(spec.input_schema()).is_valid(&input));

    let ticket = function("create_ticket").unwrap();
    let mut input = ticket.examples()[0].input.clone();
    input["wda_user"] = json!("");
    assert!(validate_input(ticket.id, &input).is_ok());
    assert!(validator(ticket.input_schema()).is_valid(&input));
}
