//! The [`Redactor`]: one per run, it turns what the run sent and received into what a trace
//! may keep.
//!
//! It knows the run's secrets (the integration's, and every credential and token the run
//! rendered or received), the customer's documents from the validated input, the header names
//! that carry credentials, and the [`PrivacyRules`]. Secrets are cut out of any text wherever
//! they appear; the customer's documents are masked wherever they appear; bodies go through the
//! privacy rules field by field (JSON, form and query) or by pattern (other text), and only
//! then are cut to the trace's size, so a cut never leaves part of a field in clear.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ponte_br::document::Document;
use serde_json::Value;

use crate::privacy::{
    Category, Found, PrivacyRules, REDACTED, looks_like_credential, mask, mask_patterns,
};

const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "token",
];

const SENSITIVE_QUERY_WORDS: &[&str] = &["token", "key", "secret", "password", "senha", "auth"];

/// Removes secrets and masks personal data in what a run leaves in its trace.
#[derive(Clone)]
pub struct Redactor {
    /// Text to replace wherever it appears, with its replacement, longest first so a value
    /// holding another is replaced whole.
    needles: Vec<(Arc<str>, Arc<str>)>,
    extra_headers: Vec<String>,
    /// Lower-case names of the integration's secrets: fields so named are credentials.
    secret_names: Arc<Vec<String>>,
    rules: Arc<PrivacyRules>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values: they are what this type hides.
        f.debug_struct("Redactor")
            .field("values", &self.needles.len())
            .field("sensitive_headers", &self.extra_headers)
            .finish_non_exhaustive()
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new(PrivacyRules::shared_default())
    }
}

impl Redactor {
    /// A redactor applying `rules` to bodies, knowing no secret yet.
    #[must_use]
    pub fn new(rules: Arc<PrivacyRules>) -> Self {
        Self {
            needles: Vec::new(),
            extra_headers: Vec::new(),
            secret_names: Arc::new(Vec::new()),
            rules,
        }
    }

    fn add_needle(&mut self, needle: &str, with: Arc<str>) {
        if self.needles.iter().any(|(n, _)| n.as_ref() == needle) {
            return;
        }
        self.needles.push((Arc::from(needle), with));
        self.needles
            .sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    }

    /// Redact this value wherever it appears (ignored when shorter than 4 characters, which
    /// would shred ordinary text without protecting anything).
    pub fn add_secret(&mut self, value: &str) {
        if value.len() >= 4 {
            self.add_needle(value, Arc::from(REDACTED));
        }
    }

    /// Treat fields named like this secret (any case) as credentials.
    pub fn add_secret_name(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !self.secret_names.contains(&name) {
            Arc::make_mut(&mut self.secret_names).push(name);
        }
    }

    /// Replace `needle` by `masked` wherever it appears.
    pub fn add_mask(&mut self, needle: &str, masked: &str) {
        if needle.len() >= 4 {
            self.add_needle(needle, Arc::from(masked));
        }
    }

    /// Mask a customer's document wherever it appears, bare or formatted.
    pub fn add_document(&mut self, document: &Document) {
        let masked: Arc<str> = Arc::from(document.masked());
        self.add_needle(&document.formatted(), masked.clone());
        self.add_needle(document.as_str(), masked);
    }

    /// Treat a header name as a credential (an API-key header named by the automation).
    pub fn add_sensitive_header(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !self.extra_headers.contains(&name) {
            self.extra_headers.push(name);
        }
    }

    /// The text with secrets removed and the customer's documents masked.
    #[must_use]
    pub fn text(&self, text: &str) -> String {
        self.redacted(text).into_owned()
    }

    /// As [`Self::text`], borrowing the text when there is nothing in it to hide (most text):
    /// then nothing is copied. A value longer than the text is not searched for.
    pub(crate) fn redacted<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out: Option<String> = None;
        for (needle, with) in &self.needles {
            let current = out.as_deref().unwrap_or(text);
            if needle.len() <= current.len() && current.contains(needle.as_ref()) {
                out = Some(current.replace(needle.as_ref(), with));
            }
        }
        out.map_or(Cow::Borrowed(text), Cow::Owned)
    }

    /// A value no field name describes: removed when it looks like a credential, else as
    /// [`Self::free_text`].
    fn free_value<'t>(&self, value: &'t str) -> Cow<'t, str> {
        if looks_like_credential(value) {
            Cow::Owned(REDACTED.to_owned())
        } else {
            self.free_text(value)
        }
    }

    /// Text bound for a trace that no field name describes: secrets removed, the customer's
    /// documents masked, and any other document or e-mail in it masked.
    pub(crate) fn free_text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.redacted(text) {
            Cow::Borrowed(text) => mask_patterns(text),
            Cow::Owned(redacted) => Cow::Owned(mask_patterns(&redacted).into_owned()),
        }
    }

    /// True when the header carries credentials.
    #[must_use]
    pub fn is_sensitive_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        SENSITIVE_HEADERS.contains(&lower.as_str()) || self.extra_headers.contains(&lower)
    }

    /// What a field of this name holds, by the privacy rules and the secrets' names.
    pub(crate) fn find(&self, name: &str) -> Option<Found> {
        if self
            .secret_names
            .iter()
            .any(|secret| secret.eq_ignore_ascii_case(name))
        {
            return Some(Found::Always(Category::Credential));
        }
        self.rules.find(name)
    }

    /// A value under the field `name` in a flat list of pairs (form or query), masked.
    fn pair_value<'v>(&self, name: &str, value: &'v str) -> Cow<'v, str> {
        match self.find(name) {
            Some(Found::Always(category) | Found::InRecord(category)) => {
                Cow::Owned(mask(category, value))
            }
            None => self.free_value(value),
        }
    }

    /// A URL with credentials in its query replaced, personal data in it masked, then passed
    /// through [`Self::text`].
    #[must_use]
    pub fn url(&self, url: &url::Url) -> String {
        let mut u = url.clone();
        if u.query().is_some() {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let lower = k.to_ascii_lowercase();
                    let hide = SENSITIVE_QUERY_WORDS.iter().any(|w| lower.contains(w))
                        || self.extra_headers.contains(&lower);
                    let value = if hide {
                        REDACTED.to_owned()
                    } else {
                        self.pair_value(&k, &v).into_owned()
                    };
                    (k.into_owned(), value)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        if u.password().is_some() {
            let _ = u.set_password(Some(REDACTED));
        }
        self.text(u.as_str())
    }

    /// Headers for a trace: credential headers replaced, the rest redacted as text.
    #[must_use]
    pub fn headers(&self, headers: &http::HeaderMap) -> BTreeMap<String, String> {
        headers
            .iter()
            .map(|(k, v)| {
                let value = if self.is_sensitive_header(k.as_str()) {
                    REDACTED.to_owned()
                } else {
                    self.text(&String::from_utf8_lossy(v.as_bytes()))
                };
                (k.as_str().to_owned(), value)
            })
            .collect()
    }

    /// A body for a trace: masked as its kind allows (JSON field by field, a form pair by
    /// pair, other text by pattern), secrets removed, then cut to `limit` bytes on a character
    /// boundary. A body that is not UTF-8 is recorded by its size.
    #[must_use]
    pub fn body(&self, body: &[u8], content_type: Option<&str>, limit: usize) -> String {
        let Ok(text) = std::str::from_utf8(body) else {
            return format!("<{} bytes of binary data>", body.len());
        };
        let masked = self.masked_body(text, content_type);
        cut(&masked, limit)
    }

    fn masked_body<'t>(&self, text: &'t str, content_type: Option<&str>) -> Cow<'t, str> {
        let first = text.bytes().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{' | b'['))
            && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        {
            let masked = JsonMasker::run(text, self);
            return match self.redacted(&masked) {
                Cow::Borrowed(_) => masked,
                Cow::Owned(redacted) => Cow::Owned(redacted),
            };
        }
        let form = content_type.is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if form {
            return self.masked_form(text);
        }
        self.free_text(text)
    }

    fn masked_form<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut changed = false;
        let pairs: Vec<(Cow<'_, str>, String)> = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| {
                let masked = self.pair_value(&k, &v);
                changed |= masked.as_ref() != v.as_ref();
                let masked = masked.into_owned();
                (k, masked)
            })
            .collect();
        if !changed {
            return self.redacted(text);
        }
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        Cow::Owned(self.redacted(&serializer.finish()).into_owned())
    }

    /// A copy of a JSON value for a trace, masked field by field as a JSON body is.
    #[must_use]
    pub fn value(&self, value: &Value) -> Value {
        // Copying the whole value and then replacing the few strings that change is cheaper
        // than rebuilding it: objects are copied without hashing their keys again.
        let mut copy = value.clone();
        let mut known = HashMap::new();
        self.value_in_place(&mut copy, None, &mut known);
        copy
    }

    fn found(&self, name: &str, known: &mut HashMap<String, Option<Found>>) -> Option<Found> {
        if let Some(found) = known.get(name) {
            return *found;
        }
        let found = self.find(name);
        known.insert(name.to_owned(), found);
        found
    }

    fn value_in_place(
        &self,
        value: &mut Value,
        category: Option<Category>,
        known: &mut HashMap<String, Option<Found>>,
    ) {
        match value {
            Value::String(s) => {
                let masked = match category {
                    Some(category) => Cow::Owned(mask(category, s)),
                    None => self.free_value(s),
                };
                if let Cow::Owned(masked) = masked {
                    *s = masked;
                }
            }
            Value::Number(n) => {
                if let Some(category) = category {
                    *value = Value::String(mask(category, &n.to_string()));
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| self.value_in_place(v, category, known)),
            Value::Object(map) => {
                let record = map.keys().any(|k| {
                    matches!(
                        self.found(k, known),
                        Some(Found::Always(Category::Document | Category::Address))
                    )
                });
                let contact = contact_kind(map);
                for (key, v) in map.iter_mut() {
                    let inner = match self.found(key, known) {
                        Some(Found::Always(c)) => Some(c),
                        Some(Found::InRecord(c)) if record => Some(c),
                        _ if contact.is_some() && CONTACT_VALUES.contains(&key.as_str()) => contact,
                        _ => category,
                    };
                    self.value_in_place(v, inner, known);
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

/// The fields that hold the value of a contact written as a kind and a value, as the catalog's
/// `list_customer_contacts` answers (`{"type": "phone", "value": "(11) 98765-4321"}`) and as
/// some ERPs list contacts (`{"tipo": "celular", "contato": "..."}`): the name says nothing,
/// the kind beside it says what the value is.
const CONTACT_VALUES: &[&str] = &["value", "valor", "contato", "contact"];

/// What a contact object's kind field (`type` or `tipo`) says its value is, if it is one.
fn contact_kind(map: &serde_json::Map<String, Value>) -> Option<Category> {
    let kind = ["type", "tipo"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))?
        .to_ascii_lowercase();
    match kind.as_str() {
        "email" | "e-mail" => Some(Category::Email),
        "phone" | "telefone" | "fone" | "celular" | "whatsapp" | "mobile" => Some(Category::Phone),
        _ => None,
    }
}

/// `text` cut to `limit` bytes on a character boundary, saying how long it was.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// Rewrites the values of a JSON text that the privacy rules or the redactor change, keeping
/// every other byte as it came (spacing, key order, number forms). The text must be JSON; the
/// caller checks it first.
struct JsonMasker<'t, 'r> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    out: String,
    copied: usize,
    redactor: &'r Redactor,
    /// What each field name (as written) holds: the rows of a listing repeat the same few
    /// names, so each is looked up once.
    known: Names<'t>,
}

/// Field names already looked up, by their text.
#[derive(Default)]
struct Names<'t>(HashMap<&'t str, Option<Found>>);

impl<'t> Names<'t> {
    fn find(&mut self, redactor: &Redactor, raw: &'t str) -> Option<Found> {
        if let Some(found) = self.0.get(raw) {
            return *found;
        }
        let found = redactor.find(&unescaped_inner(raw));
        self.0.insert(raw, found);
        found
    }
}

/// The text of a JSON string token (quotes excluded), unescaped.
fn unescaped_inner(inner: &str) -> Cow<'_, str> {
    if inner.contains('\\') {
        serde_json::from_str::<String>(&format!("\"{inner}\""))
            .map_or(Cow::Borrowed(inner), Cow::Owned)
    } else {
        Cow::Borrowed(inner)
    }
}

/// The text of a JSON string token (quotes included), unescaped.
fn unescaped(token: &str) -> Cow<'_, str> {
    let inner = token
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(token);
    if inner.contains('\\') {
        serde_json::from_str::<String>(token).map_or(Cow::Borrowed(inner), Cow::Owned)
    } else {
        Cow::Borrowed(inner)
    }
}

impl<'t> JsonMasker<'t, '_> {
    fn run(text: &'t str, redactor: &Redactor) -> Cow<'t, str> {
        let mut masker = JsonMasker {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            out: String::new(),
            copied: 0,
            redactor,
            known: Names::default(),
        };
        masker.value(None);
        if masker.copied == 0 {
            return Cow::Borrowed(text);
        }
        masker.out.push_str(&text[masker.copied..]);
        Cow::Owned(masker.out)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Past the string token at `at`; returns where it ends.
    fn string_end(&self, at: usize) -> usize {
        let mut p = at + 1;
        while let Some(&b) = self.bytes.get(p) {
            match b {
                b'\\' => p += 2,
                b'"' => return p + 1,
                _ => p += 1,
            }
        }
        self.bytes.len()
    }

    /// Past the value at `at` (skipped whole, containers included).
    fn value_end(&self, at: usize) -> usize {
        let mut p = at;
        let mut depth = 0usize;
        while let Some(&b) = self.bytes.get(p) {
            match b {
                b'"' => {
                    p = self.string_end(p);
                    if depth == 0 {
                        return p;
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return p;
                    }
                    depth -= 1;
                    if depth == 0 {
                        return p + 1;
                    }
                }
                b',' if depth == 0 => return p,
                b if b.is_ascii_whitespace() && depth == 0 => return p,
                _ => {}
            }
            p += 1;
        }
        p
    }

    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.out.push_str(&self.text[self.copied..start]);
        // A string always serialises.
        self.out
            .push_str(&serde_json::to_string(with).unwrap_or_else(|_| "\"\"".to_owned()));
        self.copied = end;
    }

    fn value(&mut self, category: Option<Category>) {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(category),
            Some(b'[') => self.array(category),
            Some(b'"') => {
                let start = self.pos;
                let end = self.string_end(start);
                self.pos = end;
                let value = unescaped(&self.text[start..end]);
                let masked = match category {
                    Some(category) => Cow::Owned(mask(category, &value)),
                    None => self.redactor.free_value(&value),
                };
                if let Cow::Owned(masked) = masked
                    && masked != value
                {
                    self.replace(start, end, &masked);
                }
            }
            Some(_) => {
                let start = self.pos;
                let end = self.value_end(start);
                self.pos = end;
                let token = &self.text[start..end];
                let number = token
                    .bytes()
                    .next()
                    .is_some_and(|b| b == b'-' || b.is_ascii_digit());
                if let (Some(category), true) = (category, number) {
                    let masked = mask(category, token);
                    self.replace(start, end, &masked);
                }
            }
            None => {}
        }
    }

    fn array(&mut self, category: Option<Category>) {
        self.pos += 1;
        loop {
            self.skip_space();
            match self.peek() {
                None => return,
                Some(b']') => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let before = self.pos;
                    self.value(category);
                    if self.pos == before {
                        // Not JSON after all: stop rather than loop.
                        return;
                    }
                }
            }
        }
    }

    fn object(&mut self, inherited: Option<Category>) {
        let open = self.pos;
        self.pos += 1;
        // Whether this object is a person's record, found out when a field needs it.
        let mut record: Option<bool> = None;
        loop {
            self.skip_space();
            match self.peek() {
                None => return,
                Some(b'}') => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {}
                Some(_) => return,
            }
            let key_start = self.pos;
            let key_end = self.string_end(key_start);
            self.pos = key_end;
            let raw = &self.text[key_start + 1..key_end.saturating_sub(1).max(key_start + 1)];
            let category = match self.known.find(self.redactor, raw) {
                Some(Found::Always(category)) => Some(category),
                Some(Found::InRecord(category)) => {
                    if *record.get_or_insert_with(|| self.is_record(open)) {
                        Some(category)
                    } else {
                        inherited
                    }
                }
                None => inherited,
            };
            self.skip_space();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            let before = self.pos;
            self.value(category);
            if self.pos == before {
                return;
            }
        }
    }

    /// Whether the object opening at `open` has a field that marks a person's record.
    fn is_record(&mut self, open: usize) -> bool {
        let mut p = open + 1;
        loop {
            while self.bytes.get(p).is_some_and(u8::is_ascii_whitespace) {
                p += 1;
            }
            match self.bytes.get(p) {
                Some(b',') => {
                    p += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return false,
            }
            let end = self.string_end(p);
            let raw = &self.text[p + 1..end.saturating_sub(1).max(p + 1)];
            if matches!(
                self.known.find(self.redactor, raw),
                Some(Found::Always(Category::Document | Category::Address))
            ) {
                return true;
            }
            p = end;
            while self
                .bytes
                .get(p)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b':')
            {
                p += 1;
            }
            let next = self.value_end(p);
            if next == p {
                return false;
            }
            p = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_and_credential_headers_never_reach_a_trace() {
        let mut r = Redactor::default();
        r.add_secret("s3cr3t-token");
        r.add_mask("12345678909", "***.456.789-**");
        assert_eq!(
            r.text("token=s3cr3t-token cpf=12345678909"),
            "token=[REDACTED] cpf=***.456.789-**"
        );
        let mut h = http::HeaderMap::new();
        h.insert("authorization", "Basic abc".parse().unwrap());
        h.insert("ixcsoft", "listar".parse().unwrap());
        let out = r.headers(&h);
        assert_eq!(out["authorization"], REDACTED);
        assert_eq!(out["ixcsoft"], "listar");
        let u = url::Url::parse("https://erp.test/x?api_token=abc&page=2&cpf=52998224725").unwrap();
        assert_eq!(
            r.url(&u),
            "https://erp.test/x?api_token=%5BREDACTED%5D&page=2&cpf=***.982.247-**"
        );
    }

    #[test]
    fn a_contact_written_as_a_kind_and_a_value_is_masked_by_its_kind() {
        let r = Redactor::default();
        let out = r.value(&json!([
            {"type": "phone", "value": "(11) 98587-0383"},
            {"type": "email", "value": "joana.silva@example.com"},
            {"tipo": "celular", "contato": "11985870383"},
            {"type": "plan", "value": "Fibra 300"},
        ]));
        let text = out.to_string();
        for clear in ["98587", "joana.silva", "11985870383"] {
            assert!(!text.contains(clear), "{text}");
        }
        assert_eq!(out[3]["value"], "Fibra 300", "only contacts are masked");
        assert!(
            out[0]["value"].as_str().unwrap().ends_with("0383"),
            "{text}"
        );
    }

    #[test]
    fn bodies_are_redacted_before_they_are_cut() {
        let mut r = Redactor::default();
        r.add_secret("s3cr3t-token");
        // The secret crosses the limit: no part of it may be kept.
        let cut = r.body(b"token=s3cr3t-token; and more", None, 10);
        assert_eq!(cut, "token=[RED… (26 bytes in all)");
        assert_eq!(r.body(b"nothing to hide", None, 100), "nothing to hide");
        assert_eq!(r.text("s3cr"), "s3cr");
        // A field cut in the middle was masked whole before the cut.
        let json = br#"{"senha":"123456","email":"maria@example.com"}"#;
        assert_eq!(
            r.body(json, None, 30),
            r#"{"senha":"[REDACTED]","email":… (46 bytes in all)"#
        );
    }

    #[test]
    fn bodies_are_cut_on_a_character_boundary() {
        let r = Redactor::default();
        let cut = r.body("ééééé".as_bytes(), None, 3);
        assert!(cut.starts_with('é'));
        assert!(cut.contains("10 bytes in all"));
        assert_eq!(
            r.body(&[0xff, 0xfe, 0], None, 100),
            "<3 bytes of binary data>"
        );
    }

    #[test]
    fn json_is_masked_field_by_field_and_kept_byte_for_byte_elsewhere() {
        let mut r = Redactor::default();
        r.add_secret_name("IXC_TOKEN");
        let body = r#"{ "page": "1", "registros": [ {"id":"2", "razao" : "Maria das Graças Souza",
            "cnpj_cpf":"529.982.247-25", "senha": 123456, "Fone":"(47) 3222-1234",
            "ixc_token": "abc", "valor": 69.900000000, "obs": "ligar para ana@example.com",
            "nome": "Maria", "numero": "25", "esc\"aped": "x\u00e9"} ],
            "produtos": [{"nome": "Fibra 300", "numero": 7}] }"#;
        let masked = r.body(body.as_bytes(), None, 10_000);
        let want = r#"{ "page": "1", "registros": [ {"id":"2", "razao" : "M*** d*** G*** S***",
            "cnpj_cpf":"***.982.247-**", "senha": "[REDACTED]", "Fone":"(**) ****-1234",
            "ixc_token": "[REDACTED]", "valor": 69.900000000, "obs": "ligar para a***@e***.com",
            "nome": "M***", "numero": "2***", "esc\"aped": "x\u00e9"} ],
            "produtos": [{"nome": "Fibra 300", "numero": 7}] }"#;
        assert_eq!(masked, want);
        // The same rules on a value (the run's output).
        let value: Value = serde_json::from_str(body).unwrap();
        let masked: Value = serde_json::from_str(&masked).unwrap();
        assert_eq!(r.value(&value), masked);
    }

    #[test]
    fn nested_values_under_a_personal_field_are_masked_whole() {
        let r = Redactor::default();
        let body = br#"{"emails":["a@b.com.br","x@y.com"],"mainAddress":{"street":"Rua A","city":"Blumenau"},"servicos":[{"login":"joao","senha":"x1"}]}"#;
        assert_eq!(
            r.body(body, None, 10_000),
            r#"{"emails":["a***@b***.br","x***@y***.com"],"mainAddress":{"street":"R*** A***","city":"B***"},"servicos":[{"login":"***","senha":"[REDACTED]"}]}"#
        );
    }

    #[test]
    fn form_bodies_are_masked_pair_by_pair() {
        let mut r = Redactor::default();
        r.add_secret("cl13nt-s3cret");
        let form = b"grant_type=password&client_id=ponte&client_secret=cl13nt-s3cret&username=api&password=hunter22&email=maria%40example.com";
        assert_eq!(
            r.body(form, Some("application/x-www-form-urlencoded"), 10_000),
            "grant_type=password&client_id=ponte&client_secret=%5BREDACTED%5D&username=***&password=%5BREDACTED%5D&email=m***%40e***.com"
        );
    }

    #[test]
    fn any_json_is_masked_into_json_that_parses() {
        let r = Redactor::default();
        for body in [
            r#"[]"#,
            r#"{}"#,
            r#"  { "a" : [ 1 , -2.5e3 , true , null , "x" ] , "b":{}}  "#,
            r#"{"nome":"Zé","cpf":"529.982.247-25","x":"\u00e9\"\\","n":[{"email":"a@b.co"}]}"#,
            r#"{"senha":{"deep":[1,{"k":"v"}]},"telefones":["(47) 99999-0000",47999990000]}"#,
            r#"["ana@example.com", "52998224725", "é😀 ana@x.io"]"#,
            r#""a lone string with joao@example.com""#,
            r#"{"unicode é 😀 key":"valor 😀","numero":12,"cep":"89010-000"}"#,
        ] {
            let masked = r.body(body.as_bytes(), None, 100_000);
            let parsed: Result<Value, _> = serde_json::from_str(&masked);
            assert!(parsed.is_ok(), "{body} became {masked}");
            assert!(!masked.contains("@example.com"), "{masked}");
            assert!(!masked.contains("52998224725"), "{masked}");
        }
    }

    #[test]
    fn values_that_look_like_credentials_are_removed_under_any_field_name() {
        let r = Redactor::default();
        let body = br#"{"sessao":"eyJhbGciOiJIUzUxMiJ9.eyJ1c3VhcmlvIjoiYXBpIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ","auth_header_used":"Bearer 2f1e9c0a77b34d6c","plano":"Fibra 300M"}"#;
        assert_eq!(
            r.body(body, None, 10_000),
            r#"{"sessao":"[REDACTED]","auth_header_used":"[REDACTED]","plano":"Fibra 300M"}"#
        );
    }

    #[test]
    fn a_redactor_prints_no_secret() {
        let mut r = Redactor::default();
        r.add_secret("s3cr3t-token");
        assert!(!format!("{r:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_customers_document_is_masked_bare_and_formatted() {
        let mut r = Redactor::default();
        r.add_document(&Document::parse("52998224725").unwrap());
        assert_eq!(
            r.text("a=52998224725 b=529.982.247-25"),
            "a=***.982.247-** b=***.982.247-**"
        );
        assert_eq!(
            r.value(&json!({"q": "52998224725"})),
            json!({"q": "***.982.247-**"})
        );
    }
}
