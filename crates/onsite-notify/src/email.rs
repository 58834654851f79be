//! The one shape every notification takes before it is queued: who, in which language, for
//! which event, and the rendered subject, text and HTML, with attachments, and the one-time
//! secret (if any) that only the recipient's copy may hold.

use jiff::Timestamp;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_store::outbox::{self, Enqueued, NewEmail};
use onsite_store::{Conn, StoreError};

use crate::Secret;

pub use onsite_store::outbox::Attachment;

/// A rendered email, ready to queue. Built by the functions of [`crate::emails`], one per kind.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: EmailAddress,
    pub locale: Locale,
    /// The idempotency key of the event that causes this email (e.g.
    /// `booking:42:confirmed:v3`): the outbox keeps one message per key, so an event handled
    /// twice still sends once.
    pub event_key: String,
    /// The template folder it was rendered from (`test`, `booking-confirmed`, …).
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
    /// The one-time secret (a password-reset token, an invitation code) for the recipient
    /// alone. The subject, text and HTML hold [`crate::emails::SECRET`] in its place; the
    /// outbox keeps it apart until the message is delivered (`onsite_store::outbox`).
    pub secret: Option<Secret>,
}

impl Email {
    /// Queues the email. Pass the transaction of the change that causes it: the email is sent
    /// if and only if that transaction commits. Afterwards, poke the worker's notifier
    /// ([`crate::Worker::notifier`]) so it is sent at once rather than at the next poll.
    pub async fn enqueue(&self, conn: &mut Conn) -> Result<Enqueued, StoreError> {
        let new = NewEmail {
            event_key: &self.event_key,
            kind: self.kind,
            recipient: &self.to,
            locale: self.locale.tag(),
            subject: &self.subject,
            text_body: &self.text,
            html_body: &self.html,
            attachments: &self.attachments,
            secret: self.secret.as_ref().map(Secret::expose),
        };
        outbox::enqueue(conn, &new, Timestamp::now()).await
    }
}
