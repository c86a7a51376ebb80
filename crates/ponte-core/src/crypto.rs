//! Encryption at rest for integration secrets.
//!
//! The [`Cipher`] port seals and opens byte strings bound to a context (associated data), so a
//! sealed value copied to another row or another integration no longer opens. [`AesGcmCipher`]
//! implements it with AES-256-GCM: each value gets a fresh random 96-bit nonce, stored next to
//! the ciphertext, and starts with the id of the key that sealed it, so keys can be rotated by
//! adding a new current key and keeping the old ones for opening.
//!
//! Sealed layout: `key id (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.

use std::collections::BTreeMap;
use std::fmt;

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::model::IntegrationId;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// Why sealing or opening failed. Messages never contain key material or plain text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The key given to the cipher is unusable.
    #[error("invalid encryption key: {0}")]
    InvalidKey(&'static str),
    /// The value was sealed with a key this cipher does not hold.
    #[error("the value was sealed with key id {0}, which is not configured")]
    UnknownKeyId(u8),
    /// The stored bytes are too short to be a sealed value.
    #[error("the sealed value is malformed")]
    Malformed,
    /// Authentication failed: wrong key, wrong context or tampered bytes.
    #[error("the sealed value could not be opened (wrong key, wrong context or tampered data)")]
    Open,
    /// The cipher refused to seal.
    #[error("the value could not be sealed")]
    Seal,
    /// The operating system's random generator failed.
    #[error("the system random generator failed")]
    Randomness,
    /// An opened secret is not UTF-8 text.
    #[error("an opened secret is not valid UTF-8")]
    NotUtf8,
}

/// Seals and opens values at rest. Chosen once at start-up and shared as `Arc<dyn Cipher>`.
pub trait Cipher: Send + Sync + fmt::Debug {
    /// Encrypts `plain`, binding the result to `context`.
    fn seal(&self, plain: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// Decrypts what [`Cipher::seal`] produced with the same `context`.
    fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

/// `N` bytes from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    <[u8; N]>::try_generate().map_err(|_| CryptoError::Randomness)
}

/// AES-256-GCM with a current key for sealing and any number of retired keys for opening.
pub struct AesGcmCipher {
    current: u8,
    keys: BTreeMap<u8, Aes256Gcm>,
}

impl AesGcmCipher {
    /// A cipher whose current key is `key` (32 bytes), known as `key_id`.
    pub fn new(key_id: u8, key: &[u8]) -> Result<Self, CryptoError> {
        let mut keys = BTreeMap::new();
        keys.insert(key_id, Self::aead(key)?);
        Ok(Self {
            current: key_id,
            keys,
        })
    }

    /// Like [`AesGcmCipher::new`], with the key given in standard base64 (as in a config file).
    pub fn from_base64(key_id: u8, key: &str) -> Result<Self, CryptoError> {
        let mut bytes = BASE64
            .decode(key.trim())
            .map_err(|_| CryptoError::InvalidKey("it is not valid base64"))?;
        let cipher = Self::new(key_id, &bytes);
        bytes.zeroize();
        cipher
    }

    /// Adds a retired key: values sealed with it still open, new values use the current key.
    pub fn with_retired_key(mut self, key_id: u8, key: &[u8]) -> Result<Self, CryptoError> {
        if key_id == self.current {
            return Err(CryptoError::InvalidKey(
                "a retired key cannot reuse the current key's id",
            ));
        }
        self.keys.insert(key_id, Self::aead(key)?);
        Ok(self)
    }

    /// A fresh random key in standard base64, for `ponte` to print when setting up.
    pub fn generate_key_base64() -> Result<SecretString, CryptoError> {
        let mut key: [u8; KEY_LEN] = random_bytes()?;
        let encoded = BASE64.encode(key);
        key.zeroize();
        Ok(SecretString::from(encoded))
    }

    /// The id of the key new values are sealed with.
    pub fn current_key_id(&self) -> u8 {
        self.current
    }

    fn aead(key: &[u8]) -> Result<Aes256Gcm, CryptoError> {
        if key.len() != KEY_LEN {
            return Err(CryptoError::InvalidKey("an AES-256 key is 32 bytes"));
        }
        Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::InvalidKey("rejected by AES-GCM"))
    }
}

impl fmt::Debug for AesGcmCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesGcmCipher")
            .field("current_key_id", &self.current)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Cipher for AesGcmCipher {
    fn seal(&self, plain: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let aead = self
            .keys
            .get(&self.current)
            .ok_or(CryptoError::UnknownKeyId(self.current))?;
        let nonce = Nonce::try_generate().map_err(|_| CryptoError::Randomness)?;
        let ciphertext = aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(self.current);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (&key_id, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let aead = self
            .keys
            .get(&key_id)
            .ok_or(CryptoError::UnknownKeyId(key_id))?;
        let nonce = Nonce::try_from(nonce).map_err(|_| CryptoError::Malformed)?;
        aead.decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad: context,
            },
        )
        .map_err(|_| CryptoError::Open)
    }
}

/// The associated data binding a sealed secret to its integration and name.
fn secret_context(integration: &IntegrationId, name: &str) -> Vec<u8> {
    let mut context = b"ponte-secret\0".to_vec();
    context.extend_from_slice(integration.as_str().as_bytes());
    context.push(0);
    context.extend_from_slice(name.as_bytes());
    context
}

/// Seals the secret `name` of `integration` for storage.
pub fn seal_secret(
    cipher: &dyn Cipher,
    integration: &IntegrationId,
    name: &str,
    value: &SecretString,
) -> Result<Vec<u8>, CryptoError> {
    cipher.seal(
        value.expose_secret().as_bytes(),
        &secret_context(integration, name),
    )
}

/// Opens a secret sealed by [`seal_secret`] for the same integration and name.
pub fn open_secret(
    cipher: &dyn Cipher,
    integration: &IntegrationId,
    name: &str,
    sealed: &[u8],
) -> Result<SecretString, CryptoError> {
    let plain = cipher.open(sealed, &secret_context(integration, name))?;
    match String::from_utf8(plain) {
        Ok(text) => Ok(SecretString::from(text)),
        Err(err) => {
            err.into_bytes().zeroize();
            Err(CryptoError::NotUtf8)
        }
    }
}
