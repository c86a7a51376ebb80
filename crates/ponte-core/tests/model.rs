//! Integration ids, settings defaults and strictness, and the serde shapes of the model.

use ponte_core::model::{
    AutomationRef, Integration, IntegrationId, IntegrationSettings, OrderProcedure, PendencyMatch,
    source_sha256, validate_secret_name,
};
use serde_json::json;

#[test]
fn integration_ids_accept_lower_case_slugs_only() {
    for good in ["acme", "acme-ixc", "isp_2", "0acme"] {
        assert_eq!(IntegrationId::parse(good).unwrap().as_str(), good);
    }
    for bad in [
        "",
        "ACME",
        "-acme",
        "_acme",
        "acme ixc",
        "acmé",
        &"a".repeat(65),
    ] {
        assert!(IntegrationId::parse(bad).is_err(), "{bad:?}");
    }
    assert!(serde_json::from_value::<IntegrationId>(json!("Bad Id")).is_err());
}

#[test]
fn secret_names_allow_letters_digits_and_a_little_punctuation() {
    for good in ["token", "API_TOKEN", "oauth.client-secret"] {
        assert!(validate_secret_name(good).is_ok(), "{good}");
    }
    for bad in ["", "api token", "x/y", "senha_çã"] {
        assert!(validate_secret_name(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn settings_default_to_the_spec_table() {
    let settings: IntegrationSettings = serde_json::from_value(json!({})).unwrap();
    assert_eq!(settings, IntegrationSettings::default());
    assert!(!settings.allow_insecure_tls);
    assert_eq!(settings.order_procedure, OrderProcedure::CreateOrder);
    assert!(!settings.skip_customer_check);
    assert!(!settings.lead_for_existing_customer);
    assert!(settings.payment.is_empty());
    assert!(settings.pix.is_empty());
    assert!(settings.pendency_rules.is_empty());
    assert_eq!(settings.cache.lists_ttl_seconds, 600);
    assert_eq!(settings.cache.reads_ttl_seconds, 0);
    assert_eq!(settings.timeouts.request_ms, 10_000);
    assert_eq!(settings.timeouts.function_ms, 30_000);
    assert_eq!(settings.limits.max_concurrent_requests, 8);
    assert!(settings.allowed_hosts.is_empty());
}

#[test]
fn settings_reject_unknown_fields_at_every_level() {
    for bad in [
        json!({"order_procedur": "create_ticket"}),
        json!({"cache": {"lists_ttl": 5}}),
        json!({"pix": [{"identifier": "a", "key": "k", "merchant_name": "n",
                        "merchant_city": "c", "extra": 1}]}),
        json!({"order_procedure": "create_something"}),
    ] {
        assert!(
            serde_json::from_value::<IntegrationSettings>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn an_integration_reads_from_json_with_defaults_for_what_is_missing() {
    let integration: Integration = serde_json::from_value(json!({
        "id": "acme",
        "name": "ACME",
        "settings": {
            "order_procedure": "create_ticket",
            "timeouts": {"request_ms": 2000},
            "pendency_rules": [{"label": "debt", "pattern": "débito"}]
        },
        "variables": {"base_url": "https://erp.example"},
        "bindings": {
            "list_invoices": {"kind": "preset", "preset": "ixc"},
            "get_invoice": {"kind": "version", "version": 4},
            "create_lead": {"kind": "latest"}
        }
    }))
    .unwrap();
    assert!(integration.active);
    assert_eq!(integration.preset, None);
    assert_eq!(
        integration.settings.order_procedure,
        OrderProcedure::CreateTicket
    );
    assert_eq!(integration.settings.timeouts.request_ms, 2000);
    assert_eq!(integration.settings.timeouts.function_ms, 30_000);
    assert_eq!(
        integration.settings.pendency_rules[0].kind,
        PendencyMatch::Keyword
    );
    assert_eq!(
        integration.bindings["get_invoice"],
        AutomationRef::Version { version: 4 }
    );
    let back = serde_json::to_value(&integration).unwrap();
    assert_eq!(
        serde_json::from_value::<Integration>(back).unwrap(),
        integration
    );
}

#[test]
fn the_source_hash_is_hex_sha256() {
    assert_eq!(
        source_sha256("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
