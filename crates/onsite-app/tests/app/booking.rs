//! Self-scheduling against a fresh database, on SQLite and PostgreSQL: booking in one
//! transaction with its email and calendar invitation, idempotent submissions, rescheduling,
//! canceling, what customers may and may not touch, the homepage's groups, background
//! reassignment, and the race for the last free technician.

use crate::fixtures::{allow_inserts, customer_accounts, plateau, refuse_inserts};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking::{self, BookRequest, BookingError, ServiceRequest};
use onsite_app::policy::Principal;
use onsite_app::reassign;

use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, CharacteristicId, ServiceTypeId, TechnicianId};
use onsite_i18n::SUPPORTED;
use onsite_notify::ics;
use onsite_store::Conn;
use onsite_store::accounts::{self, NewContact, NewUser};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::outbox::{self, OutboxMessage};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::testing::TestDb;
use onsite_store::work_orders::{self, NewWorkOrder};
use std::sync::Arc;

fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

/// Monday 8 June 2026, 06:00 in Montréal: the moment every test books from.
fn now() -> Timestamp {
    local(Date::constant(2026, 6, 8), 6, 0)
}

fn local(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0)
        .to_zoned(toronto())
        .unwrap()
        .timestamp()
}

fn tuesday() -> Date {
    Date::constant(2026, 6, 9)
}

fn wednesday() -> Date {
    Date::constant(2026, 6, 10)
}

fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

struct World {
    app: App,
    /// Keeps the database alive for the test.
    _db: TestDb,
    st: ServiceTypeId,
    hvac: CharacteristicId,
    acme: AccountId,
    other: AccountId,
    ana: Principal,
    bob: Principal,
    staff: Principal,
    /// Lives at the customers' door: the nearest, chosen first.
    tom: TechnicianId,
    /// Lives 4–5 km away: about 10 minutes' drive.
    uma: TechnicianId,
}

impl World {
    async fn conn(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        self.app.store.conn().await.unwrap()
    }

    fn furnace(&self) -> ServiceRequest {
        ServiceRequest::new(self.st, None)
    }

    async fn book(&self, who: &Principal, at: Timestamp) -> Result<booking::Booked, BookingError> {
        booking::book(
            &self.app,
            who,
            BookRequest {
                service: self.furnace(),
                slot_start: at,
                comments: "Door code 1234",
                idempotency_key: None,
            },
            now(),
        )
        .await
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *self.conn().await)
            .await
            .unwrap()
    }

    async fn email(&self, event_key: &str) -> Option<OutboxMessage> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM email_outbox WHERE event_key = $1")
                .bind(event_key)
                .fetch_optional(&mut *self.conn().await)
                .await
                .unwrap();
        let id = id?;
        Some(
            outbox::get(&mut *self.conn().await, outbox::OutboxId(id))
                .await
                .unwrap(),
        )
    }

    /// A visit written straight into the store (a dispatcher's booking, history).
    async fn store_visit(
        &self,
        account: AccountId,
        tech: TechnicianId,
        start: Timestamp,
        minutes: i64,
        history: &[BookingAction],
    ) -> BookingId {
        let mut conn = self.conn().await;
        let uid = format!("{}-{}@test", tech.0, start.as_millisecond());
        let wo = work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &format!("WO-T{}", uid),
                account_id: account,
                asset_id: None,
                service_type_id: self.st,
                agreement_id: None,
                status: WorkOrderStatus::Scheduled,
                summary: None,
                expose_to_customer: true,
                created_at: now(),
            },
        )
        .await
        .unwrap();
        let steps: Vec<RecordedTransition<'_>> = history
            .iter()
            .map(|a| RecordedTransition {
                action: *a,
                at: now(),
                actor: Some(self.staff.user_id),
                note: (*a == BookingAction::Cancel).then_some("closed"),
            })
            .collect();
        bookings::insert_booking_with_history(
            &mut conn,
            &NewBooking {
                work_order_id: wo,
                technician_id: tech,
                starts_at: start,
                ends_at: start + SignedDuration::from_mins(minutes),
                location: plateau(),
                ics_uid: &uid,
                idempotency_key: None,
                booked_by: Some(self.staff.user_id),
                booked_at: now() - SignedDuration::from_hours(48),
            },
            &steps,
        )
        .await
        .unwrap()
    }
}

fn every_day(start: u16, end: u16) -> Vec<WorkingPeriod> {
    [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| WorkingPeriod::new(d, start, end).unwrap())
    .collect()
}

async fn customer(conn: &mut Conn, account: AccountId, email: &str, name: &str) -> Principal {
    let email = EmailAddress::parse(email).unwrap();
    let contact = accounts::insert_contact(
        conn,
        &NewContact {
            account_id: account,
            first_name: name,
            last_name: "Client",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
    let user_id = accounts::insert_user(
        conn,
        &NewUser {
            email: &email,
            password_hash: None,
            display_name: name,
            language: None,
            contact_id: Some(contact),
            roles: &[Role::SelfScheduling],
        },
    )
    .await
    .unwrap();
    Principal {
        user_id,
        roles: vec![Role::SelfScheduling],
        account_id: Some(account),
        technician_id: None,
    }
}

async fn technician(
    conn: &mut Conn,
    name: &str,
    home: GeoPoint,
    territory: onsite_domain::TerritoryId,
    hvac: CharacteristicId,
) -> TechnicianId {
    let tz = TimeZoneName::parse("America/Toronto").unwrap();
    technicians::insert_technician(
        conn,
        &NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: None,
            home_base: home,
            time_zone: &tz,
            weekly_hours: &every_day(8 * 60, 17 * 60),
            territories: &[territory],
            skills: &[SkillLevel {
                characteristic_id: hvac,
                rating: Rating::new(5).unwrap(),
            }],
            active: true,
        },
    )
    .await
    .unwrap()
}

async fn world(db: TestDb) -> World {
    let app = App::new(
        db.store().clone(),
        Arc::new(tokio::sync::Notify::new()),
        "https://portal.example.com/",
    );
    let mut conn = app.store.conn().await.unwrap();
    let territory = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Plateau",
            postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
        .await
        .unwrap();
    let st = catalog::insert_service_type(
        &mut conn,
        &NewServiceType {
            name: "Furnace maintenance",
            description: "",
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: &[SkillLevel {
                characteristic_id: hvac,
                rating: Rating::new(3).unwrap(),
            }],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let [acme, other] = customer_accounts(&mut conn, ["Acme", "Other"]).await;
    let ana = customer(&mut conn, acme, "ana@example.com", "Ana").await;
    let bob = customer(&mut conn, other, "bob@example.com", "Bob").await;
    let staff_email = EmailAddress::parse("dispatch@example.com").unwrap();
    let staff_id = accounts::insert_user(
        &mut conn,
        &NewUser {
            email: &staff_email,
            password_hash: None,
            display_name: "Dispatch",
            language: None,
            contact_id: None,
            roles: &[Role::Dispatcher],
        },
    )
    .await
    .unwrap();
    let staff = Principal {
        user_id: staff_id,
        roles: vec![Role::Dispatcher],
        account_id: None,
        technician_id: None,
    };
    let tom = technician(&mut conn, "Tom", plateau(), territory, hvac).await;
    let uma = technician(&mut conn, "Uma", point(45.56, -73.55), territory, hvac).await;
    drop(conn);
    World {
        app,
        _db: db,
        st,
        hvac,
        acme,
        other,
        ana,
        bob,
        staff,
        tom,
        uma,
    }
}

/// The visit's `.ics` from an email: its properties, unfolded.
fn calendar(email: &OutboxMessage) -> Vec<(String, String)> {
    assert_eq!(email.attachments.len(), 1, "{}", email.kind);
    let a = &email.attachments[0];
    assert!(
        a.content_type.starts_with("text/calendar"),
        "{}",
        a.content_type
    );
    ics::parse(std::str::from_utf8(&a.content).unwrap())
}

fn prop<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    props
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

both!(customer_books_a_visit_in_one_transaction, |db| async move {
    let w = world(db).await;
    let days = booking::available_days(&w.app, &w.ana, &w.furnace(), tuesday(), wednesday(), now())
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
    let slots = booking::slots(&w.app, &w.ana, &w.furnace(), tuesday(), now())
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
    let after = booking::slots(&w.app, &w.bob, &w.furnace(), tuesday(), now())
        .await
        .unwrap();
    assert_eq!(after.slots.first().unwrap().start, local(tuesday(), 8, 30));
    let second = w.book(&w.bob, local(tuesday(), 8, 30)).await.unwrap();
    assert_eq!(second.visit.technician_name, "Uma");
    assert_ne!(second.visit.work_order_number, v.work_order_number);
});

both!(bad_times_are_refused_with_the_reason, |db| async move {
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
        &w.ana,
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
    let err = booking::slots(&w.app, &w.ana, &unknown, tuesday(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotFound));
    let mut theirs = w.furnace();
    theirs.account = Some(w.other);
    let err = booking::slots(&w.app, &w.ana, &theirs, tuesday(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotFound));
    assert_eq!(w.count("bookings").await, 0);
    assert_eq!(w.count("work_orders").await, 0);
    assert_eq!(w.count("email_outbox").await, 0);
});

both!(a_failure_after_the_insert_leaves_nothing, |db| async move {
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
});

both!(the_same_idempotency_key_books_once, |db| async move {
    let w = world(db).await;
    let request = |key| BookRequest {
        service: w.furnace(),
        slot_start: local(tuesday(), 9, 0),
        comments: "",
        idempotency_key: Some(key),
    };
    let first = booking::book(&w.app, &w.ana, request("form-1"), now())
        .await
        .unwrap();
    let again = booking::book(&w.app, &w.ana, request("form-1"), now())
        .await
        .unwrap();
    assert!(again.replayed && !first.replayed);
    assert_eq!(again.visit.id, first.visit.id);
    // A double click: both submissions at once.
    let (a, b) = tokio::join!(
        booking::book(&w.app, &w.ana, request("form-2"), now()),
        booking::book(&w.app, &w.ana, request("form-2"), now()),
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
        &w.bob,
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
});

both!(
    rescheduling_keeps_the_uid_and_work_order_and_may_change_technician,
    |db| async move {
        let w = world(db).await;
        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        assert_eq!(booked.technician_name, "Tom");
        // Tom is busy on Wednesday at 10:00; Uma is free.
        w.store_visit(w.other, w.tom, local(wednesday(), 10, 0), 60, &[])
            .await;
        let new_time = local(wednesday(), 10, 0);
        let moved = booking::reschedule(&w.app, &w.ana, booked.id, new_time, now())
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
        let again = booking::reschedule(&w.app, &w.ana, booked.id, new_time, now())
            .await
            .unwrap();
        assert_eq!(again.ics_sequence, 1);
        // Its old time is free again, and it does not block its own new time.
        let tuesday_slots = booking::slots(&w.app, &w.bob, &w.furnace(), tuesday(), now())
            .await
            .unwrap();
        assert!(
            tuesday_slots
                .slots
                .iter()
                .any(|s| s.start == local(tuesday(), 9, 0))
        );
        let back =
            booking::reschedule(&w.app, &w.ana, booked.id, local(wednesday(), 10, 30), now())
                .await
                .unwrap();
        assert_eq!(
            (back.technician_name.as_str(), back.ics_sequence),
            ("Uma", 2)
        );
        // A time nobody has is refused; nothing changes.
        let err = booking::reschedule(&w.app, &w.ana, booked.id, local(wednesday(), 21, 0), now())
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::SlotTaken), "{err:?}");
        assert_eq!(w.count("work_orders").await, 2);
    }
);

both!(
    canceling_needs_a_reason_and_sends_a_cancellation,
    |db| async move {
        let w = world(db).await;
        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        for blank in ["", "   \n\t "] {
            let err = booking::cancel(&w.app, &w.ana, booked.id, blank, now())
                .await
                .unwrap_err();
            assert_eq!(err.message_id(), "booking-reason-required");
        }
        let err = booking::cancel(&w.app, &w.ana, booked.id, &"x".repeat(2000), now())
            .await
            .unwrap_err();
        assert_eq!(err.message_id(), "booking-reason-too-long");
        assert_eq!(
            booking::booking_for_customer(&w.app, &w.ana, booked.id)
                .await
                .unwrap()
                .state,
            BookingState::Scheduled
        );
        let canceled = booking::cancel(
            &w.app,
            &w.ana,
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

both!(another_accounts_visit_is_not_found, |db| async move {
    let w = world(db).await;
    let anas = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
    let err = booking::booking_for_customer(&w.app, &w.bob, anas.id)
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotFound));
    let missing = booking::booking_for_customer(&w.app, &w.bob, BookingId(987_654))
        .await
        .unwrap_err();
    assert_eq!(
        err.message_id(),
        missing.message_id(),
        "the same answer as for no visit at all"
    );
    let err = booking::reschedule(&w.app, &w.bob, anas.id, local(tuesday(), 11, 0), now())
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotFound));
    let err = booking::cancel(&w.app, &w.bob, anas.id, "not mine", now())
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotFound));
    assert!(
        booking::homepage(&w.app, &w.bob, now())
            .await
            .unwrap()
            .is_empty()
    );
    // Staff see it.
    assert_eq!(
        booking::booking_for_customer(&w.app, &w.staff, anas.id)
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
    let err = w
        .book(&reviewer, local(tuesday(), 11, 0))
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::NotAllowed));
    let visit = booking::booking_for_customer(&w.app, &w.ana, anas.id)
        .await
        .unwrap();
    assert_eq!(
        (visit.ics_sequence, visit.state),
        (0, BookingState::Scheduled)
    );
});

both!(
    customers_cannot_change_visits_that_have_started,
    |db| async move {
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
            let visit = booking::booking_for_customer(&w.app, &w.ana, id)
                .await
                .unwrap();
            assert_eq!((visit.state, visit.may_modify), (state, false));
            let err = booking::reschedule(&w.app, &w.ana, id, local(wednesday(), 9, 0), now())
                .await
                .unwrap_err();
            assert!(
                matches!(err, BookingError::NotModifiable(s) if s == state),
                "{state:?}: {err:?}"
            );
            assert_eq!(err.message_id(), "booking-not-modifiable");
            let err = booking::cancel(&w.app, &w.ana, id, "changed my mind", now())
                .await
                .unwrap_err();
            assert!(
                matches!(err, BookingError::NotModifiable(s) if s == state),
                "{state:?}: {err:?}"
            );
            let after = booking::booking_for_customer(&w.app, &w.ana, id)
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
        let v = booking::cancel(&w.app, &w.staff, traveling, "Customer not home", now())
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
        let err = booking::cancel(&w.app, &w.staff, done, "oops", now())
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            BookingError::NotModifiable(BookingState::Completed)
        ));
    }
);

both!(staff_move_visits_through_their_states, |db| async move {
    let w = world(db).await;
    let v = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
    let err = booking::transition(
        &w.app,
        &w.ana,
        v.id,
        BookingAction::StartTravel,
        None,
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, BookingError::NotAllowed),
        "customers do not drive visits"
    );
    let err = booking::transition(&w.app, &w.staff, v.id, BookingAction::Complete, None, now())
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
        let state = booking::transition(&w.app, &w.staff, v.id, action, note, at)
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
        &w.staff,
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
        &w.staff,
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
});

both!(
    the_homepage_groups_visits_as_the_portal_shows_them,
    |db| async move {
        let w = world(db).await;
        use BookingAction::*;
        let empty = booking::homepage(&w.app, &w.ana, now()).await.unwrap();
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
        // Another account's visits never show.
        w.store_visit(w.other, w.uma, local(d, 16, 0), 60, &[StartTravel])
            .await;

        let home = booking::homepage(&w.app, &w.ana, now()).await.unwrap();
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
        assert!(matches!(
            booking::homepage(&w.app, &w.staff, now()).await,
            Err(BookingError::NotAllowed)
        ));
    }
);

both!(
    time_off_moves_the_visit_to_another_technician_at_the_same_time,
    |db| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Tom");
        let untouched = w
            .book(&w.ana, local(wednesday(), 10, 0))
            .await
            .unwrap()
            .visit;
        let (_, change) = reassign::add_time_off(
            &w.app,
            &w.staff,
            w.tom,
            local(tuesday(), 0, 0),
            local(wednesday(), 0, 0),
            Some("Dentist"),
            now(),
        )
        .await
        .unwrap();
        let report = change.report.expect("ran right after the change");
        assert_eq!(report.reassigned, [(v.id, w.uma)]);
        assert_eq!(report.kept, [untouched.id]);
        assert!(report.flagged.is_empty());
        let moved = booking::booking_for_customer(&w.app, &w.ana, v.id)
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
            booking::booking_for_customer(&w.app, &w.ana, untouched.id)
                .await
                .unwrap()
                .technician_name,
            "Tom"
        );
        // Only staff may do it, and the times must make sense.
        let err = reassign::add_time_off(
            &w.app,
            &w.ana,
            w.tom,
            now(),
            now() + SignedDuration::from_hours(1),
            None,
            now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BookingError::NotAllowed));
        let err = reassign::add_time_off(&w.app, &w.staff, w.tom, now(), now(), None, now())
            .await
            .unwrap_err();
        assert_eq!(err.message_id(), "booking-time-off-order");
    }
);

both!(
    nobody_free_flags_the_visit_and_asks_for_a_new_time,
    |db| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        // Uma is busy then.
        w.store_visit(w.other, w.uma, local(tuesday(), 9, 30), 120, &[])
            .await;
        let (_, change) = reassign::add_time_off(
            &w.app,
            &w.staff,
            w.tom,
            local(tuesday(), 9, 0),
            local(tuesday(), 12, 0),
            None,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(change.report.unwrap().flagged, [v.id]);
        let flagged = booking::booking_for_customer(&w.app, &w.ana, v.id)
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
        reassign::set_technician_territories(&w.app, &w.staff, w.tom, &[], now())
            .await
            .unwrap();
        assert_eq!(
            w.count("email_outbox WHERE kind = 'booking-new-time'")
                .await,
            1
        );

        // The customer picks a new time: the flag clears.
        let moved = booking::reschedule(&w.app, &w.ana, v.id, local(wednesday(), 10, 0), now())
            .await
            .unwrap();
        assert!(!moved.needs_new_time);
        assert_eq!(
            moved.technician_name, "Uma",
            "Tom serves no territory any more"
        );
    }
);

both!(
    losing_a_skill_or_territory_reassigns_the_visits_it_affects,
    |db| async move {
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
        let change = reassign::set_technician_skills(
            &w.app,
            &w.staff,
            w.tom,
            &[SkillLevel {
                characteristic_id: w.hvac,
                rating: Rating::new(2).unwrap(),
            }],
            now(),
        )
        .await
        .unwrap();
        let mut moved = change.report.unwrap().reassigned;
        moved.sort();
        assert_eq!(moved, [(first.id, w.uma), (second.id, w.uma)]);
        // Uma loses the territory: nobody is left for those visits.
        let change = reassign::set_technician_territories(&w.app, &w.staff, w.uma, &[], now())
            .await
            .unwrap();
        let mut flagged = change.report.unwrap().flagged;
        flagged.sort();
        assert_eq!(flagged, [first.id, second.id]);
        let err = reassign::set_technician_skills(
            &w.app,
            &w.staff,
            w.tom,
            &[SkillLevel {
                characteristic_id: CharacteristicId(999),
                rating: Rating::new(2).unwrap(),
            }],
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.message_id(), "booking-unknown-reference");
    }
);

both!(a_job_left_behind_is_run_by_the_worker, |db| async move {
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
        let visit = booking::booking_for_customer(&w.app, &w.ana, v.id)
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
});

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
/// With group commit on (the default) or off (`database.group_commit = false`: each booking
/// its own transaction, on SQLite too).
async fn race(db: TestDb, group_commit: bool) {
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
                    &who,
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

mod last_free_technician_race {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        race(TestDb::sqlite().await, true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        race(TestDb::postgres().await, true).await;
    }
}

mod last_free_technician_race_without_group_commit {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        race(TestDb::sqlite().await, false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        race(TestDb::postgres().await, false).await;
    }
}

both!(
    roster_changes_made_outside_the_app_are_seen_by_the_next_search_and_book,
    |db| async move {
        let w = world(db).await;
        let slots = booking::slots(&w.app, &w.ana, &w.furnace(), tuesday(), now())
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
        let after = booking::slots(&w.app, &w.ana, &w.furnace(), tuesday(), now())
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
        let after = booking::slots(&w.app, &w.bob, &w.furnace(), tuesday(), now())
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
