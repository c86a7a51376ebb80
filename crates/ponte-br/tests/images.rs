//! The ITF barcode and the QR code: the §7.3 vectors, the 405 modules of vector B1 in the SVG,
//! and both PNGs read back.

use ponte_br::{itf, qr};
use sha2::{Digest, Sha256};

const B1: &str = "00193373700000001000500940144816060680935031";
const B1_ELEMENTS: &str = "NNNNNNNNWWWWNNWNNWNNNWWNWWWWNNNNNNNWNWNNWNWNNNNNNWWWWNNNNNWWWWNNNNNNWWWWNNNNNNWWWWNNWNNNNWNWWNNNNNWWWWNNWNNNWWNWNNNNNWWNWWNNNNNNWWNWWNWNNNNWNNWWNWNNWNNWWNWNNWNWNNWNNNNWWWWNNNNNNWWWWNNNWNNNNWWWNNNWWWNNWNNNWNNNWWNWNNWWWNNNNNNWWNN";

#[test]
fn bradesco_example_0123_encodes_to_its_modules() {
    assert_eq!(
        itf::elements("0123").unwrap(),
        "NNNNNWNNWNWNNWNWWWNNNNWNWNN"
    );
    assert_eq!(
        itf::module_string("0123").unwrap(),
        "101010001011101110100010001110001010111011101"
    );
}

#[test]
fn barcoders_vector_12345670_encodes_with_a_three_module_stop_bar() {
    assert_eq!(
        itf::module_string("12345670").unwrap(),
        "101011101000101011100011101110100010100011101000111000101010101000111000111011101"
    );
}

#[test]
fn b1_has_227_elements_114_bars_and_405_modules() {
    let elements = itf::elements(B1).unwrap();
    assert_eq!(elements, B1_ELEMENTS);
    assert_eq!(elements.len(), 227);
    assert_eq!(elements.chars().step_by(2).count(), 114);
    let modules = itf::module_string(B1).unwrap();
    assert_eq!(modules.len(), 405);
    assert_eq!(
        format!("{:x}", Sha256::digest(modules.as_bytes())),
        "425665b0abe29d430bf4eb62f57b8bfb48a7cc424af253bb4360e4366ac3caf8"
    );
}

/// Reads the value of `name="…"` in one SVG tag.
fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[start..]
        .split('"')
        .next()
        .unwrap()
        .trim_end_matches("mm")
        .parse()
        .unwrap()
}

#[test]
fn b1_svg_has_exactly_405_modules_between_the_quiet_zones() {
    let svg = itf::svg(B1).unwrap();
    assert!(svg.contains("height=\"13mm\""));
    let bars: Vec<&str> = svg.split("<rect").skip(2).collect();
    assert_eq!(bars.len(), 114);
    let first = attr(bars[0], "x");
    let last = bars[bars.len() - 1];
    let end = attr(last, "x") + attr(last, "width");
    assert_eq!(first, itf::QUIET_MODULES as f64);
    assert_eq!(end - first, 405.0);
    // The view box spans the symbol plus both quiet zones, and the symbol is 103 mm of it.
    let total = 405.0 + 2.0 * itf::QUIET_MODULES as f64;
    assert!(svg.contains(&format!("viewBox=\"0 0 {total} 1\"")));
    let width_mm = attr(svg.split('>').next().unwrap(), "width");
    assert!((width_mm * 405.0 / total - 103.0).abs() < 0.01);
}

#[test]
fn b1_png_at_300_dpi_decodes_back_to_its_modules() {
    let png = itf::png(B1, 300).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(img.width(), (405 + 2 * itf::QUIET_MODULES as u32) * 3);
    assert_eq!(img.height(), 154); // 13 mm at 300 dpi
    // Read the middle row: measure runs, find the quiet zones, and turn runs into modules.
    let row: Vec<bool> = (0..img.width())
        .map(|x| img.get_pixel(x, img.height() / 2).0[0] < 128)
        .collect();
    let first = row.iter().position(|&d| d).unwrap();
    let last = row.iter().rposition(|&d| d).unwrap();
    let symbol = &row[first..=last];
    let narrow = symbol.iter().take_while(|&&d| d).count();
    assert_eq!(narrow, 3);
    let decoded: String = symbol
        .chunks(narrow)
        .map(|c| if c[0] { '1' } else { '0' })
        .collect();
    assert_eq!(decoded, itf::module_string(B1).unwrap());
    // And from the modules back to the digits.
    assert_eq!(decode_itf(&decoded), B1);
}

/// A small ITF reader over a module string, independent of the encoder's tables.
fn decode_itf(modules: &str) -> String {
    let mut widths = Vec::new();
    let bytes = modules.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i] == bytes[start] {
            i += 1;
        }
        widths.push(i - start);
    }
    assert_eq!(&widths[..4], &[1, 1, 1, 1], "start pattern");
    assert_eq!(&widths[widths.len() - 3..], &[3, 1, 1], "stop pattern");
    let digit = |w: Vec<usize>| {
        let wide: Vec<bool> = w.iter().map(|&x| x == 3).collect();
        // Weights 1,2,4,7,0 of the two wide elements give the digit; 4+7 means 0.
        let sum: usize = wide
            .iter()
            .zip([1, 2, 4, 7, 0])
            .filter(|(w, _)| **w)
            .map(|(_, v)| v)
            .sum();
        if sum == 11 {
            '0'
        } else {
            char::from_digit(sum as u32, 10).unwrap()
        }
    };
    widths[4..widths.len() - 3]
        .chunks(10)
        .flat_map(|pair| {
            let bars = pair.iter().step_by(2).copied().collect();
            let spaces = pair.iter().skip(1).step_by(2).copied().collect();
            [digit(bars), digit(spaces)]
        })
        .collect()
}

#[test]
fn qr_png_decodes_back_to_its_payload() {
    let payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    let png = qr::png(payload, 4).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, payload);
}

#[test]
fn qr_svg_is_an_svg_document() {
    let svg = qr::svg("hello").unwrap();
    assert!(svg.contains("<svg"));
    assert!(svg.contains("</svg>"));
}
