//! The embedded mailbox: messages are delivered by being kept, readable in the back office.

use crate::drain;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_notify::{Outcome, Transport, Worker, WorkerOptions, emails, queue_test_email};
use onsite_store::Store;
use onsite_store::outbox::{self, OutboxFilter, OutboxStatus};
use onsite_testkit::both_backends;
use std::time::Duration;

both_backends!(
    test_email_lands_in_the_mailbox_once,
    |store: Store| async move {
        let to = EmailAddress::parse("dispatch@example.com").unwrap();
        let queued = queue_test_email(&store, &to, Locale::from_tag("fr").unwrap())
            .await
            .unwrap();
        let worker = Worker::new(store.clone(), Transport::Mailbox);
        assert_eq!(
            drain(&worker).await,
            vec![Outcome::Sent { id: queued.id() }]
        );
        assert_eq!(drain(&worker).await, vec![]);

        let mut conn = store.conn().await.unwrap();
        let message = outbox::get(&mut conn, queued.id()).await.unwrap();
        assert_eq!(message.status, OutboxStatus::Sent);
        assert_eq!(message.transport.as_deref(), Some("mailbox"));
        assert_eq!(message.recipient, to);
        assert_eq!(message.locale, "fr");
        assert_eq!(message.subject, "Message de test Onsite");
        assert!(message.html_body.contains("dispatch@example.com"));
        let listed = outbox::list(&mut conn, &OutboxFilter::default(), 10, None)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].kind, "test");
    }
);

both_backends!(
    rolled_back_email_never_reaches_the_mailbox,
    |store: Store| async move {
        let to = EmailAddress::parse("ana@example.com").unwrap();
        let email = emails::test_message(
            &to,
            Locale::from_tag("en").unwrap(),
            "test:rolled-back".into(),
        )
        .unwrap();
        let mut tx = store.begin().await.unwrap();
        email.enqueue(&mut tx).await.unwrap();
        tx.rollback().await.unwrap();

        let worker = Worker::new(store.clone(), Transport::Mailbox);
        assert_eq!(drain(&worker).await, vec![]);
        let mut conn = store.conn().await.unwrap();
        assert!(
            outbox::list(&mut conn, &OutboxFilter::default(), 10, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    running_worker_sends_when_poked_and_stops_on_shutdown,
    |store: Store| async move {
        // A poll far longer than the test: only the poke can explain a prompt delivery.
        let options = WorkerOptions {
            idle_poll: Duration::from_secs(3600),
            ..WorkerOptions::default()
        };
        let worker = Worker::new(store.clone(), Transport::Mailbox).with_options(options);
        let notifier = worker.notifier();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        // Let it reach its idle wait first.
        tokio::time::sleep(Duration::from_millis(300)).await;

        let to = EmailAddress::parse("ana@example.com").unwrap();
        let queued = queue_test_email(&store, &to, Locale::from_tag("en").unwrap())
            .await
            .unwrap();
        notifier.notify_one();
        let sent = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let mut conn = store.conn().await.unwrap();
                if outbox::get(&mut conn, queued.id()).await.unwrap().status == OutboxStatus::Sent {
                    break;
                }
                drop(conn);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await;
        assert!(sent.is_ok(), "the poked worker did not send the message");

        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .expect("worker stops on shutdown")
            .unwrap();
    }
);
