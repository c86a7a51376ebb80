//! Run traces and their redaction.
//!
//! A trace records, per step, each request as rendered (URL, headers, body), its status,
//! duration and a truncated response body. Before anything is written into it, text passes
//! through the [`Redactor`]: credential headers are replaced wholesale, every secret value the
//! run knows (integration secrets, rendered auth values, session tokens) is cut out wherever it
//! appears, and the customer's document is masked (LGPD).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// What replaces a secret in a trace.
pub const REDACTED: &str = "[REDACTED]";

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

/// Removes secrets and masks documents in text bound for a trace.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    masks: Vec<(String, String)>,
    extra_headers: Vec<String>,
}

impl Redactor {
    /// Redact this value wherever it appears (ignored when shorter than 4 characters, which
    /// would shred ordinary text without protecting anything).
    pub fn add_secret(&mut self, value: &str) {
        if value.len() >= 4 && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_owned());
            // Longest first, so a secret containing another is removed whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Replace `needle` by `masked` wherever it appears (documents).
    pub fn add_mask(&mut self, needle: &str, masked: &str) {
        if needle.len() >= 4 {
            self.masks.push((needle.to_owned(), masked.to_owned()));
            self.masks.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        }
    }

    /// Treat a header name as a credential (an API-key header named by the automation).
    pub fn add_sensitive_header(&mut self, name: &str) {
        self.extra_headers.push(name.to_ascii_lowercase());
    }

    /// The text with secrets removed and documents masked.
    #[must_use]
    pub fn text(&self, text: &str) -> String {
        self.redacted(text).into_owned()
    }

    /// As [`Self::text`], borrowing the text when there is nothing in it to hide (most text):
    /// then nothing is copied. A value longer than the text is not searched for.
    pub(crate) fn redacted<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out: Option<String> = None;
        let replacements = self
            .secrets
            .iter()
            .map(|s| (s.as_str(), REDACTED))
            .chain(self.masks.iter().map(|(n, m)| (n.as_str(), m.as_str())));
        for (needle, with) in replacements {
            let current = out.as_deref().unwrap_or(text);
            if needle.len() <= current.len() && current.contains(needle) {
                out = Some(current.replace(needle, with));
            }
        }
        out.map_or(Cow::Borrowed(text), Cow::Owned)
    }

    /// True when the header carries credentials.
    #[must_use]
    pub fn is_sensitive_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        SENSITIVE_HEADERS.contains(&lower.as_str()) || self.extra_headers.contains(&lower)
    }

    /// A URL with sensitive query values replaced, then passed through [`Self::text`].
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
                    (
                        k.into_owned(),
                        if hide {
                            REDACTED.to_owned()
                        } else {
                            v.into_owned()
                        },
                    )
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

    /// A body for a trace: redacted and cut to `limit` bytes (on a character boundary).
    #[must_use]
    pub fn body(&self, body: &str, limit: usize) -> String {
        let redacted = self.redacted(body);
        if redacted.len() <= limit {
            return redacted.into_owned();
        }
        let mut end = limit;
        while !redacted.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}… ({} bytes in all)", &redacted[..end], redacted.len())
    }
}

/// The record of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// Function id.
    pub function: String,
    /// Automation name and version hash.
    pub automation: String,
    /// SHA-256 of the automation source.
    pub automation_sha256: String,
    /// Total duration in milliseconds.
    pub duration_ms: u64,
    /// The steps, in the order they ran.
    pub steps: Vec<StepTrace>,
    /// The output, when the run succeeded (masked like the rest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The error, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TraceError>,
}

/// The error that ended a run.
#[derive(Debug, Clone, Serialize)]
pub struct TraceError {
    /// Stable code.
    pub code: String,
    /// Message (redacted).
    pub message: String,
}

/// One step of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepTrace {
    /// Step id.
    pub id: String,
    /// `request`, `set`, `return`, `fail`, or `auth` for a token request.
    pub kind: String,
    /// The `when` condition was false.
    pub skipped: bool,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Loop iterations, for a `for_each` step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Pages read, for a paginated request, and why reading stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationTrace>,
    /// The HTTP exchanges, retries and pages included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestTrace>,
}

/// How a pagination went.
#[derive(Debug, Clone, Serialize)]
pub struct PaginationTrace {
    /// Pages read.
    pub pages: u32,
    /// Records gathered.
    pub records: usize,
    /// `empty_page`, `repeated_page`, `stop_expression`, `no_next`, `max_pages`.
    pub stopped_by: String,
}

/// One HTTP exchange.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestTrace {
    /// Method.
    pub method: String,
    /// URL, redacted.
    pub url: String,
    /// Request headers, redacted.
    pub headers: BTreeMap<String, String>,
    /// Request body, redacted and truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Attempt number (1 for the first try).
    pub attempt: u32,
    /// Page number, for paginated requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Response status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Response content type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Response body, redacted and truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Transport error or the reason this attempt was not accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
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
        let u = url::Url::parse("https://erp.test/x?api_token=abc&page=2").unwrap();
        assert_eq!(
            r.url(&u),
            "https://erp.test/x?api_token=%5BREDACTED%5D&page=2"
        );
    }

    #[test]
    fn bodies_are_redacted_before_they_are_cut() {
        let mut r = Redactor::default();
        r.add_secret("s3cr3t-token");
        // The secret crosses the limit: no part of it may be kept.
        let cut = r.body("token=s3cr3t-token; and more", 10);
        assert_eq!(cut, "token=[RED… (26 bytes in all)");
        assert_eq!(r.body("nothing to hide", 100), "nothing to hide");
        assert_eq!(r.text("s3cr"), "s3cr");
    }

    #[test]
    fn bodies_are_cut_on_a_character_boundary() {
        let r = Redactor::default();
        let cut = r.body("ééééé", 3);
        assert!(cut.starts_with('é'));
        assert!(cut.contains("10 bytes in all"));
    }
}
