//! One-time secrets (password-reset tokens, invitation codes) reach their recipient over real
//! SMTP, and the outbox keeps them only until the message is delivered or fails for good: no
//! stored text ever holds them.

use crate::drain;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_notify::emails::{PasswordReset, SECRET, password_reset};
use onsite_notify::{Email, Outcome, Transport, Worker};
use onsite_store::Store;
use onsite_store::outbox::{self, OutboxId, SecretState};
use onsite_testkit::both_backends;
use onsite_testkit::smtp::SmtpSink;
use sqlx::Row;

const RESET_PAGE: &str = "https://portal.example.com/reset-password/";

/// A reset email to `to` with a token of its own, and the token.
fn reset_email(to: &str) -> (Email, String) {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let email = password_reset(
        &EmailAddress::parse(to).unwrap(),
        Locale::from_tag("en").unwrap(),
        // The event key names the token's hash in the app; any other value will do here.
        format!("password-reset:{}", uuid::Uuid::new_v4().simple()),
        &PasswordReset {
            reset_page: RESET_PAGE,
            minutes: "60",
        },
        &token,
    )
    .unwrap();
    (email, token)
}

async fn queue(store: &Store, email: &Email) -> OutboxId {
    let mut tx = store.begin().await.unwrap();
    let id = email.enqueue(&mut tx).await.unwrap().id();
    tx.commit().await.unwrap();
    id
}

/// Every text the outbox keeps of the message, whatever the views read: the secret must be in
/// none of them (except `secret` while it is kept, returned apart).
async fn stored_texts(store: &Store, id: OutboxId) -> (Vec<String>, Option<String>) {
    let mut conn = store.conn().await.unwrap();
    let row = sqlx::query(
        "SELECT event_key, subject, text_body, html_body, last_error, secret \
         FROM email_outbox WHERE id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let mut texts: Vec<String> = ["event_key", "subject", "text_body", "html_body"]
        .iter()
        .map(|c| row.get::<String, _>(*c))
        .collect();
    texts.extend(row.get::<Option<String>, _>("last_error"));
    let attachments: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT content FROM email_outbox_attachments WHERE message_id = $1")
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    texts.extend(
        attachments
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned()),
    );
    (texts, row.get::<Option<String>, _>("secret"))
}

async fn assert_not_stored(store: &Store, id: OutboxId, token: &str) {
    let (texts, secret) = stored_texts(store, id).await;
    for text in &texts {
        assert!(!text.contains(token), "the secret is stored in {text:?}");
    }
    assert_eq!(secret, None, "the secret is still kept");
    let message = outbox::get(&mut store.conn().await.unwrap(), id)
        .await
        .unwrap();
    assert_eq!(message.secret, SecretState::Erased);
}

both_backends!(
    a_reset_link_reaches_the_recipient_over_smtp_and_is_erased_when_sent,
    |store: Store| async move {
        let sink = SmtpSink::start().await;
        let (email, token) = reset_email("adam@example.com");
        let id = queue(&store, &email).await;

        // Queued: the readable text has the placeholder; the secret is kept apart.
        let (texts, kept) = stored_texts(&store, id).await;
        assert!(texts.iter().all(|t| !t.contains(&token)), "{texts:?}");
        assert!(texts[2].contains(&format!("{RESET_PAGE}{SECRET}")));
        assert_eq!(kept.as_deref(), Some(token.as_str()));
        let pending = outbox::get(&mut store.conn().await.unwrap(), id)
            .await
            .unwrap();
        assert_eq!(pending.secret, SecretState::AwaitingDelivery);

        let worker = Worker::new(store.clone(), sink.transport());
        assert_eq!(drain(&worker).await, vec![Outcome::Sent { id }]);

        // The recipient has the working link, in both parts.
        let received = sink.received();
        assert_eq!(received.len(), 1);
        let link = format!("{RESET_PAGE}{token}");
        let text = received[0].text_part("text/plain");
        assert!(text.contains(&link), "{text}");
        assert!(!text.contains(SECRET), "{text}");
        let html = received[0].text_part("text/html");
        assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
        // The outbox no longer has it anywhere.
        assert_not_stored(&store, id, &token).await;
        sink.stop().await;
    }
);

both_backends!(
    with_the_mailbox_transport_the_secret_reaches_no_one,
    |store: Store| async move {
        let (email, token) = reset_email("adam@example.com");
        let id = queue(&store, &email).await;
        let worker = Worker::new(store.clone(), Transport::Mailbox);
        assert_eq!(drain(&worker).await, vec![Outcome::Sent { id }]);
        assert_not_stored(&store, id, &token).await;
    }
);

both_backends!(
    a_final_failure_erases_the_secret_and_a_passing_one_keeps_it,
    |store: Store| async move {
        let sink = SmtpSink::start().await;
        let worker = Worker::new(store.clone(), sink.transport());
        // 451: tried again later, so the secret is still needed.
        let (busy, busy_token) = reset_email("busy@example.com");
        let busy_id = queue(&store, &busy).await;
        let Outcome::RetryLater { id, .. } = worker.try_execute_task().await.unwrap() else {
            panic!("expected a retry")
        };
        assert_eq!(id, busy_id);
        assert_eq!(
            stored_texts(&store, busy_id).await.1.as_deref(),
            Some(busy_token.as_str())
        );
        // 550: given up, and the secret erased with it; such a message is not retried.
        let (refused, refused_token) = reset_email("reject@example.com");
        let refused_id = queue(&store, &refused).await;
        let Outcome::GaveUp { id, .. } = worker.try_execute_task().await.unwrap() else {
            panic!("expected to give up")
        };
        assert_eq!(id, refused_id);
        assert_not_stored(&store, refused_id, &refused_token).await;
        let mut conn = store.conn().await.unwrap();
        assert!(
            !outbox::retry_now(&mut conn, refused_id, jiff::Timestamp::now())
                .await
                .unwrap(),
            "a message whose secret is gone is never sent again"
        );
        assert!(sink.received().is_empty());
        sink.stop().await;
    }
);

both_backends!(
    a_message_whose_secret_is_gone_is_never_sent_without_it,
    |store: Store| async move {
        let sink = SmtpSink::start().await;
        let (email, token) = reset_email("adam@example.com");
        let id = queue(&store, &email).await;
        // As messages redacted by migration 0011, had one been left pending.
        sqlx::query("UPDATE email_outbox SET secret = NULL WHERE id = $1")
            .bind(id.0)
            .execute(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
        let worker = Worker::new(store.clone(), sink.transport());
        let outcomes = drain(&worker).await;
        assert!(
            matches!(&outcomes[..], [Outcome::GaveUp { id: gave_up, error }]
                if *gave_up == id && error.contains("one-time secret")),
            "{outcomes:?}"
        );
        assert!(
            sink.received().is_empty(),
            "nothing sent without the secret"
        );
        assert_not_stored(&store, id, &token).await;
        sink.stop().await;
    }
);
