//! Execution records: one small summary per function run, and the redacted trace of the runs
//! the recording policy keeps (failures, test runs, a sample of successes).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::integration::IntegrationId;

/// The largest page [`ExecutionQuery::limit`] may ask for; larger limits are reduced to it.
pub const MAX_EXECUTION_PAGE: u32 = 500;

/// The identifier of one run: a UUID v7, so identifiers sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExecutionId(Uuid);

impl ExecutionId {
    /// A fresh identifier for a run starting now.
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

impl Default for ExecutionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for ExecutionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ExecutionId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExecutionOutcome {
    /// The function answered.
    Ok,
    /// The function failed with one of Ponte's error codes (for example `erp_timeout`).
    Error {
        /// The stable error code.
        code: String,
    },
}

/// One run of a function for an integration.
///
/// Stores keep timestamps to the microsecond; finer parts of `started_at` are dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// The run's identifier, also sent as `Ponte-Execution-Id`.
    pub id: ExecutionId,
    /// The integration whose function ran.
    pub integration: IntegrationId,
    /// The catalog function that ran.
    pub function: String,
    /// When the run started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// How long the run took.
    pub duration_ms: u64,
    /// How it ended.
    pub outcome: ExecutionOutcome,
    /// How many requests the run sent to the ERP.
    pub erp_requests: u32,
    /// The HTTP status of each of those requests in the order they were sent; `0` for a
    /// request the ERP never answered (refused connection, timeout).
    pub erp_statuses: Vec<u16>,
    /// The run's trace, already redacted by the engine: kept for failures, test runs and the
    /// sampled successes, `None` otherwise (and in listings, which carry summaries only).
    pub trace: Option<serde_json::Value>,
    /// Whether this was a test run from the admin API.
    pub test_run: bool,
}

/// The ERP statuses of a record as stored: decimal numbers separated by commas.
pub fn statuses_text(statuses: &[u16]) -> String {
    let mut text = String::with_capacity(statuses.len() * 4);
    for (n, status) in statuses.iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(&status.to_string());
    }
    text
}

/// Reads back [`statuses_text`]; `None` when the text is not such a list.
pub fn parse_statuses(text: &str) -> Option<Vec<u16>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',').map(|part| part.parse().ok()).collect()
}

/// Where a page of executions continues: just after the record with this start time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionCursor {
    /// `started_at` of the last record of the previous page.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// `id` of the last record of the previous page.
    pub id: ExecutionId,
}

impl ExecutionCursor {
    /// The cursor that continues after `record`.
    pub fn after(record: &ExecutionRecord) -> Self {
        Self {
            started_at: record.started_at,
            id: record.id,
        }
    }
}

/// Which executions to list, newest first (by `started_at`, then by id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecutionQuery {
    /// Only this integration's runs.
    pub integration: Option<IntegrationId>,
    /// Only this function's runs.
    pub function: Option<String>,
    /// Page size; `0` means the default of 50, and anything above [`MAX_EXECUTION_PAGE`] is
    /// reduced to it.
    pub limit: u32,
    /// Continue after this record instead of starting from the newest.
    pub after: Option<ExecutionCursor>,
    /// Only runs that ended so: `"ok"`, `"error"` (any failure) or one error code.
    pub outcome: Option<String>,
    /// Only runs that started at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Only runs that started before this time.
    pub to: Option<OffsetDateTime>,
    /// Only test runs (`Some(true)`) or only the platform's calls (`Some(false)`).
    pub test_run: Option<bool>,
}

impl ExecutionQuery {
    /// The page size the store should use.
    pub fn effective_limit(&self) -> u32 {
        match self.limit {
            0 => 50,
            n => n.min(MAX_EXECUTION_PAGE),
        }
    }
}

/// One page of executions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionPage {
    /// The records, newest first.
    pub records: Vec<ExecutionRecord>,
    /// Where the next page starts, or `None` when this page is the last.
    pub next: Option<ExecutionCursor>,
}
