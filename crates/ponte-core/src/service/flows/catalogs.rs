//! The catalog cache (SPEC §5.5): the four catalog lists (`list_products`, `list_resellers`,
//! `list_due_dates`, `list_commercial_origins`) of an integration are kept in memory for
//! `cache.lists_ttl_seconds` (10 minutes by default; `0` switches the cache off), whichever
//! route calls them, so the platform's configuration pages do not call the ERP at every view.
//! The operator clears an integration's entries with `DELETE /admin/v1/integrations/{id}/cache`.
//!
//! A hit answers the output of the run that filled the entry, with that run's execution id.
//! The cache is per process: with several nodes, each keeps its own, and clearing it clears
//! the entries of the node that was asked (the others expire within the TTL).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ponte_catalog::FunctionId;
use serde_json::Value;

use crate::model::{ExecutionId, IntegrationId};

/// Whether `function` is one of the four cached catalog lists.
pub(crate) fn is_catalog(function: FunctionId) -> bool {
    matches!(
        function,
        FunctionId::ListProducts
            | FunctionId::ListResellers
            | FunctionId::ListDueDates
            | FunctionId::ListCommercialOrigins
    )
}

/// One list as its run answered it.
#[derive(Debug, Clone)]
struct Cached {
    output: Value,
    execution_id: ExecutionId,
    stored_at: Instant,
}

/// The cached lists of every integration.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache {
    entries: Mutex<HashMap<(IntegrationId, FunctionId), Cached>>,
}

impl CatalogCache {
    /// The list, when one younger than `ttl` is kept.
    pub(crate) fn get(
        &self,
        integration: &IntegrationId,
        function: FunctionId,
        ttl: Duration,
    ) -> Option<(Value, ExecutionId)> {
        let entries = self.entries.lock().ok()?;
        let cached = entries.get(&(integration.clone(), function))?;
        (cached.stored_at.elapsed() < ttl).then(|| (cached.output.clone(), cached.execution_id))
    }

    /// Keeps the list a run has just answered.
    pub(crate) fn put(
        &self,
        integration: &IntegrationId,
        function: FunctionId,
        output: &Value,
        execution_id: ExecutionId,
    ) {
        // A poisoned map only means another call panicked mid-insert; not caching is safe.
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(
                (integration.clone(), function),
                Cached {
                    output: output.clone(),
                    execution_id,
                    stored_at: Instant::now(),
                },
            );
        }
    }

    /// Drops every list of the integration; answers how many there were.
    pub(crate) fn clear(&self, integration: &IntegrationId) -> usize {
        let Ok(mut entries) = self.entries.lock() else {
            return 0;
        };
        let before = entries.len();
        entries.retain(|(id, _), _| id != integration);
        before - entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_lives_for_its_ttl_and_clearing_drops_only_that_integration() {
        let cache = CatalogCache::default();
        let a = IntegrationId::parse("a").unwrap();
        let b = IntegrationId::parse("b").unwrap();
        let run = ExecutionId::new();
        cache.put(&a, FunctionId::ListProducts, &Value::Bool(true), run);
        cache.put(&b, FunctionId::ListProducts, &Value::Bool(false), run);
        let ttl = Duration::from_secs(60);
        assert_eq!(
            cache.get(&a, FunctionId::ListProducts, ttl),
            Some((Value::Bool(true), run))
        );
        assert_eq!(cache.get(&a, FunctionId::ListResellers, ttl), None);
        assert_eq!(
            cache.get(&a, FunctionId::ListProducts, Duration::ZERO),
            None
        );
        assert_eq!(cache.clear(&a), 1);
        assert_eq!(cache.get(&a, FunctionId::ListProducts, ttl), None);
        assert!(cache.get(&b, FunctionId::ListProducts, ttl).is_some());
        assert!(is_catalog(FunctionId::ListCommercialOrigins));
        assert!(!is_catalog(FunctionId::ListInvoices));
    }
}
