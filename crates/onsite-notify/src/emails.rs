//! One function per kind of email, each rendering its templates (`templates/email/<kind>/`)
//! into an [`Email`]. Later kinds (invitation, booking confirmed with its `.ics`, rescheduled,
//! canceled, on the way, completed, password reset) go here the same way.

use crate::email::Email;
use crate::render::{self, email_templates};
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;

/// Why an email could not be rendered (a template bug: every template is exercised by tests).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the {kind} email: {source}")]
pub struct RenderError {
    pub kind: &'static str,
    #[source]
    pub source: askama::Error,
}

/// The test message staff send to check the mail settings.
pub struct TestMessage<'a> {
    pub recipient: &'a str,
    /// Shown in the message so it can be matched with the outbox entry.
    pub reference: &'a str,
}

email_templates!(
    TestMessage,
    "email/test/subject.txt",
    "email/test/body.txt",
    "email/test/body.html"
);

/// A test message to `to`. Each request is its own event, so `event_key` must be new (e.g.
/// `test:<uuid>`).
pub fn test_message(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
) -> Result<Email, RenderError> {
    const KIND: &str = "test";
    let ctx = TestMessage {
        recipient: to.as_str(),
        reference: &event_key,
    };
    let parts =
        render::render(&ctx, locale).map_err(|source| RenderError { kind: KIND, source })?;
    Ok(Email {
        to: to.clone(),
        locale,
        event_key,
        kind: KIND,
        subject: parts.subject,
        text: parts.text,
        html: parts.html,
        attachments: Vec::new(),
    })
}
