//! An eligible technician made ready for fast search ([`Member`]), and the work on one of their
//! local days: working windows, commitments merged into busy blocks, and the gaps between them
//! turned into the interval of possible visit starts for the customer's location.
//!
//! The rules implemented here are the ones of [`crate::reference`], reorganised: instead of
//! asking "is this technician free at this instant?" for every slot, each gap between two
//! commitments yields at once the earliest start (previous end + travel from there) and the
//! latest one (next start − travel to there − the visit), clipped to the working window.

use crate::calendar::ZoneCalendar;
use crate::input::valid_hours;
use crate::travel::{Leg, TravelModel};
use jiff::civil::Date;
use onsite_domain::geo::GeoPoint;
use onsite_domain::technician::Technician;

/// A commitment in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Busy {
    pub start: i64,
    pub end: i64,
    pub location: GeoPoint,
}

/// A maximal run of commitments that overlap one another (only a double booking made by staff
/// makes a block of more than one). Indices into [`DayScratch::day`].
#[derive(Debug, Clone, Copy)]
struct Block {
    start: i64,
    end: i64,
    first: usize,
    last: usize,
}

/// Buffers reused from one technician-day to the next, so a search allocates once.
#[derive(Debug, Default)]
pub(crate) struct DayScratch {
    periods: Vec<(i64, i64)>,
    windows: Vec<(i64, i64)>,
    day: Vec<usize>,
    blocks: Vec<Block>,
    /// Travel from a block to the customer / from the customer to a block, computed on demand.
    after: Vec<Option<Leg>>,
    before: Vec<Option<Leg>>,
}

/// Receives the possible visit starts of a technician-day.
pub(crate) trait StartSink {
    /// Whether starts in `[from, to]` could still matter (asked before any travel is computed,
    /// so a gap that cannot add anything costs no travel-model call).
    fn wants(&self, from: i64, to: i64) -> bool;
    /// Every start in `[from, to]` is possible. Returns true when the search can stop.
    fn add(&mut self, from: i64, to: i64) -> bool;
}

/// Where a visit's travel starts or ends, with the drive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Legs {
    pub before: Leg,
    pub from_home: bool,
    pub after: Leg,
    pub to_home: bool,
}

#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub tech: &'a Technician,
    pub zone: usize,
    weekly: [Vec<(u16, u16)>; 7],
    exceptions: Vec<(Date, Option<(u16, u16)>)>,
    time_off: Vec<(i64, i64)>,
    bookings: Vec<Busy>,
    max_booking_ms: i64,
    from_home: Leg,
    to_home: Leg,
}

impl<'a> Member<'a> {
    pub fn new(
        tech: &'a Technician,
        zone: usize,
        travel: &(impl TravelModel + ?Sized),
        customer: GeoPoint,
    ) -> Self {
        let mut weekly: [Vec<(u16, u16)>; 7] = std::array::from_fn(|_| Vec::new());
        for p in &tech.weekly_hours {
            if valid_hours(p.start, p.end) {
                weekly[p.weekday.to_monday_zero_offset() as usize].push((p.start, p.end));
            }
        }
        let mut exceptions: Vec<(Date, Option<(u16, u16)>)> = tech
            .exceptions
            .iter()
            .map(|x| (x.date, x.hours.filter(|&(a, b)| valid_hours(a, b))))
            .collect();
        // Stable, then dedup: with two exceptions for one date the first listed wins, as in the
        // reference.
        exceptions.sort_by_key(|x| x.0);
        exceptions.dedup_by_key(|x| x.0);
        let time_off = merge(
            tech.time_off
                .iter()
                .map(|t| (t.starts_at.as_millisecond(), t.ends_at.as_millisecond()))
                .filter(|(a, b)| a < b)
                .collect(),
        );
        Self {
            tech,
            zone,
            weekly,
            exceptions,
            time_off,
            bookings: Vec::new(),
            max_booking_ms: 0,
            from_home: Leg::between(travel, tech.home_base, customer),
            to_home: Leg::between(travel, customer, tech.home_base),
        }
    }

    pub fn push_booking(&mut self, b: Busy) {
        self.max_booking_ms = self.max_booking_ms.max(b.end - b.start);
        self.bookings.push(b);
    }

    /// Orders the commitments; already-ordered input (the store's index order) costs one pass.
    pub fn finish(&mut self) {
        self.bookings.sort_by_key(|b| (b.start, b.end));
    }

    /// Loads local day `i` of the technician's calendar into `s`. False when they do not work
    /// that day.
    pub fn load_day(&self, cal: &ZoneCalendar, i: usize, s: &mut DayScratch) -> bool {
        s.periods.clear();
        s.windows.clear();
        s.day.clear();
        s.blocks.clear();
        let date = cal.date(i);
        let hours: &[(u16, u16)] = match self.exceptions.binary_search_by_key(&date, |x| x.0) {
            Ok(k) => self.exceptions[k].1.as_slice(),
            Err(_) => &self.weekly[cal.weekday(i).to_monday_zero_offset() as usize],
        };
        for &(a, b) in hours {
            if let (Some(start), Some(end)) = (cal.instant(i, a), cal.instant(i, b))
                && start < end
            {
                s.periods.push((start, end));
            }
        }
        if s.periods.is_empty() {
            return false;
        }
        s.periods.sort_unstable();
        merge_in_place(&mut s.periods);

        // Working windows: the periods minus time off.
        for &(ps, pe) in &s.periods {
            let mut cur = ps;
            let from = self.time_off.partition_point(|t| t.1 <= ps);
            for &(ts, te) in &self.time_off[from..] {
                if ts >= pe {
                    break;
                }
                if ts > cur {
                    s.windows.push((cur, ts));
                }
                cur = cur.max(te);
            }
            if cur < pe {
                s.windows.push((cur, pe));
            }
        }

        // The day's commitments: those touching the working day's span, in start order.
        let (span_start, span_end) = (s.periods[0].0, s.periods[s.periods.len() - 1].1);
        let lo = self
            .bookings
            .partition_point(|b| b.start < span_start.saturating_sub(self.max_booking_ms));
        let hi = self.bookings.partition_point(|b| b.start <= span_end);
        for k in lo..hi.max(lo) {
            if self.bookings[k].end >= span_start {
                s.day.push(k);
            }
        }
        let mut k = 0;
        while k < s.day.len() {
            let first = k;
            let (start, mut end) = (self.bookings[s.day[k]].start, self.bookings[s.day[k]].end);
            k += 1;
            while k < s.day.len() && self.bookings[s.day[k]].start < end {
                end = end.max(self.bookings[s.day[k]].end);
                k += 1;
            }
            s.blocks.push(Block {
                start,
                end,
                first,
                last: k,
            });
        }
        s.after.clear();
        s.after.resize(s.blocks.len(), None);
        s.before.clear();
        s.before.resize(s.blocks.len(), None);
        !s.windows.is_empty()
    }

    /// Travel from block `g` (its commitments ending last) to the customer.
    fn after_block(
        &self,
        s: &mut DayScratch,
        g: usize,
        travel: &(impl TravelModel + ?Sized),
        customer: GeoPoint,
    ) -> Leg {
        if let Some(leg) = s.after[g] {
            return leg;
        }
        let block = s.blocks[g];
        let leg = s.day[block.first..block.last]
            .iter()
            .map(|&k| &self.bookings[k])
            .filter(|b| b.end == block.end)
            .map(|b| Leg::between(travel, b.location, customer))
            .reduce(Leg::longest)
            .unwrap_or(self.from_home);
        s.after[g] = Some(leg);
        leg
    }

    /// Travel from the customer to block `g` (its commitments starting first).
    fn before_block(
        &self,
        s: &mut DayScratch,
        g: usize,
        travel: &(impl TravelModel + ?Sized),
        customer: GeoPoint,
    ) -> Leg {
        if let Some(leg) = s.before[g] {
            return leg;
        }
        let block = s.blocks[g];
        let leg = s.day[block.first..block.last]
            .iter()
            .map(|&k| &self.bookings[k])
            .take_while(|b| b.start == block.start)
            .map(|b| Leg::between(travel, customer, b.location))
            .reduce(Leg::longest)
            .unwrap_or(self.to_home);
        s.before[g] = Some(leg);
        leg
    }

    /// Feeds `sink` every interval of possible starts of a visit of `block_ms` at `customer` on
    /// the day loaded in `s`. Returns true if the sink asked to stop.
    pub fn feasible_starts(
        &self,
        s: &mut DayScratch,
        travel: &(impl TravelModel + ?Sized),
        customer: GeoPoint,
        block_ms: i64,
        sink: &mut impl StartSink,
    ) -> bool {
        let nb = s.blocks.len();
        for g in 0..=nb {
            let prev_end = if g == 0 {
                i64::MIN
            } else {
                s.blocks[g - 1].end
            };
            let next_start = if g == nb { i64::MAX } else { s.blocks[g].start };
            if next_start.saturating_sub(prev_end) < block_ms {
                continue;
            }
            let first_window = s.windows.partition_point(|w| w.1 <= prev_end);
            for wi in first_window..s.windows.len() {
                let (ws, we) = s.windows[wi];
                if ws >= next_start {
                    break;
                }
                let earliest = ws.max(prev_end);
                let latest = we.min(next_start) - block_ms;
                if latest < earliest || !sink.wants(earliest, latest) {
                    continue;
                }
                let before = if g == 0 {
                    self.from_home
                } else {
                    self.after_block(s, g - 1, travel, customer)
                };
                let after = if g == nb {
                    self.to_home
                } else {
                    self.before_block(s, g, travel, customer)
                };
                let (lo, hi) = (earliest + before.ms, latest - after.ms);
                if lo <= hi && sink.add(lo, hi) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether a visit of `block_ms` at `customer` can start at `start` on the day loaded in
    /// `s`, and with which drives.
    pub fn legs_at(
        &self,
        s: &mut DayScratch,
        travel: &(impl TravelModel + ?Sized),
        customer: GeoPoint,
        block_ms: i64,
        start: i64,
    ) -> Option<Legs> {
        let end = start.checked_add(block_ms)?;
        let &(ws, we) = s.windows.iter().find(|w| w.0 <= start && end <= w.1)?;
        let nb = s.blocks.len();
        let g = s.blocks.partition_point(|b| b.end <= start);
        if g < nb && s.blocks[g].start < end {
            return None; // overlaps a commitment
        }
        let prev_end = if g == 0 {
            i64::MIN
        } else {
            s.blocks[g - 1].end
        };
        let next_start = if g == nb { i64::MAX } else { s.blocks[g].start };
        let before = if g == 0 {
            self.from_home
        } else {
            self.after_block(s, g - 1, travel, customer)
        };
        let after = if g == nb {
            self.to_home
        } else {
            self.before_block(s, g, travel, customer)
        };
        let fits = start - before.ms >= ws.max(prev_end) && end + after.ms <= we.min(next_start);
        fits.then_some(Legs {
            before,
            from_home: g == 0,
            after,
            to_home: g == nb,
        })
    }
}

/// Sorts and merges overlapping or touching intervals.
fn merge(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.sort_unstable();
    merge_in_place(&mut v);
    v
}

/// Merges a sorted list of intervals in place: touching ones become one (08–12 and 12–17 are
/// one stretch of working time).
fn merge_in_place(v: &mut Vec<(i64, i64)>) {
    let mut out = 0;
    for k in 0..v.len() {
        if out > 0 && v[k].0 <= v[out - 1].1 {
            v[out - 1].1 = v[out - 1].1.max(v[k].1);
        } else {
            v[out] = v[k];
            out += 1;
        }
    }
    v.truncate(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_merge_when_they_overlap_or_touch() {
        assert_eq!(
            merge(vec![(5, 7), (1, 3), (3, 4), (6, 9), (10, 11)]),
            vec![(1, 4), (5, 9), (10, 11)]
        );
        assert_eq!(merge(vec![]), vec![]);
    }
}
