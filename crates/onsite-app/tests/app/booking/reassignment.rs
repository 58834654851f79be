//! Reassignment in the background: a technician's time off or a lost skill or territory (as staff
//! give them on the workforce pages) moves their visits to another technician at the same time, or flags them for a new time when
//! nobody is free; a job left behind is run by the worker.

use super::*;

both_backends!(
    time_off_moves_the_visit_to_another_technician_at_the_same_time,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Tom");
        let untouched = w
            .book(&w.ana, local(wednesday(), 10, 0))
            .await
            .unwrap()
            .visit;
        let (_, change) = w
            .time_off(w.tom, (tuesday(), 0), (wednesday(), 0), "Dentist")
            .await
            .unwrap();
        let report = change.report().expect("ran right after the change");
        assert_eq!(report.reassigned, [(v.id, w.uma)]);
        assert_eq!(report.kept, [untouched.id]);
        assert!(report.flagged.is_empty());
        let moved = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), v.id)
            .await
            .unwrap();
        assert_eq!(
            (
                moved.technician_name.as_str(),
                moved.starts_at,
                moved.ends_at,
                moved.needs_new_time
            ),
            ("Uma", v.starts_at, v.ends_at, false)
        );
        let mut conn = w.conn().await;
        let history = bookings::transitions(&mut conn, v.id).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            last.note.as_deref(),
            Some("technician changed from Tom to Uma (time off)")
        );
        assert_eq!(last.actor, Some(w.staff.user_id));
        drop(conn);
        // Running again changes nothing.
        assert_eq!(
            reassign::run_pending_reassignments(&w.app, now())
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), untouched.id)
                .await
                .unwrap()
                .technician_name,
            "Tom"
        );
        // Only staff may do it, and the times must make sense.
        assert_eq!(w.ana.grant::<Staff>(), None);
        let err = w
            .time_off(w.tom, (tuesday(), 9), (tuesday(), 9), "")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, WorkforceError::Invalid(i) if (i.field, i.reason) == ("ends_at", "start-before-end")),
            "{err:?}"
        );
    }
);

both_backends!(
    nobody_free_flags_the_visit_and_asks_for_a_new_time,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        // Uma is busy then.
        w.store_visit(w.other, w.uma, local(tuesday(), 9, 30), 120, &[])
            .await;
        let (_, change) = w
            .time_off(w.tom, (tuesday(), 9), (tuesday(), 12), "")
            .await
            .unwrap();
        assert_eq!(change.report().unwrap().flagged, [v.id]);
        let flagged = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), v.id)
            .await
            .unwrap();
        assert!(flagged.needs_new_time);
        assert_eq!(
            (flagged.technician_name.as_str(), flagged.starts_at),
            ("Tom", v.starts_at)
        );
        let mut conn = w.conn().await;
        let waiting = onsite_store::visits::needing_attention(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            waiting.iter().map(|x| x.booking.id).collect::<Vec<_>>(),
            [v.id]
        );
        drop(conn);
        let asked: Vec<String> = sqlx::query_scalar(
            "SELECT event_key FROM email_outbox WHERE kind = 'booking-new-time'",
        )
        .fetch_all(&mut *w.conn().await)
        .await
        .unwrap();
        assert_eq!(asked.len(), 1);
        assert!(asked[0].starts_with(&format!("booking:{}:new-time:", v.id)));
        let email = w.email(&asked[0]).await.unwrap();
        assert_eq!(email.recipient.as_str(), "ana@example.com");
        assert!(
            email
                .text_body
                .contains(&format!("https://portal.example.com/bookings/{}", v.id))
        );

        // Another change to Tom runs the sweep again: still flagged, not asked twice.
        w.edit(w.tom, |t| t.territories.clear()).await.unwrap();
        assert_eq!(
            w.count("email_outbox WHERE kind = 'booking-new-time'")
                .await,
            1
        );

        // The customer picks a new time: the flag clears.
        let moved = booking::reschedule(
            &w.app,
            w.ana.grant().unwrap(),
            v.id,
            local(wednesday(), 10, 0),
            now(),
        )
        .await
        .unwrap();
        assert!(!moved.needs_new_time);
        assert_eq!(
            moved.technician_name, "Uma",
            "Tom serves no territory any more"
        );
    }
);

both_backends!(
    losing_a_skill_or_territory_reassigns_the_visits_it_affects,
    |db: TestDb| async move {
        let w = world(db).await;
        let first = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        let second = w.book(&w.ana, local(tuesday(), 13, 0)).await.unwrap().visit;
        assert_eq!(
            (
                first.technician_name.as_str(),
                second.technician_name.as_str()
            ),
            ("Tom", "Tom")
        );
        // Tom's HVAC rating drops below what furnaces need.
        let change = w
            .edit(w.tom, |t| t.skills = vec![(w.hvac, "2".into())])
            .await
            .unwrap();
        let mut moved = change.report().unwrap().reassigned;
        moved.sort();
        assert_eq!(moved, [(first.id, w.uma), (second.id, w.uma)]);
        // Uma loses the territory: nobody is left for those visits.
        let change = w.edit(w.uma, |t| t.territories.clear()).await.unwrap();
        let mut flagged = change.report().unwrap().flagged;
        flagged.sort();
        assert_eq!(flagged, [first.id, second.id]);
        let err = w
            .edit(w.tom, |t| {
                t.skills = vec![(CharacteristicId(999), "2".into())]
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, WorkforceError::Invalid(i) if (i.field, i.reason) == ("skills", "unknown")),
            "{err:?}"
        );
    }
);

both_backends!(
    a_job_left_behind_is_run_by_the_worker,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        // A change committed by a server that died before running its job.
        let mut conn = w.conn().await;
        technicians::add_time_off(
            &mut conn,
            w.tom,
            local(tuesday(), 0, 0),
            local(wednesday(), 0, 0),
            None,
        )
        .await
        .unwrap();
        onsite_store::reassignment::enqueue(
            &mut conn,
            w.tom,
            onsite_store::reassignment::ChangeReason::TimeOff,
            None,
            now(),
        )
        .await
        .unwrap();
        drop(conn);
        let stop = Arc::new(tokio::sync::Notify::new());
        let worker = {
            let app = w.app.clone();
            let stop = stop.clone();
            // The worker's clock reads the test's "now".
            tokio::spawn(reassign::reassignment_worker_with_clock(
                app,
                now,
                async move { stop.notified().await },
            ))
        };
        let mut moved = false;
        for _ in 0..100 {
            let visit = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), v.id)
                .await
                .unwrap();
            if visit.technician_name == "Uma" {
                moved = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        stop.notify_one();
        worker.await.unwrap();
        assert!(moved, "the worker reassigned the visit");
        let mut conn = w.conn().await;
        assert_eq!(
            onsite_store::reassignment::open_jobs(&mut conn)
                .await
                .unwrap(),
            0
        );
    }
);
