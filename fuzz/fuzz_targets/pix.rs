//! Any text given to the BR Code parser yields a code or an error, never a panic; the report
//! never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ponte_br::{BrCode, report};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = report::pix_parse_report(text);
    if let Ok(code) = BrCode::parse(text) {
        assert_eq!(code.crc().len(), 4);
        let _ = code.amount();
    }
});
