//! The fast search: [`Planner`] prepares the eligible technicians once, then answers "which
//! slots on these days?" and "who takes this slot?".
//!
//! How it is fast (the rules are those of [`crate::reference`]; the tests check that both give
//! identical answers): technicians are filtered once (territory, skills, kind); wall-clock times
//! become instants through a per-zone calendar (one addition on a day without a DST change);
//! each technician-day yields intervals of possible starts — one per gap between commitments —
//! and those intervals are laid over the day's sorted slot grid, marking a bitset. A gap that
//! cannot cover a still-uncovered slot is skipped before any travel is computed, and a day stops
//! as soon as every slot is covered (or, for the date picker, as soon as one is).

use crate::calendar::ZoneCalendar;
use crate::eligibility::check_eligibility;
use crate::input::{Horizon, SearchInput};
use crate::roster::{Busy, DayScratch, Legs, Member, StartSink};
use crate::travel::{Travel, TravelModel};
use jiff::civil::Date;
use jiff::{Span, Timestamp};
use onsite_domain::TechnicianId;
use std::collections::{HashMap, HashSet};

/// A bookable time: the customer is promised an arrival between `start` and
/// `arrival_window_end` (the same instant without an arrival window); the technician is
/// reserved from `start` to `end` (arrival window + visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: Timestamp,
    pub arrival_window_end: Timestamp,
    pub end: Timestamp,
    /// The wall-clock start occurs twice this day (DST fall-back): show the UTC offset.
    pub repeated_wall_time: bool,
}

/// The slots of one local day of the service location, in increasing order. No slot = the day
/// is disabled in the date picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySlots {
    pub date: Date,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayAvailability {
    pub date: Date,
    pub available: bool,
}

/// Where a drive starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    HomeBase,
    /// The technician's previous (or next) visit.
    Visit,
}

/// The technician chosen for a slot, with the drives that made them the choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub technician_id: TechnicianId,
    pub starts_at: Timestamp,
    pub arrival_window_end: Timestamp,
    /// End of the reservation (arrival window + visit): the booking's `ends_at`.
    pub ends_at: Timestamp,
    pub travel_before: Travel,
    pub comes_from: Place,
    pub travel_after: Travel,
    pub goes_to: Place,
}

/// Why a chosen time cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("the time is sooner than the minimum lead time allows")]
    TooSoon,
    #[error("the day is outside the booking horizon")]
    OutsideHorizon,
    #[error("the time is not one of the day's slots")]
    NotASlot,
    #[error("no technician is free at that time")]
    NoTechnician,
}

/// Margin of technician-zone days around the service days: zone offsets differ by at most 26
/// hours, so two days each side hold every start; one more keeps clear of the edge.
const ZONE_MARGIN_DAYS: i64 = 3;

pub struct Planner<'a, M: TravelModel + ?Sized> {
    input: SearchInput<'a>,
    travel: &'a M,
    horizon: Option<Horizon>,
    /// The service location's local days over the horizon.
    service: Option<ZoneCalendar>,
    /// One calendar per distinct technician zone.
    zones: Vec<ZoneCalendar>,
    members: Vec<Member<'a>>,
    block_ms: i64,
}

impl<M: TravelModel + ?Sized> std::fmt::Debug for Planner<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planner")
            .field("horizon", &self.horizon)
            .field("eligible", &self.members.len())
            .finish_non_exhaustive()
    }
}

impl<'a, M: TravelModel + ?Sized> Planner<'a, M> {
    pub fn new(input: SearchInput<'a>, travel: &'a M) -> Self {
        let horizon = input.horizon();
        let span = horizon.and_then(|h| {
            let margin = Span::new().days(ZONE_MARGIN_DAYS);
            Some((
                h.today.checked_sub(margin).ok()?,
                h.last.checked_add(margin).ok()?,
            ))
        });
        let service = horizon
            .and_then(|h| ZoneCalendar::new(input.request.time_zone.clone(), h.today, h.last));
        let mut zones: Vec<ZoneCalendar> = Vec::new();
        let mut zone_of: HashMap<&str, Option<usize>> = HashMap::new();
        let mut members: Vec<Member<'a>> = Vec::new();
        let mut index_of: HashMap<TechnicianId, usize> = HashMap::new();
        // Ids are unique in the store; should one repeat, the first technician listed counts.
        let mut seen: HashSet<TechnicianId> = HashSet::new();
        if let (Some((first, last)), Some(_)) = (span, &service) {
            for tech in input.technicians {
                if !seen.insert(tech.id) || check_eligibility(tech, input.request).is_err() {
                    continue;
                }
                let zone = *zone_of.entry(tech.time_zone.as_str()).or_insert_with(|| {
                    let cal = ZoneCalendar::new(tech.time_zone.time_zone(), first, last)?;
                    zones.push(cal);
                    Some(zones.len() - 1)
                });
                // Only at the edges of representable time can a zone have no calendar.
                let Some(zone) = zone else { continue };
                index_of.insert(tech.id, members.len());
                members.push(Member::new(tech, zone, travel, input.request.location));
            }
            // Consecutive commitments usually belong to the same technician (store order):
            // remember the last lookup.
            let mut last: Option<(TechnicianId, Option<usize>)> = None;
            for c in input.commitments {
                let m = match last {
                    Some((id, m)) if id == c.technician_id => m,
                    _ => {
                        let m = index_of.get(&c.technician_id).copied();
                        last = Some((c.technician_id, m));
                        m
                    }
                };
                let (start, end) = (c.starts_at.as_millisecond(), c.ends_at.as_millisecond());
                if let Some(m) = m
                    && start < end
                {
                    members[m].push_booking(Busy {
                        start,
                        end,
                        location: c.location,
                    });
                }
            }
            for m in &mut members {
                m.finish();
            }
        }
        Self {
            input,
            travel,
            horizon,
            service,
            zones,
            members,
            block_ms: input.block_ms(),
        }
    }

    /// The bookable days, `today..=today + horizon_days` in the service location's zone.
    pub fn bookable_days(&self) -> Option<(Date, Date)> {
        self.horizon.map(|h| (h.today, h.last))
    }

    /// Whether anyone at all could take the request (territory, skills, kind, active) — lets
    /// the page say "nobody serves this address" rather than show an empty calendar.
    pub fn has_eligible_technicians(&self) -> bool {
        !self.members.is_empty()
    }

    /// The slots of each bookable day in `from..=to` (days outside the horizon are left out).
    pub fn days(&self, from: Date, to: Date) -> Vec<DaySlots> {
        let mut scratch = DayScratch::default();
        self.service_days(from, to)
            .map(|i| self.day_slots(i, &mut scratch))
            .collect()
    }

    /// The slots of one day (none outside the horizon).
    pub fn slots(&self, date: Date) -> DaySlots {
        self.days(date, date).pop().unwrap_or(DaySlots {
            date,
            slots: vec![],
        })
    }

    /// For the date picker: whether each bookable day in `from..=to` has at least one slot.
    /// Cheaper than [`Planner::days`]: a day stops at its first free slot.
    pub fn available_days(&self, from: Date, to: Date) -> Vec<DayAvailability> {
        let mut scratch = DayScratch::default();
        self.service_days(from, to)
            .map(|i| {
                let (grid, cover) = self.cover_day(i, true, &mut scratch);
                DayAvailability {
                    date: self.service.as_ref().map_or(from, |c| c.date(i)),
                    available: cover.remaining < grid.len(),
                }
            })
            .collect()
    }

    /// The technician for a slot the customer chose: refused if the time is not a bookable
    /// slot; otherwise the eligible technician free for the whole visit including travel with
    /// the shortest drive to the customer (see [`Planner::assign_at`]).
    pub fn assign(&self, slot_start: Timestamp) -> Result<Assignment, Unavailable> {
        let (Some(h), Some(service)) = (self.horizon, &self.service) else {
            return Err(Unavailable::OutsideHorizon);
        };
        let ms = slot_start.as_millisecond();
        if ms < h.earliest_ms {
            return Err(Unavailable::TooSoon);
        }
        let date = slot_start
            .to_zoned(self.input.request.time_zone.clone())
            .date();
        let i = service
            .index_of_date(date)
            .filter(|_| date >= h.today && date <= h.last)
            .ok_or(Unavailable::OutsideHorizon)?;
        if !service
            .grid(i, self.input.settings.slot_minutes())
            .iter()
            .any(|p| p.0 == ms)
        {
            return Err(Unavailable::NotASlot);
        }
        self.assign_at(slot_start).ok_or(Unavailable::NoTechnician)
    }

    /// The best technician for a reservation starting at `start`, whatever the grid, lead time
    /// or horizon (for moving an existing visit to another technician at the same time). Among
    /// the eligible technicians free for the whole visit including travel: the shortest drive
    /// from where they come from (previous visit, or home base) to the customer; then the
    /// shortest total drive (there and on to the next place); then the lowest id.
    pub fn assign_at(&self, start: Timestamp) -> Option<Assignment> {
        let ms = start.as_millisecond();
        let mut scratch = DayScratch::default();
        let mut best: Option<(&Member<'a>, Legs)> = None;
        for m in &self.members {
            let Some(legs) = self.legs_of(m, ms, &mut scratch) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|(b, bl)| rank((m, &legs), (b, bl)).is_lt())
            {
                best = Some((m, legs));
            }
        }
        let (m, legs) = best?;
        Some(self.assignment(m, legs, start))
    }

    /// Every eligible technician free for the whole visit at `start` including travel, best
    /// first in the order of [`Planner::assign_at`] (whose answer is the first), each with the
    /// drives that rank them. For staff choosing a technician; the customer's search never
    /// asks for it.
    pub fn candidates_at(&self, start: Timestamp) -> Vec<Assignment> {
        let ms = start.as_millisecond();
        let mut scratch = DayScratch::default();
        let mut found: Vec<(&Member<'a>, Legs)> = self
            .members
            .iter()
            .filter_map(|m| Some((m, self.legs_of(m, ms, &mut scratch)?)))
            .collect();
        found.sort_by(|a, b| rank((a.0, &a.1), (b.0, &b.1)));
        found
            .into_iter()
            .map(|(m, legs)| self.assignment(m, legs, start))
            .collect()
    }

    /// For staff: the slots of one day (exactly those of [`Planner::slots`]), each with every
    /// technician who could take it, best first (see [`Planner::candidates_at`]).
    pub fn ranked_slots(&self, date: Date) -> Vec<(Slot, Vec<Assignment>)> {
        self.slots(date)
            .slots
            .into_iter()
            .map(|s| (s, self.candidates_at(s.start)))
            .collect()
    }

    /// Whether `m` can take a visit starting at `ms`, and with which drives.
    fn legs_of(&self, m: &Member<'a>, ms: i64, scratch: &mut DayScratch) -> Option<Legs> {
        self.with_day_of(m, ms, scratch, |cal, i, s| {
            if !m.load_day(cal, i, s) {
                return None;
            }
            m.legs_at(
                s,
                self.travel,
                self.input.request.location,
                self.block_ms,
                ms,
            )
        })
    }

    fn assignment(&self, m: &Member<'a>, legs: Legs, start: Timestamp) -> Assignment {
        let ms = start.as_millisecond();
        let window_ms = self.input.settings.arrival_window_minutes() * 60_000;
        Assignment {
            technician_id: m.tech.id,
            starts_at: start,
            arrival_window_end: timestamp(ms.saturating_add(window_ms)),
            ends_at: timestamp(ms.saturating_add(self.block_ms)),
            travel_before: legs.before.public(),
            comes_from: if legs.from_home {
                Place::HomeBase
            } else {
                Place::Visit
            },
            travel_after: legs.after.public(),
            goes_to: if legs.to_home {
                Place::HomeBase
            } else {
                Place::Visit
            },
        }
    }

    /// Runs `f` on the technician's local day containing `ms`, building a one-off calendar when
    /// the instant lies outside the prepared span (reassigning a visit far in the future).
    fn with_day_of<T>(
        &self,
        m: &Member<'a>,
        ms: i64,
        s: &mut DayScratch,
        f: impl FnOnce(&ZoneCalendar, usize, &mut DayScratch) -> Option<T>,
    ) -> Option<T> {
        let cal = &self.zones[m.zone];
        if let Some(i) = cal.index_of_instant(ms) {
            return f(cal, i, s);
        }
        let date = Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned(cal.time_zone().clone())
            .date();
        let one = ZoneCalendar::new(cal.time_zone().clone(), date, date)?;
        f(&one, 0, s)
    }

    fn service_days(&self, from: Date, to: Date) -> std::ops::Range<usize> {
        let (Some(h), Some(service)) = (self.horizon, &self.service) else {
            return 0..0;
        };
        let (from, to) = (from.max(h.today), to.min(h.last));
        if from > to {
            return 0..0;
        }
        match (service.index_of_date(from), service.index_of_date(to)) {
            (Some(a), Some(b)) => a..b + 1,
            _ => 0..0,
        }
    }

    fn day_slots(&self, i: usize, scratch: &mut DayScratch) -> DaySlots {
        let (grid, cover) = self.cover_day(i, false, scratch);
        let window_ms = self.input.settings.arrival_window_minutes() * 60_000;
        let slots = grid
            .iter()
            .enumerate()
            .filter(|(k, _)| cover.is_set(*k))
            .map(|(_, &(ms, repeated))| Slot {
                start: timestamp(ms),
                arrival_window_end: timestamp(ms.saturating_add(window_ms)),
                end: timestamp(ms.saturating_add(self.block_ms)),
                repeated_wall_time: repeated,
            })
            .collect();
        DaySlots {
            date: self.service.as_ref().map_or(Date::MIN, |c| c.date(i)),
            slots,
        }
    }

    /// The grid of service day `i` (from the lead time on) and which of its points some
    /// technician can take.
    fn cover_day(
        &self,
        i: usize,
        first_only: bool,
        scratch: &mut DayScratch,
    ) -> (Vec<(i64, bool)>, Cover) {
        let (Some(h), Some(service)) = (self.horizon, &self.service) else {
            return (vec![], Cover::new(vec![], first_only));
        };
        let mut grid = service.grid(i, self.input.settings.slot_minutes());
        grid.retain(|p| p.0 >= h.earliest_ms);
        let points: Vec<i64> = grid.iter().map(|p| p.0).collect();
        let mut cover = Cover::new(points, first_only);
        let (Some(&lo), Some(&hi)) = (cover.grid.first(), cover.grid.last()) else {
            return (grid, cover);
        };
        // A visit belongs to the technician's local day its start falls in (working windows
        // never cross a local midnight), so only the days overlapping the starts matter.
        let ranges: Vec<std::ops::Range<usize>> = self
            .zones
            .iter()
            .map(|z| z.indices_overlapping(lo, hi))
            .collect();
        'techs: for m in &self.members {
            let cal = &self.zones[m.zone];
            for d in ranges[m.zone].clone() {
                if !m.load_day(cal, d, scratch) {
                    continue;
                }
                if m.feasible_starts(
                    scratch,
                    self.travel,
                    self.input.request.location,
                    self.block_ms,
                    &mut cover,
                ) {
                    break 'techs;
                }
            }
        }
        (grid, cover)
    }
}

/// Which of two free technicians takes a visit: the shortest drive from where they come from,
/// then the shortest total drive (there and on to the next place), then the lowest id.
fn rank(a: (&Member<'_>, &Legs), b: (&Member<'_>, &Legs)) -> std::cmp::Ordering {
    let ((am, al), (bm, bl)) = (a, b);
    al.before
        .km
        .total_cmp(&bl.before.km)
        .then((al.before.km + al.after.km).total_cmp(&(bl.before.km + bl.after.km)))
        .then(am.tech.id.cmp(&bm.tech.id))
}

fn timestamp(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::MAX)
}

/// The grid points of a day and which are covered, as a bitset.
#[derive(Debug)]
struct Cover {
    grid: Vec<i64>,
    bits: Vec<u64>,
    remaining: usize,
    first_only: bool,
}

impl Cover {
    fn new(grid: Vec<i64>, first_only: bool) -> Self {
        Self {
            bits: vec![0; grid.len().div_ceil(64)],
            remaining: grid.len(),
            grid,
            first_only,
        }
    }

    fn is_set(&self, k: usize) -> bool {
        self.bits[k / 64] & (1 << (k % 64)) != 0
    }

    /// Grid indices within `[from, to]`.
    fn range(&self, from: i64, to: i64) -> std::ops::Range<usize> {
        let a = self.grid.partition_point(|&g| g < from);
        let b = self.grid.partition_point(|&g| g <= to);
        a..b.max(a)
    }
}

impl StartSink for Cover {
    fn wants(&self, from: i64, to: i64) -> bool {
        self.range(from, to).any(|k| !self.is_set(k))
    }

    fn add(&mut self, from: i64, to: i64) -> bool {
        for k in self.range(from, to) {
            let (w, b) = (k / 64, 1u64 << (k % 64));
            if self.bits[w] & b == 0 {
                self.bits[w] |= b;
                self.remaining -= 1;
            }
        }
        self.remaining == 0 || (self.first_only && self.remaining < self.grid.len())
    }
}
