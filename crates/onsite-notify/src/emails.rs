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
    let ctx = TestMessage {
        recipient: to.as_str(),
        reference: &event_key,
    };
    build("test", to, locale, event_key.clone(), &ctx)
}

/// The invitation to the portal: a link to the sign-in page's "Redeem invitation" tab and the
/// one-time code.
pub struct Invitation<'a> {
    /// How to greet the contact (their first name).
    pub name: &'a str,
    pub link: &'a str,
    pub code: &'a str,
    /// The expiry date, already formatted for the recipient's locale.
    pub expires: &'a str,
}

email_templates!(
    Invitation,
    "email/invitation/subject.txt",
    "email/invitation/body.txt",
    "email/invitation/body.html"
);

/// The invitation email. One event per invitation: `event_key` is `invitation:<id>`.
pub fn invitation(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &Invitation<'_>,
) -> Result<Email, RenderError> {
    build("invitation", to, locale, event_key, ctx)
}

/// The password-reset link.
pub struct PasswordReset<'a> {
    pub link: &'a str,
    /// How long the link works, in minutes.
    pub minutes: &'a str,
}

email_templates!(
    PasswordReset,
    "email/password-reset/subject.txt",
    "email/password-reset/body.txt",
    "email/password-reset/body.html"
);

/// The password-reset email. `event_key` is `password-reset:<token hash>`.
pub fn password_reset(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &PasswordReset<'_>,
) -> Result<Email, RenderError> {
    build("password-reset", to, locale, event_key, ctx)
}

/// A sales opportunity given to the recipient's partner company (SPEC §9).
pub struct OpportunityOffered<'a> {
    /// How to greet the recipient (their first name).
    pub name: &'a str,
    /// The opportunity's name.
    pub opportunity: &'a str,
    pub customer: &'a str,
    pub lead_type: &'a str,
    /// The estimated revenue, already formatted for the recipient's locale.
    pub revenue: &'a str,
    /// When it expires if not accepted, already formatted in the recipient's zone.
    pub accept_by: &'a str,
    /// The opportunity in the partner portal.
    pub link: &'a str,
}

email_templates!(
    OpportunityOffered,
    "email/opportunity-offered/subject.txt",
    "email/opportunity-offered/body.txt",
    "email/opportunity-offered/body.html"
);

/// The "new opportunity for you" email. One per distribution and recipient: `event_key` is
/// `opportunity-offered:<event id>:<user id>`.
pub fn opportunity_offered(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &OpportunityOffered<'_>,
) -> Result<Email, RenderError> {
    build("opportunity-offered", to, locale, event_key, ctx)
}

/// Renders `ctx` and wraps it as an [`Email`] without attachments: the one way every kind of
/// email is built.
pub(crate) fn build(
    kind: &'static str,
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &impl render::EmailTemplates,
) -> Result<Email, RenderError> {
    let parts = render::render(ctx, locale).map_err(|source| RenderError { kind, source })?;
    Ok(Email {
        to: to.clone(),
        locale,
        event_key,
        kind,
        subject: parts.subject,
        text: parts.text,
        html: parts.html,
        attachments: Vec::new(),
    })
}
