//! Checking a dispatcher's move of an existing visit to a technician and a start time: every
//! reason the move is refused, each a typed value the caller words in the person's language
//! ("Karim lacks Refrigeration ≥ 3", "overlaps the 14:00 visit including 18 min of travel").
//!
//! The rules are the engine's own: [`failed_rules`] for eligibility, the technician's working
//! periods ([`works_throughout`]) less their time off, and the drives of [`Leg`] before and after
//! the visit — the same conditions [`crate::Planner::assign_at`] applies, so a move with no
//! refusal is exactly one the planner would accept (a test checks that). What differs is the
//! answer: the planner says "no", a move names why. Eligibility, an overlap and a time in the
//! past can never be overridden; working hours, time off and a drive too short can be, by a
//! dispatcher stating a reason.

use crate::eligibility::{Ineligible, failed_rules};
use crate::hours::{working_periods, works_throughout};
use crate::input::{Commitment, Request};
use crate::travel::{Leg, TravelModel};
use jiff::Timestamp;
use onsite_domain::skill::{SkillLevel, missing};
use onsite_domain::technician::Technician;

/// The question: put the visit for `request` with `technician` from `starts_at` to `ends_at`
/// (its whole reservation: arrival window and time on site).
#[derive(Debug, Clone, Copy)]
pub struct MoveQuestion<'a> {
    pub technician: &'a Technician,
    pub request: &'a Request,
    /// The technician's other visits around the time (the visit being moved left out);
    /// commitments of other technicians are ignored.
    pub commitments: &'a [Commitment],
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub now: Timestamp,
}

/// Where a drive before or after the visit starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neighbour {
    HomeBase,
    /// Another visit of the technician, by its start.
    Visit(Timestamp),
}

/// One reason a move is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Crews and equipment are not booked for visits.
    NotAUser,
    Inactive,
    /// The technician serves none of the territories covering the address.
    OutsideTerritory,
    /// The required skills the technician lacks (or has below the minimum rating).
    LacksSkills(Vec<SkillLevel>),
    /// The new start has already passed.
    InPast,
    /// The reservation overlaps another visit of the technician, which starts at `starts_at`;
    /// `travel_minutes` is the drive between the two places on top of it.
    Overlap {
        starts_at: Timestamp,
        travel_minutes: i64,
    },
    /// Not inside one of the technician's working periods of that day.
    OutsideHours,
    /// Overlaps the technician's time off.
    TimeOff,
    /// The drive from `from` to the visit does not fit before it.
    TravelBefore {
        from: Neighbour,
        needed_minutes: i64,
        available_minutes: i64,
    },
    /// The drive from the visit to `to` does not fit after it.
    TravelAfter {
        to: Neighbour,
        needed_minutes: i64,
        available_minutes: i64,
    },
}

impl Refusal {
    /// Every [`Refusal::code`], for documents that list them.
    pub const CODES: [&'static str; 9] = [
        "not_a_user",
        "inactive",
        "territory",
        "lacks_skill",
        "past",
        "overlap",
        "outside_hours",
        "time_off",
        "travel",
    ];

    /// The stable code of the kind of reason (the JSON API's `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAUser => "not_a_user",
            Refusal::Inactive => "inactive",
            Refusal::OutsideTerritory => "territory",
            Refusal::LacksSkills(_) => "lacks_skill",
            Refusal::InPast => "past",
            Refusal::Overlap { .. } => "overlap",
            Refusal::OutsideHours => "outside_hours",
            Refusal::TimeOff => "time_off",
            Refusal::TravelBefore { .. } | Refusal::TravelAfter { .. } => "travel",
        }
    }

    /// Whether a dispatcher may move the visit anyway, stating a reason: working hours, time
    /// off and travel time, never eligibility, an overlap or the past.
    pub fn overridable(&self) -> bool {
        matches!(
            self,
            Refusal::OutsideHours
                | Refusal::TimeOff
                | Refusal::TravelBefore { .. }
                | Refusal::TravelAfter { .. }
        )
    }
}

impl From<Ineligible> for Refusal {
    fn from(rule: Ineligible) -> Self {
        match rule {
            Ineligible::NotAUser => Refusal::NotAUser,
            Ineligible::Inactive => Refusal::Inactive,
            Ineligible::OutsideTerritory => Refusal::OutsideTerritory,
            Ineligible::MissingSkills => Refusal::LacksSkills(Vec::new()),
        }
    }
}

/// Every reason a move is refused, in a stable order: eligibility, the past, overlaps, hours,
/// time off, travel before, travel after.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub refusals: Vec<Refusal>,
}

impl Verdict {
    /// Nothing stands in the way.
    pub fn is_clear(&self) -> bool {
        self.refusals.is_empty()
    }

    /// Refused, but only for reasons a dispatcher may override.
    pub fn overridable(&self) -> bool {
        !self.refusals.is_empty() && self.refusals.iter().all(Refusal::overridable)
    }

    /// Whether the move may go ahead: nothing refuses it, or (with `overriding`, a reason
    /// stated) only what may be overridden does.
    pub fn allows(&self, overriding: bool) -> bool {
        self.is_clear() || (overriding && self.overridable())
    }
}

/// Checks a move: see the module's documentation.
pub fn check_move(q: &MoveQuestion<'_>, travel: &(impl TravelModel + ?Sized)) -> Verdict {
    let tech = q.technician;
    let mut refusals: Vec<Refusal> = failed_rules(tech, q.request)
        .map(|rule| match rule {
            Ineligible::MissingSkills => Refusal::LacksSkills(
                missing(&tech.skills, &q.request.required_skills)
                    .copied()
                    .collect(),
            ),
            other => other.into(),
        })
        .collect();
    let (s, e) = (q.starts_at.as_millisecond(), q.ends_at.as_millisecond());
    if q.starts_at < q.now {
        refusals.push(Refusal::InPast);
    }
    let customer = q.request.location;
    let mut theirs: Vec<&Commitment> = q
        .commitments
        .iter()
        .filter(|c| c.technician_id == tech.id && c.starts_at < c.ends_at)
        .collect();
    theirs.sort_by_key(|c| (c.starts_at, c.ends_at));
    for c in theirs
        .iter()
        .filter(|c| c.starts_at.as_millisecond() < e && c.ends_at.as_millisecond() > s)
    {
        let leg = if c.starts_at.as_millisecond() <= s {
            Leg::between(travel, c.location, customer)
        } else {
            Leg::between(travel, customer, c.location)
        };
        refusals.push(Refusal::Overlap {
            starts_at: c.starts_at,
            travel_minutes: leg.minutes,
        });
    }
    if !works_throughout(tech, q.starts_at, q.ends_at) {
        refusals.push(Refusal::OutsideHours);
    }
    let time_off: Vec<(i64, i64)> = tech
        .time_off
        .iter()
        .map(|t| (t.starts_at.as_millisecond(), t.ends_at.as_millisecond()))
        .filter(|(a, b)| a < b)
        .collect();
    if time_off.iter().any(|&(a, b)| a < e && b > s) {
        refusals.push(Refusal::TimeOff);
    }
    // The working window holding the visit (a period less time off), as the planner has it.
    let tz = tech.time_zone.time_zone();
    let date = q.starts_at.to_zoned(tz.clone()).date();
    let periods = working_periods(tech, &tz, date);
    let window = periods
        .iter()
        .copied()
        .find(|&(a, b)| a <= s && e <= b)
        .and_then(|(a, b)| {
            let mut from = a;
            let mut sorted = time_off.clone();
            sorted.sort_unstable();
            for (ta, tb) in sorted {
                if tb <= from || ta >= b {
                    continue;
                }
                if ta >= e {
                    return Some((from, ta.min(b)));
                }
                if tb <= s {
                    from = from.max(tb);
                    continue;
                }
                return None; // time off inside the visit
            }
            Some((from, b))
        });
    // The visits ending last before it and starting first after it, among those of the
    // working day (the first visit of a day is driven to from home); overlapping ones are
    // refused above and play no part in travel.
    if let (Some(first), Some(last)) = (periods.first(), periods.last()) {
        theirs.retain(|c| {
            c.ends_at.as_millisecond() >= first.0 && c.starts_at.as_millisecond() <= last.1
        });
    }
    let prev_end = theirs
        .iter()
        .map(|c| c.ends_at.as_millisecond())
        .filter(|&end| end <= s)
        .max();
    let next_start = theirs
        .iter()
        .map(|c| c.starts_at.as_millisecond())
        .filter(|&start| start >= e)
        .min();
    let before = match prev_end {
        Some(end) => theirs
            .iter()
            .filter(|c| c.ends_at.as_millisecond() == end)
            .map(|c| (Leg::between(travel, c.location, customer), c.starts_at))
            .reduce(|a, b| if a.0.longest(b.0) == a.0 { a } else { b })
            .map(|(leg, at)| (leg, Neighbour::Visit(at))),
        None => Some((
            Leg::between(travel, tech.home_base, customer),
            Neighbour::HomeBase,
        )),
    };
    let after = match next_start {
        Some(start) => theirs
            .iter()
            .filter(|c| c.starts_at.as_millisecond() == start)
            .map(|c| (Leg::between(travel, customer, c.location), c.starts_at))
            .reduce(|a, b| if a.0.longest(b.0) == a.0 { a } else { b })
            .map(|(leg, at)| (leg, Neighbour::Visit(at))),
        None => Some((
            Leg::between(travel, customer, tech.home_base),
            Neighbour::HomeBase,
        )),
    };
    // Within the window when there is one; without one (hours or time off already refused)
    // only the neighbouring visits bound the drive.
    let lower = match (window, prev_end) {
        (Some((ws, _)), p) => Some(p.map_or(ws, |p| p.max(ws))),
        (None, p) => p,
    };
    let upper = match (window, next_start) {
        (Some((_, we)), n) => Some(n.map_or(we, |n| n.min(we))),
        (None, n) => n,
    };
    if let (Some((leg, from)), Some(lower)) = (before, lower)
        && s.saturating_sub(lower) < leg.ms
    {
        refusals.push(Refusal::TravelBefore {
            from,
            needed_minutes: leg.minutes,
            available_minutes: minutes(s.saturating_sub(lower)),
        });
    }
    if let (Some((leg, to)), Some(upper)) = (after, upper)
        && upper.saturating_sub(e) < leg.ms
    {
        refusals.push(Refusal::TravelAfter {
            to,
            needed_minutes: leg.minutes,
            available_minutes: minutes(upper.saturating_sub(e)),
        });
    }
    Verdict { refusals }
}

/// Whole minutes of a span, never negative (a visit ending inside the window's end has 0).
fn minutes(ms: i64) -> i64 {
    ms.max(0) / 60_000
}
