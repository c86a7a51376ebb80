//! The contract every [`Store`] implementation must honour, as a test suite both store crates
//! run (behind the `contract-tests` feature).
//!
//! Each case is a public async function taking a fresh, empty store and panicking on the first
//! broken promise. A store crate runs them all with [`crate::store_contract_tests!`], which
//! writes one `#[tokio::test]` per case, so a new case reaches every implementation at once.
//!
//! This module is test support: it panics on purpose, like any test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod config;
mod flows;
mod integrations;
mod keys;
mod operators;
mod payments;
mod runs;
mod secrets;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use async_trait::async_trait;
use futures::FutureExt as _;

use super::Store;
use crate::model::{Integration, IntegrationId};

pub use config::*;
pub use flows::*;
pub use integrations::*;
pub use keys::*;
pub use operators::*;
pub use payments::*;
pub use runs::*;
pub use secrets::*;

/// A fresh store for one case, and how to clean up after it (for example dropping a database).
#[async_trait]
pub trait Fixture: Send + Sync + 'static {
    /// The store under test.
    fn store(&self) -> Arc<dyn Store>;

    /// Releases what the fixture created. Runs even when the case failed.
    async fn teardown(self);
}

/// Runs one case on a fixture from `setup`, tears the fixture down, then re-raises the case's
/// panic if it had one. A `setup` answering `None` means "skipped" (it should say why).
pub async fn run_case<S, SF, F, C, CF>(setup: S, case: C)
where
    S: FnOnce() -> SF,
    SF: Future<Output = Option<F>>,
    F: Fixture,
    C: FnOnce(Arc<dyn Store>) -> CF,
    CF: Future<Output = ()>,
{
    let Some(fixture) = setup().await else {
        return;
    };
    let outcome = AssertUnwindSafe(case(fixture.store())).catch_unwind().await;
    fixture.teardown().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Writes one `#[tokio::test]` per contract case, each on a fixture from `$setup` (a path to an
/// `async fn() -> Option<impl Fixture>`), with the attributes given after it (for example an
/// `ignore` with its reason). The calling crate needs `tokio` as a dev-dependency.
#[macro_export]
macro_rules! store_contract_tests {
    ($setup:path $(, #[$meta:meta])*) => {
        $crate::store_contract_tests!(@cases $setup; [$(#[$meta])*];
            ping_answers,
            an_integration_round_trips_with_its_settings_variables_and_bindings,
            creating_an_integration_twice_is_a_conflict,
            a_missing_integration_is_not_found,
            updating_an_integration_replaces_its_fields_and_keeps_its_secrets,
            integrations_are_listed_in_id_order,
            bindings_are_set_replaced_and_removed,
            deleting_an_integration_removes_everything_it_owns,
            secrets_are_listed_by_name_and_opened_for_the_engine,
            secret_values_are_encrypted_at_rest,
            deleting_a_secret_removes_it_and_a_missing_one_is_not_found,
            secrets_of_one_integration_are_invisible_to_another,
            secret_names_are_validated,
            an_api_key_resolves_to_its_integration,
            a_wrong_or_malformed_key_resolves_to_nothing,
            a_revoked_key_resolves_to_nothing,
            a_provisioned_key_resolves_and_cannot_be_stored_twice,
            a_key_of_one_integration_never_resolves_to_another,
            automation_versions_increase_from_one_per_function,
            an_execution_record_round_trips,
            recording_an_execution_twice_is_a_conflict,
            executions_are_listed_newest_first_in_pages_without_gaps_or_repeats,
            executions_are_filtered_by_integration_and_function,
            executions_are_filtered_by_outcome_time_and_test_run,
            executions_before_a_time_are_deleted_oldest_first_in_batches,
            a_batch_of_records_is_stored_and_listed_without_traces,
            a_batch_is_all_or_nothing,
            every_configuration_change_moves_the_config_version,
            active_api_keys_are_the_unrevoked_ones_with_their_integration,
            provisioning_is_a_declarative_upsert,
            provisioning_a_key_of_another_integration_is_a_conflict,
            concurrent_provisioning_of_one_integration_both_succeed,
            a_payment_is_stored_once_per_transaction_id,
            a_claimed_payment_is_leased_to_one_worker,
            payment_updates_keep_history_and_schedule_retries,
            failed_payments_are_listed_and_retried,
            concurrent_claims_take_each_payment_once,
            an_order_is_claimed_once_and_completed_or_released,
            associations_are_replaced_per_kind_and_move_the_config_version,
            operators_round_trip_and_a_name_is_taken_once,
            sessions_are_found_by_hash_and_end_with_their_operator,
            the_audit_log_is_listed_newest_first_filtered_and_paged,
        );
    };
    // One case at a time, so the attributes repeat inside one test rather than across cases.
    (@cases $setup:path; $attrs:tt; $case:ident $(, $rest:ident)* $(,)?) => {
        $crate::store_contract_tests!(@one $setup; $attrs; $case);
        $crate::store_contract_tests!(@cases $setup; $attrs; $($rest),*);
    };
    (@cases $setup:path; $attrs:tt;) => {};
    (@one $setup:path; [$(#[$meta:meta])*]; $case:ident) => {
        #[tokio::test]
        $(#[$meta])*
        async fn $case() {
            $crate::store::contract::run_case($setup, $crate::store::contract::$case).await;
        }
    };
}

/// A fresh store answers `ping`.
pub async fn ping_answers(store: Arc<dyn Store>) {
    store.ping().await.expect("a fresh store answers ping");
}

fn id(value: &str) -> IntegrationId {
    IntegrationId::parse(value).expect("test ids are valid")
}

/// Creates a bare integration named after its id.
async fn create(store: &Arc<dyn Store>, value: &str) -> IntegrationId {
    let integration = Integration::new(id(value), format!("ISP {value}"));
    store
        .create_integration(&integration)
        .await
        .expect("a new integration is created");
    integration.id
}
