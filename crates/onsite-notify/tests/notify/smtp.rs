//! SMTP delivery against a real server process: exactly once for committed messages, never for
//! rolled-back ones, also across an outage of the server.

use crate::{TestClock, drain};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_notify::{Attachment, Email, Outcome, Worker, emails};
use onsite_store::Store;
use onsite_store::outbox::{self, Enqueued, OutboxStatus};
use onsite_testkit::both_backends;
use onsite_testkit::free_port;
use onsite_testkit::smtp::{SmtpSink, smtp_transport as smtp};
use std::collections::BTreeSet;
use std::sync::Arc;

fn test_email(to: &str, event_key: &str) -> Email {
    let to = EmailAddress::parse(to).unwrap();
    emails::test_message(&to, Locale::from_tag("en").unwrap(), event_key.into()).unwrap()
}

async fn enqueue_committed(store: &Store, email: &Email) -> Enqueued {
    let mut tx = store.begin().await.unwrap();
    let queued = email.enqueue(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    queued
}

both_backends!(
    committed_email_is_delivered_exactly_once,
    |store: Store| async move {
        let port = free_port();
        let sink = SmtpSink::start_on(port).await;
        let email = test_email("ana@example.com", "test:smtp-once");
        let queued = enqueue_committed(&store, &email).await;
        // The same event queued again (a retried request) adds nothing.
        assert_eq!(
            enqueue_committed(&store, &email).await,
            Enqueued::AlreadyQueued(queued.id())
        );

        let worker = Worker::new(store.clone(), smtp(port));
        assert_eq!(
            drain(&worker).await,
            vec![Outcome::Sent { id: queued.id() }]
        );
        assert_eq!(drain(&worker).await, vec![]);

        let received = sink.received();
        assert_eq!(received.len(), 1, "{received:?}");
        let m = &received[0];
        assert_eq!(m.rcpt_tos(), ["ana@example.com"]);
        assert_eq!(m.header("mail_from"), "noreply@onsite.test");
        assert_eq!(m.header("subject"), "Onsite test message");
        assert_eq!(
            m.header("message_id"),
            "<onsite.test=3Asmtp-once@onsite.test>"
        );
        assert_eq!(m.header("content_language"), "en");
        assert_eq!(m.header("auto_submitted"), "auto-generated");
        assert_eq!(m.text_part("text/plain"), email.text);
        assert!(
            m.text_part("text/html")
                .contains(">Email delivery works</h1>")
        );

        let mut conn = store.conn().await.unwrap();
        let stored = outbox::get(&mut conn, queued.id()).await.unwrap();
        assert_eq!(
            (stored.status, stored.transport.as_deref(), stored.attempts),
            (OutboxStatus::Sent, Some("smtp"), 1)
        );
        sink.stop().await;
    }
);

both_backends!(
    rolled_back_email_is_never_delivered,
    |store: Store| async move {
        let port = free_port();
        let sink = SmtpSink::start_on(port).await;
        let mut tx = store.begin().await.unwrap();
        test_email("gone@example.com", "test:smtp-rolled-back")
            .enqueue(&mut tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        // A committed one afterwards proves the worker and server were working all along.
        let kept =
            enqueue_committed(&store, &test_email("kept@example.com", "test:smtp-kept")).await;

        let worker = Worker::new(store.clone(), smtp(port));
        assert_eq!(drain(&worker).await, vec![Outcome::Sent { id: kept.id() }]);
        let received = sink.received();
        assert_eq!(
            received.iter().map(|m| m.rcpt_tos()).collect::<Vec<_>>(),
            [["kept@example.com"]]
        );
        sink.stop().await;
    }
);

both_backends!(
    email_survives_the_smtp_server_being_down_and_is_sent_once,
    |store: Store| async move {
        let port = free_port(); // nothing listens there yet
        let email = test_email("ana@example.com", "test:smtp-outage");
        let queued = enqueue_committed(&store, &email).await;
        let clock = TestClock::default();
        let worker = clock.install(Worker::new(store.clone(), smtp(port)));

        // Down: the attempt fails and the next one waits 15–30 s (30 s, half of it jitter).
        let before = clock.now();
        let Outcome::RetryLater { id, at, error } = worker.try_execute_task().await.unwrap() else {
            panic!("expected a retry")
        };
        assert_eq!(id, queued.id());
        assert!(!error.is_empty());
        let wait = at.duration_since(before);
        assert!(
            wait >= SignedDuration::from_secs(15) && wait <= SignedDuration::from_secs(31),
            "{wait:?}"
        );
        let mut conn = store.conn().await.unwrap();
        let stored = outbox::get(&mut conn, id).await.unwrap();
        assert_eq!(stored.status, OutboxStatus::Pending);
        assert_eq!(stored.attempts, 1);
        assert_eq!(
            stored.next_attempt_at,
            Timestamp::from_millisecond(at.as_millisecond()).unwrap()
        );
        assert_eq!(stored.last_error.as_deref(), Some(error.as_str()));
        assert_eq!(stored.locked_until, None);
        drop(conn);
        // Not due yet: the backoff is honoured.
        assert_eq!(worker.try_execute_task().await.unwrap(), Outcome::NoWork);

        // Still down when it comes due: the wait doubles.
        clock.advance_to(at);
        let second_try = clock.now();
        let Outcome::RetryLater { at, .. } = worker.try_execute_task().await.unwrap() else {
            panic!("expected a retry")
        };
        let wait = at.duration_since(second_try);
        assert!(
            wait >= SignedDuration::from_secs(30) && wait <= SignedDuration::from_secs(61),
            "{wait:?}"
        );

        // The server comes back; once due, the message goes out, once.
        let sink = SmtpSink::start_on(port).await;
        assert_eq!(worker.try_execute_task().await.unwrap(), Outcome::NoWork);
        clock.advance_to(at);
        assert_eq!(
            drain(&worker).await,
            vec![Outcome::Sent { id: queued.id() }]
        );
        clock.advance_to(clock.now() + SignedDuration::from_hours(24));
        assert_eq!(drain(&worker).await, vec![]);
        let received = sink.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].text_part("text/plain"), email.text);
        let mut conn = store.conn().await.unwrap();
        assert_eq!(
            outbox::get(&mut conn, queued.id()).await.unwrap().attempts,
            3
        );
        sink.stop().await;
    }
);

both_backends!(attachments_arrive_intact, |store: Store| async move {
    let port = free_port();
    let sink = SmtpSink::start_on(port).await;
    let ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Onsite//EN\r\nBEGIN:VEVENT\r\nUID:booking-42@onsite.test\r\n\
                SUMMARY:Visite d\xe2\x80\x99entretien\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        .to_vec();
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mut email = test_email("ana@example.com", "test:smtp-attachments");
    email.attachments = vec![
        Attachment {
            filename: "visit.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=REQUEST".into(),
            content: ics.clone(),
        },
        Attachment {
            filename: "report.bin".into(),
            content_type: "application/octet-stream".into(),
            content: binary.clone(),
        },
    ];
    let queued = enqueue_committed(&store, &email).await;
    let worker = Worker::new(store.clone(), smtp(port));
    assert_eq!(
        drain(&worker).await,
        vec![Outcome::Sent { id: queued.id() }]
    );

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].part("text/calendar", Some("visit.ics")),
        Some(ics)
    );
    assert_eq!(
        received[0].part("application/octet-stream", Some("report.bin")),
        Some(binary)
    );
    assert_eq!(received[0].text_part("text/plain"), email.text);
    sink.stop().await;
});

both_backends!(
    refused_recipient_gives_up_at_once_and_busy_one_retries,
    |store: Store| async move {
        let port = free_port();
        let sink = SmtpSink::start_on(port).await;
        let refused =
            enqueue_committed(&store, &test_email("reject@example.com", "test:smtp-550")).await;
        let worker = Worker::new(store.clone(), smtp(port));
        let Outcome::GaveUp { id, error } = worker.try_execute_task().await.unwrap() else {
            panic!("expected to give up")
        };
        assert_eq!(id, refused.id());
        assert!(error.contains("550"), "{error}");

        let busy =
            enqueue_committed(&store, &test_email("busy@example.com", "test:smtp-451")).await;
        let Outcome::RetryLater { id, error, .. } = worker.try_execute_task().await.unwrap() else {
            panic!("expected a retry")
        };
        assert_eq!(id, busy.id());
        assert!(error.contains("451"), "{error}");

        let mut conn = store.conn().await.unwrap();
        let counts = outbox::counts(&mut conn).await.unwrap();
        assert_eq!((counts.pending, counts.sent, counts.failed), (1, 0, 1));
        assert!(sink.received().is_empty());
        sink.stop().await;
    }
);

both_backends!(
    two_workers_never_send_the_same_message,
    |store: Store| async move {
        const MESSAGES: usize = 20;
        let port = free_port();
        let sink = SmtpSink::start_on(port).await;
        let mut ids = BTreeSet::new();
        for i in 0..MESSAGES {
            ids.insert(
                enqueue_committed(
                    &store,
                    &test_email(&format!("user{i}@example.com"), &format!("test:bulk:{i}")),
                )
                .await
                .id(),
            );
        }
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let worker = Arc::new(Worker::new(store.clone(), smtp(port)));
                tokio::spawn(async move { drain(&worker).await })
            })
            .collect();
        let mut sent = Vec::new();
        for w in workers {
            for outcome in w.await.unwrap() {
                let Outcome::Sent { id } = outcome else {
                    panic!("{outcome:?}")
                };
                sent.push(id);
            }
        }
        assert_eq!(sent.len(), MESSAGES);
        assert_eq!(sent.iter().copied().collect::<BTreeSet<_>>(), ids);
        let received = sink.received();
        assert_eq!(received.len(), MESSAGES);
        let message_ids: BTreeSet<_> = received
            .iter()
            .map(|m| m.header("message_id").to_owned())
            .collect();
        assert_eq!(message_ids.len(), MESSAGES, "a message was delivered twice");
        sink.stop().await;
    }
);
