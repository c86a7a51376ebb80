//! Any text given to the CPF/CNPJ parser yields a document or an error, never a panic; a
//! parsed document survives its own formatted form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ponte_br::{Document, report};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = report::document_report(text);
    if let Ok(d) = Document::parse(text) {
        assert_eq!(Document::parse(&d.formatted()).unwrap(), d);
        let _ = d.masked();
    }
});
