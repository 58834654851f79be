//! Dates and instants as forms, filters and tracking apps send them: a day (`YYYY-MM-DD`), a
//! slot (RFC 3339), a month filter (`YYYY-MM`), a device time (Unix seconds or milliseconds,
//! ISO 8601). What parses prints back as it was read, and lies within the calendar's range.

#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use onsite_app::feedback::parse_month;
use onsite_web::fuzzing;
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
    if let Some(t) = parse_time(raw) {
        // The instant written as RFC 3339 reads back as itself.
        assert_eq!(parse_time(&t.to_string()), Some(t), "{raw:?}");
    }
});
