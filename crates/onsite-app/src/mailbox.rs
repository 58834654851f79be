//! The staff's mailbox (the outbox): what Onsite sent or will send, to whom, and "Retry now"
//! for a message that was not delivered. Every use case takes the [`Staff`] grant.
//!
//! A retry is recorded in the audit log, in the transaction that makes the message due again.

use crate::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Grant, Staff};
use jiff::Timestamp;
use onsite_i18n::Locale;
use onsite_store::StoreError;
use onsite_store::audit;
use onsite_store::outbox::{
    self, OutboxCounts, OutboxFilter, OutboxId, OutboxMessage, OutboxStatus, OutboxSummary,
    SecretState,
};

#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error("no such message")]
    NotFound,
    /// A message already sent is never sent again.
    #[error("the message was already sent")]
    AlreadySent,
    /// Its one-time secret was erased: it would arrive without it.
    #[error("the message's one-time secret is gone")]
    SecretGone,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for MailboxError {
    fn kind(&self) -> Kind {
        match self {
            MailboxError::NotFound => Kind::NotFound,
            MailboxError::AlreadySent | MailboxError::SecretGone => Kind::Conflict,
            MailboxError::Store(e) => e.kind(),
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            MailboxError::NotFound => locale.text("web-error-not-found"),
            MailboxError::AlreadySent => locale.text("web-mailbox-already-sent"),
            MailboxError::SecretGone => locale.text("web-mailbox-secret-gone"),
            MailboxError::Store(e) => e.message(locale),
        }
    }
}

pub type Result<T, E = MailboxError> = std::result::Result<T, E>;

fn found<T>(r: std::result::Result<T, StoreError>) -> Result<T> {
    match r {
        Err(StoreError::NotFound) => Err(MailboxError::NotFound),
        other => Ok(other?),
    }
}

/// One page of the mailbox and how many messages wait, went out or failed.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub counts: OutboxCounts,
    /// Newest first, at most the page's size.
    pub messages: Vec<OutboxSummary>,
    /// More, older messages match (pass the last id as `before`).
    pub has_more: bool,
}

/// The messages matching `filter`, newest first, `size` at most, older than `before`.
pub async fn messages(
    app: &App,
    _staff: Staff,
    filter: &OutboxFilter,
    before: Option<OutboxId>,
    size: i64,
) -> Result<Mailbox> {
    let mut conn = app.store.conn().await?;
    let counts = outbox::counts(&mut conn).await?;
    let mut messages = outbox::list(&mut conn, filter, size + 1, before).await?;
    let has_more = messages.len() as i64 > size;
    messages.truncate(size.max(0) as usize);
    Ok(Mailbox {
        counts,
        messages,
        has_more,
    })
}

/// How many messages wait, went out or failed.
pub async fn counts(app: &App, _staff: Staff) -> Result<OutboxCounts> {
    Ok(outbox::counts(&mut *app.store.conn().await?).await?)
}

/// One message, with its bodies and attachments (its one-time secret is never among them).
pub async fn message(app: &App, _staff: Staff, id: OutboxId) -> Result<OutboxMessage> {
    found(outbox::get(&mut *app.store.conn().await?, id).await)
}

/// "Retry now": makes a message that was not delivered due again, with fresh attempts, and
/// records who asked. Refused for a message already sent or whose one-time secret is gone.
pub async fn retry(app: &App, staff: Staff, id: OutboxId, now: Timestamp) -> Result<()> {
    let mut tx = app.store.begin().await?;
    if outbox::retry_now(&mut tx, id, now).await? {
        audit::record(
            &mut tx,
            Some(staff.user()),
            "mailbox.retry",
            "email_outbox",
            Some(id.0),
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        app.mail_queued();
        return Ok(());
    }
    drop(tx);
    let message = message(app, staff, id).await?;
    if message.status != OutboxStatus::Sent && message.secret == SecretState::Erased {
        Err(MailboxError::SecretGone)
    } else {
        Err(MailboxError::AlreadySent)
    }
}
