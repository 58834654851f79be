//! Sessions, rate limits, invitations and password resets on both engines.

use crate::fixtures;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::TimeZoneName;
use onsite_domain::{ContactId, UserId};
use onsite_store::accounts::{self, NewAccount, NewContact};
use onsite_store::invitations::{self, CodeStatus, NewInvitation};
use onsite_store::sessions::{self, NewSession};
use onsite_store::{Store, password_resets, rate_limits};
use onsite_testkit::both_backends;

async fn contact(store: &Store, email: &str) -> (ContactId, EmailAddress) {
    let mut conn = store.conn().await.unwrap();
    let address = Address {
        line: "1 Rue Notre-Dame O".into(),
        city: "Montréal".into(),
        postal_code: "H2Y 1S6".into(),
        country: "CA".into(),
        location: GeoPoint::new(45.5048, -73.5563).unwrap(),
        time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
    };
    let account_id = accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name: "Acme",
            active: true,
            address: &address,
            territory_id: None,
        },
    )
    .await
    .unwrap();
    let email = EmailAddress::parse(email).unwrap();
    let id = accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id,
            first_name: "Ana",
            last_name: "Silva",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
    (id, email)
}

async fn user(store: &Store, email: &str) -> UserId {
    let mut conn = store.conn().await.unwrap();
    fixtures::user(&mut conn, email, "", None, &[]).await
}

const IDLE: SignedDuration = SignedDuration::from_hours(2);

both_backends!(
    sessions_expire_when_idle_or_past_their_end,
    |store: Store| async move {
        let user_id = user(&store, "s@example.com").await;
        let t0 = Timestamp::from_second(1_800_000_000).unwrap();
        let mut conn = store.conn().await.unwrap();
        for id in ["a", "b", "c"] {
            sessions::create(
                &mut conn,
                &NewSession {
                    id_hash: id,
                    user_id,
                    csrf_token: "tok",
                    now: t0,
                    expires_at: t0 + SignedDuration::from_hours(24),
                },
            )
            .await
            .unwrap();
        }
        let found = sessions::find_active(&mut conn, "a", t0 + SignedDuration::from_mins(90), IDLE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.user.id, found.csrf_token.as_str()), (user_id, "tok"));
        // Activity at 1h30 moved the idle deadline: still alive at 3h.
        assert!(
            sessions::find_active(&mut conn, "a", t0 + SignedDuration::from_hours(3), IDLE)
                .await
                .unwrap()
                .is_some()
        );
        // "b" was idle for 3h: gone, and deleted.
        assert!(
            sessions::find_active(&mut conn, "b", t0 + SignedDuration::from_hours(3), IDLE)
                .await
                .unwrap()
                .is_none()
        );
        // Past the absolute end, activity does not help.
        assert!(
            sessions::find_active(&mut conn, "a", t0 + SignedDuration::from_hours(25), IDLE)
                .await
                .unwrap()
                .is_none()
        );
        // Ending the others keeps the one named.
        sessions::create(
            &mut conn,
            &NewSession {
                id_hash: "d",
                user_id,
                csrf_token: "t",
                now: t0,
                expires_at: t0 + SignedDuration::from_hours(24),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            sessions::delete_for_user(&mut conn, user_id, Some("d"))
                .await
                .unwrap(),
            1
        );
        assert!(
            sessions::find_active(&mut conn, "c", t0, IDLE)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::find_active(&mut conn, "d", t0, IDLE)
                .await
                .unwrap()
                .is_some()
        );
    }
);

both_backends!(
    rate_limits_count_exactly_under_concurrency,
    |store: Store| async move {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let window = SignedDuration::from_mins(15);
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = store.conn().await.unwrap();
                rate_limits::hit(&mut conn, "signin:ip:10.0.0.1", now, window)
                    .await
                    .unwrap()
            }));
        }
        let mut counts = Vec::new();
        for t in tasks {
            counts.push(t.await.unwrap());
        }
        counts.sort();
        assert_eq!(
            counts,
            (1..=40).collect::<Vec<i64>>(),
            "each hit has its own count"
        );
        let mut conn = store.conn().await.unwrap();
        assert_eq!(
            rate_limits::hit(&mut conn, "signin:ip:10.0.0.2", now, window)
                .await
                .unwrap(),
            1,
            "other keys are separate"
        );
        assert_eq!(
            rate_limits::hit(&mut conn, "signin:ip:10.0.0.1", now + window, window)
                .await
                .unwrap(),
            1,
            "a new window starts afresh"
        );
    }
);

both_backends!(
    counters_give_hits_back_keep_their_last_hit_and_are_forgotten,
    |store: Store| async move {
        let t0 = Timestamp::from_second(1_800_000_000 / 900 * 900).unwrap();
        let window = SignedDuration::from_mins(15);
        let later = t0 + SignedDuration::from_secs(30);
        let mut conn = store.conn().await.unwrap();
        let key = "sign-in:account:a@example.com";
        assert_eq!(
            rate_limits::peek(&mut conn, key, t0, window).await.unwrap(),
            rate_limits::Counter::default()
        );
        rate_limits::hit(&mut conn, key, t0, window).await.unwrap();
        rate_limits::hit(&mut conn, key, later, window)
            .await
            .unwrap();
        rate_limits::take_back(&mut conn, key, later, window)
            .await
            .unwrap();
        assert_eq!(
            rate_limits::peek(&mut conn, key, later, window)
                .await
                .unwrap(),
            rate_limits::Counter {
                hits: 1,
                last_hit_at: Some(later)
            }
        );
        for _ in 0..3 {
            rate_limits::take_back(&mut conn, key, later, window)
                .await
                .unwrap();
        }
        assert_eq!(
            rate_limits::peek(&mut conn, key, later, window)
                .await
                .unwrap()
                .hits,
            0,
            "never below zero"
        );
        assert_eq!(rate_limits::window_end(later, window), t0 + window);
        rate_limits::hit(&mut conn, key, t0 + window, window)
            .await
            .unwrap();
        rate_limits::hit(&mut conn, "another", t0, window)
            .await
            .unwrap();
        rate_limits::clear(&mut conn, key).await.unwrap();
        assert_eq!(
            rate_limits::peek(&mut conn, key, t0 + window, window)
                .await
                .unwrap()
                .hits,
            0
        );
        assert_eq!(
            rate_limits::peek(&mut conn, "another", t0, window)
                .await
                .unwrap()
                .hits,
            1
        );
    }
);

both_backends!(
    only_the_newest_invitation_works_and_only_once,
    |store: Store| async move {
        let (contact_id, email) = contact(&store, "guest@example.com").await;
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let expires_at = now + SignedDuration::from_hours(24 * 14);
        let mut conn = store.conn().await.unwrap();
        let new = |hash| NewInvitation {
            contact_id,
            email: &email,
            roles: &[Role::SelfScheduling, Role::CustomerReviewer],
            code_hash: hash,
            created_by: None,
            now,
            expires_at,
        };
        invitations::create(&mut conn, &new("old")).await.unwrap();
        let id = invitations::create(&mut conn, &new("new")).await.unwrap();
        assert_eq!(
            invitations::status(&mut conn, "old", now).await.unwrap(),
            CodeStatus::Revoked
        );
        assert_eq!(
            invitations::status(&mut conn, "nope", now).await.unwrap(),
            CodeStatus::Unknown
        );
        assert_eq!(
            invitations::status(&mut conn, "new", expires_at)
                .await
                .unwrap(),
            CodeStatus::Expired
        );
        let CodeStatus::Usable {
            invitation_id,
            email: bound,
            roles,
            ..
        } = invitations::status(&mut conn, "new", now).await.unwrap()
        else {
            panic!("usable expected")
        };
        assert_eq!((invitation_id, bound), (id, email.clone()));
        assert_eq!(roles, [Role::SelfScheduling, Role::CustomerReviewer]);
        let user_id = user(&store, "guest@example.com").await;
        invitations::mark_redeemed(&mut conn, id, user_id, now)
            .await
            .unwrap();
        assert!(
            invitations::mark_redeemed(&mut conn, id, user_id, now)
                .await
                .is_err(),
            "a code is used once"
        );
        assert_eq!(
            invitations::status(&mut conn, "new", now).await.unwrap(),
            CodeStatus::Used
        );
        assert_eq!(
            invitations::for_contact(&mut conn, contact_id)
                .await
                .unwrap()
                .len(),
            2
        );
    }
);

both_backends!(
    an_address_is_invited_automatically_once_even_after_recreation,
    |store: Store| async move {
        let (contact_id, email) = contact(&store, "once@example.com").await;
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let mut conn = store.conn().await.unwrap();
        assert!(
            invitations::claim_automatic(&mut conn, &email, now)
                .await
                .unwrap()
        );
        sqlx::query("DELETE FROM contacts WHERE id = $1")
            .bind(contact_id.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        let (_, again) = contact(&store, "ONCE@example.com").await;
        let mut conn = store.conn().await.unwrap();
        assert!(
            !invitations::claim_automatic(&mut conn, &again, now)
                .await
                .unwrap()
        );
    }
);

both_backends!(
    reset_tokens_are_single_use_and_expire,
    |store: Store| async move {
        let user_id = user(&store, "r@example.com").await;
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let hour = SignedDuration::from_hours(1);
        let mut conn = store.conn().await.unwrap();
        password_resets::create(&mut conn, "t1", user_id, now, now + hour)
            .await
            .unwrap();
        password_resets::create(&mut conn, "t2", user_id, now, now + hour)
            .await
            .unwrap();
        assert_eq!(
            password_resets::peek(&mut conn, "t1", now + hour)
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            password_resets::consume(&mut conn, "t1", now)
                .await
                .unwrap(),
            Some(user_id)
        );
        assert_eq!(
            password_resets::consume(&mut conn, "t1", now)
                .await
                .unwrap(),
            None,
            "used"
        );
        assert_eq!(
            password_resets::consume(&mut conn, "t2", now)
                .await
                .unwrap(),
            None,
            "siblings die with it"
        );
    }
);
