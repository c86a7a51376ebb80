//! The fixed catalog of Ponte's business functions.
//!
//! Every platform screen that needs the ISP's ERP calls one of 21 functions with an exact
//! contract: named inputs, an output whose field names are the wire format, and examples. This
//! crate is that contract and nothing else: no I/O, no HTTP, no storage.
//!
//! - [`catalog`] and [`function`] give each function's [`FunctionSpec`]: Portuguese title,
//!   English summary, JSON Schemas of inputs and output (draft 2020-12, self-contained),
//!   the names of its inputs and output fields, and realistic [`Example`]s.
//! - [`validate_input`] checks a call's inputs, reports every problem at once with its JSON
//!   pointer, and normalises them into a [`ValidatedInput`] (documents bare upper-case, every
//!   optional input present, `""` when not given, and the documents found).
//! - [`inputs`], [`outputs`] and [`platform`] hold the typed values, for code that wants more
//!   than JSON.
//!
//! ```
//! use ponte_catalog::{FunctionId, validate_input};
//! use serde_json::json;
//!
//! let input = json!({"customer_document_number": "529.982.247-25", "contract_id": ""});
//! let clean = validate_input(FunctionId::ListInvoices, &input).unwrap();
//! assert_eq!(
//!     clean.value(),
//!     &json!({"customer_document_number": "52998224725", "contract_id": ""})
//! );
//! assert_eq!(clean.documents()[0].formatted(), "529.982.247-25");
//!
//! let spec = ponte_catalog::function("list_invoices").unwrap();
//! assert_eq!(spec.title, "Listar faturas");
//! assert!(spec.output_fields().contains(&"[].linha_digitavel".to_owned()));
//! ```

mod catalog;
mod examples;
mod function_id;
pub mod inputs;
pub mod outputs;
pub mod platform;
mod shapes;
mod spec;
mod validate;
pub mod values;

pub use catalog::{catalog, catalog_json, function};
pub use function_id::{FunctionId, UnknownFunction};
pub use spec::{Example, FunctionSpec, OutputKind};
pub use validate::{InputError, InputErrorCode, InputErrors, ValidatedInput, validate_input};
