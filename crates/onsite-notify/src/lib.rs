//! Onsite email: rendering localized messages and delivering them from the outbox.
//!
//! The flow: a use case renders an [`Email`] (one function per kind in [`emails`]), queues it
//! with [`Email::enqueue`] inside the transaction of the change that causes it, and after
//! commit pokes [`Worker::notifier`]. The [`Worker`] (one per app server, started by the
//! binary) claims due messages from the outbox and delivers them through the configured
//! [`Transport`]: the embedded mailbox, or SMTP.

pub mod booking_emails;
pub mod email;
pub mod emails;
pub mod ics;
pub mod record_emails;
pub mod render;
mod secret;
pub mod transport;
pub mod visit_emails;
pub mod webhooks;
pub mod worker;

pub use email::{Attachment, Email};
pub use secret::Secret;
pub use transport::{InvalidSmtpConfig, SmtpConfig, TlsMode, Transport};
pub use webhooks::{WebhookOutcome, WebhookWorker};
pub use worker::{Outcome, Worker, WorkerOptions};

use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_store::Store;
use onsite_store::outbox::Enqueued;

/// Why an email could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Render(#[from] emails::RenderError),
    #[error("cannot queue the email: {0}")]
    Store(#[from] onsite_store::StoreError),
}

/// Queues a test message to `to` (staff and `onsite send-test-email` use it to check the mail
/// settings). Every call is a new message. Poke the worker afterwards if one runs in this
/// process.
pub async fn queue_test_email(
    store: &Store,
    to: &EmailAddress,
    locale: Locale,
) -> Result<Enqueued, NotifyError> {
    let event_key = format!("test:{}", uuid::Uuid::new_v4().simple());
    let email = emails::test_message(to, locale, event_key)?;
    let mut tx = store.begin().await?;
    let queued = email.enqueue(&mut tx).await?;
    tx.commit().await.map_err(onsite_store::StoreError::from)?;
    tracing::info!(id = %queued.id(), "test email queued");
    Ok(queued)
}
