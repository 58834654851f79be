//! Feedback on completed visits, on SQLite and PostgreSQL: only a customer of the visit's
//! account, only a Completed visit, once, only while surveys are on; every bad field refused
//! with nothing stored; the homepage's Send Feedback; the staff's averages per technician,
//! service type and month; the survey and the portal settings for administrators only.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking;
use onsite_app::feedback::{self, FeedbackError, FeedbackInput, QuestionInput};
use onsite_app::policy::{Admin, Customer, Principal, Staff};
use onsite_testkit::fixtures::{customer_accounts, plateau};
use onsite_testkit::{FromTestDb, both_backends, fixtures};

use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::feedback::Answer;

use onsite_domain::role::Role;
use onsite_domain::settings::InvalidSetting;
use onsite_domain::text::EmailAddress;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, SurveyQuestionId, TechnicianId};
use onsite_store::Conn;
use onsite_store::accounts::{self, NewContact};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::feedback::ResponseFilter;
use onsite_store::records::Start;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::TestDb;

/// 1 May 2026, noon UTC: visits are days after it.
fn t0() -> Timestamp {
    Timestamp::from_second(1_777_636_800).unwrap()
}

fn now() -> Timestamp {
    t0() + SignedDuration::from_hours(24 * 90)
}

/// What every test of this file starts from; the test keeps the database (a [`TestDb`]) until
/// it ends.
struct World {
    app: App,
    acme: AccountId,
    ana: Principal,
    /// Of another account.
    bob: Principal,
    staff: Principal,
    admin: Principal,
    tom: TechnicianId,
    uma: TechnicianId,
    furnace: ServiceTypeId,
    heat_pump: ServiceTypeId,
    /// Completed visits of Acme (1 May, 2 May) and one Scheduled.
    done: BookingId,
    done2: BookingId,
    scheduled: BookingId,
}

async fn person(
    conn: &mut Conn,
    account: Option<AccountId>,
    email: &str,
    name: &str,
    role: Role,
) -> Principal {
    let email = EmailAddress::parse(email).unwrap();
    let contact = match account {
        Some(account_id) => Some(
            accounts::insert_contact(
                conn,
                &NewContact {
                    account_id,
                    first_name: name,
                    last_name: "Client",
                    email: &email,
                    phone: None,
                },
            )
            .await
            .unwrap(),
        ),
        None => None,
    };
    let user_id = fixtures::user(conn, email.as_str(), name, contact, &[role]).await;
    Principal {
        user_id,
        roles: vec![role],
        account_id: account,
        technician_id: None,
    }
}

/// A visit of `account` on day `day` after [`t0`], with `history` behind it.
#[allow(clippy::too_many_arguments)]
async fn visit(
    conn: &mut Conn,
    account: AccountId,
    tech: TechnicianId,
    st: ServiceTypeId,
    day: i64,
    history: &[BookingAction],
) -> BookingId {
    let start = t0() + SignedDuration::from_hours(24 * day);
    let uid = format!("{}-{day}-{}@test", tech.0, st.0);
    let wo = work_orders::insert_work_order(
        conn,
        &NewWorkOrder {
            number: &format!("WO-{uid}"),
            account_id: account,
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
    let steps: Vec<RecordedTransition<'_>> = history
        .iter()
        .map(|a| RecordedTransition {
            action: *a,
            at: start,
            actor: None,
            note: None,
        })
        .collect();
    bookings::insert_booking_with_history(
        conn,
        &NewBooking {
            work_order_id: wo,
            technician_id: tech,
            starts_at: start,
            ends_at: start + SignedDuration::from_mins(60),
            location: plateau(),
            ics_uid: &uid,
            idempotency_key: None,
            booked_by: None,
            booked_at: t0() - SignedDuration::from_hours(48),
        },
        &steps,
    )
    .await
    .unwrap()
}

const COMPLETED: &[BookingAction] = &[
    BookingAction::StartTravel,
    BookingAction::StartWork,
    BookingAction::Complete,
];

impl FromTestDb for World {
    async fn from_test_db(db: TestDb) -> (World, Option<TestDb>) {
        (world(&db).await, Some(db))
    }
}

async fn world(db: &TestDb) -> World {
    let app = crate::app_on(db);
    let mut conn = app.store.conn().await.unwrap();
    let [acme, other] = customer_accounts(&mut conn, ["Acme", "Other"]).await;
    let ana = person(
        &mut conn,
        Some(acme),
        "ana@example.com",
        "Ana",
        Role::SelfScheduling,
    )
    .await;
    let bob = person(
        &mut conn,
        Some(other),
        "bob@example.com",
        "Bob",
        Role::SelfScheduling,
    )
    .await;
    let staff = person(
        &mut conn,
        None,
        "dispatch@example.com",
        "Dispatch",
        Role::Dispatcher,
    )
    .await;
    let admin = person(&mut conn, None, "admin@example.com", "Admin", Role::Admin).await;
    let mut techs = Vec::new();
    for name in ["Tom", "Uma"] {
        techs.push(fixtures::technician(&mut conn, name, None).await);
    }
    let mut types = Vec::new();
    for name in ["Furnace maintenance", "Heat pump repair"] {
        types.push(fixtures::service_type(&mut conn, name, &[]).await);
    }
    let (tom, uma, furnace, heat_pump) = (techs[0], techs[1], types[0], types[1]);
    let done = visit(&mut conn, acme, tom, furnace, 0, COMPLETED).await;
    let done2 = visit(&mut conn, acme, uma, heat_pump, 1, COMPLETED).await;
    let scheduled = visit(&mut conn, acme, tom, furnace, 100, &[]).await;
    drop(conn);
    World {
        app,
        acme,
        ana,
        bob,
        staff,
        admin,
        tom,
        uma,
        furnace,
        heat_pump,
        done,
        done2,
        scheduled,
    }
}

fn input(rating: &str) -> FeedbackInput {
    FeedbackInput {
        rating: rating.into(),
        comment: "Friendly and quick".into(),
        answers: Vec::new(),
    }
}

impl World {
    async fn responses(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses")
            .fetch_one(&mut *self.app.store.conn().await.unwrap())
            .await
            .unwrap()
    }

    async fn question(&self, kind: &str, en: &str, required: bool) -> SurveyQuestionId {
        feedback::add_question(
            &self.app,
            self.admin.grant().unwrap(),
            kind,
            &QuestionInput {
                labels: vec![("en".into(), en.into())],
                required,
            },
            now(),
        )
        .await
        .unwrap()
    }

    async fn surveys(&self, on: bool) {
        feedback::set_portal_setting(
            &self.app,
            self.admin.grant().unwrap(),
            "surveys/enabled",
            &on.to_string(),
        )
        .await
        .unwrap();
    }

    async fn past_due(&self) -> Vec<(BookingId, bool)> {
        let home = booking::homepage(&self.app, self.ana.grant().unwrap(), now())
            .await
            .unwrap();
        home.past.iter().map(|v| (v.id, v.feedback_due)).collect()
    }
}

both_backends!(
    a_customer_rates_a_completed_visit_of_their_account_once,
    |w: World| async move {
        let sent =
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &input("4"), now())
                .await
                .unwrap();
        assert_eq!(sent.rating.get(), 4);
        assert_eq!(sent.comment.as_deref(), Some("Friendly and quick"));
        assert_eq!(
            (sent.author_name.as_str(), sent.technician_id),
            ("Ana", w.tom)
        );
        assert_eq!(sent.visit_month, "2026-05");

        let again =
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &input("1"), now())
                .await;
        assert!(
            matches!(again, Err(FeedbackError::AlreadySent)),
            "{again:?}"
        );
        let page = feedback::feedback_page(&w.app, w.ana.grant().unwrap(), w.done)
            .await
            .unwrap();
        assert_eq!(page.sent.map(|r| r.rating.get()), Some(4));

        // Another account's visit is not found; staff do not rate; a visit not done yet
        // cannot be rated.
        let other =
            feedback::send_feedback(&w.app, w.bob.grant().unwrap(), w.done2, &input("5"), now())
                .await;
        assert!(matches!(other, Err(FeedbackError::NotFound)), "{other:?}");
        let other = feedback::feedback_page(&w.app, w.bob.grant().unwrap(), w.done2).await;
        assert!(matches!(other, Err(FeedbackError::NotFound)), "{other:?}");
        // Staff do not rate visits: the policy grants them no `Customer`.
        assert_eq!(w.staff.grant::<Customer>(), None);
        let early = feedback::send_feedback(
            &w.app,
            w.ana.grant().unwrap(),
            w.scheduled,
            &input("5"),
            now(),
        )
        .await;
        assert!(
            matches!(
                early,
                Err(FeedbackError::NotCompleted(BookingState::Scheduled))
            ),
            "{early:?}"
        );
        let missing = feedback::send_feedback(
            &w.app,
            w.ana.grant().unwrap(),
            BookingId(999_999),
            &input("5"),
            now(),
        )
        .await;
        assert!(
            matches!(missing, Err(FeedbackError::NotFound)),
            "{missing:?}"
        );
        assert_eq!(w.responses().await, 1);

        // The visit page shows the rating; the homepage no longer offers Send Feedback on it.
        let view = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), w.done)
            .await
            .unwrap();
        assert_eq!((view.feedback_rating, view.feedback_due), (Some(4), false));
        assert_eq!(w.past_due().await, [(w.done2, true), (w.done, false)]);
    }
);

both_backends!(
    with_surveys_off_feedback_is_refused_and_not_offered,
    |w: World| async move {
        assert_eq!(w.past_due().await, [(w.done2, true), (w.done, true)]);
        w.surveys(false).await;
        assert_eq!(w.past_due().await, [(w.done2, false), (w.done, false)]);
        let refused =
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &input("5"), now())
                .await;
        assert!(
            matches!(refused, Err(FeedbackError::Disabled)),
            "{refused:?}"
        );
        assert_eq!(w.responses().await, 0);
        w.surveys(true).await;
        feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &input("5"), now())
            .await
            .unwrap();
    }
);

both_backends!(
    bad_feedback_is_refused_field_by_field_and_nothing_is_stored,
    |w: World| async move {
        let on_time = w
            .question("yes_no", "Was the technician on time?", true)
            .await;
        let talk = w
            .question("rating", "How would you rate the communication?", false)
            .await;
        let notes = w.question("text", "Anything else?", false).await;
        let bad = FeedbackInput {
            rating: "6".into(),
            comment: "x".repeat(2001),
            answers: vec![(talk, "9".into()), (notes, "fine".into())],
        };
        let Err(FeedbackError::Invalid(problems)) =
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &bad, now()).await
        else {
            panic!("accepted");
        };
        let found: Vec<(String, &str)> = problems
            .iter()
            .map(|p| (p.field.clone(), p.reason))
            .collect();
        assert_eq!(
            found,
            [
                ("rating".to_owned(), "rating-range"),
                ("comment".to_owned(), "too-long"),
                (format!("q-{on_time}"), "required"),
                (format!("q-{talk}"), "rating-range"),
            ]
        );
        let maybe = FeedbackInput {
            rating: "".into(),
            comment: String::new(),
            answers: vec![
                (on_time, "maybe".into()),
                (SurveyQuestionId(999), "x".into()),
            ],
        };
        let Err(FeedbackError::Invalid(problems)) =
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &maybe, now()).await
        else {
            panic!("accepted");
        };
        let reasons: Vec<&str> = problems.iter().map(|p| p.reason).collect();
        assert_eq!(reasons, ["required", "unknown", "yes-no"]);
        assert_eq!(w.responses().await, 0);

        // A retired question is no longer asked (even if required); optional ones may be left.
        feedback::set_question_active(&w.app, w.admin.grant().unwrap(), on_time, false, now())
            .await
            .unwrap();
        let good = FeedbackInput {
            rating: "5".into(),
            comment: String::new(),
            answers: vec![(talk, "4".into())],
        };
        let sent = feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &good, now())
            .await
            .unwrap();
        assert_eq!(sent.comment, None);
        assert_eq!(
            sent.answers,
            [(talk, Answer::Rating(4.try_into().unwrap()))]
        );
    }
);

both_backends!(
    staff_see_averages_per_technician_service_type_and_month,
    |w: World| async move {
        let mut conn = w.app.store.conn().await.unwrap();
        // Two more completed visits of Acme in June: Tom's furnace, Uma's heat pump.
        let june_tom = visit(&mut conn, w.acme, w.tom, w.furnace, 35, COMPLETED).await;
        let june_uma = visit(&mut conn, w.acme, w.uma, w.heat_pump, 36, COMPLETED).await;
        drop(conn);
        for (b, stars) in [
            (w.done, "5"),
            (w.done2, "2"),
            (june_tom, "3"),
            (june_uma, "4"),
        ] {
            feedback::send_feedback(&w.app, w.ana.grant().unwrap(), b, &input(stars), now())
                .await
                .unwrap();
        }
        let all = feedback::staff_feedback(
            &w.app,
            w.staff.grant().unwrap(),
            ResponseFilter::default(),
            Start::First,
        )
        .await
        .unwrap();
        let summary = |a: &[onsite_store::feedback::Average]| {
            a.iter()
                .map(|a| (a.label.clone(), a.count, a.mean()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            summary(&all.by_technician),
            [("Tom".into(), 2, 4.0), ("Uma".into(), 2, 3.0)]
        );
        assert_eq!(
            summary(&all.by_service_type),
            [
                ("Furnace maintenance".into(), 2, 4.0),
                ("Heat pump repair".into(), 2, 3.0)
            ]
        );
        assert_eq!(
            summary(&all.by_month),
            [("2026-06".into(), 2, 3.5), ("2026-05".into(), 2, 3.5)]
        );
        assert_eq!(all.responses.items.len(), 4);
        assert_eq!(
            (all.responses.next.as_ref(), all.responses.prev.as_ref()),
            (None, None)
        );
        // Pages of three, newest first: Next, then Previous back to the same three.
        let mut conn = w.app.store.conn().await.unwrap();
        let every = ResponseFilter::default();
        let ids = |p: &onsite_store::records::Page<onsite_store::feedback::Response>| {
            p.items.iter().map(|r| r.id).collect::<Vec<_>>()
        };
        let first = onsite_store::feedback::responses(&mut conn, &every, Start::First, 3)
            .await
            .unwrap();
        assert_eq!(ids(&first), ids(&all.responses)[..3]);
        let next = first.next.clone().expect("a fourth response");
        let second = onsite_store::feedback::responses(
            &mut conn,
            &every,
            onsite_store::feedback::responses_start(next.as_str()).unwrap(),
            3,
        )
        .await
        .unwrap();
        assert_eq!(ids(&second), ids(&all.responses)[3..]);
        assert!(second.next.is_none());
        let back = onsite_store::feedback::responses(
            &mut conn,
            &every,
            onsite_store::feedback::responses_start(second.prev.as_ref().unwrap().as_str())
                .unwrap(),
            3,
        )
        .await
        .unwrap();
        assert_eq!(ids(&back), ids(&first));
        assert!(onsite_store::feedback::responses_start("not-a-cursor").is_err());
        drop(conn);
        let may = ResponseFilter {
            month: Some(feedback::parse_month("2026-05").unwrap()),
            ..ResponseFilter::default()
        };
        let may = feedback::staff_feedback(&w.app, w.staff.grant().unwrap(), may, Start::First)
            .await
            .unwrap();
        assert_eq!(
            summary(&may.by_technician),
            [("Tom".into(), 1, 5.0), ("Uma".into(), 1, 2.0)]
        );
        // Customers do not read the staff's page.
        assert_eq!(w.ana.grant::<Staff>(), None);
    }
);

both_backends!(
    only_administrators_edit_the_survey_and_portal_settings,
    |w: World| async move {
        let q = QuestionInput {
            labels: vec![("en".into(), "On time?".into())],
            required: false,
        };
        assert_eq!(w.staff.grant::<Admin>(), None);
        let unknown =
            feedback::add_question(&w.app, w.admin.grant().unwrap(), "stars", &q, now()).await;
        assert!(matches!(unknown, Err(FeedbackError::Invalid(_))));
        let french_only = QuestionInput {
            labels: vec![("fr".into(), "À l'heure ?".into())],
            required: false,
        };
        let Err(FeedbackError::Invalid(p)) = feedback::add_question(
            &w.app,
            w.admin.grant().unwrap(),
            "yes_no",
            &french_only,
            now(),
        )
        .await
        else {
            panic!("accepted");
        };
        assert_eq!(p[0].field, "label-en");

        let out = feedback::set_portal_setting(
            &w.app,
            w.admin.grant().unwrap(),
            "tracking/retention_days",
            "0",
        )
        .await;
        assert!(
            matches!(
                out,
                Err(FeedbackError::Setting(InvalidSetting::IntegerOutOfRange {
                    min: 1,
                    max: 365,
                    ..
                }))
            ),
            "{out:?}"
        );
        let foreign = feedback::set_portal_setting(
            &w.app,
            w.admin.grant().unwrap(),
            "distribution/accept_hours",
            "5",
        )
        .await;
        assert!(matches!(
            foreign,
            Err(FeedbackError::Setting(InvalidSetting::Unknown(_)))
        ));
        feedback::set_portal_setting(
            &w.app,
            w.admin.grant().unwrap(),
            "tracking/retention_days",
            "7",
        )
        .await
        .unwrap();
        let rows = feedback::portal_settings(&w.app, w.admin.grant().unwrap())
            .await
            .unwrap();
        let retention = rows
            .iter()
            .find(|r| r.setting.key == "tracking/retention_days")
            .unwrap();
        assert_eq!(
            retention.value,
            onsite_domain::settings::SettingValue::Integer(7)
        );
    }
);

// Issue 16: feedback sent is a webhook event, queued in the same transaction.
both_backends!(
    feedback_sent_queues_its_webhook_event,
    |w: World| async move {
        use onsite_domain::webhook::{EventType, WebhookUrl};
        use onsite_store::webhooks::{self as hooks, EndpointFields};
        let url = WebhookUrl::parse("https://crm.example.com/onsite").unwrap();
        let fields = EndpointFields {
            url: &url,
            description: "",
            active: true,
            events: &[EventType::FeedbackReceived],
        };
        let mut conn = w.app.store.conn().await.unwrap();
        hooks::insert_endpoint(&mut conn, &fields, "whsec_f", now())
            .await
            .unwrap();
        drop(conn);
        feedback::send_feedback(&w.app, w.ana.grant().unwrap(), w.done, &input("4"), now())
            .await
            .unwrap();
        let event_id = format!("feedback.received:{}", w.done);
        let mut conn = w.app.store.conn().await.unwrap();
        let queued = hooks::deliveries_of_event(&mut conn, &event_id)
            .await
            .unwrap();
        assert_eq!(queued.len(), 1);
        let body: String = sqlx::query_scalar("SELECT body FROM webhook_deliveries WHERE id = $1")
            .bind(queued[0].id.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["type"], "feedback.received");
        assert_eq!(body["data"]["booking_id"], w.done.0);
        assert_eq!(body["data"]["rating"], 4);
        assert_eq!(body["data"]["comment"], "Friendly and quick");
        assert_eq!(body["data"]["technician_id"], w.tom.0);
    }
);
