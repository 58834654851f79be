//! Dates and times as people read them, in their language: "Monday, March 9, 2026, 10:30 AM" /
//! "lundi 9 mars 2026, 10 h 30". Names and patterns come from Fluent (`datetime.ftl`), so a new
//! locale brings its own; this module only takes the numbers apart. The caller converts to the
//! person's time zone first (`Timestamp::to_zoned`): what is formatted is the wall clock.

use crate::{Arg, Locale};
use jiff::Zoned;
use jiff::civil::{Date, Time};

/// "Monday, March 9, 2026" / "lundi 9 mars 2026".
pub fn date(locale: Locale, d: Date) -> String {
    let weekday = locale.text(&format!(
        "datetime-weekday-{}",
        d.weekday().to_monday_one_offset()
    ));
    let month = month_name(locale, d);
    let year = d.year().to_string();
    locale.text_with(
        "datetime-date",
        &[
            ("weekday", Arg::Str(&weekday)),
            ("day", Arg::Num(f64::from(d.day()))),
            ("month", Arg::Str(&month)),
            ("year", Arg::Str(&year)),
        ],
    )
}

/// "March 9" / "9 mars": a day in a short list, where the year and weekday are obvious.
pub fn day_month(locale: Locale, d: Date) -> String {
    let month = month_name(locale, d);
    locale.text_with(
        "datetime-day-month",
        &[
            ("day", Arg::Num(f64::from(d.day()))),
            ("month", Arg::Str(&month)),
        ],
    )
}

/// The name of the month of `d`, as it stands inside a date ("March" / "mars").
pub fn month_name(locale: Locale, d: Date) -> String {
    locale.text(&format!("datetime-month-{}", d.month()))
}

/// "10:30 AM" / "10 h 30".
pub fn time(locale: Locale, t: Time) -> String {
    let hour24 = t.hour();
    let hour12 = match hour24 % 12 {
        0 => 12,
        h => h,
    };
    let period = locale.text(if hour24 < 12 {
        "datetime-am"
    } else {
        "datetime-pm"
    });
    let hour24 = hour24.to_string();
    let hour12 = hour12.to_string();
    let minute = format!("{:02}", t.minute());
    locale.text_with(
        "datetime-time",
        &[
            ("hour24", Arg::Str(&hour24)),
            ("hour12", Arg::Str(&hour12)),
            ("minute", Arg::Str(&minute)),
            ("period", Arg::Str(&period)),
        ],
    )
}

/// "Monday, March 9, 2026, 10:30 AM" / "lundi 9 mars 2026, 10 h 30".
pub fn date_time(locale: Locale, z: &Zoned) -> String {
    let date = date(locale, z.date());
    let time = time(locale, z.time());
    locale.text_with(
        "datetime-date-time",
        &[("date", Arg::Str(&date)), ("time", Arg::Str(&time))],
    )
}

/// "10:30 AM – 11:30 AM" / "de 10 h 30 à 11 h 30" (the times of one day).
pub fn time_range(locale: Locale, start: &Zoned, end: &Zoned) -> String {
    let start = time(locale, start.time());
    let end = time(locale, end.time());
    locale.text_with(
        "datetime-time-range",
        &[("start", Arg::Str(&start)), ("end", Arg::Str(&end))],
    )
}

/// "1:30 AM (UTC-04:00)": a time with its offset, for the hour that happens twice when daylight
/// saving time ends.
pub fn time_with_offset(locale: Locale, z: &Zoned) -> String {
    let time = time(locale, z.time());
    let offset = z.offset().to_string();
    locale.text_with(
        "datetime-with-offset",
        &[("time", Arg::Str(&time)), ("offset", Arg::Str(&offset))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    fn en() -> Locale {
        Locale::from_tag("en").unwrap()
    }

    fn fr() -> Locale {
        Locale::from_tag("fr").unwrap()
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        assert_eq!(date(en(), d(2026, 3, 9)), "Monday, March 9, 2026");
        assert_eq!(date(fr(), d(2026, 3, 9)), "lundi 9 mars 2026");
        assert_eq!(date(fr(), d(2026, 3, 1)), "dimanche 1er mars 2026");
        assert_eq!(date(en(), d(2026, 3, 1)), "Sunday, March 1, 2026");
        assert_eq!(day_month(fr(), d(2026, 8, 1)), "1er août");
        assert_eq!(day_month(en(), d(2026, 12, 25)), "December 25");
    }

    #[test]
    fn times_use_twelve_hours_in_english_and_twenty_four_in_french() {
        let t = |h, m| Time::new(h, m, 0, 0).unwrap();
        assert_eq!(time(en(), t(10, 30)), "10:30 AM");
        assert_eq!(time(en(), t(0, 5)), "12:05 AM");
        assert_eq!(time(en(), t(12, 0)), "12:00 PM");
        assert_eq!(time(en(), t(23, 59)), "11:59 PM");
        assert_eq!(time(fr(), t(10, 30)), "10 h 30");
        assert_eq!(time(fr(), t(0, 5)), "0 h 05");
        assert_eq!(time(fr(), t(18, 0)), "18 h 00");
    }

    #[test]
    fn date_times_and_ranges_are_in_the_given_zone() {
        let z: Zoned = "2026-03-09T10:30:00[America/Toronto]".parse().unwrap();
        assert_eq!(date_time(en(), &z), "Monday, March 9, 2026, 10:30 AM");
        assert_eq!(date_time(fr(), &z), "lundi 9 mars 2026, 10 h 30");
        let end: Zoned = "2026-03-09T11:30:00[America/Toronto]".parse().unwrap();
        assert_eq!(time_range(en(), &z, &end), "10:30 AM – 11:30 AM");
        assert_eq!(time_range(fr(), &z, &end), "de 10 h 30 à 11 h 30");
        // The same instant elsewhere is another wall-clock time.
        let paris = z.with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
        assert_eq!(date_time(fr(), &paris), "lundi 9 mars 2026, 15 h 30");
    }

    #[test]
    fn repeated_wall_times_show_their_offset() {
        let first: Zoned = "2026-11-01T01:30:00-04:00[America/Toronto]"
            .parse()
            .unwrap();
        let second: Zoned = "2026-11-01T01:30:00-05:00[America/Toronto]"
            .parse()
            .unwrap();
        assert_eq!(time_with_offset(en(), &first), "1:30 AM (UTC-04)");
        assert_eq!(time_with_offset(en(), &second), "1:30 AM (UTC-05)");
    }
}
