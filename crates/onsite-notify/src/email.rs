//! The one shape every notification takes before it is queued: who, in which language, for
//! which event, and the rendered subject, text and HTML, with attachments.

use jiff::Timestamp;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_store::outbox::{self, Enqueued, NewEmail};
use onsite_store::{Conn, StoreError};

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
        };
        outbox::enqueue(conn, &new, Timestamp::now()).await
    }
}
