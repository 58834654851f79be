//! The engine's rules, one test each, in the words of the product: who may take a visit, when
//! they are free including travel, and who wins a slot. Every check runs the fast planner and
//! the reference and requires them to agree (see `support`).

use crate::support::*;
use crate::synthetic::{every_day, skill};
use onsite_domain::TerritoryId;
use onsite_domain::technician::{ResourceKind, TimeOff, WorkingException};
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::{TechnicianId, TimeOffId};
use onsite_schedule::{
    Ineligible, Place, Planner, Settings, Unavailable, check_eligibility, reference,
};

#[test]
fn a_technician_at_the_door_is_bookable_from_opening_until_the_visit_ends_at_closing() {
    let w = world(vec![tech(1)]);
    assert_eq!(slots_on(&w, "2026-06-02"), times("08:00", "16:00", 30));
}

#[test]
fn the_drive_from_home_and_back_is_working_time() {
    let mut t = tech(1);
    t.home_base = km(30.0, 0.0);
    let w = world(vec![t]);
    // 08:00 + 30 min from home; back home by 17:00.
    assert_eq!(slots_on(&w, "2026-06-02"), times("08:30", "15:30", 30));
    let a = assign(&w, "2026-06-02T08:30").unwrap();
    assert_eq!(
        (a.comes_from, a.goes_to),
        (Place::HomeBase, Place::HomeBase)
    );
    assert_eq!((a.travel_before.minutes, a.travel_after.minutes), (30, 30));
}

#[test]
fn a_visit_starts_only_after_the_drive_from_the_previous_one() {
    let mut w = world(vec![tech(1)]);
    w.commitments = vec![visit(
        1,
        "2026-06-02T09:00",
        "2026-06-02T10:00",
        km(20.0, 0.0),
    )];
    // Nothing fits before 09:00 (it would need to leave at 09:00 at the latest and it ends at
    // 09:00 at the earliest); after it, 10:00 + 20 min.
    assert_eq!(slots_on(&w, "2026-06-02"), times("10:30", "16:00", 30));
    assert_eq!(
        assign(&w, "2026-06-02T10:00"),
        Err(Unavailable::NoTechnician)
    );
    let a = assign(&w, "2026-06-02T10:30").unwrap();
    assert_eq!(a.comes_from, Place::Visit);
    assert_eq!(a.travel_before.minutes, 20);
    assert!((a.travel_before.km - 20.0).abs() < 1e-9);
}

#[test]
fn a_visit_ends_early_enough_to_drive_on_to_the_next_one() {
    let mut w = world(vec![tech(1)]);
    w.commitments = vec![visit(
        1,
        "2026-06-02T14:00",
        "2026-06-02T15:00",
        km(0.0, 25.0),
    )];
    let mut expected = times("08:00", "12:30", 30); // 12:30–13:30, +25 min = 13:55
    expected.extend(times("15:30", "16:00", 30)); // 15:00 + 25 min
    assert_eq!(slots_on(&w, "2026-06-02"), expected);
    let a = assign(&w, "2026-06-02T12:30").unwrap();
    assert_eq!((a.goes_to, a.travel_after.minutes), (Place::Visit, 25));
}

#[test]
fn working_hours_are_in_the_technicians_own_time_zone() {
    let mut t = tech(1);
    t.time_zone = TimeZoneName::parse("Europe/Paris").unwrap();
    let w = world(vec![t]);
    // 08:00–17:00 in Paris is 02:00–11:00 in Toronto in June.
    assert_eq!(slots_on(&w, "2026-06-02"), times("02:00", "10:00", 30));
}

#[test]
fn travel_stays_inside_each_working_period_of_a_split_day() {
    let mut t = tech(1);
    t.home_base = km(10.0, 0.0);
    t.weekly_hours = every_day(8 * 60, 12 * 60);
    t.weekly_hours.extend(every_day(13 * 60, 17 * 60));
    let w = world(vec![t.clone()]);
    let mut expected = times("08:30", "10:30", 30);
    expected.extend(times("13:30", "15:30", 30));
    assert_eq!(slots_on(&w, "2026-06-02"), expected);

    // Periods that touch are one stretch of work: a visit may run across 12:00.
    t.weekly_hours = every_day(8 * 60, 12 * 60);
    t.weekly_hours.extend(every_day(12 * 60, 17 * 60));
    assert_eq!(
        slots_on(&world(vec![t]), "2026-06-02"),
        times("08:30", "15:30", 30)
    );
}

#[test]
fn time_off_blocks_its_hours_and_the_drives_around_them() {
    let mut t = tech(1);
    t.home_base = km(10.0, 0.0);
    t.time_off = vec![TimeOff {
        id: TimeOffId(1),
        starts_at: at("2026-06-02T12:00"),
        ends_at: at("2026-06-02T13:00"),
        reason: Some("dentist".into()),
    }];
    let w = world(vec![t.clone()]);
    let mut expected = times("08:30", "10:30", 30);
    expected.extend(times("13:30", "15:30", 30));
    assert_eq!(slots_on(&w, "2026-06-02"), expected);
    assert_eq!(slots_on(&w, "2026-06-03"), times("08:30", "15:30", 30));

    t.time_off[0].starts_at = at("2026-06-01T20:00");
    t.time_off[0].ends_at = at("2026-06-03T07:00");
    assert!(slots_on(&world(vec![t]), "2026-06-02").is_empty());
}

#[test]
fn an_exception_replaces_the_weekly_hours_of_its_date() {
    let mut t = tech(1);
    t.exceptions = vec![
        WorkingException {
            date: day("2026-06-02"),
            hours: Some((10 * 60, 12 * 60)),
        },
        WorkingException {
            date: day("2026-06-03"),
            hours: None,
        },
    ];
    let w = world(vec![t]);
    assert_eq!(slots_on(&w, "2026-06-02"), times("10:00", "11:00", 30));
    assert!(slots_on(&w, "2026-06-03").is_empty());
    assert_eq!(slots_on(&w, "2026-06-04"), times("08:00", "16:00", 30));
}

#[test]
fn only_active_users_of_the_territory_with_every_skill_at_its_rating_are_eligible() {
    let base = tech(1);
    let request = world(vec![]).request;
    let mut other_territory = tech(2);
    other_territory.territories = vec![TerritoryId(9)];
    let mut no_skill = tech(3);
    no_skill.skills = vec![skill(2, 10)];
    let mut low_rating = tech(4);
    low_rating.skills = vec![skill(1, 2)];
    let mut crew = tech(5);
    crew.kind = ResourceKind::Crew;
    let mut equipment = tech(6);
    equipment.kind = ResourceKind::Equipment;
    let mut inactive = tech(7);
    inactive.active = false;
    let cases = [
        (&other_territory, Ineligible::OutsideTerritory),
        (&no_skill, Ineligible::MissingSkills),
        (&low_rating, Ineligible::MissingSkills),
        (&crew, Ineligible::NotAUser),
        (&equipment, Ineligible::NotAUser),
        (&inactive, Ineligible::Inactive),
    ];
    for (t, why) in &cases {
        assert_eq!(check_eligibility(t, &request), Err(*why), "{}", t.name);
    }
    let ineligible: Vec<_> = cases.iter().map(|c| c.0.clone()).collect();
    let w = world(ineligible.clone());
    assert!(all_days(&w).iter().all(|d| d.slots.is_empty()));
    assert!(!Planner::new(w.input(), &Flat).has_eligible_technicians());

    // The minimum rating itself is enough, and the territory may be any of the location's.
    let mut exact = base.clone();
    exact.skills = vec![skill(1, 3), skill(7, 1)];
    exact.territories = vec![TerritoryId(4)];
    let mut w = world(ineligible);
    w.request.territories = vec![TerritoryId(1), TerritoryId(4)];
    w.technicians.push(exact);
    assert_eq!(slots_on(&w, "2026-06-02"), times("08:00", "16:00", 30));
    assert_eq!(assigned(&w, "2026-06-02T09:00"), Some(1));
}

#[test]
fn no_slot_starts_sooner_than_the_lead_time() {
    let mut w = world(vec![tech(1)]);
    w.now = at("2026-06-01T09:10");
    w.settings = Settings::new(30, 0, 14, 120).unwrap();
    assert_eq!(slots_on(&w, "2026-06-01"), times("11:30", "16:00", 30));
    assert_eq!(assign(&w, "2026-06-01T11:00"), Err(Unavailable::TooSoon));
    assert_eq!(assigned(&w, "2026-06-01T11:30"), Some(1));
    // Yesterday is simply gone.
    assert_eq!(assign(&w, "2026-05-31T11:00"), Err(Unavailable::TooSoon));
}

#[test]
fn no_day_beyond_the_horizon() {
    let mut w = world(vec![tech(1)]);
    w.settings = Settings::new(30, 0, 2, 0).unwrap();
    let planner = Planner::new(w.input(), &Flat);
    assert_eq!(
        planner.bookable_days(),
        Some((day("2026-06-01"), day("2026-06-03")))
    );
    let days = planner.days(day("2026-05-20"), day("2026-06-30"));
    let dates: Vec<_> = days.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2026-06-01", "2026-06-02", "2026-06-03"]);
    assert!(slots_on(&w, "2026-06-04").is_empty());
    assert_eq!(
        assign(&w, "2026-06-04T10:00"),
        Err(Unavailable::OutsideHorizon)
    );
    let picker = planner.available_days(day("2026-06-01"), day("2026-06-05"));
    assert_eq!(picker.len(), 3);
    assert!(picker.iter().all(|d| d.available));
}

#[test]
fn the_date_picker_disables_days_without_a_slot() {
    let mut t = tech(1);
    t.weekly_hours
        .retain(|p| p.weekday != jiff::civil::Weekday::Wednesday);
    let w = world(vec![t]);
    let planner = Planner::new(w.input(), &Flat);
    let picker = planner.available_days(day("2026-06-01"), day("2026-06-07"));
    let off: Vec<_> = picker
        .iter()
        .filter(|d| !d.available)
        .map(|d| d.date.to_string())
        .collect();
    assert_eq!(off, ["2026-06-03"]);
    let days = all_days(&w);
    for (p, d) in picker.iter().zip(&days) {
        assert_eq!((p.date, p.available), (d.date, !d.slots.is_empty()));
    }
}

#[test]
fn the_technician_with_the_shortest_drive_to_the_customer_gets_the_visit() {
    let (mut a, mut b, c) = (tech(1), tech(2), tech(3));
    a.home_base = km(50.0, 0.0);
    b.home_base = km(10.0, 0.0);
    let mut w = world(vec![a, b, c]);
    w.commitments = vec![
        visit(1, "2026-06-02T08:00", "2026-06-02T09:00", km(15.0, 0.0)),
        // Tech 3 comes from 5 km away, then has 40 km to drive to the noon visit: fine.
        visit(3, "2026-06-02T08:00", "2026-06-02T09:00", km(0.0, 5.0)),
        visit(3, "2026-06-02T12:00", "2026-06-02T13:00", km(40.0, 0.0)),
    ];
    let chosen = assign(&w, "2026-06-02T10:00").unwrap();
    assert_eq!(chosen.technician_id, TechnicianId(3));
    assert_eq!(
        (chosen.comes_from, chosen.travel_before.minutes),
        (Place::Visit, 5)
    );
    assert_eq!(
        (chosen.goes_to, chosen.travel_after.minutes),
        (Place::Visit, 40)
    );
    // At 11:00 tech 3 could not reach the noon visit: tech 2 (10 km from home) wins.
    assert_eq!(assigned(&w, "2026-06-02T11:00"), Some(2));
}

#[test]
fn ties_go_to_the_shorter_total_drive_then_the_lower_id() {
    let mut w = world(
        [7, 3, 9, 4]
            .into_iter()
            .map(|id| {
                let mut t = tech(id);
                t.home_base = km(6.0, 0.0);
                t
            })
            .collect(),
    );
    // Tech 3 and 4 must drive 20 km on to a visit after; 7 and 9 only go home (6 km).
    w.commitments = vec![
        visit(3, "2026-06-02T13:00", "2026-06-02T14:00", km(0.0, 20.0)),
        visit(4, "2026-06-02T13:00", "2026-06-02T14:00", km(0.0, 20.0)),
    ];
    assert_eq!(assigned(&w, "2026-06-02T10:00"), Some(7));
    // Without the visits after, all four tie: the lowest id.
    w.commitments.clear();
    assert_eq!(assigned(&w, "2026-06-02T10:00"), Some(3));
}

#[test]
fn an_arrival_window_reserves_the_window_and_the_visit() {
    let mut w = world(vec![tech(1)]);
    w.settings = Settings::new(60, 120, 14, 0).unwrap();
    // The technician may arrive as late as the end of the window and still work an hour.
    assert_eq!(slots_on(&w, "2026-06-02"), times("08:00", "14:00", 60));
    let a = assign(&w, "2026-06-02T14:00").unwrap();
    assert_eq!(a.arrival_window_end, at("2026-06-02T16:00"));
    assert_eq!(a.ends_at, at("2026-06-02T17:00"));
    let day = Planner::new(w.input(), &Flat).slots(day("2026-06-02"));
    assert_eq!(day.slots[0].arrival_window_end, at("2026-06-02T10:00"));
    assert_eq!(day.slots[0].end, at("2026-06-02T11:00"));
}

#[test]
fn a_chosen_time_off_the_grid_is_refused_but_reassignment_may_use_any_time() {
    let w = world(vec![tech(1)]);
    assert_eq!(assign(&w, "2026-06-02T10:15"), Err(Unavailable::NotASlot));
    let planner = Planner::new(w.input(), &Flat);
    let a = planner.assign_at(at("2026-06-02T10:15")).unwrap();
    assert_eq!(a.technician_id, TechnicianId(1));
    assert_eq!(
        reference::assign_at(&w.input(), &Flat, at("2026-06-02T10:15")),
        Some(a)
    );
    // Far beyond the horizon too (a visit booked by staff months ahead).
    let later = at("2026-12-01T10:15");
    assert!(planner.assign_at(later).is_some());
    assert_eq!(
        planner.assign_at(later),
        reference::assign_at(&w.input(), &Flat, later)
    );
}

#[test]
fn overlapping_visits_from_a_double_booking_still_block_and_the_longer_drive_counts() {
    let mut w = world(vec![tech(1)]);
    w.commitments = vec![
        visit(1, "2026-06-02T09:00", "2026-06-02T11:00", km(0.0, 0.0)),
        visit(1, "2026-06-02T10:00", "2026-06-02T10:30", km(30.0, 0.0)),
    ];
    // 08:00–09:00 just makes it to the 09:00 visit next door; the visit ending at 10:30 in the
    // middle of the longer one is not where the technician comes from.
    let mut expected = vec!["08:00".to_string()];
    expected.extend(times("11:00", "16:00", 30));
    assert_eq!(slots_on(&w, "2026-06-02"), expected);
    // Two visits ending together in different places: the technician must be able to come
    // from either, so the longer drive binds.
    w.commitments[1] = visit(1, "2026-06-02T10:00", "2026-06-02T11:00", km(30.0, 0.0));
    let mut expected = vec!["08:00".to_string()];
    expected.extend(times("11:30", "16:00", 30));
    assert_eq!(slots_on(&w, "2026-06-02"), expected);
    // Two visits starting together: the longer drive to them binds.
    w.commitments.push(visit(
        1,
        "2026-06-02T09:00",
        "2026-06-02T09:30",
        km(0.0, 20.0),
    ));
    assert_eq!(slots_on(&w, "2026-06-02"), times("11:30", "16:00", 30));
}

#[test]
fn other_technicians_visits_and_unknown_technicians_do_not_matter() {
    let mut w = world(vec![tech(1)]);
    w.commitments = vec![
        visit(2, "2026-06-02T08:00", "2026-06-02T17:00", km(0.0, 0.0)),
        visit(99, "2026-06-02T08:00", "2026-06-02T17:00", km(0.0, 0.0)),
    ];
    assert_eq!(slots_on(&w, "2026-06-02"), times("08:00", "16:00", 30));
}

#[test]
fn nonsense_inputs_give_no_slots_rather_than_a_crash() {
    let mut t = tech(1);
    t.exceptions = vec![WorkingException {
        date: day("2026-06-02"),
        hours: Some((900, 600)),
    }];
    // A period built without the constructor's check.
    t.weekly_hours.push(WorkingPeriod {
        weekday: jiff::civil::Weekday::Thursday,
        start: 1000,
        end: 2000,
    });
    t.time_off = vec![TimeOff {
        id: TimeOffId(1),
        starts_at: at("2026-06-05T12:00"),
        ends_at: at("2026-06-05T11:00"),
        reason: None,
    }];
    let mut w = world(vec![t]);
    w.commitments = vec![visit(
        1,
        "2026-06-05T10:00",
        "2026-06-05T09:00",
        km(0.0, 0.0),
    )];
    assert!(slots_on(&w, "2026-06-02").is_empty());
    // Thursday keeps its valid 08:00–17:00; the inverted time off and visit count for nothing.
    assert_eq!(slots_on(&w, "2026-06-04"), times("08:00", "16:00", 30));
    assert_eq!(slots_on(&w, "2026-06-05"), times("08:00", "16:00", 30));
    // The far ends of time.
    w.now = jiff::Timestamp::MAX;
    let p = Planner::new(w.input(), &Flat);
    assert!(
        p.days(jiff::civil::Date::MIN, jiff::civil::Date::MAX)
            .is_empty()
    );
    assert_eq!(
        p.assign(jiff::Timestamp::MAX).map(|_| ()),
        Err(Unavailable::OutsideHorizon)
    );
    w.now = jiff::Timestamp::MIN;
    let p = Planner::new(w.input(), &Flat);
    assert!(p.days(jiff::civil::Date::MIN, jiff::civil::Date::MAX).len() <= 15);
}

#[test]
fn the_default_travel_model_works_on_real_coordinates() {
    use crate::synthetic::point;
    use onsite_schedule::GreatCircle;
    let mut t = tech(1);
    t.home_base = point(45.5088, -73.5878); // Plateau
    let mut w = world(vec![t]);
    w.request.location = point(45.4655, -73.7450); // ~13 km west: 17 km of road, 30 minutes
    let model = GreatCircle::default();
    let planner = Planner::new(w.input(), &model);
    let slots = planner.slots(day("2026-06-02"));
    assert_eq!(
        slots.slots.first().map(|s| s.start),
        Some(at("2026-06-02T08:30"))
    );
    assert_eq!(
        reference::days(&w.input(), &model, day("2026-06-02"), day("2026-06-02")),
        vec![slots]
    );
}

#[test]
fn staff_see_every_free_technician_of_a_slot_ranked_as_the_engine_chooses() {
    let (mut a, mut b, c) = (tech(1), tech(2), tech(3));
    a.home_base = km(50.0, 0.0);
    b.home_base = km(10.0, 0.0);
    let mut w = world(vec![a, b, c]);
    w.commitments = vec![
        visit(1, "2026-06-02T08:00", "2026-06-02T09:00", km(15.0, 0.0)),
        visit(3, "2026-06-02T08:00", "2026-06-02T09:00", km(0.0, 5.0)),
        visit(3, "2026-06-02T12:00", "2026-06-02T13:00", km(40.0, 0.0)),
    ];
    let planner = Planner::new(w.input(), &Flat);
    let ranked = |t: &str| -> Vec<i64> {
        planner
            .candidates_at(at(t))
            .iter()
            .map(|a| a.technician_id.0)
            .collect()
    };
    // 5 km (from the 08:00 visit), 10 km (from home), 15 km (from the 08:00 visit).
    assert_eq!(ranked("2026-06-02T10:00"), [3, 2, 1]);
    // At 11:00 tech 3 cannot reach the noon visit: left out, not merely ranked last.
    assert_eq!(ranked("2026-06-02T11:00"), [2, 1]);
    // The first candidate is always the engine's own choice, and the slots are the customer's.
    let date = day("2026-06-02");
    let slots = planner.ranked_slots(date);
    assert_eq!(
        slots.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        planner.slots(date).slots
    );
    for (slot, candidates) in &slots {
        assert!(!candidates.is_empty(), "a slot nobody can take: {slot:?}");
        assert_eq!(Some(candidates[0]), planner.assign_at(slot.start));
        let drives: Vec<f64> = candidates.iter().map(|c| c.travel_before.km).collect();
        assert!(drives.is_sorted(), "{drives:?}");
    }
}
