//! A technician's working periods of one local day — the day's exception, else its weekday's
//! hours, in *their* zone, merged where they touch or overlap — and whether they work throughout
//! an interval: what background reassignment asks of a visit after the hours changed.

use crate::calendar::civil_instant;
use crate::input::valid_hours;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::technician::Technician;

/// The working periods of local `date` in milliseconds, ordered and merged.
pub(crate) fn working_periods(tech: &Technician, tz: &TimeZone, date: Date) -> Vec<(i64, i64)> {
    let hours: Vec<(u16, u16)> = match tech.exceptions.iter().find(|x| x.date == date) {
        Some(x) => x.hours.into_iter().collect(),
        None => tech
            .weekly_hours
            .iter()
            .filter(|w| w.weekday == date.weekday())
            .map(|w| (w.start, w.end))
            .collect(),
    };
    let mut periods: Vec<(i64, i64)> = hours
        .into_iter()
        .filter(|&(a, b)| valid_hours(a, b))
        .filter_map(|(a, b)| Some((civil_instant(tz, date, a)?, civil_instant(tz, date, b)?)))
        .filter(|(a, b)| a < b)
        .collect();
    periods.sort();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (a, b) in periods {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The working periods of the technician's local day `date` (their zone), ordered and merged:
/// what the dispatchers' board shades as working hours. Time off is not subtracted.
pub fn working_day(tech: &Technician, date: Date) -> Vec<(Timestamp, Timestamp)> {
    let tz = tech.time_zone.time_zone();
    working_periods(tech, &tz, date)
        .into_iter()
        .filter_map(|(a, b)| {
            Some((
                Timestamp::from_millisecond(a).ok()?,
                Timestamp::from_millisecond(b).ok()?,
            ))
        })
        .collect()
}

/// Whether `[start, end)` lies inside one working period of the technician's local day of
/// `start` (time off is not looked at here).
pub fn works_throughout(tech: &Technician, start: Timestamp, end: Timestamp) -> bool {
    let tz = tech.time_zone.time_zone();
    let date = start.to_zoned(tz.clone()).date();
    let (s, e) = (start.as_millisecond(), end.as_millisecond());
    working_periods(tech, &tz, date)
        .iter()
        .any(|&(a, b)| a <= s && e <= b)
}
