//! Brazilian payment primitives, exactly to the standards: CPF and CNPJ (alphanumeric
//! included), boletos de cobrança and de arrecadação, the ITF barcode printed on them, and the
//! PIX BR Code. Pure: no I/O, no clock (a reference "today" is always an argument).

pub mod document;

pub use document::{Document, DocumentError, DocumentKind};
