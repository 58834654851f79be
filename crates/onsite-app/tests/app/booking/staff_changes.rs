//! The workforce as staff keep it, with the real engines: every change that makes a booked
//! visit impossible (time off, deactivation, other hours from a template or an exception, a
//! lost skill or territory) moves it to another technician at the same time or asks the
//! customer for a new time, and says so; every change is audited with what it changed; a stale
//! save is refused; bad input names its field and changes nothing.

use super::*;
use onsite_app::failure::Failure;
use onsite_app::policy::Admin;
use onsite_app::workforce::{AffectedVisit, SignInInput, TemplateInput};
use onsite_domain::UserId;
use onsite_domain::WorkingHoursTemplateId;

/// The audit details of `action` about `entity_id`, oldest first.
async fn audited(w: &World, action: &str, entity_id: i64) -> Vec<serde_json::Value> {
    let mut events = onsite_store::audit::recent(&mut *w.conn().await, 500)
        .await
        .unwrap();
    events.reverse();
    events
        .into_iter()
        .filter(|e| e.action == action && e.entity_id == Some(entity_id))
        .map(|e| {
            assert_eq!(e.actor, Some(w.staff.user_id), "{action} names who did it");
            serde_json::from_str(&e.detail).unwrap()
        })
        .collect()
}

fn staff(w: &World) -> Staff {
    w.staff.grant().unwrap()
}

async fn version(w: &World, who: TechnicianId) -> i64 {
    workforce::technician(&w.app, staff(w), who)
        .await
        .unwrap()
        .version
}

/// Every day `hours` (`08:00-12:00`).
fn every_day_input(name: &str, hours: &str) -> TemplateInput {
    TemplateInput {
        name: name.into(),
        days: std::array::from_fn(|_| hours.to_owned()),
    }
}

both_backends!(
    time_off_over_a_visit_nobody_else_can_take_asks_the_customer_and_says_so,
    |db: TestDb| async move {
        let w = world(db).await;
        // Uma is inactive: Tom is the only technician.
        let off = workforce::set_active(&w.app, staff(&w), w.uma, 1, false, now())
            .await
            .unwrap();
        assert_eq!(off.report(), Some(reassign::Report::default()));
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Tom");

        let (time_off, changed) = w
            .time_off(w.tom, (tuesday(), 8), (tuesday(), 12), "Dentist")
            .await
            .unwrap();
        assert_eq!(changed.report().unwrap().flagged, [v.id]);
        let affected = workforce::affected(&w.app, staff(&w), &changed.jobs())
            .await
            .unwrap();
        assert_eq!((affected.pending, affected.checked), (0, 1));
        assert_eq!(
            affected.visits,
            [AffectedVisit {
                booking: v.id,
                starts_at: v.starts_at,
                // The zone of Acme's address, in which the report tells the visit's time.
                time_zone: onsite_testkit::fixtures::montreal().time_zone(),
                account: "Acme".into(),
                service_type: "Furnace maintenance".into(),
                from: "Tom".into(),
                to: None,
                customer_asked: true,
            }]
        );
        assert_eq!((affected.moved(), affected.waiting()), (0, 1));
        let asked: Vec<String> = sqlx::query_scalar(
            "SELECT recipient FROM email_outbox WHERE kind = 'booking-new-time'",
        )
        .fetch_all(&mut *w.conn().await)
        .await
        .unwrap();
        assert_eq!(asked, ["ana@example.com"]);

        // Audited, each with what it did.
        assert_eq!(
            audited(&w, "technician.deactivate", w.uma.0).await,
            [serde_json::json!({ "active": { "from": true, "to": false } })]
        );
        assert_eq!(
            audited(&w, "technician.time-off-add", w.tom.0).await,
            [serde_json::json!({
                "time_off": time_off.0,
                "starts_at": "2026-06-09T08:00:00-04:00[America/Toronto]",
                "ends_at": "2026-06-09T12:00:00-04:00[America/Toronto]",
                "reason": "Dentist",
            })]
        );
        // Time off that has started cannot be removed; future time off can, audited.
        let later = w
            .time_off(w.tom, (wednesday(), 8), (wednesday(), 9), "")
            .await
            .unwrap()
            .0;
        let after_start = local(tuesday(), 9, 0);
        let err = workforce::remove_time_off(
            &w.app,
            staff(&w),
            w.tom,
            &time_off.to_string(),
            after_start,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, WorkforceError::Invalid(i) if i.field == "time_off"));
        workforce::remove_time_off(&w.app, staff(&w), w.tom, &later.to_string(), now())
            .await
            .unwrap();
        assert_eq!(
            audited(&w, "technician.time-off-remove", w.tom.0)
                .await
                .len(),
            1
        );
        assert!(matches!(
            workforce::remove_time_off(&w.app, staff(&w), w.tom, &later.to_string(), now()).await,
            Err(WorkforceError::NotFound)
        ));
        assert!(
            matches!(
                workforce::remove_time_off(&w.app, staff(&w), w.uma, &time_off.to_string(), now())
                    .await,
                Err(WorkforceError::NotFound)
            ),
            "another technician's time off is not found"
        );
    }
);

both_backends!(
    deactivating_a_technician_moves_their_visits_and_a_stale_button_is_refused,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Tom");
        let changed = workforce::set_active(&w.app, staff(&w), w.tom, 1, false, now())
            .await
            .unwrap();
        assert_eq!(changed.report().unwrap().reassigned, [(v.id, w.uma)]);
        let affected = workforce::affected(&w.app, staff(&w), &changed.jobs())
            .await
            .unwrap();
        assert_eq!(affected.visits.len(), 1);
        assert_eq!(
            (
                affected.visits[0].from.as_str(),
                affected.visits[0].to.as_deref()
            ),
            ("Tom", Some("Uma"))
        );
        assert!(!affected.visits[0].customer_asked);
        // A second click from the page as it was: already inactive, nothing happens.
        let again = workforce::set_active(&w.app, staff(&w), w.tom, 1, false, now())
            .await
            .unwrap();
        assert!(again.jobs().is_empty());
        // Activating from a stale page is refused.
        assert!(matches!(
            workforce::set_active(&w.app, staff(&w), w.tom, 1, true, now()).await,
            Err(WorkforceError::Changed)
        ));
        let activated = workforce::set_active(&w.app, staff(&w), w.tom, 2, true, now())
            .await
            .unwrap();
        assert!(
            activated.jobs().is_empty(),
            "activating takes no visit away"
        );
        assert_eq!(audited(&w, "technician.deactivate", w.tom.0).await.len(), 1);
        assert_eq!(
            audited(&w, "technician.activate", w.tom.0).await,
            [serde_json::json!({ "active": { "from": false, "to": true } })]
        );
    }
);

both_backends!(
    a_template_with_shorter_hours_moves_the_visits_outside_them,
    |db: TestDb| async move {
        let w = world(db).await;
        let days = every_day_input("Every day", "08:00-17:00");
        let template = workforce::create_template(&w.app, staff(&w), &days, now())
            .await
            .unwrap();
        for who in [w.tom, w.uma] {
            let moved = w.edit(who, |t| t.template = Some(template)).await.unwrap();
            assert_eq!(moved.jobs().len(), 1, "other hours: checked");
            assert!(moved.report().unwrap().reassigned.is_empty());
        }
        let morning = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        let afternoon = w.book(&w.ana, local(tuesday(), 15, 0)).await.unwrap().visit;
        assert_eq!(afternoon.technician_name, "Tom");

        let mornings = every_day_input("Mornings", "08:00-12:00");
        let stale =
            workforce::update_template(&w.app, staff(&w), template, 0, &mornings, now()).await;
        assert!(matches!(stale, Err(WorkforceError::Changed)));
        let changed = workforce::update_template(&w.app, staff(&w), template, 1, &mornings, now())
            .await
            .unwrap();
        assert_eq!(
            changed.jobs().len(),
            2,
            "one job per technician on the template"
        );
        let report = changed.report().unwrap();
        assert_eq!(report.kept, [morning.id]);
        assert_eq!(
            report.flagged,
            [afternoon.id],
            "nobody works afternoons any more"
        );
        // The next search already sees the new hours.
        assert!(matches!(
            w.book(&w.ana, local(wednesday(), 15, 0)).await,
            Err(BookingError::InvalidSlot(_) | BookingError::SlotTaken)
        ));
        let t = workforce::template(&w.app, staff(&w), template)
            .await
            .unwrap();
        assert_eq!(
            (t.name.as_str(), t.version, t.technicians),
            ("Mornings", 2, 2)
        );
        let details = audited(&w, "working_hours_template.update", template.0).await;
        assert_eq!(details.len(), 1);
        assert_eq!(
            details[0]["monday"],
            serde_json::json!({ "from": "08:00-17:00", "to": "08:00-12:00" })
        );
        assert_eq!(
            details[0]["name"],
            serde_json::json!({ "from": "Every day", "to": "Mornings" })
        );
        let created = audited(&w, "working_hours_template.create", template.0).await;
        assert_eq!(created[0]["sunday"], "08:00-17:00");
        // The technicians' own lines say which template they follow now.
        let update = audited(&w, "technician.update", w.tom.0).await;
        assert_eq!(
            update[0],
            serde_json::json!({ "working_hours": { "from": null, "to": "Every day" } })
        );
        // Saving the same again changes nothing and queues nothing.
        let same = workforce::update_template(&w.app, staff(&w), template, 2, &mornings, now())
            .await
            .unwrap();
        assert!(same.jobs().is_empty());
        assert_eq!(
            audited(&w, "working_hours_template.update", template.0)
                .await
                .len(),
            1
        );
    }
);

both_backends!(
    a_day_off_moves_the_visit_and_removing_it_checks_again,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        let day = tuesday().to_string();
        let changed = workforce::set_exception(&w.app, staff(&w), w.tom, (&day, " "), now())
            .await
            .unwrap();
        assert_eq!(changed.report().unwrap().reassigned, [(v.id, w.uma)]);
        // Uma works 13:00-15:00 only that Tuesday: the visit at 10:00 waits for a new time.
        let changed =
            workforce::set_exception(&w.app, staff(&w), w.uma, (&day, "13:00-15:00"), now())
                .await
                .unwrap();
        assert_eq!(changed.report().unwrap().flagged, [v.id]);
        assert_eq!(
            audited(&w, "technician.exception-set", w.uma.0).await,
            [serde_json::json!({ "2026-06-09": { "from": null, "to": "13:00-15:00" } })]
        );
        let removed = workforce::remove_exception(&w.app, staff(&w), w.uma, &day, now())
            .await
            .unwrap();
        assert_eq!(removed.report().unwrap().kept, [v.id], "back in her hours");
        assert_eq!(
            audited(&w, "technician.exception-remove", w.uma.0).await,
            [serde_json::json!({ "date": "2026-06-09", "hours": "13:00-15:00" })]
        );
        assert!(matches!(
            workforce::remove_exception(&w.app, staff(&w), w.uma, &day, now()).await,
            Err(WorkforceError::NotFound)
        ));
        for (date, hours, field, reason) in [
            (
                day.as_str(),
                "08:00-10:00, 11:00-12:00",
                "hours",
                "working-hours-one-period",
            ),
            (day.as_str(), "10:00-09:00", "hours", "start-before-end"),
            ("2026-06-07", "", "date", "past-date"),
            ("2026-02-30", "", "date", "date"),
            ("", "", "date", "required"),
        ] {
            let err = workforce::set_exception(&w.app, staff(&w), w.tom, (date, hours), now())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, WorkforceError::Invalid(i) if (i.field, i.reason) == (field, reason)),
                "{date} {hours}: {err:?}"
            );
        }
    }
);

both_backends!(
    bad_input_names_its_field_and_changes_nothing,
    |db: TestDb| async move {
        let w = world(db).await;
        let before = (
            w.count("technicians").await,
            w.count("audit_events").await,
            w.count("time_off").await,
            w.count("working_hours_templates").await,
            w.count("reassignment_jobs").await,
        );
        let t = workforce::technician(&w.app, staff(&w), w.tom)
            .await
            .unwrap();
        let good = TechnicianInput::of(&t);
        let cases: Vec<(TechnicianInput, &str)> = vec![
            (
                TechnicianInput {
                    name: " ".into(),
                    ..good.clone()
                },
                "name",
            ),
            (
                TechnicianInput {
                    time_zone: "Mars/Olympus".into(),
                    ..good.clone()
                },
                "time_zone",
            ),
            (
                TechnicianInput {
                    territories: vec![onsite_domain::TerritoryId(999)],
                    ..good.clone()
                },
                "territories",
            ),
            (
                TechnicianInput {
                    skills: vec![(w.hvac, "11".into())],
                    ..good.clone()
                },
                "skills",
            ),
            (
                TechnicianInput {
                    template: Some(WorkingHoursTemplateId(999)),
                    ..good.clone()
                },
                "working_hours_template",
            ),
        ];
        for (input, field) in cases {
            let created = workforce::create_technician(&w.app, staff(&w), &input, now()).await;
            assert!(
                matches!(&created, Err(WorkforceError::Invalid(i)) if i.field == field),
                "create, {field}: {created:?}"
            );
            let saved =
                workforce::update_technician(&w.app, staff(&w), w.tom, t.version, &input, now())
                    .await;
            assert!(
                matches!(&saved, Err(WorkforceError::Invalid(i)) if i.field == field),
                "update, {field}: {saved:?}"
            );
        }
        for (from, to, field) in [
            ("2026-06-09T10:00", "2026-06-09T09:00", "ends_at"),
            ("soon", "2026-06-09T09:00", "starts_at"),
            ("2026-06-09T10:00", "", "ends_at"),
            ("2026-06-09T25:00", "2026-06-09T26:00", "starts_at"),
        ] {
            let err = workforce::add_time_off(&w.app, staff(&w), w.tom, (from, to), "", now())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, WorkforceError::Invalid(i) if i.field == field),
                "{from} {to}: {err:?}"
            );
        }
        let err = workforce::add_time_off(
            &w.app,
            staff(&w),
            w.tom,
            ("2026-06-09T10:00", "2026-06-09T11:00"),
            &"x".repeat(2000),
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(&err, WorkforceError::Invalid(i) if i.field == "reason"));
        let mut overlapping = every_day_input("Split", "08:00-12:00");
        overlapping.days[1] = "08:00-12:00, 11:00-13:00".into();
        let err = workforce::create_template(&w.app, staff(&w), &overlapping, now())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, WorkforceError::Invalid(i) if (i.field, i.reason) == ("tuesday", "working-hours-overlap")),
            "{err:?}"
        );
        assert!(matches!(
            workforce::set_active(&w.app, staff(&w), TechnicianId(999), 1, false, now()).await,
            Err(WorkforceError::NotFound)
        ));
        let after = (
            w.count("technicians").await,
            w.count("audit_events").await,
            w.count("time_off").await,
            w.count("working_hours_templates").await,
            w.count("reassignment_jobs").await,
        );
        assert_eq!(before, after, "nothing was written");
        assert_eq!(
            workforce::technician(&w.app, staff(&w), w.tom)
                .await
                .unwrap(),
            t
        );
    }
);

both_backends!(
    two_staff_saving_one_technician_the_second_is_refused,
    |db: TestDb| async move {
        let w = world(db).await;
        let opened = workforce::technician(&w.app, staff(&w), w.tom)
            .await
            .unwrap();
        let mut first = TechnicianInput::of(&opened);
        first.name = "Tom Tremblay".into();
        first.home_base = point(45.53, -73.58);
        workforce::update_technician(&w.app, staff(&w), w.tom, opened.version, &first, now())
            .await
            .unwrap();
        let mut second = TechnicianInput::of(&opened);
        second.territories.clear();
        let err =
            workforce::update_technician(&w.app, staff(&w), w.tom, opened.version, &second, now())
                .await
                .unwrap_err();
        assert!(matches!(err, WorkforceError::Changed));
        let now_saved = workforce::technician(&w.app, staff(&w), w.tom)
            .await
            .unwrap();
        assert_eq!(now_saved.technician.name, "Tom Tremblay");
        assert!(
            !now_saved.technician.territories.is_empty(),
            "the stale save wrote nothing"
        );
        assert_eq!(now_saved.version, opened.version + 1);
        let updates = audited(&w, "technician.update", w.tom.0).await;
        assert_eq!(
            updates,
            [serde_json::json!({
                "name": { "from": "Tom", "to": "Tom Tremblay" },
                "home_base": { "from": "45.524600, -73.581500", "to": "45.530000, -73.580000" },
            })]
        );
        // A name and a home base take no visit away: nothing was queued.
        assert_eq!(w.count("reassignment_jobs").await, 0);
        assert_eq!(version(&w, w.tom).await, 2);
    }
);

both_backends!(
    a_new_technician_is_booked_and_gets_a_sign_in,
    |db: TestDb| async move {
        let w = world(db).await;
        let mut conn = w.conn().await;
        let admin_id =
            fixtures::user(&mut conn, "boss@example.com", "Boss", None, &[Role::Admin]).await;
        let taken = fixtures::user(
            &mut conn,
            "taken@example.com",
            "Taken",
            None,
            &[Role::Dispatcher],
        )
        .await;
        drop(conn);
        let admin = Principal {
            user_id: admin_id,
            roles: vec![Role::Admin],
            account_id: None,
            technician_id: None,
        };
        let admin: Admin = admin.grant().unwrap();
        let template = workforce::create_template(
            &w.app,
            staff(&w),
            &every_day_input("Long days", "07:00-19:00"),
            now(),
        )
        .await
        .unwrap();
        let choices = workforce::choices(&w.app, staff(&w)).await.unwrap();
        let territory = choices.territories[0].id;
        let input = TechnicianInput {
            name: "Vic".into(),
            home_base: plateau(),
            time_zone: "America/Toronto".into(),
            template: Some(template),
            territories: vec![territory],
            skills: vec![(w.hvac, "4".into())],
        };
        let vic = workforce::create_technician(&w.app, staff(&w), &input, now())
            .await
            .unwrap();
        let created = audited(&w, "technician.create", vic.0).await;
        assert_eq!(
            created,
            [serde_json::json!({
                "name": "Vic",
                "home_base": "45.524600, -73.581500",
                "time_zone": "America/Toronto",
                "working_hours": "Long days",
                "territories": ["Plateau"],
                "skills": ["HVAC 4"],
                "active": true,
            })]
        );
        // Tom and Uma are inactive: the new technician takes the visit.
        for who in [w.tom, w.uma] {
            workforce::set_active(&w.app, staff(&w), who, 1, false, now())
                .await
                .unwrap();
        }
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Vic");

        // Their sign-in: a user with the technician role, linked, emailed.
        let sign_in = SignInInput {
            email: "Vic@Example.com".into(),
            language: "fr".into(),
        };
        let user = workforce::create_sign_in(&w.app, admin, vic, &sign_in, now())
            .await
            .unwrap();
        let record = onsite_store::accounts::user_by_id(&mut *w.conn().await, user)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                record.email.as_str(),
                record.display_name.as_str(),
                record.roles.clone()
            ),
            ("vic@example.com", "Vic", vec![Role::Technician])
        );
        let t = workforce::technician(&w.app, staff(&w), vic).await.unwrap();
        assert_eq!(t.user.map(|u| u.id), Some(user));
        assert_eq!(
            w.count("email_outbox WHERE kind = 'access-granted' AND recipient = 'vic@example.com'")
                .await,
            1
        );
        let linked: Vec<serde_json::Value> = onsite_store::audit::recent(&mut *w.conn().await, 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "technician.link-user")
            .map(|e| serde_json::from_str(&e.detail).unwrap())
            .collect();
        assert_eq!(
            linked,
            [serde_json::json!({ "user": { "from": null, "to": "vic@example.com" } })]
        );
        assert!(matches!(
            workforce::create_sign_in(&w.app, admin, vic, &sign_in, now()).await,
            Err(WorkforceError::HasSignIn)
        ));
        // Another technician's sign-in: an address with a user already is refused.
        let taken_address = SignInInput {
            email: "taken@example.com".into(),
            language: String::new(),
        };
        let err = workforce::create_sign_in(&w.app, admin, w.tom, &taken_address, now())
            .await
            .unwrap_err();
        assert_eq!(err.field().as_deref(), Some("email"), "{err:?}");
        // Unlink, then link a dispatcher: refused (not a technician); link Vic's user back.
        workforce::link_user(&w.app, admin, vic, None)
            .await
            .unwrap();
        let err = workforce::link_user(&w.app, admin, vic, Some(taken))
            .await
            .unwrap_err();
        assert!(matches!(err, WorkforceError::Invalid(i) if i.field == "user"));
        workforce::link_user(&w.app, admin, vic, Some(user))
            .await
            .unwrap();
        let err = workforce::link_user(&w.app, admin, w.tom, Some(user))
            .await
            .unwrap_err();
        assert!(
            matches!(err, WorkforceError::Invalid(i) if i.field == "user"),
            "one user signs in as one technician"
        );
        assert!(matches!(
            workforce::link_user(&w.app, admin, vic, Some(UserId(999))).await,
            Err(WorkforceError::Invalid(_))
        ));
    }
);
