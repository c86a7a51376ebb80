//! Validation and normalisation of a call's inputs.
//!
//! The walker goes through the whole JSON and collects every problem with its JSON pointer,
//! because a platform fixing its payload wants the full list at once (serde stops at the
//! first). Only when the walk finds nothing does serde build the typed value, as a second check
//! that the shapes and the types agree.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use ponte_br::document::Document;

use crate::FunctionId;
use crate::inputs::{
    CreateLeadInput, CreateOrderExistingCustomerInput, CreateOrderInput, CreateTicketInput,
    CustomerContractInput, CustomerInput, GetBoletoPdfInput, GetFiscalNotePdfInput,
    GetInvoiceInput, NoInput, SettleBoletoInput, TrustUnlockInput, UpdateCustomerInput,
};
use crate::shapes::{self, Field, Kind, Others, Shape};
use crate::values::{DocumentNumber, is_date, is_money, is_timestamp};

/// The kind of problem found in an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputErrorCode {
    /// A required field is absent or `null`.
    Missing,
    /// A required field is present but empty: `""`, a list with too few items, or an object
    /// with no field given.
    Empty,
    /// The JSON type is not the one expected (a number where a string goes, ...).
    WrongType,
    /// A CPF or CNPJ that cannot be valid: wrong length, bad characters or check digits.
    InvalidDocument,
    /// The right JSON type in the wrong format (money, dates, a value outside its list).
    InvalidValue,
    /// A top-level input (or a field of Ponte's own objects) that the function does not have.
    UnknownField,
}

impl InputErrorCode {
    /// The wire name, e.g. `"invalid_document"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            InputErrorCode::Missing => "missing",
            InputErrorCode::Empty => "empty",
            InputErrorCode::WrongType => "wrong_type",
            InputErrorCode::InvalidDocument => "invalid_document",
            InputErrorCode::InvalidValue => "invalid_value",
            InputErrorCode::UnknownField => "unknown_field",
        }
    }
}

/// One problem in a call's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{path}: expected {expected}, got {got}", path = display_path(&self.path))]
pub struct InputError {
    /// JSON pointer to the offending value, e.g. `"/order/customer/document_number"`
    /// (`""` is the whole input).
    pub path: String,
    /// What kind of problem it is.
    pub code: InputErrorCode,
    /// What the contract asks for at this place.
    pub expected: String,
    /// A short rendering of what came, never a whole object. For documents it is the reason
    /// they are invalid, so the personal number is not echoed into logs.
    pub got: String,
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "(inputs)" } else { path }
}

/// Every problem found in a call's inputs; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(transparent)]
pub struct InputErrors(pub Vec<InputError>);

impl std::fmt::Display for InputErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} in the inputs",
            if count == 1 { "" } else { "s" }
        )?;
        for (index, error) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { ": " } else { "; " })?;
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl InputErrors {
    /// Whether one of the problems is an invalid CPF/CNPJ (answered with `invalid_document`).
    pub fn has_invalid_document(&self) -> bool {
        self.0
            .iter()
            .any(|error| error.code == InputErrorCode::InvalidDocument)
    }
}

/// A call's inputs once validated: what every later stage takes, so none checks them again.
///
/// It holds the normalised input, in which every optional top-level input is present, `""`
/// when not given (SPEC §1: absent and `""` both mean "not given"), and every CPF or CNPJ the
/// input holds, found by the validation itself (no later stage looks for documents by their
/// field names).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedInput {
    function: FunctionId,
    value: Value,
    documents: Vec<Document>,
}

impl ValidatedInput {
    /// The function the input was validated for.
    pub fn function(&self) -> FunctionId {
        self.function
    }

    /// The normalised input.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The normalised input, taken.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// Every CPF and CNPJ in the input, each once, in the order found.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }
}

/// Validate and normalise a call's inputs.
///
/// Documents become bare upper-case; optional top-level inputs that are absent, `""` or `null`
/// become `""` (they mean "not given"), while blank optional fields of Ponte's own nested
/// objects are removed; unknown top-level keys are errors; the platform's objects keep their
/// extra fields untouched. Returns every problem at once.
pub fn validate_input(id: FunctionId, input: &Value) -> Result<ValidatedInput, InputErrors> {
    let mut value = input.clone();
    let mut errors = Vec::new();
    let mut documents = Vec::new();
    let shape = shapes::inputs_of(id);
    match &mut value {
        Value::Object(object) => {
            let mut walk = Walk {
                errors: &mut errors,
                documents: &mut documents,
            };
            walk.object(shape, object, "");
        }
        other => errors.push(InputError {
            path: String::new(),
            code: InputErrorCode::WrongType,
            expected: "a JSON object with the function's inputs".to_owned(),
            got: render(other),
        }),
    }
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    // The walk accepted the value, so this only fails if the shapes and the types disagree,
    // which the tests rule out; it is still reported rather than assumed.
    typed_check(id, &value).map_err(|error| {
        InputErrors(vec![InputError {
            path: String::new(),
            code: InputErrorCode::InvalidValue,
            expected: format!("inputs of {id}"),
            got: shorten(&error.to_string(), 120),
        }])
    })?;
    // After the typed check, which reads a blank as absent: an optional object input such as
    // `wda_user` would not read as `""`.
    if let Value::Object(object) = &mut value {
        for field in shape.fields {
            object
                .entry(field.name)
                .or_insert_with(|| Value::String(String::new()));
        }
    }
    Ok(ValidatedInput {
        function: id,
        value,
        documents,
    })
}

/// The walk through an input: the problems found, and the documents.
struct Walk<'a> {
    errors: &'a mut Vec<InputError>,
    documents: &'a mut Vec<Document>,
}

impl Walk<'_> {
    fn object(&mut self, shape: &Shape, object: &mut Map<String, Value>, path: &str) {
        check_object(shape, object, path, self);
    }
}

/// Build the typed input of a function from already validated JSON.
fn typed_check(id: FunctionId, value: &Value) -> Result<(), serde_json::Error> {
    fn check<T: DeserializeOwned>(value: &Value) -> Result<(), serde_json::Error> {
        T::deserialize(value).map(drop)
    }
    match id {
        FunctionId::CreateOrder => check::<CreateOrderInput>(value),
        FunctionId::CreateOrderExistingCustomer => check::<CreateOrderExistingCustomerInput>(value),
        FunctionId::CreateLead => check::<CreateLeadInput>(value),
        FunctionId::ListResellers
        | FunctionId::ListProducts
        | FunctionId::ListDueDates
        | FunctionId::ListCommercialOrigins => check::<NoInput>(value),
        FunctionId::ListInvoices | FunctionId::ListFiscalNotes => {
            check::<CustomerContractInput>(value)
        }
        FunctionId::GetInvoice => check::<GetInvoiceInput>(value),
        FunctionId::GetBoletoPdf => check::<GetBoletoPdfInput>(value),
        FunctionId::SettleBoleto => check::<SettleBoletoInput>(value),
        FunctionId::GetCustomerInfo
        | FunctionId::ListCustomerContacts
        | FunctionId::GetInternalPendencyMessages
        | FunctionId::ListCustomerPlans
        | FunctionId::ListCustomerBlockedPlans => check::<CustomerInput>(value),
        FunctionId::UpdateCustomer => check::<UpdateCustomerInput>(value),
        FunctionId::TrustUnlock => check::<TrustUnlockInput>(value),
        FunctionId::CreateTicket => check::<CreateTicketInput>(value),
        FunctionId::GetFiscalNotePdf => check::<GetFiscalNotePdfInput>(value),
    }
}

/// `null` and `""` both mean "not given".
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

fn check_object(shape: &Shape, object: &mut Map<String, Value>, path: &str, walk: &mut Walk<'_>) {
    if shape.others == Others::Refuse {
        for (key, value) in object.iter() {
            if !shape.fields.iter().any(|field| field.name == key) {
                walk.errors.push(InputError {
                    path: child(path, key),
                    code: InputErrorCode::UnknownField,
                    expected: known_fields(shape),
                    got: render(value),
                });
            }
        }
    }
    let mut given = 0;
    let mut blanks = Vec::new();
    for field in shape.fields {
        let field_path = child(path, field.name);
        match object.get_mut(field.name) {
            None => {
                if field.required {
                    walk.errors
                        .push(missing(field, field_path, "nothing".to_owned()));
                }
            }
            Some(value) if is_blank(value) => {
                if field.required {
                    if value.is_null() {
                        walk.errors
                            .push(missing(field, field_path, "null".to_owned()));
                    } else {
                        walk.errors.push(InputError {
                            path: field_path,
                            code: InputErrorCode::Empty,
                            expected: describe(field.kind),
                            got: "\"\"".to_owned(),
                        });
                    }
                } else if shape.others == Others::Refuse {
                    blanks.push(field.name);
                }
            }
            Some(value) => {
                given += 1;
                check_value(field.kind, value, &field_path, walk);
            }
        }
    }
    // Ponte's own objects drop "not given" inputs so the automation sees them as absent; the
    // platform's objects are passed on as they came.
    for name in blanks {
        object.remove(name);
    }
    if given < shape.min_given {
        let names: Vec<&str> = shape.fields.iter().map(|field| field.name).collect();
        walk.errors.push(InputError {
            path: path.to_owned(),
            code: InputErrorCode::Empty,
            expected: format!("at least one of: {}", names.join(", ")),
            got: "no field with a value".to_owned(),
        });
    }
}

/// JSON Schema counts `1.0` as an integer, and some encoders write whole numbers that way:
/// a float with no fraction becomes the integer it spells, as long as a double spells
/// integers exactly (within ±2^53). Beyond that a float is not the integer the sender wrote
/// (`-9223372036854775809` reads as -2^63), so it stays a float and is refused where an
/// integer is expected.
fn whole_number(value: &mut Value) -> &Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if let Some(float) = value.as_f64().filter(|_| value.is_f64())
        && float.fract() == 0.0
        && (-EXACT..=EXACT).contains(&float)
    {
        #[allow(clippy::cast_possible_truncation)]
        let whole = float as i64;
        *value = Value::from(whole);
    }
    value
}

fn check_value(kind: Kind, value: &mut Value, path: &str, walk: &mut Walk<'_>) {
    let mut problem = |code: InputErrorCode, got: String| {
        walk.errors.push(InputError {
            path: path.to_owned(),
            code,
            expected: describe(kind),
            got,
        });
    };
    match kind {
        Kind::Text => {
            if !value.is_string() {
                problem(InputErrorCode::WrongType, render(value));
            }
        }
        Kind::Document => match value.as_str() {
            None => problem(InputErrorCode::WrongType, render(value)),
            Some(text) => match DocumentNumber::parse(text) {
                Ok(document) => {
                    *value = Value::String(document.as_str().to_owned());
                    let document = document.document();
                    if !walk.documents.contains(document) {
                        walk.documents.push(document.clone());
                    }
                }
                Err(reason) => problem(InputErrorCode::InvalidDocument, reason.to_string()),
            },
        },
        Kind::Money | Kind::Timestamp | Kind::Date => {
            let accepts: fn(&str) -> bool = match kind {
                Kind::Money => is_money,
                Kind::Timestamp => is_timestamp,
                _ => is_date,
            };
            match value.as_str() {
                None => problem(InputErrorCode::WrongType, render(value)),
                Some(text) if !accepts(text) => {
                    problem(InputErrorCode::InvalidValue, render(value))
                }
                Some(_) => {}
            }
        }
        Kind::Id => {
            whole_number(value);
            let fits = match &*value {
                Value::String(text) => !text.is_empty(),
                Value::Number(number) => number.is_i64(),
                _ => false,
            };
            if !fits {
                problem(InputErrorCode::WrongType, render(value));
            }
        }
        Kind::Count => match whole_number(value).as_u64() {
            Some(count) if count >= 1 && u32::try_from(count).is_ok() => {}
            Some(_) => problem(InputErrorCode::InvalidValue, render(value)),
            None => problem(InputErrorCode::WrongType, render(value)),
        },
        Kind::OneOf(names) => match value.as_str() {
            Some(text) if names.contains(&text) => {}
            Some(_) => problem(InputErrorCode::InvalidValue, render(value)),
            None => problem(InputErrorCode::WrongType, render(value)),
        },
        Kind::Object(shape) => match value {
            Value::Object(object) => check_object(shape, object, path, walk),
            other => problem(InputErrorCode::WrongType, render(other)),
        },
        Kind::List { item, min } => match value {
            Value::Array(items) => {
                if items.len() < min {
                    problem(InputErrorCode::Empty, render_list(items.len()));
                }
                for (index, element) in items.iter_mut().enumerate() {
                    let element_path = child(path, &index.to_string());
                    match element {
                        Value::Object(object) => {
                            check_object(item, object, &element_path, walk);
                        }
                        other => walk.errors.push(InputError {
                            path: element_path,
                            code: InputErrorCode::WrongType,
                            expected: format!("an object ({})", item.name),
                            got: render(other),
                        }),
                    }
                }
            }
            other => problem(InputErrorCode::WrongType, render(other)),
        },
    }
}

fn missing(field: &Field, path: String, got: String) -> InputError {
    InputError {
        path,
        code: InputErrorCode::Missing,
        expected: describe(field.kind),
        got,
    }
}

/// What a value of this kind looks like, in words.
fn describe(kind: Kind) -> String {
    match kind {
        Kind::Text => "a string".to_owned(),
        Kind::Document => {
            "a CPF (11 digits) or CNPJ (14 characters) with valid check digits".to_owned()
        }
        Kind::Money => "money as a string with a dot and two decimals, like \"129.90\"".to_owned(),
        Kind::Timestamp => "an RFC 3339 date-time, like \"2026-12-10T14:03:00-03:00\"".to_owned(),
        Kind::Date => "a date YYYY-MM-DD, like \"2026-12-10\"".to_owned(),
        Kind::Id => "an id: a non-empty string or an integer".to_owned(),
        Kind::Count => "a positive integer".to_owned(),
        Kind::OneOf(names) => format!("one of: {}", names.join(", ")),
        Kind::Object(shape) => format!("an object ({})", shape.name),
        Kind::List { item, min } => {
            format!("a list of at least {min} object(s) ({})", item.name)
        }
    }
}

fn known_fields(shape: &Shape) -> String {
    if shape.fields.is_empty() {
        return "no inputs: this function takes none".to_owned();
    }
    let names: Vec<&str> = shape.fields.iter().map(|field| field.name).collect();
    format!("one of the known fields: {}", names.join(", "))
}

/// JSON pointer of a child, escaping `~` and `/` as RFC 6901 asks.
fn child(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// A short rendering of a value: scalars as JSON (long strings cut), containers by size.
fn render(value: &Value) -> String {
    match value {
        Value::String(text) => Value::String(shorten(text, 40)).to_string(),
        Value::Array(items) => render_list(items.len()),
        Value::Object(object) => match object.len() {
            1 => "an object with 1 field".to_owned(),
            count => format!("an object with {count} fields"),
        },
        scalar => scalar.to_string(),
    }
}

fn render_list(len: usize) -> String {
    match len {
        0 => "an empty list".to_owned(),
        1 => "a list of 1 item".to_owned(),
        count => format!("a list of {count} items"),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    cut.push('…');
    cut
}
