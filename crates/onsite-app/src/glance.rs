//! The dispatcher's day at a glance (issue 15 item 6), for the back office only ([`Staff`]):
//! the visits of a day by state, how many of them are late or wait for a new time, and each
//! active technician's booked share of their working hours that day. The start page draws it.
//!
//! - The day is a local date in the dispatcher's zone, from its midnight to the next.
//! - A visit is counted once, in its state; canceled visits are not counted.
//! - **Late**: Scheduled or Traveling, and its start has passed (the technician is not at
//!   work on it yet).
//! - **Waiting for a new time**: flagged by background reassignment and not resolved.
//! - A technician's **working minutes** are their working periods of that date (their own
//!   zone), less time off (`onsite_schedule::working_minutes`); their **booked minutes** are
//!   the parts of their visits that fall in the day. Technicians who neither work nor have a
//!   visit that day are left out.

use crate::App;
use crate::policy::Staff;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::booking::BookingState;
use onsite_store::{StoreError, bookings, reassignment};

/// The states a visit of the day is counted in, in the order they are drawn.
pub const STATES: [BookingState; 4] = [
    BookingState::Scheduled,
    BookingState::Traveling,
    BookingState::InProgress,
    BookingState::Completed,
];

/// One technician's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicianDay {
    pub name: String,
    pub booked_minutes: i64,
    pub working_minutes: i64,
}

/// The day at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAtAGlance {
    pub date: Date,
    /// How many visits are in each of [`STATES`], in that order.
    pub by_state: Vec<(BookingState, usize)>,
    pub late: usize,
    pub waiting: usize,
    /// By name.
    pub technicians: Vec<TechnicianDay>,
}

/// The day of `now` in `zone`.
pub async fn day_at_a_glance(
    app: &App,
    _staff: Staff,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<DayAtAGlance, StoreError> {
    let date = now.to_zoned(zone.clone()).date();
    let (from, to) = day_bounds(zone, date)?;
    let mut conn = app.store.conn().await?;
    let visits = bookings::open_bookings_between(&mut conn, from, to, None, None).await?;
    let waiting = reassignment::flagged_between(&mut conn, from, to)
        .await?
        .len();
    let reference = app.store.reference(&mut conn).await?;
    drop(conn);
    let by_state = STATES
        .iter()
        .map(|s| (*s, visits.iter().filter(|v| v.state == *s).count()))
        .collect();
    let late = visits
        .iter()
        .filter(|v| matches!(v.state, BookingState::Scheduled | BookingState::Traveling))
        .filter(|v| v.starts_at < now)
        .count();
    let mut technicians: Vec<TechnicianDay> = reference
        .technicians
        .iter()
        .filter(|t| t.active)
        .map(|t| {
            let booked_ms: i64 = visits
                .iter()
                .filter(|v| v.technician_id == t.id)
                .map(|v| {
                    let start = v.starts_at.max(from).as_millisecond();
                    let end = v.ends_at.min(to).as_millisecond();
                    (end - start).max(0)
                })
                .sum();
            TechnicianDay {
                name: t.name.clone(),
                booked_minutes: booked_ms / 60_000,
                working_minutes: onsite_schedule::working_minutes(t, date),
            }
        })
        .filter(|d| d.booked_minutes > 0 || d.working_minutes > 0)
        .collect();
    technicians.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(DayAtAGlance {
        date,
        by_state,
        late,
        waiting,
        technicians,
    })
}

/// Midnight of `date` and of the next day, in `zone`.
fn day_bounds(zone: &TimeZone, date: Date) -> Result<(Timestamp, Timestamp), StoreError> {
    let start = |d: Date| {
        d.to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .map_err(|e| StoreError::Corrupt(format!("day at a glance: {e}")))
    };
    let next = date
        .tomorrow()
        .map_err(|e| StoreError::Corrupt(format!("day at a glance: {e}")))?;
    Ok((start(date)?, start(next)?))
}
