//! A visit's states: staff move visits through them (customers may not), and the homepage
//! groups the visits as the portal shows them.

use super::*;

both_backends!(
    staff_move_visits_through_their_states,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        assert_eq!(
            w.ana.grant::<Worker>(),
            None,
            "customers do not drive visits"
        );
        let err = booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            v.id,
            BookingAction::Complete,
            None,
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(
            err,
            BookingError::NotModifiable(BookingState::Scheduled)
        ));
        let steps = [
            (BookingAction::StartTravel, BookingState::Traveling),
            (BookingAction::StartWork, BookingState::InProgress),
            (BookingAction::Complete, BookingState::Completed),
        ];
        for (i, (action, expected)) in steps.into_iter().enumerate() {
            let at = now() + SignedDuration::from_mins(10 * (i as i64 + 1));
            let note = (action == BookingAction::Complete).then_some("Replaced the filter");
            let state =
                booking::transition(&w.app, w.staff.grant().unwrap(), v.id, action, note, at)
                    .await
                    .unwrap();
            assert_eq!(state, expected);
        }
        let mut conn = w.conn().await;
        let history = bookings::transitions(&mut conn, v.id).await.unwrap();
        assert_eq!(history.len(), 4);
        assert!(
            history[1..]
                .iter()
                .all(|t| t.actor == Some(w.staff.user_id))
        );
        assert_eq!(history[3].note.as_deref(), Some("Replaced the filter"));
        let wo = work_orders::work_order(&mut conn, v.work_order_id)
            .await
            .unwrap();
        assert_eq!(wo.status, WorkOrderStatus::Completed);
        drop(conn);
        // A staff cancel through the dispatcher page needs a reason too.
        let other = w.book(&w.ana, local(tuesday(), 11, 0)).await.unwrap().visit;
        let err = booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            other.id,
            BookingAction::Cancel,
            None,
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.message_id(), "booking-reason-required");
        let state = booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            other.id,
            BookingAction::Cancel,
            Some("Storm"),
            now(),
        )
        .await
        .unwrap();
        assert_eq!(state, BookingState::Canceled);
        // The customer hears of it.
        assert!(
            w.email(&format!("booking:{}:canceled", other.id))
                .await
                .is_some()
        );
    }
);

both_backends!(
    the_homepage_groups_visits_as_the_portal_shows_them,
    |db: TestDb| async move {
        let w = world(db).await;
        use BookingAction::*;
        let empty = booking::homepage(&w.app, w.ana.grant().unwrap(), now())
            .await
            .unwrap();
        assert!(empty.is_empty());
        let d = tuesday();
        let traveling_late = w
            .store_visit(w.acme, w.tom, local(d, 15, 0), 60, &[StartTravel])
            .await;
        let traveling_early = w
            .store_visit(w.acme, w.uma, local(d, 9, 0), 60, &[StartTravel])
            .await;
        let in_progress = w
            .store_visit(
                w.acme,
                w.tom,
                local(d, 10, 0),
                60,
                &[StartTravel, StartWork],
            )
            .await;
        let scheduled_late = w
            .store_visit(w.acme, w.tom, local(wednesday(), 9, 0), 60, &[])
            .await;
        let scheduled_early = w.store_visit(w.acme, w.tom, local(d, 12, 0), 60, &[]).await;
        let completed_old = w
            .store_visit(
                w.acme,
                w.tom,
                local(Date::constant(2026, 6, 1), 9, 0),
                60,
                &[StartTravel, StartWork, Complete],
            )
            .await;
        let canceled_recent = w
            .store_visit(w.acme, w.uma, local(d, 13, 0), 60, &[Cancel])
            .await;
        // Another account's visits never show (Uma travels to one visit at a time: this one
        // waits its turn).
        w.store_visit(w.other, w.uma, local(d, 16, 0), 60, &[])
            .await;

        let home = booking::homepage(&w.app, w.ana.grant().unwrap(), now())
            .await
            .unwrap();
        let active = home.active.as_ref().expect("an active appointment");
        assert_eq!(active.id, traveling_early, "the earliest Traveling visit");
        assert!(active.live_map);
        let upcoming: Vec<(BookingId, BookingState, bool, bool)> = home
            .upcoming
            .iter()
            .map(|v| (v.id, v.state, v.may_modify, v.live_map))
            .collect();
        assert_eq!(
            upcoming,
            [
                (in_progress, BookingState::InProgress, false, false),
                (scheduled_early, BookingState::Scheduled, true, false),
                (traveling_late, BookingState::Traveling, false, true),
                (scheduled_late, BookingState::Scheduled, true, false),
            ]
        );
        assert_eq!(
            home.past
                .iter()
                .map(|v| (v.id, v.state))
                .collect::<Vec<_>>(),
            [
                (canceled_recent, BookingState::Canceled),
                (completed_old, BookingState::Completed),
            ]
        );
        assert_eq!(home.upcoming[1].technician_name, "Tom");
        assert_eq!(home.time_zone, toronto());
        // Staff have no homepage of their own.
        assert_eq!(w.staff.grant::<Customer>(), None);
    }
);
