//! A technician's day as a route: home base → visits in order → home, with the drive of each
//! leg ([`route`]), and "suggest a better order" ([`suggest`]): the order of the day's visits
//! that cuts the driving, each visit still reached within its arrival window and the day
//! still starting and ending at home within the working day.
//!
//! The search is exact for up to [`EXACT_UP_TO`] visits (every order, pruned by the best
//! found so far) and a local search beyond (moving one visit elsewhere, or reversing a run of
//! visits, while that shortens the day), started from the current order: a suggestion is never
//! worse than the current order, and never late for a window.

use crate::hours::working_periods;
use crate::travel::{Leg, TravelModel};
use jiff::civil::Date;
use onsite_domain::geo::GeoPoint;
use onsite_domain::technician::Technician;

/// Up to this many visits, every order is tried.
pub const EXACT_UP_TO: usize = 8;

/// One visit of the day: where, when the technician may arrive (`earliest..=latest`, instants
/// in milliseconds: the customer's arrival window) and how long the work takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    pub location: GeoPoint,
    pub earliest: i64,
    pub latest: i64,
    pub on_site_ms: i64,
}

/// The working day the route must fit in: leave home no sooner than `start`, be back by `end`
/// (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingDay {
    pub start: i64,
    pub end: i64,
}

impl WorkingDay {
    /// The technician's working day of local `date` (their zone): from the start of its first
    /// working period to the end of its last; `None` when they do not work that day.
    pub fn of(tech: &Technician, date: Date) -> Option<WorkingDay> {
        let periods = working_periods(tech, &tech.time_zone.time_zone(), date);
        Some(WorkingDay {
            start: periods.first()?.0,
            end: periods.last()?.1,
        })
    }
}

/// One drive of a route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drive {
    pub minutes: i64,
    pub km: f64,
}

/// A route: the visits in `order` (indices into the stops), each arrival, and the drives —
/// `drives[0]` from home to the first visit, …, the last one back home.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub order: Vec<usize>,
    /// Planned arrival at each visit, in route order (milliseconds).
    pub arrivals: Vec<i64>,
    pub drives: Vec<Drive>,
    /// Every visit is reached within its window and the day fits the working day.
    pub feasible: bool,
}

impl Route {
    pub fn minutes(&self) -> i64 {
        self.drives.iter().map(|d| d.minutes).sum()
    }

    pub fn km(&self) -> f64 {
        self.drives.iter().map(|d| d.km).sum()
    }

    /// Less driving: fewer minutes, then fewer kilometres.
    fn shorter_than(&self, other: &Route) -> bool {
        (self.minutes(), self.km()) < (other.minutes(), other.km())
    }
}

/// The route of `stops` in `order` from and back to `home`: each arrival is as early as the
/// drive and the window allow.
pub fn route(
    travel: &(impl TravelModel + ?Sized),
    home: GeoPoint,
    stops: &[Stop],
    order: &[usize],
    day: WorkingDay,
) -> Route {
    let mut t = day.start;
    let mut at = home;
    let mut feasible = true;
    let mut arrivals = Vec::with_capacity(order.len());
    let mut drives = Vec::with_capacity(order.len() + 1);
    for &i in order {
        let s = stops[i];
        let leg = Leg::between(travel, at, s.location);
        let arrival = t.saturating_add(leg.ms).max(s.earliest);
        feasible &= arrival <= s.latest;
        arrivals.push(arrival);
        drives.push(drive(leg));
        t = arrival.saturating_add(s.on_site_ms);
        at = s.location;
    }
    let back = Leg::between(travel, at, home);
    feasible &= t.saturating_add(back.ms) <= day.end;
    drives.push(drive(back));
    Route {
        order: order.to_vec(),
        arrivals,
        drives,
        feasible,
    }
}

fn drive(leg: Leg) -> Drive {
    Drive {
        minutes: leg.minutes,
        km: leg.km,
    }
}

/// What [`suggest`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The day as booked (visits by their start).
    pub current: Route,
    /// A feasible order with less driving than the current one, if there is one.
    pub better: Option<Route>,
}

impl Suggestion {
    /// Minutes and kilometres of driving the better order saves (zero without one).
    pub fn saved(&self) -> (i64, f64) {
        match &self.better {
            Some(b) => (
                self.current.minutes() - b.minutes(),
                self.current.km() - b.km(),
            ),
            None => (0, 0.0),
        }
    }
}

/// Re-plans the day's `stops` (given in their current order) to cut the driving. The better
/// order, when there is one, is feasible (every arrival within its window, home within the
/// working day) and drives strictly less than the current order.
pub fn suggest(
    travel: &(impl TravelModel + ?Sized),
    home: GeoPoint,
    stops: &[Stop],
    day: WorkingDay,
) -> Suggestion {
    let current_order: Vec<usize> = (0..stops.len()).collect();
    let current = route(travel, home, stops, &current_order, day);
    let bound = current.feasible.then(|| current.clone());
    let best = if stops.len() <= EXACT_UP_TO {
        exact(travel, home, stops, day, bound)
    } else {
        local(travel, home, stops, day, &current)
    };
    let better = best.filter(|b| {
        b.feasible && b.order != current.order && (!current.feasible || b.shorter_than(&current))
    });
    Suggestion { current, better }
}

/// Every order, depth first, abandoning a partial order as soon as it is late for a window or
/// drives no less than the best complete one.
fn exact(
    travel: &(impl TravelModel + ?Sized),
    home: GeoPoint,
    stops: &[Stop],
    day: WorkingDay,
    mut best: Option<Route>,
) -> Option<Route> {
    let n = stops.len();
    // Drives between every two places (index n is home), asked once.
    let place = |i: usize| if i == n { home } else { stops[i].location };
    let legs: Vec<Vec<Leg>> = (0..=n)
        .map(|a| {
            (0..=n)
                .map(|b| Leg::between(travel, place(a), place(b)))
                .collect()
        })
        .collect();
    let mut order = Vec::with_capacity(n);
    let mut used = vec![false; n];
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        stops: &[Stop],
        legs: &[Vec<Leg>],
        day: WorkingDay,
        order: &mut Vec<usize>,
        used: &mut [bool],
        (t, at, minutes, km): (i64, usize, i64, f64),
        best: &mut Option<(i64, f64, Vec<usize>)>,
    ) {
        let n = stops.len();
        if let Some((bm, bk, _)) = best
            && (minutes, km) >= (*bm, *bk)
        {
            return;
        }
        if order.len() == n {
            let back = legs[at][n];
            if t.saturating_add(back.ms) <= day.end {
                let total = (minutes + back.minutes, km + back.km);
                if best.as_ref().is_none_or(|(bm, bk, _)| total < (*bm, *bk)) {
                    *best = Some((total.0, total.1, order.clone()));
                }
            }
            return;
        }
        for i in 0..n {
            if used[i] {
                continue;
            }
            let leg = legs[at][i];
            let arrival = t.saturating_add(leg.ms).max(stops[i].earliest);
            if arrival > stops[i].latest {
                continue;
            }
            used[i] = true;
            order.push(i);
            dfs(
                stops,
                legs,
                day,
                order,
                used,
                (
                    arrival.saturating_add(stops[i].on_site_ms),
                    i,
                    minutes + leg.minutes,
                    km + leg.km,
                ),
                best,
            );
            order.pop();
            used[i] = false;
        }
    }
    let mut found = best
        .as_ref()
        .map(|b| (b.minutes(), b.km(), b.order.clone()));
    dfs(
        stops,
        &legs,
        day,
        &mut order,
        &mut used,
        (day.start, n, 0, 0.0),
        &mut found,
    );
    let (_, _, order) = found?;
    match best.take() {
        Some(b) if b.order == order => Some(b),
        _ => Some(route(travel, home, stops, &order, day)),
    }
}

/// Beyond [`EXACT_UP_TO`] visits: from the current order, move one visit elsewhere or reverse
/// a run of visits whenever that gives a feasible, shorter day; stop when nothing does (or
/// after a bounded number of rounds).
fn local(
    travel: &(impl TravelModel + ?Sized),
    home: GeoPoint,
    stops: &[Stop],
    day: WorkingDay,
    current: &Route,
) -> Option<Route> {
    if !current.feasible {
        return None;
    }
    let n = stops.len();
    let mut best = current.clone();
    for _round in 0..50 {
        let mut improved = false;
        'moves: for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let mut moved = best.order.clone();
                let v = moved.remove(i);
                moved.insert(j, v);
                let mut reversed = best.order.clone();
                let (a, b) = (i.min(j), i.max(j));
                reversed[a..=b].reverse();
                for order in [moved, reversed] {
                    let r = route(travel, home, stops, &order, day);
                    if r.feasible && r.shorter_than(&best) {
                        best = r;
                        improved = true;
                        break 'moves;
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::Travel;

    /// A flat map: one degree = 100 km, 60 km/h (a minute per km).
    struct Flat;
    impl TravelModel for Flat {
        fn travel(&self, from: GeoPoint, to: GeoPoint) -> Travel {
            let km = (from.lat() - to.lat()).hypot(from.lon() - to.lon()) * 100.0;
            Travel {
                km,
                minutes: km.round() as i64,
            }
        }
    }

    const MIN: i64 = 60_000;

    fn at(km_east: f64) -> GeoPoint {
        GeoPoint::new(0.0, km_east / 100.0).unwrap()
    }

    /// A 30-minute visit `km` east of home, reachable from `from` to `to` minutes after 08:00.
    fn stop(km: f64, from: i64, to: i64) -> Stop {
        Stop {
            location: at(km),
            earliest: from * MIN,
            latest: to * MIN,
            on_site_ms: 30 * MIN,
        }
    }

    const DAY: WorkingDay = WorkingDay {
        start: 0,
        end: 12 * 60 * MIN,
    };

    #[test]
    fn a_route_drives_from_home_through_the_visits_and_back() {
        let stops = [stop(10.0, 0, 600), stop(30.0, 0, 600)];
        let r = route(&Flat, at(0.0), &stops, &[0, 1], DAY);
        assert_eq!(
            r.drives.iter().map(|d| d.minutes).collect::<Vec<_>>(),
            [10, 20, 30]
        );
        assert_eq!(r.arrivals, [10 * MIN, 60 * MIN]);
        assert!(r.feasible);
        assert_eq!(r.minutes(), 60);
    }

    #[test]
    fn a_zigzag_day_is_straightened_and_the_saving_reported() {
        // Booked as 30 km, 5 km, 25 km, 10 km east: back and forth.
        let stops = [
            stop(30.0, 0, 600),
            stop(5.0, 0, 600),
            stop(25.0, 0, 600),
            stop(10.0, 0, 600),
        ];
        let s = suggest(&Flat, at(0.0), &stops, DAY);
        let better = s.better.clone().expect("a better order");
        // Out and back along the road, in either direction.
        assert!(
            better.order == [1, 3, 2, 0] || better.order == [0, 2, 3, 1],
            "{:?}",
            better.order
        );
        assert_eq!(better.minutes(), 60);
        assert_eq!(s.current.minutes(), 30 + 25 + 20 + 15 + 10);
        assert_eq!(s.saved().0, 100 - 60);
    }

    #[test]
    fn windows_are_never_broken_even_to_save_driving() {
        // The far visit must be reached by 08:35: it has to come first.
        let stops = [stop(5.0, 0, 600), stop(30.0, 0, 35)];
        let s = suggest(&Flat, at(0.0), &stops, DAY);
        let better = s.better.expect("the far visit first");
        assert_eq!(better.order, [1, 0]);
        for (k, &i) in better.order.iter().enumerate() {
            assert!(
                better.arrivals[k] >= stops[i].earliest && better.arrivals[k] <= stops[i].latest
            );
        }
        // A day whose order is forced by its windows gets no suggestion.
        let forced = [stop(30.0, 0, 40), stop(5.0, 120, 130), stop(25.0, 240, 250)];
        assert_eq!(suggest(&Flat, at(0.0), &forced, DAY).better, None);
    }

    #[test]
    fn the_working_day_bounds_the_route() {
        // Going far first would end the day after hours: refused even though it is shorter.
        let day = WorkingDay {
            start: 0,
            end: 200 * MIN,
        };
        let stops = [stop(5.0, 0, 600), stop(60.0, 0, 600)];
        let s = suggest(&Flat, at(0.0), &stops, day);
        assert!(s.current.feasible);
        assert_eq!(s.better, None);
    }

    /// A small deterministic generator (no dependency for a test).
    fn random_stops(seed: u64, n: usize) -> Vec<Stop> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut stops: Vec<Stop> = (0..n)
            .map(|k| {
                let from = (k as i64) * 40 + (next() % 30) as i64;
                Stop {
                    location: GeoPoint::new(
                        (next() % 400) as f64 / 1000.0,
                        (next() % 400) as f64 / 1000.0,
                    )
                    .unwrap(),
                    earliest: from * MIN,
                    latest: (from + 60 + (next() % 240) as i64) * MIN,
                    on_site_ms: 20 * MIN,
                }
            })
            .collect();
        stops.sort_by_key(|s| s.earliest);
        stops
    }

    #[test]
    fn a_suggestion_is_never_worse_and_never_late_exact_or_not() {
        let day = WorkingDay {
            start: 0,
            end: 16 * 60 * MIN,
        };
        let mut found = 0;
        for seed in 1..60u64 {
            for n in [3, 6, 8, 11] {
                let stops = random_stops(seed * 7919 + n as u64, n);
                let s = suggest(&Flat, at(0.0), &stops, day);
                let Some(b) = &s.better else { continue };
                found += 1;
                assert!(b.feasible);
                assert!(!s.current.feasible || b.minutes() <= s.current.minutes());
                let mut seen = b.order.clone();
                seen.sort();
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "each visit once");
                let again = route(&Flat, at(0.0), &stops, &b.order, day);
                assert_eq!(&again, b, "the reported route is the route of its order");
                for (k, &i) in b.order.iter().enumerate() {
                    assert!(b.arrivals[k] >= stops[i].earliest);
                    assert!(b.arrivals[k] <= stops[i].latest, "late at {i}");
                }
            }
        }
        assert!(
            found > 10,
            "the worlds should leave room for better orders: {found}"
        );
    }

    #[test]
    fn the_exact_search_finds_the_best_order_the_local_one_can_only_match() {
        let day = WorkingDay {
            start: 0,
            end: 16 * 60 * MIN,
        };
        for seed in 1..30u64 {
            let stops = random_stops(seed, 7);
            let s = suggest(&Flat, at(0.0), &stops, day);
            let best = s.better.clone().unwrap_or(s.current.clone());
            if !best.feasible {
                continue;
            }
            let local = local(&Flat, at(0.0), &stops, day, &s.current).unwrap();
            assert!(best.minutes() <= local.minutes(), "seed {seed}");
        }
    }
}
