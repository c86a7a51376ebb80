//! Contract cases for the records of the flows: order claims (idempotency of
//! `POST /v1/orders`) and associations.

use std::sync::Arc;

use serde_json::json;

use super::{create, id};
use crate::model::{Association, AssociationKind, OrderClaim};
use crate::store::{Store, StoreError, now_micros};

/// An order is claimed once; the claim answers what it found; a failed attempt's claim is
/// released, a completed one is kept with its answer; an abandoned claim is taken over only
/// with the same fingerprint once it is stale.
pub async fn an_order_is_claimed_once_and_completed_or_released(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let long_ago = now_micros() - time::Duration::hours(1);
    let claim = |integration, order: &'static str, fingerprint: &'static str| {
        let store = store.clone();
        async move {
            store
                .claim_order(&integration, order, fingerprint, long_ago)
                .await
                .unwrap()
        }
    };
    assert_eq!(claim(acme.clone(), "1", "f1").await, OrderClaim::Claimed);
    // The same id in another integration is another order.
    assert_eq!(claim(other.clone(), "1", "f9").await, OrderClaim::Claimed);
    let OrderClaim::Existing(pending) = claim(acme.clone(), "1", "f1").await else {
        panic!("a second claim of a pending order was granted");
    };
    assert_eq!(pending.fingerprint, "f1");
    assert_eq!(pending.answer, None);

    // Released: claimable again.
    store.release_order(&acme, "1").await.unwrap();
    assert_eq!(claim(acme.clone(), "1", "f2").await, OrderClaim::Claimed);
    let answer = json!({"order_id": "1", "path": "create_order"});
    store.complete_order(&acme, "1", &answer).await.unwrap();
    // Completed: kept, with its answer; releasing leaves it alone.
    store.release_order(&acme, "1").await.unwrap();
    let OrderClaim::Existing(done) = claim(acme.clone(), "1", "f2").await else {
        panic!("a completed order was claimed again");
    };
    assert_eq!(
        (done.fingerprint.as_str(), done.answer),
        ("f2", Some(answer.clone()))
    );

    // A stale claim is taken over with the same fingerprint only.
    assert_eq!(claim(acme.clone(), "2", "f3").await, OrderClaim::Claimed);
    let future = now_micros() + time::Duration::hours(1);
    let taken = store
        .claim_order(&acme, "2", "other", future)
        .await
        .unwrap();
    assert!(matches!(taken, OrderClaim::Existing(_)), "{taken:?}");
    let taken = store.claim_order(&acme, "2", "f3", future).await.unwrap();
    assert_eq!(taken, OrderClaim::Claimed);

    assert!(matches!(
        store.complete_order(&acme, "9", &answer).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Associations are replaced per kind, listed by platform code, kept apart per integration,
/// and move the configuration version.
pub async fn associations_are_replaced_per_kind_and_move_the_config_version(store: Arc<dyn Store>) {
    let acme = create(&store, "acme").await;
    let other = create(&store, "other").await;
    let a = |platform: &str, erp: &str| Association {
        platform_code: platform.into(),
        erp_code: erp.into(),
        label: format!("label {platform}"),
    };
    let before = store.config_version().await.unwrap();
    store
        .set_associations(
            &acme,
            AssociationKind::Products,
            &[a("p2", "20"), a("p1", "10")],
        )
        .await
        .unwrap();
    assert!(store.config_version().await.unwrap() > before);
    store
        .set_associations(&acme, AssociationKind::Origins, &[a("site", "3")])
        .await
        .unwrap();
    let all = store.associations(&acme).await.unwrap();
    assert_eq!(
        all[&AssociationKind::Products],
        vec![a("p1", "10"), a("p2", "20")]
    );
    assert_eq!(all[&AssociationKind::Origins], vec![a("site", "3")]);
    assert!(!all.contains_key(&AssociationKind::Resellers));
    assert!(store.associations(&other).await.unwrap().is_empty());

    // Replacing one kind leaves the others.
    store
        .set_associations(&acme, AssociationKind::Products, &[])
        .await
        .unwrap();
    let all = store.associations(&acme).await.unwrap();
    assert!(!all.contains_key(&AssociationKind::Products));
    assert_eq!(all[&AssociationKind::Origins], vec![a("site", "3")]);

    assert!(matches!(
        store
            .set_associations(&id("missing"), AssociationKind::Products, &[a("p", "1")])
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Deleting the integration deletes its associations.
    store.delete_integration(&acme).await.unwrap();
    let acme = create(&store, "acme").await;
    assert!(store.associations(&acme).await.unwrap().is_empty());
}
