//! Retention of execution records: traces carry personal data (masked, but still about a
//! customer) and grow with every call, so records older than the configured age are deleted.

use std::sync::Arc;
use std::time::Duration;

use super::{CallError, Ponte, internal};
use crate::store::now_micros;

/// Records deleted per statement: small enough that no delete holds the database for long.
const BATCH: u32 = 1_000;

impl Ponte {
    /// Deletes the execution records that started more than `keep` ago, in batches, and answers
    /// how many went.
    pub async fn prune_executions(&self, keep: Duration) -> Result<u64, CallError> {
        let keep = time::Duration::try_from(keep).unwrap_or(time::Duration::MAX);
        let Some(cut_off) = now_micros().checked_sub(keep) else {
            return Ok(0);
        };
        let mut deleted = 0;
        loop {
            let batch = self
                .store()
                .delete_executions_before(cut_off, BATCH)
                .await
                .map_err(|err| internal("execution retention", &err))?;
            deleted += batch;
            if batch < u64::from(BATCH) {
                return Ok(deleted);
            }
            // Let calls reach the database between batches.
            tokio::task::yield_now().await;
        }
    }

    /// Prunes records older than `keep` now and then every `every`, for as long as the task
    /// runs (abort it at shutdown). A failed round is logged and retried at the next one.
    pub async fn keep_pruning_executions(self: Arc<Self>, keep: Duration, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match self.prune_executions(keep).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(
                    deleted,
                    older_than_days = keep.as_secs() / 86_400,
                    "old execution records deleted"
                ),
                // `internal` has logged the cause.
                Err(_) => {}
            }
        }
    }
}
