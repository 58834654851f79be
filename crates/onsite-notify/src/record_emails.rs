//! The email the service company's staff get when a customer's approver decides: an estimate
//! approved or rejected, an agreement's renewal approved or rejected. It says who decided, when
//! (in the recipient's time zone), the comment, what happened to the record, and links to the
//! record's staff page, in the recipient's language.
//!
//! Event key (the outbox sends one message per key): `approval:<approval id>:<user id>`.

use crate::email::Email;
use crate::emails::{RenderError, build};
use crate::render::email_templates;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::text::EmailAddress;
use onsite_i18n::{Arg, Locale, datetime};

/// What was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedRecord {
    /// A work order's estimate.
    Estimate,
    /// An agreement's renewal.
    Renewal,
}

/// The facts of a decision, as the application knows them.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFacts<'a> {
    pub record: DecidedRecord,
    pub approved: bool,
    /// The work order's or agreement's number.
    pub number: &'a str,
    /// The work order's summary or service type, the agreement's name.
    pub title: &'a str,
    /// The customer account.
    pub account: &'a str,
    /// Who decided: their name, and email address.
    pub decided_by: &'a str,
    pub decided_at: Timestamp,
    /// The recipient's zone: the time of the decision is shown in it.
    pub time_zone: &'a TimeZone,
    pub comment: Option<&'a str>,
    /// For an approved renewal: the new end of the agreement.
    pub renewed_until: Option<Date>,
    /// How to greet the recipient (empty: a greeting without a name).
    pub recipient_name: &'a str,
    /// The record's staff page.
    pub link: &'a str,
}

/// The words of the email, in the recipient's language: what the templates show.
pub struct RecordDecided<'a> {
    /// `records-email-subject-estimate-approved` and the like.
    pub subject_id: String,
    pub number: &'a str,
    pub account: &'a str,
    pub greeting: String,
    pub intro: String,
    /// (label, value) lines: record, title, account, decided by, when.
    pub details: Vec<(String, String)>,
    pub comment: Option<&'a str>,
    /// What happened to the record.
    pub outcome: String,
    pub link: &'a str,
}

email_templates!(
    RecordDecided,
    "email/record-decided/subject.txt",
    "email/record-decided/body.txt",
    "email/record-decided/body.html"
);

/// The decision email to one staff member. `event_key` is `approval:<id>:<user id>`.
pub fn record_decided(
    to: &EmailAddress,
    locale: Locale,
    event_key: String,
    f: &DecisionFacts<'_>,
) -> Result<Email, RenderError> {
    let what = match (f.record, f.approved) {
        (DecidedRecord::Estimate, true) => "estimate-approved",
        (DecidedRecord::Estimate, false) => "estimate-rejected",
        (DecidedRecord::Renewal, true) => "renewal-approved",
        (DecidedRecord::Renewal, false) => "renewal-rejected",
    };
    let args = [
        ("number", Arg::Str(f.number)),
        ("account", Arg::Str(f.account)),
        ("name", Arg::Str(f.decided_by)),
    ];
    let intro = locale.text_with(&format!("records-email-intro-{what}"), &args);
    let outcome = match f.renewed_until {
        Some(until) if f.approved => {
            let until = datetime::date(locale, until);
            locale.text_with(
                "records-email-outcome-renewal-approved",
                &[("date", Arg::Str(&until))],
            )
        }
        _ => locale.text(&format!("records-email-outcome-{what}")),
    };
    let greeting = if f.recipient_name.trim().is_empty() {
        locale.text("records-email-greeting-anonymous")
    } else {
        locale.text_with(
            "records-email-greeting",
            &[("name", Arg::Str(f.recipient_name.trim()))],
        )
    };
    let label = |id: &str| locale.text(&format!("records-email-label-{id}"));
    let record_label = match f.record {
        DecidedRecord::Estimate => label("work-order"),
        DecidedRecord::Renewal => label("agreement"),
    };
    let when = datetime::date_time(locale, &f.decided_at.to_zoned(f.time_zone.clone()));
    let mut details = vec![(record_label, f.number.to_owned())];
    if !f.title.trim().is_empty() {
        details.push((label("title"), f.title.to_owned()));
    }
    details.push((label("account"), f.account.to_owned()));
    details.push((label("decided-by"), f.decided_by.to_owned()));
    details.push((label("decided-at"), when));
    let ctx = RecordDecided {
        subject_id: format!("records-email-subject-{what}"),
        number: f.number,
        account: f.account,
        greeting,
        intro,
        details,
        comment: f.comment.map(str::trim).filter(|c| !c.is_empty()),
        outcome,
        link: f.link,
    };
    build("record-decided", to, locale, event_key, &ctx)
}
