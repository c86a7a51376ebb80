//! Operator passwords: hashed with Argon2id (memory-hard) into a PHC string, verified against
//! it, and refused when too weak to be worth hashing.
//!
//! Only the PHC string is ever stored; the plain password lives in a [`SecretString`] for the
//! moment it is hashed or compared and appears in no error, log line or `Debug` output.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Nothing was given.
    #[error("the password is empty")]
    Empty,
    /// Shorter than [`MIN_PASSWORD_LEN`] characters.
    #[error("the password is shorter than {MIN_PASSWORD_LEN} characters")]
    TooShort,
    /// Too few different characters (`aaaaaaaaaaaa`, `121212121212`).
    #[error("the password repeats too few different characters")]
    TooRepetitive,
    /// It contains the operator's own name.
    #[error("the password contains the operator's name")]
    ContainsName,
}

/// Checks a new password for `name`: long enough, varied enough, and not the name.
pub fn check_password(name: &str, password: &SecretString) -> Result<(), WeakPassword> {
    let text = password.expose_secret();
    if text.trim().is_empty() {
        return Err(WeakPassword::Empty);
    }
    if text.chars().count() < MIN_PASSWORD_LEN {
        return Err(WeakPassword::TooShort);
    }
    let distinct: std::collections::BTreeSet<char> = text.chars().collect();
    if distinct.len() < 5 {
        return Err(WeakPassword::TooRepetitive);
    }
    if !name.is_empty() && text.to_lowercase().contains(&name.to_lowercase()) {
        return Err(WeakPassword::ContainsName);
    }
    Ok(())
}

/// Argon2id with the parameters OWASP recommends as a minimum (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password could not be hashed (never expected with fixed parameters).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The password's Argon2id PHC string, with a fresh random salt.
pub fn hash_password(password: &SecretString) -> Result<String, HashError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|err| HashError(err.to_string()))?;
    hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| HashError(err.to_string()))
}

/// Whether `password` is the one `phc` was made from. A PHC string that does not parse
/// matches nothing.
pub fn verify_password(password: &SecretString, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        hasher()
            .verify_password(password.expose_secret().as_bytes(), &hash)
            .is_ok()
    })
}

/// How many password hashes or verifications run at once. Each takes tens of milliseconds of
/// CPU and 19 MiB: they run on blocking threads, a few at a time, so a burst of sign-ins waits
/// its turn instead of stalling the async workers that answer the ERP calls (or spawning
/// hundreds of threads of 19 MiB each).
const AT_ONCE: usize = 2;

static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(AT_ONCE);

/// Runs `work` (a hash or a verification) on a blocking thread when its turn comes.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _turn = TURNS.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}

/// [`hash_password`], off the async workers and a few at a time.
pub async fn hash_password_in_turn(password: &SecretString) -> Result<String, HashError> {
    let password = password.clone();
    in_turn(move || hash_password(&password))
        .await
        .unwrap_or_else(|| Err(HashError("the hashing task stopped".to_owned())))
}

/// [`verify_password`] against `phc`, or [`verify_nothing`] when there is no account, off the
/// async workers and a few at a time. False when it could not run.
pub async fn verify_in_turn(password: &SecretString, phc: Option<String>) -> bool {
    let password = password.clone();
    in_turn(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            verify_nothing(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Spends the time of one verification for a name that has no account, so the answer's timing
/// does not tell which operator names exist.
pub fn verify_nothing(password: &SecretString) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        hash_password(&SecretString::from("no operator has this password")).unwrap_or_default()
    });
    let _ = verify_password(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let password = SecretString::from("correct horse battery");
        let one = hash_password(&password).unwrap();
        let two = hash_password(&password).unwrap();
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert_ne!(one, two, "every hash has its own salt");
        assert!(!one.contains("correct horse"));
        assert!(verify_password(&password, &one));
        assert!(verify_password(&password, &two));
        assert!(!verify_password(
            &SecretString::from("correct horse battery!"),
            &one
        ));
        assert!(!verify_password(&password, "not a phc string"));
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        let check = |name, text: &str| check_password(name, &SecretString::from(text.to_owned()));
        assert_eq!(check("maria", ""), Err(WeakPassword::Empty));
        assert_eq!(check("maria", "   "), Err(WeakPassword::Empty));
        assert_eq!(check("maria", "short1!"), Err(WeakPassword::TooShort));
        assert_eq!(
            check("maria", "abababababab"),
            Err(WeakPassword::TooRepetitive)
        );
        assert_eq!(
            check("maria", "MARIA-2026-ponte"),
            Err(WeakPassword::ContainsName)
        );
        assert_eq!(check("maria", "correct horse battery"), Ok(()));
    }
}
