//! What the days and slots read from forms feed: the booking engine asked for the slots of any
//! day, the available days of any range, and a technician for any instant (a Book or Reschedule
//! form's `slot`), on the benchmark's synthetic city (10 technicians, 14 days of visits). Days
//! and instants at the ends of the calendar are refused, never a panic; the slots of a day are
//! in order and within it; an instant gets a technician only when it is one of its day's slots.

#![no_main]

#[allow(dead_code)]
#[path = "../../crates/onsite-schedule/tests/schedule/synthetic.rs"]
mod synthetic;

use arbitrary::Arbitrary;
use jiff::Timestamp;
use jiff::civil::Date;
use libfuzzer_sys::fuzz_target;
use onsite_schedule::{GreatCircle, Planner};
use std::sync::OnceLock;

fn city() -> &'static synthetic::Scenario {
    static CITY: OnceLock<synthetic::Scenario> = OnceLock::new();
    CITY.get_or_init(|| synthetic::city(10, 14, 42))
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// A day as `YYYY-MM-DD` could name it (years −9999 to 9999).
    year: i16,
    month: i8,
    day: i8,
    /// How many days the range asks for.
    span: u16,
    /// A slot instant, in seconds from the city's "now" (anything jiff holds).
    offset_s: i64,
    /// The instant as milliseconds anywhere in jiff's range.
    anywhere_ms: i64,
}

fuzz_target!(|input: Input| {
    let world = city();
    let model = GreatCircle::default();
    let planner = Planner::new(world.input(), &model);
    let tz = world.request.time_zone.clone();
    if let Ok(date) = Date::new(input.year, input.month, input.day) {
        let day = planner.slots(date);
        assert_eq!(day.date, date);
        for pair in day.slots.windows(2) {
            assert!(pair[0].start < pair[1].start, "slots in order");
        }
        for slot in &day.slots {
            assert_eq!(
                slot.start.to_zoned(tz.clone()).date(),
                date,
                "a slot of its day"
            );
            assert!(slot.start < slot.end);
        }
        let to = date
            .checked_add(jiff::Span::new().days(i64::from(input.span % 400)))
            .unwrap_or(date);
        for d in planner.available_days(date, to) {
            assert!(d.date >= date && d.date <= to);
        }
        let _ = planner.days(date, to);
    }
    let instants = [
        world
            .now
            .checked_add(jiff::SignedDuration::from_secs(input.offset_s))
            .ok(),
        Timestamp::from_millisecond(input.anywhere_ms).ok(),
    ];
    for t in instants.into_iter().flatten() {
        if planner.assign(t).is_ok() {
            let date = t.to_zoned(tz.clone()).date();
            assert!(
                planner.slots(date).slots.iter().any(|s| s.start == t),
                "{t} is a slot"
            );
        }
        let _ = planner.assign_at(t);
    }
});
