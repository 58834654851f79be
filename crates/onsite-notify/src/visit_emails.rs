//! The emails about a visit under way (SPEC §6): "your technician is on the way" when travel
//! starts, with the estimated arrival and the live map's link when tracking is on; "your
//! technician is not on the way after all" when travel stops (undone, or the technician went to
//! another visit first: the visit stays at its time); and "your visit is completed", with the
//! feedback link when surveys are on. All reuse the visit's details of the booking emails
//! ([`crate::booking_emails`]); none carries a calendar invitation (the visit's time does not
//! change).
//!
//! Event keys (one message per key): `booking:<id>:on-the-way:<ms>` and
//! `booking:<id>:travel-stopped:<ms>` (the instant of the move: travel may stop and start again),
//! `booking:<id>:completed` (a visit completes once).

use crate::booking_emails::{Visit, VisitFacts, visit};
use crate::email::Email;
use crate::emails::{RenderError, build};
use crate::render::email_templates;
use jiff::Timestamp;
use onsite_domain::text::EmailAddress;
use onsite_i18n::{Locale, datetime};

pub struct TechnicianOnTheWay<'a> {
    pub visit: &'a Visit<'a>,
    /// The technician's first name.
    pub technician: &'a str,
    /// The estimated arrival, as a time in the recipient's zone ("10:42 AM").
    pub eta: &'a str,
    /// The live map (**View Live Map**), when tracking is on.
    pub live_map: Option<&'a str>,
}

pub struct TravelStopped<'a> {
    pub visit: &'a Visit<'a>,
    /// The technician's first name.
    pub technician: &'a str,
}

pub struct VisitCompleted<'a> {
    pub visit: &'a Visit<'a>,
    /// The survey (**Send Feedback**), when surveys are on.
    pub feedback: Option<&'a str>,
}

email_templates!(
    TechnicianOnTheWay,
    "email/technician-on-the-way/subject.txt",
    "email/technician-on-the-way/body.txt",
    "email/technician-on-the-way/body.html"
);
email_templates!(
    TravelStopped,
    "email/travel-stopped/subject.txt",
    "email/travel-stopped/body.txt",
    "email/travel-stopped/body.html"
);
email_templates!(
    VisitCompleted,
    "email/visit-completed/subject.txt",
    "email/visit-completed/body.txt",
    "email/visit-completed/body.html"
);

/// "Ana is on the way" (travel started at `started`): the estimated arrival `eta` in the
/// recipient's zone, and the live map's link when given.
pub fn technician_on_the_way(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    technician_first_name: &str,
    started: Timestamp,
    eta: Timestamp,
    live_map: Option<&str>,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    let eta = eta.to_zoned(v.time_zone.clone());
    let eta = format!(
        "{} ({})",
        datetime::time(locale, eta.time()),
        eta.strftime("%Z")
    );
    build(
        "technician-on-the-way",
        to,
        locale,
        format!(
            "booking:{}:on-the-way:{}",
            v.booking_id,
            started.as_millisecond()
        ),
        &TechnicianOnTheWay {
            visit: &visit,
            technician: technician_first_name,
            eta: &eta,
            live_map,
        },
    )
}

/// "Ana is not on the way after all" (travel stopped at `stopped`): the visit stays at its time.
pub fn travel_stopped(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    technician_first_name: &str,
    stopped: Timestamp,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    build(
        "travel-stopped",
        to,
        locale,
        format!(
            "booking:{}:travel-stopped:{}",
            v.booking_id,
            stopped.as_millisecond()
        ),
        &TravelStopped {
            visit: &visit,
            technician: technician_first_name,
        },
    )
}

/// "Your visit is completed", with the feedback link when given.
pub fn visit_completed(
    to: &EmailAddress,
    locale: Locale,
    v: &VisitFacts<'_>,
    feedback: Option<&str>,
) -> Result<Email, RenderError> {
    let visit = visit(locale, v);
    build(
        "visit-completed",
        to,
        locale,
        format!("booking:{}:completed", v.booking_id),
        &VisitCompleted {
            visit: &visit,
            feedback,
        },
    )
}
