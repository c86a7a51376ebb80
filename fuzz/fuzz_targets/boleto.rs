//! Any text given to the boleto parser yields a boleto or an error, never a panic; a boleto
//! that parses converts both ways, reports its fields and draws as ITF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ponte_br::{Boleto, itf, report};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let today = time::Date::from_calendar_date(2025, time::Month::June, 1).unwrap();
    let _ = report::boleto_report(text, today);
    if let Ok(b) = Boleto::parse(text) {
        assert_eq!(Boleto::parse(b.linha_digitavel()).unwrap(), b);
        assert_eq!(Boleto::parse(b.barcode()).unwrap(), b);
        let _ = b.amount();
        let _ = b.due_date(today);
        assert_eq!(itf::module_string(b.barcode()).unwrap().len(), 405);
    }
});
