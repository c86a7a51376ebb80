//! API keys: how a platform proves which integration it speaks for.
//!
//! A key is `ponte_` followed by 64 lower-case hex digits (32 random bytes). Only its SHA-256
//! hash is stored, together with a short prefix used to find the candidate rows quickly; the
//! plain key exists once, in the [`IssuedApiKey`] returned at creation, and is never stored.
//! Because the key carries 256 bits of randomness a plain SHA-256 is enough (a slow password
//! hash would only slow down every request).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::integration::IntegrationId;
use crate::crypto::{CryptoError, random_bytes};

/// Every plain key starts with this, so a leaked key is recognisable by secret scanners.
pub const API_KEY_PREFIX: &str = "ponte_";

/// Hex digits after [`API_KEY_PREFIX`] that form the lookup prefix. 32 bits keep candidate
/// lists to one row in practice while revealing nothing useful about the rest of the key.
const LOOKUP_HEX_DIGITS: usize = 8;

/// Random bytes in a key.
const KEY_BYTES: usize = 32;

/// The identifier of an API key, used to list and revoke it (never to authenticate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKeyId(Uuid);

impl ApiKeyId {
    /// A fresh identifier.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// Wraps an identifier read back from storage or from a request.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for ApiKeyId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ApiKeyId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// The SHA-256 of a plain key.
///
/// `Hash` lets the service keep keys in a map; a map lookup compares hashes with ordinary
/// equality, which is safe because a caller cannot choose the bytes of a SHA-256 digest, so
/// timing tells nothing about how close a guess came.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ApiKeyHash([u8; 32]);

impl ApiKeyHash {
    /// The hash of `plain`, whatever its shape.
    pub fn of(plain: &str) -> Self {
        Self(Sha256::digest(plain.as_bytes()).into())
    }

    /// Rebuilds a hash from its 32 stored bytes; `None` when the length is wrong.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    /// The 32 bytes, as stored.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Compares two hashes in time independent of where they differ, so response timing tells
    /// nothing about how close a guess came.
    pub fn matches(&self, other: &ApiKeyHash) -> bool {
        let difference = self
            .0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }
}

impl fmt::Debug for ApiKeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeyHash({})", hex::encode(self.0))
    }
}

impl From<ApiKeyHash> for String {
    fn from(hash: ApiKeyHash) -> Self {
        hex::encode(hash.0)
    }
}

impl TryFrom<String> for ApiKeyHash {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let bytes = hex::decode(&value).map_err(|_| "an API key hash is 64 hex digits")?;
        Self::from_slice(&bytes).ok_or_else(|| "an API key hash is 64 hex digits".to_owned())
    }
}

/// A plain API key, held only between its creation and the moment it is shown to the operator.
///
/// It is neither `Clone` nor `Serialize`, and its `Debug` is redacted; [`PlainApiKey::reveal`]
/// consumes it, so showing it is the last thing that can happen to it.
pub struct PlainApiKey(SecretString);

impl PlainApiKey {
    /// Gives up the key's text, to be shown once.
    pub fn reveal(self) -> String {
        self.0.expose_secret().to_owned()
    }
}

impl fmt::Debug for PlainApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainApiKey([REDACTED])")
    }
}

/// A stored API key: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Identifier for listing and revoking.
    pub id: ApiKeyId,
    /// The integration the key speaks for.
    pub integration: IntegrationId,
    /// The first characters of the plain key (`ponte_` and 8 hex digits), to find it and to let
    /// an operator recognise it.
    pub prefix: String,
    /// SHA-256 of the plain key.
    pub hash: ApiKeyHash,
    /// When the key was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// A revoked key never authenticates again.
    pub revoked: bool,
}

/// A key just created: the record to store and the plain key to show once.
#[derive(Debug)]
pub struct IssuedApiKey {
    /// The record the store keeps.
    pub key: ApiKey,
    /// The plain key, shown once and then dropped.
    pub plain: PlainApiKey,
}

impl ApiKey {
    /// Creates a new random key for `integration`.
    pub fn generate(
        integration: IntegrationId,
        created_at: OffsetDateTime,
    ) -> Result<IssuedApiKey, CryptoError> {
        let bytes: [u8; KEY_BYTES] = random_bytes()?;
        let plain = format!("{API_KEY_PREFIX}{}", hex::encode(bytes));
        let prefix = plain[..API_KEY_PREFIX.len() + LOOKUP_HEX_DIGITS].to_owned();
        let key = ApiKey {
            id: ApiKeyId::new(),
            integration,
            prefix,
            hash: ApiKeyHash::of(&plain),
            created_at,
            revoked: false,
        };
        Ok(IssuedApiKey {
            key,
            plain: PlainApiKey(SecretString::from(plain)),
        })
    }

    /// The record of a key whose plain text already exists (an operator's provisioned key).
    /// `None` when the text does not have the shape of a Ponte key.
    pub fn from_plain(
        integration: IntegrationId,
        plain: &str,
        created_at: OffsetDateTime,
    ) -> Option<ApiKey> {
        let prefix = Self::lookup_prefix(plain)?.to_owned();
        Some(ApiKey {
            id: ApiKeyId::new(),
            integration,
            prefix,
            hash: ApiKeyHash::of(plain),
            created_at,
            revoked: false,
        })
    }

    /// The lookup prefix of a presented key, or `None` when it does not have the shape of a
    /// Ponte key (then no lookup is needed: it cannot match).
    pub fn lookup_prefix(plain: &str) -> Option<&str> {
        let digits = plain.strip_prefix(API_KEY_PREFIX)?;
        let well_formed = digits.len() == KEY_BYTES * 2
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| &plain[..API_KEY_PREFIX.len() + LOOKUP_HEX_DIGITS])
    }

    /// Whether `plain` is this key and the key is still valid.
    pub fn accepts(&self, plain: &str) -> bool {
        let matches = self.hash.matches(&ApiKeyHash::of(plain));
        matches && !self.revoked
    }
}
