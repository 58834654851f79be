//! Weekly working hours as staff type them: one line per weekday such as
//! `08:00-12:00, 13:00-16:30` (several periods a day, local time, 00:00 to 24:00), read into
//! [`WorkingPeriod`]s that are ordered and never overlap, and written back the same way.
//!
//! A working-hours template (and a day that differs from it) is made of these; the scheduling
//! engine reads the periods, never the text.

use crate::InvalidInput;
use crate::time::{MinuteOfDay, WorkingPeriod};
use jiff::civil::Weekday;

/// The weekdays in the order forms and lists show them (Monday first, as ISO).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// The form field of a weekday's hours (`monday` … `sunday`), which a refusal names.
pub fn weekday_field(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// Longest text accepted for one day (far more than any real day needs).
const DAY_TEXT_MAX: usize = 200;

/// A week of working periods: each day's periods in order, none overlapping another (two may
/// touch: 08:00-12:00 and 12:00-16:00).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours(Vec<WorkingPeriod>);

impl WeeklyHours {
    /// Reads the seven days' text, Monday first (see [`parse_day`]); a refusal names the day's
    /// field ([`weekday_field`]).
    pub fn parse(days: &[String; 7]) -> Result<WeeklyHours, InvalidInput> {
        let mut periods = Vec::new();
        for (day, raw) in WEEKDAYS.into_iter().zip(days) {
            let field = weekday_field(day);
            for (start, end) in parse_day(field, raw)? {
                periods.push(
                    WorkingPeriod::new(day, start, end).map_err(|e| InvalidInput {
                        field,
                        reason: e.reason,
                    })?,
                );
            }
        }
        Ok(WeeklyHours(periods))
    }

    /// Periods read from storage, put in order (they were checked when written).
    pub fn from_periods(mut periods: Vec<WorkingPeriod>) -> WeeklyHours {
        periods.sort_by_key(|p| (p.weekday.to_monday_zero_offset(), p.start, p.end));
        WeeklyHours(periods)
    }

    pub fn periods(&self) -> &[WorkingPeriod] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One day's periods as `(start, end)` minutes, in order.
    pub fn day(&self, day: Weekday) -> Vec<(MinuteOfDay, MinuteOfDay)> {
        self.0
            .iter()
            .filter(|p| p.weekday == day)
            .map(|p| (p.start, p.end))
            .collect()
    }

    /// The seven days' text, Monday first, as the form shows them (empty: not working).
    pub fn texts(&self) -> [String; 7] {
        WEEKDAYS.map(|d| day_text(&self.day(d)))
    }
}

/// One day's hours as typed: periods `HH:MM-HH:MM` separated by commas (or semicolons, or new
/// lines), each start before its end, between 00:00 and 24:00, none overlapping another;
/// empty means not working. Returned in order. `field` is the input a refusal names.
pub fn parse_day(
    field: &'static str,
    raw: &str,
) -> Result<Vec<(MinuteOfDay, MinuteOfDay)>, InvalidInput> {
    let format = || InvalidInput::new(field, "working-hours-format");
    if raw.chars().count() > DAY_TEXT_MAX {
        return Err(InvalidInput::new(field, "too-long"));
    }
    let mut periods = Vec::new();
    for part in raw.split([',', ';', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (start, end) = part.split_once(['-', '–', '—']).ok_or_else(format)?;
        let start = parse_minute(start).ok_or_else(format)?;
        let end = parse_minute(end).ok_or_else(format)?;
        if start >= end {
            return Err(InvalidInput::new(field, "start-before-end"));
        }
        periods.push((start, end));
    }
    periods.sort_unstable();
    if periods.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(InvalidInput::new(field, "working-hours-overlap"));
    }
    Ok(periods)
}

/// A time of day `H:MM` or `HH:MM` (also `HHhMM`, `HH.MM`), 00:00 to 24:00.
pub fn parse_minute(raw: &str) -> Option<MinuteOfDay> {
    let (h, m) = raw.trim().split_once([':', 'h', 'H', '.'])?;
    let number = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
    };
    let (h, m) = (number(h, 1..=2)?, number(m, 2..=2)?);
    let minute = h * 60 + m;
    (m < 60 && minute <= 1440).then_some(minute)
}

/// `HH:MM` of a minute of the day (`24:00` for the end of the day).
pub fn minute_text(minute: MinuteOfDay) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A day's periods as the form shows them: `08:00-12:00, 13:00-16:30` (empty: not working).
pub fn day_text(periods: &[(MinuteOfDay, MinuteOfDay)]) -> String {
    periods
        .iter()
        .map(|&(a, b)| format!("{}-{}", minute_text(a), minute_text(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(monday: &str, saturday: &str) -> [String; 7] {
        let mut days: [String; 7] = Default::default();
        days[0] = monday.into();
        days[5] = saturday.into();
        days
    }

    #[test]
    fn a_day_reads_several_periods_in_any_order_and_writes_them_back() {
        assert_eq!(
            parse_day("monday", " 13:00-16:30 , 8:00 – 12:00 ").unwrap(),
            [(480, 720), (780, 990)]
        );
        assert_eq!(
            day_text(&[(480, 720), (780, 990)]),
            "08:00-12:00, 13:00-16:30"
        );
        assert_eq!(parse_day("monday", "").unwrap(), []);
        assert_eq!(parse_day("monday", "00:00-24:00").unwrap(), [(0, 1440)]);
        assert_eq!(
            parse_day("monday", "8h00-12h00; 12:00-16:00").unwrap(),
            [(480, 720), (720, 960)]
        );
        let text = day_text(&parse_day("monday", "07:30-11:00,11:30-15:45").unwrap());
        assert_eq!(
            parse_day("monday", &text).unwrap(),
            [(450, 660), (690, 945)]
        );
    }

    #[test]
    fn a_day_that_cannot_be_read_names_its_field_and_why() {
        let reason = |raw: &str| parse_day("tuesday", raw).unwrap_err();
        for bad in [
            "8-12",
            "08:00",
            "08:00-",
            "25:00-26:00",
            "08:60-09:00",
            "noon-1pm",
            "8:0-9:00",
            "08:00-24:01",
            "-1:00-2:00",
        ] {
            let e = reason(bad);
            assert_eq!(
                (e.field, e.reason),
                ("tuesday", "working-hours-format"),
                "{bad}"
            );
        }
        assert_eq!(reason("12:00-08:00").reason, "start-before-end");
        assert_eq!(reason("09:00-09:00").reason, "start-before-end");
        assert_eq!(
            reason("08:00-12:00, 11:00-14:00").reason,
            "working-hours-overlap"
        );
        assert_eq!(reason(&"08:00-09:00,".repeat(30)).reason, "too-long");
    }

    #[test]
    fn a_week_keeps_each_day_and_names_the_day_at_fault() {
        let hours = WeeklyHours::parse(&week("08:00-12:00, 13:00-16:30", "09:00-12:00")).unwrap();
        assert_eq!(hours.periods().len(), 3);
        assert_eq!(hours.day(Weekday::Saturday), [(540, 720)]);
        assert!(hours.day(Weekday::Sunday).is_empty());
        assert_eq!(hours.texts()[0], "08:00-12:00, 13:00-16:30");
        assert_eq!(
            WeeklyHours::from_periods(hours.periods().iter().rev().copied().collect()),
            hours
        );
        let e = WeeklyHours::parse(&week("08:00-12:00", "13:00-12:00")).unwrap_err();
        assert_eq!((e.field, e.reason), ("saturday", "start-before-end"));
    }
}
