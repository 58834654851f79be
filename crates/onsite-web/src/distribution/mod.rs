//! Opportunity distribution (SPEC §9): the staff pages (`staff`), the partner's pages
//! (`partner`) and both as JSON (`api`).

pub mod api;
pub mod form;
pub mod partner;
pub mod staff;

use crate::WebError;
use axum::http::StatusCode;
use jiff::Timestamp;
use onsite_app::distribution::{DistributionError, Stage, text};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_i18n::{Arg, Locale};

// Words shared by the staff pages and the partner portal.

/// An amount in Canadian dollars as the locale writes it: "$14,500.00" / "14 500,00 $" (the
/// same words as the app's explanations and emails).
pub(crate) fn money(locale: Locale, minor: i64) -> String {
    text::money(locale, minor)
}

/// How long ago: "3 days", "5 hours", "less than a minute".
pub(crate) fn age(locale: Locale, now: Timestamp, since: Timestamp) -> String {
    let minutes = now.duration_since(since).as_secs().max(0) / 60;
    let (id, n) = match minutes {
        m if m < 60 => ("partner-web-age-minutes", m),
        m if m < 60 * 24 => ("partner-web-age-hours", m / 60),
        m => ("partner-web-age-days", m / (60 * 24)),
    };
    // Ages are far below 2^53 minutes: exact as f64.
    locale.text_with(id, &[("count", Arg::Num(n as f64))])
}

pub(crate) fn status_label(locale: Locale, status: OpportunityStatus) -> String {
    locale.text(text::status_message_id(status))
}

/// A stored stage in words (a stage written by an older version reads as itself).
pub(crate) fn stage_label(locale: Locale, stage: &str) -> String {
    Stage::parse(stage).map_or_else(
        |_| stage.to_owned(),
        |s| locale.text(text::stage_message_id(s)),
    )
}

/// The CSS class suffix of a status badge.
pub(crate) fn status_key(status: OpportunityStatus) -> &'static str {
    match status {
        OpportunityStatus::New => "new",
        OpportunityStatus::Distributed => "distributed",
        OpportunityStatus::InProgress => "in-progress",
        OpportunityStatus::Won => "won",
        OpportunityStatus::Lost => "lost",
    }
}

/// A refused distribution use case the page can explain (a value at fault, or the state of
/// the opportunity): its status and message in `locale`; anything else is the error page.
pub(crate) fn refusal(
    e: DistributionError,
    locale: Locale,
) -> Result<(StatusCode, String), WebError> {
    match crate::error::form_refusal_status(&e) {
        Some(status) => Ok((status, e.message(locale))),
        None => Err(e.into()),
    }
}
