//! Dates and instants as forms, filters and tracking apps send them: a day (`YYYY-MM-DD`), a
//! slot (RFC 3339), a month filter (`YYYY-MM`), a device time (Unix seconds or milliseconds,
//! ISO 8601), a day's working hours (`08:00-12:00, 13:00-16:30`). What parses prints back as it
//! was read, and lies within the calendar's range.

#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use onsite_app::feedback::parse_month;
use onsite_web::fuzzing;
use onsite_domain::working_hours::{day_text, parse_day};
use onsite_web::tracking::api::parse_time;

fuzz_target!(|raw: &str| {
    if let Ok(Some(date)) = fuzzing::parse_date(Some(raw)) {
        assert_eq!(date.to_string(), raw.trim(), "a day reads back as typed");
    }
    if let Ok(t) = fuzzing::parse_instant(Some(raw)) {
        assert!(t >= Timestamp::MIN && t <= Timestamp::MAX);
        // The slot's text as the pages write it reads back as the same instant.
        assert_eq!(fuzzing::parse_instant(Some(&t.to_string())), Ok(t));
    }
    if let Ok(month) = parse_month(raw) {
        assert_eq!(month.len(), 7);
        let m: u8 = month[5..].parse().expect("digits");
        assert!((1..=12).contains(&m));
    }
    if let Ok(periods) = parse_day("monday", raw) {
        // Ordered, within the day, never overlapping; written back, the same periods.
        assert!(periods.iter().all(|&(a, b)| a < b && b <= 1440), "{periods:?}");
        assert!(periods.windows(2).all(|w| w[0].1 <= w[1].0), "{periods:?}");
        assert_eq!(parse_day("monday", &day_text(&periods)), Ok(periods));
    }
    if let Some(t) = parse_time(raw) {
        // The instant written as RFC 3339 reads back as itself.
        assert_eq!(parse_time(&t.to_string()), Some(t), "{raw:?}");
    }
});
