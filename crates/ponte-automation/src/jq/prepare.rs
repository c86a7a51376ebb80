//! What is done to a jq program before jaq compiles it, without changing what it computes:
//! its object constructions are written left-nested, and it is compiled with only the
//! definitions of the standard library it can reach.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jaq_core::load::lex::{StrPart, Tok, Token};
use jaq_core::load::parse::{BinaryOp, Def, Pattern, Term};
use jaq_core::load::{self, Lexer};
use jaq_core::path::Part;

use super::offset_in;

/// jq's standard library as parsed definitions, each with the names its body calls: parsed
/// once per process, cloned per program.
static PRELUDE: LazyLock<Vec<(Def<&'static str>, BTreeSet<&'static str>)>> = LazyLock::new(|| {
    jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .map(|def| {
            let mut calls = BTreeSet::new();
            term_calls(&def.body, &mut calls);
            (def, calls)
        })
        .collect()
});

/// The standard library's definition of `name` with `arity` arguments that a program calling
/// it reaches (the last one).
pub(super) fn library_def(name: &str, arity: usize) -> Option<&'static Def<&'static str>> {
    PRELUDE
        .iter()
        .rev()
        .map(|(def, _)| def)
        .find(|def| def.name == name && def.args.len() == arity)
}

/// The whole standard library.
pub(super) fn prelude() -> Vec<Def<&'static str>> {
    PRELUDE.iter().map(|(def, _)| def.clone()).collect()
}

/// The definitions of the standard library that `code` can call, directly or through other
/// definitions; `None` when `code` does not parse (it is then compiled with the whole library,
/// which reports its errors).
///
/// jaq compiles every definition it is given, and the library has some two hundred: most of
/// the cost of compiling a short program. A definition whose name the program cannot reach
/// cannot change what the program computes, and every definition of a reachable name is kept,
/// in order, so each call resolves as it would with the whole library. A program that does not
/// compile with this part of the library is compiled again with all of it.
pub(super) fn reachable_prelude(code: &str) -> Option<Vec<Def<&'static str>>> {
    let term = load::parse(code, |p| p.term())?;
    let mut wanted = BTreeSet::new();
    term_calls(&term, &mut wanted);
    // The loader's own `!empty` is always there; the compiler calls it for `[]` and `try`.
    loop {
        let before = wanted.len();
        for (def, calls) in PRELUDE.iter() {
            if wanted.contains(def.name) {
                wanted.extend(calls.iter().copied());
            }
        }
        if wanted.len() == before {
            break;
        }
    }
    Some(
        PRELUDE
            .iter()
            .filter(|(def, _)| wanted.contains(def.name))
            .map(|(def, _)| def.clone())
            .collect(),
    )
}

/// Every name `term` may call: filters, and formats such as `@base64` (also called for
/// `@base64 "..."`).
fn term_calls<'s>(term: &Term<&'s str>, out: &mut BTreeSet<&'s str>) {
    match term {
        Term::Id | Term::Recurse | Term::Num(_) | Term::Break(_) | Term::Var(_) => {}
        Term::Str(format, parts) => {
            out.extend(format.iter().copied());
            for part in parts {
                if let StrPart::Term(t) = part {
                    term_calls(t, out);
                }
            }
        }
        Term::Arr(t) => t.iter().for_each(|t| term_calls(t, out)),
        Term::Obj(entries) => {
            for (k, v) in entries {
                term_calls(k, out);
                v.iter().for_each(|v| term_calls(v, out));
            }
        }
        Term::Neg(t) | Term::Label(_, t) => term_calls(t, out),
        Term::BinOp(l, op, r) => {
            term_calls(l, out);
            if let BinaryOp::Pipe(Some(p)) = op {
                pattern_calls(p, out);
            }
            term_calls(r, out);
        }
        Term::Fold(_, xs, p, args) => {
            term_calls(xs, out);
            pattern_calls(p, out);
            args.iter().for_each(|t| term_calls(t, out));
        }
        Term::TryCatch(t, catch) => {
            term_calls(t, out);
            catch.iter().for_each(|t| term_calls(t, out));
        }
        Term::IfThenElse(branches, otherwise) => {
            for (cond, then) in branches {
                term_calls(cond, out);
                term_calls(then, out);
            }
            otherwise.iter().for_each(|t| term_calls(t, out));
        }
        Term::Def(defs, t) => {
            defs.iter().for_each(|d| term_calls(&d.body, out));
            term_calls(t, out);
        }
        Term::Call(name, args) => {
            out.insert(name);
            args.iter().for_each(|t| term_calls(t, out));
        }
        Term::Path(t, path) => {
            term_calls(t, out);
            for (part, _) in &path.0 {
                match part {
                    Part::Index(i) => term_calls(i, out),
                    Part::Range(from, upto) => {
                        from.iter().for_each(|t| term_calls(t, out));
                        upto.iter().for_each(|t| term_calls(t, out));
                    }
                }
            }
        }
    }
}

fn pattern_calls<'s>(pattern: &Pattern<&'s str>, out: &mut BTreeSet<&'s str>) {
    match pattern {
        Pattern::Var(_) => {}
        Pattern::Arr(items) => items.iter().for_each(|p| pattern_calls(p, out)),
        Pattern::Obj(entries) => {
            for (k, p) in entries {
                term_calls(k, out);
                pattern_calls(p, out);
            }
        }
    }
}

/// Words around which a comma inside braces may not separate object entries (`def f: a, b;`,
/// `label $x | a, b`, `if c then a, b else d end`) or braces may not build an object
/// (patterns after `as`, module metadata). An object holding one of them is left as written.
const KEEP_AS_WRITTEN: &[&str] = &[
    "as", "catch", "def", "elif", "else", "end", "foreach", "if", "import", "include", "label",
    "module", "reduce", "then", "try",
];

/// One change to a program's text: at a byte offset, replace `remove` bytes by `insert`.
struct Edit {
    at: usize,
    remove: usize,
    insert: String,
}

/// The program with every object construction of two or more entries written left-nested:
/// `{a: x, b: y, c: z}` becomes `(({a: x} + {b: y}) + {c: z})`. `None` when nothing changes
/// or the text cannot be read.
///
/// jaq builds `{a: x, b: y, c: z}` as `{a: x} + ({b: y} + {c: z})`, copying the growing right
/// side into each single entry: quadratic in the number of keys. Left-nested, the growing
/// object is on the left. The two are the same filter: `+` on objects is associative (keys in
/// order of first appearance, the last value wins), and jaq pairs the outputs of `l + r` as a
/// cartesian product, `l` outer and `r` inner, which is associative as well; so the outputs,
/// their order and the errors among them do not change. Only the text around braces and
/// commas changes (no line moves), and a program that does not compile this way is compiled as
/// written.
pub(super) fn left_nested_objects(source: &str) -> Option<String> {
    let tokens = Lexer::new(source).lex().ok()?;
    let mut edits = Vec::new();
    nest_objects(source, &tokens, &mut edits);
    if edits.is_empty() {
        return None;
    }
    // Stable: an inner object's `)` comes before the outer comma at the same offset.
    edits.sort_by_key(|e| e.at);
    let mut out = String::with_capacity(source.len() + 8 * edits.len());
    let mut done = 0;
    for edit in edits {
        out.push_str(source.get(done..edit.at)?);
        out.push_str(&edit.insert);
        done = edit.at + edit.remove;
    }
    out.push_str(source.get(done..)?);
    Some(out)
}

fn nest_objects(source: &str, tokens: &[Token<&str>], edits: &mut Vec<Edit>) {
    let mut i = 0;
    while let Some(Token(text, tok)) = tokens.get(i) {
        match tok {
            // A pattern follows `as`, and another after each `?//`: braces there destructure.
            Tok::Word if *text == "as" => {
                i += 2;
                while matches!(
                    (tokens.get(i), tokens.get(i + 1)),
                    (Some(Token("?", Tok::Sym)), Some(Token("//", Tok::Sym)))
                ) {
                    i += 3;
                }
                continue;
            }
            Tok::Block(inner) if text.starts_with('{') => nest_object(source, text, inner, edits),
            Tok::Block(inner) => nest_objects(source, inner, edits),
            Tok::Str(parts) => {
                for part in parts {
                    if let StrPart::Term(Token(_, Tok::Block(inner))) = part {
                        nest_objects(source, inner, edits);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// `{e1, ..., en}` (its text and its tokens, the closing brace last) becomes
/// `(...({e1} + {e2}) + ... + {en})`.
fn nest_object(source: &str, text: &str, inner: &[Token<&str>], edits: &mut Vec<Edit>) {
    let Some((_close, body)) = inner.split_last() else {
        return;
    };
    let is_comma = |t: &Token<&str>| matches!(t, Token(",", Tok::Sym));
    for entry in body.split(is_comma) {
        nest_objects(source, entry, edits);
    }
    let entries = body.split(is_comma).count();
    let plain = entries >= 2
        && body.split(is_comma).all(|entry| !entry.is_empty())
        && !body
            .iter()
            .any(|t| matches!(t, Token(w, Tok::Word) if KEEP_AS_WRITTEN.contains(w)));
    if !plain {
        return;
    }
    let open = offset_in(source, text);
    edits.push(Edit {
        at: open,
        remove: 0,
        insert: "(".repeat(entries - 1),
    });
    for (n, comma) in body.iter().filter(|t| is_comma(t)).enumerate() {
        edits.push(Edit {
            at: offset_in(source, comma.0),
            remove: 1,
            insert: if n == 0 { "} + {" } else { "}) + {" }.to_owned(),
        });
    }
    edits.push(Edit {
        at: open + text.len(),
        remove: 0,
        insert: ")".to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::{Data, build, describe_exn, to_json, to_val};
    use super::*;
    use jaq_core::{Ctx, Vars};

    /// Every output of a compiled filter, errors included (at most 50).
    fn outputs(filter: &jaq_core::Filter<Data>, input: &Value) -> Vec<Result<Value, String>> {
        let ctx = Ctx::<Data>::new(&filter.lut, Vars::new([]));
        filter
            .id
            .run((ctx, to_val(input)))
            .take(50)
            .map(|r| r.map(|v| to_json(&v)).map_err(describe_exn))
            .collect()
    }

    #[test]
    fn objects_are_built_left_nested() {
        assert_eq!(
            left_nested_objects("{a: 1, b: 2}").as_deref(),
            Some("({a: 1} + { b: 2})")
        );
        assert_eq!(
            left_nested_objects(r#"{a: .x, "b": (1, 2), $c}"#).as_deref(),
            Some(r#"(({a: .x} + { "b": (1, 2)}) + { $c})"#)
        );
        assert_eq!(
            left_nested_objects("{a: {b: 1, c: 2}, d: 3}").as_deref(),
            Some("({a: ({b: 1} + { c: 2})} + { d: 3})")
        );
        // Nothing to change, or braces that do not build an object.
        for unchanged in [
            ".a",
            "{}",
            "{a: 1}",
            "{a: 1,}",
            ". as {a: $x, b: $y} | $x",
            ". as [$x] ?// {a: $x, b: $y} | $x",
            "reduce .[] as {a: $x, b: $y} (0; . + $x)",
            "{a: if . then 1, 2 else 3 end, b: 4}",
            "{a: label $out | 1, length}",
        ] {
            assert_eq!(left_nested_objects(unchanged), None, "{unchanged}");
        }
    }

    #[test]
    fn left_nested_objects_give_the_same_outputs() {
        let input = json!({"k": "kk", "v": 5, "x": 9, "l": [{"v": 1, "w": 2}, {"v": 3, "w": 4}]});
        for program in [
            "{a: 1, b: 2, c: 3}",
            "{a: (1, 2), b: (3, 4), c: (5, 6)}",
            "{a: 1, b: 2, a: 3}",
            r#"{(.k, "x"): 1, b: (.v, 2), (.k): 3}"#,
            r#"{a: error("x"), b: empty}"#,
            r#"{a: error("x"), b: (1, 2)}"#,
            r#"{a: (1, error("e"), 2), b: error("y"), c: (3, 4)}"#,
            r#"{a: 1, b: (2, error("y")), c: error("z")}"#,
            r#"{a: empty, b: error("y")}"#,
            ". as $x | {$x, k, v: .v, \"w\": 1}",
            "{a: {b: 1, c: {d: 2, e: 3}}, f: [{g: 1, h: 2}, {g: (3, 4), h: 5}]}",
            r#""\({a: 1, b: 2}) and \({c: (1, 2), d: 3})""#,
            ". as {k: $a, v: $b} | {a: $b, b: $a, c: 1}",
            ". as {l: [{v: $a}]} | {x: $a, y: {z: $a, w: 1}}",
            "reduce .l[] as {v: $v, w: $w} ({s: 0, t: 0}; {s: (.s + $v), t: (.t + $w)})",
            "{a: (if .v then 1, 2 else 3 end), b: 4}",
            "{a: 1, b: 2}.a, {a: 1, b: 2}?, ({a: 1, b: 2} | keys_unsorted)",
            "{a: 1, # a comment, with a comma\n b: 2}",
            "{a: 1,\n b: .v,\n c: 3}",
            "try path({a: 1, b: 2}) catch .",
            r#"{"a\(1, 2)": 3, b: 4}"#,
            "{a: 1} + {b: 2, c: 3} + {a: 4, d: 5}",
            "[limit(3; {a: (1, 2, 3), b: (4, 5)})], first({a: (1, error(\"x\")), b: 2})",
            "[.l[] | {v, w, both: (.v + .w), v2: .v, w2: .w}]",
            "{a: 1, b: ({c: 2, d: 3} | {e: .c, f: .d})} | {g: .a, h: .b}",
            "def f: {a: 1, b: 2}; [f, {c: f, d: f}]",
            "{(1, 2): 3, a: 4}",
        ] {
            let nested = left_nested_objects(program)
                .unwrap_or_else(|| panic!("`{program}` is not rewritten"));
            let as_written =
                build(program, prelude()).unwrap_or_else(|e| panic!("`{program}`: {e:?}"));
            let rewritten =
                build(&nested, prelude()).unwrap_or_else(|e| panic!("`{nested}`: {e:?}"));
            assert_eq!(
                outputs(&rewritten, &input),
                outputs(&as_written, &input),
                "{program}\n{nested}"
            );
        }
    }

    #[test]
    fn a_program_gets_the_definitions_it_reaches() {
        let names = |code: &str| -> BTreeSet<&str> {
            reachable_prelude(code)
                .unwrap()
                .into_iter()
                .map(|d| d.name)
                .collect()
        };
        let all = prelude().len();
        let some = names("[.[] | select(.a) | tostring] | join(\",\")");
        assert!(some.contains("select") && some.contains("join"), "{some:?}");
        assert!(!some.contains("walk"), "{some:?}");
        assert!(some.len() < all / 4, "{} of {all}", some.len());
        // Through other definitions: `select` is written with `empty`.
        assert!(names("[.[] | select(.a)]").contains("empty"));
        assert!(!names("[.[] | .a]").contains("empty"));
        assert!(names("@base64 \"\\(.)\"").len() <= names("@base64").len() + 1);
        assert!(reachable_prelude("{a: ").is_none());
    }

    #[test]
    fn programs_compiled_with_part_of_the_library_give_the_same_outputs() {
        let input = json!({"a": [3, 1, 2], "s": "x,y", "o": {"k": [1, {"z": null}]}});
        for program in [
            "[.a[] | select(. > 1)] | sort | map(. * 2)",
            ".s | split(\",\") | join(\"-\") | ascii_upcase",
            "[paths], [paths(type == \"number\")], getpath([\"o\", \"k\"])",
            "walk(if type == \"number\" then . + 1 else . end)",
            "def f: map(. + 1); .a | f | add",
            "reduce .a[] as $x (0; . + $x), [limit(2; .a[])], first(.a[]), (.a | min_by(-.))",
            "to_entries | from_entries | with_entries(.value |= type)",
            "@base64 \"\\(.s)\", (.s | @uri), [.a[] | tostring] | @json",
            "[.. | numbers], (.o | keys_unsorted), (.a | index(1)), ([.a[] | tojson] | join(\" \"))",
            "try error(\"x\") catch ., (.a | any(. > 2)), (.a | all(. > 0)), (.a | contains([2])), (.a | indices(1)), ([.a[] | tostring] | inside([\"1\", \"2\", \"3\"]))",
        ] {
            let code = left_nested_objects(program).unwrap_or_else(|| program.to_owned());
            let with_all = build(&code, prelude()).unwrap_or_else(|e| panic!("{program}: {e:?}"));
            let part = reachable_prelude(&code).unwrap();
            let with_part = build(&code, part).unwrap_or_else(|e| panic!("{program}: {e:?}"));
            assert_eq!(
                outputs(&with_part, &input),
                outputs(&with_all, &input),
                "{program}"
            );
        }
    }
}
