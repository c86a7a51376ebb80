//! Offline test cases for automations (`ponte test`).
//!
//! A test file (`*.test.yaml`) names an automation, the integration values to run it with, and
//! cases: a function input, the ERP exchanges the run should make (request matchers and canned
//! responses), and the expected output or error. Runs go through a [`ScriptedTransport`]
//! instead of the network, so a case is deterministic and needs nothing but the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use bytes::Bytes;
use http::HeaderMap;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Code, Diagnostic};
use crate::engine::Engine;
use crate::env::RunEnv;
use crate::limits::Limits;
use crate::transport::{InboundResponse, OutboundRequest, Transport, TransportError};

/// A test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// Path of the automation, relative to the test file.
    pub automation: String,
    /// Integration variables.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Integration secrets (test values only).
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// Integration settings.
    #[serde(default)]
    pub settings: Value,
    /// Allowed hosts (default: the host of `vars.base_url`).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Limits for these runs.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// The cases.
    pub cases: Vec<TestCase>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// What the case shows, as a sentence.
    pub name: String,
    /// The function input (default `{}`).
    #[serde(default = "empty_object")]
    pub input: Value,
    /// The exchanges, in the order they are expected (a loop's may come in any order).
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// The expected output; `output: null` expects `null`.
    #[serde(default, deserialize_with = "present")]
    pub output: Option<Value>,
    /// The expected error.
    #[serde(default)]
    pub error: Option<ExpectedError>,
}

/// An expected error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    /// Its code.
    pub code: String,
    /// Text its message must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
}

/// A request the run should make and what the ERP answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// What the request must look like.
    pub request: RequestMatcher,
    /// The canned answer.
    pub response: CannedResponse,
    /// How many requests this exchange answers (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// A field that is present deserializes to `Some`, even when its value is `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn one() -> u32 {
    1
}

/// Request matcher: every given part must match; maps match as subsets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestMatcher {
    /// Method (default: any).
    #[serde(default)]
    pub method: Option<String>,
    /// URL without its query string.
    #[serde(default)]
    pub url: Option<String>,
    /// Query parameters that must be present with these values.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Headers that must be present with these values (names case-insensitive).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body that must contain these fields.
    #[serde(default)]
    pub json: Option<Value>,
    /// Form fields that must be present with these values.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Text the raw body must contain.
    #[serde(default)]
    pub body_contains: Option<String>,
}

/// A canned answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedResponse {
    /// Status (default 200).
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body (sent with `application/json` unless `headers` say otherwise).
    #[serde(default)]
    pub json: Option<Value>,
    /// Text body.
    #[serde(default)]
    pub body: Option<String>,
    /// Binary body, base64.
    #[serde(default)]
    pub body_base64: Option<String>,
    /// Body read from a file next to the test file (a PDF, an image).
    #[serde(default)]
    pub body_file: Option<String>,
    /// Answer after this delay; longer than the request timeout means a timeout.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Drop the connection instead of answering.
    #[serde(default)]
    pub drop: bool,
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// Test file.
    pub file: String,
    /// Case name.
    pub name: String,
    /// What did not hold; empty when the case passed.
    pub failures: Vec<String>,
}

impl CaseReport {
    /// True when every expectation held.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

struct Slot {
    exchange: Exchange,
    body: Bytes,
    left: u32,
}

/// A transport that answers from a script of exchanges and records what did not match.
#[derive(Clone)]
pub struct ScriptedTransport {
    slots: Arc<Mutex<Vec<Slot>>>,
    unmatched: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScriptedTransport")
    }
}

impl ScriptedTransport {
    /// A transport answering with `exchanges`; `base` resolves `body_file` paths.
    ///
    /// # Errors
    /// A `body_file` that cannot be read or a `body_base64` that is not base64.
    pub fn new(exchanges: &[Exchange], base: &Path) -> Result<Self, String> {
        let mut slots = Vec::new();
        for e in exchanges {
            let r = &e.response;
            let body = if let Some(j) = &r.json {
                Bytes::from(j.to_string())
            } else if let Some(t) = &r.body {
                Bytes::from(t.clone())
            } else if let Some(b) = &r.body_base64 {
                Bytes::from(
                    base64::engine::general_purpose::STANDARD
                        .decode(b.trim())
                        .map_err(|e| format!("body_base64 is not base64: {e}"))?,
                )
            } else if let Some(f) = &r.body_file {
                let path = base.join(f);
                Bytes::from(
                    std::fs::read(&path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
                )
            } else {
                Bytes::new()
            };
            slots.push(Slot {
                exchange: e.clone(),
                body,
                left: e.times,
            });
        }
        Ok(Self {
            slots: Arc::new(Mutex::new(slots)),
            unmatched: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Requests that matched no exchange, described.
    #[must_use]
    pub fn unmatched(&self) -> Vec<String> {
        self.unmatched.lock().map(|u| u.clone()).unwrap_or_default()
    }

    /// Exchanges that were expected but not (fully) used.
    #[must_use]
    pub fn unused(&self) -> Vec<String> {
        self.slots
            .lock()
            .map(|slots| {
                slots
                    .iter()
                    .filter(|s| s.left > 0)
                    .map(|s| {
                        format!(
                            "expected request never made: {} {}",
                            s.exchange.request.method.as_deref().unwrap_or("*"),
                            s.exchange.request.url.as_deref().unwrap_or("*")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn describe(req: &OutboundRequest) -> String {
    format!("{} {}", req.method, req.url)
}

fn subset(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| subset(v, gv))),
        _ => want == got,
    }
}

fn mismatch(m: &RequestMatcher, req: &OutboundRequest) -> Option<String> {
    if let Some(method) = &m.method
        && !method.eq_ignore_ascii_case(req.method.as_str())
    {
        return Some(format!("method {} is not {method}", req.method));
    }
    let mut bare = req.url.clone();
    bare.set_query(None);
    if let Some(url) = &m.url
        && url != bare.as_str()
    {
        return Some(format!("URL {bare} is not {url}"));
    }
    let query: BTreeMap<String, String> = req
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for (k, v) in &m.query {
        if query.get(k) != Some(v) {
            return Some(format!("query `{k}` is {:?}, expected {v:?}", query.get(k)));
        }
    }
    for (k, v) in &m.headers {
        let got = req.headers.get(k.as_str()).and_then(|h| h.to_str().ok());
        if got != Some(v.as_str()) {
            return Some(format!("header `{k}` is {got:?}, expected {v:?}"));
        }
    }
    let text = String::from_utf8_lossy(&req.body);
    if let Some(want) = &m.json {
        let got: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if !subset(want, &got) {
            return Some(format!("JSON body {got} does not contain {want}"));
        }
    }
    if !m.form.is_empty() {
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(&req.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (k, v) in &m.form {
            if form.get(k) != Some(v) {
                return Some(format!(
                    "form field `{k}` is {:?}, expected {v:?}",
                    form.get(k)
                ));
            }
        }
    }
    if let Some(c) = &m.body_contains
        && !text.contains(c.as_str())
    {
        return Some(format!("body does not contain {c:?}"));
    }
    None
}

#[async_trait]
impl Transport for ScriptedTransport {
    async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError> {
        let found = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| TransportError::Other("script poisoned".into()))?;
            let mut reasons = Vec::new();
            let mut found = None;
            for slot in slots.iter_mut().filter(|s| s.left > 0) {
                match mismatch(&slot.exchange.request, &request) {
                    None => {
                        slot.left -= 1;
                        found = Some((slot.exchange.response.clone(), slot.body.clone()));
                        break;
                    }
                    Some(r) => reasons.push(r),
                }
            }
            if found.is_none() {
                let why = reasons
                    .first()
                    .map(|r| format!(" (closest: {r})"))
                    .unwrap_or_default();
                if let Ok(mut u) = self.unmatched.lock() {
                    u.push(format!("unexpected request {}{why}", describe(&request)));
                }
            }
            found
        };
        let Some((response, body)) = found else {
            return Err(TransportError::Other(format!(
                "no scripted exchange matches {}",
                describe(&request)
            )));
        };
        if let Some(ms) = response.delay_ms {
            let delay = Duration::from_millis(ms);
            if delay >= request.timeout {
                tokio::time::sleep(request.timeout).await;
                return Err(TransportError::Timeout(request.timeout));
            }
            tokio::time::sleep(delay).await;
        }
        if response.drop {
            return Err(TransportError::Dropped(
                "connection reset by the ERP".into(),
            ));
        }
        if body.len() as u64 > request.max_response_bytes {
            return Err(TransportError::TooLarge {
                limit: request.max_response_bytes,
            });
        }
        let mut headers = HeaderMap::new();
        if response.json.is_some() {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
        }
        for (k, v) in &response.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                http::HeaderValue::from_str(v),
            ) {
                headers.insert(name, value);
            }
        }
        Ok(InboundResponse {
            status: response.status.unwrap_or(200),
            headers,
            body,
        })
    }
}

/// Find every `*.test.yaml` under the given files and folders, sorted.
#[must_use]
pub fn discover(paths: &[PathBuf]) -> Vec<PathBuf> {
    files_under(paths, |p| p.to_string_lossy().ends_with(".test.yaml"))
}

/// Every file under the given files and folders that `keep` accepts, sorted, each once. A file
/// named directly is taken whatever its name.
#[must_use]
pub fn files_under(paths: &[PathBuf], keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    fn walk(path: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                for e in entries.flatten() {
                    walk(&e.path(), keep, out);
                }
            }
        } else if keep(path) {
            out.push(path.to_owned());
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
        } else {
            walk(p, &keep, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What a test file may hold, for hints.
const TEST_FILE_HINT: &str = "a test file has `automation`, `vars`, `secrets`, `settings`, \
    `allowed_hosts`, `limits` and `cases`; a case has `name`, `input`, `exchanges`, `output` \
    and `error`; an exchange has `request` (`method`, `url`, `query`, `headers`, \
    `json`, `form`, `body_contains`), `response` and `times` (see docs/automation.md, \
    \"`ponte test` and test files\")";

fn parse_test_file(name: &str, text: &str) -> Result<TestFile, Box<Diagnostic>> {
    crate::parse_yaml(text).map_err(|e| {
        let mut d = crate::check::parse_diagnostic(name, &crate::refs::Locator::new(text), &e);
        d.hint = Some(TEST_FILE_HINT.to_owned());
        Box::new(d)
    })
}

/// True when the text is a test file rather than an automation: it names an `automation`
/// and has `cases`.
#[must_use]
pub fn looks_like_test_file(path: &Path, text: &str) -> bool {
    path.to_string_lossy().ends_with(".test.yaml")
        || (text.lines().any(|l| l.starts_with("automation:"))
            && text.lines().any(|l| l.starts_with("cases:")))
}

/// Check a test file without running it: it is a valid test file, its automation compiles
/// (with the shared steps beside it), and every case's input is valid for the function.
#[must_use]
pub fn check_file(path: &Path) -> Vec<Diagnostic> {
    let name = path.display().to_string();
    let at_start = |code: Code, message: String, hint: Option<String>| Diagnostic {
        code,
        message,
        file: name.clone(),
        line: 1,
        column: 1,
        snippet: String::new(),
        hint,
        used_at: None,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return vec![at_start(
                Code::YamlSyntax,
                format!("cannot read: {e}"),
                None,
            )];
        }
    };
    let file = match parse_test_file(&name, &text) {
        Ok(f) => f,
        Err(d) => return vec![*d],
    };
    let locator = crate::refs::Locator::new(&text);
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |n| n + 1)
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let automation_path = base.join(&file.automation);
    let Ok(source) = std::fs::read_to_string(&automation_path) else {
        let line = line_of("automation:");
        return vec![Diagnostic {
            code: Code::Schema,
            message: format!("cannot read the automation `{}`", file.automation),
            file: name.clone(),
            line,
            column: 1,
            snippet: locator.line(line).to_owned(),
            hint: Some("`automation` is the automation's path, relative to the test file".into()),
            used_at: None,
        }];
    };
    let library = match crate::SharedLibrary::beside(&automation_path) {
        Ok(l) => l,
        Err(e) => {
            return vec![at_start(
                Code::YamlSyntax,
                format!("cannot read the shared steps: {e}"),
                None,
            )];
        }
    };
    let automation =
        match crate::compile_with(&automation_path.display().to_string(), &source, &library) {
            Ok(a) => a,
            Err(d) => return d,
        };
    let mut out = Vec::new();
    for case in &file.cases {
        if let Err(e) = ponte_catalog::validate_input(automation.function().id, &case.input) {
            let line = line_of(&case.name);
            out.push(Diagnostic {
                code: Code::UnknownInput,
                message: format!("case `{}`: the input is not valid: {e}", case.name),
                file: name.clone(),
                line,
                column: 1,
                snippet: locator.line(line).to_owned(),
                hint: Some(format!(
                    "`{}` takes: {}",
                    automation.function().id.as_str(),
                    automation.function().input_fields().join(", ")
                )),
                used_at: None,
            });
        }
        if case.output.is_some() && case.error.is_some() {
            let line = line_of(&case.name);
            out.push(Diagnostic {
                code: Code::Schema,
                message: format!("case `{}` expects both an output and an error", case.name),
                file: name.clone(),
                line,
                column: 1,
                snippet: locator.line(line).to_owned(),
                hint: Some("a run ends with one of them; keep `output` or `error`".into()),
                used_at: None,
            });
        }
    }
    out
}

/// Run every case of a test file. A file that cannot be read or whose automation does not
/// compile yields one failed report saying so.
pub async fn run_file(path: &Path) -> Vec<CaseReport> {
    let file_name = path.display().to_string();
    let fail = |msg: String| {
        vec![CaseReport {
            file: file_name.clone(),
            name: "(file)".into(),
            failures: vec![msg],
        }]
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read: {e}")),
    };
    let file: TestFile = match parse_test_file(&file_name, &text) {
        Ok(f) => f,
        Err(d) => return fail(format!("not a valid test file:\n{d}")),
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let automation_path = base.join(&file.automation);
    let source = match std::fs::read_to_string(&automation_path) {
        Ok(s) => s,
        Err(e) => {
            return fail(format!(
                "cannot read automation {}: {e}",
                automation_path.display()
            ));
        }
    };
    let library = match crate::SharedLibrary::beside(&automation_path) {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot read the shared steps: {e}")),
    };
    let automation =
        match crate::compile_with(&automation_path.display().to_string(), &source, &library) {
            Ok(a) => a,
            Err(diags) => {
                return fail(format!(
                    "the automation does not compile:\n{}",
                    diags.iter().map(ToString::to_string).collect::<String>()
                ));
            }
        };
    let mut reports = Vec::new();
    for case in &file.cases {
        reports.push(run_case(&file, case, &automation, base, &file_name).await);
    }
    reports
}

async fn run_case(
    file: &TestFile,
    case: &TestCase,
    automation: &crate::CompiledAutomation,
    base: &Path,
    file_name: &str,
) -> CaseReport {
    let mut failures = Vec::new();
    let transport = match ScriptedTransport::new(&case.exchanges, base) {
        Ok(t) => t,
        Err(e) => {
            return CaseReport {
                file: file_name.to_owned(),
                name: case.name.clone(),
                failures: vec![e],
            };
        }
    };
    let engine = Engine::new(Arc::new(transport.clone()));
    let env = RunEnv::new("test")
        .with_vars(file.vars.clone())
        .with_secrets(
            file.secrets
                .iter()
                .map(|(k, v)| (k.clone(), SecretString::from(v.clone())))
                .collect(),
        )
        .with_settings(file.settings.clone())
        .with_allowed_hosts(file.allowed_hosts.clone())
        .with_limits(file.limits.unwrap_or_default());
    let input = match ponte_catalog::validate_input(automation.function().id, &case.input) {
        Ok(v) => v,
        Err(errors) => {
            return CaseReport {
                file: file_name.to_owned(),
                name: case.name.clone(),
                failures: vec![format!(
                    "the case's input is not valid for `{}`: {}",
                    automation.function().id.as_str(),
                    serde_json::to_string(&errors).unwrap_or_default()
                )],
            };
        }
    };
    let outcome = engine.run(automation, input, &env).await;
    failures.extend(transport.unmatched());
    match (&outcome.result, &case.output, &case.error) {
        (Ok(got), Some(want), _) => {
            if got != want {
                failures.push(format!(
                    "output differs (- expected, + got):\n{}",
                    diff(want, got)
                ));
            }
        }
        (Ok(got), None, Some(e)) => failures.push(format!(
            "expected error `{}`, got output {}",
            e.code,
            crate::error::short(got)
        )),
        (Err(err), _, Some(e)) => {
            if err.code() != e.code {
                failures.push(format!(
                    "expected error `{}`, got `{}`: {err}",
                    e.code,
                    err.code()
                ));
            } else if let Some(c) = &e.message_contains
                && !err.to_string().contains(c.as_str())
            {
                failures.push(format!(
                    "error message {:?} does not contain {c:?}",
                    err.to_string()
                ));
            }
        }
        (Err(err), Some(_), None) => failures.push(format!(
            "expected an output, got error `{}`: {err}",
            err.code()
        )),
        (_, None, None) => failures.push("the case gives neither `output` nor `error`".into()),
    }
    if failures.is_empty() || outcome.result.is_ok() {
        failures.extend(transport.unused());
    }
    CaseReport {
        file: file_name.to_owned(),
        name: case.name.clone(),
        failures,
    }
}

/// A line diff of two JSON values, pretty-printed.
#[must_use]
pub fn diff(want: &Value, got: &Value) -> String {
    let a = serde_json::to_string_pretty(want).unwrap_or_default();
    let b = serde_json::to_string_pretty(got).unwrap_or_default();
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(&a, &b).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        out.push_str(&format!("    {sign} {change}"));
    }
    out
}
