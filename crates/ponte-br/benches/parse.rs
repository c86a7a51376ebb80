//! Parse-and-validate throughput per kind of input. Divan prints the time per call; the line
//! after it turns a short timed loop per input into operations per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ponte_br::{Boleto, BrCode, Document};

const INPUTS: &[(&str, &str)] = &[
    ("cpf", "123.456.789-09"),
    ("cnpj_alphanumeric", "12.ABC.345/01DE-35"),
    (
        "boleto_barcode",
        "00193373700000001000500940144816060680935031",
    ),
    (
        "boleto_linha_cobranca",
        "00190.50095 40144.816069 06809.350314 3 37370000000100",
    ),
    (
        "boleto_linha_arrecadacao",
        "838600000050096000190009000801782309000343062712",
    ),
    (
        "pix_static",
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D",
    ),
];

fn parse(kind: &str, input: &str) -> bool {
    match kind {
        "cpf" | "cnpj_alphanumeric" => Document::parse(input).is_ok(),
        "pix_static" => BrCode::parse(input).is_ok(),
        _ => Boleto::parse(input).is_ok(),
    }
}

#[divan::bench(args = ["cpf", "cnpj_alphanumeric", "boleto_barcode", "boleto_linha_cobranca", "boleto_linha_arrecadacao", "pix_static"])]
fn parse_and_validate(kind: &str) -> bool {
    let input = INPUTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, i)| *i)
        .unwrap_or_default();
    parse(black_box(kind), black_box(input))
}

fn main() {
    divan::main();
    println!("\nparse+validate operations per second:");
    for (kind, input) in INPUTS {
        assert!(parse(kind, input), "{kind} sample must be valid");
        let mut ops: u64 = 0;
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(300) {
            for _ in 0..1000 {
                black_box(parse(black_box(kind), black_box(input)));
            }
            ops += 1000;
        }
        let per_sec = ops as f64 / start.elapsed().as_secs_f64();
        println!("  {kind:<26} {per_sec:>14.0} ops/s");
    }
}
