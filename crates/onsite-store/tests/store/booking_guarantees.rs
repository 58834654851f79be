//! The self-scheduling guarantees the database itself keeps, on both engines: no two open
//! visits of one technician overlap (canceled ones do not count), an idempotency key books
//! once, the technician lock serializes booking transactions, reassignment jobs are claimed
//! by one worker at a time, and visits read back with the names the portal shows.

use crate::fixtures::{self, point, t0};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::AccountKind;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, TechnicianId, WorkOrderId};
use onsite_store::bookings::{self, Handover, Move, NewBooking};
use onsite_store::reassignment::{self, ChangeReason};
use onsite_store::visibility::Visibility;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, Store, StoreError, visits};
use onsite_testkit::both_backends;

fn at(minutes: i64) -> Timestamp {
    t0() + SignedDuration::from_mins(minutes)
}

struct World {
    account: AccountId,
    service_type: ServiceTypeId,
    ana: TechnicianId,
    ben: TechnicianId,
    work_order: WorkOrderId,
}

async fn work_order(
    conn: &mut Conn,
    w_account: AccountId,
    st: ServiceTypeId,
    n: &str,
) -> WorkOrderId {
    work_orders::insert_work_order(
        conn,
        &NewWorkOrder {
            number: n,
            account_id: w_account,
            asset_id: None,
            service_type_id: st,
            agreement_id: None,
            status: WorkOrderStatus::Scheduled,
            summary: Some("Door code 1234"),
            expose_to_customer: true,
            created_at: t0(),
        },
    )
    .await
    .unwrap()
}

async fn world(conn: &mut Conn) -> World {
    let account = fixtures::account(conn, AccountKind::Customer, "Boulangerie").await;
    let service_type = fixtures::service_type(conn, "Furnace maintenance", &[]).await;
    let ana = fixtures::technician(conn, "Ana", None).await;
    let ben = fixtures::technician(conn, "Ben", None).await;
    let work_order = work_order(conn, account, service_type, "WO-1").await;
    World {
        account,
        service_type,
        ana,
        ben,
        work_order,
    }
}

/// A visit of `tech` over [from, to) minutes after t0.
fn visit<'a>(w: &World, tech: TechnicianId, uid: &'a str, from: i64, to: i64) -> NewBooking<'a> {
    NewBooking {
        work_order_id: w.work_order,
        technician_id: tech,
        starts_at: at(from),
        ends_at: at(to),
        location: point(45.52, -73.58),
        ics_uid: uid,
        idempotency_key: None,
        booked_by: None,
        booked_at: t0() - SignedDuration::from_hours(24),
    }
}

async fn open_count(conn: &mut Conn) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE state <> 'canceled'")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

both_backends!(
    the_database_refuses_overlapping_visits_of_one_technician,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let first = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "u1", 60, 120))
            .await
            .unwrap();
        // Inside, around, across either end: all refused by the database itself, whatever the
        // application checked or not.
        for (i, (from, to)) in [(60, 120), (70, 80), (30, 61), (119, 180), (0, 300)]
            .into_iter()
            .enumerate()
        {
            let uid = format!("overlap-{i}");
            let err = bookings::insert_booking(&mut conn, &visit(&w, w.ana, &uid, from, to))
                .await
                .unwrap_err();
            assert!(err.is_overlap(), "[{from}, {to}): {err:?}");
        }
        assert_eq!(open_count(&mut conn).await, 1, "nothing was written");
        // Touching ends are fine (half-open intervals), and another technician is free.
        bookings::insert_booking(&mut conn, &visit(&w, w.ana, "before", 0, 60))
            .await
            .unwrap();
        bookings::insert_booking(&mut conn, &visit(&w, w.ana, "after", 120, 150))
            .await
            .unwrap();
        bookings::insert_booking(&mut conn, &visit(&w, w.ben, "ben", 60, 120))
            .await
            .unwrap();
        assert_eq!(
            bookings::overlapping(&mut conn, w.ana, at(30), at(90), None)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            bookings::overlapping(&mut conn, w.ana, at(30), at(90), Some(first))
                .await
                .unwrap(),
            1,
            "the visit being moved does not block itself"
        );
        assert_eq!(
            bookings::overlapping(&mut conn, w.ana, at(150), at(200), None)
                .await
                .unwrap(),
            0
        );
    }
);

both_backends!(
    canceled_visits_do_not_block_their_time,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let first = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "u1", 60, 120))
            .await
            .unwrap();
        bookings::transition_booking_at(
            &mut conn,
            first,
            BookingAction::Cancel,
            None,
            Some("closed"),
            t0(),
        )
        .await
        .unwrap();
        let second = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "u2", 60, 120))
            .await
            .unwrap();
        // Another canceled visit over the same time may be recorded too (history imports).
        bookings::insert_booking_with_history(
            &mut conn,
            &visit(&w, w.ana, "u3", 90, 100),
            &[bookings::RecordedTransition {
                action: BookingAction::Cancel,
                at: t0(),
                actor: None,
                note: Some("moved"),
            }],
        )
        .await
        .unwrap();
        let open = bookings::open_bookings_between(&mut conn, at(0), at(600), Some(w.ana), None)
            .await
            .unwrap();
        assert_eq!(open.iter().map(|b| b.id).collect::<Vec<_>>(), [second]);
        // Moving through the states keeps the guarantee; canceling frees the time again.
        bookings::transition_booking_at(
            &mut conn,
            second,
            BookingAction::StartTravel,
            None,
            None,
            t0(),
        )
        .await
        .unwrap();
        assert!(
            bookings::insert_booking(&mut conn, &visit(&w, w.ana, "u4", 100, 130))
                .await
                .unwrap_err()
                .is_overlap()
        );
    }
);

both_backends!(
    moving_a_visit_onto_another_is_refused_by_the_database,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let a = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "a", 60, 120))
            .await
            .unwrap();
        let b = bookings::insert_booking(&mut conn, &visit(&w, w.ben, "b", 60, 120))
            .await
            .unwrap();
        // Rescheduling Ben's visit onto Ana at the same time: refused, nothing changes.
        let onto_ana = Move {
            id: b,
            expected_sequence: 0,
            technician_id: w.ana,
            starts_at: at(90),
            arrival_window_end: None,
            ends_at: at(150),
            at: t0(),
        };
        assert!(
            bookings::move_booking(&mut conn, &onto_ana)
                .await
                .unwrap_err()
                .is_overlap()
        );
        let unchanged = bookings::booking(&mut conn, b).await.unwrap();
        assert_eq!(
            (unchanged.technician_id, unchanged.ics_sequence),
            (w.ben, 0)
        );
        // A free time moves and bumps the calendar sequence; a stale sequence moves nothing.
        let later = Move {
            starts_at: at(120),
            ends_at: at(180),
            arrival_window_end: Some(at(130)),
            ..onto_ana
        };
        assert!(bookings::move_booking(&mut conn, &later).await.unwrap());
        let moved = bookings::booking(&mut conn, b).await.unwrap();
        assert_eq!(
            (
                moved.technician_id,
                moved.starts_at,
                moved.ics_sequence,
                moved.ics_uid.as_str()
            ),
            (w.ana, at(120), 1, "b")
        );
        assert!(
            !bookings::move_booking(&mut conn, &later).await.unwrap(),
            "sequence 0 is stale"
        );
        // Handing Ana's first visit to Ben: recorded in its history; a stale handover does nothing.
        let handover = Handover {
            id: a,
            from: w.ana,
            starts_at: at(60),
            to: w.ben,
            actor: None,
            note: "technician changed from Ana to Ben (time off)",
            at: t0(),
        };
        assert!(
            bookings::change_technician(&mut conn, &handover)
                .await
                .unwrap()
        );
        assert!(
            !bookings::change_technician(&mut conn, &handover)
                .await
                .unwrap()
        );
        let history = bookings::transitions(&mut conn, a).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            (last.from, last.to, last.note.as_deref()),
            (
                Some(BookingState::Scheduled),
                BookingState::Scheduled,
                Some("technician changed from Ana to Ben (time off)")
            )
        );
        // Ben takes Ana's 120–180 visit too (he is free then), then Ana gets a visit at
        // 130: handing the 120–180 one back to her now overlaps it.
        let back = Handover {
            id: b,
            from: w.ana,
            starts_at: at(120),
            to: w.ben,
            actor: None,
            note: "n",
            at: t0(),
        };
        assert!(bookings::change_technician(&mut conn, &back).await.unwrap());
        let clash = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "c", 130, 140))
            .await
            .unwrap();
        let onto_clash = Handover {
            id: b,
            from: w.ben,
            starts_at: at(120),
            to: w.ana,
            actor: None,
            note: "n",
            at: t0(),
        };
        assert!(
            bookings::change_technician(&mut conn, &onto_clash)
                .await
                .unwrap_err()
                .is_overlap(),
            "{clash:?} blocks it"
        );
    }
);

both_backends!(an_idempotency_key_books_once, |store: Store| async move {
    let mut conn = store.conn().await.unwrap();
    let w = world(&mut conn).await;
    let mut first = visit(&w, w.ana, "u1", 60, 120);
    first.idempotency_key = Some("7:form-abc");
    let id = bookings::insert_booking(&mut conn, &first).await.unwrap();
    let mut again = visit(&w, w.ben, "u2", 300, 360);
    again.idempotency_key = Some("7:form-abc");
    let err = bookings::insert_booking(&mut conn, &again)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { constraint } if constraint.contains("idempotency_key")),
        "{err:?}"
    );
    assert!(!err.is_overlap());
    let found = bookings::booking_by_idempotency_key(&mut conn, "7:form-abc")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, id);
    assert!(
        bookings::booking_by_idempotency_key(&mut conn, "7:other")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(open_count(&mut conn).await, 1);
});

both_backends!(
    the_technician_lock_holds_other_bookings_of_that_technician_until_commit,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        drop(conn);
        let mut first = store.begin().await.unwrap();
        bookings::lock_technician(&mut first, w.ana).await.unwrap();
        let second = {
            let store = store.clone();
            let ana = w.ana;
            tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                bookings::lock_technician(&mut tx, ana).await.unwrap();
                let seen = bookings::overlapping(&mut tx, ana, at(0), at(600), None)
                    .await
                    .unwrap();
                tx.rollback().await.unwrap();
                seen
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !second.is_finished(),
            "the second booking waits for the lock"
        );
        bookings::insert_booking(&mut first, &visit(&w, w.ana, "u1", 60, 120))
            .await
            .unwrap();
        first.commit().await.unwrap();
        assert_eq!(
            second.await.unwrap(),
            1,
            "and then sees the first one's visit"
        );
    }
);

both_backends!(
    reassignment_jobs_are_claimed_by_one_worker_at_a_time,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let lease = SignedDuration::from_mins(10);
        let job = reassignment::enqueue(&mut conn, w.ana, ChangeReason::TimeOff, None, t0())
            .await
            .unwrap();
        assert!(
            reassignment::claim_next(&mut conn, t0() - SignedDuration::from_secs(1), lease)
                .await
                .unwrap()
                .is_none(),
            "not due before it was queued"
        );
        let claimed = reassignment::claim_next(&mut conn, t0(), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                claimed.id,
                claimed.technician_id,
                claimed.reason,
                claimed.attempts
            ),
            (job, w.ana, ChangeReason::TimeOff, 1)
        );
        assert!(
            reassignment::claim_next(&mut conn, t0(), lease)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            reassignment::claim(&mut conn, job, t0(), lease)
                .await
                .unwrap()
                .is_none()
        );
        // The lease expires: another worker takes it; the first can no longer record anything.
        let later = t0() + SignedDuration::from_mins(11);
        let again = reassignment::claim_next(&mut conn, later, lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.attempts), (job, 2));
        assert!(
            !reassignment::mark_done(&mut conn, &claimed, later, "{}")
                .await
                .unwrap()
        );
        assert!(
            reassignment::mark_failed(
                &mut conn,
                &again,
                "db down",
                later + SignedDuration::from_mins(2)
            )
            .await
            .unwrap()
        );
        assert!(
            reassignment::claim_next(&mut conn, later, lease)
                .await
                .unwrap()
                .is_none()
        );
        let retry = later + SignedDuration::from_mins(2);
        let third = reassignment::claim(&mut conn, job, retry, lease)
            .await
            .unwrap()
            .unwrap();
        let pending = reassignment::jobs(&mut conn, &[job]).await.unwrap();
        assert_eq!(
            (pending[0].done, pending[0].report.as_deref()),
            (false, None)
        );
        assert!(
            reassignment::mark_done(&mut conn, &third, retry, r#"{"kept":[4]}"#)
                .await
                .unwrap()
        );
        assert_eq!(reassignment::open_jobs(&mut conn).await.unwrap(), 0);
        // The page of the change reads what the run did.
        let done = reassignment::jobs(&mut conn, &[job, reassignment::JobId(999)])
            .await
            .unwrap();
        assert_eq!(done.len(), 1, "unknown jobs are left out");
        assert_eq!(
            (done[0].technician_id, done[0].reason, done[0].done),
            (w.ana, ChangeReason::TimeOff, true)
        );
        assert_eq!(done[0].report.as_deref(), Some(r#"{"kept":[4]}"#));
        assert!(
            reassignment::claim_next(&mut conn, retry + lease, lease)
                .await
                .unwrap()
                .is_none()
        );
        // Changed hours are a reason of their own.
        let hours = reassignment::enqueue(&mut conn, w.ana, ChangeReason::WorkingHours, None, t0())
            .await
            .unwrap();
        let state = reassignment::jobs(&mut conn, &[hours]).await.unwrap();
        assert_eq!(state[0].reason, ChangeReason::WorkingHours);
    }
);

both_backends!(
    visits_read_back_with_their_names_and_flags,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let other_account = fixtures::account(&mut conn, AccountKind::Customer, "Other").await;
        let other_wo = work_order(&mut conn, other_account, w.service_type, "WO-2").await;
        let mine = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "u1", 60, 120))
            .await
            .unwrap();
        let mut theirs = visit(&w, w.ben, "u2", 60, 120);
        theirs.work_order_id = other_wo;
        let theirs = bookings::insert_booking(&mut conn, &theirs).await.unwrap();
        bookings::set_arrival_window_end(&mut conn, mine, Some(at(90)))
            .await
            .unwrap();

        let listed = visits::visits_of_account(&mut conn, w.account)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "another account's visit is not listed");
        let v = &listed[0];
        assert_eq!(v.booking.id, mine);
        assert_eq!(
            (
                v.service_type.as_str(),
                v.technician_name.as_str(),
                v.records(Visibility::All).work_order_number.unwrap(),
                v.records(Visibility::All).comments,
                v.arrival_window_end,
                v.needs_new_time,
            ),
            (
                "Furnace maintenance",
                "Ana",
                "WO-1",
                Some("Door code 1234"),
                Some(at(90)),
                false
            )
        );
        assert_eq!(
            visits::visit(&mut conn, theirs).await.unwrap().account_id,
            other_account
        );
        assert!(matches!(
            visits::visit(&mut conn, BookingId(9999)).await,
            Err(StoreError::NotFound)
        ));

        // Flagged once, listed for the dispatchers, then resolved.
        assert!(
            reassignment::flag(&mut conn, mine, "time_off", t0())
                .await
                .unwrap()
        );
        assert!(
            !reassignment::flag(&mut conn, mine, "time_off", t0())
                .await
                .unwrap()
        );
        assert!(visits::visit(&mut conn, mine).await.unwrap().needs_new_time);
        let waiting = visits::needing_attention(&mut conn).await.unwrap();
        assert_eq!(
            waiting.iter().map(|v| v.booking.id).collect::<Vec<_>>(),
            [mine]
        );
        // Among the flagged visits of a period when it overlaps it, not otherwise.
        assert_eq!(
            reassignment::flagged_between(&mut conn, at(0), at(61))
                .await
                .unwrap(),
            [mine]
        );
        assert!(
            reassignment::flagged_between(&mut conn, at(120), at(180))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(reassignment::resolve(&mut conn, mine, t0()).await.unwrap());
        assert!(!reassignment::resolve(&mut conn, mine, t0()).await.unwrap());
        assert!(
            reassignment::flagged_between(&mut conn, at(0), at(61))
                .await
                .unwrap()
                .is_empty(),
            "no longer once resolved"
        );
        assert!(!visits::visit(&mut conn, mine).await.unwrap().needs_new_time);
        assert!(
            reassignment::flag(&mut conn, mine, "skills", t0())
                .await
                .unwrap(),
            "flagged anew"
        );

        // Work orders are numbered from their id, skipping a number an import already holds.
        let next = work_order(&mut conn, w.account, w.service_type, "new:x").await;
        let clash = format!("WO-{:06}", next.0);
        sqlx::query("UPDATE work_orders SET number = $1 WHERE id = $2")
            .bind(&clash)
            .bind(w.work_order.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        let number = visits::number_work_order(&mut conn, next).await.unwrap();
        assert_eq!(number, format!("{clash}-2"));
        assert_eq!(
            work_orders::work_order(&mut conn, next)
                .await
                .unwrap()
                .number,
            number
        );
    }
);

both_backends!(
    scheduled_visits_of_a_technician_from_a_time,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let past = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "p", 0, 30))
            .await
            .unwrap();
        let soon = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "s", 60, 90))
            .await
            .unwrap();
        let later = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "l", 200, 230))
            .await
            .unwrap();
        let traveling = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "t", 100, 130))
            .await
            .unwrap();
        bookings::transition_booking_at(
            &mut conn,
            traveling,
            BookingAction::StartTravel,
            None,
            None,
            t0(),
        )
        .await
        .unwrap();
        bookings::insert_booking(&mut conn, &visit(&w, w.ben, "b", 60, 90))
            .await
            .unwrap();
        let from = bookings::scheduled_of_technician_from(&mut conn, w.ana, at(45))
            .await
            .unwrap();
        assert_eq!(from.iter().map(|b| b.id).collect::<Vec<_>>(), [soon, later]);
        let all = bookings::open_bookings_between(&mut conn, at(0), at(300), None, Some(later))
            .await
            .unwrap();
        let order: Vec<(TechnicianId, Timestamp)> =
            all.iter().map(|b| (b.technician_id, b.starts_at)).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "by technician then start");
        assert_eq!(all.len(), 4);
        assert!(all.iter().all(|b| b.id != later) && all.iter().any(|b| b.id == past));
        let bens = bookings::open_bookings_of(&mut conn, &[w.ben], at(0), at(300), None)
            .await
            .unwrap();
        assert_eq!(bens.len(), 1);
        assert_eq!(bens[0].technician_id, w.ben);
        let both =
            bookings::open_bookings_of(&mut conn, &[w.ben, w.ana], at(0), at(300), Some(past))
                .await
                .unwrap();
        assert_eq!(both.len(), 4, "Ana's three others and Ben's");
        assert!(
            bookings::open_bookings_of(&mut conn, &[], at(0), at(300), None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    a_visit_lasts_at_most_a_day_and_long_ones_are_still_found,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        // A day and a minute: refused by the database, nothing written.
        let err = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "long", 0, 24 * 60 + 1))
            .await
            .unwrap_err();
        assert!(!err.is_overlap(), "{err:?}");
        assert_eq!(open_count(&mut conn).await, 0);
        // Nor may a move stretch one past a day.
        let day = bookings::insert_booking(&mut conn, &visit(&w, w.ana, "day", 0, 24 * 60))
            .await
            .unwrap();
        let stretched = sqlx::query("UPDATE bookings SET ends_at = ends_at + 60000 WHERE id = $1")
            .bind(day.0)
            .execute(&mut *conn)
            .await;
        assert!(stretched.is_err(), "a 24 h 1 min visit must be refused");
        // The longest visit, started almost a day before a window, is still found in it (the
        // reads bound their index range by the longest visit), and still blocks an overlap.
        let late = (at(23 * 60 + 30), at(23 * 60 + 50));
        let found = bookings::open_bookings_of(&mut conn, &[w.ana], late.0, late.1, None)
            .await
            .unwrap();
        assert_eq!(found.iter().map(|b| b.id).collect::<Vec<_>>(), vec![day]);
        let between = bookings::open_bookings_between(&mut conn, late.0, late.1, Some(w.ana), None)
            .await
            .unwrap();
        assert_eq!(between.len(), 1);
        let mine = bookings::bookings_of_technician(&mut conn, w.ana, late.0, late.1)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(
            bookings::overlapping(&mut conn, w.ana, late.0, late.1, None)
                .await
                .unwrap(),
            1
        );
        let err = bookings::insert_booking(
            &mut conn,
            &visit(&w, w.ana, "inside", 23 * 60 + 30, 23 * 60 + 50),
        )
        .await
        .unwrap_err();
        assert!(err.is_overlap(), "{err:?}");
        // Right after it ends, the technician is free.
        bookings::insert_booking(&mut conn, &visit(&w, w.ana, "after", 24 * 60, 24 * 60 + 30))
            .await
            .unwrap();
    }
);
