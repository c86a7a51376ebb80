//! Validated scalar values of the contract: documents, money, dates and platform ids.
//!
//! Each is a newtype that can only be built by parsing, so a typed input that holds one has
//! already been checked. Their JSON Schemas are written by hand because the derive cannot know
//! the wire formats (`"123.45"`, RFC 3339, CPF/CNPJ).

use std::borrow::Cow;
use std::fmt;

use ponte_br::document::{Document, DocumentKind};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A CPF or CNPJ whose check digits hold, kept in its bare upper-case form.
///
/// Accepted formatted (`"529.982.247-25"`, `"12.ABC.345/01DE-35"`) or bare; serialised bare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber(Document);

impl DocumentNumber {
    /// Parse a CPF or CNPJ in any usual formatting.
    pub fn parse(input: &str) -> Result<Self, ponte_br::document::DocumentError> {
        Document::parse(input).map(DocumentNumber)
    }

    /// The bare, upper-case form handed to automations.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether this is a CPF or a CNPJ.
    pub fn kind(&self) -> DocumentKind {
        self.0.kind()
    }

    /// The underlying document.
    pub fn document(&self) -> &Document {
        &self.0
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DocumentNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DocumentNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        DocumentNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for DocumentNumber {
    fn schema_name() -> Cow<'static, str> {
        "DocumentNumber".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "CPF (11 digits) or CNPJ (14 characters, letters allowed in the \
                alphanumeric CNPJ), formatted or bare. The check digits are validated and the \
                automation receives the bare upper-case form.",
            "format": "cpf-cnpj",
            "minLength": 11,
            "maxLength": 18,
            "examples": ["529.982.247-25", "11.222.333/0001-81", "12ABC34501DE35"]
        })
    }
}

/// Whether `text` is money as the contract writes it: digits, a dot, two decimals (`"129.90"`).
pub(crate) fn is_money(text: &str) -> bool {
    match text.split_once('.') {
        Some((units, cents)) => {
            !units.is_empty()
                && units.bytes().all(|b| b.is_ascii_digit())
                && cents.len() == 2
                && cents.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether `text` is an RFC 3339 date-time (`"2026-12-10T14:03:00-03:00"`).
pub(crate) fn is_timestamp(text: &str) -> bool {
    OffsetDateTime::parse(text, &Rfc3339).is_ok()
}

/// Whether `text` is a calendar date `YYYY-MM-DD` that exists.
pub(crate) fn is_date(text: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.len() == 10 && time::Date::parse(text, format).is_ok()
}

/// Declares a string newtype that only holds text accepted by `$check`.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $check:path, $expected:literal, $schema:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Parse the text, refusing anything outside the contract's format.
            pub fn parse(text: &str) -> Result<Self, InvalidFormat> {
                if $check(text) {
                    Ok(Self(text.to_owned()))
                } else {
                    Err(InvalidFormat { expected: $expected })
                }
            }

            /// The text as received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<str>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// A text did not have the format the contract asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}")]
pub struct InvalidFormat {
    /// What the text should have looked like.
    pub expected: &'static str,
}

checked_string!(
    /// Money as a decimal string with a dot and two places: `"129.90"`.
    Money,
    is_money,
    "money as a decimal string with a dot and two places, like \"129.90\"",
    {
        "type": "string",
        "pattern": "^[0-9]+\\.[0-9]{2}$",
        "description": "Money: decimal string with a dot and two places.",
        "examples": ["129.90"]
    }
);

checked_string!(
    /// A date-time in RFC 3339: `"2026-12-10T14:03:00-03:00"`.
    Timestamp,
    is_timestamp,
    "an RFC 3339 date-time, like \"2026-12-10T14:03:00-03:00\"",
    {
        "type": "string",
        "format": "date-time",
        "description": "Date-time in RFC 3339.",
        "examples": ["2026-12-10T14:03:00-03:00"]
    }
);

checked_string!(
    /// A calendar date `YYYY-MM-DD`: `"2026-12-10"`.
    CalendarDate,
    is_date,
    "a date YYYY-MM-DD, like \"2026-12-10\"",
    {
        "type": "string",
        "format": "date",
        "description": "Calendar date YYYY-MM-DD.",
        "examples": ["2026-12-10"]
    }
);

/// An identifier the platform gives its own objects: a non-empty string or an integer,
/// passed to the automation exactly as it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PlatformId {
    /// A textual id, e.g. `"ped-2291"`.
    Text(String),
    /// A numeric id, e.g. `2291`.
    Number(i64),
}

impl<'de> Deserialize<'de> for PlatformId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        match Raw::deserialize(deserializer) {
            Ok(Raw::Text(text)) if text.is_empty() => {
                Err(serde::de::Error::custom("an id must not be empty"))
            }
            Ok(Raw::Text(text)) => Ok(PlatformId::Text(text)),
            Ok(Raw::Number(number)) => Ok(PlatformId::Number(number)),
            Err(_) => Err(serde::de::Error::custom(
                "expected an id: a non-empty string or an integer",
            )),
        }
    }
}

impl JsonSchema for PlatformId {
    fn schema_name() -> Cow<'static, str> {
        "PlatformId".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "integer"],
            "minLength": 1,
            "minimum": i64::MIN,
            "maximum": i64::MAX,
            "description": "The platform's own id of the object: a non-empty string or a 64-bit \
                integer."
        })
    }
}

/// Schema-only marker for an optional field where `""` and `null` mean "not given": the schema
/// of `T`, the empty string or null. Never built; the typed field stays `Option<T>`.
#[derive(Debug)]
pub struct OrBlank<T>(std::marker::PhantomData<T>);

impl<T: JsonSchema> JsonSchema for OrBlank<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}_or_blank", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [generator.subschema_for::<T>(), {"const": ""}, {"type": "null"}]
        })
    }
}

/// Serde helpers for optional fields of the platform's objects, where `""` and `null` mean
/// "not given" and must not fail the typed value.
pub(crate) mod blank {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// Read an optional value, treating absent, `null` and `""` alike as `None`.
    pub(crate) fn option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: DeserializeOwned,
    {
        match Option::<Value>::deserialize(deserializer)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_needs_a_dot_and_exactly_two_decimals() {
        assert!(is_money("129.90"));
        assert!(is_money("0.00"));
        assert!(!is_money("129.9"));
        assert!(!is_money("129,90"));
        assert!(!is_money(".90"));
        assert!(!is_money("-1.00"));
        assert!(!is_money("1.234,56"));
    }

    #[test]
    fn dates_must_exist_on_the_calendar() {
        assert!(is_date("2026-12-10"));
        assert!(!is_date("2026-02-30"));
        assert!(!is_date("10/12/2026"));
        assert!(!is_date("0000-00-00"));
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(is_timestamp("2026-12-10T14:03:00-03:00"));
        assert!(is_timestamp("2026-12-10T17:03:00Z"));
        assert!(!is_timestamp("2026-12-10 14:03:00"));
        assert!(!is_timestamp("2026-12-10"));
    }
}
