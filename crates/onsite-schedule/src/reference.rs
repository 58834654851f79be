//! The straightforward search: for every slot, every technician, every one of their bookings,
//! the rules checked literally with the tz database. Nothing in it is slowed down on purpose:
//! it is simply the obvious code, and it is the definition the fast [`crate::Planner`] must
//! agree with — the tests compare both on random inputs, and the benchmark reports the ratio.
//!
//! The rules, for a technician and a reservation `[s, e)` (arrival window + visit) at the
//! customer's location:
//! 1. eligible: user resource, active, serves one of the location's territories, every
//!    required skill at its minimum rating;
//! 2. their working day is the local date of `s` in *their* zone; its periods (the date's
//!    exception, else the weekday's template) are merged when they touch or overlap;
//! 3. the day's commitments are those touching `[first period start, last period end]`; none may
//!    overlap `[s, e)`;
//! 4. they come from the commitment(s) ending last at or before `s` (the longest drive if
//!    several), else from home; they go on to the commitment(s) starting first at or after
//!    `e`, else home;
//! 5. `[s − drive before, e + drive after]` lies inside one working period, overlaps no time
//!    off, starts no earlier than the previous commitment's end and ends no later than the next
//!    one's start. (Travel is working time, first and last drive of the day included.)

use crate::calendar::grid_ms;
use crate::eligibility::check_eligibility;
use crate::hours::working_periods;
use crate::input::SearchInput;
use crate::planner::{Assignment, DaySlots, Place, Slot, Unavailable};
use crate::travel::{Leg, TravelModel};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::TechnicianId;
use onsite_domain::technician::Technician;
use std::collections::{HashMap, HashSet};

/// The slots of each bookable day in `from..=to`, like [`crate::Planner::days`].
pub fn days(
    input: &SearchInput<'_>,
    travel: &(impl TravelModel + ?Sized),
    from: Date,
    to: Date,
) -> Vec<DaySlots> {
    let Some(h) = input.horizon() else {
        return vec![];
    };
    let people = People::new(input);
    let window_ms = input.settings.arrival_window_minutes() * 60_000;
    let block_ms = input.block_ms();
    let mut out = Vec::new();
    let mut date = from.max(h.today);
    while date <= to.min(h.last) {
        let mut slots = Vec::new();
        for (s, repeated) in grid_ms(
            &input.request.time_zone,
            date,
            input.settings.slot_minutes(),
        ) {
            if s < h.earliest_ms {
                continue;
            }
            if people
                .all
                .iter()
                .any(|p| can_take(input, travel, p, s, block_ms).is_some())
            {
                slots.push(Slot {
                    start: ts(s),
                    arrival_window_end: ts(s + window_ms),
                    end: ts(s + block_ms),
                    repeated_wall_time: repeated,
                });
            }
        }
        out.push(DaySlots { date, slots });
        let Ok(next) = date.tomorrow() else { break };
        date = next;
    }
    out
}

/// The technician for a chosen slot, like [`crate::Planner::assign`].
pub fn assign(
    input: &SearchInput<'_>,
    travel: &(impl TravelModel + ?Sized),
    slot_start: Timestamp,
) -> Result<Assignment, Unavailable> {
    let h = input.horizon().ok_or(Unavailable::OutsideHorizon)?;
    let s = slot_start.as_millisecond();
    if s < h.earliest_ms {
        return Err(Unavailable::TooSoon);
    }
    let date = slot_start.to_zoned(input.request.time_zone.clone()).date();
    if date < h.today || date > h.last {
        return Err(Unavailable::OutsideHorizon);
    }
    if !grid_ms(
        &input.request.time_zone,
        date,
        input.settings.slot_minutes(),
    )
    .iter()
    .any(|p| p.0 == s)
    {
        return Err(Unavailable::NotASlot);
    }
    assign_at(input, travel, slot_start).ok_or(Unavailable::NoTechnician)
}

/// The best technician for a reservation starting at `start`, like
/// [`crate::Planner::assign_at`].
pub fn assign_at(
    input: &SearchInput<'_>,
    travel: &(impl TravelModel + ?Sized),
    start: Timestamp,
) -> Option<Assignment> {
    let people = People::new(input);
    let s = start.as_millisecond();
    let block_ms = input.block_ms();
    let mut best: Option<(TechnicianId, Drive, Drive)> = None;
    for p in &people.all {
        let Some((before, after)) = can_take(input, travel, p, s, block_ms) else {
            continue;
        };
        let key = |b: &Drive, a: &Drive| (b.leg.km, b.leg.km + a.leg.km);
        let better = match &best {
            None => true,
            Some((id, b, a)) => {
                let (x, y) = (key(&before, &after), key(b, a));
                x.0.total_cmp(&y.0)
                    .then(x.1.total_cmp(&y.1))
                    .then(p.tech.id.cmp(id))
                    .is_lt()
            }
        };
        if better {
            best = Some((p.tech.id, before, after));
        }
    }
    let (technician_id, before, after) = best?;
    let place = |home| if home { Place::HomeBase } else { Place::Visit };
    Some(Assignment {
        technician_id,
        starts_at: start,
        arrival_window_end: ts(s + input.settings.arrival_window_minutes() * 60_000),
        ends_at: ts(s + block_ms),
        travel_before: before.leg.public(),
        comes_from: place(before.home),
        travel_after: after.leg.public(),
        goes_to: place(after.home),
    })
}

/// A technician with their zone and their commitments.
struct Person<'a> {
    tech: &'a Technician,
    tz: TimeZone,
    bookings: Vec<(i64, i64, onsite_domain::geo::GeoPoint)>,
}

struct People<'a> {
    all: Vec<Person<'a>>,
}

impl<'a> People<'a> {
    fn new(input: &SearchInput<'a>) -> Self {
        let mut by_tech: HashMap<TechnicianId, Vec<(i64, i64, onsite_domain::geo::GeoPoint)>> =
            HashMap::new();
        for c in input.commitments {
            by_tech.entry(c.technician_id).or_default().push((
                c.starts_at.as_millisecond(),
                c.ends_at.as_millisecond(),
                c.location,
            ));
        }
        // Ids are unique in the store; should one repeat, the first technician listed counts.
        let mut seen = HashSet::new();
        let all = input
            .technicians
            .iter()
            .filter(|t| seen.insert(t.id))
            .map(|tech| Person {
                tech,
                tz: tech.time_zone.time_zone(),
                bookings: by_tech.get(&tech.id).cloned().unwrap_or_default(),
            })
            .collect();
        Self { all }
    }
}

#[derive(Debug, Clone, Copy)]
struct Drive {
    leg: Leg,
    home: bool,
}

/// Rules 1–5 above, literally.
fn can_take(
    input: &SearchInput<'_>,
    travel: &(impl TravelModel + ?Sized),
    p: &Person<'_>,
    s: i64,
    block_ms: i64,
) -> Option<(Drive, Drive)> {
    check_eligibility(p.tech, input.request).ok()?;
    let e = s + block_ms;
    let here = input.request.location;

    let date = ts(s).to_zoned(p.tz.clone()).date();
    let merged = working_periods(p.tech, &p.tz, date);
    let (span_start, span_end) = (merged.first()?.0, merged.last()?.1);

    let day: Vec<_> = p
        .bookings
        .iter()
        .filter(|b| b.0 < b.1 && b.1 >= span_start && b.0 <= span_end)
        .collect();
    if day.iter().any(|b| b.0 < e && s < b.1) {
        return None;
    }
    let prev_end = day.iter().filter(|b| b.1 <= s).map(|b| b.1).max();
    let before = match prev_end {
        None => Drive {
            leg: Leg::between(travel, p.tech.home_base, here),
            home: true,
        },
        Some(end) => Drive {
            leg: day
                .iter()
                .filter(|b| b.1 == end)
                .map(|b| Leg::between(travel, b.2, here))
                .reduce(Leg::longest)?,
            home: false,
        },
    };
    let next_start = day.iter().filter(|b| b.0 >= e).map(|b| b.0).min();
    let after = match next_start {
        None => Drive {
            leg: Leg::between(travel, here, p.tech.home_base),
            home: true,
        },
        Some(start) => Drive {
            leg: day
                .iter()
                .filter(|b| b.0 == start)
                .map(|b| Leg::between(travel, here, b.2))
                .reduce(Leg::longest)?,
            home: false,
        },
    };

    let (lo, hi) = (s - before.leg.ms, e + after.leg.ms);
    let fits = prev_end.is_none_or(|end| lo >= end)
        && next_start.is_none_or(|start| hi <= start)
        && merged.iter().any(|&(a, b)| a <= lo && hi <= b)
        && !p.tech.time_off.iter().any(|t| {
            let (a, b) = (t.starts_at.as_millisecond(), t.ends_at.as_millisecond());
            a < b && a < hi && lo < b
        });
    fits.then_some((before, after))
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::MAX)
}
