//! A small world for rule tests: one customer at the origin of a flat map where every kilometre
//! takes a minute, technicians around them, and helpers that run the fast planner and the
//! reference side by side and insist they agree.

use crate::synthetic::{Scenario, every_day, point, skill};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::technician::{ResourceKind, Technician};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{TechnicianId, TerritoryId};
use onsite_schedule::{
    Assignment, Commitment, DaySlots, Planner, Request, Settings, Travel, TravelModel, Unavailable,
    reference,
};

/// A flat test map: one degree = 100 km, 60 km/h, minutes rounded to the nearest, so distances
/// in the tests are exact.
#[derive(Debug)]
pub struct Flat;

impl TravelModel for Flat {
    fn travel(&self, from: GeoPoint, to: GeoPoint) -> Travel {
        let km = (from.lat() - to.lat()).hypot(from.lon() - to.lon()) * 100.0;
        Travel {
            km,
            minutes: km.round() as i64,
        }
    }
}

pub fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

/// A place `north` km north and `east` km east of the customer.
pub fn km(north: f64, east: f64) -> GeoPoint {
    point(north / 100.0, east / 100.0)
}

/// Local time in Toronto, e.g. `at("2026-06-01T10:00")`.
pub fn at(local: &str) -> Timestamp {
    format!("{local}[America/Toronto]")
        .parse::<jiff::Zoned>()
        .unwrap()
        .timestamp()
}

pub fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// An eligible technician living at the customer's door, working every day 08:00–17:00
/// Toronto time.
pub fn tech(id: i64) -> Technician {
    Technician {
        id: TechnicianId(id),
        name: format!("Tech {id}"),
        kind: ResourceKind::User,
        user_id: None,
        home_base: km(0.0, 0.0),
        time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
        weekly_hours: every_day(8 * 60, 17 * 60),
        exceptions: vec![],
        time_off: vec![],
        territories: vec![TerritoryId(1)],
        skills: vec![skill(1, 5)],
        active: true,
    }
}

pub fn visit(tech: i64, from: &str, to: &str, place: GeoPoint) -> Commitment {
    Commitment {
        technician_id: TechnicianId(tech),
        starts_at: at(from),
        ends_at: at(to),
        location: place,
    }
}

/// Monday 1 June 2026, 06:00 in Toronto; a one-hour visit needing skill 1 at rating 3, 30-minute
/// slots, no lead time, 14 days ahead.
pub fn world(technicians: Vec<Technician>) -> Scenario {
    Scenario {
        request: Request {
            location: km(0.0, 0.0),
            time_zone: toronto(),
            territories: vec![TerritoryId(1)],
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: vec![skill(1, 3)],
        },
        technicians,
        commitments: vec![],
        settings: Settings::new(30, 0, 14, 0).unwrap(),
        now: at("2026-06-01T06:00"),
    }
}

/// The slots of every bookable day, from the planner — after checking the reference agrees.
pub fn all_days(w: &Scenario) -> Vec<DaySlots> {
    let planner = Planner::new(w.input(), &Flat);
    let (first, last) = planner.bookable_days().expect("a horizon");
    let fast = planner.days(first, last);
    assert_eq!(fast, reference::days(&w.input(), &Flat, first, last));
    fast
}

/// The local start times ("HH:MM") of the slots of `date`.
pub fn slots_on(w: &Scenario, date: &str) -> Vec<String> {
    let date = day(date);
    let planner = Planner::new(w.input(), &Flat);
    let fast = planner.slots(date);
    let slow = reference::days(&w.input(), &Flat, date, date)
        .pop()
        .unwrap_or(DaySlots {
            date,
            slots: vec![],
        });
    assert_eq!(fast, slow, "planner and reference disagree on {date}");
    fast.slots
        .iter()
        .map(|s| {
            s.start
                .to_zoned(w.request.time_zone.clone())
                .strftime("%H:%M")
                .to_string()
        })
        .collect()
}

/// `from`, `from + step`, … up to and including `to`, as "HH:MM".
pub fn times(from: &str, to: &str, step: i64) -> Vec<String> {
    let m = |s: &str| s[..2].parse::<i64>().unwrap() * 60 + s[3..].parse::<i64>().unwrap();
    (m(from)..=m(to))
        .step_by(step as usize)
        .map(|x| format!("{:02}:{:02}", x / 60, x % 60))
        .collect()
}

/// Who the planner books for a slot (Toronto local time) — after checking the reference agrees.
pub fn assign(w: &Scenario, local: &str) -> Result<Assignment, Unavailable> {
    let planner = Planner::new(w.input(), &Flat);
    let fast = planner.assign(at(local));
    assert_eq!(fast, reference::assign(&w.input(), &Flat, at(local)));
    fast
}

pub fn assigned(w: &Scenario, local: &str) -> Option<i64> {
    assign(w, local).ok().map(|a| a.technician_id.0)
}
