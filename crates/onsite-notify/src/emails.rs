//! One function per kind of email, each rendering its templates (`templates/email/<kind>/`)
//! into an [`Email`]. The visits' emails are in `booking_emails.rs` and `visit_emails.rs`, the
//! records' in `record_emails.rs`.
//!
//! Two kinds carry a one-time secret that signs someone in: the invitation (its code) and the
//! password reset (the token in its link). Their templates write [`SECRET`] where the secret
//! goes, their contexts have no field for it, and the secret travels beside the rendered text
//! in [`Email::secret`] ([`with_secret`] checks both), so the stored message that staff can
//! read never holds it.

use crate::Secret;
use crate::email::Email;
use crate::render::{self, email_templates};
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;

/// What the templates write where a one-time secret goes; only the recipient's copy gets the
/// secret in its place (`onsite_store::outbox::SECRET_PLACEHOLDER`).
pub use onsite_store::outbox::SECRET_PLACEHOLDER as SECRET;

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
/// one-time code (given to [`invitation`] apart: it is a secret).
pub struct Invitation<'a> {
    /// How to greet the contact (their first name).
    pub name: &'a str,
    pub link: &'a str,
    /// The expiry date, already formatted for the recipient's locale.
    pub expires: &'a str,
}

email_templates!(
    Invitation,
    "email/invitation/subject.txt",
    "email/invitation/body.txt",
    "email/invitation/body.html"
);

/// The invitation email, carrying `code` for the recipient only. One event per invitation:
/// `event_key` is `invitation:<id>`.
pub fn invitation(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &Invitation<'_>,
    code: &str,
) -> Result<Email, RenderError> {
    with_secret(build("invitation", to, locale, event_key, ctx)?, code)
}

/// The password-reset link (its token given to [`password_reset`] apart: it is a secret).
pub struct PasswordReset<'a> {
    /// The reset page the token is appended to: `https://…/reset-password/`.
    pub reset_page: &'a str,
    /// How long the link works, in minutes.
    pub minutes: &'a str,
}

email_templates!(
    PasswordReset,
    "email/password-reset/subject.txt",
    "email/password-reset/body.txt",
    "email/password-reset/body.html"
);

/// The password-reset email, carrying `token` for the recipient only. `event_key` is
/// `password-reset:<token hash>`.
pub fn password_reset(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &PasswordReset<'_>,
    token: &str,
) -> Result<Email, RenderError> {
    with_secret(build("password-reset", to, locale, event_key, ctx)?, token)
}

/// Access to the portal given (or given again) by an administrator: a link to choose a
/// password, its token given to [`access_granted`] apart (it is a secret).
pub struct AccessGranted<'a> {
    /// The page the token is appended to: `https://…/reset-password/`.
    pub set_page: &'a str,
    /// How long the link works, in hours.
    pub hours: &'a str,
    /// Who gave the access (the administrator's name).
    pub granted_by: &'a str,
    /// The address the person signs in with.
    pub email: &'a str,
}

email_templates!(
    AccessGranted,
    "email/access-granted/subject.txt",
    "email/access-granted/body.txt",
    "email/access-granted/body.html"
);

/// The "choose your password" email of a new staff user, or of one whose access an
/// administrator reset, carrying `token` for the recipient only. `event_key` is
/// `access-granted:<token hash>`.
pub fn access_granted(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    ctx: &AccessGranted<'_>,
    token: &str,
) -> Result<Email, RenderError> {
    with_secret(build("access-granted", to, locale, event_key, ctx)?, token)
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
        secret: None,
    })
}

/// Why a secret cannot ride with a rendered email (a template or caller bug: tests exercise
/// every kind that carries one).
#[derive(Debug, thiserror::Error)]
enum SecretMisplaced {
    #[error("a one-time secret must be letters, digits and dashes")]
    Characters,
    #[error("the text or the HTML has no {SECRET} for the secret")]
    NoPlaceholder,
    #[error("the rendered email holds the secret itself")]
    InClear,
}

/// `email` with the one-time `secret` its templates stand for with [`SECRET`]. Checks that
/// both bodies have the placeholder, that nothing rendered holds the secret itself, and that
/// the secret needs no escaping where it goes (HTML, a URL path).
pub(crate) fn with_secret(mut email: Email, secret: &str) -> Result<Email, RenderError> {
    let parts = [&email.subject, &email.text, &email.html];
    let misplaced = if secret.is_empty()
        || !secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Some(SecretMisplaced::Characters)
    } else if !email.text.contains(SECRET) || !email.html.contains(SECRET) {
        Some(SecretMisplaced::NoPlaceholder)
    } else if parts.iter().any(|p| p.contains(secret)) || !email.attachments.is_empty() {
        Some(SecretMisplaced::InClear)
    } else {
        None
    };
    if let Some(e) = misplaced {
        return Err(RenderError {
            kind: email.kind,
            source: askama::Error::custom(e),
        });
    }
    email.secret = Some(Secret::new(secret));
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset(token: &str) -> Result<Email, RenderError> {
        password_reset(
            &EmailAddress::parse("ana@example.com").unwrap(),
            Locale::from_tag("en").unwrap(),
            "password-reset:x".into(),
            &PasswordReset {
                reset_page: "https://portal.example.com/reset-password/",
                minutes: "60",
            },
            token,
        )
    }

    #[test]
    fn a_secret_that_would_need_escaping_or_is_rendered_in_clear_is_refused() {
        assert!(reset(&"ab".repeat(32)).is_ok());
        assert!(reset("").is_err());
        assert!(reset("a<b").is_err());
        assert!(reset("a b").is_err());
        // "reset" is in the rendered link: the secret would be readable in the text.
        assert!(reset("reset").is_err());
        let plain = test_message(
            &EmailAddress::parse("ana@example.com").unwrap(),
            Locale::from_tag("en").unwrap(),
            "test:1".into(),
        )
        .unwrap();
        assert!(with_secret(plain, "abc123").is_err(), "no placeholder");
    }
}
