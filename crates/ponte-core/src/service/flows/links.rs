//! Signed links (SPEC §5.2): the URLs of an invoice's PDF, barcode and PIX QR code work for
//! the platform's screens without the API key. A link names the integration, what it serves
//! and when it expires, and carries an HMAC-SHA256 of those with Ponte's link key; a link
//! whose signature does not match (any part changed) or whose time is past is refused.
//!
//! The key comes from the configuration, or is derived from the master key, so every node
//! sharing the database accepts the links of the others.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::service::{CallError, ErrorCode};

/// The default lifetime of a link: 24 hours.
pub const DEFAULT_LINK_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Signs and checks links.
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
    ttl: Duration,
    base_url: String,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner")
            .field("key", &"[REDACTED]")
            .field("ttl", &self.ttl)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl LinkSigner {
    /// A signer with `key` (any length; it is hashed), links valid for `ttl`, prefixed with
    /// `base_url` (Ponte's public address, e.g. `https://ponte.example.com`; empty gives
    /// paths).
    pub fn new(key: &[u8], ttl: Duration, base_url: &str) -> Self {
        Self {
            key: Sha256::digest(key).into(),
            ttl,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The link key derived from the master key, for deployments that configure none.
    pub fn derive_key(master: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256(master);
        mac.update(b"ponte signed links v1");
        mac.finalize().into_bytes().into()
    }

    /// A signer with a key of its own, for tests and for a process without configuration; its
    /// links are valid in this process only.
    pub fn random() -> Self {
        let key: [u8; 32] = rand::random();
        Self::new(&key, DEFAULT_LINK_TTL, "")
    }

    /// The URL of `path` for `integration`, with `code` when the resource needs one (`""`
    /// otherwise), signed and valid for the signer's lifetime from `now`.
    pub fn link(&self, path: &str, integration: &str, code: &str, now: OffsetDateTime) -> String {
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        let expires = now.unix_timestamp().saturating_add(ttl);
        let signature = self.signature(path, integration, code, expires);
        let expires = expires.to_string();
        let mut pairs = vec![("i", integration)];
        if !code.is_empty() {
            pairs.push(("code", code));
        }
        pairs.extend([("e", expires.as_str()), ("s", signature.as_str())]);
        let query = form_pairs(&pairs);
        format!("{}{path}?{query}", self.base_url)
    }

    /// Checks a link's parameters for `path`; `link_invalid` when the signature does not
    /// match, `link_expired` when its time is past.
    pub fn verify(
        &self,
        path: &str,
        integration: &str,
        code: &str,
        expires: &str,
        signature: &str,
        now: OffsetDateTime,
    ) -> Result<(), CallError> {
        let invalid = || {
            CallError::new(
                ErrorCode::LinkInvalid,
                "The link's signature does not match what it names; ask for the invoices again \
                 to get a fresh link.",
            )
        };
        let expires_at: i64 = expires.parse().map_err(|_| invalid())?;
        let signature = hex::decode(signature).map_err(|_| invalid())?;
        // `verify_slice` compares in constant time.
        self.mac(path, integration, code, expires_at)
            .verify_slice(&signature)
            .map_err(|_| invalid())?;
        if now.unix_timestamp() > expires_at {
            return Err(CallError::new(
                ErrorCode::LinkExpired,
                "The link has expired; ask for the invoices again to get a fresh link.",
            ));
        }
        Ok(())
    }

    fn signature(&self, path: &str, integration: &str, code: &str, expires: i64) -> String {
        hex::encode(
            self.mac(path, integration, code, expires)
                .finalize()
                .into_bytes(),
        )
    }

    /// The HMAC-SHA256 of what a link names, with the link key.
    fn mac(&self, path: &str, integration: &str, code: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = hmac_sha256(&self.key);
        mac.update(format!("{path}\n{integration}\n{code}\n{expires}").as_bytes());
        mac
    }
}

/// `a=b&c=d`, form-encoded.
fn form_pairs(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// An HMAC-SHA256 keyed with `key` (RFC 2104).
fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        assert_eq!(
            hex::encode({
                let mut mac = hmac_sha256(b"Jefe");
                mac.update(b"what do ya want for nothing?");
                mac.finalize().into_bytes()
            }),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_link_verifies_until_it_expires_and_any_change_is_refused() {
        let signer = LinkSigner::new(b"k", Duration::from_secs(60), "https://p.example");
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let link = signer.link("/v1/invoices/7/pdf", "acme", "", now);
        assert!(link.starts_with("https://p.example/v1/invoices/7/pdf?i=acme&e="));
        let query: Vec<(String, String)> = link
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let get = |name: &str| query.iter().find(|(k, _)| k == name).unwrap().1.clone();
        let (e, s) = (get("e"), get("s"));
        let path = "/v1/invoices/7/pdf";
        assert!(signer.verify(path, "acme", "", &e, &s, now).is_ok());
        let later = now + time::Duration::seconds(61);
        assert_eq!(
            signer
                .verify(path, "acme", "", &e, &s, later)
                .unwrap_err()
                .code,
            ErrorCode::LinkExpired
        );
        for (p, i, c, e2) in [
            ("/v1/invoices/8/pdf", "acme", "", e.as_str()),
            (path, "other", "", e.as_str()),
            (path, "acme", "x", e.as_str()),
            (path, "acme", "", "1900000000"),
        ] {
            assert_eq!(
                signer.verify(p, i, c, e2, &s, now).unwrap_err().code,
                ErrorCode::LinkInvalid
            );
        }
        let other = LinkSigner::new(b"other key", Duration::from_secs(60), "");
        assert!(other.verify(path, "acme", "", &e, &s, now).is_err());
    }
}
