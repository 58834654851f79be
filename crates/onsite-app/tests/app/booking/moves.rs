//! A dispatcher moves a visit (issue 15 item 2): refused with every reason (a technician
//! lacking a skill), accepted for an eligible one with the customer's email and `.ics`
//! sequence + 1, overrides of hours recorded in the audit log, bad input changing nothing, only
//! Scheduled visits, and two dispatchers racing into the same free hour: exactly one wins.

use super::*;
use onsite_app::moves::{self, MoveError, Target};
use onsite_app::policy::Staff;

impl World {
    fn dispatcher(&self) -> Staff {
        self.staff.grant().unwrap()
    }

    /// Karim: in the territory, working the same hours, but rated in another skill only.
    async fn karim(&self) -> TechnicianId {
        let mut conn = self.conn().await;
        let territory = technicians::technician(&mut conn, self.tom)
            .await
            .unwrap()
            .territories[0];
        let refrigeration = catalog::insert_characteristic(&mut conn, "Refrigeration")
            .await
            .unwrap();
        technician(&mut conn, "Karim", plateau(), territory, refrigeration).await
    }

    async fn detail(&self, action: &str) -> serde_json::Value {
        let d: String = sqlx::query_scalar(
            "SELECT detail FROM audit_events WHERE action = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(action)
        .fetch_one(&mut *self.conn().await)
        .await
        .unwrap();
        serde_json::from_str(&d).unwrap()
    }

    async fn placement(&self, id: BookingId) -> (TechnicianId, Timestamp, i64) {
        let b = bookings::booking(&mut *self.conn().await, id)
            .await
            .unwrap();
        (b.technician_id, b.starts_at, b.ics_sequence)
    }
}

both_backends!(
    a_technician_lacking_a_skill_is_refused_with_the_reason,
    |db: TestDb| async move {
        let w = world(db).await;
        let karim = w.karim().await;
        let visit = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        let target = Target {
            technician: karim,
            starts_at: local(tuesday(), 13, 0),
        };
        let check = moves::check_move(&w.app, w.dispatcher(), visit.id, target, now())
            .await
            .unwrap();
        let reasons = check.reasons(onsite_i18n::DEFAULT);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert_eq!(reasons[0].code, "lacks_skill");
        assert_eq!(reasons[0].message, "Karim lacks HVAC ≥ 3");
        assert!(!reasons[0].overridable);
        // Not even with a reason.
        let refused = moves::move_visit(
            &w.app,
            w.dispatcher(),
            visit.id,
            target,
            Some("the customer insists".into()),
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, MoveError::Refused(_)), "{refused:?}");
        assert_eq!(
            w.placement(visit.id).await,
            (w.tom, local(tuesday(), 9, 0), 0)
        );
        assert_eq!(w.count("email_outbox").await, 1, "only the confirmation");
    }
);

both_backends!(
    an_eligible_technician_takes_the_visit_and_the_customer_is_told,
    |db: TestDb| async move {
        let w = world(db).await;
        let visit = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        let new_time = local(wednesday(), 10, 0);
        let target = Target {
            technician: w.uma,
            starts_at: new_time,
        };
        let check = moves::check_move(&w.app, w.dispatcher(), visit.id, target, now())
            .await
            .unwrap();
        assert!(check.verdict.is_clear(), "{:?}", check.verdict);
        let moved = moves::move_visit(&w.app, w.dispatcher(), visit.id, target, None, now())
            .await
            .unwrap();
        assert!(moved.moved);
        assert_eq!(w.placement(visit.id).await, (w.uma, new_time, 1));
        let email = w
            .email(&format!("booking:{}:rescheduled:1", visit.id))
            .await
            .expect("the customer's new-time email");
        assert_eq!(email.recipient.as_str(), "ana@example.com");
        assert!(email.text_body.contains("Uma"), "{}", email.text_body);
        let cal = calendar(&email);
        assert_eq!(
            (prop(&cal, "UID"), prop(&cal, "SEQUENCE")),
            (visit.ics_uid.as_str(), "1")
        );
        assert_eq!(prop(&cal, "DTSTART"), utc(new_time));
        let audit = w.detail("booking.move").await;
        assert_eq!(audit["technician_before"], w.tom.0);
        assert_eq!(audit["technician"], w.uma.0);
        assert_eq!(audit["to"], new_time.to_string());
        assert!(audit.get("override_reason").is_none());
        // The same technician and time again: nothing changes.
        let again = moves::move_visit(&w.app, w.dispatcher(), visit.id, target, None, now())
            .await
            .unwrap();
        assert!(!again.moved);
        assert_eq!(w.placement(visit.id).await, (w.uma, new_time, 1));
    }
);

both_backends!(
    hours_are_overridden_only_with_a_reason_which_is_recorded,
    |db: TestDb| async move {
        let w = world(db).await;
        let visit = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        // 18:00 is after Uma's day (08:00–17:00).
        let target = Target {
            technician: w.uma,
            starts_at: local(tuesday(), 18, 0),
        };
        let refused = moves::move_visit(&w.app, w.dispatcher(), visit.id, target, None, now())
            .await
            .unwrap_err();
        let MoveError::Refused(check) = &refused else {
            panic!("{refused:?}")
        };
        assert!(check.verdict.overridable());
        let codes: Vec<&str> = check
            .reasons(onsite_i18n::DEFAULT)
            .iter()
            .map(|r| r.code)
            .collect();
        assert!(codes.contains(&"outside_hours"), "{codes:?}");
        // A blank reason is no reason.
        assert!(
            moves::move_visit(
                &w.app,
                w.dispatcher(),
                visit.id,
                target,
                Some("   ".into()),
                now()
            )
            .await
            .is_err()
        );
        let moved = moves::move_visit(
            &w.app,
            w.dispatcher(),
            visit.id,
            target,
            Some("Customer only home after work".into()),
            now(),
        )
        .await
        .unwrap();
        assert!(moved.moved);
        assert_eq!(
            w.placement(visit.id).await,
            (w.uma, local(tuesday(), 18, 0), 1)
        );
        let audit = w.detail("booking.move").await;
        assert_eq!(audit["override_reason"], "Customer only home after work");
    }
);

both_backends!(
    bad_input_and_visits_not_scheduled_change_nothing,
    |db: TestDb| async move {
        let w = world(db).await;
        let visit = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        let unknown = Target {
            technician: TechnicianId(999_999),
            starts_at: local(tuesday(), 10, 0),
        };
        let e = moves::move_visit(&w.app, w.dispatcher(), visit.id, unknown, None, now())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, MoveError::Invalid(i) if i.field == "technician_id"),
            "{e:?}"
        );
        let long = Target {
            technician: w.uma,
            starts_at: local(tuesday(), 18, 0),
        };
        let e = moves::move_visit(
            &w.app,
            w.dispatcher(),
            visit.id,
            long,
            Some("x".repeat(5000)),
            now(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, MoveError::Invalid(i) if i.field == "reason"),
            "{e:?}"
        );
        let missing = moves::check_move(&w.app, w.dispatcher(), BookingId(999_999), long, now())
            .await
            .unwrap_err();
        assert!(matches!(missing, MoveError::NotFound));
        booking::transition(
            &w.app,
            Worker::Staff(w.dispatcher()),
            visit.id,
            BookingAction::StartTravel,
            None,
            now(),
        )
        .await
        .unwrap();
        let e = moves::move_visit(
            &w.app,
            w.dispatcher(),
            visit.id,
            Target {
                technician: w.uma,
                starts_at: local(wednesday(), 10, 0),
            },
            None,
            now(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, MoveError::NotScheduled(BookingState::Traveling)),
            "{e:?}"
        );
        assert_eq!(
            w.placement(visit.id).await,
            (w.tom, local(tuesday(), 9, 0), 0)
        );
        assert_eq!(w.count("email_outbox").await, 2, "confirmation, on the way");
    }
);

/// Two dispatchers move two visits into the same free hour of Uma at once, five rounds: exactly
/// one move wins each round, the other is refused with the overlap, and Uma's visits never
/// overlap.
async fn race(db: TestDb) {
    let w = world(db).await;
    for round in 0..5 {
        let day = tuesday() + jiff::Span::new().days(round);
        let a = w
            .store_visit(w.acme, w.tom, local(day, 8, 0), 60, &[])
            .await;
        let b = w
            .store_visit(w.other, w.tom, local(day, 10, 0), 60, &[])
            .await;
        let hour = Target {
            technician: w.uma,
            starts_at: local(day, 14, 0),
        };
        let (x, y) = tokio::join!(
            moves::move_visit(&w.app, w.dispatcher(), a, hour, None, now()),
            moves::move_visit(&w.app, w.dispatcher(), b, hour, None, now()),
        );
        let won = [&x, &y].iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {x:?} / {y:?}");
        let lost = if x.is_ok() { y } else { x };
        match lost {
            Err(MoveError::Refused(check)) => {
                assert!(
                    check.verdict.refusals.iter().any(|r| r.code() == "overlap"),
                    "{:?}",
                    check.verdict
                );
            }
            other => panic!("round {round}: {other:?}"),
        }
        let at_two: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE technician_id = $1 AND starts_at = $2",
        )
        .bind(w.uma.0)
        .bind(local(day, 14, 0).as_millisecond())
        .fetch_one(&mut *w.conn().await)
        .await
        .unwrap();
        assert_eq!(at_two, 1);
    }
}

both_backends!(two_dispatchers_race_for_the_same_hour, race);
