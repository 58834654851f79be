//! The technician's day against a fresh database, on SQLite and PostgreSQL: today's and
//! tomorrow's visits in order and only one's own, every move recorded with who and when,
//! illegal moves refused with nothing changed, and the "on the way" and "completed" emails
//! queued with the move, their links following the tracking and surveys settings.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking::{self, BookingError};
use onsite_app::policy::{OnDuty, Principal};
use onsite_app::technician;
use onsite_domain::account::AccountKind;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, TechnicianId, UserId};
use onsite_i18n::{Locale, datetime};
use onsite_schedule::{GreatCircle, TravelModel};
use onsite_store::accounts::{self, NewAccount, NewContact};
use onsite_store::bookings::{self, NewBooking};
use onsite_store::outbox::{self, OutboxMessage};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::visibility::Visibility;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{self, address_at, plateau, service_type};

fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

fn monday() -> Date {
    Date::constant(2026, 6, 8)
}

fn local(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0)
        .to_zoned(toronto())
        .unwrap()
        .timestamp()
}

/// Monday 8 June 2026, 07:00 in Montréal.
fn now() -> Timestamp {
    local(monday(), 7, 0)
}

/// The event key of the "on the way" email of travel to `id` started at [`now`].
fn on_the_way(id: BookingId) -> String {
    format!("booking:{id}:on-the-way:{}", now().as_millisecond())
}

fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

/// Tom's home, in Saint-Laurent (farther from the Plateau than Hochelaga is).
fn home() -> GeoPoint {
    point(45.5100, -73.7000)
}

/// The second customer's address, in Hochelaga.
fn hochelaga() -> GeoPoint {
    point(45.5470, -73.5400)
}

struct World {
    app: App,
    _db: TestDb,
    st: ServiceTypeId,
    acme: AccountId,
    beta: AccountId,
    /// Acme's customer, who booked Acme's visits.
    ana: UserId,
    tom: TechnicianId,
    uma: TechnicianId,
    tom_as: Principal,
    uma_as: Principal,
    staff: Principal,
}

/// A staff user (technician or dispatcher): no contact, no account.
async fn staff_user(app: &App, email: &str, name: &str, role: Role) -> UserId {
    let mut conn = app.store.conn().await.unwrap();
    let email = EmailAddress::parse(email).unwrap();
    fixtures::user(&mut conn, email.as_str(), name, None, &[role]).await
}

async fn account(app: &App, name: &str, at: GeoPoint, line: &str) -> AccountId {
    let mut conn = app.store.conn().await.unwrap();
    accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name,
            active: true,
            address: &address_at(line, at),
            territory_id: None,
        },
    )
    .await
    .unwrap()
}

async fn tech(app: &App, name: &str, user: UserId) -> TechnicianId {
    let mut conn = app.store.conn().await.unwrap();
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ]
    .map(|d| WorkingPeriod::new(d, 8 * 60, 17 * 60).unwrap());
    technicians::insert_technician(
        &mut conn,
        &NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: Some(user),
            home_base: home(),
            time_zone: &TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: &days,
            territories: &[],
            skills: &[],
            active: true,
        },
    )
    .await
    .unwrap()
}

fn technician_principal(user: UserId, tech: TechnicianId) -> Principal {
    Principal {
        user_id: user,
        roles: vec![Role::Technician],
        account_id: None,
        technician_id: Some(tech),
    }
}

async fn world(db: TestDb) -> World {
    let app = crate::app_on(&db);
    let acme = account(&app, "Acme Bakery", plateau(), "4301 Rue Saint-Denis").await;
    let beta = account(&app, "Beta Foods", hochelaga(), "3000 Rue Ontario E").await;
    let mut conn = app.store.conn().await.unwrap();
    let st = service_type(&mut conn, "Furnace maintenance", &[]).await;
    let email = EmailAddress::parse("ana@acme.test").unwrap();
    let contact = accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id: acme,
            first_name: "Ana",
            last_name: "Client",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
    let ana = fixtures::user(
        &mut conn,
        email.as_str(),
        "Ana",
        Some(contact),
        &[Role::SelfScheduling],
    )
    .await;
    drop(conn);
    let tom_user = staff_user(&app, "tom@staff.test", "Tom Tremblay", Role::Technician).await;
    let uma_user = staff_user(&app, "uma@staff.test", "Uma Ouellet", Role::Technician).await;
    let staff = staff_user(&app, "dora@staff.test", "Dora", Role::Dispatcher).await;
    let tom = tech(&app, "Tom Tremblay", tom_user).await;
    let uma = tech(&app, "Uma Ouellet", uma_user).await;
    World {
        st,
        acme,
        beta,
        ana,
        tom,
        uma,
        tom_as: technician_principal(tom_user, tom),
        uma_as: technician_principal(uma_user, uma),
        staff: Principal {
            user_id: staff,
            roles: vec![Role::Dispatcher],
            account_id: None,
            technician_id: None,
        },
        app,
        _db: db,
    }
}

impl World {
    async fn conn(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        self.app.store.conn().await.unwrap()
    }

    /// A Scheduled visit of `account` (booked by Ana for Acme), at `start` for an hour.
    async fn visit(
        &self,
        account: AccountId,
        tech: TechnicianId,
        start: Timestamp,
        at: GeoPoint,
    ) -> BookingId {
        let mut conn = self.conn().await;
        let uid = format!("{}-{}@test", tech.0, start.as_millisecond());
        let wo = work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &format!("WO-{uid}"),
                account_id: account,
                asset_id: None,
                service_type_id: self.st,
                agreement_id: None,
                status: WorkOrderStatus::Scheduled,
                summary: Some("Door code 1234"),
                expose_to_customer: true,
                created_at: now(),
            },
        )
        .await
        .unwrap();
        bookings::insert_booking(
            &mut conn,
            &NewBooking {
                work_order_id: wo,
                technician_id: tech,
                starts_at: start,
                ends_at: start + SignedDuration::from_hours(1),
                location: at,
                ics_uid: &uid,
                idempotency_key: None,
                booked_by: (account == self.acme).then_some(self.ana),
                booked_at: now() - SignedDuration::from_hours(48),
            },
        )
        .await
        .unwrap()
    }

    async fn state(&self, id: BookingId) -> BookingState {
        bookings::booking(&mut *self.conn().await, id)
            .await
            .unwrap()
            .state
    }

    async fn email(&self, event_key: &str) -> Option<OutboxMessage> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM email_outbox WHERE event_key = $1")
                .bind(event_key)
                .fetch_optional(&mut *self.conn().await)
                .await
                .unwrap();
        Some(
            outbox::get(&mut *self.conn().await, outbox::OutboxId(id?))
                .await
                .unwrap(),
        )
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *self.conn().await)
            .await
            .unwrap()
    }

    async fn set(&self, key: &str, value: &str) {
        onsite_store::settings::set(&mut *self.conn().await, key, value)
            .await
            .unwrap()
            .unwrap();
    }

    async fn moved(
        &self,
        who: &Principal,
        id: BookingId,
        action: BookingAction,
        note: Option<&str>,
    ) -> Result<technician::DayVisit, BookingError> {
        technician::transition(&self.app, who.grant().unwrap(), id, action, note, now()).await
    }
}

both_backends!(
    technician_sees_todays_and_tomorrows_visits_in_order_and_only_their_own,
    |db: TestDb| async move {
        let w = world(db).await;
        let tuesday = monday().tomorrow().unwrap();
        // Written out of order on purpose.
        let late = w
            .visit(w.beta, w.tom, local(monday(), 14, 0), hochelaga())
            .await;
        let early = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let tomorrow = w
            .visit(w.acme, w.tom, local(tuesday, 10, 0), plateau())
            .await;
        let canceled = w
            .visit(w.acme, w.tom, local(monday(), 11, 0), plateau())
            .await;
        booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            canceled,
            BookingAction::Cancel,
            Some("closed"),
            now(),
        )
        .await
        .unwrap();
        let yesterday = w
            .visit(
                w.acme,
                w.tom,
                local(monday().yesterday().unwrap(), 9, 0),
                plateau(),
            )
            .await;
        let in_two_days = w
            .visit(
                w.acme,
                w.tom,
                local(tuesday.tomorrow().unwrap(), 9, 0),
                plateau(),
            )
            .await;
        let umas = w
            .visit(w.acme, w.uma, local(monday(), 10, 0), plateau())
            .await;

        let day = technician::day(&w.app, w.tom_as.grant().unwrap(), now())
            .await
            .unwrap();
        assert_eq!(day.today, monday());
        let ids = |v: &[technician::DayVisit]| v.iter().map(|v| v.id()).collect::<Vec<_>>();
        assert_eq!(ids(&day.today_visits), [early, late]);
        assert_eq!(ids(&day.tomorrow_visits), [tomorrow]);
        for other in [canceled, yesterday, in_two_days, umas] {
            assert!(!ids(&day.today_visits).contains(&other));
            assert!(!ids(&day.tomorrow_visits).contains(&other));
        }
        let first = &day.today_visits[0];
        assert_eq!(first.account_name, "Acme Bakery");
        assert_eq!(first.address, "4301 Rue Saint-Denis, Montréal H2J 2K9");
        assert_eq!(first.visit.service_type, "Furnace maintenance");
        assert_eq!(
            first.visit.records(Visibility::All).comments,
            Some("Door code 1234")
        );
        let contact = first.contact.as_ref().unwrap();
        assert_eq!(
            (contact.name.as_str(), contact.email.as_str()),
            ("Ana Client", "ana@acme.test")
        );
        assert!(!day.traveling());

        // Uma sees hers only; Tom cannot open hers.
        let hers = technician::day(&w.app, w.uma_as.grant().unwrap(), now())
            .await
            .unwrap();
        assert_eq!(ids(&hers.today_visits), [umas]);
        assert!(matches!(
            technician::visit(&w.app, w.tom_as.grant().unwrap(), umas, now()).await,
            Err(BookingError::NotFound)
        ));
        // Someone who is not a technician has no day.
        assert_eq!(w.staff.grant::<OnDuty>(), None);
    }
);

both_backends!(
    every_move_is_recorded_with_who_and_when,
    |db: TestDb| async move {
        let w = world(db).await;
        let id = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let steps = [
            (BookingAction::StartTravel, None, BookingState::Traveling),
            (BookingAction::StartWork, None, BookingState::InProgress),
            (
                BookingAction::Complete,
                Some("Filter replaced"),
                BookingState::Completed,
            ),
        ];
        for (action, note, state) in steps {
            let v = w.moved(&w.tom_as, id, action, note).await.unwrap();
            assert_eq!(v.state(), state);
            assert_eq!(w.state(id).await, state);
        }
        let history = bookings::transitions(&mut *w.conn().await, id)
            .await
            .unwrap();
        let moves: Vec<_> = history
            .iter()
            .skip(1)
            .map(|t| (t.from, t.to, t.actor, t.at, t.note.clone()))
            .collect();
        let tom = Some(w.tom_as.user_id);
        assert_eq!(
            moves,
            [
                (
                    Some(BookingState::Scheduled),
                    BookingState::Traveling,
                    tom,
                    now(),
                    None
                ),
                (
                    Some(BookingState::Traveling),
                    BookingState::InProgress,
                    tom,
                    now(),
                    None
                ),
                (
                    Some(BookingState::InProgress),
                    BookingState::Completed,
                    tom,
                    now(),
                    Some("Filter replaced".to_owned())
                ),
            ]
        );
        let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'booking.transition' AND entity_id = $1 AND actor_user_id = $2",
    )
    .bind(id.0)
    .bind(w.tom_as.user_id.0)
    .fetch_one(&mut *w.conn().await)
    .await
    .unwrap();
        assert_eq!(audited, 3);
        // The work order follows.
        let wo = work_orders::work_order(
            &mut *w.conn().await,
            bookings::booking(&mut *w.conn().await, id)
                .await
                .unwrap()
                .work_order_id,
        )
        .await
        .unwrap();
        assert_eq!(wo.status, WorkOrderStatus::Completed);
    }
);

both_backends!(
    illegal_and_foreign_moves_are_refused_and_change_nothing,
    |db: TestDb| async move {
        let w = world(db).await;
        let id = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let before = (
            w.count("booking_transitions").await,
            w.count("email_outbox").await,
            w.count("audit_events").await,
        );
        let unchanged = || async {
            assert_eq!(w.state(id).await, BookingState::Scheduled);
            assert_eq!(
                (
                    w.count("booking_transitions").await,
                    w.count("email_outbox").await,
                    w.count("audit_events").await
                ),
                before
            );
        };
        for action in [BookingAction::StartWork, BookingAction::Complete] {
            let err = w.moved(&w.tom_as, id, action, None).await.unwrap_err();
            assert!(
                matches!(err, BookingError::NotModifiable(BookingState::Scheduled)),
                "{err:?}"
            );
            assert_eq!(err.message_id(), "booking-not-modifiable");
            unchanged().await;
        }
        // Canceling is the dispatchers'.
        let err = w
            .moved(&w.tom_as, id, BookingAction::Cancel, Some("no"))
            .await
            .unwrap_err();
        assert!(matches!(err, BookingError::NotAllowed), "{err:?}");
        unchanged().await;
        // Another technician's visit does not exist for Uma, whatever the move.
        for action in [BookingAction::StartTravel, BookingAction::Complete] {
            let err = w.moved(&w.uma_as, id, action, None).await.unwrap_err();
            assert!(matches!(err, BookingError::NotFound), "{err:?}");
            let err =
                booking::transition(&w.app, w.uma_as.grant().unwrap(), id, action, None, now())
                    .await
                    .unwrap_err();
            assert!(matches!(err, BookingError::NotFound), "{err:?}");
            unchanged().await;
        }
        // Completed is final.
        for action in [
            BookingAction::StartTravel,
            BookingAction::StartWork,
            BookingAction::Complete,
        ] {
            w.moved(&w.tom_as, id, action, None).await.unwrap();
        }
        let err = w
            .moved(&w.tom_as, id, BookingAction::StartTravel, None)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            BookingError::NotModifiable(BookingState::Completed)
        ));
        assert_eq!(w.state(id).await, BookingState::Completed);
    }
);

both_backends!(
    on_the_way_email_tells_the_arrival_from_the_previous_visit_and_links_the_live_map,
    |db: TestDb| async move {
        let w = world(db).await;
        // Tom's 9:00 visit is in Hochelaga: the 11:00 one on the Plateau is driven from there.
        let first = w
            .visit(w.beta, w.tom, local(monday(), 9, 0), hochelaga())
            .await;
        let second = w
            .visit(w.acme, w.tom, local(monday(), 11, 0), plateau())
            .await;
        w.moved(&w.tom_as, second, BookingAction::StartTravel, None)
            .await
            .unwrap();
        let email = w.email(&on_the_way(second)).await.expect("queued");
        assert_eq!(email.kind, "technician-on-the-way");
        assert_eq!(email.recipient.as_str(), "ana@acme.test");
        let minutes = GreatCircle::default()
            .travel(hochelaga(), plateau())
            .minutes;
        assert_ne!(
            minutes,
            GreatCircle::default().travel(home(), plateau()).minutes
        );
        let eta = (now() + SignedDuration::from_mins(minutes)).to_zoned(toronto());
        let eta = datetime::time(Locale::negotiate(None, None), eta.time());
        assert!(
            email.subject.contains("Tom is on the way"),
            "{}",
            email.subject
        );
        assert!(email.subject.contains(&eta), "{} ({eta})", email.subject);
        let live = format!("https://portal.example.com/bookings/{second}/live");
        assert!(email.text_body.contains(&live), "{}", email.text_body);
        assert!(email.html_body.contains(&live));
        assert!(!email.subject.contains("Tremblay"), "first name only");
        // One travel at a time, staff moves included: the second visit's travel stops first
        // (its customer is told), then the first visit's starts.
        let staff_move = |id, action| {
            booking::transition(&w.app, w.staff.grant().unwrap(), id, action, None, now())
        };
        let refused = staff_move(first, BookingAction::StartTravel).await;
        assert!(
            matches!(refused, Err(BookingError::AlreadyTraveling(other)) if other == second),
            "{refused:?}"
        );
        staff_move(second, BookingAction::StopTravel).await.unwrap();
        let stopped = w
            .email(&format!(
                "booking:{second}:travel-stopped:{}",
                now().as_millisecond()
            ))
            .await
            .expect("the customer is told");
        assert_eq!(stopped.kind, "travel-stopped");
        assert_eq!(stopped.recipient.as_str(), "ana@acme.test");
        // The first visit of the day sets out from home; with tracking off, no live map.
        w.set("tracking/enabled", "false").await;
        booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            first,
            BookingAction::StartTravel,
            None,
            now(),
        )
        .await
        .unwrap();
        let email = w.email(&on_the_way(first)).await;
        // Beta has no portal user: nobody to tell.
        assert!(email.is_none());
        staff_move(first, BookingAction::StopTravel).await.unwrap();
        let third = w
            .visit(w.acme, w.tom, local(monday(), 8, 0), plateau())
            .await;
        booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            third,
            BookingAction::StartTravel,
            None,
            now(),
        )
        .await
        .unwrap();
        let email = w
            .email(&on_the_way(third))
            .await
            .expect("staff moves send it too");
        let minutes = GreatCircle::default().travel(home(), plateau()).minutes;
        let eta = (now() + SignedDuration::from_mins(minutes)).to_zoned(toronto());
        let eta = datetime::time(Locale::negotiate(None, None), eta.time());
        assert!(email.subject.contains(&eta), "{} ({eta})", email.subject);
        assert!(!email.text_body.contains("/live"), "{}", email.text_body);
        assert!(!email.html_body.contains("/live"));
        // Starting work sends nothing more.
        let before = w.count("email_outbox").await;
        w.moved(&w.tom_as, third, BookingAction::StartWork, None)
            .await
            .unwrap();
        assert_eq!(w.count("email_outbox").await, before);
    }
);

both_backends!(
    completed_email_links_the_feedback_only_when_surveys_are_on,
    |db: TestDb| async move {
        let w = world(db).await;
        let with = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let without = w
            .visit(w.acme, w.tom, local(monday(), 11, 0), plateau())
            .await;
        // One travel at a time: each visit travels and starts in turn.
        for visit in [with, without] {
            for action in [BookingAction::StartTravel, BookingAction::StartWork] {
                w.moved(&w.tom_as, visit, action, None).await.unwrap();
            }
        }
        w.moved(&w.tom_as, with, BookingAction::Complete, Some("Done"))
            .await
            .unwrap();
        let email = w
            .email(&format!("booking:{with}:completed"))
            .await
            .expect("queued");
        assert_eq!(email.kind, "visit-completed");
        assert_eq!(email.recipient.as_str(), "ana@acme.test");
        let link = format!("https://portal.example.com/bookings/{with}/feedback");
        assert!(email.text_body.contains(&link), "{}", email.text_body);
        assert!(email.html_body.contains(&link));
        assert!(email.html_body.contains("Send Feedback"));

        w.set("surveys/enabled", "false").await;
        // A dispatcher's Complete sends the same email.
        booking::transition(
            &w.app,
            w.staff.grant().unwrap(),
            without,
            BookingAction::Complete,
            None,
            now(),
        )
        .await
        .unwrap();
        let email = w
            .email(&format!("booking:{without}:completed"))
            .await
            .expect("queued");
        assert!(
            !email.text_body.contains("/feedback"),
            "{}",
            email.text_body
        );
        assert!(!email.html_body.contains("/feedback"));
        assert!(!email.html_body.contains("Send Feedback"));
    }
);

#[test]
fn the_visit_emails_exist_in_every_language() {
    use onsite_i18n::Arg;
    let args = [
        ("technician", Arg::Str("Ana")),
        ("eta", Arg::Str("10:42")),
        ("service", Arg::Str("Furnace")),
        ("date", Arg::Str("June 8")),
    ];
    for &locale in onsite_i18n::SUPPORTED {
        for id in [
            "visit-email-on-the-way-subject",
            "visit-email-on-the-way-intro",
            "visit-email-live-map-button",
            "visit-email-completed-subject",
            "visit-email-feedback-button",
        ] {
            let text = locale.text_with(id, &args);
            assert!(
                !text.contains("Unknown localization") && text != id,
                "{}: {id}",
                locale.tag()
            );
        }
    }
}

both_backends!(
    a_technician_travels_to_one_visit_at_a_time_and_may_undo_a_mistaken_start,
    |db: TestDb| async move {
        let w = world(db).await;
        let nine = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let eleven = w
            .visit(w.acme, w.tom, local(monday(), 11, 0), plateau())
            .await;
        let at = |minutes: i64| now() + SignedDuration::from_mins(minutes);
        let on_duty: OnDuty = w.tom_as.grant().unwrap();
        let act =
            |id, action, when| technician::transition(&w.app, on_duty, id, action, None, when);

        act(nine, BookingAction::StartTravel, now()).await.unwrap();
        // A second travel is refused, naming the first; nothing changes.
        let refused = act(eleven, BookingAction::StartTravel, at(1)).await;
        assert!(
            matches!(refused, Err(BookingError::AlreadyTraveling(other)) if other == nine),
            "{refused:?}"
        );
        assert_eq!(w.state(eleven).await, BookingState::Scheduled);

        // Undone within five minutes: back to Scheduled, the customer told.
        act(nine, BookingAction::StopTravel, at(4)).await.unwrap();
        assert_eq!(w.state(nine).await, BookingState::Scheduled);
        let key = format!("booking:{nine}:travel-stopped:{}", at(4).as_millisecond());
        assert!(w.email(&key).await.is_some());

        // Started again: a new "on the way" email; too late to undo after five minutes.
        act(nine, BookingAction::StartTravel, at(5)).await.unwrap();
        let key = format!("booking:{nine}:on-the-way:{}", at(5).as_millisecond());
        assert!(
            w.email(&key).await.is_some(),
            "a second journey is told too"
        );
        let late = act(nine, BookingAction::StopTravel, at(11)).await;
        assert!(matches!(late, Err(BookingError::UndoTooLate)), "{late:?}");
        assert_eq!(w.state(nine).await, BookingState::Traveling);

        // Going to the 11:00 visit instead: in one step the 9:00 one stops, this one starts.
        let stopped = booking::travel_instead(&w.app, on_duty, eleven, at(12))
            .await
            .unwrap();
        assert_eq!(stopped, Some(nine));
        assert_eq!(w.state(nine).await, BookingState::Scheduled);
        assert_eq!(w.state(eleven).await, BookingState::Traveling);
        let key = format!("booking:{nine}:travel-stopped:{}", at(12).as_millisecond());
        assert!(w.email(&key).await.is_some());

        // Another technician's visit is not found, and cannot be stopped through a switch.
        let umas = w
            .visit(w.beta, w.uma, local(monday(), 10, 0), hochelaga())
            .await;
        let foreign = booking::travel_instead(&w.app, on_duty, umas, at(13)).await;
        assert!(
            matches!(foreign, Err(BookingError::NotFound)),
            "{foreign:?}"
        );

        // The database itself refuses a second Traveling visit, whatever writes it.
        let mut conn = w.conn().await;
        let second = bookings::transition_booking_at(
            &mut conn,
            nine,
            BookingAction::StartTravel,
            None,
            None,
            at(14),
        )
        .await;
        assert!(second.is_err(), "{second:?}");
        drop(conn);
        assert_eq!(w.state(nine).await, BookingState::Scheduled);
    }
);

both_backends!(
    two_starts_of_travel_at_once_leave_one_visit_traveling,
    |db: TestDb| async move {
        let w = world(db).await;
        let nine = w
            .visit(w.acme, w.tom, local(monday(), 9, 0), plateau())
            .await;
        let eleven = w
            .visit(w.acme, w.tom, local(monday(), 11, 0), plateau())
            .await;
        let on_duty: OnDuty = w.tom_as.grant().unwrap();
        let (a, b) = tokio::join!(
            technician::transition(
                &w.app,
                on_duty,
                nine,
                BookingAction::StartTravel,
                None,
                now()
            ),
            technician::transition(
                &w.app,
                on_duty,
                eleven,
                BookingAction::StartTravel,
                None,
                now()
            ),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{a:?} {b:?}"
        );
        let traveling = [w.state(nine).await, w.state(eleven).await]
            .iter()
            .filter(|s| **s == BookingState::Traveling)
            .count();
        assert_eq!(traveling, 1);
    }
);
