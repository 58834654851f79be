//! The workforce's pages (dispatchers and administrators, SPEC §10): the technicians
//! (`/staff/technicians`, [`technicians`]) and the working-hours templates they follow
//! (`/staff/working-hours`, [`templates`]). What both share is here: the report of what a
//! change did to booked visits, carried from the change to the page after it as the
//! reassignment jobs' ids (`?jobs=12,13`), and the weekday labels.

pub mod technicians;
pub mod templates;

use crate::layout::Page;
use jiff::civil::Weekday;
use onsite_app::workforce::{Affected, Reassignment, WorkforceError};
use onsite_domain::InvalidInput;
use onsite_i18n::Arg;
use onsite_store::reassignment::JobId;

/// The technicians' list.
pub const TECHNICIANS: &str = "/staff/technicians";
/// The working-hours templates' list.
pub const WORKING_HOURS: &str = "/staff/working-hours";

/// The page's `jobs` query parameter: ids separated by commas; anything else is skipped (the
/// link is the portal's own, and a job id shows nothing but what staff may see anyway).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct JobsQuery {
    jobs: String,
}

impl JobsQuery {
    pub fn ids(&self) -> Vec<JobId> {
        self.jobs
            .split(',')
            .filter_map(crate::input::parse_id)
            .map(JobId)
            .take(200)
            .collect()
    }
}

/// Where to go after a change: `path` with its notice and the jobs it queued.
pub fn after_change(path: &str, notice: &str, changed: &Reassignment) -> String {
    let jobs: Vec<String> = changed.jobs().iter().map(|j| j.0.to_string()).collect();
    if jobs.is_empty() {
        format!("{path}?notice={notice}")
    } else {
        format!("{path}?notice={notice}&jobs={}", jobs.join(","))
    }
}

/// The version a form carries (`seen_version`).
pub fn parse_version(raw: &str) -> Result<i64, WorkforceError> {
    raw.trim()
        .parse()
        .map_err(|_| InvalidInput::new("seen_version", "required").into())
}

/// What a change did to booked visits, in words.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub headline: String,
    /// Jobs still running in the background.
    pub pending: Option<String>,
    /// One line per visit moved or waiting for a new time.
    pub lines: Vec<String>,
}

/// The report of `affected`, when the page was reached after a change that queued jobs.
pub fn report_view(page: &Page, jobs: &[JobId], affected: &Affected) -> Option<ReportView> {
    if jobs.is_empty() {
        return None;
    }
    let locale = page.locale;
    let count = |n: usize| Arg::Num(n as f64);
    let headline = if affected.visits.is_empty() {
        locale.text_with(
            "workforce-report-none",
            &[("checked", count(affected.checked))],
        )
    } else {
        locale.text_with(
            "workforce-report-affected",
            &[
                ("count", count(affected.visits.len())),
                ("moved", count(affected.moved())),
                ("waiting", count(affected.waiting())),
            ],
        )
    };
    let lines = affected
        .visits
        .iter()
        .map(|v| {
            let when = page.time_in(v.starts_at, v.time_zone.clone());
            let to = v.to.as_deref().unwrap_or_default();
            let args = [
                ("when", Arg::Str(&when)),
                ("account", Arg::Str(&v.account)),
                ("service", Arg::Str(&v.service_type)),
                ("from", Arg::Str(&v.from)),
                ("to", Arg::Str(to)),
            ];
            let id = match (&v.to, v.customer_asked) {
                (Some(_), _) => "workforce-report-moved",
                (None, true) => "workforce-report-waiting-asked",
                (None, false) => "workforce-report-waiting",
            };
            locale.text_with(id, &args)
        })
        .collect();
    let pending = (affected.pending > 0).then(|| {
        locale.text_with(
            "workforce-report-pending",
            &[("count", count(affected.pending))],
        )
    });
    Some(ReportView {
        headline,
        pending,
        lines,
    })
}

/// A weekday's name in the page's language.
pub fn weekday_label(page: &Page, day: Weekday) -> String {
    page.t(&format!(
        "workforce-day-{}",
        onsite_domain::working_hours::weekday_field(day)
    ))
}
