//! Reading any BR Code: static or dynamic, nested templates, fields we do not know kept as
//! they are, the CRC checked.
//!
//! The CRC must be written in upper case, as the BR Code manual prints it; a lower-case CRC is
//! refused with its own reason, since it marks a generator that does not follow the standard.

use serde::Serialize;

use super::{PIX_GUI, PixError, crc16};
use crate::money::Cents;

/// One TLV field. `children` is filled for templates (ids 26–51, 62, 64, 80–99).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Two-digit id.
    pub id: String,
    /// The raw value (for a template, its whole content).
    pub value: String,
    /// The nested fields of a template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Field>>,
}

impl Field {
    /// The child with this id, for templates.
    pub fn child(&self, id: &str) -> Option<&Field> {
        self.children.as_ref()?.iter().find(|f| f.id == id)
    }
}

fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// Reads the fields of `chars`; `offset` is where `chars` starts in the payload, for messages.
fn read_fields(chars: &[char], offset: usize) -> Result<Vec<Field>, PixError> {
    let mut fields = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let position = offset + i + 1;
        let header: String = chars[i..chars.len().min(i + 4)].iter().collect();
        if header.len() < 4 || chars.len() - i < 4 {
            return Err(PixError::Truncated {
                id: header.chars().take(2).collect(),
                position,
            });
        }
        let id: String = chars[i..i + 2].iter().collect();
        let len: String = chars[i + 2..i + 4].iter().collect();
        let id_num: u8 = two_digits(&id).ok_or_else(|| PixError::NotDigits {
            what: "field id",
            position,
            found: id.clone(),
        })?;
        let declared: usize = two_digits(&len)
            .ok_or_else(|| PixError::NotDigits {
                what: "field length",
                position: position + 2,
                found: len.clone(),
            })?
            .into();
        if declared == 0 {
            return Err(PixError::InvalidField {
                id,
                name: "field",
                reason: "a field cannot be empty (length 00)".into(),
            });
        }
        let available = chars.len() - i - 4;
        if declared > available {
            return Err(PixError::LengthOverrun {
                id,
                declared,
                available,
            });
        }
        let value_chars = &chars[i + 4..i + 4 + declared];
        let children = if is_template(id_num) {
            let nested =
                read_fields(value_chars, offset + i + 4).map_err(|inner| PixError::InTemplate {
                    id: id.clone(),
                    inner: Box::new(inner),
                })?;
            Some(nested)
        } else {
            None
        };
        fields.push(Field {
            id,
            value: value_chars.iter().collect(),
            children,
        });
        i += 4 + declared;
    }
    Ok(fields)
}

fn two_digits(s: &str) -> Option<u8> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// A parsed, CRC-checked BR Code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrCode {
    fields: Vec<Field>,
    crc: String,
    key: Option<String>,
    url: Option<String>,
    description: Option<String>,
    amount: Option<Cents>,
    merchant_name: String,
    merchant_city: String,
    txid: Option<String>,
    point_of_initiation: Option<String>,
}

fn invalid(id: &str, name: &'static str, reason: impl Into<String>) -> PixError {
    PixError::InvalidField {
        id: id.to_owned(),
        name,
        reason: reason.into(),
    }
}

impl BrCode {
    /// Parses and checks a payload.
    pub fn parse(input: &str) -> Result<BrCode, PixError> {
        if input.is_empty() {
            return Err(PixError::Empty);
        }
        let chars: Vec<char> = input.chars().collect();
        let fields = read_fields(&chars, 0)?;

        let crc_field = fields
            .last()
            .filter(|f| f.id == "63")
            .ok_or(PixError::MissingCrc)?;
        let crc = crc_field.value.clone();
        if crc.len() != 4 || !crc.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(PixError::MalformedCrc(crc));
        }
        if crc.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err(PixError::LowerCaseCrc(crc));
        }
        // The CRC value is four ASCII characters, so the covered part is everything before it.
        let covered = &input.as_bytes()[..input.len() - 4];
        let expected = format!("{:04X}", crc16(covered));
        if expected != crc {
            return Err(PixError::CrcMismatch {
                expected,
                found: crc,
            });
        }
        if fields.iter().filter(|f| f.id == "63").count() > 1 {
            return Err(invalid("63", "CRC", "appears more than once"));
        }

        let get = |id: &str| fields.iter().find(|f| f.id == id);
        match fields.first() {
            Some(f) if f.id == "00" && f.value == "01" => {}
            Some(f) if f.id == "00" => {
                return Err(invalid(
                    "00",
                    "payload format indicator",
                    format!("must be 01, not {:?}", f.value),
                ));
            }
            _ => {
                return Err(invalid(
                    "00",
                    "payload format indicator",
                    "must be the first field",
                ));
            }
        }
        let point_of_initiation = get("01").map(|f| f.value.clone());
        if let Some(p) = &point_of_initiation
            && p != "11"
            && p != "12"
        {
            return Err(invalid(
                "01",
                "point of initiation method",
                format!("must be 11 or 12, not {p:?}"),
            ));
        }
        let account = fields
            .iter()
            .filter(|f| f.id.as_str() >= "26" && f.id.as_str() <= "51")
            .find(|f| {
                f.child("00")
                    .is_some_and(|g| g.value.eq_ignore_ascii_case(PIX_GUI))
            })
            .ok_or(PixError::MissingField {
                id: "26",
                name: "PIX merchant account with br.gov.bcb.pix",
            })?;
        let key = account.child("01").map(|f| f.value.clone());
        let url = account.child("25").map(|f| f.value.clone());
        if key.is_none() && url.is_none() {
            return Err(invalid(
                &account.id,
                "PIX merchant account",
                "has neither a key (01) nor a URL (25)",
            ));
        }
        let description = account.child("02").map(|f| f.value.clone());

        let required = |id: &'static str, name: &'static str| {
            get(id)
                .map(|f| f.value.clone())
                .ok_or(PixError::MissingField { id, name })
        };
        let currency = required("53", "transaction currency")?;
        if currency != "986" {
            return Err(invalid(
                "53",
                "transaction currency",
                format!("must be 986 (real), not {currency:?}"),
            ));
        }
        let country = required("58", "country code")?;
        if country != "BR" {
            return Err(invalid(
                "58",
                "country code",
                format!("must be BR, not {country:?}"),
            ));
        }
        required("52", "merchant category code")?;
        let merchant_name = required("59", "merchant name")?;
        let merchant_city = required("60", "merchant city")?;
        let amount = get("54").map(|f| Cents::parse(&f.value)).transpose()?;
        let txid = get("62")
            .and_then(|f| f.child("05"))
            .map(|f| f.value.clone())
            .filter(|t| t != "***");

        Ok(BrCode {
            fields,
            crc,
            key,
            url,
            description,
            amount,
            merchant_name,
            merchant_city,
            txid,
            point_of_initiation,
        })
    }

    /// Every root field in payload order, templates with their children, unknown ones included.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    /// The four upper-case hex digits of field 63.
    pub fn crc(&self) -> &str {
        &self.crc
    }
    /// The PIX key (static codes).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
    /// The location URL, without scheme (dynamic codes).
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    /// Whether the code points to a URL instead of carrying the charge itself.
    pub fn is_dynamic(&self) -> bool {
        self.url.is_some()
    }
    /// Field 26-02.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Field 54.
    pub fn amount(&self) -> Option<Cents> {
        self.amount
    }
    /// Field 59.
    pub fn merchant_name(&self) -> &str {
        &self.merchant_name
    }
    /// Field 60.
    pub fn merchant_city(&self) -> &str {
        &self.merchant_city
    }
    /// Field 62-05; `None` when absent or `***`.
    pub fn txid(&self) -> Option<&str> {
        self.txid.as_deref()
    }
    /// Field 01: `11` reusable, `12` single use.
    pub fn point_of_initiation(&self) -> Option<&str> {
        self.point_of_initiation.as_deref()
    }
}

impl std::str::FromStr for BrCode {
    type Err = PixError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BrCode::parse(s)
    }
}
