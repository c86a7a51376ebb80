//! Finding what a program refers to, and where things are in the YAML source.
//!
//! jq references are found lexically: `.input.x`, `.vars.x`, `.steps.x`, `.secrets.x` outside
//! string literals. That is exact for the way automations address their context (always from
//! the root, by name), and it keeps positions, which jaq's parsed terms do not expose.

use crate::model::Src;

/// A reference to the context: its root (`input`, `steps`...), the name after it, and the byte
/// offset of the root in the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The root name.
    pub root: String,
    /// The first name after the root, if any.
    pub name: Option<String>,
    /// The byte offset where the reference starts.
    pub offset: usize,
}

const ROOTS: &[&str] = &[
    "input", "vars", "steps", "secrets", "settings", "item", "index", "params",
];

fn ident_len(s: &[u8]) -> usize {
    s.iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count()
}

/// The context references of a jq program.
#[must_use]
pub fn jq_references(code: &str) -> Vec<Reference> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        // A root reference is `.root` not preceded by an identifier character, `]`, `)` or `?`
        // (which would make it a field of something else).
        let prev_ok = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'_' | b']' | b')' | b'?' | b'.' | b'"'));
        if b == b'.' && prev_ok {
            let len = ident_len(&bytes[i + 1..]);
            let word = &code[i + 1..i + 1 + len];
            if ROOTS.contains(&word) {
                let mut j = i + 1 + len;
                if bytes.get(j) == Some(&b'?') {
                    j += 1;
                }
                let name = if bytes.get(j) == Some(&b'.') {
                    let n = ident_len(&bytes[j + 1..]);
                    (n > 0).then(|| code[j + 1..j + 1 + n].to_owned())
                } else {
                    None
                };
                out.push(Reference {
                    root: word.to_owned(),
                    name,
                    offset: i,
                });
            }
            i += 1 + len;
            continue;
        }
        i += 1;
    }
    out
}

/// The context references of a template, from MiniJinja's list of undeclared variables, each
/// placed at its first occurrence in the source.
#[must_use]
pub fn template_references(source: &str, dotted: &[String]) -> Vec<Reference> {
    dotted
        .iter()
        .map(|d| {
            let mut parts = d.split('.');
            let root = parts.next().unwrap_or_default().to_owned();
            let name = parts.next().map(str::to_owned);
            let offset = source
                .find(d.as_str())
                .or_else(|| source.find(&root))
                .unwrap_or(0);
            Reference { root, name, offset }
        })
        .collect()
}

/// Maps positions inside YAML scalars back to lines and columns of the file.
#[derive(Debug)]
pub struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    /// A locator over a source file.
    #[must_use]
    pub fn new(source: &'a str) -> Self {
        Self {
            lines: source.lines().collect(),
        }
    }

    /// The text of a 1-based line (empty past the end).
    #[must_use]
    pub fn line(&self, line: usize) -> &str {
        self.lines
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or_default()
    }

    /// Line and column (1-based) of the byte `offset` inside the scalar `src`.
    #[must_use]
    pub fn at(&self, src: &Src, offset: usize) -> (usize, usize) {
        let line = usize::try_from(src.referenced.line()).unwrap_or(1).max(1);
        let column = usize::try_from(src.referenced.column()).unwrap_or(1).max(1);
        let value = &src.value;
        let offset = offset.min(value.len());
        let before = value.get(..offset).unwrap_or_default();
        let line_in_value = before.matches('\n').count();
        let col_in_line = before.rsplit('\n').next().map_or(0, |s| s.chars().count());
        let text = self.line(line);
        let indicator = text.chars().nth(column - 1);
        match indicator {
            Some('|' | '>') => {
                let abs = line + 1 + line_in_value;
                // The block's indentation is its first non-blank line's: lines indented
                // further keep their extra spaces in the value.
                let indent = (line + 1..=abs)
                    .map(|l| self.line(l))
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default()
                    .chars()
                    .take_while(|c| *c == ' ')
                    .count();
                (abs, indent + col_in_line + 1)
            }
            Some('"' | '\'') => (line + line_in_value, column + 1 + col_in_line),
            _ => (line + line_in_value, column + col_in_line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_root_references_outside_strings() {
        let refs =
            jq_references(r#".steps.customer.body | .x as $y | ".input.no" | .input.custmer"#);
        let got: Vec<_> = refs
            .iter()
            .map(|r| (r.root.as_str(), r.name.as_deref(), r.offset))
            .collect();
        assert_eq!(
            got,
            vec![
                ("steps", Some("customer"), 0),
                ("input", Some("custmer"), 48)
            ]
        );
    }

    #[test]
    fn a_field_named_like_a_root_is_not_a_reference() {
        assert!(jq_references(".body.input.x | .a.steps").is_empty());
        assert!(jq_references(".registros[].item").is_empty());
    }
}
