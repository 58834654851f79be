//! Laying out one technician's day of demo visits the way a dispatcher would: inside the
//! working periods, one after the other, never overlapping, with the travel time from the
//! previous place (home in the morning) before each visit.

use crate::rng::Rng;
use onsite_domain::geo::GeoPoint;

/// Travel time in whole minutes (rounded up) between two points: great-circle distance times the
/// road factor, at the travel speed — the portal's own model (`scheduling/travel_*` settings).
pub fn travel_minutes(from: GeoPoint, to: GeoPoint, speed_kmh: f64, road_factor: f64) -> i64 {
    let minutes = from.distance_km(to) * road_factor / speed_kmh * 60.0;
    minutes.ceil() as i64
}

/// A visit to place: where, and how long it lasts on site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The caller's handle for what is being visited.
    pub key: usize,
    pub location: GeoPoint,
    pub minutes: i64,
}

/// A placed visit, in minutes of the local day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub candidate: Candidate,
    pub start: i64,
    pub end: i64,
    /// Minutes of travel before it.
    pub travel: i64,
}

pub struct Day<'a> {
    /// Working periods, in order, as (start, end) minutes of the local day.
    pub periods: &'a [(u16, u16)],
    pub home: GeoPoint,
    /// Stop adding visits once this many minutes are booked.
    pub target_minutes: i64,
    pub speed_kmh: f64,
    pub road_factor: f64,
}

/// Fills the day: `forced` visits first (in order), then whatever `next` proposes, with random
/// gaps, until the target is met or the periods are full. Starts fall on quarter hours.
pub fn plan_day(
    rng: &mut Rng,
    day: &Day<'_>,
    forced: &[Candidate],
    mut next: impl FnMut(&mut Rng) -> Option<Candidate>,
) -> Vec<Placed> {
    let mut placed = Vec::new();
    let mut here = day.home;
    let mut booked = 0;
    let mut forced = forced.iter().copied().peekable();
    let mut cursor = 0_i64;
    'periods: for &(start, end) in day.periods {
        let (start, end) = (i64::from(start), i64::from(end));
        cursor = cursor.max(start);
        let mut misses = 0;
        loop {
            let candidate = match forced.peek() {
                Some(c) => *c,
                None => {
                    if booked >= day.target_minutes {
                        break 'periods;
                    }
                    if rng.chance(0.3) {
                        cursor += 15 * rng.range(1, 4);
                    }
                    match next(rng) {
                        Some(c) => c,
                        None => break 'periods,
                    }
                }
            };
            let travel = travel_minutes(here, candidate.location, day.speed_kmh, day.road_factor);
            let visit_start = round_up_quarter(cursor + travel);
            let visit_end = visit_start + candidate.minutes;
            if visit_end > end {
                if forced.peek().is_some() {
                    // A forced visit that does not fit this period waits for the next one.
                    continue 'periods;
                }
                // A long job may not fit where a short one would; give up on the period after a
                // few misses.
                misses += 1;
                if misses >= 3 {
                    continue 'periods;
                }
                continue;
            }
            if forced.peek().is_some() {
                forced.next();
            }
            placed.push(Placed {
                candidate,
                start: visit_start,
                end: visit_end,
                travel,
            });
            booked += candidate.minutes;
            cursor = visit_end;
            here = candidate.location;
        }
    }
    placed
}

fn round_up_quarter(m: i64) -> i64 {
    (m + 14).div_euclid(15) * 15
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint::new(lat, lon).unwrap()
    }

    #[test]
    fn travel_follows_the_default_model() {
        // 10 km × 1.3 at 35 km/h = 22.3 min → 23.
        let a = p(45.50, -73.60);
        let b = p(45.50 + 10.0 / 111.195, -73.60);
        assert_eq!(travel_minutes(a, b, 35.0, 1.3), 23);
        assert_eq!(travel_minutes(a, a, 35.0, 1.3), 0);
    }

    #[test]
    fn visits_fit_the_periods_never_overlap_and_leave_travel_time() {
        let mut rng = Rng::new(11);
        let home = p(45.52, -73.58);
        let places = [
            p(45.53, -73.57),
            p(45.46, -73.57),
            p(45.51, -73.70),
            p(45.55, -73.60),
        ];
        let periods = [(480, 720), (765, 1020)];
        for seed in 0..200 {
            let mut job = Rng::new(seed);
            let day = Day {
                periods: &periods,
                home,
                target_minutes: 10_000,
                speed_kmh: 35.0,
                road_factor: 1.3,
            };
            let visits = plan_day(&mut rng, &day, &[], |r| {
                let i = r.below(places.len());
                Some(Candidate {
                    key: i,
                    location: places[i],
                    minutes: 15 * job.range(3, 10),
                })
            });
            assert!(!visits.is_empty());
            let mut here = home;
            let mut prev_end = 0;
            for v in &visits {
                assert!(
                    periods
                        .iter()
                        .any(|&(s, e)| v.start >= i64::from(s) && v.end <= i64::from(e)),
                    "{v:?}"
                );
                let need = travel_minutes(here, v.candidate.location, 35.0, 1.3);
                assert!(
                    v.start >= prev_end + need,
                    "{v:?} after {prev_end} needs {need}"
                );
                assert!(
                    v.start
                        >= i64::from(periods[0].0)
                            + travel_minutes(home, visits[0].candidate.location, 35.0, 1.3)
                );
                assert_eq!(v.start % 15, 0);
                prev_end = v.end;
                here = v.candidate.location;
            }
        }
    }

    #[test]
    fn forced_visits_come_first_and_the_target_stops_the_day() {
        let mut rng = Rng::new(5);
        let home = p(45.52, -73.58);
        let forced = [Candidate {
            key: 99,
            location: p(45.525, -73.585),
            minutes: 90,
        }];
        let day = Day {
            periods: &[(480, 960)],
            home,
            target_minutes: 120,
            speed_kmh: 35.0,
            road_factor: 1.3,
        };
        let visits = plan_day(&mut rng, &day, &forced, |_| {
            Some(Candidate {
                key: 1,
                location: home,
                minutes: 60,
            })
        });
        assert_eq!(visits[0].candidate.key, 99);
        assert_eq!(
            visits.len(),
            2,
            "90 + 60 minutes reach the 120-minute target"
        );
        let none = plan_day(&mut rng, &day, &[], |_| None);
        assert!(none.is_empty());
    }
}
