//! The email outbox: queued with the transaction, claimed once, leases that expire, listing.

use jiff::{SignedDuration, Timestamp};
use onsite_domain::text::EmailAddress;
use onsite_store::outbox::{
    self, Attachment, Enqueued, Failure, NewEmail, OutboxFilter, OutboxId, OutboxStatus,
};
use onsite_store::{Store, both_backends};
use std::collections::BTreeSet;

const LEASE: SignedDuration = SignedDuration::from_mins(10);

fn ana() -> EmailAddress {
    EmailAddress::parse("ana@example.com").unwrap()
}

fn email<'a>(
    event_key: &'a str,
    to: &'a EmailAddress,
    attachments: &'a [Attachment],
) -> NewEmail<'a> {
    NewEmail {
        event_key,
        kind: "test",
        recipient: to,
        locale: "en",
        subject: "Subject",
        text_body: "Text",
        html_body: "<p>HTML</p>",
        attachments,
    }
}

/// An instant as the store keeps it: to the millisecond.
fn ms(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap()
}

async fn enqueue_committed(store: &Store, event_key: &str) -> Enqueued {
    let to = ana();
    let mut tx = store.begin().await.unwrap();
    let done = outbox::enqueue(&mut tx, &email(event_key, &to, &[]), Timestamp::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    done
}

both_backends!(
    email_queued_in_a_rolled_back_transaction_is_never_claimed,
    |store: Store| async move {
        let to = ana();
        let mut tx = store.begin().await.unwrap();
        outbox::enqueue(
            &mut tx,
            &email("booking:1:confirmed:v1", &to, &[]),
            Timestamp::now(),
        )
        .await
        .unwrap();
        tx.rollback().await.unwrap();

        let mut conn = store.conn().await.unwrap();
        assert!(
            outbox::claim_next(&mut conn, Timestamp::now(), LEASE)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(outbox::counts(&mut conn).await.unwrap().pending, 0);
    }
);

both_backends!(
    committed_email_is_claimed_once_with_its_attachments,
    |store: Store| async move {
        let to = ana();
        let ics = Attachment {
            filename: "visit.ics".into(),
            content_type: "text/calendar; charset=utf-8".into(),
            content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\x00\xff".to_vec(),
        };
        let attachments = [ics.clone()];
        let mut tx = store.begin().await.unwrap();
        let queued = outbox::enqueue(
            &mut tx,
            &email("booking:2:confirmed:v1", &to, &attachments),
            Timestamp::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(matches!(queued, Enqueued::Queued(_)));

        let mut conn = store.conn().await.unwrap();
        let now = Timestamp::now();
        let claimed = outbox::claim_next(&mut conn, now, LEASE)
            .await
            .unwrap()
            .expect("the committed message");
        assert_eq!(claimed.claim.id, queued.id());
        assert_eq!(claimed.message.attempts, 1);
        assert_eq!(claimed.message.attachments, vec![ics]);
        assert_eq!(claimed.message.recipient, to);
        assert_eq!(claimed.message.locked_until, Some(ms(now + LEASE)));
        // Held: nobody else gets it while the lease runs.
        assert!(
            outbox::claim_next(&mut conn, now, LEASE)
                .await
                .unwrap()
                .is_none()
        );

        let sent_at = Timestamp::now();
        assert!(
            outbox::mark_sent(&mut conn, claimed.claim, "smtp", sent_at)
                .await
                .unwrap()
        );
        // Sent: never claimed again, even long after the lease.
        let later = now + SignedDuration::from_hours(48);
        assert!(
            outbox::claim_next(&mut conn, later, LEASE)
                .await
                .unwrap()
                .is_none()
        );
        let stored = outbox::get(&mut conn, queued.id()).await.unwrap();
        assert_eq!(stored.status, OutboxStatus::Sent);
        assert_eq!(stored.transport.as_deref(), Some("smtp"));
        assert_eq!(stored.sent_at, Some(ms(sent_at)));
        assert_eq!(stored.locked_until, None);
        // Recording the outcome twice is refused.
        assert!(
            !outbox::mark_sent(&mut conn, claimed.claim, "smtp", sent_at)
                .await
                .unwrap()
        );
    }
);

both_backends!(
    same_event_key_queues_one_message,
    |store: Store| async move {
        let first = enqueue_committed(&store, "booking:3:confirmed:v1").await;
        let second = enqueue_committed(&store, "booking:3:confirmed:v1").await;
        assert!(matches!(first, Enqueued::Queued(_)));
        assert_eq!(second, Enqueued::AlreadyQueued(first.id()));

        // Also within one transaction, and the transaction stays usable (PostgreSQL aborts a
        // transaction on a failed statement).
        let to = ana();
        let mut tx = store.begin().await.unwrap();
        let a = outbox::enqueue(
            &mut tx,
            &email("booking:4:canceled:v1", &to, &[]),
            Timestamp::now(),
        )
        .await
        .unwrap();
        let b = outbox::enqueue(
            &mut tx,
            &email("booking:4:canceled:v1", &to, &[]),
            Timestamp::now(),
        )
        .await
        .unwrap();
        assert_eq!(b, Enqueued::AlreadyQueued(a.id()));
        tx.commit().await.unwrap();

        let mut conn = store.conn().await.unwrap();
        assert_eq!(outbox::counts(&mut conn).await.unwrap().pending, 2);
        // …and once sent, the same event does not queue it again.
        let claimed = outbox::claim_next(&mut conn, Timestamp::now(), LEASE)
            .await
            .unwrap()
            .unwrap();
        outbox::mark_sent(&mut conn, claimed.claim, "mailbox", Timestamp::now())
            .await
            .unwrap();
        let again = enqueue_committed(&store, "booking:3:confirmed:v1").await;
        assert_eq!(again, Enqueued::AlreadyQueued(first.id()));
    }
);

both_backends!(
    expired_lease_is_claimed_again_and_fences_the_first_worker,
    |store: Store| async move {
        let queued = enqueue_committed(&store, "booking:5:confirmed:v1").await;
        let mut conn = store.conn().await.unwrap();
        let t0 = Timestamp::now();
        let first = outbox::claim_next(&mut conn, t0, LEASE)
            .await
            .unwrap()
            .unwrap();
        // Just before the lease ends it is still held…
        let almost = t0 + LEASE - SignedDuration::from_millis(1);
        assert!(
            outbox::claim_next(&mut conn, almost, LEASE)
                .await
                .unwrap()
                .is_none()
        );
        // …and once it has ended (the first worker crashed), another worker takes it over.
        let second = outbox::claim_next(&mut conn, t0 + LEASE, LEASE)
            .await
            .unwrap()
            .expect("lease expired");
        assert_eq!(second.claim.id, queued.id());
        assert_ne!(second.claim.token, first.claim.token);
        assert_eq!(second.message.attempts, 2);

        // The first worker wakes up late: whatever it reports is ignored.
        assert!(
            !outbox::mark_sent(&mut conn, first.claim, "smtp", t0)
                .await
                .unwrap()
        );
        assert!(
            !outbox::mark_failed(&mut conn, first.claim, "late", Failure::Permanent)
                .await
                .unwrap()
        );
        assert!(
            outbox::mark_sent(&mut conn, second.claim, "smtp", t0 + LEASE)
                .await
                .unwrap()
        );
        assert_eq!(
            outbox::get(&mut conn, queued.id()).await.unwrap().status,
            OutboxStatus::Sent
        );
    }
);

both_backends!(
    failed_attempt_waits_for_its_retry_time_then_can_give_up,
    |store: Store| async move {
        let queued = enqueue_committed(&store, "booking:6:confirmed:v1").await;
        let mut conn = store.conn().await.unwrap();
        let t0 = Timestamp::now();
        let claimed = outbox::claim_next(&mut conn, t0, LEASE)
            .await
            .unwrap()
            .unwrap();
        let retry_at = t0 + SignedDuration::from_secs(30);
        assert!(
            outbox::mark_failed(
                &mut conn,
                claimed.claim,
                "421 try later",
                Failure::RetryAt(retry_at)
            )
            .await
            .unwrap()
        );

        let stored = outbox::get(&mut conn, queued.id()).await.unwrap();
        assert_eq!(stored.status, OutboxStatus::Pending);
        assert_eq!(stored.last_error.as_deref(), Some("421 try later"));
        assert_eq!(stored.locked_until, None);
        assert!(
            outbox::claim_next(&mut conn, retry_at - SignedDuration::from_millis(1), LEASE)
                .await
                .unwrap()
                .is_none()
        );

        let again = outbox::claim_next(&mut conn, retry_at, LEASE)
            .await
            .unwrap()
            .expect("due again");
        assert_eq!(again.message.attempts, 2);
        assert!(
            outbox::mark_failed(
                &mut conn,
                again.claim,
                "550 no such user",
                Failure::Permanent
            )
            .await
            .unwrap()
        );
        let far = retry_at + SignedDuration::from_hours(100);
        assert!(
            outbox::claim_next(&mut conn, far, LEASE)
                .await
                .unwrap()
                .is_none()
        );
        let counts = outbox::counts(&mut conn).await.unwrap();
        assert_eq!((counts.pending, counts.sent, counts.failed), (0, 0, 1));

        // Staff fix the address book and retry: due at once, attempts start over.
        assert!(
            outbox::retry_now(&mut conn, queued.id(), far)
                .await
                .unwrap()
        );
        let retried = outbox::claim_next(&mut conn, far, LEASE)
            .await
            .unwrap()
            .expect("retried");
        assert_eq!(retried.message.attempts, 1);
        outbox::mark_sent(&mut conn, retried.claim, "smtp", far)
            .await
            .unwrap();
        // A sent message is never made due again.
        assert!(
            !outbox::retry_now(&mut conn, queued.id(), far)
                .await
                .unwrap()
        );
        assert!(
            !outbox::retry_now(&mut conn, OutboxId(424242), far)
                .await
                .unwrap()
        );
    }
);

both_backends!(
    concurrent_claimers_never_get_the_same_message,
    |store: Store| async move {
        const MESSAGES: usize = 60;
        const CLAIMERS: usize = 6;
        let to = ana();
        let mut tx = store.begin().await.unwrap();
        let mut all = BTreeSet::new();
        for i in 0..MESSAGES {
            let key = format!("bulk:{i}");
            all.insert(
                outbox::enqueue(&mut tx, &email(&key, &to, &[]), Timestamp::now())
                    .await
                    .unwrap()
                    .id(),
            );
        }
        tx.commit().await.unwrap();

        let claimers: Vec<_> = (0..CLAIMERS)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut mine = Vec::new();
                    loop {
                        let mut conn = store.conn().await.unwrap();
                        let Some(c) = outbox::claim_next(&mut conn, Timestamp::now(), LEASE)
                            .await
                            .unwrap()
                        else {
                            break;
                        };
                        // Give the other claimers a chance to race for the same row.
                        tokio::task::yield_now().await;
                        assert!(
                            outbox::mark_sent(&mut conn, c.claim, "smtp", Timestamp::now())
                                .await
                                .unwrap()
                        );
                        mine.push(c.claim.id);
                    }
                    mine
                })
            })
            .collect();
        let mut claimed = Vec::new();
        for c in claimers {
            claimed.extend(c.await.unwrap());
        }
        let unique: BTreeSet<_> = claimed.iter().copied().collect();
        assert_eq!(claimed.len(), unique.len(), "a message was claimed twice");
        assert_eq!(unique, all, "every message claimed");
        let mut conn = store.conn().await.unwrap();
        assert_eq!(
            outbox::counts(&mut conn).await.unwrap().sent,
            MESSAGES as i64
        );
    }
);

both_backends!(
    mailbox_lists_newest_first_by_pages_and_filters,
    |store: Store| async move {
        let mut ids = Vec::new();
        for i in 0..7 {
            ids.push(enqueue_committed(&store, &format!("list:{i}")).await.id());
        }
        let bob = EmailAddress::parse("bob@example.com").unwrap();
        let png = [Attachment {
            filename: "a.png".into(),
            content_type: "image/png".into(),
            content: vec![1, 2, 3],
        }];
        let mut tx = store.begin().await.unwrap();
        let bobs = outbox::enqueue(&mut tx, &email("list:bob", &bob, &png), Timestamp::now())
            .await
            .unwrap()
            .id();
        tx.commit().await.unwrap();
        ids.push(bobs);

        let mut conn = store.conn().await.unwrap();
        let all = OutboxFilter::default();
        let page1 = outbox::list(&mut conn, &all, 3, None).await.unwrap();
        let page2 = outbox::list(&mut conn, &all, 3, Some(page1[2].id))
            .await
            .unwrap();
        let page3 = outbox::list(&mut conn, &all, 3, Some(page2[2].id))
            .await
            .unwrap();
        let listed: Vec<OutboxId> = page1
            .iter()
            .chain(&page2)
            .chain(&page3)
            .map(|s| s.id)
            .collect();
        let mut newest_first = ids.clone();
        newest_first.reverse();
        assert_eq!(listed, newest_first);
        assert_eq!(page3.len(), 2);
        assert_eq!(page1[0].attachment_count, 1);
        assert_eq!(page1[1].attachment_count, 0);

        let by_recipient = OutboxFilter {
            recipient: Some(bob.clone()),
            ..Default::default()
        };
        let bob_only = outbox::list(&mut conn, &by_recipient, 50, None)
            .await
            .unwrap();
        assert_eq!(
            bob_only.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![bobs]
        );

        let claimed = outbox::claim_next(&mut conn, Timestamp::now(), LEASE)
            .await
            .unwrap()
            .unwrap();
        outbox::mark_sent(&mut conn, claimed.claim, "mailbox", Timestamp::now())
            .await
            .unwrap();
        let sent = OutboxFilter {
            status: Some(OutboxStatus::Sent),
            ..Default::default()
        };
        let sent_list = outbox::list(&mut conn, &sent, 50, None).await.unwrap();
        assert_eq!(
            sent_list.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![ids[0]]
        );
        assert_eq!(sent_list[0].transport.as_deref(), Some("mailbox"));
        let pending = OutboxFilter {
            status: Some(OutboxStatus::Pending),
            kind: Some("test".into()),
            ..Default::default()
        };
        assert_eq!(
            outbox::list(&mut conn, &pending, 50, None)
                .await
                .unwrap()
                .len(),
            7
        );
        let counts = outbox::counts(&mut conn).await.unwrap();
        assert_eq!((counts.pending, counts.sent, counts.failed), (7, 1, 0));
        assert!(counts.oldest_due.is_some());

        assert!(matches!(
            outbox::get(&mut conn, OutboxId(987654)).await,
            Err(onsite_store::StoreError::NotFound)
        ));
    }
);
