//! DST: around every transition of 2025–2027, in every zone of the tz database, the slot grid of
//! a day is exactly the set of instants of that local day whose wall-clock time is on the grid
//! — none missing, none duplicated, in increasing order — and the engine offers all of them when
//! a technician is always free.
//!
//! The oracle walks the day minute by minute through the tz database, so it shares no code with
//! the grid it checks.

use crate::support::{Flat, km};
use crate::synthetic::every_day;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use onsite_domain::TerritoryId;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::technician::{ResourceKind, Technician};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{TechnicianId, skill::SkillLevel};
use onsite_schedule::{Commitment, Planner, Request, SearchInput, Settings, reference, slot_grid};

const SLOTS: [i64; 7] = [5, 7, 15, 30, 45, 60, 90];

/// Every instant of the local day, minute by minute, with its wall-clock minute of the day and
/// whether that wall-clock time occurs twice in the day.
fn minutes_of(tz: &TimeZone, date: Date) -> Option<Vec<(Timestamp, i64, bool)>> {
    let start = date
        .to_zoned(tz.clone())
        .ok()?
        .start_of_day()
        .ok()?
        .timestamp();
    let end = date
        .tomorrow()
        .ok()?
        .to_zoned(tz.clone())
        .ok()?
        .start_of_day()
        .ok()?
        .timestamp();
    let mut out = Vec::new();
    let mut t = start;
    while t < end {
        let local = tz.to_datetime(t);
        // Offsets with seconds (only long before 2025) would put no instant on a whole minute.
        if local.second() != 0 || local.date() != date {
            return None;
        }
        out.push((t, local.hour() as i64 * 60 + local.minute() as i64, false));
        t = t.checked_add(Span::new().minutes(1)).ok()?;
    }
    let mut counts = std::collections::HashMap::new();
    for m in &out {
        *counts.entry(m.1).or_insert(0) += 1;
    }
    for m in &mut out {
        m.2 = counts[&m.1] > 1;
    }
    Some(out)
}

/// The expected grid: the day's instants whose wall-clock minute is a multiple of the slot.
fn expected(day: &[(Timestamp, i64, bool)], slot: i64) -> Vec<(Timestamp, bool)> {
    day.iter()
        .filter(|m| m.1 % slot == 0)
        .map(|m| (m.0, m.2))
        .collect()
}

/// The local dates around each transition of 2025–2027: the day before, of, and after.
fn dates_around_transitions(tz: &TimeZone) -> Vec<Date> {
    let from = Timestamp::from_second(1_735_689_600).unwrap(); // 2025-01-01T00:00Z
    let to = Timestamp::from_second(1_830_297_600).unwrap(); // 2028-01-01T00:00Z
    let mut dates = Vec::new();
    for t in tz.following(from).take_while(|t| t.timestamp() < to) {
        let at = t.timestamp();
        for instant in [at.checked_sub(Span::new().seconds(1)).unwrap(), at] {
            let d = instant.to_zoned(tz.clone()).date();
            dates.extend([d.yesterday().unwrap(), d, d.tomorrow().unwrap()]);
        }
    }
    dates.sort();
    dates.dedup();
    dates
}

#[test]
fn the_grid_around_every_transition_of_every_zone_has_no_gap_and_no_duplicate() {
    let (mut zones, mut days, mut transition_days) = (0, 0, 0);
    for name in jiff::tz::db().available() {
        let Ok(tz) = TimeZone::get(name.as_str()) else {
            continue;
        };
        zones += 1;
        for date in dates_around_transitions(&tz) {
            let Some(minutes) = minutes_of(&tz, date) else {
                continue;
            };
            days += 1;
            transition_days += usize::from(minutes.len() != 1440);
            for slot in SLOTS {
                let got: Vec<(Timestamp, bool)> = slot_grid(&tz, date, slot)
                    .into_iter()
                    .map(|p| (p.at, p.repeated))
                    .collect();
                assert!(
                    got.windows(2).all(|w| w[0].0 < w[1].0),
                    "{name} {date} /{slot}: not strictly increasing"
                );
                assert_eq!(got, expected(&minutes, slot), "{name} {date} /{slot}");
            }
        }
    }
    // The database really was walked, and it really has DST days in it.
    assert!(zones > 300, "{zones} zones");
    assert!(
        days > 1000 && transition_days > 300,
        "{days} days, {transition_days} with a change"
    );
}

/// ~30 zones with DST rules of every kind: ±1 h, 30 min (Lord Howe), 2 h (Troll), negative
/// (Dublin), at midnight (Santiago, Asunción, Havana, Cairo, Beirut), southern hemisphere,
/// odd offsets (Kathmandu, Chatham), and none at all.
const ZONES: [&str; 31] = [
    "America/Toronto",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Halifax",
    "America/Havana",
    "America/Santiago",
    "America/Asuncion",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Phoenix",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Lisbon",
    "Europe/Moscow",
    "Africa/Casablanca",
    "Africa/Cairo",
    "Asia/Tehran",
    "Asia/Jerusalem",
    "Asia/Beirut",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Antarctica/Troll",
    "Asia/Tokyo",
    "UTC",
];

fn always_there(id: i64, zone: &str) -> Technician {
    Technician {
        id: TechnicianId(id),
        name: format!("Always {zone}"),
        kind: ResourceKind::User,
        user_id: None,
        home_base: km(0.0, 0.0),
        time_zone: TimeZoneName::parse(zone).unwrap(),
        weekly_hours: every_day(0, 1440),
        exceptions: vec![],
        time_off: vec![],
        territories: vec![TerritoryId(1)],
        skills: vec![],
        active: true,
    }
}

#[test]
fn a_technician_always_free_is_offered_at_every_grid_instant_across_dst_changes() {
    let mut checked = 0;
    for zone in ZONES {
        let tz = TimeZone::get(zone).unwrap();
        // One technician working all day in the service zone, one in UTC: their own day
        // boundaries must not lose a slot either.
        for tech in [always_there(1, zone), always_there(2, "UTC")] {
            let request = Request {
                location: km(0.0, 0.0),
                time_zone: tz.clone(),
                territories: vec![TerritoryId(1)],
                duration: VisitDuration::from_minutes(5).unwrap(),
                required_skills: Vec::<SkillLevel>::new(),
            };
            let technicians = [tech];
            let commitments: [Commitment; 0] = [];
            for date in dates_around_transitions(&tz) {
                let Some(minutes) = minutes_of(&tz, date) else {
                    continue;
                };
                let now = date
                    .yesterday()
                    .unwrap()
                    .to_zoned(tz.clone())
                    .unwrap()
                    .timestamp();
                let input = SearchInput {
                    request: &request,
                    technicians: &technicians,
                    commitments: &commitments,
                    settings: Settings::new(30, 0, 3, 0).unwrap(),
                    now,
                };
                let planner = Planner::new(input, &Flat);
                let got = planner.slots(date);
                let want = expected(&minutes, 30);
                let starts: Vec<(Timestamp, bool)> = got
                    .slots
                    .iter()
                    .map(|s| (s.start, s.repeated_wall_time))
                    .collect();
                assert_eq!(starts, want, "{zone} {date} ({})", technicians[0].name);
                assert_eq!(
                    reference::days(&input, &Flat, date, date),
                    vec![got],
                    "{zone} {date}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn ordinary_working_hours_keep_their_wall_clock_times_on_dst_days() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let mut tech = always_there(1, "America/Toronto");
    tech.weekly_hours = every_day(8 * 60, 17 * 60);
    let request = Request {
        location: km(0.0, 0.0),
        time_zone: tz.clone(),
        territories: vec![TerritoryId(1)],
        duration: VisitDuration::from_minutes(60).unwrap(),
        required_skills: vec![],
    };
    for (date, now) in [
        ("2026-03-08", "2026-03-07T12:00"),
        ("2026-11-01", "2026-10-31T12:00"),
    ] {
        let date: Date = date.parse().unwrap();
        let technicians = [tech.clone()];
        let input = SearchInput {
            request: &request,
            technicians: &technicians,
            commitments: &[],
            settings: Settings::new(30, 0, 3, 0).unwrap(),
            now: crate::support::at(now),
        };
        let labels: Vec<String> = Planner::new(input, &Flat)
            .slots(date)
            .slots
            .iter()
            .map(|s| s.start.to_zoned(tz.clone()).strftime("%H:%M").to_string())
            .collect();
        assert_eq!(
            labels,
            crate::support::times("08:00", "16:00", 30),
            "{date}"
        );
    }
}
