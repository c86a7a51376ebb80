//! A line diff between two versions of an automation, for the version history.

use serde::Serialize;

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `same`, `add` or `del`.
    pub kind: &'static str,
    /// Its number in the old text (`None` for an added line).
    pub old: Option<usize>,
    /// Its number in the new text (`None` for a removed line).
    pub new: Option<usize>,
    /// The line.
    pub text: String,
}

/// Texts longer than this many lines are compared line by line without alignment (an
/// automation is far shorter; this keeps the table of the comparison small).
const MAX_LINES: usize = 4_000;

/// The lines of `old` and `new`, aligned on their longest common subsequence.
#[must_use]
pub fn lines(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out: Vec<Line> = a
            .iter()
            .enumerate()
            .map(|(n, text)| Line {
                kind: "del",
                old: Some(n + 1),
                new: None,
                text: (*text).to_owned(),
            })
            .collect();
        out.extend(b.iter().enumerate().map(|(n, text)| Line {
            kind: "add",
            old: None,
            new: Some(n + 1),
            text: (*text).to_owned(),
        }));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(Line {
                kind: "same",
                old: Some(i + 1),
                new: Some(j + 1),
                text: a[i].to_owned(),
            });
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(Line {
                kind: "del",
                old: Some(i + 1),
                new: None,
                text: a[i].to_owned(),
            });
            i += 1;
        } else {
            out.push(Line {
                kind: "add",
                old: None,
                new: Some(j + 1),
                text: b[j].to_owned(),
            });
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_a_removal_and_an_addition_between_the_same_lines() {
        let diff = lines("a\nb\nc\n", "a\nB\nc\nd\n");
        let kinds: Vec<_> = diff.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                ("same", "a"),
                ("del", "b"),
                ("add", "B"),
                ("same", "c"),
                ("add", "d")
            ]
        );
        assert_eq!(diff[3].old, Some(3));
        assert_eq!(diff[4].new, Some(4));
        assert!(lines("x", "x").iter().all(|l| l.kind == "same"));
    }
}
