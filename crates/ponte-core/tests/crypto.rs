//! The cipher and the secret helpers: round trips, binding to context, rotation, redaction.

use ponte_core::crypto::{AesGcmCipher, Cipher, CryptoError, open_secret, seal_secret};
use ponte_core::model::IntegrationId;
use secrecy::{ExposeSecret, SecretString};

fn cipher(id: u8, fill: u8) -> AesGcmCipher {
    AesGcmCipher::new(id, &[fill; 32]).unwrap()
}

#[test]
fn a_sealed_value_opens_with_the_same_context() {
    let cipher = cipher(1, 7);
    let sealed = cipher.seal(b"erp password", b"ctx").unwrap();
    assert_eq!(sealed[0], 1, "the key id leads the sealed bytes");
    assert_eq!(sealed.len(), 1 + 12 + b"erp password".len() + 16);
    assert_eq!(cipher.open(&sealed, b"ctx").unwrap(), b"erp password");
}

#[test]
fn a_sealed_value_does_not_open_under_another_context_or_key() {
    let sealer = cipher(1, 7);
    let sealed = sealer.seal(b"value", b"acme\0token").unwrap();
    assert_eq!(
        sealer.open(&sealed, b"other\0token"),
        Err(CryptoError::Open)
    );
    assert_eq!(
        cipher(1, 8).open(&sealed, b"acme\0token"),
        Err(CryptoError::Open)
    );
    assert_eq!(
        cipher(2, 7).open(&sealed, b"acme\0token"),
        Err(CryptoError::UnknownKeyId(1))
    );
}

#[test]
fn tampered_or_truncated_bytes_are_refused() {
    let cipher = cipher(1, 7);
    let mut sealed = cipher.seal(b"value", b"").unwrap();
    let last = sealed.len() - 1;
    sealed[last] ^= 1;
    assert_eq!(cipher.open(&sealed, b""), Err(CryptoError::Open));
    assert_eq!(cipher.open(&sealed[..20], b""), Err(CryptoError::Malformed));
    assert_eq!(cipher.open(&[], b""), Err(CryptoError::Malformed));
}

#[test]
fn each_seal_uses_a_fresh_nonce() {
    let cipher = cipher(1, 7);
    let a = cipher.seal(b"same", b"").unwrap();
    let b = cipher.seal(b"same", b"").unwrap();
    assert_ne!(a[1..13], b[1..13]);
}

#[test]
fn a_rotated_cipher_opens_old_values_and_seals_with_the_new_key() {
    let old = cipher(1, 7);
    let sealed_before = old.seal(b"kept", b"").unwrap();
    let rotated = AesGcmCipher::new(2, &[9; 32])
        .unwrap()
        .with_retired_key(1, &[7; 32])
        .unwrap();
    assert_eq!(rotated.open(&sealed_before, b"").unwrap(), b"kept");
    let sealed_after = rotated.seal(b"new", b"").unwrap();
    assert_eq!(sealed_after[0], 2);
    assert_eq!(
        old.open(&sealed_after, b""),
        Err(CryptoError::UnknownKeyId(2))
    );
    assert!(
        AesGcmCipher::new(2, &[9; 32])
            .unwrap()
            .with_retired_key(2, &[7; 32])
            .is_err()
    );
}

#[test]
fn keys_of_the_wrong_size_or_encoding_are_refused() {
    assert!(matches!(
        AesGcmCipher::new(1, &[0; 16]),
        Err(CryptoError::InvalidKey(_))
    ));
    assert!(matches!(
        AesGcmCipher::from_base64(1, "not base64!"),
        Err(CryptoError::InvalidKey(_))
    ));
    let generated = AesGcmCipher::generate_key_base64().unwrap();
    let from_config = AesGcmCipher::from_base64(3, generated.expose_secret()).unwrap();
    assert_eq!(from_config.current_key_id(), 3);
}

#[test]
fn secrets_are_bound_to_their_integration_and_name() {
    let cipher = cipher(1, 7);
    let acme = IntegrationId::parse("acme").unwrap();
    let other = IntegrationId::parse("other").unwrap();
    let value = SecretString::from("s3cr3t".to_owned());
    let sealed = seal_secret(&cipher, &acme, "token", &value).unwrap();
    assert_eq!(
        open_secret(&cipher, &acme, "token", &sealed)
            .unwrap()
            .expose_secret(),
        "s3cr3t"
    );
    assert!(open_secret(&cipher, &other, "token", &sealed).is_err());
    assert!(open_secret(&cipher, &acme, "password", &sealed).is_err());
}

#[test]
fn debug_output_never_shows_secret_values_or_keys() {
    let value = SecretString::from("s3cr3t-value".to_owned());
    let shown = format!("{value:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");

    let cipher = AesGcmCipher::new(4, &[0xAB; 32]).unwrap();
    let shown = format!("{cipher:?}");
    assert!(shown.contains("current_key_id: 4"), "{shown}");
    assert!(!shown.to_lowercase().contains("abab"), "{shown}");
    assert!(!shown.contains("171"), "{shown}");
}
