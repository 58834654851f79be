//! The queries partner distribution runs: open counts, history in one query, who passed over
//! an opportunity, guarded status changes, the expiry sweep's list, who is emailed, and the
//! lock that serializes choosing a partner.

use crate::fixtures::{self, point};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::AccountKind;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, OpportunityId};
use onsite_store::accounts::{self, NewContact, NewUser, Profile};
use onsite_store::distribution::{self as dist, Listing};
use onsite_store::partners::{
    self, LeadType, NewOpportunity, OpportunityEvent, OpportunityEventKind as Kind,
};
use onsite_store::{Conn, Store};
use onsite_testkit::both_backends;
use std::time::Duration;

fn h(n: i64) -> Timestamp {
    fixtures::t0() + SignedDuration::from_hours(n)
}

async fn opportunity(
    conn: &mut Conn,
    status: OpportunityStatus,
    partner: Option<AccountId>,
    internal: bool,
    created: i64,
) -> OpportunityId {
    let lead = LeadType::parse("residential").unwrap();
    partners::insert_opportunity(
        conn,
        &NewOpportunity {
            name: "Heat pump",
            customer_name: "Marie Lavoie",
            location: point(45.53, -73.58),
            postal_code: "H2J 2L5",
            estimated_revenue_minor: 1_000_000,
            lead_type: &lead,
            products: &[],
            status,
            stage: None,
            partner_account_id: partner,
            internal,
            distributed_at: partner.map(|_| h(created)),
            accepted_at: None,
            closed_at: None,
            created_at: h(created),
        },
    )
    .await
    .unwrap()
}

async fn event(conn: &mut Conn, id: OpportunityId, p: AccountId, kind: Kind, at: i64) -> i64 {
    dist::record_event(
        conn,
        &OpportunityEvent {
            opportunity_id: id,
            partner_account_id: Some(p),
            kind,
            at: h(at),
            note: (kind == Kind::Feedback).then(|| "Great customer".to_owned()),
        },
    )
    .await
    .unwrap()
}

both_backends!(
    open_counts_count_distributed_and_in_progress_but_not_internal,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let a = fixtures::account(&mut conn, AccountKind::Partner, "A").await;
        let b = fixtures::account(&mut conn, AccountKind::Partner, "B").await;
        use OpportunityStatus::*;
        for (status, who, internal) in [
            (Distributed, Some(a), false),
            (InProgress, Some(a), false),
            (InProgress, Some(a), true),
            (Won, Some(a), false),
            (Lost, Some(b), false),
            (New, None, false),
            (Distributed, Some(b), false),
        ] {
            opportunity(&mut conn, status, who, internal, 0).await;
        }
        let open = dist::open_counts(&mut conn).await.unwrap();
        assert_eq!(open.get(&a), Some(&2));
        assert_eq!(open.get(&b), Some(&1));
        assert_eq!(open.len(), 2);
    }
);

both_backends!(
    history_passed_over_and_partner_events,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let a = fixtures::account(&mut conn, AccountKind::Partner, "A").await;
        let b = fixtures::account(&mut conn, AccountKind::Partner, "B").await;
        let c = fixtures::account(&mut conn, AccountKind::Partner, "C").await;
        let o = opportunity(&mut conn, OpportunityStatus::Distributed, Some(c), false, 0).await;
        let first = event(&mut conn, o, a, Kind::Distributed, 1).await;
        let second = event(&mut conn, o, a, Kind::Declined, 2).await;
        assert!(second > first, "ids grow");
        event(&mut conn, o, b, Kind::Distributed, 3).await;
        event(&mut conn, o, b, Kind::Expired, 50).await;
        event(&mut conn, o, c, Kind::Distributed, 51).await;
        event(&mut conn, o, a, Kind::Feedback, 52).await;

        assert_eq!(dist::passed_over(&mut conn, o).await.unwrap(), [a, b]);
        let counts = dist::passed_over_counts(&mut conn).await.unwrap();
        assert_eq!(counts.get(&o), Some(&2));

        // One query for every partner, by partner then time; the window includes both ends.
        let history = dist::partner_history(&mut conn, h(2), h(51)).await.unwrap();
        let seen: Vec<_> = history
            .iter()
            .map(|e| (e.partner_account_id.unwrap(), e.kind))
            .collect();
        let mut expected = vec![
            (a, Kind::Declined),
            (b, Kind::Distributed),
            (b, Kind::Expired),
            (c, Kind::Distributed),
        ];
        expected.sort_by_key(|(p, _)| *p);
        assert_eq!(seen, expected);

        // A partner's view of the opportunity holds its own events only, feedback included.
        let mine = dist::events_for_partner(&mut conn, o, a).await.unwrap();
        assert_eq!(
            mine.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [Kind::Distributed, Kind::Declined, Kind::Feedback]
        );
        assert_eq!(mine[2].note.as_deref(), Some("Great customer"));
        assert!(
            dist::events_for_partner(&mut conn, o, c)
                .await
                .unwrap()
                .iter()
                .all(|e| e.partner_account_id == Some(c))
        );
    }
);

both_backends!(
    status_changes_happen_only_from_their_state,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let a = fixtures::account(&mut conn, AccountKind::Partner, "A").await;
        let b = fixtures::account(&mut conn, AccountKind::Partner, "B").await;
        let o = opportunity(&mut conn, OpportunityStatus::New, None, false, 0).await;
        async fn status(
            conn: &mut Conn,
            o: OpportunityId,
        ) -> onsite_domain::opportunity::Opportunity {
            partners::opportunity(conn, o).await.unwrap()
        }

        assert!(!dist::mark_accepted(&mut conn, o, a, h(1)).await.unwrap());
        assert!(dist::mark_distributed(&mut conn, o, a, h(1)).await.unwrap());
        assert!(
            !dist::mark_distributed(&mut conn, o, b, h(1)).await.unwrap(),
            "not twice"
        );
        let now = status(&mut conn, o).await;
        assert_eq!(
            (now.status, now.partner_account_id, now.distributed_at),
            (OpportunityStatus::Distributed, Some(a), Some(h(1)))
        );
        assert!(
            !dist::mark_accepted(&mut conn, o, b, h(2)).await.unwrap(),
            "only its holder accepts"
        );
        assert!(
            !dist::take_back(&mut conn, o, a, Some(h(0))).await.unwrap(),
            "distributed after the cutoff"
        );
        assert!(dist::take_back(&mut conn, o, a, Some(h(1))).await.unwrap());
        let now = status(&mut conn, o).await;
        assert_eq!(
            (now.status, now.partner_account_id, now.distributed_at),
            (OpportunityStatus::New, None, None)
        );

        assert!(dist::mark_distributed(&mut conn, o, b, h(3)).await.unwrap());
        assert!(!dist::set_stage(&mut conn, o, b, "qualify").await.unwrap());
        assert!(
            !dist::mark_closed(&mut conn, o, b, true, h(4))
                .await
                .unwrap()
        );
        assert!(dist::mark_accepted(&mut conn, o, b, h(4)).await.unwrap());
        assert!(!dist::mark_accepted(&mut conn, o, b, h(4)).await.unwrap());
        assert!(!dist::take_back(&mut conn, o, b, None).await.unwrap());
        assert!(dist::set_stage(&mut conn, o, b, "propose").await.unwrap());
        assert!(!dist::set_stage(&mut conn, o, a, "qualify").await.unwrap());
        assert!(
            dist::mark_closed(&mut conn, o, b, false, h(9))
                .await
                .unwrap()
        );
        assert!(
            !dist::mark_closed(&mut conn, o, b, true, h(9))
                .await
                .unwrap()
        );
        let d = dist::dated(&mut conn, o).await.unwrap();
        assert_eq!(
            (
                d.opportunity.status,
                d.opportunity.stage.as_deref(),
                d.accepted_at,
                d.closed_at
            ),
            (
                OpportunityStatus::Lost,
                Some("propose"),
                Some(h(4)),
                Some(h(9))
            )
        );

        let listed = dist::list_dated(
            &mut conn,
            Listing {
                partner: Some(b),
                statuses: &[OpportunityStatus::Won, OpportunityStatus::Lost],
            },
        )
        .await
        .unwrap();
        assert_eq!(listed, [d]);
        let none = dist::list_dated(
            &mut conn,
            Listing {
                partner: Some(a),
                statuses: &[],
            },
        )
        .await
        .unwrap();
        assert!(none.is_empty());
    }
);

both_backends!(
    overdue_and_waiting_lists_are_oldest_first,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let a = fixtures::account(&mut conn, AccountKind::Partner, "A").await;
        let late = opportunity(&mut conn, OpportunityStatus::Distributed, Some(a), false, 2).await;
        let later = opportunity(&mut conn, OpportunityStatus::Distributed, Some(a), false, 5).await;
        opportunity(
            &mut conn,
            OpportunityStatus::Distributed,
            Some(a),
            false,
            40,
        )
        .await;
        opportunity(&mut conn, OpportunityStatus::InProgress, Some(a), false, 1).await;
        let w1 = opportunity(&mut conn, OpportunityStatus::New, None, false, 7).await;
        let w0 = opportunity(&mut conn, OpportunityStatus::New, None, false, 3).await;

        let due = dist::overdue(&mut conn, h(5), 10).await.unwrap();
        assert_eq!(
            due.iter()
                .map(|o| (o.id, o.partner, o.distributed_at))
                .collect::<Vec<_>>(),
            [(late, a, h(2)), (later, a, h(5))]
        );
        assert_eq!(dist::overdue(&mut conn, h(5), 1).await.unwrap().len(), 1);
        assert_eq!(dist::waiting(&mut conn, 10).await.unwrap(), [w0, w1]);
    }
);

both_backends!(
    partner_recipients_are_its_enabled_partner_users_who_want_email,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "A").await;
        let other = fixtures::account(&mut conn, AccountKind::Partner, "B").await;
        let mut user = async |account: AccountId, email: &str, roles: &[Role]| {
            let address = EmailAddress::parse(email).unwrap();
            let contact = accounts::insert_contact(
                &mut conn,
                &NewContact {
                    account_id: account,
                    first_name: "Luc",
                    last_name: "Roy",
                    email: &address,
                    phone: None,
                },
            )
            .await
            .unwrap();
            accounts::insert_user(
                &mut conn,
                &NewUser {
                    email: &address,
                    password_hash: None,
                    display_name: "Luc R.",
                    language: Some("fr"),
                    contact_id: Some(contact),
                    roles,
                },
            )
            .await
            .unwrap()
        };
        let luc = user(partner, "luc@a.example", &[Role::Partner]).await;
        let quiet = user(partner, "quiet@a.example", &[Role::Partner]).await;
        let gone = user(partner, "gone@a.example", &[Role::Partner]).await;
        user(partner, "viewer@a.example", &[Role::CustomerReviewer]).await;
        user(other, "them@b.example", &[Role::Partner]).await;
        accounts::update_profile(
            &mut conn,
            quiet,
            &Profile {
                display_name: String::new(),
                phone: None,
                language: None,
                time_zone: Some("Europe/Paris".into()),
                notify_email: false,
            },
        )
        .await
        .unwrap();
        sqlx::query("UPDATE users SET disabled = TRUE WHERE id = $1")
            .bind(gone.0)
            .execute(&mut *conn)
            .await
            .unwrap();

        let to = dist::partner_recipients(&mut conn, partner).await.unwrap();
        assert_eq!(to.len(), 1, "{to:?}");
        assert_eq!(
            (
                to[0].user_id,
                to[0].email.as_str(),
                to[0].first_name.as_str(),
                to[0].language.as_deref(),
                to[0].time_zone.as_str()
            ),
            (luc, "luc@a.example", "Luc", Some("fr"), "America/Toronto"),
            "the account's zone when the user has none"
        );
    }
);

both_backends!(stored_settings_read_by_prefix, |store: Store| async move {
    let mut conn = store.conn().await.unwrap();
    onsite_store::settings::set(&mut conn, "distribution/weights/winrate", "3")
        .await
        .unwrap()
        .unwrap();
    onsite_store::settings::set(&mut conn, "distribution/automatic", "on")
        .await
        .unwrap()
        .unwrap();
    onsite_store::settings::set(&mut conn, "scheduling/horizon_days", "20")
        .await
        .unwrap()
        .unwrap();
    let weights = dist::stored_settings(&mut conn, "distribution/weights/")
        .await
        .unwrap();
    assert_eq!(weights.len(), 1);
    assert_eq!(weights["distribution/weights/winrate"], "3");
    assert_eq!(
        dist::stored_settings(&mut conn, "distribution/")
            .await
            .unwrap()
            .len(),
        2
    );
});

both_backends!(
    choosing_a_partner_waits_for_the_other_choice_to_commit,
    |store: Store| async move {
        let mut first = store.begin().await.unwrap();
        dist::lock_choices(&mut first, store.backend())
            .await
            .unwrap();
        let other = store.clone();
        let second = tokio::spawn(async move {
            let mut tx = other.begin().await.unwrap();
            dist::lock_choices(&mut tx, other.backend()).await.unwrap();
            tx.commit().await.unwrap();
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!second.is_finished(), "the second choice waits");
        first.commit().await.unwrap();
        tokio::time::timeout(Duration::from_secs(10), second)
            .await
            .expect("the second choice proceeds once the first commits")
            .unwrap();
    }
);
