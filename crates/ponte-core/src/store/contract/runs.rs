//! Contract cases for automation versions and execution records.

use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::create;
use crate::model::{
    ExecutionCursor, ExecutionId, ExecutionOutcome, ExecutionQuery, ExecutionRecord, IntegrationId,
    source_sha256,
};
use crate::store::{Store, StoreError};

/// Versions count 1, 2, 3 per (integration, function), carry the source's hash, and the latest
/// is the highest.
pub async fn automation_versions_increase_from_one_per_function(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let sources = ["steps: [] # 1", "steps: [] # 2", "steps: [] # 3"];
    let mut added = Vec::new();
    for source in sources {
        added.push(
            store
                .add_automation_version(&acme, "list_invoices", source)
                .await
                .unwrap(),
        );
    }
    let numbers: Vec<u32> = added.iter().map(|version| version.version).collect();
    assert_eq!(numbers, [1, 2, 3]);
    for (version, source) in added.iter().zip(sources) {
        assert_eq!(version.source, source);
        assert_eq!(version.sha256, source_sha256(source));
        assert_eq!(version.function, "list_invoices");
        assert_eq!(version.integration, acme);
    }
    assert_eq!(
        store
            .list_automation_versions(&acme, "list_invoices")
            .await
            .unwrap(),
        added
    );
    assert_eq!(
        store
            .latest_automation_version(&acme, "list_invoices")
            .await
            .unwrap(),
        Some(added[2].clone())
    );
    assert_eq!(
        store
            .get_automation_version(&acme, "list_invoices", 2)
            .await
            .unwrap(),
        added[1]
    );
    assert!(matches!(
        store
            .get_automation_version(&acme, "list_invoices", 9)
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Numbering is per function and per integration.
    let first_of_other_function = store
        .add_automation_version(&acme, "get_invoice", "steps: []")
        .await
        .unwrap();
    assert_eq!(first_of_other_function.version, 1);
    let first_of_other_integration = store
        .add_automation_version(&other, "list_invoices", "steps: []")
        .await
        .unwrap();
    assert_eq!(first_of_other_integration.version, 1);
    assert_eq!(
        store
            .latest_automation_version(&acme, "create_lead")
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .list_automation_versions(&acme, "create_lead")
            .await
            .unwrap()
            .is_empty()
    );
}

fn base_time() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000).expect("a valid timestamp")
}

fn record(integration: &IntegrationId, function: &str, offset_ms: i64) -> ExecutionRecord {
    ExecutionRecord {
        id: ExecutionId::new(),
        integration: integration.clone(),
        function: function.to_owned(),
        started_at: base_time() + Duration::milliseconds(offset_ms),
        duration_ms: 40,
        outcome: ExecutionOutcome::Ok,
        erp_requests: 2,
        erp_statuses: vec![200, 200],
        trace: None,
        test_run: false,
    }
}

/// A record reads back exactly as written, including its trace, outcome and ERP statuses.
pub async fn an_execution_record_round_trips(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let failed = ExecutionRecord {
        id: ExecutionId::new(),
        integration: acme.clone(),
        function: "settle_boleto".to_owned(),
        started_at: base_time() + Duration::microseconds(123_456),
        duration_ms: 30_001,
        outcome: ExecutionOutcome::Error {
            code: "erp_timeout".to_owned(),
        },
        erp_requests: 3,
        erp_statuses: vec![200, 503, 0],
        trace: Some(json!({
            "steps": [
                {"id": "login", "request": {"headers": {"authorization": "[REDACTED]"}}},
                {"id": "settle", "status": null, "error": "timed out", "body": "ção"}
            ],
            "truncated": false,
            "numbers": [1, 2.5, -3]
        })),
        test_run: true,
    };
    let succeeded = record(&acme, "list_invoices", 5);
    store.insert_execution(&failed).await.unwrap();
    store.insert_execution(&succeeded).await.unwrap();
    assert_eq!(store.get_execution(&failed.id).await.unwrap(), failed);
    assert_eq!(store.get_execution(&succeeded.id).await.unwrap(), succeeded);
    assert!(matches!(
        store.get_execution(&ExecutionId::new()).await,
        Err(StoreError::NotFound(_))
    ));
}

/// An execution id is recorded once.
pub async fn recording_an_execution_twice_is_a_conflict(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let run = record(&acme, "list_invoices", 0);
    store.insert_execution(&run).await.unwrap();
    let mut again = run.clone();
    again.duration_ms = 1;
    let err = store.insert_execution(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert_eq!(store.get_execution(&run.id).await.unwrap().duration_ms, 40);
}

/// Pages come newest first (ties on `started_at` broken by id, descending), and following the
/// cursors visits every record exactly once.
pub async fn executions_are_listed_newest_first_in_pages_without_gaps_or_repeats(
    store: Arc<dyn Store>,
) {
    let acme = create(&store, "acme").await;
    // Inserted out of order, with three runs sharing one start time.
    let offsets = [
        3_000, 0, 7_000, 1_000, 5_000, 5_000, 5_000, 2_000, 9_000, 4_000,
    ];
    let mut expected: Vec<ExecutionRecord> = offsets
        .iter()
        .map(|&offset| record(&acme, "list_invoices", offset))
        .collect();
    for run in &expected {
        store.insert_execution(run).await.unwrap();
    }
    expected.sort_by_key(|run| std::cmp::Reverse((run.started_at, run.id)));

    let mut seen = Vec::new();
    let mut page_sizes = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_executions(&ExecutionQuery {
                limit: 3,
                after,
                ..ExecutionQuery::default()
            })
            .await
            .unwrap();
        page_sizes.push(page.records.len());
        if let Some(next) = page.next {
            assert_eq!(
                Some(&next),
                page.records.last().map(ExecutionCursor::after).as_ref()
            );
        }
        seen.extend(page.records);
        after = page.next;
        if after.is_none() {
            break;
        }
        assert!(page_sizes.len() < 10, "paging does not end");
    }
    assert_eq!(page_sizes, [3, 3, 3, 1]);
    assert_eq!(seen, expected);

    let everything = store
        .list_executions(&ExecutionQuery {
            limit: 10,
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(everything.records, expected);
    assert_eq!(
        everything.next, None,
        "an exactly full last page has no next"
    );
}

/// Filters by integration and by function narrow the listing.
pub async fn executions_are_filtered_by_integration_and_function(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let runs = [
        record(&acme, "list_invoices", 0),
        record(&acme, "get_invoice", 1),
        record(&other, "list_invoices", 2),
        record(&acme, "list_invoices", 3),
    ];
    for run in &runs {
        store.insert_execution(run).await.unwrap();
    }
    let ids = |page: crate::model::ExecutionPage| -> Vec<ExecutionId> {
        page.records.into_iter().map(|run| run.id).collect()
    };
    let of_acme = store
        .list_executions(&ExecutionQuery {
            integration: Some(acme.clone()),
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(of_acme), [runs[3].id, runs[1].id, runs[0].id]);
    let acme_invoices = store
        .list_executions(&ExecutionQuery {
            integration: Some(acme.clone()),
            function: Some("list_invoices".to_owned()),
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(acme_invoices), [runs[3].id, runs[0].id]);
    let all_invoices = store
        .list_executions(&ExecutionQuery {
            function: Some("list_invoices".to_owned()),
            ..ExecutionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(all_invoices), [runs[3].id, runs[2].id, runs[0].id]);
}

/// Filters by outcome (`ok`, `error`, one code), start time and test runs narrow the listing.
pub async fn executions_are_filtered_by_outcome_time_and_test_run(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let failed = |offset, code: &str| ExecutionRecord {
        outcome: ExecutionOutcome::Error {
            code: code.to_owned(),
        },
        ..record(&acme, "list_invoices", offset)
    };
    let runs = [
        record(&acme, "list_invoices", 0),
        failed(1_000, "erp_timeout"),
        ExecutionRecord {
            test_run: true,
            ..record(&acme, "list_invoices", 2_000)
        },
        failed(3_000, "erp_unavailable"),
    ];
    for run in &runs {
        store.insert_execution(run).await.unwrap();
    }
    let ids = |page: crate::model::ExecutionPage| -> Vec<ExecutionId> {
        page.records.into_iter().map(|run| run.id).collect()
    };
    let query = |q: ExecutionQuery| {
        let store = store.clone();
        async move { ids(store.list_executions(&q).await.unwrap()) }
    };
    let outcome = |text: &str| ExecutionQuery {
        outcome: Some(text.to_owned()),
        ..ExecutionQuery::default()
    };
    assert_eq!(query(outcome("ok")).await, [runs[2].id, runs[0].id]);
    assert_eq!(query(outcome("error")).await, [runs[3].id, runs[1].id]);
    assert_eq!(query(outcome("erp_timeout")).await, [runs[1].id]);
    assert_eq!(
        query(ExecutionQuery {
            from: Some(base_time() + Duration::milliseconds(1_000)),
            to: Some(base_time() + Duration::milliseconds(3_000)),
            ..ExecutionQuery::default()
        })
        .await,
        [runs[2].id, runs[1].id]
    );
    assert_eq!(
        query(ExecutionQuery {
            test_run: Some(true),
            ..ExecutionQuery::default()
        })
        .await,
        [runs[2].id]
    );
    assert_eq!(
        query(ExecutionQuery {
            test_run: Some(false),
            outcome: Some("ok".to_owned()),
            ..ExecutionQuery::default()
        })
        .await,
        [runs[0].id]
    );
}

/// Retention deletes only runs that started before the cut-off, of every integration, oldest
/// first and at most `limit` at a time; what it keeps reads back untouched.
pub async fn executions_before_a_time_are_deleted_oldest_first_in_batches(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let mut records = Vec::new();
    for (i, integration) in [&acme, &other, &acme, &other, &acme]
        .into_iter()
        .enumerate()
    {
        let offset = i64::try_from(i).unwrap() * 1_000;
        let record = record(integration, "list_invoices", offset);
        store.insert_execution(&record).await.unwrap();
        records.push(record);
    }
    // The cut-off falls between the fourth and the fifth run.
    let cut_off = base_time() + Duration::milliseconds(3_500);
    assert_eq!(store.delete_executions_before(cut_off, 3).await.unwrap(), 3);
    // The oldest three went first: the fourth is still there.
    assert!(matches!(
        store.get_execution(&records[0].id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_execution(&records[3].id).await.unwrap(),
        records[3]
    );
    assert_eq!(store.delete_executions_before(cut_off, 3).await.unwrap(), 1);
    assert_eq!(store.delete_executions_before(cut_off, 3).await.unwrap(), 0);
    let left = store
        .list_executions(&ExecutionQuery::default())
        .await
        .unwrap();
    assert_eq!(left.records, vec![records[4].clone()]);
}

/// A batch is stored in one go; listings carry summaries only, and a record read alone brings
/// its trace back when one was kept.
pub async fn a_batch_of_records_is_stored_and_listed_without_traces(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let mut batch: Vec<ExecutionRecord> = (0..5)
        .map(|n| record(&acme, "list_invoices", n * 10))
        .collect();
    batch[2].trace = Some(json!({"steps": [{"id": "fetch"}]}));
    batch[2].outcome = ExecutionOutcome::Error {
        code: "erp_rejected".to_owned(),
    };
    batch[4].erp_requests = 0;
    batch[4].erp_statuses = Vec::new();
    store.insert_executions(&batch).await.unwrap();
    store.insert_executions(&[]).await.unwrap();

    let listed = store
        .list_executions(&ExecutionQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.records.len(), 5);
    assert!(listed.records.iter().all(|run| run.trace.is_none()));
    let mut summary_of_failed = batch[2].clone();
    summary_of_failed.trace = None;
    assert!(listed.records.contains(&summary_of_failed));
    assert_eq!(store.get_execution(&batch[2].id).await.unwrap(), batch[2]);
    assert_eq!(store.get_execution(&batch[4].id).await.unwrap(), batch[4]);
}

/// A batch with one record that cannot be stored stores none of them.
pub async fn a_batch_is_all_or_nothing(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let first = record(&acme, "list_invoices", 0);
    store.insert_execution(&first).await.unwrap();
    let fresh = record(&acme, "list_invoices", 1);
    let err = store
        .insert_executions(&[fresh.clone(), first.clone()])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert!(matches!(
        store.get_execution(&fresh.id).await,
        Err(StoreError::NotFound(_))
    ));
}
