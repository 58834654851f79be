//! A technician's day on a map (issue 15, item 4): the visits of one of their days in order,
//! from their home base and back, each drive estimated by the site's travel model, and "suggest
//! a better order" — the order of the day's visits that drives less while reaching every
//! customer within their booked arrival window and keeping to the working day
//! (`onsite_schedule::route`). Staff only ([`Staff`]); reading only: nothing is changed.
//!
//! A suggestion is only made for a day none of whose visits has started (all Scheduled): a
//! technician on the road is not re-routed from here.

use crate::booking::{self, BookingError, Result, one_line_address, site_settings};
use crate::context::App;
use crate::policy::Staff;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_domain::booking::BookingState;
use onsite_domain::geo::GeoPoint;
use onsite_domain::{BookingId, TechnicianId};
use onsite_schedule::route::{self, Stop, WorkingDay};
use onsite_store::{accounts, bookings, visits};

/// A drive between two places of the day.
pub use onsite_schedule::route::Drive;

/// One visit of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayVisit {
    pub id: BookingId,
    pub state: BookingState,
    pub account: String,
    pub address: String,
    pub service_type: String,
    pub location: GeoPoint,
    pub starts_at: Timestamp,
    /// The end of the booked arrival window (`starts_at` without one).
    pub arrival_window_end: Timestamp,
    pub ends_at: Timestamp,
}

/// A better order of the day's visits.
#[derive(Debug, Clone, PartialEq)]
pub struct BetterOrder {
    /// The visits in the suggested order, each with its planned arrival.
    pub visits: Vec<(BookingId, Timestamp)>,
    /// Its drives: home to the first visit, …, the last back home.
    pub drives: Vec<Drive>,
    pub saved_minutes: i64,
    pub saved_km: f64,
}

/// Why no better order is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSuggestion {
    /// Fewer than two visits.
    NothingToOrder,
    /// A visit of the day has started (or is over).
    Started,
    /// The technician does not work that day (by their hours).
    NotWorking,
    /// The booked order already drives least within the windows.
    AlreadyBest,
}

/// A technician's day as a route.
#[derive(Debug, Clone)]
pub struct TechnicianDay {
    pub technician: TechnicianId,
    pub name: String,
    pub home: GeoPoint,
    pub date: Date,
    /// The technician's zone: the day and the times are theirs.
    pub time_zone: TimeZone,
    /// By start.
    pub visits: Vec<DayVisit>,
    /// Home to the first visit, …, the last back home (empty without visits).
    pub drives: Vec<Drive>,
    pub suggestion: std::result::Result<BetterOrder, NoSuggestion>,
}

/// The day `date` (the technician's zone; today there without one) of `technician`.
pub async fn day(
    app: &App,
    _staff: Staff,
    technician: TechnicianId,
    date: Option<Date>,
    now: Timestamp,
) -> Result<TechnicianDay> {
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    let tech = reference
        .technician(technician)
        .cloned()
        .ok_or(BookingError::NotFound)?;
    let travel = site_settings(&reference)?.travel;
    let zone = tech.time_zone.time_zone();
    let date = date.unwrap_or_else(|| now.to_zoned(zone.clone()).date());
    let bad = |_| onsite_domain::InvalidInput::new("date", "out-of-range");
    let from = date.to_zoned(zone.clone()).map_err(bad)?.timestamp();
    let to = date
        .checked_add(1.day())
        .map_err(bad)?
        .to_zoned(zone.clone())
        .map_err(bad)?
        .timestamp();
    let mut visits = Vec::new();
    for b in bookings::open_bookings_of(&mut conn, &[technician], from, to, None).await? {
        if b.starts_at < from || b.starts_at >= to {
            continue;
        }
        let v = booking::found(visits::visit(&mut conn, b.id).await)?;
        let account = booking::found(accounts::account(&mut conn, v.account_id).await)?;
        visits.push(DayVisit {
            id: b.id,
            state: b.state,
            account: account.name.clone(),
            address: one_line_address(&account),
            service_type: v.service_type.clone(),
            location: b.location,
            starts_at: b.starts_at,
            arrival_window_end: v.arrival_window_end.unwrap_or(b.starts_at),
            ends_at: b.ends_at,
        });
    }
    visits.sort_by_key(|v| (v.starts_at, v.id));
    let stops: Vec<Stop> = visits
        .iter()
        .map(|v| Stop {
            location: v.location,
            earliest: v.starts_at.as_millisecond(),
            latest: v.arrival_window_end.as_millisecond(),
            // What is reserved after the window: the visit itself.
            on_site_ms: v.ends_at.as_millisecond() - v.arrival_window_end.as_millisecond(),
        })
        .collect();
    let working = WorkingDay::of(&tech, date);
    // The route as booked: its drives whatever the hours (a day outside them still drives).
    let shown_day = working.unwrap_or(WorkingDay {
        start: from.as_millisecond(),
        end: to.as_millisecond(),
    });
    let order: Vec<usize> = (0..stops.len()).collect();
    let drives = if stops.is_empty() {
        Vec::new()
    } else {
        route::route(&travel, tech.home_base, &stops, &order, shown_day).drives
    };
    let suggestion = if stops.len() < 2 {
        Err(NoSuggestion::NothingToOrder)
    } else if visits.iter().any(|v| v.state != BookingState::Scheduled) {
        Err(NoSuggestion::Started)
    } else if let Some(working) = working {
        let s = route::suggest(&travel, tech.home_base, &stops, working);
        let (saved_minutes, saved_km) = s.saved();
        match s.better {
            Some(better) => Ok(BetterOrder {
                visits: better
                    .order
                    .iter()
                    .zip(&better.arrivals)
                    .map(|(&i, &at)| {
                        (
                            visits[i].id,
                            Timestamp::from_millisecond(at).unwrap_or(visits[i].starts_at),
                        )
                    })
                    .collect(),
                drives: better.drives,
                saved_minutes,
                saved_km,
            }),
            None => Err(NoSuggestion::AlreadyBest),
        }
    } else {
        Err(NoSuggestion::NotWorking)
    };
    Ok(TechnicianDay {
        technician,
        name: tech.name.clone(),
        home: tech.home_base,
        date,
        time_zone: zone,
        visits,
        drives,
        suggestion,
    })
}
