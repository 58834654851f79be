//! What a use case's failure is, in terms every caller understands: its [`Kind`] (not found,
//! not allowed, disabled, invalid, conflict, rate limited, unavailable, internal…), a stable
//! machine code, the input at fault, and what to tell the person in their language.
//!
//! Every error type of the use cases implements [`Failure`]; the web edge chooses an HTTP
//! status from the [`Kind`] alone, in one place, for pages and the API alike. A use case
//! never names a status, and the web never re-sorts a use case's error variants.

use onsite_domain::InvalidInput;
use onsite_domain::settings::InvalidSetting;
use onsite_i18n::Locale;
use onsite_store::StoreError;
use std::borrow::Cow;

use crate::throttle::Throttled;

/// What kind of failure a use case met. The web edge's status map reads nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request is malformed in a way no form field explains (a broken link, a bad list
    /// option in a URL).
    Malformed,
    /// Wrong or missing credentials (a password, a tracking app's token).
    Unauthenticated,
    /// The person's roles do not allow this.
    NotAllowed,
    /// A feature the site turned off (self-scheduling, tracking, surveys).
    Disabled,
    /// Unknown, or out of the person's reach: the same answer, so existence does not leak.
    NotFound,
    /// The state of things refuses it: taken, changed meanwhile, already done.
    Conflict,
    /// What was typed is wrong; [`Failure::field`] names the input when one is at fault.
    Invalid,
    /// Too many attempts for now: try again after the wait.
    RateLimited(Throttled),
    /// A service Onsite depends on (an OpenID provider) failed or is unreachable.
    Upstream,
    /// Onsite cannot do it right now (a writer is gone, the database is busy): try again.
    Unavailable,
    /// A bug or a failing dependency of ours: logged with its cause, never shown.
    Internal,
}

impl Kind {
    /// The stable code of the kind, for API clients, when the failure has none of its own.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Malformed => "bad_request",
            Kind::Unauthenticated => "unauthorized",
            Kind::NotAllowed => "forbidden",
            Kind::Disabled => "disabled",
            Kind::NotFound => "not_found",
            Kind::Conflict => "conflict",
            Kind::Invalid => "invalid",
            Kind::RateLimited(_) => "too_many_requests",
            Kind::Upstream => "upstream",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }

    /// Whether the fault is on Onsite's side (log it) rather than the request's.
    pub fn is_server_side(self) -> bool {
        matches!(self, Kind::Upstream | Kind::Unavailable | Kind::Internal)
    }
}

/// A use case's error as every caller sees it.
pub trait Failure: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> Kind;

    /// A stable, machine-readable code (`slot_taken`, `bad_credentials`…): API clients branch
    /// on it. By default the kind's.
    fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The input at fault (a form field, a JSON member, a setting key), when one is.
    fn field(&self) -> Option<Cow<'static, str>> {
        None
    }

    /// What to tell the person, in `locale`, with the failure's specifics.
    fn message(&self, locale: Locale) -> String;
}

/// The message of an invalid value: its reason (`invalid-required`, `invalid-email`…), or the
/// generic "invalid value" text for a reason without a message of its own.
pub fn invalid_message(locale: Locale, reason: &str) -> String {
    let text = locale.text(&format!("invalid-{reason}"));
    if text.starts_with("Unknown localization key") {
        tracing::warn!(reason, "no localized message for this validation reason");
        return locale.text("web-error-invalid");
    }
    text
}

impl Failure for InvalidInput {
    fn kind(&self) -> Kind {
        Kind::Invalid
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(self.field))
    }

    fn message(&self, locale: Locale) -> String {
        invalid_message(locale, self.reason)
    }
}

impl Failure for StoreError {
    fn kind(&self) -> Kind {
        match self {
            StoreError::NotFound => Kind::NotFound,
            StoreError::Conflict { .. } => Kind::Conflict,
            e if e.is_unavailable() => Kind::Unavailable,
            _ => Kind::Internal,
        }
    }

    fn message(&self, locale: Locale) -> String {
        locale.text(match self.kind() {
            Kind::NotFound => "web-error-not-found",
            Kind::Conflict => "web-error-conflict",
            Kind::Unavailable => "web-error-unavailable",
            _ => "error-internal",
        })
    }
}

impl Failure for InvalidSetting {
    fn kind(&self) -> Kind {
        Kind::Invalid
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        Some(match self {
            InvalidSetting::Unknown(key) => Cow::Owned(key.clone()),
            InvalidSetting::NotBool { key }
            | InvalidSetting::IntegerOutOfRange { key, .. }
            | InvalidSetting::DecimalOutOfRange { key, .. } => Cow::Borrowed(*key),
        })
    }

    fn message(&self, locale: Locale) -> String {
        crate::distribution::text::setting_message(locale, self)
    }
}
