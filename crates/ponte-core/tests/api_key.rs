//! API key generation, shape, hashing and the "shown once" type.

use ponte_core::model::{API_KEY_PREFIX, ApiKey, ApiKeyHash, IntegrationId};
use time::OffsetDateTime;

fn issue() -> ponte_core::model::IssuedApiKey {
    ApiKey::generate(
        IntegrationId::parse("acme").unwrap(),
        OffsetDateTime::UNIX_EPOCH,
    )
    .unwrap()
}

#[test]
fn a_generated_key_has_the_documented_shape_and_prefix() {
    let issued = issue();
    let record = issued.key.clone();
    let plain = issued.plain.reveal();
    assert_eq!(plain.len(), API_KEY_PREFIX.len() + 64);
    assert!(plain.starts_with(API_KEY_PREFIX));
    assert_eq!(record.prefix, &plain[..API_KEY_PREFIX.len() + 8]);
    assert_eq!(ApiKey::lookup_prefix(&plain), Some(record.prefix.as_str()));
    assert_eq!(record.hash, ApiKeyHash::of(&plain));
    assert!(record.accepts(&plain));
    assert!(!record.revoked);
}

#[test]
fn two_keys_are_never_the_same() {
    let a = issue().plain.reveal();
    let b = issue().plain.reveal();
    assert_ne!(a, b);
}

#[test]
fn malformed_keys_have_no_lookup_prefix() {
    let plain = issue().plain.reveal();
    for bad in [
        String::new(),
        "ponte_".to_owned(),
        plain.to_uppercase(),
        format!("{plain}a"),
        plain[..plain.len() - 1].to_owned(),
        plain.replace("ponte_", "ponte-"),
        format!("{}g", &plain[..plain.len() - 1]),
    ] {
        assert_eq!(ApiKey::lookup_prefix(&bad), None, "{bad:?}");
    }
}

#[test]
fn a_revoked_or_different_key_is_not_accepted() {
    let issued = issue();
    let mut record = issued.key.clone();
    let plain = issued.plain.reveal();
    assert!(!record.accepts(&issue().plain.reveal()));
    record.revoked = true;
    assert!(!record.accepts(&plain));
}

#[test]
fn hashes_compare_by_value() {
    let a = ApiKeyHash::of("ponte_a");
    assert!(a.matches(&ApiKeyHash::of("ponte_a")));
    assert!(!a.matches(&ApiKeyHash::of("ponte_b")));
    assert_eq!(ApiKeyHash::from_slice(a.as_bytes()), Some(a));
    assert_eq!(ApiKeyHash::from_slice(&[0; 31]), None);
}

#[test]
fn the_plain_key_is_redacted_in_debug_output() {
    let issued = issue();
    let shown = format!("{issued:?}");
    let plain = issued.plain.reveal();
    let secret_part = &plain[API_KEY_PREFIX.len() + 8..];
    assert!(!shown.contains(secret_part), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
}
