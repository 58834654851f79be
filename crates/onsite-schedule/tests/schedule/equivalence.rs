//! The fast planner against the reference, on random worlds built to hit every edge (zones on
//! both sides of a DST change, split and overlapping hours, nonsense exceptions, time off,
//! double bookings, arrival windows, lead times) and on a small version of the benchmark city:
//! the same days, the same slots, the same technician for every instant.

use crate::support::Flat;
use crate::synthetic::{Rng, Scenario, city, random_world};
use jiff::Span;
use onsite_schedule::{GreatCircle, Planner, TravelModel, reference, slot_grid};

fn same_answers(w: &Scenario, travel: &(impl TravelModel + ?Sized), label: &str) -> usize {
    let input = w.input();
    let planner = Planner::new(input, travel);
    let Some((first, last)) = planner.bookable_days() else {
        return 0;
    };
    let fast = planner.days(first, last);
    assert_eq!(
        fast,
        reference::days(&input, travel, first, last),
        "{label}: days"
    );
    let picker = planner.available_days(first, last);
    assert_eq!(picker.len(), fast.len(), "{label}");
    for (p, d) in picker.iter().zip(&fast) {
        assert_eq!(
            (p.date, p.available),
            (d.date, !d.slots.is_empty()),
            "{label}: picker"
        );
    }
    let mut slots = 0;
    for d in &fast {
        slots += d.slots.len();
        // Every grid instant, offered or not, gets the same answer from both.
        for p in slot_grid(&w.request.time_zone, d.date, input.settings.slot_minutes()) {
            let got = planner.assign(p.at);
            assert_eq!(
                got,
                reference::assign(&input, travel, p.at),
                "{label}: assign {}",
                p.at
            );
            assert_eq!(
                got.is_ok(),
                d.slots.iter().any(|s| s.start == p.at),
                "{label}: a slot is offered exactly when someone can be assigned ({})",
                p.at
            );
        }
    }
    // Off-grid instants, as background reassignment asks.
    let mut t = w.now;
    for _ in 0..40 {
        t = t.checked_add(Span::new().minutes(97)).unwrap();
        assert_eq!(
            planner.assign_at(t),
            reference::assign_at(&input, travel, t),
            "{label}: assign_at {t}"
        );
    }
    slots
}

#[test]
fn the_planner_agrees_with_the_reference_on_random_worlds() {
    let mut rng = Rng::new(0x5EED_0004);
    let model = GreatCircle::default();
    let (mut offered, mut empty) = (0, 0);
    for n in 0..300 {
        let w = random_world(&mut rng);
        let label = format!(
            "world {n} ({:?}, now {})",
            w.request.time_zone.iana_name(),
            w.now
        );
        let slots = if n % 2 == 0 {
            same_answers(&w, &model, &label)
        } else {
            same_answers(&w, &Flat, &label)
        };
        offered += slots;
        empty += usize::from(slots == 0);
    }
    // The worlds are neither all empty nor all open.
    assert!(
        offered > 5_000 && empty > 10 && empty < 200,
        "{offered} slots, {empty} empty worlds"
    );
}

#[test]
fn the_planner_agrees_with_the_reference_on_a_small_benchmark_city() {
    let w = city(12, 5, 7);
    let slots = same_answers(&w, &GreatCircle::default(), "city 12×5");
    assert!(slots > 0);
}
