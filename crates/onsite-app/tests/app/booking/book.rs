//! Booking a visit: in one transaction with its email and calendar invitation, bad times
//! refused with the reason, nothing left behind by a failure, one booking per idempotency key,
//! every refusal worded in every language, the race for the last free technician, and roster
//! changes made outside the app seen by the next search.

use super::*;

both_backends!(
    customer_books_a_visit_in_one_transaction,
    |db: TestDb| async move {
        let w = world(db).await;
        let days = booking::available_days(
            &w.app,
            w.ana.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            wednesday(),
            now(),
        )
        .await
        .unwrap();
        assert!(days.served);
        assert_eq!(
            days.days
                .iter()
                .map(|d| (d.date, d.available))
                .collect::<Vec<_>>(),
            [(tuesday(), true), (wednesday(), true)]
        );
        let slots = booking::slots(
            &w.app,
            w.ana.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        let first = slots.slots.first().expect("Tuesday has slots").start;
        assert_eq!(first, local(tuesday(), 8, 0), "Tom lives next door: 08:00");
        assert_eq!(slots.slots.last().unwrap().start, local(tuesday(), 16, 0));

        let booked = w.book(&w.ana, first).await.unwrap();
        assert!(!booked.replayed);
        let v = &booked.visit;
        assert_eq!(
            (
                v.state,
                v.starts_at,
                v.ends_at,
                v.technician_name.as_str(),
                v.may_modify
            ),
            (
                BookingState::Scheduled,
                first,
                first + SignedDuration::from_mins(60),
                "Tom",
                true
            )
        );
        assert_eq!(v.service_type, "Furnace maintenance");
        assert_eq!(v.comments.as_deref(), Some("Door code 1234"));
        assert_eq!(v.address, "4301 Rue Saint-Denis, Montréal H2J 2K9");
        assert!(
            v.work_order_number.as_deref().unwrap().starts_with("WO-"),
            "{:?}",
            v.work_order_number
        );

        // The work order, the booking, its first transition, the audit event and the email.
        let mut conn = w.conn().await;
        let wo = work_orders::work_order(&mut conn, v.work_order_id)
            .await
            .unwrap();
        assert_eq!(
            (
                wo.account_id,
                wo.service_type_id,
                wo.status,
                wo.summary.as_deref(),
                wo.number.as_str()
            ),
            (
                w.acme,
                w.st,
                WorkOrderStatus::Scheduled,
                Some("Door code 1234"),
                v.work_order_number.as_deref().unwrap()
            )
        );
        let history = bookings::transitions(&mut conn, v.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            (
                history[0].from,
                history[0].to,
                history[0].actor,
                history[0].at
            ),
            (None, BookingState::Scheduled, Some(w.ana.user_id), now())
        );
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'booking.create' AND entity_id = $1",
        )
        .bind(v.id.0)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(audited, 1);
        drop(conn);
        let email = w
            .email(&format!("booking:{}:confirmed", v.id))
            .await
            .expect("confirmation queued");
        assert_eq!(email.recipient.as_str(), "ana@example.com");
        assert_eq!(email.kind, "booking-confirmed");
        assert!(
            email.text_body.contains("Arrival: 8:00 AM"),
            "{}",
            email.text_body
        );
        assert!(
            email
                .text_body
                .contains(&format!("https://portal.example.com/bookings/{}", v.id))
        );
        let cal = calendar(&email);
        assert_eq!(prop(&cal, "METHOD"), "REQUEST");
        assert_eq!(prop(&cal, "UID"), v.ics_uid);
        assert!(v.ics_uid.ends_with("@portal.example.com"), "{}", v.ics_uid);
        assert_eq!(prop(&cal, "SEQUENCE"), "0");
        assert_eq!(prop(&cal, "DTSTART"), utc(first));
        assert_eq!(prop(&cal, "DTEND"), utc(v.ends_at));

        // The slot is gone for everyone; the next customer gets Uma at 08:30 at the earliest.
        let after = booking::slots(
            &w.app,
            w.bob.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        assert_eq!(after.slots.first().unwrap().start, local(tuesday(), 8, 30));
        let second = w.book(&w.bob, local(tuesday(), 8, 30)).await.unwrap();
        assert_eq!(second.visit.technician_name, "Uma");
        assert_ne!(second.visit.work_order_number, v.work_order_number);
    }
);

both_backends!(
    bad_times_are_refused_with_the_reason,
    |db: TestDb| async move {
        let w = world(db).await;
        let err = w
            .book(&w.ana, local(Date::constant(2026, 6, 8), 7, 0))
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::InvalidSlot(_)), "{err:?}");
        assert_eq!(err.message_id(), "booking-too-soon");
        let err = w
            .book(&w.ana, local(Date::constant(2026, 9, 1), 9, 0))
            .await
            .unwrap_err();
        assert_eq!(err.message_id(), "booking-outside-horizon");
        let err = w.book(&w.ana, local(tuesday(), 9, 10)).await.unwrap_err();
        assert_eq!(err.message_id(), "booking-not-a-slot");
        let err = w.book(&w.ana, local(tuesday(), 20, 0)).await.unwrap_err();
        assert_eq!(
            err.message_id(),
            "booking-slot-taken",
            "nobody works at 20:00"
        );
        let long = "x".repeat(booking::COMMENTS_MAX + 1);
        let err = booking::book(
            &w.app,
            w.ana.grant().unwrap(),
            BookRequest {
                service: w.furnace(),
                slot_start: local(tuesday(), 9, 0),
                comments: &long,
                idempotency_key: None,
            },
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.message_id(), "booking-comments-too-long");
        // Another account's asset, an unknown service type: not found.
        let unknown = ServiceRequest::new(ServiceTypeId(999), None);
        let err = booking::slots(&w.app, w.ana.grant().unwrap(), &unknown, tuesday(), now())
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::NotFound));
        let mut theirs = w.furnace();
        theirs.account = Some(w.other);
        let err = booking::slots(&w.app, w.ana.grant().unwrap(), &theirs, tuesday(), now())
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::NotFound));
        assert_eq!(w.count("bookings").await, 0);
        assert_eq!(w.count("work_orders").await, 0);
        assert_eq!(w.count("email_outbox").await, 0);
    }
);

both_backends!(
    a_failure_after_the_insert_leaves_nothing,
    |db: TestDb| async move {
        let w = world(db).await;
        // Make the last write of the transaction (queuing the email) fail.
        refuse_inserts(&w.app.store, "email_outbox", "1 = 1").await;
        let err = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap_err();
        assert!(err.is_internal(), "{err:?}");
        assert_eq!(err.message_id(), "error-internal");
        for table in [
            "work_orders",
            "bookings",
            "booking_transitions",
            "audit_events",
            "email_outbox",
        ] {
            assert_eq!(w.count(table).await, 0, "{table}");
        }
        // The technician's lock went with the transaction: the time is still bookable.
        allow_inserts(&w.app.store, "email_outbox").await;
        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap();
        assert_eq!(booked.visit.technician_name, "Tom");
    }
);

both_backends!(
    the_same_idempotency_key_books_once,
    |db: TestDb| async move {
        let w = world(db).await;
        let request = |key| BookRequest {
            service: w.furnace(),
            slot_start: local(tuesday(), 9, 0),
            comments: "",
            idempotency_key: Some(key),
        };
        let first = booking::book(&w.app, w.ana.grant().unwrap(), request("form-1"), now())
            .await
            .unwrap();
        let again = booking::book(&w.app, w.ana.grant().unwrap(), request("form-1"), now())
            .await
            .unwrap();
        assert!(again.replayed && !first.replayed);
        assert_eq!(again.visit.id, first.visit.id);
        // A double click: both submissions at once.
        let (a, b) = tokio::join!(
            booking::book(&w.app, w.ana.grant().unwrap(), request("form-2"), now()),
            booking::book(&w.app, w.ana.grant().unwrap(), request("form-2"), now()),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.visit.id, b.visit.id);
        assert!(a.replayed != b.replayed, "exactly one booked");
        assert_ne!(
            a.visit.id, first.visit.id,
            "another form is another booking"
        );
        assert_eq!(w.count("bookings").await, 2);
        assert_eq!(w.count("work_orders").await, 2);
        assert_eq!(w.count("email_outbox").await, 2);
        // Keys belong to the person: Bob's "form-1" is his own.
        let bobs = booking::book(
            &w.app,
            w.bob.grant().unwrap(),
            BookRequest {
                slot_start: local(tuesday(), 11, 0),
                ..request("form-1")
            },
            now(),
        )
        .await
        .unwrap();
        assert!(!bobs.replayed);
        assert_eq!(w.count("bookings").await, 3);
    }
);

#[test]
fn every_booking_message_exists_in_every_language() {
    use onsite_domain::InvalidInput;
    use onsite_schedule::Unavailable;
    let errors = [
        BookingError::NotFound,
        BookingError::NotAllowed,
        BookingError::Disabled,
        BookingError::InvalidSlot(Unavailable::TooSoon),
        BookingError::InvalidSlot(Unavailable::OutsideHorizon),
        BookingError::InvalidSlot(Unavailable::NotASlot),
        BookingError::SlotTaken,
        BookingError::NotModifiable(BookingState::Traveling),
        BookingError::Changed,
        BookingError::Invalid(InvalidInput::new("reason", "required")),
        BookingError::Invalid(InvalidInput::new("reason", "too-long")),
        BookingError::Invalid(InvalidInput::new("comments", "too-long")),
        BookingError::Invalid(InvalidInput::new("note", "too-long")),
        BookingError::Invalid(InvalidInput::new("account", "required")),
        BookingError::Invalid(InvalidInput::new("ends_at", "before-start")),
        BookingError::Invalid(InvalidInput::new("skills", "unknown")),
        BookingError::Invalid(InvalidInput::new("idempotency_key", "too-long")),
    ];
    for &locale in SUPPORTED {
        for e in &errors {
            let id = e.message_id();
            let text = locale.text(id);
            assert!(
                !text.contains("Unknown localization") && text != id,
                "{}: {id}",
                locale.tag()
            );
        }
    }
}

/// 20 rounds × 100 customers booking the last free technician at the same instant: exactly one
/// wins each round, nobody gets a server error, and no two visits of the technician overlap.
async fn race(db: TestDb) {
    race_with(db, true).await;
}

/// The same race with group commit off (`database.group_commit = false`: each booking its own
/// transaction, on SQLite too).
async fn race_without_group_commit(db: TestDb) {
    race_with(db, false).await;
}

async fn race_with(db: TestDb, group_commit: bool) {
    let mut w = world(db).await;
    w.app.store = w.app.store.with_group_commit(group_commit);
    // Uma is away for the week: Tom is the last free technician.
    let mut conn = w.conn().await;
    technicians::add_time_off(
        &mut conn,
        w.uma,
        now(),
        now() + SignedDuration::from_hours(24 * 7),
        None,
    )
    .await
    .unwrap();
    let mut people = Vec::new();
    for i in 0..100 {
        let account = if i % 2 == 0 { w.acme } else { w.other };
        people.push(
            customer(
                &mut conn,
                account,
                &format!("racer{i}@example.com"),
                "Racer",
            )
            .await,
        );
    }
    drop(conn);
    let started = std::time::Instant::now();
    for round in 0..20_i64 {
        // Eight one-hour visits a day from 08:00 (Tom lives next door: no drive).
        let day = tuesday()
            .checked_add(jiff::Span::new().days(round / 8))
            .unwrap();
        let at = local(day, 8 + (round % 8) as i8, 0);
        let mut tasks = Vec::new();
        for who in &people {
            let app = w.app.clone();
            let who = who.clone();
            let st = w.st;
            tasks.push(tokio::spawn(async move {
                booking::book(
                    &app,
                    who.grant().unwrap(),
                    BookRequest {
                        service: ServiceRequest::new(st, None),
                        slot_start: at,
                        comments: "",
                        idempotency_key: None,
                    },
                    now(),
                )
                .await
            }));
        }
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(b) => {
                    won += 1;
                    assert_eq!(b.visit.technician_name, "Tom");
                }
                Err(BookingError::SlotTaken) => {}
                Err(e) => panic!("round {round}: {e:?} (internal: {})", e.is_internal()),
            }
        }
        assert_eq!(won, 1, "round {round}");
    }
    let elapsed = started.elapsed();
    let overlapping = onsite_store::bookings::overlapping_pairs(&mut *w.conn().await)
        .await
        .unwrap();
    assert_eq!(overlapping, 0);
    assert_eq!(w.count("bookings").await, 20);
    assert_eq!(w.count("email_outbox").await, 20);
    eprintln!(
        "race on {:?} (group commit {group_commit}): 20 rounds × 100 bookings in {:.1} s",
        w.app.store.backend(),
        elapsed.as_secs_f64()
    );
}

both_backends!(last_free_technician_race, race);
both_backends!(
    last_free_technician_race_without_group_commit,
    race_without_group_commit
);

both_backends!(
    roster_changes_made_outside_the_app_are_seen_by_the_next_search_and_book,
    |db: TestDb| async move {
        let w = world(db).await;
        let slots = booking::slots(
            &w.app,
            w.ana.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        let eight = local(tuesday(), 8, 0);
        assert_eq!(slots.slots.first().unwrap().start, eight);
        // Tom (next door) is given Tuesday morning off by a script, not through the app: no
        // reassignment job, only the database's own version change.
        let mut conn = w.conn().await;
        sqlx::query(
            "INSERT INTO time_off (technician_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, NULL)",
        )
        .bind(w.tom.0)
        .bind(local(tuesday(), 0, 0).as_millisecond())
        .bind(local(tuesday(), 12, 0).as_millisecond())
        .execute(&mut *conn)
        .await
        .unwrap();
        drop(conn);
        // 08:00 was Tom's alone (Uma drives 10 minutes first); the search and the Book both
        // see his time off rather than a cached roster, and Uma takes 10:00.
        let after = booking::slots(
            &w.app,
            w.ana.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        assert_ne!(after.slots.first().map(|s| s.start), Some(eight));
        let booked = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap();
        assert_eq!(booked.visit.technician_id, w.uma);
        // And with Uma's hours ended by another script, nobody is left at that time.
        let mut conn = w.conn().await;
        sqlx::query("UPDATE technicians SET active = FALSE WHERE id = $1")
            .bind(w.uma.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        let after = booking::slots(
            &w.app,
            w.bob.grant().unwrap(),
            &w.furnace(),
            tuesday(),
            now(),
        )
        .await
        .unwrap();
        assert!(
            after
                .slots
                .iter()
                .all(|s| s.start >= local(tuesday(), 12, 0)),
            "only Tom's afternoon is left: {:?}",
            after.slots.first()
        );
        let err = w.book(&w.bob, local(tuesday(), 9, 0)).await.unwrap_err();
        assert!(matches!(err, BookingError::SlotTaken), "{err:?}");
    }
);

both_backends!(
    nothing_is_booked_or_moved_for_an_inactive_account,
    |db: TestDb| async move {
        let w = world(db).await;
        let booked = w.book(&w.ana, local(tuesday(), 8, 0)).await.unwrap().visit;
        let staff: onsite_app::policy::Staff = w.staff.grant().unwrap();
        let version = accounts::account(&mut *w.conn().await, w.acme)
            .await
            .unwrap()
            .version;
        onsite_app::customers::set_account_active(&w.app, staff, w.acme, version, false)
            .await
            .unwrap();
        let inactive = |r: Result<_, BookingError>| match r {
            Err(e @ BookingError::AccountInactive) => {
                assert_eq!(e.message_id(), "customers-booking-account-inactive");
                true
            }
            _ => false,
        };
        let ana = || w.ana.grant().unwrap();
        let furnace = w.furnace();
        let days = booking::available_days(&w.app, ana(), &furnace, tuesday(), wednesday(), now());
        assert!(inactive(days.await.map(|_| ())));
        let slots = booking::slots(&w.app, ana(), &furnace, tuesday(), now());
        assert!(inactive(slots.await.map(|_| ())));
        assert!(inactive(
            w.book(&w.ana, local(tuesday(), 10, 0)).await.map(|_| ())
        ));
        // Staff cannot book for it either, nor move its visit.
        let for_acme = BookRequest {
            service: ServiceRequest {
                service_type: w.st,
                asset: None,
                account: Some(w.acme),
            },
            slot_start: local(tuesday(), 10, 0),
            comments: "",
            idempotency_key: None,
        };
        let by_staff = booking::book(&w.app, w.staff.grant().unwrap(), for_acme, now());
        assert!(inactive(by_staff.await.map(|_| ())));
        let moved = booking::reschedule(
            &w.app,
            w.staff.grant().unwrap(),
            booked.id,
            local(wednesday(), 9, 0),
            now(),
        );
        assert!(inactive(moved.await.map(|_| ())));
        assert_eq!(w.count("bookings").await, 1, "nothing booked");
        // Its visit can still be canceled; another account books as before.
        booking::cancel(&w.app, ana(), booked.id, "Closed for good", now())
            .await
            .unwrap();
        w.book(&w.bob, local(tuesday(), 10, 0)).await.unwrap();
        // Reactivated: booked again.
        onsite_app::customers::set_account_active(&w.app, staff, w.acme, version + 1, true)
            .await
            .unwrap();
        w.book(&w.ana, local(tuesday(), 12, 0)).await.unwrap();
    }
);
