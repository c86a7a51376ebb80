//! jq programs through jaq: compiled once when an automation is loaded, run per call.
//!
//! The Ponte filters of [`crate::filters`] are added as native jq functions, so
//! `.valor | money` works in a mapping exactly as `{{ valor | money }}` does in a template.

use jaq_core::load::parse::Def;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::native::{Fun, bome, run, v};
use jaq_core::{Compiler, Ctx, Vars, data};
use jaq_json::{Num, Rc, Val};
use std::sync::OnceLock;

use serde_json::Value;

use crate::filters::{self, FilterError};

mod direct;
mod prepare;

type Data = data::JustLut<Val>;

/// A compiled jq program.
pub struct JqProgram {
    /// jaq's form: always there for a program outside the direct evaluator's subset, else
    /// compiled the first time the direct evaluator gives up.
    jaq: OnceLock<jaq_core::Filter<Data>>,
    /// The same program for the direct evaluator, when it is within its subset.
    direct: Option<direct::Program>,
    /// jaq's form the debug builds check the direct evaluator's results with.
    #[cfg(debug_assertions)]
    checked_with: OnceLock<jaq_core::Filter<Data>>,
    source: String,
}

impl std::fmt::Debug for JqProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JqProgram")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// A JSON value converted once for jq, so several programs can read it without converting it
/// again. Cheap to clone: its lists and objects are shared, not copied.
#[derive(Debug, Clone)]
pub struct JqInput(Val);

impl JqInput {
    /// Convert a JSON value.
    #[must_use]
    pub fn new(value: &Value) -> Self {
        Self(to_val(value))
    }

    /// A program's output as its JSON conversion would read back: jq sees a value the same
    /// whether it came from JSON or straight from another program. (Values JSON cannot hold,
    /// such as `nan`, byte strings or numbers too large for `i64`, go through the conversion.)
    fn output(value: Val) -> Self {
        if reads_back(&value) {
            Self(value)
        } else {
            Self::new(&to_json(&value))
        }
    }

    /// Parse JSON text straight into its jq form, without a JSON tree in between.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice::<Val>(bytes).map(Self)
    }

    /// A text value.
    pub(crate) fn text(text: String) -> Self {
        Self(Val::utf8_str(text.into_bytes()))
    }

    /// The JSON this value converts to.
    pub(crate) fn to_json(&self) -> Value {
        to_json(&self.0)
    }

    /// True for `null`.
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.0, Val::Null)
    }

    /// True for a list.
    pub(crate) fn is_list(&self) -> bool {
        matches!(self.0, Val::Arr(_))
    }

    /// True for a string.
    pub(crate) fn is_text(&self) -> bool {
        matches!(self.0, Val::TStr(_) | Val::BStr(_))
    }

    /// Equal and of the same kinds throughout, as the JSON they convert to would be.
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        same(&self.0, &other.0)
    }

    /// A list of values.
    pub(crate) fn list(items: Vec<Self>) -> Self {
        Self(items.into_iter().map(|i| i.0).collect())
    }

    /// An object of these entries, in this order.
    pub(crate) fn object<'k>(entries: impl IntoIterator<Item = (&'k str, Self)>) -> Self {
        let mut out = Self(Val::obj(jaq_json::Map::default()));
        for (key, value) in entries {
            out.insert(key, value);
        }
        out
    }

    /// The items, when this is a list (nothing otherwise).
    pub(crate) fn into_items(self) -> Vec<Self> {
        match self.0 {
            Val::Arr(items) => Rc::unwrap_or_clone(items).into_iter().map(Self).collect(),
            _ => Vec::new(),
        }
    }

    /// Set `key` in this object as `serde_json::Map::insert` does in JSON: replaced where it
    /// is, or added last. Nothing happens to a value that is not an object.
    pub(crate) fn insert(&mut self, key: &str, value: Self) {
        if let Val::Obj(map) = &mut self.0 {
            Rc::make_mut(map).insert(Val::utf8_str(key.to_owned().into_bytes()), value.0);
        }
    }

    /// Set `key` in the object at `outer` of this object (`steps`, and a step id).
    pub(crate) fn insert_in(&mut self, outer: &str, key: &str, value: Self) {
        if let Val::Obj(map) = &mut self.0
            && let Some(Val::Obj(inner)) =
                Rc::make_mut(map).get_mut(&Val::utf8_str(outer.to_owned().into_bytes()))
        {
            Rc::make_mut(inner).insert(Val::utf8_str(key.to_owned().into_bytes()), value.0);
        }
    }

    /// True when this is exactly what converting `json` gives (same kinds of numbers, same
    /// order of keys): how the engine checks, in debug builds, that its jq copy of the run
    /// context follows the JSON one.
    pub(crate) fn mirrors(&self, json: &Value) -> bool {
        same(&self.0, &to_val(json))
    }
}

/// True when converting `value` to JSON and back gives `value` itself.
fn reads_back(value: &Val) -> bool {
    match value {
        Val::Null | Val::Bool(_) | Val::Num(Num::Int(_)) => true,
        Val::Num(Num::Float(f)) => f.is_finite(),
        Val::Num(_) | Val::BStr(_) => false,
        Val::TStr(b) => std::str::from_utf8(b).is_ok(),
        Val::Arr(items) => items.iter().all(reads_back),
        Val::Obj(map) => map.iter().all(|(k, v)| {
            matches!(k, Val::TStr(b) if std::str::from_utf8(b).is_ok()) && reads_back(v)
        }),
    }
}

/// Equal and of the same kinds throughout (jq's `==` takes `1` and `1.0` as equal; this does
/// not), keys in the same order.
fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(Num::Int(x)), Val::Num(Num::Int(y))) => x == y,
        (Val::Num(Num::Float(x)), Val::Num(Num::Float(y))) => x.to_bits() == y.to_bits(),
        (Val::Num(x), Val::Num(y)) => x.to_string() == y.to_string(),
        (Val::TStr(x), Val::TStr(y)) | (Val::BStr(x), Val::BStr(y)) => x == y,
        (Val::Arr(x), Val::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Val::Obj(x), Val::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
        }
        _ => false,
    }
}

/// A jq program that does not compile: the message and the byte offset in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JqSyntaxError {
    /// What is wrong, for people.
    pub message: String,
    /// Byte offset in the program where the problem starts.
    pub offset: usize,
}

/// A jq program failed while running.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JqRunError(pub String);

fn offset_in(code: &str, part: &str) -> usize {
    let start = code.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at <= start + code.len() {
        at - start
    } else {
        0
    }
}

fn native_str(v: Val, f: fn(&Value) -> Result<String, FilterError>) -> jaq_core::ValR<Val> {
    f(&to_json(&v))
        .map(|s| Val::utf8_str(s.into_bytes()))
        .map_err(|e| jaq_core::Error::str(e.to_string()))
}

/// The string a jq value holds, when it holds valid UTF-8 text.
fn as_text(v: &Val) -> Option<&str> {
    match v {
        Val::TStr(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

/// A filter on a string read straight from the jq value (the usual case: ERP values are
/// strings), else through its JSON form.
fn native_text(
    v: Val,
    on_text: fn(&str) -> Result<String, FilterError>,
    f: fn(&Value) -> Result<String, FilterError>,
) -> jaq_core::ValR<Val> {
    match as_text(&v) {
        Some(text) => on_text(text)
            .map(|s| Val::utf8_str(s.into_bytes()))
            .map_err(|e| jaq_core::Error::str(e.to_string())),
        None => native_str(v, f),
    }
}

fn money(v: Val) -> jaq_core::ValR<Val> {
    native_text(v, filters::money_text, filters::money)
}

fn date(v: Val) -> jaq_core::ValR<Val> {
    native_text(v, filters::date_text, filters::date)
}

fn datetime(v: Val) -> jaq_core::ValR<Val> {
    native_str(v, |v| filters::datetime(v, "-03:00"))
}

fn digits(v: Val) -> jaq_core::ValR<Val> {
    native_text(
        v,
        |t| Ok(filters::digits_text(t)),
        |v| Ok(filters::digits(v)),
    )
}

fn document(v: Val) -> jaq_core::ValR<Val> {
    native_text(
        v,
        |t| Ok(filters::document_text(t)),
        |v| Ok(filters::document(v)),
    )
}

fn cpf_cnpj_format(v: Val) -> jaq_core::ValR<Val> {
    native_str(v, filters::cpf_cnpj_format)
}

fn text(v: Val) -> jaq_core::ValR<Val> {
    // Text is already text: handed back as it is, not copied.
    if as_text(&v).is_some() {
        Ok(v)
    } else {
        native_str(v, |v| Ok(filters::text(v)))
    }
}

fn base64(v: Val) -> jaq_core::ValR<Val> {
    native_str(v, |v| Ok(filters::base64_encode(v)))
}

fn urlencode(v: Val) -> jaq_core::ValR<Val> {
    native_str(v, |v| Ok(filters::urlencode(v)))
}

fn b64decode(v: Val) -> jaq_core::ValR<Val> {
    native_str(v, filters::base64_decode)
}

/// Ponte's filters as jq functions of their input, listed once for both evaluators: the
/// direct evaluator's table and jaq's natives (which take no captured state, so each filter
/// gets its own).
macro_rules! ponte_filters {
    ($($name:literal => $f:ident),* $(,)?) => {
        const PONTE_FILTERS: &[(&str, direct::ValueFn)] = &[$(($name, $f)),*];

        fn ponte_funs() -> Vec<Fun<Data>> {
            vec![$(run(($name, v(0), |cv| bome($f(cv.1))))),*]
        }
    };
}

ponte_filters! {
    "money" => money,
    "date" => date,
    "datetime" => datetime,
    "digits" => digits,
    "document" => document,
    "cpf_cnpj_format" => cpf_cnpj_format,
    "text" => text,
    "base64" => base64,
    "urlencode" => urlencode,
    "b64decode" => b64decode,
}

/// Filters defined natively by jaq (not in its jq-written library), for "did you mean" hints.
const NATIVE: &[&str] = &[
    "abs",
    "add",
    "all",
    "any",
    "arrays",
    "ascii_downcase",
    "ascii_upcase",
    "booleans",
    "ceil",
    "contains",
    "debug",
    "del",
    "empty",
    "endswith",
    "error",
    "explode",
    "first",
    "flatten",
    "floor",
    "fromjson",
    "getpath",
    "gsub",
    "has",
    "implode",
    "indices",
    "input",
    "inside",
    "join",
    "keys",
    "keys_unsorted",
    "last",
    "length",
    "limit",
    "ltrimstr",
    "map",
    "map_values",
    "match",
    "max",
    "max_by",
    "min",
    "min_by",
    "not",
    "now",
    "nulls",
    "numbers",
    "objects",
    "path",
    "paths",
    "range",
    "recurse",
    "reverse",
    "round",
    "rtrimstr",
    "scalars",
    "select",
    "setpath",
    "sort",
    "sort_by",
    "split",
    "splits",
    "sqrt",
    "startswith",
    "strings",
    "sub",
    "test",
    "to_entries",
    "from_entries",
    "with_entries",
    "tojson",
    "tonumber",
    "tostring",
    "trim",
    "ltrim",
    "rtrim",
    "type",
    "unique",
    "unique_by",
    "group_by",
    "utf8bytelength",
    "values",
    "walk",
    "capture",
    "scan",
    "todate",
    "fromdate",
    "strftime",
    "strptime",
    "mktime",
    "gmtime",
    "tostream",
    "isempty",
    "ascii",
    "env",
    "halt",
    "input",
    "splits",
    "iterables",
];

/// Every filter name a program may call: jaq's, its library's and Ponte's.
#[must_use]
pub fn filter_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = NATIVE
        .iter()
        .copied()
        .chain(prepare::prelude().iter().map(|d| d.name))
        .chain(crate::filters::NAMES.iter().copied())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

impl JqProgram {
    /// Compile a jq program with jq's standard library and Ponte's filters.
    ///
    /// Object constructions are compiled left-nested, which gives the same outputs in the same
    /// order with fewer copies, and only the part of the library the program can reach is
    /// compiled with it (see [`prepare`]).
    ///
    /// # Errors
    /// Every syntax error and undefined name, with its offset.
    pub fn compile(source: &str) -> Result<Self, Vec<JqSyntaxError>> {
        crate::compile_count::one();
        let filter = compile_filter(source)?;
        let direct = direct::Program::compile(source, PONTE_FILTERS);
        crate::compile_count::jq_compiled(source, direct.is_some());
        // A program the direct evaluator runs needs jaq's form only when it gives up (an
        // error, an odd input): that form is compiled again then, and meanwhile takes no
        // memory (jaq's compiled programs were most of what a preset's automations kept).
        let jaq = OnceLock::new();
        if direct.is_none() {
            let _ = jaq.set(filter);
        }
        Ok(Self {
            jaq,
            direct,
            #[cfg(debug_assertions)]
            checked_with: OnceLock::new(),
            source: source.to_owned(),
        })
    }

    /// jaq's form of the program, compiled now if it was left out.
    fn jaq(&self) -> Result<&jaq_core::Filter<Data>, JqRunError> {
        if let Some(filter) = self.jaq.get() {
            return Ok(filter);
        }
        crate::compile_count::one();
        let filter = compile_filter(&self.source).map_err(|errors| {
            JqRunError(format!(
                "the program no longer compiles: {}",
                errors.first().map_or("", |e| e.message.as_str())
            ))
        })?;
        Ok(self.jaq.get_or_init(|| filter))
    }

    /// The program's source text.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Run the program on `input` and return its first output (`null` when it yields nothing).
    ///
    /// # Errors
    /// A jq runtime error (a failed filter, `error(...)`, a type error).
    pub fn first(&self, input: &Value) -> Result<Value, JqRunError> {
        self.first_on(&JqInput::new(input))
    }

    /// As [`Self::first`], on an input already converted (several programs reading one page).
    ///
    /// # Errors
    /// A jq runtime error.
    pub fn first_on(&self, input: &JqInput) -> Result<Value, JqRunError> {
        self.first_val(input).map(|v| to_json(&v))
    }

    /// The first output kept for jq only (a step's value, which later programs read; its
    /// JSON is made only if something asks for it).
    pub(crate) fn first_jq(&self, input: &JqInput) -> Result<JqInput, JqRunError> {
        self.first_val(input).map(JqInput::output)
    }

    fn first_val(&self, input: &JqInput) -> Result<Val, JqRunError> {
        if let Some(direct) = &self.direct
            && let Ok(value) = direct.first(&input.0)
        {
            #[cfg(debug_assertions)]
            self.check_direct(input, &value);
            return Ok(value);
        }
        crate::compile_count::jaq_run();
        self.first_jaq(input)
    }

    /// In debug builds, every value the direct evaluator gives is checked against jaq's.
    #[cfg(debug_assertions)]
    fn check_direct(&self, input: &JqInput, value: &Val) {
        // jaq's form for the check is kept apart, so the check changes nothing of what a run
        // compiles or keeps.
        let filter = self.checked_with.get_or_init(|| {
            compile_filter(&self.source)
                .unwrap_or_else(|_| panic!("`{}` no longer compiles", self.source))
        });
        let expected = run_filter(filter, input);
        match expected {
            Ok(expected) => assert!(
                same(&expected, value),
                "the direct evaluator gave {value} where jaq gives {expected}, for `{}` on {}",
                self.source,
                input.0
            ),
            Err(error) => panic!(
                "the direct evaluator gave {value} where jaq fails ({error}), for `{}` on {}",
                self.source, input.0
            ),
        }
    }

    fn first_jaq(&self, input: &JqInput) -> Result<Val, JqRunError> {
        run_filter(self.jaq()?, input)
    }

    /// Run the program as a predicate: true when its first output is truthy (not false/null).
    ///
    /// # Errors
    /// A jq runtime error.
    pub fn test(&self, input: &Value) -> Result<bool, JqRunError> {
        self.test_on(&JqInput::new(input))
    }

    /// As [`Self::test`], on an input already converted.
    ///
    /// # Errors
    /// A jq runtime error.
    pub fn test_on(&self, input: &JqInput) -> Result<bool, JqRunError> {
        Ok(!matches!(
            self.first_on(input)?,
            Value::Null | Value::Bool(false)
        ))
    }
}

/// The first output of a compiled jaq program (`null` when it has none).
fn run_filter(filter: &jaq_core::Filter<Data>, input: &JqInput) -> Result<Val, JqRunError> {
    let ctx = Ctx::<Data>::new(&filter.lut, Vars::new([]));
    let mut outputs = filter.id.run((ctx, input.0.clone()));
    match outputs.next() {
        None => Ok(Val::Null),
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(JqRunError(describe_exn(e))),
    }
}

fn describe_exn(e: jaq_core::Exn<'_, Val>) -> String {
    match e.get_err() {
        Ok(err) => {
            let text = err.to_string();
            text.strip_prefix("error: ").unwrap_or(&text).to_owned()
        }
        Err(_) => "the program stopped early".to_owned(),
    }
}

/// jaq's form of a program: its objects built left-nested, with the part of the library it
/// reaches, each simplification dropped if the program does not compile with it; errors are
/// reported against the source as written.
fn compile_filter(source: &str) -> Result<jaq_core::Filter<Data>, Vec<JqSyntaxError>> {
    let nested = prepare::left_nested_objects(source);
    let code = nested.as_deref().unwrap_or(source);
    if let Some(filter) =
        prepare::reachable_prelude(code).and_then(|prelude| build(code, prelude).ok())
    {
        return Ok(filter);
    }
    match nested
        .as_deref()
        .map(|code| build(code, prepare::prelude()))
    {
        Some(Ok(filter)) => Ok(filter),
        _ => build(source, prepare::prelude()),
    }
}

/// Load and compile `source` with these definitions of the standard library and every native
/// filter.
fn build(
    source: &str,
    prelude: Vec<Def<&'static str>>,
) -> Result<jaq_core::Filter<Data>, Vec<JqSyntaxError>> {
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .chain(ponte_funs());
    let loader = Loader::new(prelude);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: source,
                path: (),
            },
        )
        .map_err(|errs| {
            let mut out = Vec::new();
            for (_, e) in errs {
                match e {
                    jaq_core::load::Error::Io(items) => {
                        for (s, msg) in items {
                            out.push(JqSyntaxError {
                                message: msg,
                                offset: offset_in(source, s),
                            });
                        }
                    }
                    jaq_core::load::Error::Lex(items) => {
                        for (expect, at) in items {
                            // An unclosed delimiter is shown where it opens: the end of the
                            // program says nothing about which one is missing its closing.
                            let (message, offset) = match expect {
                                jaq_core::load::lex::Expect::Delim(open) => {
                                    let close = match open {
                                        "(" => ")",
                                        "[" => "]",
                                        "{" => "}",
                                        "\"" => "\"",
                                        _ => "its closing",
                                    };
                                    (
                                        format!("`{open}` is never closed: expected `{close}`"),
                                        offset_in(source, open),
                                    )
                                }
                                other => (
                                    format!("expected {}", other.as_str()),
                                    offset_in(source, at),
                                ),
                            };
                            out.push(JqSyntaxError { message, offset });
                        }
                    }
                    jaq_core::load::Error::Parse(items) => {
                        for (expect, at) in items {
                            let found = if at.is_empty() {
                                "the end of the program".to_owned()
                            } else {
                                format!("`{}`", at.chars().take(20).collect::<String>())
                            };
                            out.push(JqSyntaxError {
                                message: format!("expected {}, found {found}", expect.as_str()),
                                offset: offset_in(source, at),
                            });
                        }
                    }
                }
            }
            out
        })?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| {
            errs.into_iter()
                .flat_map(|(_, es)| es)
                .map(|(name, undefined)| JqSyntaxError {
                    message: format!("unknown {} `{name}`", undefined.as_str()),
                    offset: offset_in(source, name),
                })
                .collect::<Vec<_>>()
        })
}

/// Convert JSON into a jq value.
#[must_use]
pub fn to_val(value: &Value) -> Val {
    match value {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Val::Num(Num::from_integral(i))
            } else if let Some(u) = n.as_u64() {
                Val::Num(Num::from_integral(u))
            } else {
                Val::Num(Num::Float(n.as_f64().unwrap_or(f64::NAN)))
            }
        }
        Value::String(s) => Val::utf8_str(s.clone().into_bytes()),
        Value::Array(items) => items.iter().map(to_val).collect(),
        Value::Object(map) => {
            let mut out = jaq_json::Map::with_capacity_and_hasher(map.len(), Default::default());
            for (k, v) in map {
                out.insert(Val::utf8_str(k.clone().into_bytes()), to_val(v));
            }
            Val::obj(out)
        }
    }
}

/// Convert a jq value into JSON.
#[must_use]
pub fn to_json(value: &Val) -> Value {
    match value {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(n) => num_to_json(n),
        Val::BStr(b) | Val::TStr(b) => Value::String(text_of(b)),
        Val::Arr(items) => Value::Array(items.iter().map(to_json).collect()),
        Val::Obj(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Val::BStr(b) | Val::TStr(b) => text_of(b),
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

/// Bytes as text, invalid UTF-8 replaced (checked first the fast way: it almost never is).
fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn num_to_json(n: &Num) -> Value {
    match n {
        Num::Int(i) => Value::from(*i as i64),
        Num::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        other => {
            let text = other.to_string();
            text.parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<f64>().map(Value::from))
                .unwrap_or(Value::String(text))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn runs_a_mapping_with_ponte_filters() {
        let p = JqProgram::compile(
            r#"[.registros[] | {valor: (.valor | money), vencimento: (.data_vencimento | date)}]"#,
        )
        .unwrap();
        let out = p
            .first(
                &json!({"registros": [{"valor": "69.900000000", "data_vencimento": "10/01/2026"}]}),
            )
            .unwrap();
        assert_eq!(out, json!([{"valor": "69.90", "vencimento": "2026-01-10"}]));
    }

    #[test]
    fn the_text_filters_exist_in_jq_as_in_templates() {
        let p =
            JqProgram::compile(r#"[(.a | base64), (.a | base64 | b64decode), (.b | urlencode)]"#)
                .unwrap();
        let out = p.first(&json!({"a": "7:tok", "b": "a/b c"})).unwrap();
        assert_eq!(out, json!(["Nzp0b2s=", "7:tok", "a%2Fb%20c"]));
    }

    #[test]
    fn reports_syntax_errors_with_offsets() {
        let errs = JqProgram::compile(".a | ( .b").unwrap_err();
        assert_eq!(errs[0].message, "`(` is never closed: expected `)`");
        assert_eq!(errs[0].offset, 5);
        let errs = JqProgram::compile("[.a, {b: (.c | length}]").unwrap_err();
        assert_eq!(errs[0].offset, 9, "{errs:?}");
        let errs = JqProgram::compile(".a | nosuchfn").unwrap_err();
        assert_eq!(errs[0].message, "unknown filter `nosuchfn`");
        assert_eq!(errs[0].offset, 5);
        assert!(filter_names().contains(&"type"));
        assert!(filter_names().contains(&"money"));
    }

    #[test]
    fn a_failing_filter_is_a_run_error_naming_the_value() {
        let p = JqProgram::compile(".x | money").unwrap();
        let e = p.first(&json!({"x": "abc"})).unwrap_err();
        assert!(e.0.contains("money: cannot read `abc`"), "{e}");
    }

    #[test]
    fn errors_point_into_the_program_as_written() {
        let errs = JqProgram::compile("{a: 1, b: nosuchfn, c: 2}").unwrap_err();
        assert_eq!(errs[0].message, "unknown filter `nosuchfn`");
        assert_eq!(errs[0].offset, 10);
        let p = JqProgram::compile("{a: 1, b: 2}").unwrap();
        assert_eq!(p.source(), "{a: 1, b: 2}");
    }

    #[test]
    fn outputs_kept_for_jq_read_as_their_json_would() {
        let input = JqInput::new(&json!({"a": [1, 2]}));
        for program in [
            "[nan, infinite, -infinite, 1.5, 2.0, -0.0, 1, \"x\", null, true]",
            "100000000000000000000000, 1.000, {a: 1e1000}",
            "{(\"k\"): .a, l: [.a[] | . * 1.5]}",
            "\"é\" | @base64 | @base64d",
        ] {
            let p = JqProgram::compile(program).unwrap();
            let out = p.first_on(&input).unwrap();
            let kept = p.first_jq(&input).unwrap();
            assert!(kept.mirrors(&out), "{program}: {out}");
        }
    }

    #[test]
    fn json_parsed_straight_into_jq_reads_as_converted_json() {
        for text in [
            r#"{"a": [1, 2.5, -3, 1e3, "x", null, true], "b": {"c": "é"}, "a2": 18446744073709551615}"#,
            r#"[{"id": "1"}, {"id": "2", "id": "3"}]"#,
            r#""text""#,
        ] {
            let json: Value = serde_json::from_str(text).unwrap();
            assert!(
                JqInput::parse(text.as_bytes()).unwrap().mirrors(&json),
                "{text}"
            );
        }
    }

    #[test]
    fn values_round_trip_between_json_and_jq() {
        let v = json!({"a": [1, 2.5, "x", null, true, {"b": -3}]});
        assert_eq!(to_json(&to_val(&v)), v);
    }
}
