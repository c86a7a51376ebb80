//! A minimal, valid one-page PDF written by hand.
//!
//! ERPs hand out boletos and fiscal notes as PDFs. Tests and demos only need a file that every
//! reader opens (header, objects, a cross-reference table whose offsets are exact, trailer), with
//! a few lines of text identifying the document, so no PDF library is pulled in.

/// Builds a one-page A4 PDF showing `title` and then each of `lines`, in Helvetica.
///
/// Text outside ASCII is folded (accents dropped) because the standard fonts have no Unicode
/// mapping without an embedded encoding.
pub fn one_page(title: &str, lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 16 Tf\n50 790 Td\n");
    content.push_str(&format!("({}) Tj\n/F1 11 Tf\n", escape(title)));
    for line in lines {
        content.push_str(&format!("0 -18 Td\n({}) Tj\n", escape(line)));
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{}endstream",
            content.len(),
            content
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
    ];

    // The binary comment line tells transfer tools the file is not plain text.
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", index + 1, body).as_bytes());
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
    // Each entry is exactly 20 bytes, the trailing space included, as the format requires.
    out.extend_from_slice(b"0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
            objects.len() + 1,
            xref_at
        )
        .as_bytes(),
    );
    out
}

/// Escapes a PDF literal string and folds it to printable ASCII.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let ch = fold(ch);
        match ch {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            ' '..='~' => out.push(ch),
            _ => out.push('?'),
        }
    }
    out
}

fn fold(ch: char) -> char {
    match ch {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
        'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
        'é' | 'ê' | 'è' => 'e',
        'É' | 'Ê' | 'È' => 'E',
        'í' | 'î' => 'i',
        'Í' | 'Î' => 'I',
        'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ú' | 'ü' => 'u',
        'Ú' | 'Ü' => 'U',
        'ç' => 'c',
        'Ç' => 'C',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_parentheses_and_accents_is_escaped_and_folded() {
        assert_eq!(escape("Fatura (São João) \\"), "Fatura \\(Sao Joao\\) \\\\");
    }

    #[test]
    fn the_trailer_points_at_the_cross_reference_table() {
        let pdf = one_page("t", &["a".to_string()]);
        let text = String::from_utf8_lossy(&pdf);
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref\n"));
    }
}
