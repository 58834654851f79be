//! The email outbox: queued with the transaction, claimed once, leases that expire, listing;
//! one-time secrets kept apart for the delivery only, and redacted from older rows by
//! migration 0011.

use jiff::{SignedDuration, Timestamp};
use onsite_domain::text::EmailAddress;
use onsite_store::Store;
use onsite_store::outbox::{
    self, Attachment, Enqueued, Failure, NewEmail, OutboxFilter, OutboxId, OutboxStatus,
    SECRET_PLACEHOLDER, SecretState,
};
use onsite_testkit::{TestDb, both_backends};
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
        secret: None,
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

/// A reset link's token and the email that carries it, as `identity::forgot_password` queues
/// it: the placeholder in the text, the token apart.
fn reset_email<'a>(event_key: &'a str, to: &'a EmailAddress, token: &'a str) -> NewEmail<'a> {
    NewEmail {
        kind: "password-reset",
        text_body: "Choose a new password: https://portal.test/reset-password/{{onsite-one-time-secret}}",
        html_body: "<a href=\"https://portal.test/reset-password/{{onsite-one-time-secret}}\">Reset</a>",
        secret: Some(token),
        ..email(event_key, to, &[])
    }
}

/// The secret column as stored.
async fn stored_secret(conn: &mut onsite_store::Conn, id: OutboxId) -> Option<String> {
    sqlx::query_scalar("SELECT secret FROM email_outbox WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

both_backends!(
    a_one_time_secret_goes_to_the_claim_only_and_is_erased_with_the_outcome,
    |store: Store| async move {
        let to = ana();
        let token = "f00d".repeat(16);
        let mut conn = store.conn().await.unwrap();
        let sent = outbox::enqueue(
            &mut conn,
            &reset_email("password-reset:a", &to, &token),
            Timestamp::now(),
        )
        .await
        .unwrap()
        .id();
        assert!(SECRET_PLACEHOLDER.starts_with("{{"));

        // What the views read has the placeholder, never the token.
        let message = outbox::get(&mut conn, sent).await.unwrap();
        assert_eq!(message.secret, SecretState::AwaitingDelivery);
        assert!(message.text_body.contains(SECRET_PLACEHOLDER));
        assert!(!format!("{message:?}").contains(&token));
        let listed = outbox::list(&mut conn, &OutboxFilter::default(), 10, None)
            .await
            .unwrap();
        assert_eq!(listed[0].secret, SecretState::AwaitingDelivery);
        assert!(!format!("{listed:?}").contains(&token));

        // The claim has it, for the delivery; its Debug does not show it.
        let now = Timestamp::now();
        let claimed = outbox::claim_next(&mut conn, now, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.secret.as_deref(), Some(token.as_str()));
        assert!(!format!("{claimed:?}").contains(&token));
        // A claim that lost its lease erases nothing: the message is still to deliver.
        let stale = outbox::Claim {
            token: claimed.claim.token - 1,
            ..claimed.claim
        };
        assert!(
            !outbox::mark_sent(&mut conn, stale, "smtp", now)
                .await
                .unwrap()
        );
        assert_eq!(stored_secret(&mut conn, sent).await, Some(token.clone()));
        // A passing failure keeps it for the next attempt.
        assert!(
            outbox::mark_failed(&mut conn, claimed.claim, "451 busy", Failure::RetryAt(now))
                .await
                .unwrap()
        );
        assert_eq!(stored_secret(&mut conn, sent).await, Some(token.clone()));
        let again = outbox::claim_next(&mut conn, now, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.secret.as_deref(), Some(token.as_str()));
        // Recording the delivery erases it in the same statement.
        assert!(
            outbox::mark_sent(&mut conn, again.claim, "smtp", now)
                .await
                .unwrap()
        );
        assert_eq!(stored_secret(&mut conn, sent).await, None);
        let message = outbox::get(&mut conn, sent).await.unwrap();
        assert_eq!(
            (message.status, message.secret),
            (OutboxStatus::Sent, SecretState::Erased)
        );

        // A final failure erases it too, and such a message cannot be sent again.
        let failed = outbox::enqueue(
            &mut conn,
            &reset_email("password-reset:b", &to, &token),
            now,
        )
        .await
        .unwrap()
        .id();
        let claimed = outbox::claim_next(&mut conn, now, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.claim.id, failed);
        outbox::mark_failed(
            &mut conn,
            claimed.claim,
            "550 no such user",
            Failure::Permanent,
        )
        .await
        .unwrap();
        assert_eq!(stored_secret(&mut conn, failed).await, None);
        assert_eq!(
            outbox::get(&mut conn, failed).await.unwrap().secret,
            SecretState::Erased
        );
        assert!(!outbox::retry_now(&mut conn, failed, now).await.unwrap());
        assert_eq!(
            outbox::get(&mut conn, failed).await.unwrap().status,
            OutboxStatus::Failed
        );
        // A message without a secret is retried as before.
        let plain = outbox::enqueue(&mut conn, &email("test:plain", &to, &[]), now)
            .await
            .unwrap()
            .id();
        let claimed = outbox::claim_next(&mut conn, now, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((claimed.claim.id, claimed.secret), (plain, None));
        outbox::mark_failed(&mut conn, claimed.claim, "550", Failure::Permanent)
            .await
            .unwrap();
        assert_eq!(
            outbox::get(&mut conn, plain).await.unwrap().secret,
            SecretState::None
        );
        assert!(outbox::retry_now(&mut conn, plain, now).await.unwrap());
    }
);

/// The outbox as the versions before migration 0011 left it: no secret columns, and the
/// migration not yet applied.
async fn as_before_migration_0011(store: &Store) {
    let mut conn = store.conn().await.unwrap();
    for sql in [
        "ALTER TABLE email_outbox DROP COLUMN secret",
        "ALTER TABLE email_outbox DROP COLUMN carries_secret",
        "DELETE FROM schema_migrations WHERE version = 11",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
}

/// A message as the versions before migration 0011 stored it, the secret in clear.
async fn insert_old(
    store: &Store,
    event_key: &str,
    kind: &str,
    status: &str,
    text: &str,
    html: &str,
) -> OutboxId {
    let now = Timestamp::now().as_millisecond();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO email_outbox (event_key, kind, recipient, locale, subject, text_body, \
         html_body, status, attempts, next_attempt_at, claim_token, created_at, transport, sent_at) \
         VALUES ($1, $2, 'adam@example.com', 'en', 'Subject', $3, $4, $5, 1, $6, 1, $6, $7, $8) \
         RETURNING id",
    )
    .bind(event_key)
    .bind(kind)
    .bind(text)
    .bind(html)
    .bind(status)
    .bind(now)
    .bind((status == "sent").then_some("mailbox"))
    .bind((status == "sent").then_some(now))
    .fetch_one(&mut *store.conn().await.unwrap())
    .await
    .unwrap();
    OutboxId(id)
}

async fn messages_stored_with_secrets_in_clear_are_redacted(db: TestDb) {
    as_before_migration_0011(db.store()).await;
    let token = "c0ffee".repeat(10) + "abcd";
    let code = "7KQ2M-XW9RD-00000-11111-22222-3";
    let link = format!("https://portal.test/reset-password/{token}");
    let old = db.store();
    let reset_sent = insert_old(
        old,
        "password-reset:1111",
        "password-reset",
        "sent",
        &format!("Choose a new password:\n{link}\n"),
        &format!("<a href=\"{link}\">Choose</a>"),
    )
    .await;
    let reset_pending = insert_old(
        old,
        "password-reset:2222",
        "password-reset",
        "pending",
        &format!("{link}\n"),
        &format!("<a href=\"{link}\">Choose</a>"),
    )
    .await;
    let invitation_failed = insert_old(
        old,
        "invitation:7",
        "invitation",
        "failed",
        &format!("Your invitation code: {code}\n"),
        &format!("<code style=\"font-size:20px;\">{code}</code>"),
    )
    .await;
    // Recognised by its event key even under another kind.
    let renamed_kind = insert_old(
        old,
        "invitation:8",
        "invite",
        "sent",
        &format!("Code: {code}"),
        &format!("<p>{code}</p>"),
    )
    .await;
    let booking = insert_old(
        old,
        "booking:42:confirmed:v1",
        "booking-confirmed",
        "sent",
        "Your visit: https://portal.test/bookings/42",
        "<p>Your visit</p>",
    )
    .await;
    sqlx::query(
        "INSERT INTO email_outbox_attachments (message_id, filename, content_type, content) \
         VALUES ($1, 'visit.ics', 'text/calendar', $2)",
    )
    .bind(booking.0)
    .bind(b"BEGIN:VCALENDAR".as_slice())
    .execute(&mut *old.conn().await.unwrap())
    .await
    .unwrap();

    // The next start of Onsite migrates.
    let store = Store::open(db.url()).await.unwrap();
    let mut conn = store.conn().await.unwrap();
    for id in [reset_sent, reset_pending, invitation_failed, renamed_kind] {
        let m = outbox::get(&mut conn, id).await.unwrap();
        assert_eq!(m.text_body, SECRET_PLACEHOLDER, "{id}");
        assert_eq!(m.html_body, SECRET_PLACEHOLDER, "{id}");
        assert_eq!(m.secret, SecretState::Erased, "{id}");
        let shown = format!("{m:?}");
        assert!(!shown.contains(&token) && !shown.contains(code), "{shown}");
        assert_eq!(stored_secret(&mut conn, id).await, None);
    }
    // What was waiting cannot go without its secret: it failed, saying why.
    let pending = outbox::get(&mut conn, reset_pending).await.unwrap();
    assert_eq!(pending.status, OutboxStatus::Failed);
    assert!(pending.last_error.unwrap().contains("ask for a new link"));
    assert!(
        outbox::claim_next(&mut conn, Timestamp::now(), LEASE)
            .await
            .unwrap()
            .is_none()
    );
    let sent = outbox::get(&mut conn, reset_sent).await.unwrap();
    assert_eq!(
        (sent.status, sent.transport.as_deref()),
        (OutboxStatus::Sent, Some("mailbox"))
    );
    assert_eq!(
        outbox::get(&mut conn, invitation_failed)
            .await
            .unwrap()
            .status,
        OutboxStatus::Failed
    );
    // Other messages are untouched.
    let booking = outbox::get(&mut conn, booking).await.unwrap();
    assert_eq!(
        booking.text_body,
        "Your visit: https://portal.test/bookings/42"
    );
    assert_eq!(booking.secret, SecretState::None);
    assert_eq!(booking.attachments.len(), 1);
}

both_backends!(
    messages_stored_with_secrets_in_clear_are_redacted_by_migration_0011,
    messages_stored_with_secrets_in_clear_are_redacted
);
