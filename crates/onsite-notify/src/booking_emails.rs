//! The emails about a customer's visit: booked, rescheduled, canceled, and "please choose a new
//! time" (reassignment found nobody). Each says when in the recipient's time zone and language,
//! and the first three carry the visit's calendar invitation (`.ics`, see [`crate::ics`]).
//!
//! Event keys (the outbox sends one message per key): `booking:<id>:confirmed`,
//! `booking:<id>:rescheduled:<sequence>`, `booking:<id>:canceled`,
//! `booking:<id>:new-time:<when flagged, Unix ms>`.

use crate::email::Email;
use crate::emails::{RenderError, build};
use crate::ics::{self, Method, Party};
use crate::render::email_templates;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_domain::BookingId;
use onsite_domain::text::EmailAddress;
use onsite_i18n::{Arg, Locale, datetime};

/// Everything the booking emails say about a visit, as the application knows it.
#[derive(Debug, Clone, Copy)]
pub struct VisitFacts<'a> {
    pub booking_id: BookingId,
    /// How to greet the recipient (empty: a greeting without a name).
    pub recipient_name: &'a str,
    pub service_type: &'a str,
    pub asset: Option<&'a str>,
    pub technician: &'a str,
    /// The service address on one line.
    pub address: &'a str,
    /// The work order's number; `None` when the recipient may not see the work order (not
    /// exposed to the customer): then neither it nor its comments are named.
    pub work_order: Option<&'a str>,
    pub comments: Option<&'a str>,
    pub starts_at: Timestamp,
    /// End of the promised arrival window; `None` = arrival at `starts_at`.
    pub arrival_window_end: Option<Timestamp>,
    pub ends_at: Timestamp,
    /// The recipient's time zone: every time in the email is shown in it.
    pub time_zone: &'a TimeZone,
    /// The visit's page in the portal.
    pub link: &'a str,
    pub ics_uid: &'a str,
    /// The calendar sequence of this version of the visit.
    pub ics_sequence: i64,
    /// The address invitations are sent from (the ORGANIZER of the `.ics`).
    pub organizer_email: &'a str,
}

/// The words of a visit, formatted for one recipient: what the templates show.
pub struct Visit<'a> {
    /// "Hello Ana," (or a greeting without a name).
    pub greeting: String,
    pub service_type: &'a str,
    /// "Monday, March 9, 2026"
    pub date: String,
    /// The facts of the visit as (label, value) lines: date, arrival, service, equipment,
    /// technician, address, work order, comments.
    pub details: Vec<(String, String)>,
    pub link: &'a str,
}

pub struct BookingConfirmed<'a> {
    pub visit: &'a Visit<'a>,
}

pub struct BookingRescheduled<'a> {
    pub visit: &'a Visit<'a>,
    /// When it was planned before: "Monday, March 9, 2026, 10:30 AM".
    pub previous: &'a str,
}

pub struct BookingCanceled<'a> {
    pub visit: &'a Visit<'a>,
    pub reason: &'a str,
    /// Where to book another visit.
    pub book_link: &'a str,
}

pub struct BookingNewTime<'a> {
    pub visit: &'a Visit<'a>,
}

email_templates!(
    BookingConfirmed,
    "email/booking-confirmed/subject.txt",
    "email/booking-confirmed/body.txt",
    "email/booking-confirmed/body.html"
);
email_templates!(
    BookingRescheduled,
    "email/booking-rescheduled/subject.txt",
    "email/booking-rescheduled/body.txt",
    "email/booking-rescheduled/body.html"
);
email_templates!(
    BookingCanceled,
    "email/booking-canceled/subject.txt",
    "email/booking-canceled/body.txt",
    "email/booking-canceled/body.html"
);
email_templates!(
    BookingNewTime,
    "email/booking-new-time/subject.txt",
    "email/booking-new-time/body.txt",
    "email/booking-new-time/body.html"
);

pub(crate) fn visit<'a>(locale: Locale, v: &VisitFacts<'a>) -> Visit<'a> {
    let start = v.starts_at.to_zoned(v.time_zone.clone());
    let arrival = match v.arrival_window_end.filter(|end| *end > v.starts_at) {
        Some(end) => {
            let end = end.to_zoned(v.time_zone.clone());
            let from = datetime::time(locale, start.time());
            let to = datetime::time(locale, end.time());
            locale.text_with(
                "booking-email-arrival-window",
                &[("start", Arg::Str(&from)), ("end", Arg::Str(&to))],
            )
        }
        None => datetime::time(locale, start.time()),
    };
    let greeting = if v.recipient_name.trim().is_empty() {
        locale.text("booking-email-greeting-anonymous")
    } else {
        locale.text_with(
            "booking-email-greeting",
            &[("name", Arg::Str(v.recipient_name.trim()))],
        )
    };
    let date = datetime::date(locale, start.date());
    let label = |id: &str| locale.text(&format!("booking-email-label-{id}"));
    let mut details = vec![
        (label("date"), date.clone()),
        (label("arrival"), arrival),
        (label("service"), v.service_type.to_owned()),
    ];
    if let Some(asset) = v.asset {
        details.push((label("asset"), asset.to_owned()));
    }
    details.push((label("technician"), v.technician.to_owned()));
    details.push((label("address"), v.address.to_owned()));
    if let Some(work_order) = v.work_order {
        details.push((label("work-order"), work_order.to_owned()));
    }
    if let Some(comments) = v.comments.filter(|c| !c.trim().is_empty()) {
        details.push((label("comments"), comments.to_owned()));
    }
    Visit {
        greeting,
        service_type: v.service_type,
        date,
        details,
        link: v.link,
    }
}

/// One "Label: value" line in the recipient's language.
fn line(locale: Locale, label: &str, value: &str) -> String {
    let label = locale.text(&format!("booking-email-label-{label}"));
    locale.text_with(
        "booking-email-line",
        &[("label", Arg::Str(&label)), ("value", Arg::Str(value))],
    )
}

/// The calendar event of the visit in this email's language.
fn calendar(
    locale: Locale,
    method: Method,
    to: &EmailAddress,
    v: &VisitFacts<'_>,
    now: Timestamp,
) -> crate::email::Attachment {
    let summary = locale.text_with(
        "booking-ics-summary",
        &[("service", Arg::Str(v.service_type))],
    );
    let mut description = vec![line(locale, "technician", v.technician)];
    if let Some(work_order) = v.work_order {
        description.push(line(locale, "work-order", work_order));
    }
    if let Some(asset) = v.asset {
        description.push(line(locale, "asset", asset));
    }
    description.push(v.link.to_owned());
    let organizer = locale.text("app-name");
    let attendee = if v.recipient_name.trim().is_empty() {
        to.as_str()
    } else {
        v.recipient_name
    };
    ics::attachment(&ics::Event {
        method,
        uid: v.ics_uid,
        sequence: v.ics_sequence,
        stamp: now,
        starts_at: v.starts_at,
        ends_at: v.ends_at,
        summary: &summary,
        description: &description.join("\n"),
        location: v.address,
        organizer: Party {
            name: &organizer,
            email: v.organizer_email,
        },
        attendee: Party {
            name: attendee,
            email: to.as_str(),
        },
    })
}

/// "Your visit is booked", with the invitation (`METHOD:REQUEST`).
pub fn booking_confirmed(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    now: Timestamp,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    let mut email = build(
        "booking-confirmed",
        to,
        locale,
        format!("booking:{}:confirmed", v.booking_id),
        &BookingConfirmed { visit: &visit },
    )?;
    email
        .attachments
        .push(calendar(locale, Method::Request, to, v, now));
    Ok(email)
}

/// "Your visit has moved", with the updated invitation (same UID, the new sequence).
pub fn booking_rescheduled(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    previous_start: Timestamp,
    now: Timestamp,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    let previous = datetime::date_time(locale, &previous_start.to_zoned(v.time_zone.clone()));
    let mut email = build(
        "booking-rescheduled",
        to,
        locale,
        format!("booking:{}:rescheduled:{}", v.booking_id, v.ics_sequence),
        &BookingRescheduled {
            visit: &visit,
            previous: &previous,
        },
    )?;
    email
        .attachments
        .push(calendar(locale, Method::Request, to, v, now));
    Ok(email)
}

/// "Your visit is canceled", with the reason and the cancellation (`METHOD:CANCEL`).
pub fn booking_canceled(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    reason: &str,
    book_link: &str,
    now: Timestamp,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    let mut email = build(
        "booking-canceled",
        to,
        locale,
        format!("booking:{}:canceled", v.booking_id),
        &BookingCanceled {
            visit: &visit,
            reason,
            book_link,
        },
    )?;
    email
        .attachments
        .push(calendar(locale, Method::Cancel, to, v, now));
    Ok(email)
}

/// "Please choose a new time": nobody can make the visit at its time any more. No invitation:
/// the visit keeps its time until the customer (or a dispatcher) moves it.
pub fn booking_new_time(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    flagged_at: Timestamp,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    build(
        "booking-new-time",
        to,
        locale,
        format!(
            "booking:{}:new-time:{}",
            v.booking_id,
            flagged_at.as_millisecond()
        ),
        &BookingNewTime { visit: &visit },
    )
}
