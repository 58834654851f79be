//! A dispatcher's move checked by [`check_move`]: each kind of refusal, as a dispatcher would
//! meet it, which ones may be overridden, and — on random worlds — that a move with no refusal
//! is exactly one the planner would accept for that technician at that time.

use crate::support::{Flat, at, km, tech, visit, world};
use crate::synthetic::{Rng, random_world, skill};
use jiff::{SignedDuration, Span, Timestamp};
use onsite_domain::TimeOffId;
use onsite_domain::technician::{ResourceKind, Technician, TimeOff, WorkingException};
use onsite_schedule::{
    Commitment, MoveQuestion, Neighbour, Planner, Refusal, SearchInput, Verdict, check_move,
};

/// The refusals of moving the test world's one-hour visit to `t` at `local` (Toronto).
fn refusals(t: &Technician, commitments: &[Commitment], local: &str) -> Verdict {
    let w = world(vec![t.clone()]);
    let start = at(local);
    check_move(
        &MoveQuestion {
            technician: t,
            request: &w.request,
            commitments,
            starts_at: start,
            ends_at: start + SignedDuration::from_hours(1),
            now: w.now,
        },
        &Flat,
    )
}

#[test]
fn a_free_eligible_technician_is_clear() {
    let v = refusals(&tech(1), &[], "2026-06-02T10:00");
    assert!(v.is_clear() && v.allows(false), "{v:?}");
}

#[test]
fn eligibility_refusals_are_all_named_and_never_overridable() {
    let mut t = tech(1);
    t.active = false;
    t.territories = vec![onsite_domain::TerritoryId(9)];
    t.skills = vec![skill(1, 2)];
    let v = refusals(&t, &[], "2026-06-02T10:00");
    assert_eq!(
        v.refusals,
        vec![
            Refusal::Inactive,
            Refusal::OutsideTerritory,
            Refusal::LacksSkills(vec![skill(1, 3)]),
        ]
    );
    assert!(!v.overridable() && !v.allows(true));
    assert_eq!(
        v.refusals.iter().map(Refusal::code).collect::<Vec<_>>(),
        ["inactive", "territory", "lacks_skill"]
    );
    assert!(
        v.refusals
            .iter()
            .all(|r| Refusal::CODES.contains(&r.code()))
    );
    t = tech(2);
    t.kind = ResourceKind::Crew;
    assert_eq!(
        refusals(&t, &[], "2026-06-02T10:00").refusals,
        vec![Refusal::NotAUser]
    );
}

#[test]
fn an_overlap_names_the_visit_and_the_drive_and_is_never_overridable() {
    let other = [visit(
        1,
        "2026-06-02T10:30",
        "2026-06-02T11:30",
        km(18.0, 0.0),
    )];
    let v = refusals(&tech(1), &other, "2026-06-02T10:00");
    assert_eq!(
        v.refusals,
        vec![Refusal::Overlap {
            starts_at: at("2026-06-02T10:30"),
            travel_minutes: 18
        }]
    );
    assert!(!v.allows(true));
}

#[test]
fn hours_time_off_and_travel_may_be_overridden() {
    let t = tech(1);
    let v = refusals(&t, &[], "2026-06-02T16:30");
    assert_eq!(v.refusals, vec![Refusal::OutsideHours]);
    assert!(v.overridable() && v.allows(true) && !v.allows(false));

    let mut off = tech(1);
    off.time_off = vec![TimeOff {
        id: TimeOffId(1),
        starts_at: at("2026-06-02T09:00"),
        ends_at: at("2026-06-02T10:30"),
        reason: None,
    }];
    assert_eq!(
        refusals(&off, &[], "2026-06-02T10:00").refusals,
        vec![Refusal::TimeOff]
    );
    // A day off by exception is outside their hours.
    let mut away = tech(1);
    away.exceptions = vec![WorkingException {
        date: "2026-06-02".parse().unwrap(),
        hours: None,
    }];
    assert_eq!(
        refusals(&away, &[], "2026-06-02T10:00").refusals,
        vec![Refusal::OutsideHours]
    );

    // 18 minutes from the 09:00 visit, 10 available.
    let before = [visit(
        1,
        "2026-06-02T09:00",
        "2026-06-02T09:50",
        km(18.0, 0.0),
    )];
    let v = refusals(&t, &before, "2026-06-02T10:00");
    assert_eq!(
        v.refusals,
        vec![Refusal::TravelBefore {
            from: Neighbour::Visit(at("2026-06-02T09:00")),
            needed_minutes: 18,
            available_minutes: 10
        }]
    );
    assert!(v.allows(true) && !v.allows(false));
    assert_eq!(v.refusals[0].code(), "travel");

    // And to the 11:05 visit, 5 available.
    let after = [visit(
        1,
        "2026-06-02T11:05",
        "2026-06-02T12:00",
        km(0.0, 12.0),
    )];
    assert_eq!(
        refusals(&t, &after, "2026-06-02T10:00").refusals,
        vec![Refusal::TravelAfter {
            to: Neighbour::Visit(at("2026-06-02T11:05")),
            needed_minutes: 12,
            available_minutes: 5
        }]
    );

    // From a home base 30 km away at the start of the day.
    let mut far = tech(1);
    far.home_base = km(30.0, 0.0);
    assert_eq!(
        refusals(&far, &[], "2026-06-02T08:10").refusals,
        vec![Refusal::TravelBefore {
            from: Neighbour::HomeBase,
            needed_minutes: 30,
            available_minutes: 10
        }]
    );
}

#[test]
fn the_past_is_refused_for_good_and_every_reason_is_listed() {
    let mut t = tech(1);
    t.skills = vec![];
    let v = refusals(&t, &[], "2026-06-01T05:00");
    assert_eq!(
        v.refusals,
        vec![
            Refusal::LacksSkills(vec![skill(1, 3)]),
            Refusal::InPast,
            Refusal::OutsideHours
        ]
    );
    assert!(!v.refusals[1].overridable());
    for r in [
        Refusal::NotAUser,
        Refusal::InPast,
        Refusal::OutsideHours,
        Refusal::TimeOff,
        Refusal::Overlap {
            starts_at: at("2026-06-02T10:00"),
            travel_minutes: 0,
        },
        Refusal::TravelAfter {
            to: Neighbour::HomeBase,
            needed_minutes: 1,
            available_minutes: 0,
        },
    ] {
        assert!(Refusal::CODES.contains(&r.code()), "{r:?}");
    }
}

#[test]
fn a_clear_move_is_exactly_one_the_planner_accepts() {
    let mut rng = Rng::new(0x5EED_0019);
    let mut compared = (0, 0);
    for n in 0..200 {
        let w = random_world(&mut rng);
        let block = w.settings.arrival_window_minutes() + w.request.duration.minutes();
        for t in &w.technicians {
            let only = std::slice::from_ref(t);
            let planner = Planner::new(
                SearchInput {
                    technicians: only,
                    ..w.input()
                },
                &Flat,
            );
            let mut start: Timestamp = w.now;
            for _ in 0..30 {
                start = start.checked_add(Span::new().minutes(53)).unwrap();
                let verdict = check_move(
                    &MoveQuestion {
                        technician: t,
                        request: &w.request,
                        commitments: &w.commitments,
                        starts_at: start,
                        ends_at: start + SignedDuration::from_mins(block),
                        now: w.now,
                    },
                    &Flat,
                );
                let planned = planner.assign_at(start).is_some();
                assert_eq!(
                    verdict.is_clear(),
                    planned,
                    "world {n}, technician {}, {start}: {verdict:?}",
                    t.id.0
                );
                if planned {
                    compared.0 += 1;
                } else {
                    compared.1 += 1;
                }
            }
        }
    }
    assert!(compared.0 > 100 && compared.1 > 100, "{compared:?}");
}
