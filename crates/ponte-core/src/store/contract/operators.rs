//! Contract cases for operators, their sessions and the audit log.

use std::sync::Arc;

use serde_json::json;
use time::Duration;

use crate::model::{AuditEntry, AuditQuery, Operator, OperatorSession, Role};
use crate::store::{Store, StoreError, now_micros};

fn operator(name: &str, role: Role) -> Operator {
    Operator {
        name: name.to_owned(),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$hash-of-{name}"),
        created_at: now_micros(),
        disabled: false,
    }
}

/// An operator reads back as stored, listed by name; a second one with the same name is a
/// conflict; deleting one that does not exist is not found.
pub async fn operators_round_trip_and_a_name_is_taken_once(store: Arc<dyn Store>) {
    let maria = operator("maria", Role::Admin);
    let joao = operator("joao", Role::Viewer);
    store.create_operator(&maria).await.unwrap();
    store.create_operator(&joao).await.unwrap();
    assert_eq!(
        store.get_operator("maria").await.unwrap(),
        Some(maria.clone())
    );
    assert_eq!(store.get_operator("nobody").await.unwrap(), None);
    assert_eq!(
        store.list_operators().await.unwrap(),
        vec![joao.clone(), maria.clone()]
    );
    assert!(matches!(
        store
            .create_operator(&operator("maria", Role::Viewer))
            .await,
        Err(StoreError::Conflict(_))
    ));
    store.delete_operator("joao").await.unwrap();
    assert!(matches!(
        store.delete_operator("joao").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_operators().await.unwrap(), vec![maria]);
}

/// A session is found by its hash only; ending it or removing its operator ends it; a new
/// session sweeps the ones that expired.
pub async fn sessions_are_found_by_hash_and_end_with_their_operator(store: Arc<dyn Store>) {
    store
        .create_operator(&operator("maria", Role::Admin))
        .await
        .unwrap();
    let now = now_micros();
    let session = |hash: &str, expires_in: Duration| OperatorSession {
        token_hash: hash.to_owned(),
        operator: "maria".to_owned(),
        csrf_token: format!("csrf-{hash}"),
        created_at: now,
        expires_at: now + expires_in,
    };
    let old = OperatorSession {
        created_at: now - Duration::hours(13),
        ..session("aa01", -Duration::hours(1))
    };
    store.create_session(&old).await.unwrap();
    assert_eq!(store.get_session("aa01").await.unwrap(), Some(old));

    let live = session("bb02", Duration::hours(12));
    store.create_session(&live).await.unwrap();
    assert_eq!(store.get_session("bb02").await.unwrap(), Some(live));
    assert_eq!(
        store.get_session("aa01").await.unwrap(),
        None,
        "an expired session is swept when another one begins"
    );

    let orphan = OperatorSession {
        operator: "nobody".to_owned(),
        ..session("cc03", Duration::hours(1))
    };
    assert!(store.create_session(&orphan).await.is_err());

    store.delete_session("bb02").await.unwrap();
    assert_eq!(store.get_session("bb02").await.unwrap(), None);
    store.delete_session("bb02").await.unwrap();

    store
        .create_session(&session("dd04", Duration::hours(1)))
        .await
        .unwrap();
    store.delete_operator("maria").await.unwrap();
    assert_eq!(store.get_session("dd04").await.unwrap(), None);
}

/// Entries get increasing ids, come back newest first, and filter by actor, by target (an
/// integration's target finds what it contains, and only that), by time and by page.
pub async fn the_audit_log_is_listed_newest_first_filtered_and_paged(store: Arc<dyn Store>) {
    let start = now_micros() - Duration::minutes(10);
    let mut stored = Vec::new();
    for (minute, actor, action, target) in [
        (0, "maria", "integration.create", "integration:acme"),
        (
            1,
            "admin-token",
            "secret.set",
            "integration:acme/secret:token",
        ),
        (2, "maria", "integration.create", "integration:acme_2"),
        (3, "joao", "operator.add", "operator:ana"),
        (4, "maria", "integration.update", "integration:acmex"),
    ] {
        let entry = AuditEntry {
            id: 0,
            at: start + Duration::minutes(minute),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            before: (minute > 0).then(|| json!({"name": "before", "n": minute})),
            after: Some(json!({"name": "after", "n": minute})),
        };
        let back = store.append_audit(&entry).await.unwrap();
        assert_eq!(
            back,
            AuditEntry {
                id: back.id,
                ..entry
            }
        );
        stored.push(back);
    }
    assert!(stored.windows(2).all(|pair| pair[0].id < pair[1].id));

    let ids = |entries: Vec<AuditEntry>| entries.iter().map(|e| e.id).collect::<Vec<_>>();
    let all = store.list_audit(&AuditQuery::default()).await.unwrap();
    assert_eq!(all.first(), stored.last());
    assert_eq!(all.len(), 5);

    let by_maria = AuditQuery {
        actor: Some("maria".into()),
        ..AuditQuery::default()
    };
    assert_eq!(
        ids(store.list_audit(&by_maria).await.unwrap()),
        vec![stored[4].id, stored[2].id, stored[0].id]
    );

    let acme = AuditQuery {
        target: Some("integration:acme".into()),
        ..AuditQuery::default()
    };
    assert_eq!(
        ids(store.list_audit(&acme).await.unwrap()),
        vec![stored[1].id, stored[0].id],
        "neither `acme_2` nor `acmex` belongs to `acme`"
    );

    let window = AuditQuery {
        from: Some(start + Duration::minutes(1)),
        to: Some(start + Duration::minutes(3)),
        ..AuditQuery::default()
    };
    assert_eq!(
        ids(store.list_audit(&window).await.unwrap()),
        vec![stored[2].id, stored[1].id]
    );

    let first = AuditQuery {
        limit: 2,
        ..AuditQuery::default()
    };
    let page = store.list_audit(&first).await.unwrap();
    assert_eq!(ids(page.clone()), vec![stored[4].id, stored[3].id]);
    let next = AuditQuery {
        limit: 2,
        before_id: page.last().map(|e| e.id),
        ..AuditQuery::default()
    };
    assert_eq!(
        ids(store.list_audit(&next).await.unwrap()),
        vec![stored[2].id, stored[1].id]
    );
}
