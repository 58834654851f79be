//! OpenID Connect flows (single use, expiring) and linked identities on both engines.

use crate::fixtures::{self, t0};
use jiff::SignedDuration;
use onsite_domain::UserId;
use onsite_store::external_identities::{self as ext, NewFlow, NewLink};
use onsite_store::{Store, StoreError};
use onsite_testkit::both_backends;

async fn user(store: &Store, email: &str) -> UserId {
    let mut conn = store.conn().await.unwrap();
    fixtures::user(&mut conn, email, "", None, &[]).await
}

fn flow<'a>(state_hash: &'a str, user_id: Option<UserId>) -> NewFlow<'a> {
    NewFlow {
        state_hash,
        provider: "corp",
        nonce: "nonce-1",
        pkce_verifier: "verifier-1",
        user_id,
        return_to: Some("/profile"),
        now: t0(),
        expires_at: t0() + SignedDuration::from_mins(10),
    }
}

both_backends!(a_flow_is_taken_exactly_once, |store: Store| async move {
    let ana = user(&store, "ana@example.com").await;
    let mut conn = store.conn().await.unwrap();
    ext::create_flow(&mut conn, &flow("link-state", Some(ana)))
        .await
        .unwrap();
    ext::create_flow(&mut conn, &flow("signin-state", None))
        .await
        .unwrap();

    let taken = ext::take_flow(&mut conn, "link-state", t0() + SignedDuration::from_mins(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            taken.provider.as_str(),
            taken.nonce.as_str(),
            taken.pkce_verifier.as_str(),
            taken.user_id,
            taken.return_to.as_deref()
        ),
        ("corp", "nonce-1", "verifier-1", Some(ana), Some("/profile"))
    );
    assert_eq!(
        (taken.created_at, taken.expires_at),
        (t0(), t0() + SignedDuration::from_mins(10))
    );
    // The replayed callback finds nothing.
    assert!(
        ext::take_flow(&mut conn, "link-state", t0() + SignedDuration::from_mins(1))
            .await
            .unwrap()
            .is_none()
    );
    // The other flow was not touched, and signing in carries no user.
    let other = ext::take_flow(&mut conn, "signin-state", t0())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.user_id, None);
    assert!(
        ext::take_flow(&mut conn, "never-begun", t0())
            .await
            .unwrap()
            .is_none()
    );
    // The secrets stay out of logs.
    let shown = format!("{other:?}");
    assert!(
        !shown.contains("nonce-1") && !shown.contains("verifier-1"),
        "{shown}"
    );
});

both_backends!(
    an_expired_flow_is_refused_and_gone,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        ext::create_flow(&mut conn, &flow("late", None))
            .await
            .unwrap();
        ext::create_flow(&mut conn, &flow("abandoned", None))
            .await
            .unwrap();
        let expiry = t0() + SignedDuration::from_mins(10);
        assert!(
            ext::take_flow(&mut conn, "late", expiry)
                .await
                .unwrap()
                .is_none()
        );
        // Even with a clock set back, the expired flow was deleted and cannot come back.
        assert!(
            ext::take_flow(&mut conn, "late", t0())
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            ext::purge_expired_flows(&mut conn, expiry - SignedDuration::from_secs(1))
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            ext::purge_expired_flows(&mut conn, expiry).await.unwrap(),
            1
        );
        assert!(
            ext::take_flow(&mut conn, "abandoned", t0())
                .await
                .unwrap()
                .is_none()
        );
    }
);

both_backends!(
    concurrent_callbacks_take_a_flow_once,
    |store: Store| async move {
        {
            let mut conn = store.conn().await.unwrap();
            ext::create_flow(&mut conn, &flow("raced", None))
                .await
                .unwrap();
        }
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = store.conn().await.unwrap();
                ext::take_flow(&mut conn, "raced", t0())
                    .await
                    .unwrap()
                    .is_some()
            }));
        }
        let mut winners = 0;
        for t in tasks {
            winners += usize::from(t.await.unwrap());
        }
        assert_eq!(winners, 1);
    }
);

both_backends!(an_identity_belongs_to_one_user, |store: Store| async move {
    let ana = user(&store, "ana@example.com").await;
    let bo = user(&store, "bo@example.com").await;
    let mut conn = store.conn().await.unwrap();
    let link = |user_id, subject, email, now| NewLink {
        user_id,
        provider: "corp",
        subject,
        email,
        now,
    };

    let first = ext::link(
        &mut conn,
        &link(ana, "sub-1", Some("ana@corp.example"), t0()),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            first.user_id,
            first.provider.as_str(),
            first.subject.as_str()
        ),
        (ana, "corp", "sub-1")
    );
    assert_eq!(
        (first.email.as_deref(), first.linked_at),
        (Some("ana@corp.example"), t0())
    );

    // Bo cannot take Ana's identity, and Ana's link is unchanged.
    let later = t0() + SignedDuration::from_hours(1);
    let refused = ext::link(
        &mut conn,
        &link(bo, "sub-1", Some("bo@corp.example"), later),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&refused, StoreError::Conflict { constraint } if constraint == ext::LINKED_ELSEWHERE),
        "{refused:?}"
    );
    assert_eq!(
        ext::find(&mut conn, "corp", "sub-1").await.unwrap(),
        Some(first.clone())
    );
    assert!(ext::for_user(&mut conn, bo).await.unwrap().is_empty());

    // Linking again to Ana keeps the link and refreshes the address.
    let again = ext::link(
        &mut conn,
        &link(ana, "sub-1", Some("ana.silva@corp.example"), later),
    )
    .await
    .unwrap();
    assert_eq!(
        (again.id, again.linked_at, again.email.as_deref()),
        (first.id, t0(), Some("ana.silva@corp.example"))
    );

    // The same subject at another provider is another identity.
    let elsewhere = ext::link(
        &mut conn,
        &NewLink {
            user_id: bo,
            provider: "other",
            subject: "sub-1",
            email: None,
            now: later,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        ext::find(&mut conn, "other", "sub-1")
            .await
            .unwrap()
            .map(|i| i.user_id),
        Some(bo)
    );
    assert_eq!(elsewhere.email, None);
    assert_eq!(ext::find(&mut conn, "corp", "sub-2").await.unwrap(), None);
});

both_backends!(
    users_list_and_unlink_only_their_own_identities,
    |store: Store| async move {
        let ana = user(&store, "ana@example.com").await;
        let bo = user(&store, "bo@example.com").await;
        let mut conn = store.conn().await.unwrap();
        let a1 = ext::link(
            &mut conn,
            &NewLink {
                user_id: ana,
                provider: "corp",
                subject: "a1",
                email: None,
                now: t0(),
            },
        )
        .await
        .unwrap();
        let a2 = ext::link(
            &mut conn,
            &NewLink {
                user_id: ana,
                provider: "other",
                subject: "a2",
                email: None,
                now: t0() + SignedDuration::from_secs(5),
            },
        )
        .await
        .unwrap();
        let b1 = ext::link(
            &mut conn,
            &NewLink {
                user_id: bo,
                provider: "corp",
                subject: "b1",
                email: None,
                now: t0(),
            },
        )
        .await
        .unwrap();

        assert_eq!(
            ext::for_user(&mut conn, ana).await.unwrap(),
            vec![a1.clone(), a2.clone()]
        );
        // Ana cannot unlink Bo's identity by guessing its id.
        assert!(!ext::unlink(&mut conn, ana, b1.id).await.unwrap());
        assert_eq!(
            ext::find(&mut conn, "corp", "b1").await.unwrap(),
            Some(b1.clone())
        );
        assert!(ext::unlink(&mut conn, ana, a1.id).await.unwrap());
        assert!(!ext::unlink(&mut conn, ana, a1.id).await.unwrap());
        assert_eq!(ext::for_user(&mut conn, ana).await.unwrap(), vec![a2]);
        assert_eq!(ext::find(&mut conn, "corp", "a1").await.unwrap(), None);
        // Once unlinked, the identity can go to someone else.
        let moved = ext::link(
            &mut conn,
            &NewLink {
                user_id: bo,
                provider: "corp",
                subject: "a1",
                email: None,
                now: t0(),
            },
        )
        .await
        .unwrap();
        assert_eq!(moved.user_id, bo);
        assert_eq!(ext::for_user(&mut conn, bo).await.unwrap().len(), 2);
    }
);
