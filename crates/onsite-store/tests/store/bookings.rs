//! Bookings: creation records the first transition, every later state change goes through the
//! domain's state machine and is recorded; illegal moves write nothing.

use crate::fixtures::{self, corrupt_number, point, t0};
use jiff::SignedDuration;
use onsite_domain::account::AccountKind;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::text::EmailAddress;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, TechnicianId, UserId, WorkOrderId};
use onsite_store::bookings::{
    self, BookingTransition, NewBooking, RecordedTransition, TransitionError,
};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, Store, StoreError};
use onsite_testkit::both_backends;

struct World {
    account: AccountId,
    other_account: AccountId,
    technician: TechnicianId,
    other_technician: TechnicianId,
    work_order: WorkOrderId,
    other_work_order: WorkOrderId,
    dispatcher: UserId,
}

fn minutes(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

async fn world(conn: &mut Conn) -> World {
    let account = fixtures::account(conn, AccountKind::Customer, "Boulangerie").await;
    let other_account = fixtures::account(conn, AccountKind::Customer, "Other").await;
    let st = fixtures::service_type(conn, "Furnace maintenance", &[]).await;
    let mut techs = Vec::new();
    for name in ["Ana", "Ben"] {
        techs.push(fixtures::technician(conn, name, None).await);
    }
    let mut wos = Vec::new();
    for (number, acc) in [("WO-1", account), ("WO-2", other_account)] {
        let id = work_orders::insert_work_order(
            conn,
            &NewWorkOrder {
                number,
                account_id: acc,
                asset_id: None,
                service_type_id: st,
                agreement_id: None,
                status: WorkOrderStatus::Scheduled,
                summary: None,
                expose_to_customer: true,
                created_at: t0(),
            },
        )
        .await
        .unwrap();
        wos.push(id);
    }
    let email = EmailAddress::parse("dispatch@example.com").unwrap();
    let dispatcher = fixtures::user(conn, email.as_str(), "D", None, &[]).await;
    World {
        account,
        other_account,
        technician: techs[0],
        other_technician: techs[1],
        work_order: wos[0],
        other_work_order: wos[1],
        dispatcher,
    }
}

fn new_booking<'a>(w: &World, uid: &'a str, start_min: i64, len_min: i64) -> NewBooking<'a> {
    NewBooking {
        work_order_id: w.work_order,
        technician_id: w.technician,
        starts_at: t0() + minutes(start_min),
        ends_at: t0() + minutes(start_min + len_min),
        location: point(45.52, -73.58),
        ics_uid: uid,
        idempotency_key: None,
        booked_by: Some(w.dispatcher),
        booked_at: t0() - minutes(600),
    }
}

async fn transition_count(conn: &mut Conn, id: BookingId) -> usize {
    bookings::transitions(conn, id).await.unwrap().len()
}

both_backends!(
    a_visit_moves_through_its_states_and_each_step_is_recorded,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let id = bookings::insert_booking(&mut conn, &new_booking(&w, "uid-1@onsite", 60, 90))
            .await
            .unwrap();
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!(
            (b.state, b.ics_sequence, b.cancel_reason.clone()),
            (BookingState::Scheduled, 0, None)
        );
        assert_eq!(
            (b.starts_at, b.ends_at, b.location),
            (
                t0() + minutes(60),
                t0() + minutes(150),
                point(45.52, -73.58)
            )
        );
        assert_eq!(
            bookings::transitions(&mut conn, id).await.unwrap(),
            [BookingTransition {
                from: None,
                to: BookingState::Scheduled,
                actor: Some(w.dispatcher),
                at: t0() - minutes(600),
                note: None
            }]
        );

        let tech = Some(w.dispatcher);
        let steps = [
            (BookingAction::StartTravel, BookingState::Traveling, 40),
            (BookingAction::StartWork, BookingState::InProgress, 62),
            (BookingAction::Complete, BookingState::Completed, 150),
        ];
        for (action, expected, at) in steps {
            let note = (action == BookingAction::Complete).then_some("Replaced the filter");
            let state = bookings::transition_booking_at(
                &mut conn,
                id,
                action,
                tech,
                note,
                t0() + minutes(at),
            )
            .await
            .unwrap();
            assert_eq!(state, expected);
        }
        let history = bookings::transitions(&mut conn, id).await.unwrap();
        assert_eq!(
            history.iter().map(|t| (t.from, t.to)).collect::<Vec<_>>(),
            [
                (None, BookingState::Scheduled),
                (Some(BookingState::Scheduled), BookingState::Traveling),
                (Some(BookingState::Traveling), BookingState::InProgress),
                (Some(BookingState::InProgress), BookingState::Completed),
            ]
        );
        assert_eq!(history[3].note.as_deref(), Some("Replaced the filter"));
        assert_eq!(history[3].at, t0() + minutes(150));
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!((b.state, b.cancel_reason), (BookingState::Completed, None));
    }
);

both_backends!(
    illegal_transitions_are_refused_and_write_nothing,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let id = bookings::insert_booking(&mut conn, &new_booking(&w, "uid-2@onsite", 60, 60))
            .await
            .unwrap();
        for action in [BookingAction::StartWork, BookingAction::Complete] {
            let err = bookings::transition_booking(&mut conn, id, action, None, None)
                .await
                .unwrap_err();
            match err {
                TransitionError::Illegal(e) => {
                    assert_eq!((e.from, e.action), (BookingState::Scheduled, action))
                }
                other => panic!("expected an illegal transition, got {other:?}"),
            }
        }
        assert_eq!(
            bookings::booking(&mut conn, id).await.unwrap().state,
            BookingState::Scheduled
        );
        assert_eq!(transition_count(&mut conn, id).await, 1);

        // Canceling records the reason and bumps the calendar sequence; a canceled visit is final.
        let state = bookings::transition_booking(
            &mut conn,
            id,
            BookingAction::Cancel,
            Some(w.dispatcher),
            Some("Closed that day"),
        )
        .await
        .unwrap();
        assert_eq!(state, BookingState::Canceled);
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!(
            (b.cancel_reason.as_deref(), b.ics_sequence),
            (Some("Closed that day"), 1)
        );
        for action in [
            BookingAction::StartTravel,
            BookingAction::Cancel,
            BookingAction::Complete,
        ] {
            assert!(matches!(
                bookings::transition_booking(&mut conn, id, action, None, None).await,
                Err(TransitionError::Illegal(_))
            ));
        }
        assert_eq!(transition_count(&mut conn, id).await, 2);

        // An in-progress visit cannot be canceled.
        let id = bookings::insert_booking(&mut conn, &new_booking(&w, "uid-3@onsite", 200, 60))
            .await
            .unwrap();
        bookings::transition_booking(&mut conn, id, BookingAction::StartTravel, None, None)
            .await
            .unwrap();
        bookings::transition_booking(&mut conn, id, BookingAction::StartWork, None, None)
            .await
            .unwrap();
        assert!(matches!(
            bookings::transition_booking(
                &mut conn,
                id,
                BookingAction::Cancel,
                None,
                Some("too late")
            )
            .await,
            Err(TransitionError::Illegal(_))
        ));
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!((b.state, b.cancel_reason), (BookingState::InProgress, None));

        assert!(matches!(
            bookings::transition_booking(
                &mut conn,
                BookingId(999),
                BookingAction::Cancel,
                None,
                None
            )
            .await,
            Err(TransitionError::Store(StoreError::NotFound))
        ));
    }
);

both_backends!(
    history_is_checked_before_anything_is_written,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let at = |m| t0() + minutes(m);
        let step = |action, m| RecordedTransition {
            action,
            at: at(m),
            actor: None,
            note: None,
        };
        let completed = [
            step(BookingAction::StartTravel, 45),
            step(BookingAction::StartWork, 60),
            RecordedTransition {
                note: Some("Done"),
                ..step(BookingAction::Complete, 120)
            },
        ];
        let id = bookings::insert_booking_with_history(
            &mut conn,
            &new_booking(&w, "h-1", 60, 60),
            &completed,
        )
        .await
        .unwrap();
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!(b.state, BookingState::Completed);
        let history = bookings::transitions(&mut conn, id).await.unwrap();
        assert_eq!(history.len(), 4);
        assert_eq!(
            (history[0].from, history[0].actor),
            (None, Some(w.dispatcher))
        );
        assert_eq!(
            (history[3].to, history[3].note.as_deref(), history[3].at),
            (BookingState::Completed, Some("Done"), at(120))
        );

        let canceled = [RecordedTransition {
            note: Some("Customer away"),
            ..step(BookingAction::Cancel, -30)
        }];
        let id = bookings::insert_booking_with_history(
            &mut conn,
            &new_booking(&w, "h-2", 200, 60),
            &canceled,
        )
        .await
        .unwrap();
        let b = bookings::booking(&mut conn, id).await.unwrap();
        assert_eq!(
            (b.state, b.cancel_reason.as_deref(), b.ics_sequence),
            (BookingState::Canceled, Some("Customer away"), 1)
        );

        let count = || async {
            let mut c = store.conn().await.unwrap();
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM bookings")
                .fetch_one(&mut *c)
                .await
                .unwrap()
        };
        let before = count().await;
        let illegal = [step(BookingAction::StartWork, 60)];
        let err = bookings::insert_booking_with_history(
            &mut conn,
            &new_booking(&w, "h-3", 300, 60),
            &illegal,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, TransitionError::Illegal(_)), "{err:?}");
        let backwards = [
            step(BookingAction::StartTravel, 60),
            step(BookingAction::StartWork, 50),
        ];
        let err = bookings::insert_booking_with_history(
            &mut conn,
            &new_booking(&w, "h-4", 300, 60),
            &backwards,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, TransitionError::OutOfOrder), "{err:?}");
        assert_eq!(count().await, before);
    }
);

both_backends!(
    bookings_are_listed_by_technician_time_range_and_by_account,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        // Ana: 09:00–10:00, 10:30–12:00 and the next day; Ben one visit for the other account.
        let a1 = bookings::insert_booking(&mut conn, &new_booking(&w, "l-1", 0, 60))
            .await
            .unwrap();
        let a2 = bookings::insert_booking(&mut conn, &new_booking(&w, "l-2", 90, 90))
            .await
            .unwrap();
        let a3 = bookings::insert_booking(&mut conn, &new_booking(&w, "l-3", 24 * 60, 60))
            .await
            .unwrap();
        let b1 = bookings::insert_booking(
            &mut conn,
            &NewBooking {
                technician_id: w.other_technician,
                work_order_id: w.other_work_order,
                ..new_booking(&w, "l-4", 0, 60)
            },
        )
        .await
        .unwrap();

        let ids = |v: Vec<onsite_domain::booking::Booking>| {
            v.into_iter().map(|b| b.id).collect::<Vec<_>>()
        };
        let day = bookings::bookings_of_technician(
            &mut conn,
            w.technician,
            t0(),
            t0() + minutes(12 * 60),
        )
        .await
        .unwrap();
        assert_eq!(ids(day), [a1, a2]);
        // Touching the range's edges is not overlapping it.
        let edge = bookings::bookings_of_technician(
            &mut conn,
            w.technician,
            t0() + minutes(60),
            t0() + minutes(90),
        )
        .await
        .unwrap();
        assert!(edge.is_empty());
        let inside = bookings::bookings_of_technician(
            &mut conn,
            w.technician,
            t0() + minutes(100),
            t0() + minutes(101),
        )
        .await
        .unwrap();
        assert_eq!(ids(inside), [a2]);
        let all = bookings::bookings_of_technician(
            &mut conn,
            w.technician,
            t0() - minutes(1),
            t0() + minutes(3000),
        )
        .await
        .unwrap();
        assert_eq!(ids(all), [a1, a2, a3]);

        assert_eq!(
            ids(bookings::bookings_of_account(&mut conn, w.account)
                .await
                .unwrap()),
            [a1, a2, a3]
        );
        assert_eq!(
            ids(bookings::bookings_of_account(&mut conn, w.other_account)
                .await
                .unwrap()),
            [b1]
        );
        assert_eq!(
            ids(
                bookings::bookings_of_work_order(&mut conn, w.other_work_order)
                    .await
                    .unwrap()
            ),
            [b1]
        );
    }
);

both_backends!(
    a_repeated_submission_is_a_conflict,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let first = NewBooking {
            idempotency_key: Some("form-7f3a"),
            ..new_booking(&w, "i-1", 0, 60)
        };
        bookings::insert_booking(&mut conn, &first).await.unwrap();
        let again = NewBooking {
            idempotency_key: Some("form-7f3a"),
            ..new_booking(&w, "i-2", 0, 60)
        };
        assert!(
            bookings::insert_booking(&mut conn, &again)
                .await
                .unwrap_err()
                .is_conflict()
        );
    }
);

both_backends!(
    a_corrupt_booking_reads_as_corrupt,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let id = bookings::insert_booking(&mut conn, &new_booking(&w, "c-1", 0, 60))
            .await
            .unwrap();
        corrupt_number(&mut conn, "bookings", "latitude", 123.0, id.0).await;
        assert!(matches!(
            bookings::booking(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            bookings::bookings_of_account(&mut conn, w.account).await,
            Err(StoreError::Corrupt(_))
        ));
        corrupt_number(&mut conn, "bookings", "latitude", 45.5, id.0).await;
        sqlx::query("UPDATE booking_transitions SET to_state = 'teleported' WHERE booking_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        assert!(matches!(
            bookings::transitions(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);
