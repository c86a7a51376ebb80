//! An integration's health over the last 24 hours, from its execution records: calls, error
//! rate, p95 latency, per hour and per function. Test runs are left out: they are the
//! operator's, not the platform's traffic.

use std::collections::BTreeMap;

use ponte_core::model::{Actor, ExecutionOutcome, ExecutionRecord};
use ponte_core::service::admin::ExecutionFilter;
use ponte_core::service::{CallError, Ponte};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// How far back the health looks.
pub const WINDOW: Duration = Duration::hours(24);

/// At most this many records are read per integration; beyond, the figures are of the newest.
const MAX_RECORDS: usize = 20_000;

/// The summary of a set of runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    /// Runs.
    pub calls: usize,
    /// Runs that ended with an error.
    pub errors: usize,
    /// Errors over calls, in percent, one decimal.
    pub error_rate: String,
    /// The 95th percentile of durations, in milliseconds (`None` without calls).
    pub p95_ms: Option<u64>,
}

impl Figures {
    fn of<'a>(records: impl Iterator<Item = &'a ExecutionRecord>) -> Figures {
        let mut durations = Vec::new();
        let mut errors = 0;
        for record in records {
            durations.push(record.duration_ms);
            if matches!(record.outcome, ExecutionOutcome::Error { .. }) {
                errors += 1;
            }
        }
        let calls = durations.len();
        durations.sort_unstable();
        let p95_ms = (calls > 0).then(|| {
            // Nearest rank: the smallest duration at or above 95 % of the runs.
            let rank = (calls * 95).div_ceil(100).max(1);
            durations[rank - 1]
        });
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let error_rate = if calls == 0 {
            "–".to_owned()
        } else {
            format!("{:.1} %", errors as f64 * 100.0 / calls as f64)
        };
        Figures {
            calls,
            errors,
            error_rate,
            p95_ms,
        }
    }
}

/// One hour of one function.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// Hours before now at which the bucket starts (23 is the oldest, 0 the current hour).
    pub hours_ago: i64,
    /// Its figures.
    pub figures: Figures,
}

/// An integration's last 24 hours.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Health {
    /// All functions together.
    pub total: Figures,
    /// Per function that ran, with its 24 hourly buckets, oldest first.
    pub functions: BTreeMap<String, Vec<Bucket>>,
}

/// Reads the integration's runs of the last 24 hours.
///
/// # Errors
/// The store failed.
pub async fn of(ponte: &Ponte, actor: &Actor, integration: &str) -> Result<Health, CallError> {
    let now = OffsetDateTime::now_utc();
    let since = now - WINDOW;
    let mut records = Vec::new();
    let mut filter = ExecutionFilter {
        integration: Some(integration.to_owned()),
        limit: Some(500),
        from: Some(since),
        test_run: Some(false),
        ..ExecutionFilter::default()
    };
    'pages: loop {
        let page = ponte.admin(actor).list_executions(&filter).await?;
        for record in page.records {
            if record.started_at < since || records.len() >= MAX_RECORDS {
                break 'pages;
            }
            if !record.test_run {
                records.push(record);
            }
        }
        match page.next {
            Some(next) => filter.after = Some(next),
            None => break,
        }
    }
    let mut by_function: BTreeMap<String, Vec<Vec<&ExecutionRecord>>> = BTreeMap::new();
    for record in &records {
        let hours_ago = ((now - record.started_at).whole_hours()).clamp(0, 23);
        let slots = by_function
            .entry(record.function.clone())
            .or_insert_with(|| vec![Vec::new(); 24]);
        #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)] // clamped to 0..=23
        slots[23 - hours_ago as usize].push(record);
    }
    let functions = by_function
        .into_iter()
        .map(|(function, slots)| {
            let buckets = slots
                .into_iter()
                .enumerate()
                .map(|(n, runs)| Bucket {
                    #[allow(clippy::cast_possible_wrap)] // n < 24
                    hours_ago: 23 - n as i64,
                    figures: Figures::of(runs.into_iter()),
                })
                .collect();
            (function, buckets)
        })
        .collect();
    Ok(Health {
        total: Figures::of(records.iter()),
        functions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ponte_core::model::{ExecutionId, IntegrationId};

    fn run(ms: u64, ok: bool) -> ExecutionRecord {
        ExecutionRecord {
            id: ExecutionId::new(),
            integration: IntegrationId::parse("acme").unwrap(),
            function: "list_invoices".into(),
            started_at: OffsetDateTime::now_utc(),
            duration_ms: ms,
            outcome: if ok {
                ExecutionOutcome::Ok
            } else {
                ExecutionOutcome::Error {
                    code: "erp_timeout".into(),
                }
            },
            erp_requests: 1,
            erp_statuses: vec![200],
            trace: None,
            test_run: false,
        }
    }

    #[test]
    fn the_p95_is_the_nearest_rank_and_the_error_rate_a_percentage() {
        let runs: Vec<_> = (1..=20).map(|n| run(n * 10, n % 4 != 0)).collect();
        let figures = Figures::of(runs.iter());
        assert_eq!(figures.calls, 20);
        assert_eq!(figures.errors, 5);
        assert_eq!(figures.error_rate, "25.0 %");
        assert_eq!(figures.p95_ms, Some(190));
        let none = Figures::of(std::iter::empty());
        assert_eq!(none.p95_ms, None);
    }
}
