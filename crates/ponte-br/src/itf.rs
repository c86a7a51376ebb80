//! The Interleaved 2 of 5 (ITF) barcode printed on boletos, drawn to the banks' dimensions:
//! 103 mm long and 13 mm high for the 44 digits, thin and thick elements in the ratio 1:3,
//! quiet zones of at least 5 mm on both sides.
//!
//! With a 1:3 ratio the 44 digits take 405 modules, so one module is 103/405 mm (≈ 0.2543 mm,
//! about 1/100 inch): exactly 3 pixels at 300 dpi, which is why raster output is produced at a
//! whole number of pixels per module and never resampled.

use std::io::Cursor;

use image::{ImageBuffer, ImageFormat, Luma};

/// Symbol length the banks require for the 44-digit code, in millimetres.
pub const WIDTH_MM: f64 = 103.0;
/// Bar height the banks require, in millimetres.
pub const HEIGHT_MM: f64 = 13.0;
/// Quiet zone on each side, in modules: 20 × 0.2543 mm ≈ 5.09 mm, above the 5 mm minimum.
pub const QUIET_MODULES: usize = 20;
/// Width of a thick element, in modules.
const WIDE: usize = 3;

/// Why a code cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItfError {
    /// ITF encodes digits only.
    #[error("ITF encodes digits only; found {0:?}")]
    NotDigits(String),
    /// ITF pairs digits, so their count must be even and non-zero.
    #[error("ITF needs an even, non-zero number of digits; got {0}")]
    OddLength(usize),
    /// The requested resolution gives an image too large or too small.
    #[error("a resolution of {0} dpi is outside the supported 72..=2400")]
    BadDpi(u32),
    /// The PNG encoder failed.
    #[error("could not encode the PNG: {0}")]
    Png(String),
}

/// Narrow/wide pattern of each digit, `true` = wide.
const PATTERNS: [[bool; 5]; 10] = {
    const N: bool = false;
    const W: bool = true;
    [
        [N, N, W, W, N],
        [W, N, N, N, W],
        [N, W, N, N, W],
        [W, W, N, N, N],
        [N, N, W, N, W],
        [W, N, W, N, N],
        [N, W, W, N, N],
        [N, N, N, W, W],
        [W, N, N, W, N],
        [N, W, N, W, N],
    ]
};

/// The element sequence, `N`/`W` per bar and space in order (start, pairs, stop), as published
/// in the reference vectors.
pub fn elements(digits: &str) -> Result<String, ItfError> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ItfError::NotDigits(digits.to_owned()));
    }
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return Err(ItfError::OddLength(digits.len()));
    }
    let mut out = String::with_capacity(digits.len() * 5 + 7);
    out.push_str("NNNN");
    for pair in digits.as_bytes().chunks(2) {
        let bars = PATTERNS[usize::from(pair[0] - b'0')];
        let spaces = PATTERNS[usize::from(pair[1] - b'0')];
        for (bar, space) in bars.into_iter().zip(spaces) {
            out.push(if bar { 'W' } else { 'N' });
            out.push(if space { 'W' } else { 'N' });
        }
    }
    out.push_str("WNN");
    Ok(out)
}

/// The modules of the symbol without quiet zones: `true` = dark. Elements alternate bar, space,
/// starting and ending with a bar.
pub fn modules(digits: &str) -> Result<Vec<bool>, ItfError> {
    let elements = elements(digits)?;
    let mut out = Vec::with_capacity(elements.len() * 2);
    for (i, e) in elements.chars().enumerate() {
        let width = if e == 'W' { WIDE } else { 1 };
        out.extend(std::iter::repeat_n(i % 2 == 0, width));
    }
    Ok(out)
}

/// The modules as a string of `1` (bar) and `0` (space).
pub fn module_string(digits: &str) -> Result<String, ItfError> {
    Ok(modules(digits)?
        .into_iter()
        .map(|m| if m { '1' } else { '0' })
        .collect())
}

/// An SVG drawing of the code: one `<rect>` per bar on a white background, the symbol exactly
/// 103 mm by 13 mm and a quiet zone of 20 modules on each side. The view box is in modules.
pub fn svg(digits: &str) -> Result<String, ItfError> {
    let modules = modules(digits)?;
    let symbol = modules.len();
    let total = symbol + 2 * QUIET_MODULES;
    let module_mm = WIDTH_MM / symbol as f64;
    let width_mm = total as f64 * module_mm;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width_mm:.3}mm\" height=\"{HEIGHT_MM}mm\" \
         viewBox=\"0 0 {total} 1\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\">\
         <rect x=\"0\" y=\"0\" width=\"{total}\" height=\"1\" fill=\"#fff\"/>"
    );
    for (x, w) in bar_runs(&modules) {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"0\" width=\"{w}\" height=\"1\" fill=\"#000\"/>",
            x + QUIET_MODULES
        ));
    }
    out.push_str("</svg>");
    Ok(out)
}

/// `(start, width)` of each run of dark modules.
fn bar_runs(modules: &[bool]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < modules.len() {
        if modules[i] {
            let start = i;
            while i < modules.len() && modules[i] {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    runs
}

/// Pixels per module at `dpi` for the 103 mm symbol: the nearest whole number, at least one,
/// so every bar has the same width (3 at 300 dpi, 6 at 600 dpi).
pub fn pixels_per_module(dpi: u32, symbol_modules: usize) -> u32 {
    let module_inch = WIDTH_MM / symbol_modules as f64 / 25.4;
    // Bounded by the dpi check in `png`, so the value is small and positive.
    ((f64::from(dpi) * module_inch).round() as u32).max(1)
}

/// A grey-scale PNG of the code at `dpi`: whole pixels per module, bars 13 mm high, quiet
/// zones of 20 modules.
pub fn png(digits: &str, dpi: u32) -> Result<Vec<u8>, ItfError> {
    if !(72..=2400).contains(&dpi) {
        return Err(ItfError::BadDpi(dpi));
    }
    let modules = modules(digits)?;
    let ppm = pixels_per_module(dpi, modules.len());
    let total = u32::try_from(modules.len() + 2 * QUIET_MODULES)
        .map_err(|e| ItfError::Png(e.to_string()))?;
    let width = total * ppm;
    let height = ((HEIGHT_MM / 25.4 * f64::from(dpi)).round() as u32).max(1);
    let quiet = u32::try_from(QUIET_MODULES).unwrap_or(20);
    let img = ImageBuffer::from_fn(width, height, |x, _| {
        let m = (x / ppm).checked_sub(quiet).map(|m| m as usize);
        let dark = m.and_then(|m| modules.get(m).copied()).unwrap_or(false);
        Luma([if dark { 0u8 } else { 255u8 }])
    });
    let mut bytes = Cursor::new(Vec::new());
    img.write_to(&mut bytes, ImageFormat::Png)
        .map_err(|e| ItfError::Png(e.to_string()))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_bradesco_example() {
        assert_eq!(elements("0123").unwrap(), "NNNNNWNNWNWNNWNWWWNNNNWNWNN");
        assert_eq!(
            module_string("0123").unwrap(),
            "101010001011101110100010001110001010111011101"
        );
    }

    #[test]
    fn refuses_odd_lengths_and_letters() {
        assert_eq!(elements("123"), Err(ItfError::OddLength(3)));
        assert_eq!(elements(""), Err(ItfError::OddLength(0)));
        assert!(matches!(elements("12a4"), Err(ItfError::NotDigits(_))));
        assert_eq!(png("0123", 10), Err(ItfError::BadDpi(10)));
    }

    #[test]
    fn uses_three_pixels_per_module_at_300_dpi() {
        assert_eq!(pixels_per_module(300, 405), 3);
        assert_eq!(pixels_per_module(600, 405), 6);
    }
}
