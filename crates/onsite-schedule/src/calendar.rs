//! Local days and wall-clock times of a time zone, as instants: the slot grid of a day, and a
//! per-zone calendar that turns "Tuesday 08:00 in America/Toronto" into an instant quickly.
//!
//! DST rules, decided once here: a wall-clock time that does not exist (spring-forward gap) is
//! not a slot; a wall-clock time that occurs twice (fall-back overlap) gives two slots, one per
//! instant, flagged `repeated` so the page can show their offsets. A technician's working hour
//! that falls in a gap starts or ends at the first instant after the gap, and one that falls in
//! an overlap at its first occurrence (jiff's "compatible" rule, the same as RFC 5545 and
//! `java.time`).

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};

/// One start time of the slot grid of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GridPoint {
    pub at: Timestamp,
    /// The wall-clock time occurs twice this day (fall-back overlap): show the UTC offset.
    pub repeated: bool,
}

/// The grid of a local day in `tz`: wall-clock times `00:00`, `00:00 + slot`, … before `24:00`,
/// as instants in increasing order, skipping times that do not exist and keeping both instants
/// of a time that exists twice. `slot_minutes` below 1 is treated as 1.
pub fn slot_grid(tz: &TimeZone, date: Date, slot_minutes: i64) -> Vec<GridPoint> {
    grid_ms(tz, date, slot_minutes)
        .into_iter()
        .filter_map(|(ms, repeated)| {
            Timestamp::from_millisecond(ms)
                .ok()
                .map(|at| GridPoint { at, repeated })
        })
        .collect()
}

/// [`slot_grid`] in Unix milliseconds, converting every wall-clock time through the tz database.
pub(crate) fn grid_ms(tz: &TimeZone, date: Date, slot_minutes: i64) -> Vec<(i64, bool)> {
    let step = slot_minutes.max(1) as usize;
    let mut out = Vec::with_capacity(1440 / step + 4);
    for minute in (0..1440i64).step_by(step) {
        let dt = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let amb = tz.to_ambiguous_timestamp(dt);
        match amb.offset() {
            AmbiguousOffset::Unambiguous { .. } => {
                if let Ok(t) = amb.compatible() {
                    out.push((t.as_millisecond(), false));
                }
            }
            AmbiguousOffset::Gap { .. } => {}
            AmbiguousOffset::Fold { .. } => {
                for t in [amb.earlier(), amb.later()].into_iter().flatten() {
                    out.push((t.as_millisecond(), true));
                }
            }
        }
    }
    // A fold's second instants come after the first ones of the following wall times.
    out.sort_unstable();
    out.dedup_by_key(|p| p.0);
    out
}

/// The instant of a wall-clock time (`minute` since local midnight, 1440 = next midnight) under
/// the compatible rule. `None` only at the edges of representable time.
pub(crate) fn civil_instant(tz: &TimeZone, date: Date, minute: u16) -> Option<i64> {
    let (day, m) = if minute >= 1440 {
        (date.tomorrow().ok()?, minute - 1440)
    } else {
        (date, minute)
    };
    if m >= 1440 {
        return None;
    }
    let dt = day.at((m / 60) as i8, (m % 60) as i8, 0, 0);
    tz.to_ambiguous_timestamp(dt)
        .compatible()
        .ok()
        .map(|t| t.as_millisecond())
}

#[derive(Debug, Clone, Copy)]
struct LocalDay {
    date: Date,
    /// First instant of the local day.
    start: i64,
    /// One offset from local midnight to the next (no DST change that day): wall-clock times
    /// are then plain arithmetic on `start`. Most days of most zones are like this.
    uniform: bool,
}

/// The local days `first..=last` of one zone, with where each begins, so that finding the local
/// day of an instant is a binary search and a wall-clock time on an ordinary day is one
/// addition instead of a tz-database lookup.
#[derive(Debug, Clone)]
pub(crate) struct ZoneCalendar {
    tz: TimeZone,
    /// `days[len-1]` is a sentinel: the day after `last`, kept for where `last` ends.
    days: Vec<LocalDay>,
}

impl ZoneCalendar {
    pub fn new(tz: TimeZone, first: Date, last: Date) -> Option<Self> {
        let mut days = Vec::new();
        let mut date = first;
        loop {
            let start = civil_instant(&tz, date, 0)?;
            days.push(LocalDay {
                date,
                start,
                uniform: false,
            });
            if date > last {
                break;
            }
            date = date.tomorrow().ok()?;
        }
        for i in 0..days.len() - 1 {
            let (day, next) = (days[i], days[i + 1]);
            days[i].uniform = is_uniform(&tz, day, next.start);
        }
        Some(Self { tz, days })
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// Number of local days covered (the sentinel excluded).
    pub fn len(&self) -> usize {
        self.days.len() - 1
    }

    pub fn date(&self, i: usize) -> Date {
        self.days[i].date
    }

    pub fn weekday(&self, i: usize) -> Weekday {
        self.days[i].date.weekday()
    }

    #[cfg(test)]
    pub fn start(&self, i: usize) -> i64 {
        self.days[i].start
    }

    #[cfg(test)]
    pub fn is_uniform(&self, i: usize) -> bool {
        self.days[i].uniform
    }

    pub fn index_of_date(&self, date: Date) -> Option<usize> {
        let i = self.days[..self.len()]
            .binary_search_by_key(&date, |d| d.date)
            .ok()?;
        Some(i)
    }

    /// The local day an instant falls in, if covered.
    pub fn index_of_instant(&self, ms: i64) -> Option<usize> {
        let i = self.days.partition_point(|d| d.start <= ms);
        (i >= 1 && i <= self.len()).then(|| i - 1)
    }

    /// The day indices whose local day overlaps `[from, to]`, clamped to the calendar.
    pub fn indices_overlapping(&self, from: i64, to: i64) -> std::ops::Range<usize> {
        let lo = self
            .days
            .partition_point(|d| d.start <= from)
            .saturating_sub(1);
        let hi = self.days[..self.len()].partition_point(|d| d.start <= to);
        lo..hi.max(lo)
    }

    /// The instant of wall-clock `minute` (0…1440) of local day `i`.
    pub fn instant(&self, i: usize, minute: u16) -> Option<i64> {
        if minute >= 1440 {
            // 24:00 is the next day's 00:00: the same wall-clock time, the same instant.
            return if i + 1 < self.days.len() {
                self.instant(i + 1, minute - 1440)
            } else {
                civil_instant(&self.tz, self.days[i].date, minute)
            };
        }
        let day = self.days[i];
        if day.uniform {
            Some(day.start + minute as i64 * 60_000)
        } else {
            civil_instant(&self.tz, day.date, minute)
        }
    }

    /// The slot grid of local day `i` (see [`slot_grid`]).
    pub fn grid(&self, i: usize, slot_minutes: i64) -> Vec<(i64, bool)> {
        let day = self.days[i];
        if day.uniform {
            let step = slot_minutes.max(1);
            (0..1440 / step + i64::from(1440 % step != 0))
                .map(|k| (day.start + k * step * 60_000, false))
                .collect()
        } else {
            grid_ms(&self.tz, day.date, slot_minutes)
        }
    }
}

/// Whether the whole local day has one offset: it starts at wall-clock midnight, lasts exactly
/// 24 hours and no transition in between changes the offset.
fn is_uniform(tz: &TimeZone, day: LocalDay, next_start: i64) -> bool {
    if next_start - day.start != 86_400_000 {
        return false;
    }
    let Ok(start) = Timestamp::from_millisecond(day.start) else {
        return false;
    };
    let midnight = day.date.at(0, 0, 0, 0);
    if !matches!(
        tz.to_ambiguous_timestamp(midnight).offset(),
        AmbiguousOffset::Unambiguous { .. }
    ) {
        return false;
    }
    let offset = tz.to_offset(start);
    for t in tz.following(start) {
        if t.timestamp().as_millisecond() >= next_start {
            break;
        }
        if t.offset() != offset {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn toronto() -> TimeZone {
        TimeZone::get("America/Toronto").unwrap()
    }

    fn local(tz: &TimeZone, ms: i64) -> String {
        let z = Timestamp::from_millisecond(ms)
            .unwrap()
            .to_zoned(tz.clone());
        z.strftime("%H:%M%:z").to_string()
    }

    #[test]
    fn spring_forward_skips_the_missing_hour() {
        let tz = toronto();
        let grid = grid_ms(&tz, date(2026, 3, 8), 30);
        assert_eq!(grid.len(), 46);
        let labels: Vec<String> = grid[3..6].iter().map(|p| local(&tz, p.0)).collect();
        assert_eq!(labels, ["01:30-05:00", "03:00-04:00", "03:30-04:00"]);
    }

    #[test]
    fn fall_back_keeps_both_instants_of_the_repeated_hour() {
        let tz = toronto();
        let grid = grid_ms(&tz, date(2026, 11, 1), 30);
        assert_eq!(grid.len(), 50);
        let labels: Vec<String> = grid[2..7].iter().map(|p| local(&tz, p.0)).collect();
        assert_eq!(
            labels,
            [
                "01:00-04:00",
                "01:30-04:00",
                "01:00-05:00",
                "01:30-05:00",
                "02:00-05:00"
            ]
        );
        assert!(grid[2..6].iter().all(|p| p.1) && !grid[6].1 && !grid[1].1);
    }

    #[test]
    fn calendar_agrees_with_the_tz_database_on_ordinary_and_transition_days() {
        let tz = toronto();
        let cal = ZoneCalendar::new(tz.clone(), date(2026, 2, 25), date(2026, 11, 10)).unwrap();
        for i in 0..cal.len() {
            for minute in [0u16, 1, 90, 150, 480, 1020, 1439, 1440] {
                assert_eq!(
                    cal.instant(i, minute),
                    civil_instant(&tz, cal.date(i), minute),
                    "{} {minute}",
                    cal.date(i)
                );
            }
            assert_eq!(cal.grid(i, 30), grid_ms(&tz, cal.date(i), 30));
            assert_eq!(cal.grid(i, 7), grid_ms(&tz, cal.date(i), 7));
            assert_eq!(cal.index_of_instant(cal.start(i)), Some(i));
            assert_eq!(cal.index_of_date(cal.date(i)), Some(i));
        }
        let spring = cal.index_of_date(date(2026, 3, 8)).unwrap();
        assert!(!cal.is_uniform(spring) && cal.is_uniform(spring + 1));
        assert_eq!(cal.index_of_instant(cal.start(0) - 1), None);
    }

    #[test]
    fn a_day_starting_after_a_midnight_gap_starts_at_the_first_instant() {
        // Santiago springs forward at 24:00 → 01:00: 2026-09-06 has no midnight.
        let tz = TimeZone::get("America/Santiago").unwrap();
        let cal = ZoneCalendar::new(tz.clone(), date(2026, 9, 5), date(2026, 9, 7)).unwrap();
        let i = cal.index_of_date(date(2026, 9, 6)).unwrap();
        assert_eq!(local(&tz, cal.start(i)), "01:00-03:00");
        assert!(!cal.is_uniform(i));
        assert_eq!(cal.grid(i, 60).len(), 23);
    }
}
