//! A technician's working periods of one local day — the day's exception, else its weekday's
//! hours, in *their* zone, merged where they touch or overlap — and whether they work throughout
//! an interval: what background reassignment asks of a visit after the hours changed — and how
//! many minutes they work on a day, time off taken out (the dispatcher's day at a glance).

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

/// The minutes the technician works on their local `date`: its working periods, less the time
/// off that falls in them (overlapping time off counted once).
pub fn working_minutes(tech: &Technician, date: Date) -> i64 {
    let tz = tech.time_zone.time_zone();
    let mut total = 0;
    for (a, b) in working_periods(tech, &tz, date) {
        let mut off: Vec<(i64, i64)> = tech
            .time_off
            .iter()
            .map(|o| {
                (
                    o.starts_at.as_millisecond().max(a),
                    o.ends_at.as_millisecond().min(b),
                )
            })
            .filter(|(s, e)| s < e)
            .collect();
        off.sort();
        let mut taken = 0;
        let mut reached = a;
        for (s, e) in off {
            let s = s.max(reached);
            if e > s {
                taken += e - s;
                reached = e;
            }
        }
        total += b - a - taken;
    }
    total / 60_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use onsite_domain::geo::GeoPoint;
    use onsite_domain::technician::{ResourceKind, TimeOff};
    use onsite_domain::time::{TimeZoneName, WorkingPeriod};
    use onsite_domain::{TechnicianId, TimeOffId};

    /// Works Mondays 08:00–12:00 and 13:00–17:00, Toronto time.
    fn tom() -> Technician {
        let monday = |start: u16, end: u16| WorkingPeriod {
            weekday: jiff::civil::Weekday::Monday,
            start,
            end,
        };
        Technician {
            id: TechnicianId(1),
            name: "Tom".into(),
            kind: ResourceKind::User,
            user_id: None,
            home_base: GeoPoint::new(45.5, -73.6).unwrap(),
            time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: vec![monday(8 * 60, 12 * 60), monday(13 * 60, 17 * 60)],
            exceptions: vec![],
            time_off: vec![],
            territories: vec![],
            skills: vec![],
            active: true,
        }
    }

    #[test]
    fn working_minutes_are_the_periods_less_time_off_counted_once() {
        let mut t = tom();
        let monday = jiff::civil::date(2026, 6, 8);
        assert_eq!(working_minutes(&t, monday), 8 * 60);
        assert_eq!(working_minutes(&t, monday.tomorrow().unwrap()), 0);
        let at = |h: i8, m: i8| {
            monday
                .at(h, m, 0, 0)
                .to_zoned(t.time_zone.time_zone())
                .unwrap()
                .timestamp()
        };
        // 11:00–13:30 takes 1 h of the morning and 30 min of the afternoon; 11:30–12:00 again
        // is inside it.
        t.time_off = vec![
            TimeOff {
                id: TimeOffId(1),
                starts_at: at(11, 0),
                ends_at: at(13, 30),
                reason: None,
            },
            TimeOff {
                id: TimeOffId(2),
                starts_at: at(11, 30),
                ends_at: at(12, 0),
                reason: None,
            },
        ];
        assert_eq!(working_minutes(&t, monday), 8 * 60 - 90);
    }
}
