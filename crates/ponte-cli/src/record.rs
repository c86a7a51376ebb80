//! `ponte run --record`: a live run written as a `*.test.yaml` case that `ponte test` replays.
//!
//! What the run sent and received is kept whole by the recording transport, then made fit to
//! keep in a repository:
//! - each secret's value is replaced everywhere by a placeholder (`test-<name>`), which the
//!   test file declares as the secret, so requests carrying it still match;
//! - each CPF/CNPJ of the input is replaced everywhere, bare and punctuated, by a valid
//!   stand-in;
//! - bodies are masked by the integration's privacy rules, as traces are (names, e-mails,
//!   phones, addresses, credentials, tokens); a request's field that masking changes is left
//!   out of its matcher; a binary body is replaced by a placeholder.
//!
//! The expected output is then computed by replaying the automation offline on those
//! exchanges, exactly as `ponte test` will, and the written file is run once to prove it
//! passes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use ponte_automation::testing::{Exchange, ScriptedTransport};
use ponte_automation::{
    CompiledAutomation, Engine, OutboundRequest, PrivacyRules, Redactor, RunEnv, RunOutcome,
};
use ponte_br::{Document, DocumentKind};
use ponte_catalog::ValidatedInput;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use crate::commands::run::{Exchanges, Live, relative};

/// What a binary body is replaced by: its bytes may hold personal data (a boleto's payer).
const BINARY_PLACEHOLDER: &str = "%PDF-1.4\n% binary body left out by ponte run --record\n";

/// Text replacements applied to every string kept: secrets and the input's documents.
struct Stand {
    pairs: Vec<(String, String)>,
    /// The stand-in documents, bare and punctuated: not personal data, never masked.
    stand_ins: Vec<String>,
}

impl Stand {
    fn new(live: &Live, input: &ValidatedInput) -> Self {
        let mut pairs = Vec::new();
        let mut stand_ins = Vec::new();
        for (name, value) in &live.secrets {
            let value = value.expose_secret();
            // A value this short would match by accident; it cannot be told apart from text.
            if value.len() >= 4 {
                pairs.push((value.to_owned(), placeholder(name)));
            }
        }
        for (n, document) in input.documents().iter().enumerate() {
            if let Some(fake) = stand_in(document.kind(), n) {
                pairs.push((document.formatted(), fake.formatted()));
                pairs.push((document.as_str().to_owned(), fake.as_str().to_owned()));
                stand_ins.push(fake.formatted());
                stand_ins.push(fake.as_str().to_owned());
            }
        }
        // Longer first, so a punctuated document is replaced before its digits.
        pairs.sort_by_key(|pair| std::cmp::Reverse(pair.0.len()));
        Self { pairs, stand_ins }
    }

    /// `masked` with the stand-in documents of `original` put back.
    fn unmask(&self, original: &Value, masked: &Value) -> Value {
        match (original, masked) {
            (Value::String(s), _) if self.stand_ins.contains(s) => original.clone(),
            (Value::Object(o), Value::Object(m)) => Value::Object(
                m.iter()
                    .map(|(k, mv)| {
                        let v = o
                            .get(k)
                            .map_or_else(|| mv.clone(), |ov| self.unmask(ov, mv));
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            (Value::Array(o), Value::Array(m)) if o.len() == m.len() => Value::Array(
                o.iter()
                    .zip(m)
                    .map(|(ov, mv)| self.unmask(ov, mv))
                    .collect(),
            ),
            _ => masked.clone(),
        }
    }

    /// `value` masked as a trace masks it, stand-in documents kept.
    fn masked(&self, value: &Value, redactor: &Redactor) -> Value {
        self.unmask(value, &redactor.value(value))
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (from, to) in &self.pairs {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        out
    }

    fn value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.text(k), self.value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn placeholder(secret: &str) -> String {
    format!("test-{secret}")
}

/// A valid document of `kind` standing in for the `n`th document of the input.
fn stand_in(kind: DocumentKind, n: usize) -> Option<Document> {
    let n = u64::try_from(n).ok()?;
    let base = match kind {
        DocumentKind::Cpf => {
            let base = format!("{:09}", 123_456_780 + n);
            format!("{base}{}", ponte_br::document::cpf_check_digits(&base)?)
        }
        DocumentKind::Cnpj => {
            let base = format!("{:08}0001", 11_222_333 + n);
            format!("{base}{}", ponte_br::document::cnpj_check_digits(&base)?)
        }
    };
    Document::parse(&base).ok()
}

/// The parts of `original` that masking left unchanged: what a matcher may hold.
fn unchanged(original: &Value, masked: &Value) -> Option<Value> {
    match (original, masked) {
        (Value::Object(o), Value::Object(m)) => {
            let kept: Map<String, Value> = o
                .iter()
                .filter_map(|(k, v)| {
                    let mv = m.get(k)?;
                    unchanged(v, mv).map(|v| (k.clone(), v))
                })
                .collect();
            Some(Value::Object(kept))
        }
        (a, b) if a == b => Some(a.clone()),
        _ => None,
    }
}

/// The `Content-Type` of a request or a response.
macro_rules! content_type {
    ($message:expr) => {
        $message
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
}

/// Pairs whose value neither masking nor redaction changes, or that are stand-ins.
fn safe_pairs<'a>(
    pairs: impl Iterator<Item = (String, String)> + 'a,
    stand: &'a Stand,
    rules: &'a PrivacyRules,
    redactor: &'a Redactor,
) -> impl Iterator<Item = (String, Value)> + 'a {
    pairs.filter_map(move |(k, v)| {
        let safe = stand.stand_ins.contains(&v)
            || (rules.category(&k).is_none() && redactor.text(&v) == v);
        safe.then_some((k, Value::String(v)))
    })
}

/// The matcher for a request the run sent.
fn matcher(
    request: &OutboundRequest,
    stand: &Stand,
    rules: &PrivacyRules,
    redactor: &Redactor,
) -> Value {
    let mut m = Map::new();
    m.insert("method".into(), json!(request.method.as_str()));
    let mut bare = request.url.clone();
    bare.set_query(None);
    m.insert("url".into(), json!(stand.text(bare.as_str())));
    let query: Map<String, Value> = safe_pairs(
        request
            .url
            .query_pairs()
            .map(|(k, v)| (stand.text(&k), stand.text(&v))),
        stand,
        rules,
        redactor,
    )
    .collect();
    if !query.is_empty() {
        m.insert("query".into(), Value::Object(query));
    }
    let kind = content_type!(request).unwrap_or_default();
    if let Ok(body) = serde_json::from_slice::<Value>(&request.body)
        && !request.body.is_empty()
    {
        let body = stand.value(&body);
        if let Some(kept) = unchanged(&body, &stand.masked(&body, redactor))
            && kept != json!({})
        {
            m.insert("json".into(), kept);
        }
    } else if kind.starts_with("application/x-www-form-urlencoded") {
        // The form's pairs, read as a query string is.
        let body = String::from_utf8_lossy(&request.body);
        let as_query = request.url.join(&format!("?{body}")).ok();
        let form: Map<String, Value> = safe_pairs(
            as_query
                .iter()
                .flat_map(|u| u.query_pairs())
                .map(|(k, v)| (stand.text(&k), stand.text(&v))),
            stand,
            rules,
            redactor,
        )
        .collect();
        if !form.is_empty() {
            m.insert("form".into(), Value::Object(form));
        }
    }
    Value::Object(m)
}

/// The canned answer for a response the ERP gave.
fn canned(
    response: &ponte_automation::InboundResponse,
    stand: &Stand,
    redactor: &Redactor,
) -> Value {
    let mut r = Map::new();
    r.insert("status".into(), json!(response.status));
    let kind = content_type!(response);
    if let Some(kind) = &kind {
        r.insert("headers".into(), json!({"content-type": kind}));
    }
    if response.body.is_empty() {
        return Value::Object(r);
    }
    if let Ok(body) = serde_json::from_slice::<Value>(&response.body) {
        r.insert("json".into(), stand.masked(&stand.value(&body), redactor));
    } else if let Ok(text) = std::str::from_utf8(&response.body) {
        let text = stand.text(text);
        r.insert(
            "body".into(),
            json!(redactor.body(text.as_bytes(), kind.as_deref(), usize::MAX)),
        );
    } else {
        r.insert("body".into(), json!(BINARY_PLACEHOLDER));
    }
    Value::Object(r)
}

/// Writes the run as a test file at `path`; answers how many exchanges it holds.
///
/// # Errors
/// A file that cannot be written, or a recorded case that does not replay.
pub async fn write(
    path: &Path,
    automation_path: &Path,
    automation: &CompiledAutomation,
    live: &Live,
    input: &ValidatedInput,
    outcome: &RunOutcome,
    exchanges: &Exchanges,
) -> anyhow::Result<usize> {
    let stand = Stand::new(live, input);
    let redactor = outcome.redactor();
    let env = live.env();
    let rules = env.privacy().clone();
    let recorded: Vec<Value> = exchanges
        .lock()
        .map(|all| {
            all.iter()
                .map(|(request, response)| {
                    json!({
                        "request": matcher(request, &stand, &rules, redactor),
                        "response": canned(response, &stand, redactor),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let case_input = stand.masked(&stand.value(input.value()), redactor);
    let vars: BTreeMap<String, String> = live
        .entry
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), stand.text(v)))
        .collect();
    let secrets: BTreeMap<String, String> = live
        .secrets
        .keys()
        .map(|name| (name.clone(), placeholder(name)))
        .collect();
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));

    // The expected output: the automation replayed offline on the kept exchanges.
    let scripted: Vec<Exchange> = serde_json::from_value(Value::Array(recorded.clone()))
        .context("the recorded exchanges do not read back")?;
    let transport = ScriptedTransport::new(&scripted, folder).map_err(anyhow::Error::msg)?;
    let replay_env = RunEnv::new("test")
        .with_vars(vars.clone())
        .with_secrets(
            secrets
                .iter()
                .map(|(k, v)| (k.clone(), SecretString::from(v.clone())))
                .collect(),
        )
        .with_settings(live.settings.clone())
        .with_allowed_hosts(live.entry.settings.allowed_hosts.clone());
    let replay_input = ponte_catalog::validate_input(automation.function().id, &case_input)
        .map_err(|errors| {
            anyhow::anyhow!(
                "the input with its personal data masked is not a valid input, so this run \
                 cannot be recorded: {}",
                serde_json::to_string(&errors).unwrap_or_default()
            )
        })?;
    let replayed = Engine::new(Arc::new(transport.clone()))
        .run(automation, replay_input, &replay_env)
        .await;
    let mut case = Map::new();
    case.insert(
        "name".into(),
        json!(format!(
            "recorded from integration `{}` by ponte run",
            live.entry.id
        )),
    );
    case.insert("input".into(), case_input);
    case.insert("exchanges".into(), Value::Array(recorded.clone()));
    match &replayed.result {
        Ok(output) => {
            case.insert("output".into(), output.clone());
        }
        Err(error) => {
            case.insert("error".into(), json!({"code": error.code()}));
        }
    }
    let mut doc = Map::new();
    doc.insert(
        "automation".into(),
        json!(relative(automation_path, folder)),
    );
    doc.insert("vars".into(), json!(vars));
    doc.insert("secrets".into(), json!(secrets));
    doc.insert("settings".into(), live.settings.clone());
    if !live.entry.settings.allowed_hosts.is_empty() {
        doc.insert(
            "allowed_hosts".into(),
            json!(live.entry.settings.allowed_hosts),
        );
    }
    doc.insert("cases".into(), json!([Value::Object(case)]));
    let mut text = String::from(
        "# Recorded by `ponte run --record`: the ERP's answers with secrets replaced by\n\
         # placeholders and personal data masked. `ponte test` replays it.\n",
    );
    yaml(&Value::Object(doc), 0, &mut text);
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;

    let reports = ponte_automation::testing::run_file(path).await;
    let failures: Vec<String> = reports.iter().flat_map(|r| r.failures.clone()).collect();
    if !failures.is_empty() {
        bail!(
            "{} was written but does not replay:\n{}",
            path.display(),
            failures.join("\n")
        );
    }
    Ok(recorded.len())
}

/// `value` as block YAML at `indent`; scalars in JSON's notation, which YAML reads as is.
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = serde_json::to_string(k).unwrap_or_default();
                let key = if is_plain_key(k) { k.clone() } else { key };
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        let _ = writeln!(out, "{pad}{key}:");
                        yaml(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        let _ = writeln!(out, "{pad}{key}:");
                        yaml(v, indent + 2, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{key}: {}", scalar(v));
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        yaml(item, indent + 2, &mut inner);
                        // The first line of the item takes the dash.
                        let inner = inner
                            .strip_prefix(&" ".repeat(indent + 2))
                            .unwrap_or(&inner);
                        let _ = write!(out, "{pad}- {inner}");
                    }
                    Value::Array(a) if !a.is_empty() => {
                        let _ = writeln!(out, "{pad}-");
                        yaml(item, indent + 2, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", scalar(item));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A key YAML reads back as this very string without quotes.
fn is_plain_key(key: &str) -> bool {
    const WORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !WORDS.contains(&key.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yaml_written_reads_back_as_the_same_value() {
        let value = json!({
            "a": "x: y",
            "b": [1, {"c": null, "d": [true, "é\n\"q\""]}, []],
            "e": {},
            "content-type": "text/x-json",
            "1": "n",
        });
        let mut text = String::new();
        yaml(&value, 0, &mut text);
        let back: Value = ponte_automation::parse_yaml(&text).unwrap();
        assert_eq!(back, value, "{text}");
    }

    #[test]
    fn a_stand_in_is_a_valid_document_of_the_same_kind() {
        for n in 0..3 {
            let cpf = stand_in(DocumentKind::Cpf, n).unwrap();
            assert_eq!(cpf.kind(), DocumentKind::Cpf);
            let cnpj = stand_in(DocumentKind::Cnpj, n).unwrap();
            assert_eq!(cnpj.kind(), DocumentKind::Cnpj);
        }
    }
}
