//! Brazilian payment primitives, exactly to the standards: CPF and CNPJ (alphanumeric
//! included), boletos de cobrança and de arrecadação, the ITF barcode printed on them, and the
//! PIX BR Code. Pure: no I/O, no clock (a reference "today" is always an argument).

pub mod boleto;
pub mod document;
pub mod itf;
pub mod money;
pub mod pix;
pub mod qr;
pub mod report;

pub use boleto::{
    Barcode, Boleto, BoletoError, BoletoKind, Linha, build_arrecadacao, build_cobranca,
};
pub use document::{Document, DocumentError, DocumentKind};
pub use money::{Cents, MoneyError};
pub use pix::{BrCode, PixError, StaticPix};
