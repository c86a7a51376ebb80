//! Contract cases for settlements: stored once per transaction id, leased to one worker at a
//! time, changed only by the worker holding them, with their history.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::create;
use crate::model::{
    IntegrationId, Payment, PaymentError, PaymentQuery, PaymentState, PaymentUpdate,
};
use crate::store::{Store, now_micros};

fn payment(integration: &IntegrationId, transaction: &str, amount: &str) -> Payment {
    Payment::new(
        integration.clone(),
        transaction.to_owned(),
        json!({
            "transaction": {"id": transaction, "amount": amount, "paid_at": "2026-12-01T10:00:00Z"},
            "boleto_id": "145535",
            "customer_document_number": "52998224725"
        }),
        now_micros(),
    )
}

fn moving_to(state: PaymentState) -> PaymentUpdate {
    PaymentUpdate {
        state,
        erp_answer: json!(null),
        settling_value: None,
        error: None,
        retry_at: None,
        lease_until: None,
    }
}

/// A settlement is stored once per (integration, transaction id); a repeat answers the first
/// one untouched, and another integration may use the same transaction id.
pub async fn a_payment_is_stored_once_per_transaction_id(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let first = payment(&acme, "tx-1", "99.90");
    let (stored, created) = store.insert_payment(&first).await.unwrap();
    assert!(created);
    assert_eq!(stored, first);
    let (again, created) = store
        .insert_payment(&payment(&acme, "tx-1", "10.00"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id);
    assert_eq!(again.request_sha256, first.request_sha256);
    let (theirs, created) = store
        .insert_payment(&payment(&other, "tx-1", "99.90"))
        .await
        .unwrap();
    assert!(created);
    assert_ne!(theirs.id, first.id);
    assert_eq!(
        store.get_payment(&acme, "tx-1").await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(store.get_payment(&acme, "tx-2").await.unwrap(), None);
    let history = store.payment_history(first.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].state, PaymentState::Pending);
}

/// A claimed settlement is leased to its worker: nobody else takes it until the lease expires,
/// and once another worker took it the first one can change it no more.
pub async fn a_claimed_payment_is_leased_to_one_worker(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let stored = payment(&acme, "tx-1", "99.90");
    store.insert_payment(&stored).await.unwrap();
    let now = now_micros() + Duration::seconds(1);
    let taken = store
        .claim_payments("worker-a", now, now + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 1);
    assert!(
        store
            .claim_payments("worker-b", now, now + Duration::seconds(30), 10)
            .await
            .unwrap()
            .is_empty(),
        "a leased payment is not taken twice"
    );
    let later = now + Duration::seconds(31);
    let retaken = store
        .claim_payments("worker-b", later, later + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(retaken.len(), 1, "an expired lease frees the payment");
    assert_eq!(retaken[0].attempts, 2);
    assert!(
        !store
            .update_payment(
                stored.id,
                "worker-a",
                &moving_to(PaymentState::Settling),
                later
            )
            .await
            .unwrap(),
        "a worker that lost its lease changes nothing"
    );
    assert!(
        store
            .update_payment(
                stored.id,
                "worker-b",
                &moving_to(PaymentState::Verifying),
                later
            )
            .await
            .unwrap()
    );
    let now_state = store.get_payment(&acme, "tx-1").await.unwrap().unwrap();
    assert_eq!(now_state.state, PaymentState::Verifying);
}

/// Updates are kept in the history in order; the value at the first write-off is set once;
/// a retry releases the lease and makes the payment due later; final states are never claimed.
pub async fn payment_updates_keep_history_and_schedule_retries(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let stored = payment(&acme, "tx-1", "99.90");
    store.insert_payment(&stored).await.unwrap();
    let now = now_micros() + Duration::seconds(1);
    let lease = now + Duration::seconds(30);
    store.claim_payments("w", now, lease, 10).await.unwrap();
    let mut settling = moving_to(PaymentState::Settling);
    settling.settling_value = Some("99.90".into());
    settling.erp_answer = json!({"valor_final": "99.90"});
    assert!(
        store
            .update_payment(stored.id, "w", &settling, now)
            .await
            .unwrap()
    );
    let mut retry = moving_to(PaymentState::Pending);
    retry.settling_value = Some("1.00".into());
    retry.erp_answer = json!({"error": {"code": "erp_timeout"}});
    retry.retry_at = Some(now + Duration::seconds(60));
    assert!(
        store
            .update_payment(stored.id, "w", &retry, now)
            .await
            .unwrap()
    );
    let read = store.get_payment(&acme, "tx-1").await.unwrap().unwrap();
    assert_eq!(read.settling_value.as_deref(), Some("99.90"), "set once");
    assert_eq!(read.state, PaymentState::Pending);
    assert!(
        store
            .claim_payments("w2", now + Duration::seconds(59), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due before its retry time, though its lease was released"
    );
    let due = now + Duration::seconds(61);
    assert_eq!(
        store
            .claim_payments("w2", due, due + Duration::seconds(30), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut settled = moving_to(PaymentState::Settled);
    settled.erp_answer = json!({"type": "success"});
    assert!(
        store
            .update_payment(stored.id, "w2", &settled, due)
            .await
            .unwrap()
    );
    let far = due + Duration::days(1);
    assert!(
        store
            .claim_payments("w3", far, far + Duration::seconds(30), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let states: Vec<PaymentState> = store
        .payment_history(stored.id)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.state)
        .collect();
    assert_eq!(
        states,
        [
            PaymentState::Pending,
            PaymentState::Settling,
            PaymentState::Pending,
            PaymentState::Settled
        ]
    );
    let history = store.payment_history(stored.id).await.unwrap();
    assert_eq!(history[3].erp_answer, json!({"type": "success"}));
}

/// Failed settlements are listed by state, and the operator's retry makes one pending and
/// due again; anything else is not retried.
pub async fn failed_payments_are_listed_and_retried(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let one = payment(&acme, "tx-1", "1.00");
    let two = payment(&acme, "tx-2", "2.00");
    store.insert_payment(&one).await.unwrap();
    store.insert_payment(&two).await.unwrap();
    let now = now_micros() + Duration::seconds(1);
    store
        .claim_payments("w", now, now + Duration::seconds(30), 1)
        .await
        .unwrap();
    let mut failed = moving_to(PaymentState::Failed);
    failed.error = Some(PaymentError {
        code: "amount_mismatch".into(),
        detail: "paid 1.00".into(),
    });
    assert!(
        store
            .update_payment(one.id, "w", &failed, now)
            .await
            .unwrap()
    );
    let listed = store
        .list_payments(&PaymentQuery {
            state: Some(PaymentState::Failed),
            ..PaymentQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].transaction_id, "tx-1");
    assert_eq!(listed[0].error.as_ref().unwrap().code, "amount_mismatch");
    assert!(!store.retry_payment(two.id, now).await.unwrap());
    let later = now + Duration::seconds(5);
    assert!(store.retry_payment(one.id, later).await.unwrap());
    let read = store.get_payment(&acme, "tx-1").await.unwrap().unwrap();
    assert_eq!(read.state, PaymentState::Pending);
    assert_eq!(read.error, None);
    assert_eq!(read.retry_since, later);
    let by_tx = store
        .list_payments(&PaymentQuery {
            transaction_id: Some("tx-2".into()),
            ..PaymentQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(by_tx.len(), 1);
}

/// Workers claiming at the same moment share the due settlements out: each is taken exactly
/// once.
pub async fn concurrent_claims_take_each_payment_once(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let mut ids = BTreeSet::new();
    for n in 0..24 {
        let stored = payment(&acme, &format!("tx-{n}"), "1.00");
        ids.insert(stored.id);
        store.insert_payment(&stored).await.unwrap();
    }
    let now: OffsetDateTime = now_micros() + Duration::seconds(1);
    let mut tasks = Vec::new();
    for worker in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let owner = format!("worker-{worker}");
            let mut taken = Vec::new();
            for _ in 0..10 {
                let batch = store
                    .claim_payments(&owner, now, now + Duration::seconds(30), 3)
                    .await
                    .unwrap();
                taken.extend(batch.into_iter().map(|p| p.id));
                tokio::task::yield_now().await;
            }
            taken
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: BTreeSet<_> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "no payment was taken twice");
    assert_eq!(unique, ids, "every payment was taken");
}
