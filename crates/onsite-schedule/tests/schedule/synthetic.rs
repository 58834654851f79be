//! Deterministic synthetic schedules: the benchmark's city (N technicians × D days, six visits
//! per technician-day) and small random worlds for comparing the fast search with the
//! reference. Shared by the test binary and `benches/slot_search.rs`; its own PRNG keeps runs
//! reproducible without a dependency.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::{ResourceKind, Technician, TimeOff, WorkingException};
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::{CharacteristicId, TechnicianId, TerritoryId, TimeOffId};
use onsite_schedule::{Commitment, Request, SearchInput, Settings};

/// SplitMix64: tiny, fast, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, percent: i64) -> bool {
        self.range(1, 100) <= percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }

    pub fn f64(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// Everything a search needs, owned.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub request: Request,
    pub technicians: Vec<Technician>,
    pub commitments: Vec<Commitment>,
    pub settings: Settings,
    pub now: Timestamp,
}

impl Scenario {
    pub fn input(&self) -> SearchInput<'_> {
        SearchInput {
            request: &self.request,
            technicians: &self.technicians,
            commitments: &self.commitments,
            settings: self.settings,
            now: self.now,
        }
    }
}

pub fn skill(id: i64, rating: i64) -> SkillLevel {
    SkillLevel {
        characteristic_id: CharacteristicId(id),
        rating: Rating::new(rating).expect("rating"),
    }
}

pub fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).expect("point")
}

pub fn every_day(start: u16, end: u16) -> Vec<WorkingPeriod> {
    WEEK.iter()
        .map(|&d| WorkingPeriod::new(d, start, end).expect("period"))
        .collect()
}

pub const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Wall-clock `minute` after local midnight of `date` (past 24:00 it continues on the next
/// days).
pub fn instant(tz: &TimeZone, date: Date, minute: i64) -> Timestamp {
    let (days, minute) = (minute.div_euclid(1440), minute.rem_euclid(1440));
    date.checked_add(Span::new().days(days))
        .expect("in range")
        .at((minute / 60) as i8, (minute % 60) as i8, 0, 0)
        .to_zoned(tz.clone())
        .expect("in range")
        .timestamp()
}

/// The benchmark's city: `technicians` technicians in Montréal, every day 08:00–17:00 (one in
/// ten with a lunch break), six visits of 45–60 minutes on each of `days` days with 5–25
/// minutes between them, a few days off and afternoons of time off; 80 % hold the skill at the
/// required rating. The search starts on Monday 2 March 2026, so the 14-day run crosses the
/// spring-forward change of 8 March. Commitments come in store order (technician, start).
pub fn city(technicians: usize, days: i64, seed: u64) -> Scenario {
    let mut rng = Rng::new(seed);
    let zone = TimeZoneName::parse("America/Toronto").expect("zone");
    let tz = zone.time_zone();
    let first = jiff::civil::date(2026, 3, 2);
    let now = instant(&tz, first, 7 * 60);
    let around = |rng: &mut Rng| point(45.50 + rng.f64(-0.18, 0.18), -73.57 + rng.f64(-0.25, 0.25));
    let mut techs = Vec::with_capacity(technicians);
    let mut commitments = Vec::with_capacity(technicians * days as usize * 6);
    for n in 0..technicians {
        let id = TechnicianId(n as i64 + 1);
        let weekly = if n % 10 == 0 {
            let mut w = every_day(8 * 60, 12 * 60);
            w.extend(every_day(13 * 60, 17 * 60));
            w
        } else {
            every_day(8 * 60, 17 * 60)
        };
        let mut exceptions = Vec::new();
        let mut time_off = Vec::new();
        for d in 0..days {
            let date = first.checked_add(Span::new().days(d)).expect("date");
            if rng.chance(3) {
                exceptions.push(WorkingException { date, hours: None });
                continue;
            }
            if rng.chance(2) {
                time_off.push(TimeOff {
                    id: TimeOffId(time_off.len() as i64 + 1),
                    starts_at: instant(&tz, date, 12 * 60),
                    ends_at: instant(&tz, date, 15 * 60),
                    reason: None,
                });
            }
            let mut cursor = 8 * 60 + rng.range(0, 6) * 5;
            for _ in 0..6 {
                let length = rng.range(9, 12) * 5;
                commitments.push(Commitment {
                    technician_id: id,
                    starts_at: instant(&tz, date, cursor),
                    ends_at: instant(&tz, date, cursor + length),
                    location: around(&mut rng),
                });
                cursor += length + rng.range(1, 5) * 5;
            }
        }
        techs.push(Technician {
            id,
            name: format!("Technician {}", n + 1),
            kind: ResourceKind::User,
            user_id: None,
            home_base: around(&mut rng),
            time_zone: zone.clone(),
            weekly_hours: weekly,
            exceptions,
            time_off,
            territories: vec![TerritoryId(1), TerritoryId(2 + (n % 3) as i64)],
            skills: vec![skill(1, 1 + (rng.next_u64() % 10) as i64), skill(2, 5)],
            active: true,
        });
    }
    Scenario {
        request: Request {
            location: around(&mut rng),
            time_zone: tz,
            territories: vec![TerritoryId(1)],
            duration: VisitDuration::from_minutes(60).expect("duration"),
            required_skills: vec![skill(1, 3)],
        },
        technicians: techs,
        commitments,
        settings: Settings::new(30, 0, days - 1, 120).expect("settings"),
        now,
    }
}

/// Zones with something to say about DST: negative DST, 30-minute DST, transitions at midnight,
/// southern hemisphere, +5:45, no DST at all.
pub const ZONES: [&str; 12] = [
    "America/Toronto",
    "Europe/Paris",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Europe/Dublin",
    "Asia/Kathmandu",
    "Africa/Casablanca",
    "Pacific/Auckland",
    "America/St_Johns",
    "UTC",
    "Asia/Tokyo",
    "America/Havana",
];

/// A small random world: a few technicians in assorted zones with assorted hours, exceptions
/// (some nonsensical), time off, overlapping visits, and a request near a DST change of
/// 2025–2027. Meant to hit every rule and edge, not to look realistic.
pub fn random_world(rng: &mut Rng) -> Scenario {
    let service_zone = TimeZoneName::parse(rng.pick::<&str>(&ZONES)).expect("zone");
    let tz = service_zone.time_zone();
    // "Now": a random transition of the service zone in 2025–2027 (or a random day when it has
    // none), a few days before it, at a random minute.
    let transitions: Vec<Timestamp> = tz
        .following(instant(&tz, jiff::civil::date(2025, 1, 1), 0))
        .map(|t| t.timestamp())
        .take_while(|t| *t < instant(&tz, jiff::civil::date(2028, 1, 1), 0))
        .collect();
    let anchor = if transitions.is_empty() {
        instant(&tz, jiff::civil::date(2026, 1, 1), 0)
            .checked_add(Span::new().hours(24 * rng.range(0, 700)))
            .expect("in range")
    } else {
        *rng.pick(&transitions)
    };
    let now = anchor
        .checked_sub(Span::new().minutes(rng.range(0, 4 * 24 * 60)))
        .expect("in range");
    let today = now.to_zoned(tz.clone()).date();
    let settings = Settings::new(
        *rng.pick(&[5, 15, 20, 30, 30, 45, 60, 7, 90]),
        *rng.pick(&[0, 0, 0, 30, 60, 120]),
        rng.range(1, 8),
        *rng.pick(&[0, 0, 60, 120, 1440]),
    )
    .expect("settings");
    let center = (rng.f64(-40.0, 60.0), rng.f64(-170.0, 170.0));
    let near = |rng: &mut Rng| {
        point(
            center.0 + rng.f64(-0.15, 0.15),
            center.1 + rng.f64(-0.2, 0.2),
        )
    };

    let count = rng.range(1, 6);
    let mut techs = Vec::new();
    let mut commitments = Vec::new();
    for n in 0..count {
        let id = TechnicianId(rng.range(1, 9));
        let zone = if rng.chance(60) {
            service_zone.clone()
        } else {
            TimeZoneName::parse(rng.pick::<&str>(&ZONES)).expect("zone")
        };
        let ttz = zone.time_zone();
        let mut weekly = Vec::new();
        for &d in &WEEK {
            match rng.range(0, 5) {
                0 => {}
                1 => weekly.push(WorkingPeriod::new(d, 0, 1440).expect("period")),
                2 => {
                    weekly.push(WorkingPeriod::new(d, 8 * 60, 12 * 60).expect("period"));
                    weekly.push(WorkingPeriod::new(d, 12 * 60, 17 * 60).expect("period"));
                }
                3 => {
                    weekly.push(WorkingPeriod::new(d, 7 * 60, 11 * 60).expect("period"));
                    weekly.push(WorkingPeriod::new(d, 10 * 60, 13 * 60).expect("period"));
                    weekly.push(WorkingPeriod::new(d, 14 * 60, 20 * 60).expect("period"));
                }
                _ => {
                    let a = rng.range(0, 200) * 5;
                    let b = (a + rng.range(12, 200) * 5).min(1440);
                    weekly.push(WorkingPeriod::new(d, a as u16, b as u16).expect("period"));
                }
            }
        }
        let mut exceptions = Vec::new();
        let mut time_off = Vec::new();
        for d in -2..12 {
            let Ok(date) = today.checked_add(Span::new().days(d)) else {
                continue;
            };
            if rng.chance(15) {
                let hours = match rng.range(0, 3) {
                    0 => None,
                    1 => Some((600, 500)), // nonsense: treated as a day off
                    _ => {
                        let a = rng.range(0, 150) * 5;
                        Some((a as u16, (a + rng.range(6, 130) * 5).min(1440) as u16))
                    }
                };
                exceptions.push(WorkingException { date, hours });
            }
            if rng.chance(15) {
                let a = rng.range(0, 280) * 5;
                time_off.push(TimeOff {
                    id: TimeOffId(time_off.len() as i64 + 1),
                    starts_at: instant(&ttz, date, a),
                    ends_at: instant(&ttz, date, a + rng.range(-2, 150) * 5),
                    reason: None,
                });
            }
            let mut cursor = rng.range(0, 100) * 5;
            for _ in 0..rng.range(0, 7) {
                let length = rng.range(-1, 30) * 5;
                if cursor + length >= 1440 {
                    break;
                }
                commitments.push(Commitment {
                    technician_id: id,
                    starts_at: instant(&ttz, date, cursor),
                    ends_at: instant(&ttz, date, cursor + length),
                    location: near(rng),
                });
                // Sometimes the next visit overlaps this one (a double booking by staff).
                cursor += (length + rng.range(-6, 20) * 5).max(0);
            }
        }
        techs.push(Technician {
            id,
            name: format!("T{n}"),
            kind: if rng.chance(90) {
                ResourceKind::User
            } else {
                ResourceKind::Crew
            },
            user_id: None,
            home_base: near(rng),
            time_zone: zone,
            weekly_hours: weekly,
            exceptions,
            time_off,
            territories: vec![TerritoryId(rng.range(1, 3))],
            skills: if rng.chance(85) {
                vec![skill(1, rng.range(2, 10))]
            } else {
                vec![]
            },
            active: rng.chance(95),
        });
    }
    // A shuffle so the store order is not assumed.
    for k in (1..commitments.len()).rev() {
        let j = rng.range(0, k as i64) as usize;
        commitments.swap(k, j);
    }
    Scenario {
        request: Request {
            location: near(rng),
            time_zone: tz,
            territories: vec![TerritoryId(1), TerritoryId(rng.range(1, 3))],
            duration: VisitDuration::from_minutes(*rng.pick(&[5, 30, 60, 90, 240])).expect("d"),
            required_skills: if rng.chance(50) {
                vec![skill(1, rng.range(1, 6))]
            } else {
                vec![]
            },
        },
        technicians: techs,
        commitments,
        settings,
        now,
    }
}
