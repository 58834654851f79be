//! A customer changes a booked visit: rescheduling keeps its calendar identity and work order,
//! canceling needs a reason; another account's visit is not found, and a visit that has started
//! cannot be changed.

use super::*;

both_backends!(
    rescheduling_keeps_the_uid_and_work_order_and_may_change_technician,
    |db: TestDb| async move {
        let w = world(db).await;
        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        assert_eq!(booked.technician_name, "Tom");
        // Tom is busy on Wednesday at 10:00; Uma is free.
        w.store_visit(w.other, w.tom, local(wednesday(), 10, 0), 60, &[])
            .await;
        let new_time = local(wednesday(), 10, 0);
        let moved = booking::reschedule(&w.app, w.ana.grant().unwrap(), booked.id, new_time, now())
            .await
            .unwrap();
        assert_eq!(
            (
                moved.id,
                moved.starts_at,
                moved.technician_name.as_str(),
                moved.state
            ),
            (booked.id, new_time, "Uma", BookingState::Scheduled)
        );
        assert_eq!(
            (
                moved.work_order_id,
                moved.ics_uid.as_str(),
                moved.ics_sequence
            ),
            (booked.work_order_id, booked.ics_uid.as_str(), 1)
        );
        let email = w
            .email(&format!("booking:{}:rescheduled:1", booked.id))
            .await
            .expect("rescheduled email");
        assert!(
            email
                .text_body
                .contains("planned for Tuesday, June 9, 2026, 9:00 AM"),
            "{}",
            email.text_body
        );
        let cal = calendar(&email);
        assert_eq!(
            (
                prop(&cal, "METHOD"),
                prop(&cal, "UID"),
                prop(&cal, "SEQUENCE")
            ),
            ("REQUEST", booked.ics_uid.as_str(), "1")
        );
        assert_eq!(prop(&cal, "DTSTART"), utc(new_time));
        // Submitting the same move again changes nothing.
        let again = booking::reschedule(&w.app, w.ana.grant().unwrap(), booked.id, new_time, now())
            .await
            .unwrap();
        assert_eq!(again.ics_sequence, 1);
        // Its old time is free again, and it does not block its own new time.
        let tuesday_slots = booking::slots(
            &w.app,
            w.bob.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        assert!(
            tuesday_slots
                .slots
                .iter()
                .any(|s| s.start == local(tuesday(), 9, 0))
        );
        let back = booking::reschedule(
            &w.app,
            w.ana.grant().unwrap(),
            booked.id,
            local(wednesday(), 10, 30),
            now(),
        )
        .await
        .unwrap();
        assert_eq!(
            (back.technician_name.as_str(), back.ics_sequence),
            ("Uma", 2)
        );
        // A time nobody has is refused; nothing changes.
        let err = booking::reschedule(
            &w.app,
            w.ana.grant().unwrap(),
            booked.id,
            local(wednesday(), 21, 0),
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BookingError::SlotTaken), "{err:?}");
        assert_eq!(w.count("work_orders").await, 2);
    }
);

both_backends!(
    canceling_needs_a_reason_and_sends_a_cancellation,
    |db: TestDb| async move {
        let w = world(db).await;
        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        for blank in ["", "   \n\t "] {
            let err = booking::cancel(&w.app, w.ana.grant().unwrap(), booked.id, blank, now())
                .await
                .unwrap_err();
            assert_eq!(err.message_id(), "booking-reason-required");
        }
        let err = booking::cancel(
            &w.app,
            w.ana.grant().unwrap(),
            booked.id,
            &"x".repeat(2000),
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.message_id(), "booking-reason-too-long");
        assert_eq!(
            booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), booked.id)
                .await
                .unwrap()
                .state,
            BookingState::Scheduled
        );
        let canceled = booking::cancel(
            &w.app,
            w.ana.grant().unwrap(),
            booked.id,
            " Closed for renovations\u{7} ",
            now(),
        )
        .await
        .unwrap();
        assert_eq!(canceled.state, BookingState::Canceled);
        assert_eq!(
            canceled.cancel_reason.as_deref(),
            Some("Closed for renovations")
        );
        assert!(!canceled.may_modify);
        let email = w
            .email(&format!("booking:{}:canceled", booked.id))
            .await
            .expect("cancellation email");
        assert!(
            email.text_body.contains("Reason: Closed for renovations"),
            "{}",
            email.text_body
        );
        let cal = calendar(&email);
        assert_eq!(
            (
                prop(&cal, "METHOD"),
                prop(&cal, "UID"),
                prop(&cal, "SEQUENCE"),
                prop(&cal, "STATUS")
            ),
            ("CANCEL", booked.ics_uid.as_str(), "1", "CANCELLED")
        );
        let mut conn = w.conn().await;
        let wo = work_orders::work_order(&mut conn, booked.work_order_id)
            .await
            .unwrap();
        assert_eq!(wo.status, WorkOrderStatus::Canceled);
        drop(conn);
        // Its time is free again.
        assert_eq!(
            w.book(&w.bob, local(tuesday(), 9, 0))
                .await
                .unwrap()
                .visit
                .technician_name,
            "Tom"
        );
    }
);

both_backends!(
    another_accounts_visit_is_not_found,
    |db: TestDb| async move {
        let w = world(db).await;
        let anas = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        let err = booking::booking_for_customer(&w.app, w.bob.grant().unwrap(), anas.id)
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::NotFound));
        let missing =
            booking::booking_for_customer(&w.app, w.bob.grant().unwrap(), BookingId(987_654))
                .await
                .unwrap_err();
        assert_eq!(
            err.message_id(),
            missing.message_id(),
            "the same answer as for no visit at all"
        );
        let err = booking::reschedule(
            &w.app,
            w.bob.grant().unwrap(),
            anas.id,
            local(tuesday(), 11, 0),
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BookingError::NotFound));
        let err = booking::cancel(&w.app, w.bob.grant().unwrap(), anas.id, "not mine", now())
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::NotFound));
        assert!(
            booking::homepage(&w.app, w.bob.grant().unwrap(), now())
                .await
                .unwrap()
                .is_empty()
        );
        // Staff see it.
        assert_eq!(
            booking::booking_for_customer(&w.app, w.staff.grant().unwrap(), anas.id)
                .await
                .unwrap()
                .id,
            anas.id
        );
        // Someone without self-scheduling (a reviewer) cannot book at all.
        let reviewer = Principal {
            roles: vec![Role::CustomerReviewer],
            ..w.ana.clone()
        };
        assert_eq!(reviewer.grant::<Scheduler>(), None);
        let visit = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), anas.id)
            .await
            .unwrap();
        assert_eq!(
            (visit.ics_sequence, visit.state),
            (0, BookingState::Scheduled)
        );
    }
);

both_backends!(
    customers_cannot_change_visits_that_have_started,
    |db: TestDb| async move {
        let w = world(db).await;
        use BookingAction::*;
        let cases: [(&[BookingAction], BookingState); 4] = [
            (&[StartTravel], BookingState::Traveling),
            (&[StartTravel, StartWork], BookingState::InProgress),
            (&[StartTravel, StartWork, Complete], BookingState::Completed),
            (&[Cancel], BookingState::Canceled),
        ];
        for (i, (history, state)) in cases.into_iter().enumerate() {
            let start = local(tuesday(), 9 + i as i8, 0);
            let id = w.store_visit(w.acme, w.tom, start, 60, history).await;
            let visit = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), id)
                .await
                .unwrap();
            assert_eq!((visit.state, visit.may_modify), (state, false));
            let err = booking::reschedule(
                &w.app,
                w.ana.grant().unwrap(),
                id,
                local(wednesday(), 9, 0),
                now(),
            )
            .await
            .unwrap_err();
            assert!(
                matches!(err, BookingError::NotModifiable(s) if s == state),
                "{state:?}: {err:?}"
            );
            assert_eq!(err.message_id(), "booking-not-modifiable");
            let err = booking::cancel(&w.app, w.ana.grant().unwrap(), id, "changed my mind", now())
                .await
                .unwrap_err();
            assert!(
                matches!(err, BookingError::NotModifiable(s) if s == state),
                "{state:?}: {err:?}"
            );
            let after = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), id)
                .await
                .unwrap();
            assert_eq!(
                (after.state, after.ics_sequence, after.starts_at),
                (visit.state, visit.ics_sequence, start)
            );
        }
        // Staff may still cancel a Traveling visit (the state machine allows it), not a finished one.
        let traveling = w
            .store_visit(w.acme, w.uma, local(tuesday(), 14, 0), 60, &[StartTravel])
            .await;
        let v = booking::cancel(
            &w.app,
            w.staff.grant().unwrap(),
            traveling,
            "Customer not home",
            now(),
        )
        .await
        .unwrap();
        assert_eq!(v.state, BookingState::Canceled);
        let done = w
            .store_visit(
                w.acme,
                w.uma,
                local(tuesday(), 16, 0),
                60,
                &[StartTravel, StartWork, Complete],
            )
            .await;
        let err = booking::cancel(&w.app, w.staff.grant().unwrap(), done, "oops", now())
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            BookingError::NotModifiable(BookingState::Completed)
        ));
    }
);
