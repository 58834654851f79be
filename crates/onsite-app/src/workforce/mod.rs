//! The workforce, as staff keep it (SPEC §10, issue 14): technicians — linked user, home base,
//! time zone, the working-hours template they follow and the days that differ from it, time
//! off with its reason, territories, skills with their ratings, active or not — and the
//! reusable working-hours templates ("Weekdays 8–16:30").
//!
//! Every change that can make a booked visit impossible (time off, a lost territory, a lost or
//! lowered skill, other hours, a different time zone, deactivation) queues background
//! reassignment ([`crate::reassign`]) in its own transaction, runs it right after the commit,
//! and hands the page the jobs ([`Reassignment`]), whose reports say which visits moved to whom
//! and which wait for a new time ([`affected`]).
//!
//! Saves of a technician or a template carry the version their form showed and are refused
//! ([`WorkforceError::Changed`]) when someone else saved in between. Every change is
//! audit-logged with what it changed (before → after) in its own transaction; refused input
//! changes nothing and names its field. The scheduling snapshot follows every write: it reads
//! the technicians' tables, whose triggers move its version (migration 0010), and a template's
//! periods reach it as its followers' `working_hours`, rewritten in the same transaction.

mod report;
mod technicians;
mod templates;

pub use report::{Affected, AffectedVisit, Reassignment, affected};
pub use technicians::{
    Choices, SignInInput, TechnicianInput, TechnicianPage, add_time_off, choices, create_sign_in,
    create_technician, link_user, remove_exception, remove_time_off, set_active, set_exception,
    technician, technician_page, technicians, update_technician,
};
pub use templates::{TemplateInput, create_template, template, templates, update_template};

use crate::failure::{Failure, Kind, invalid_message};
use crate::identity::IdentityError;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use onsite_store::StoreError;
use std::borrow::Cow;

/// Longest name of a technician or a template.
const NAME_MAX: usize = 100;

/// Technicians per page of the list.
pub const PAGE_SIZE: u32 = 25;

#[derive(Debug, thiserror::Error)]
pub enum WorkforceError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Another template has this name, or the user signs in as another technician already.
    #[error("{field} is taken")]
    Taken { field: &'static str },
    /// The record changed since the form was shown (another member of staff saved it).
    #[error("changed meanwhile")]
    Changed,
    /// The technician, template, time off or exception is not (or no longer) there.
    #[error("not found")]
    NotFound,
    /// The technician has a sign-in already: unlink it first.
    #[error("the technician has a sign-in already")]
    HasSignIn,
    /// Making the technician's sign-in was refused (an address that has a user already…).
    #[error(transparent)]
    SignIn(IdentityError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkforceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WorkforceError::NotFound,
            StoreError::Conflict { constraint } if constraint.contains("user") => {
                WorkforceError::Taken { field: "user" }
            }
            StoreError::Conflict { constraint } if constraint.contains("working_hours") => {
                WorkforceError::Taken { field: "name" }
            }
            e => WorkforceError::Store(e),
        }
    }
}

impl From<IdentityError> for WorkforceError {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::Invalid(i) => WorkforceError::Invalid(i),
            IdentityError::Store(e) => e.into(),
            e => WorkforceError::SignIn(e),
        }
    }
}

impl Failure for WorkforceError {
    fn kind(&self) -> Kind {
        match self {
            WorkforceError::Invalid(_) => Kind::Invalid,
            WorkforceError::Taken { .. } | WorkforceError::Changed | WorkforceError::HasSignIn => {
                Kind::Conflict
            }
            WorkforceError::NotFound => Kind::NotFound,
            WorkforceError::SignIn(e) => e.kind(),
            WorkforceError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WorkforceError::Taken { .. } => "taken",
            WorkforceError::Changed => "changed",
            WorkforceError::HasSignIn => "has_sign_in",
            WorkforceError::SignIn(e) => e.code(),
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            WorkforceError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            WorkforceError::Taken { field } => Some(Cow::Borrowed(*field)),
            WorkforceError::HasSignIn => Some(Cow::Borrowed("email")),
            WorkforceError::SignIn(e) => e.field(),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            WorkforceError::Invalid(i) => invalid_message(locale, i.reason),
            WorkforceError::Taken { field: "user" } => locale.text("workforce-error-user-taken"),
            WorkforceError::Taken { .. } => locale.text("workforce-error-name-taken"),
            WorkforceError::Changed => locale.text("workforce-error-changed"),
            WorkforceError::NotFound => locale.text("web-error-not-found"),
            WorkforceError::HasSignIn => locale.text("workforce-error-has-sign-in"),
            WorkforceError::SignIn(e) => e.message(locale),
            WorkforceError::Store(e) => e.message(locale),
        }
    }
}

type Result<T, E = WorkforceError> = std::result::Result<T, E>;

/// A name as typed: one line, 1 to [`NAME_MAX`] characters.
fn parse_name(raw: &str) -> Result<String> {
    Ok(onsite_domain::text::single_line("name", raw, NAME_MAX)?)
}

/// Commits, as a store error on failure.
async fn commit(tx: onsite_store::Tx) -> Result<()> {
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
