//! The dispatcher's board, for the back office only ([`Staff`]).
//!
//! [`schedule`] is the schedule board dispatchers run the day from: one lane per technician
//! (active people, filtered by territory, skill or name) over a period of one day or a week in
//! the dispatcher's zone, each lane with the technician's working periods and time off
//! clipped to the period, and their visits with the drive before each one (from the previous
//! visit of their local day, else from their home base, by the site's travel model: the one
//! the scheduling engine books with); and the visits needing attention — flagged by a
//! reassignment, late (still Scheduled or Traveling after their time started), or unassigned
//! (their technician is no longer active). [`fingerprint`] is what the board's live updates
//! poll: it changes whenever anything the board of a period shows changes, on any server.
//!
//! [`board`] is the plain list of the visits of a period (the `/api/v1/staff/visits` API).

use crate::App;
use crate::booking::site_settings;
use crate::policy::Staff;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use onsite_domain::booking::BookingState;
use onsite_domain::skill::Characteristic;
use onsite_domain::technician::{ResourceKind, Technician};
use onsite_domain::territory::Territory;
use onsite_domain::{BookingId, CharacteristicId, InvalidInput, TechnicianId, TerritoryId};
use onsite_schedule::{TravelModel, working_day};
use onsite_store::StoreError;
use onsite_store::visit_board::{self, BoardFilter, BoardVisit};
use std::collections::HashMap;

/// The visits of a period and the ones needing attention, whatever their period.
#[derive(Debug, Clone)]
pub struct Board {
    /// By start time (then technician), at most the filter's limit.
    pub visits: Vec<BoardVisit>,
    /// Flagged visits, oldest flag first.
    pub attention: Vec<BoardVisit>,
}

/// The board for `filter`.
pub async fn board(app: &App, _staff: Staff, filter: &BoardFilter) -> Result<Board, StoreError> {
    let mut conn = app.store.conn().await?;
    let visits = visit_board::visits(&mut conn, filter).await?;
    let attention = visit_board::needing_attention(&mut conn).await?;
    Ok(Board { visits, attention })
}

/// Every technician (active or not), by name, from the reference snapshot.
pub async fn technicians(app: &App, _staff: Staff) -> Result<Vec<Technician>, StoreError> {
    let mut conn = app.store.conn().await?;
    Ok(app.store.reference(&mut conn).await?.technicians.clone())
}

/// The zone of the first technician by name (the company's own), for a dispatcher whose
/// profile names none.
pub async fn company_zone(app: &App, _staff: Staff) -> Result<Option<TimeZone>, StoreError> {
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    Ok(reference
        .technicians
        .first()
        .map(|t| t.time_zone.time_zone()))
}

/// Most visits one schedule board holds (it says when there are more: narrow the filters).
pub const SCHEDULE_LIMIT: i64 = 5000;

/// How far back a visit still Scheduled or Traveling counts as late on the board.
pub const LATE_LOOKBACK: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The view of the board: one day, or the seven days from the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Day,
    Week,
}

impl View {
    pub fn days(self) -> i64 {
        match self {
            View::Day => 1,
            View::Week => 7,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Day => "day",
            View::Week => "week",
        }
    }
}

/// What the dispatcher asks to see, checked: its period exists.
#[derive(Debug, Clone)]
pub struct Request {
    /// The first day, in `zone`.
    pub day: Date,
    pub view: View,
    /// The dispatcher's zone: the days are its days.
    pub zone: TimeZone,
    pub territory: Option<TerritoryId>,
    pub skill: Option<CharacteristicId>,
    pub technician: Option<TechnicianId>,
    period: Span,
}

impl Request {
    /// The board of `view` from `day` in `zone`, or `day` refused when the period falls
    /// outside the calendar.
    pub fn new(day: Date, view: View, zone: TimeZone) -> Result<Request, InvalidInput> {
        let out = |_| InvalidInput::new("day", "out-of-range");
        let from = day.to_zoned(zone.clone()).map_err(out)?.timestamp();
        let last = day.checked_add(view.days().days()).map_err(out)?;
        let to = last.to_zoned(zone.clone()).map_err(out)?.timestamp();
        Ok(Request {
            day,
            view,
            zone,
            territory: None,
            skill: None,
            technician: None,
            period: Span { from, to },
        })
    }

    /// The instants the period starts and ends at (`[from, to)`).
    pub fn period(&self) -> Span {
        self.period
    }
}

/// An interval of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// Why a visit needs a dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    /// Reassignment found nobody at its time (the customer was asked for a new one).
    Flagged,
    /// Its technician is no longer active.
    Unassigned,
    /// Still Scheduled or Traveling after its time started.
    Late,
}

impl Attention {
    pub const ALL: [Attention; 3] = [Attention::Flagged, Attention::Unassigned, Attention::Late];

    pub fn as_str(self) -> &'static str {
        match self {
            Attention::Flagged => "flagged",
            Attention::Unassigned => "unassigned",
            Attention::Late => "late",
        }
    }
}

/// A visit on the schedule board.
#[derive(Debug, Clone)]
pub struct Placed {
    pub visit: BoardVisit,
    /// The drive before it, in minutes (0 for a canceled visit).
    pub travel_minutes: i64,
    /// Why it needs attention; empty when it does not.
    pub attention: Vec<Attention>,
}

impl Placed {
    pub fn id(&self) -> BookingId {
        self.visit.visit.booking.id
    }
}

/// One technician's lane.
#[derive(Debug, Clone)]
pub struct Lane {
    pub id: TechnicianId,
    pub name: String,
    /// Their working periods within the period, ordered.
    pub working: Vec<Span>,
    /// Their time off within the period, ordered.
    pub time_off: Vec<Span>,
    /// Their visits starting in the period, by start time.
    pub visits: Vec<Placed>,
}

/// The schedule board.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub period: Span,
    pub lanes: Vec<Lane>,
    /// The visits needing attention (any period), by start time.
    pub attention: Vec<Placed>,
    /// More visits than [`SCHEDULE_LIMIT`] started in the period: not all are shown.
    pub truncated: bool,
    /// What the filters offer: the territories, the active skills and every active
    /// technician, by name.
    pub territories: Vec<Territory>,
    pub skills: Vec<Characteristic>,
    pub technicians: Vec<(TechnicianId, String)>,
}

/// The schedule board of `request` at `now`.
pub async fn schedule(
    app: &App,
    _staff: Staff,
    request: &Request,
    now: Timestamp,
) -> Result<Schedule, StoreError> {
    let Span { from, to } = request.period();
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    let travel = site_settings(&reference)?.travel;
    let skills: Vec<Characteristic> = onsite_store::catalog::list_characteristics(&mut conn)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .collect();
    let mut found = visit_board::visits(
        &mut conn,
        &BoardFilter {
            from,
            to,
            technician: None,
            state: None,
            limit: SCHEDULE_LIMIT + 1,
        },
    )
    .await?;
    let truncated = found.len() as i64 > SCHEDULE_LIMIT;
    found.truncate(SCHEDULE_LIMIT as usize);
    let flagged = visit_board::needing_attention(&mut conn).await?;
    let late = visit_board::late(&mut conn, now - LATE_LOOKBACK, now).await?;
    let unassigned = visit_board::unassigned(&mut conn, now).await?;
    drop(conn);

    let people: Vec<&Technician> = reference
        .technicians
        .iter()
        .filter(|t| t.active && t.kind == ResourceKind::User)
        .collect();
    let shown = |t: &Technician| {
        request.territory.is_none_or(|x| t.territories.contains(&x))
            && request
                .skill
                .is_none_or(|s| t.skills.iter().any(|l| l.characteristic_id == s))
            && request.technician.is_none_or(|id| t.id == id)
    };
    let inactive = |id: TechnicianId| reference.technician(id).is_none_or(|t| !t.active);

    // Why each visit needs attention, whatever its period.
    let mut reasons: HashMap<BookingId, Vec<Attention>> = HashMap::new();
    let mut attention: Vec<BoardVisit> = Vec::new();
    for (list, why) in [
        (flagged, Attention::Flagged),
        (unassigned, Attention::Unassigned),
        (late, Attention::Late),
    ] {
        for v in list {
            let entry = reasons.entry(v.visit.booking.id).or_default();
            if entry.is_empty() {
                attention.push(v);
            }
            entry.push(why);
        }
    }
    let is_late = |v: &BoardVisit| {
        matches!(
            v.visit.booking.state,
            BookingState::Scheduled | BookingState::Traveling
        ) && v.visit.booking.starts_at <= now
    };
    let reasons_of = |v: &BoardVisit| {
        let mut why = reasons
            .get(&v.visit.booking.id)
            .cloned()
            .unwrap_or_default();
        if is_late(v) && !why.contains(&Attention::Late) {
            why.push(Attention::Late);
        }
        let open = matches!(
            v.visit.booking.state,
            BookingState::Scheduled | BookingState::Traveling
        );
        if open && inactive(v.visit.booking.technician_id) && !why.contains(&Attention::Unassigned)
        {
            why.push(Attention::Unassigned);
        }
        why
    };

    let mut by_technician: HashMap<TechnicianId, Vec<BoardVisit>> = HashMap::new();
    for v in found {
        by_technician
            .entry(v.visit.booking.technician_id)
            .or_default()
            .push(v);
    }
    let clip = |a: Timestamp, b: Timestamp| {
        let (a, b) = (a.max(from), b.min(to));
        (a < b).then_some(Span { from: a, to: b })
    };
    let mut lanes = Vec::new();
    for tech in people.iter().copied().filter(|t| shown(t)) {
        let tz = tech.time_zone.time_zone();
        let first = from.to_zoned(tz.clone()).date();
        let last = to.to_zoned(tz.clone()).date();
        let mut working = Vec::new();
        let mut date = first;
        while date <= last {
            working.extend(
                working_day(tech, date)
                    .into_iter()
                    .filter_map(|(a, b)| clip(a, b)),
            );
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        let mut time_off: Vec<Span> = tech
            .time_off
            .iter()
            .filter_map(|o| clip(o.starts_at, o.ends_at))
            .collect();
        time_off.sort_by_key(|s| s.from);
        let visits = by_technician.remove(&tech.id).unwrap_or_default();
        // The drive before each visit: from the previous visit of the technician's local
        // day that is not canceled, else from home.
        let mut previous: Option<(Date, onsite_domain::geo::GeoPoint)> = None;
        let mut placed = Vec::with_capacity(visits.len());
        for v in visits {
            let b = &v.visit.booking;
            let travel_minutes = if b.state == BookingState::Canceled {
                0
            } else {
                let day = b.starts_at.to_zoned(tz.clone()).date();
                let origin = match previous {
                    Some((d, at)) if d == day => at,
                    _ => tech.home_base,
                };
                previous = Some((day, b.location));
                travel.travel(origin, b.location).minutes
            };
            let attention = reasons_of(&v);
            placed.push(Placed {
                visit: v,
                travel_minutes,
                attention,
            });
        }
        lanes.push(Lane {
            id: tech.id,
            name: tech.name.clone(),
            working,
            time_off,
            visits: placed,
        });
    }

    // The attention lane keeps to the filters: a visit of a technician in no shown lane is
    // left out, except an unassigned one when no technician filter is set (it has no lane).
    let shown_ids: Vec<TechnicianId> = lanes.iter().map(|l| l.id).collect();
    let filtered =
        request.territory.is_some() || request.skill.is_some() || request.technician.is_some();
    let mut attention: Vec<Placed> = attention
        .into_iter()
        .filter(|v| {
            let t = v.visit.booking.technician_id;
            shown_ids.contains(&t) || !filtered
        })
        .map(|v| {
            let why = reasons_of(&v);
            Placed {
                visit: v,
                travel_minutes: 0,
                attention: why,
            }
        })
        .collect();
    // Late visits of the period not already listed (the lookback may not reach them).
    for lane in &lanes {
        for p in &lane.visits {
            if !p.attention.is_empty() && !attention.iter().any(|a| a.id() == p.id()) {
                attention.push(p.clone());
            }
        }
    }
    attention.sort_by_key(|p| (p.visit.visit.booking.starts_at, p.id()));
    let mut technicians: Vec<(TechnicianId, String)> =
        people.iter().map(|t| (t.id, t.name.clone())).collect();
    technicians.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Schedule {
        period: Span { from, to },
        lanes,
        attention,
        truncated,
        territories: reference.territories.clone(),
        skills,
        technicians,
    })
}

/// What changes whenever anything the schedule board of `request` shows changes, whichever
/// server wrote it (see `visit_board::fingerprint`).
pub async fn fingerprint(app: &App, _staff: Staff, request: &Request) -> Result<u64, StoreError> {
    let Span { from, to } = request.period();
    let mut conn = app.store.conn().await?;
    visit_board::fingerprint(&mut conn, from, to).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boards_day_is_the_dispatchers_day_across_clock_changes() {
        let zone = TimeZone::get("America/Toronto").unwrap();
        let hours = |day: &str, view| {
            let r = Request::new(day.parse().unwrap(), view, zone.clone()).unwrap();
            r.period().to.duration_since(r.period().from).as_hours()
        };
        assert_eq!(hours("2026-03-07", View::Day), 24);
        assert_eq!(hours("2026-03-08", View::Day), 23, "spring forward");
        assert_eq!(hours("2026-11-01", View::Day), 25, "fall back");
        assert_eq!(hours("2026-03-05", View::Week), 7 * 24 - 1);
        let r = Request::new("2026-03-08".parse().unwrap(), View::Day, zone.clone()).unwrap();
        assert_eq!(r.period().from.to_string(), "2026-03-08T05:00:00Z");
        assert_eq!(r.period().to.to_string(), "2026-03-09T04:00:00Z");
        // The last day of the calendar has no end.
        assert!(Request::new(Date::MAX, View::Day, zone).is_err());
    }
}
