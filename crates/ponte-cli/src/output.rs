//! Writing to stdout. A reader that goes away early (`ponte schema catalog | head`) ends the
//! program quietly instead of making it panic on a broken pipe.

use std::io::Write;

/// Print one line on stdout.
pub fn line(text: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(2);
    }
}
