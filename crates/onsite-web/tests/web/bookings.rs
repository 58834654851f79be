//! Self-scheduling over HTTP, on SQLite and PostgreSQL: Book a new appointment through the pages
//! (day picker, the slots fragment, Book, the confirmation), the homepage's groups, Modify
//! (reschedule, Cancel appointment with a reason), what customers may not do (another account's
//! visit, a visit that has started), the dispatcher's board moving visits through their states,
//! the JSON API with its idempotency key, and no server error whatever is sent.
//!
//! The world: accounts A and B of `support::World` (the same address, postal code H1V), one
//! territory covering it, one technician working every day 07:00–19:00 there, and a service
//! type of one hour. Times are real (the app's clock), so tests find the first free day rather
//! than name one.

use crate::support::{TestApp, TestResponse, World};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp};
use onsite_app::booking::{self, BookRequest, ServiceRequest};
use onsite_app::policy::Principal;
use onsite_domain::booking::BookingState;
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::{AssetId, BookingId, ServiceTypeId, TechnicianId, UserId};
use onsite_store::assets::{self, NewAsset};
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::outbox::{self, OutboxFilter};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_testkit::both_backends;
use serde_json::{Value, json};

/// What the self-scheduling tests book.
pub struct Schedule {
    /// "Furnace maintenance", one hour, offered for self-scheduling.
    pub service_type: ServiceTypeId,
    /// Needs a skill nobody has: nobody serves it.
    pub unserved_type: ServiceTypeId,
    pub technician: TechnicianId,
    /// An exposed asset of account A.
    pub asset_a: AssetId,
}

/// Adds the territory, technician, service types and an asset to the world's database.
pub async fn schedule(app: &TestApp, world: &World) -> Schedule {
    let mut conn = app.db.store().conn().await.unwrap();
    let territory = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Mercier–Hochelaga",
            postal_prefixes: &[PostalPrefix::parse("H1V").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
        .await
        .unwrap();
    let elevators = catalog::insert_characteristic(&mut conn, "Elevators")
        .await
        .unwrap();
    let skill = |characteristic_id| SkillLevel {
        characteristic_id,
        rating: Rating::new(3).unwrap(),
    };
    let service_type = catalog::insert_service_type(
        &mut conn,
        &NewServiceType {
            name: "Furnace maintenance",
            description: "Yearly check",
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: &[skill(hvac)],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let unserved_type = catalog::insert_service_type(
        &mut conn,
        &NewServiceType {
            name: "Elevator inspection",
            description: "",
            duration: VisitDuration::from_minutes(120).unwrap(),
            required_skills: &[skill(elevators)],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let every_day: Vec<WorkingPeriod> = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| WorkingPeriod::new(d, 7 * 60, 19 * 60).unwrap())
    .collect();
    let technician = technicians::insert_technician(
        &mut conn,
        &NewTechnician {
            name: "Sam Servicewoman",
            kind: ResourceKind::User,
            user_id: None,
            home_base: GeoPoint::new(45.556, -73.552).unwrap(),
            time_zone: &TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: &every_day,
            territories: &[territory],
            skills: &[SkillLevel {
                characteristic_id: hvac,
                rating: Rating::new(5).unwrap(),
            }],
            active: true,
        },
    )
    .await
    .unwrap();
    let asset_a = assets::insert_asset(
        &mut conn,
        &NewAsset {
            account_id: world.account_a,
            parent_id: None,
            name: "Zephyrine furnace",
            product: "Lennox EL296",
            serial_number: Some("FUR-1"),
            required_skills: &[],
            expose_to_customer: true,
        },
    )
    .await
    .unwrap();
    Schedule {
        service_type,
        unserved_type,
        technician,
        asset_a,
    }
}

pub async fn principal(app: &TestApp, user: UserId) -> Principal {
    let record =
        onsite_store::accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), user)
            .await
            .unwrap()
            .unwrap();
    onsite_web::session::principal_of(&record)
}

/// The free slots of the first day with several free slots, for `who`.
pub async fn first_free_day(
    app: &TestApp,
    who: &Principal,
    service_type: ServiceTypeId,
) -> (Date, Vec<Timestamp>) {
    let now = crate::support::now(app);
    let request = ServiceRequest::new(service_type, None);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let picker = booking::available_days(
        app.app(),
        who,
        &request,
        today.yesterday().unwrap(),
        today.checked_add(jiff::Span::new().days(40)).unwrap(),
        now,
    )
    .await
    .unwrap();
    // A day with room for several visits (late in the afternoon, today may have only one).
    for day in picker.days.iter().filter(|d| d.available) {
        let slots = booking::slots(app.app(), who, &request, day.date, now)
            .await
            .unwrap();
        if slots.slots.len() >= 6 {
            return (day.date, slots.slots.iter().map(|s| s.start).collect());
        }
    }
    panic!("no day with free time within the horizon");
}

/// Books the first free slot for `who` through the use case (for tests about what follows).
pub async fn book_first(app: &TestApp, who: &Principal, service_type: ServiceTypeId) -> BookingId {
    let (_, slots) = first_free_day(app, who, service_type).await;
    booking::book(
        app.app(),
        who,
        BookRequest {
            service: ServiceRequest::new(service_type, None),
            slot_start: slots[0],
            comments: "Zephyrine: ring twice",
            idempotency_key: None,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
    .visit
    .id
}

async fn state_of(app: &TestApp, id: BookingId) -> (BookingState, Timestamp) {
    let b = onsite_store::bookings::booking(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap();
    (b.state, b.starts_at)
}

async fn bookings_of_a(app: &TestApp, world: &World) -> usize {
    onsite_store::bookings::bookings_of_account(
        &mut app.db.store().conn().await.unwrap(),
        world.account_a,
    )
    .await
    .unwrap()
    .len()
}

/// The values of the elements named `name` in a page (`name="slot" value="…"`).
fn values(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.match_indices(&marker)
        .map(|(i, _)| {
            html[i + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The days of the day picker that can be chosen (the others are `disabled`).
fn enabled_days(html: &str) -> Vec<String> {
    html.split("<button type=\"submit\" name=\"date\" value=\"")
        .skip(1)
        .filter(|rest| !rest.split('>').next().unwrap().contains("disabled"))
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

/// The emails of an event (`booking:<id>:confirmed`…), with their attachments' types.
async fn emails(app: &TestApp, event_prefix: &str) -> Vec<(String, Vec<String>)> {
    let mut conn = app.db.store().conn().await.unwrap();
    let list = outbox::list(&mut conn, &OutboxFilter::default(), 500, None)
        .await
        .unwrap();
    let mut found = Vec::new();
    for summary in list
        .iter()
        .filter(|m| m.event_key.starts_with(event_prefix))
    {
        let message = outbox::get(&mut conn, summary.id).await.unwrap();
        found.push((
            message.subject.clone(),
            message
                .attachments
                .iter()
                .map(|a| a.content_type.clone())
                .collect(),
        ));
    }
    found
}

/// A program calling the JSON API with a session (cookie and CSRF token).
struct Api<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl<'a> Api<'a> {
    async fn new(app: &'a TestApp, user: UserId) -> Api<'a> {
        let (token, csrf) = app.session_for(user).await;
        Api {
            app,
            cookie: format!("onsite_session={token}"),
            csrf,
        }
    }

    async fn get(&self, path: &str) -> TestResponse {
        self.app
            .send(
                Request::get(path)
                    .header("host", "onsite.test")
                    .header("cookie", &self.cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
    }

    async fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("host", "onsite.test")
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.app
            .send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

fn error_code(answer: &TestResponse) -> String {
    answer.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---- Pages ----------------------------------------------------------------------------------

both_backends!(
    a_customer_books_from_the_pages_and_sees_it_under_upcoming,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let mut ana = app.browser_as(world.user("customer of A")).await;

        // The empty homepage: the Book button and a friendly line.
        let home = ana.get("/").await.text();
        assert!(home.contains("Welcome, Ana Zephyrine"), "{home}");
        assert!(home.contains(r#"href="/bookings/new">Book a new appointment</a>"#));
        assert!(home.contains("You have no appointments yet"));
        assert!(!home.contains("Upcoming appointments"));

        // Book a new appointment: the account's asset and the service types with durations.
        let page = ana.get("/bookings/new").await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("Zephyrine furnace (Lennox EL296, FUR-1)"),
            "{text}"
        );
        assert!(text.contains("Furnace maintenance (1 h)"));
        assert!(text.contains("Elevator inspection (2 h)"));
        assert!(text.contains("Choose a service type to see the days"));

        // Choosing the service type shows the day picker; full days are disabled.
        let path = format!(
            "/bookings/new?service_type={}&asset={}",
            s.service_type, s.asset_a
        );
        let text = ana.get(&path).await.text();
        let days = enabled_days(&text);
        assert!(!days.is_empty(), "some day is free");
        assert!(
            text.contains(r#"disabled aria-disabled="true""#),
            "past days are disabled"
        );
        let idempotency_key = values(&text, "idempotency_key")[0].clone();

        // The day's slots come as a fragment (what htmx swaps in): no layout around them.
        let fragment = ana
            .get(&format!(
                "/bookings/new/slots?service_type={}&asset={}&date={}",
                s.service_type, s.asset_a, days[0]
            ))
            .await;
        assert_eq!(fragment.status, StatusCode::OK);
        let fragment = fragment.text();
        assert!(!fragment.contains("<html"), "a fragment");
        assert!(fragment.contains("Available times on"));
        let slots = values(&fragment, "slot");
        assert!(!slots.is_empty(), "{fragment}");
        // Without JavaScript, the day button submits the day picker: the same slots in the page.
        let full = ana.get(&format!("{path}&date={}", days[0])).await.text();
        assert_eq!(values(&full, "slot"), slots);
        assert!(
            full.contains(r#"aria-pressed="true""#),
            "the chosen day is marked"
        );

        // Book.
        let booked = ana
            .post(
                "/bookings",
                &[
                    ("idempotency_key", &idempotency_key),
                    ("service_type", &s.service_type.to_string()),
                    ("asset", &s.asset_a.to_string()),
                    ("date", &days[0]),
                    ("slot", &slots[0]),
                    ("comments", "The door code is 4521"),
                ],
            )
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.text());
        let location = booked.header("location").to_owned();
        assert!(location.ends_with("?booked=1"), "{location}");
        let id: i64 = location
            .trim_start_matches("/bookings/")
            .trim_end_matches("?booked=1")
            .parse()
            .unwrap();

        // The confirmation.
        let confirmation = ana.get(&location).await.text();
        assert!(confirmation.contains("Your appointment is booked"));
        assert!(
            confirmation
                .contains("A confirmation email is on its way to ana.zephyrine@a-account.test")
        );
        assert!(confirmation.contains("Furnace maintenance"));
        assert!(confirmation.contains("Sam Servicewoman"));
        assert!(confirmation.contains("Zephyrine furnace"));
        assert!(confirmation.contains("The door code is 4521"));
        assert!(confirmation.contains("5000 Rue Sherbrooke E, Montréal H1V 1A1"));
        let emails = emails(&app, &format!("booking:{id}:confirmed")).await;
        assert_eq!(emails.len(), 1, "one confirmation email");
        assert!(emails[0].1.iter().any(|t| t.starts_with("text/calendar")));

        // The homepage lists it under Upcoming, with Modify.
        let home = ana.get("/").await.text();
        assert!(home.contains("Upcoming appointments"));
        assert!(home.contains(&format!(
            r#"href="/bookings/{id}" aria-label="Modify: Furnace maintenance"#
        )));
        assert!(home.contains("Scheduled"));
        let past = ana.get("/?tab=past").await.text();
        assert!(past.contains("No past appointments yet"));
    }
);

both_backends!(
    a_double_submitted_form_books_once,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let (day, slots) = first_free_day(&app, &ana, s.service_type).await;
        let mut browser = app.browser_as(world.user("customer of A")).await;
        let fields = [
            ("idempotency_key", "form-7f3a"),
            ("service_type", &s.service_type.to_string()),
            ("asset", ""),
            ("date", &day.to_string()),
            ("slot", &slots[0].to_string()),
            ("comments", ""),
        ];
        let first = browser.post("/bookings", &fields).await;
        let second = browser.post("/bookings", &fields).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text());
        assert_eq!(first.header("location"), second.header("location"));
        assert_eq!(bookings_of_a(&app, &world).await, 1);

        // The API: the same Idempotency-Key twice is one booking, the second answer says so.
        let api = Api::new(&app, world.user("customer of A")).await;
        // Another time of the day, far enough from the first for the one technician.
        let later = slots
            .iter()
            .find(|t| **t >= slots[0] + SignedDuration::from_hours(2))
            .copied()
            .unwrap_or_else(|| *slots.last().unwrap());
        let body = json!({"service_type": s.service_type.0, "slot_start": later.to_string()});
        let one = api
            .post("/api/v1/bookings", &body, &[("idempotency-key", "api-1")])
            .await;
        let two = api
            .post("/api/v1/bookings", &body, &[("idempotency-key", "api-1")])
            .await;
        assert_eq!(one.status, StatusCode::CREATED, "{}", one.text());
        assert_eq!(two.status, StatusCode::OK, "{}", two.text());
        assert_eq!(one.json()["booking"]["id"], two.json()["booking"]["id"]);
        assert_eq!(two.json()["replayed"], true);
        assert_eq!(bookings_of_a(&app, &world).await, 2);
    }
);

both_backends!(
    a_time_just_taken_brings_back_the_days_slots_with_the_message,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let bruno = principal(&app, world.user("customer of B")).await;
        let (day, slots) = first_free_day(&app, &bruno, s.service_type).await;
        // Ana's page offered this time; Bruno books it first (one technician only).
        booking::book(
            app.app(),
            &bruno,
            BookRequest {
                service: ServiceRequest::new(s.service_type, None),
                slot_start: slots[0],
                comments: "",
                idempotency_key: None,
            },
            crate::support::now(&app),
        )
        .await
        .unwrap();
        let mut ana = app.browser_as(world.user("customer of A")).await;
        let answer = ana
            .post(
                "/bookings",
                &[
                    ("idempotency_key", "late"),
                    ("service_type", &s.service_type.to_string()),
                    ("date", &day.to_string()),
                    ("slot", &slots[0].to_string()),
                    ("comments", "Keep this comment"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT);
        let text = answer.text();
        assert!(text.contains("This time was just taken. Please choose another time."));
        assert!(
            text.contains("Available times on"),
            "back to that day's slots"
        );
        assert!(
            !values(&text, "slot").contains(&slots[0].to_string()),
            "not offered again"
        );
        assert!(text.contains("Keep this comment"), "what was typed stays");
        assert_eq!(bookings_of_a(&app, &world).await, 0);
    }
);

both_backends!(
    a_customer_reschedules_then_cancels_with_a_reason,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let who = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &who, s.service_type).await;
        let (_, before) = state_of(&app, id).await;
        let mut ana = app.browser_as(world.user("customer of A")).await;

        // Modify: the day picker and Cancel appointment.
        let page = ana.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("Modify appointment"));
        assert!(page.contains("Choose a new date and time"));
        assert!(page.contains("Cancel appointment"));
        let days = enabled_days(&page);
        let fragment = ana
            .get(&format!("/bookings/{id}/slots?date={}", days[0]))
            .await
            .text();
        let new_slot = values(&fragment, "slot")
            .into_iter()
            .find(|v| *v != before.to_string())
            .expect("another slot");
        let moved = ana
            .post(
                &format!("/bookings/{id}/reschedule"),
                &[("date", &days[0]), ("slot", &new_slot)],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert_eq!(
            moved.header("location"),
            format!("/bookings/{id}?notice=booking-rescheduled")
        );
        let (state, after) = state_of(&app, id).await;
        assert_eq!(state, BookingState::Scheduled);
        assert_eq!(after.to_string(), new_slot);
        assert_eq!(
            emails(&app, &format!("booking:{id}:rescheduled"))
                .await
                .len(),
            1
        );
        let shown = ana.get(moved.header("location")).await.text();
        assert!(shown.contains("Your appointment has a new time"));

        // Rescheduling without a time, or to a time not on the grid: refused, nothing moves.
        let none = ana
            .post(&format!("/bookings/{id}/reschedule"), &[("date", &days[0])])
            .await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.text().contains("Choose a time from the list."));
        let odd = (after + SignedDuration::from_mins(7)).to_string();
        let off_grid = ana
            .post(&format!("/bookings/{id}/reschedule"), &[("slot", &odd)])
            .await;
        assert!(off_grid.status.is_client_error(), "{}", off_grid.status);
        assert!(
            off_grid
                .text()
                .contains("This is not one of the times offered")
        );
        assert_eq!(state_of(&app, id).await.1, after);

        // Cancel needs a reason.
        let no_reason = ana
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "  ")])
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            no_reason
                .text()
                .contains("Please tell us why you are canceling.")
        );
        assert_eq!(state_of(&app, id).await.0, BookingState::Scheduled);
        let canceled = ana
            .post(
                &format!("/bookings/{id}/cancel"),
                &[("reason", "The furnace works again")],
            )
            .await;
        assert_eq!(canceled.status, StatusCode::SEE_OTHER);
        assert_eq!(
            canceled.header("location"),
            "/?tab=past&notice=booking-canceled"
        );
        assert_eq!(state_of(&app, id).await.0, BookingState::Canceled);
        assert_eq!(
            emails(&app, &format!("booking:{id}:canceled")).await.len(),
            1
        );

        // It is under Past appointments, as Canceled with its reason; nothing is upcoming.
        let past = ana.get(canceled.header("location")).await.text();
        assert!(past.contains("Your appointment is canceled"));
        assert!(past.contains("Canceled"));
        assert!(past.contains("The furnace works again"));
        assert!(past.contains(r#"aria-current="page">Past appointments"#));
        let upcoming = ana.get("/").await.text();
        assert!(upcoming.contains("No upcoming appointments."));

        // A canceled visit's page is read-only and says why; posting anyway is refused.
        let page = ana.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("This appointment is canceled."));
        assert!(!page.contains("Choose a new date and time"));
        let again = ana
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "again")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }
);

both_backends!(
    another_accounts_visit_is_not_found_anywhere,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let (_, starts) = state_of(&app, id).await;
        let mut bruno = app.browser_as(world.user("customer of B")).await;
        for path in [
            format!("/bookings/{id}"),
            format!("/bookings/{id}/slots?date=2030-01-01"),
        ] {
            let answer = bruno.get(&path).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!answer.text().contains("Zephyrine"), "{path}");
        }
        let cancel = bruno
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "mine now")])
            .await;
        assert_eq!(cancel.status, StatusCode::NOT_FOUND);
        let reschedule = bruno
            .post(
                &format!("/bookings/{id}/reschedule"),
                &[(
                    "slot",
                    &(starts + SignedDuration::from_hours(1)).to_string(),
                )],
            )
            .await;
        assert_eq!(reschedule.status, StatusCode::NOT_FOUND);
        let api = Api::new(&app, world.user("customer of B")).await;
        assert_eq!(
            api.get(&format!("/api/v1/bookings/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let refused = api
            .post(
                &format!("/api/v1/bookings/{id}/cancel"),
                &json!({"reason": "x"}),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&refused), "not_found");
        let list = api.get("/api/v1/bookings").await.json();
        assert_eq!(list["upcoming"], json!([]));
        // Unchanged.
        assert_eq!(state_of(&app, id).await, (BookingState::Scheduled, starts));
    }
);

/// Books the first free slot for `who` on the asset, with the comments.
async fn book_on_asset(
    app: &TestApp,
    who: &Principal,
    s: &Schedule,
    slot: usize,
    comments: &str,
) -> booking::VisitView {
    let (_, slots) = first_free_day(app, who, s.service_type).await;
    booking::book(
        app.app(),
        who,
        BookRequest {
            service: ServiceRequest::new(s.service_type, Some(s.asset_a)),
            slot_start: slots[slot],
            comments,
            idempotency_key: None,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
    .visit
}

/// Every text of the emails of a visit's events after the confirmation (bodies and calendar
/// invitations).
async fn later_email_texts(app: &TestApp, id: BookingId) -> Vec<String> {
    let mut conn = app.db.store().conn().await.unwrap();
    let list = outbox::list(&mut conn, &OutboxFilter::default(), 500, None)
        .await
        .unwrap();
    let mut texts = Vec::new();
    for summary in list.iter().filter(|m| {
        m.event_key.starts_with(&format!("booking:{id}:")) && !m.event_key.ends_with(":confirmed")
    }) {
        let m = outbox::get(&mut conn, summary.id).await.unwrap();
        texts.extend([m.subject, m.text_body, m.html_body]);
        texts.extend(
            m.attachments
                .iter()
                .map(|a| String::from_utf8_lossy(&a.content).into_owned()),
        );
    }
    texts
}

// Staff turn Expose to Customer off on an asset and on work orders: from then on, nothing the
// customer is shown of their visits names the asset, the work orders' numbers or their
// summaries (the customer's comments): not the visit page, the homepage, the live map, Send
// Feedback, the API, nor the emails of what happens next and their calendar invitations. Staff
// still see all of it.
both_backends!(
    hidden_assets_and_work_orders_stay_hidden_on_the_customers_visits,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let first = book_on_asset(&app, &ana, &s, 0, "Ring twice at the back door").await;
        let second = book_on_asset(&app, &ana, &s, 2, "Ring twice at the back door").await;
        let mut customer = app.browser_as(world.user("customer of A")).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let secrets = |v: &booking::VisitView| {
            [
                "Zephyrine furnace".to_owned(),
                "Ring twice".to_owned(),
                v.work_order_number.clone().unwrap(),
            ]
        };
        let page = customer
            .get(&format!("/bookings/{}", first.id))
            .await
            .text();
        for secret in secrets(&first) {
            assert!(page.contains(&secret), "exposed, {secret} is shown");
        }

        for path in [
            format!("/staff/assets/{}/expose", s.asset_a),
            format!("/staff/work-orders/{}/expose", first.work_order_id),
            format!("/staff/work-orders/{}/expose", second.work_order_id),
        ] {
            let hidden = dora.post(&path, &[("exposed", "false")]).await;
            assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{path}");
        }
        let day = first
            .starts_at
            .to_zoned(jiff::tz::TimeZone::get("America/Toronto").unwrap())
            .date();
        let travel = dora
            .post(
                &format!("/staff/visits/{}/transition", first.id),
                &[("action", "start_travel"), ("day", &day.to_string())],
            )
            .await;
        assert_eq!(travel.status, StatusCode::SEE_OTHER, "{}", travel.text());

        let api = Api::new(&app, world.user("customer of A")).await;
        let mut shown = vec![
            customer.get("/").await.text(),
            customer
                .get(&format!("/bookings/{}", first.id))
                .await
                .text(),
            customer
                .get(&format!("/bookings/{}", second.id))
                .await
                .text(),
            customer
                .get(&format!("/bookings/{}/live", first.id))
                .await
                .text(),
            api.get("/api/v1/bookings").await.text(),
            api.get(&format!("/api/v1/bookings/{}", first.id))
                .await
                .text(),
            api.get(&format!("/api/v1/bookings/{}/live", first.id))
                .await
                .text(),
        ];
        for visit in [&first, &second] {
            let answer = api
                .get(&format!("/api/v1/bookings/{}", visit.id))
                .await
                .json();
            assert_eq!(answer["booking"]["work_order"], Value::Null, "{answer}");
            assert_eq!(answer["booking"]["asset"], Value::Null);
            assert_eq!(answer["booking"]["comments"], Value::Null);
        }
        // What happens next: the visit is completed (Send Feedback), the other one canceled.
        for action in ["start_work", "complete"] {
            let moved = dora
                .post(
                    &format!("/staff/visits/{}/transition", first.id),
                    &[("action", action)],
                )
                .await;
            assert_eq!(moved.status, StatusCode::SEE_OTHER, "{action}");
        }
        shown.push(customer.get("/?tab=past").await.text());
        shown.push(
            customer
                .get(&format!("/bookings/{}/feedback", first.id))
                .await
                .text(),
        );
        let canceled = customer
            .post(
                &format!("/bookings/{}/cancel", second.id),
                &[("reason", "No longer needed")],
            )
            .await;
        assert!(canceled.status.is_redirection(), "{}", canceled.text());
        let first_emails = later_email_texts(&app, first.id).await;
        let second_emails = later_email_texts(&app, second.id).await;
        assert!(first_emails.len() >= 4, "on the way and completed");
        assert!(second_emails.len() >= 3, "canceled, with its invitation");
        shown.extend(first_emails);
        shown.extend(second_emails);
        for text in &shown {
            for secret in secrets(&first).iter().chain(&secrets(&second)) {
                assert!(!text.contains(secret.as_str()), "{secret} shown in\n{text}");
            }
        }

        // Staff see them all.
        let board = dora.get(&format!("/staff/visits?day={day}")).await.text();
        assert!(board.contains("Zephyrine furnace"));
        assert!(board.contains(first.work_order_number.as_deref().unwrap()));
    }
);

both_backends!(
    visits_that_have_started_cannot_be_modified_and_move_through_the_homepage,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let mut customer = app.browser_as(world.user("customer of A")).await;

        // The board lists the visit; the dispatcher starts travel.
        let (_, starts) = state_of(&app, id).await;
        let day = starts
            .to_zoned(jiff::tz::TimeZone::get("America/Toronto").unwrap())
            .date();
        let board = dora
            .get(&format!(
                "/staff/visits?day={day}&technician={}",
                s.technician
            ))
            .await;
        assert_eq!(board.status, StatusCode::OK);
        let text = board.text();
        assert!(text.contains("Zephyrine Holdings"), "{text}");
        assert!(text.contains("Start travel"));
        let moved = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_travel"), ("day", &day.to_string())],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert!(moved.header("location").contains("notice=visit-updated"));
        assert_eq!(state_of(&app, id).await.0, BookingState::Traveling);

        // The customer: Active appointment with the technician and the planned arrival.
        let home = customer.get("/").await.text();
        assert!(home.contains("Active appointment"));
        assert!(home.contains("Sam Servicewoman is on the way."));
        assert!(home.contains("Planned arrival at"));
        // Tracking is on (the default): View Live Map leads to the visit's live map.
        assert!(home.contains(&format!(r#"href="/bookings/{id}/live">View Live Map</a>"#)));
        // Modify is refused on the page and by the server.
        let page = customer.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("The technician is on the way"));
        assert!(!page.contains("Cancel appointment</button>"));
        let cancel = customer
            .post(
                &format!("/bookings/{id}/cancel"),
                &[("reason", "too late?")],
            )
            .await;
        assert_eq!(cancel.status, StatusCode::CONFLICT);
        assert!(cancel.text().contains("can no longer be changed"));
        let api = Api::new(&app, world.user("customer of A")).await;
        let refused = api
            .post(
                &format!("/api/v1/bookings/{id}/reschedule"),
                &json!({"slot_start": (starts + SignedDuration::from_hours(1)).to_string()}),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(error_code(&refused), "not_modifiable");
        let fragment = customer
            .get(&format!("/bookings/{id}/slots?date={day}"))
            .await;
        assert_eq!(fragment.status, StatusCode::CONFLICT);

        // In Progress: under Upcoming, Modify shown disabled.
        let started = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_work")],
            )
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        let home = customer.get("/").await.text();
        assert!(home.contains("In Progress"));
        assert!(home.contains(r#"disabled aria-disabled="true""#));
        assert!(!home.contains("Active appointment"));

        // A move that is not allowed now is refused with the message, nothing changes.
        let illegal = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_travel")],
            )
            .await;
        assert_eq!(illegal.status, StatusCode::CONFLICT);
        assert!(illegal.text().contains("can no longer be changed"));

        // Completed with a note: under Past.
        let done = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "complete"), ("note", "Filter replaced")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(state_of(&app, id).await.0, BookingState::Completed);
        let past = customer.get("/?tab=past").await.text();
        assert!(past.contains("Completed"));
        assert!(past.contains("Furnace maintenance"));
    }
);

both_backends!(
    the_dispatcher_cancels_with_a_reason_and_sees_flagged_visits_first,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        {
            let mut conn = app.db.store().conn().await.unwrap();
            onsite_store::reassignment::flag(&mut conn, id, "time off", crate::support::now(&app))
                .await
                .unwrap();
        }
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let board = dora.get("/staff/visits").await.text();
        let attention = board
            .find("Visits needing attention")
            .expect("the flagged section");
        let table = board.find("<table class=\"board\" aria-labelledby=\"period-heading\"");
        assert!(
            table.is_none_or(|t| attention < t),
            "flagged visits come first"
        );
        assert!(board.contains("Zephyrine Holdings"));
        // The customer is asked to choose a new time, first thing on the homepage.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        let home = customer.get("/").await.text();
        assert!(home.contains("We need a new time for this visit"));
        assert!(home.contains("Choose a new time"));

        // Cancel without a reason: refused; with one: done, and the customer is told.
        let bare = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "cancel")],
            )
            .await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bare.text()
                .contains("Please tell us why you are canceling.")
        );
        let canceled = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[
                    ("action", "cancel"),
                    ("note", "Technician ill, nobody free"),
                ],
            )
            .await;
        assert_eq!(canceled.status, StatusCode::SEE_OTHER);
        assert_eq!(state_of(&app, id).await.0, BookingState::Canceled);
        assert_eq!(
            emails(&app, &format!("booking:{id}:canceled")).await.len(),
            1
        );
        let board = dora.get("/staff/visits").await.text();
        assert!(
            !board.contains("Visits needing attention"),
            "the flag is resolved"
        );

        // Filters: a state that is not one, an unknown action.
        let bad = dora
            .get("/staff/visits?state=lost&day=2026-02-30&days=99")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(text.contains("This value is not one we know."), "{text}");
        assert!(text.contains("This is not a valid date"));
        assert!(text.contains("This value is out of range."));
        let unknown = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "teleport")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

both_backends!(
    nobody_serving_the_address_is_said_plainly,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let mut ana = app.browser_as(world.user("customer of A")).await;
        let page = ana
            .get(&format!("/bookings/new?service_type={}", s.unserved_type))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text()
                .contains("no technician serves your address for this service")
        );
        assert!(enabled_days(&page.text()).is_empty());
        let api = Api::new(&app, world.user("customer of A")).await;
        let days = api
            .get(&format!(
                "/api/v1/availability?service_type={}",
                s.unserved_type
            ))
            .await;
        assert_eq!(days.status, StatusCode::OK);
        assert_eq!(days.json()["served"], false);
    }
);

// Whatever a customer sends to the booking pages, the answer is a clear 4xx, never a 500, and
// nothing is booked.
both_backends!(
    bad_booking_input_is_refused_clearly,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let (day, slots) = first_free_day(&app, &ana, s.service_type).await;
        let mut browser = app.browser_as(world.user("customer of A")).await;
        let st = s.service_type.to_string();
        let day = day.to_string();
        let on_grid = slots[0].to_string();
        let off_grid = (slots[0] + SignedDuration::from_mins(7)).to_string();
        let past = (crate::support::now(&app) - SignedDuration::from_hours(30 * 24)).to_string();
        let long = "x".repeat(2500);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("slot", &on_grid)], "Choose a service type."),
            (
                vec![("service_type", "abc"), ("slot", &on_grid)],
                "This value is not one we know.",
            ),
            (
                vec![("service_type", "999999"), ("slot", &on_grid)],
                "not available for booking online",
            ),
            (
                vec![("service_type", &st), ("asset", "-4"), ("slot", &on_grid)],
                "This value is not one we know.",
            ),
            (
                vec![("service_type", &st), ("slot", "tomorrow at ten")],
                "Choose a time from the list.",
            ),
            (
                vec![("service_type", &st), ("slot", &off_grid)],
                "This is not one of the times offered.",
            ),
            (vec![("service_type", &st), ("slot", &past)], "too soon"),
            (
                vec![
                    ("service_type", &st),
                    ("date", "2026-13-45"),
                    ("slot", &on_grid),
                    ("comments", &long),
                ],
                "The comments are too long.",
            ),
        ];
        for (fields, message) in cases {
            let answer = browser.post("/bookings", &fields).await;
            assert!(
                answer.status.is_client_error(),
                "{fields:?}: {}",
                answer.status
            );
            assert!(
                answer.text().contains(message),
                "{fields:?}: wanted {message:?} in\n{}",
                answer.text()
            );
        }
        for path in [
            format!("/bookings/new?service_type={st}&date=2026-02-30"),
            format!("/bookings/new?service_type=0&date={day}"),
            format!("/bookings/new?service_type={st}&asset=99999"),
            "/bookings/new?service_type=%00&asset=%FF".to_owned(),
            format!("/bookings/new/slots?service_type={st}&date=yesterday"),
            "/bookings/0".to_owned(),
            "/bookings/abc".to_owned(),
            "/bookings/99999999999999999999".to_owned(),
            "/bookings/-1/slots".to_owned(),
        ] {
            let answer = browser.get(&path).await;
            assert!(
                !answer.status.is_server_error(),
                "{path}: {}",
                answer.status
            );
            assert_ne!(
                answer.status,
                StatusCode::OK,
                "{path} is refused or says what is wrong"
            );
        }
        assert_eq!(bookings_of_a(&app, &world).await, 0);
    }
);

// ---- The JSON API ---------------------------------------------------------------------------

both_backends!(the_api_covers_the_journey, |app: TestApp| async move {
    let world = World::build(&app).await;
    let s = schedule(&app, &world).await;
    let api = Api::new(&app, world.user("customer of A")).await;

    let types = api.get("/api/v1/service-types").await;
    assert_eq!(types.status, StatusCode::OK);
    assert_eq!(types.header("cache-control"), "no-store");
    let types = types.json();
    let furnace = types["service_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Furnace maintenance")
        .unwrap();
    assert_eq!(furnace["duration_minutes"], 60);
    let assets = api.get("/api/v1/assets").await.json();
    assert_eq!(assets["assets"][0]["name"], "Zephyrine furnace");

    let days = api
        .get(&format!(
            "/api/v1/availability?service_type={}&asset={}",
            s.service_type, s.asset_a
        ))
        .await;
    assert_eq!(days.status, StatusCode::OK, "{}", days.text());
    let days = days.json();
    assert_eq!(days["served"], true);
    // The first day with two free times (today may have one left).
    let mut chosen = None;
    for d in days["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["available"] == true)
    {
        let day = d["date"].as_str().unwrap().to_owned();
        let slots = api
            .get(&format!(
                "/api/v1/slots?service_type={}&date={day}",
                s.service_type
            ))
            .await
            .json();
        if slots["slots"].as_array().unwrap().len() >= 2 {
            chosen = Some((day, slots));
            break;
        }
    }
    let (day, slots) = chosen.expect("a day with two free times");
    assert_eq!(slots["time_zone"], "America/Toronto");
    assert_eq!(slots["served"], true);
    let first = slots["slots"][0]["start"].as_str().unwrap().to_owned();
    let second = slots["slots"][1]["start"].as_str().unwrap().to_owned();

    let booked = api
        .post(
            "/api/v1/bookings",
            &json!({"service_type": s.service_type.0, "asset": s.asset_a.0, "slot_start": first, "comments": "API"}),
            &[],
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.text());
    let visit = booked.json()["booking"].clone();
    let id = visit["id"].as_i64().unwrap();
    assert_eq!(booked.header("location"), format!("/api/v1/bookings/{id}"));
    assert_eq!(visit["state"], "scheduled");
    assert_eq!(visit["starts_at"], first);
    assert_eq!(visit["technician"], "Sam Servicewoman");
    assert_eq!(visit["may_modify"], true);

    let list = api.get("/api/v1/bookings").await.json();
    assert_eq!(list["upcoming"][0]["id"], id);
    assert_eq!(list["active"], Value::Null);
    assert_eq!(
        api.get(&format!("/api/v1/bookings/{id}")).await.json()["booking"]["comments"],
        "API"
    );

    // Taken: 409 with the message and the field.
    let bruno = Api::new(&app, world.user("customer of B")).await;
    let taken = bruno
        .post(
            "/api/v1/bookings",
            &json!({"service_type": s.service_type.0, "slot_start": first}),
            &[],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(
        taken.json()["error"],
        json!({"code": "slot_taken", "message": "This time was just taken. Please choose another time.", "field": "slot_start"})
    );

    let moved = api
        .post(
            &format!("/api/v1/bookings/{id}/reschedule"),
            &json!({"slot_start": second}),
            &[],
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    assert_eq!(moved.json()["booking"]["starts_at"], second);
    let no_reason = api
        .post(
            &format!("/api/v1/bookings/{id}/cancel"),
            &json!({"reason": ""}),
            &[],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.json()["error"]["field"], "reason");

    // Staff: the visits of the day, and the moves (a customer may not).
    let staff = Api::new(&app, world.user("dispatcher")).await;
    let board = staff
        .get(&format!(
            "/api/v1/staff/visits?from={day}&time_zone=America/Toronto"
        ))
        .await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.text());
    assert!(
        board.json()["visits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == id && v["account"] == "Zephyrine Holdings")
    );
    // Days in IANA zones only: jiff's `Etc/Unknown` (found by fuzzing) is none.
    for zone in ["Mars/Olympus", "Etc/Unknown", "etc/unknown"] {
        let refused = staff
            .get(&format!("/api/v1/staff/visits?from={day}&time_zone={zone}"))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{zone}");
        assert_eq!(refused.json()["error"]["field"], "time_zone", "{zone}");
    }
    let forbidden = api
        .post(
            &format!("/api/v1/staff/visits/{id}/transition"),
            &json!({"action": "start_travel"}),
            &[],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::NOT_FOUND);
    let travel = staff
        .post(
            &format!("/api/v1/staff/visits/{id}/transition"),
            &json!({"action": "start_travel"}),
            &[],
        )
        .await;
    assert_eq!(travel.json(), json!({"id": id, "state": "traveling"}));
    let list = api.get("/api/v1/bookings").await.json();
    assert_eq!(list["active"]["id"], id);
    assert_eq!(list["active"]["may_modify"], false);
    let late = api
        .post(
            &format!("/api/v1/bookings/{id}/cancel"),
            &json!({"reason": "late"}),
            &[],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let cancel = staff
        .post(
            &format!("/api/v1/staff/visits/{id}/transition"),
            &json!({"action": "cancel", "note": "No access"}),
            &[],
        )
        .await;
    assert_eq!(cancel.json()["state"], "canceled");
    assert_eq!(
        api.get("/api/v1/bookings").await.json()["past"][0]["cancel_reason"],
        "No access"
    );

    // Bad requests are 4xx in the one error shape.
    for path in [
        "/api/v1/slots".to_owned(),
        format!(
            "/api/v1/slots?service_type={}&date=31/12/2030",
            s.service_type
        ),
        format!(
            "/api/v1/availability?service_type={}&from=2030-01-02&to=2030-01-01",
            s.service_type
        ),
        format!(
            "/api/v1/availability?service_type={}&from=2030-01-01&to=2040-01-01",
            s.service_type
        ),
        "/api/v1/bookings/abc".to_owned(),
    ] {
        let answer = api.get(&path).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
        assert!(answer.json()["error"]["message"].is_string(), "{path}");
    }
    let bad = api
        .post(
            "/api/v1/bookings",
            &json!({"service_type": s.service_type.0, "slot_start": "soon"}),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "slot_start");
});

#[tokio::test]
async fn the_openapi_document_is_served_to_anyone() {
    let app = TestApp::spawn().await;
    let answer = app.get("/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "application/json");
    let doc = answer.json();
    assert!(doc["paths"]["/api/v1/bookings"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/slots"]["get"].is_object());
}

#[tokio::test]
async fn the_homepage_past_tab_works_without_javascript() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let s = schedule(&app, &world).await;
    let ana = principal(&app, world.user("customer of A")).await;
    let id = book_first(&app, &ana, s.service_type).await;
    booking::cancel(
        app.app(),
        &ana,
        id,
        "Moved house",
        crate::support::now(&app),
    )
    .await
    .unwrap();
    let mut browser = app.browser_as(world.user("customer of A")).await;
    let upcoming = browser.get("/").await.text();
    assert!(upcoming.contains(r#"aria-current="page">Upcoming appointments"#));
    assert!(!upcoming.contains("Moved house"));
    let past = browser.get("/?tab=past").await.text();
    assert!(past.contains("Moved house"));
    assert!(past.contains(r#"<a href="/bookings/"#), "details link");
}

#[tokio::test]
async fn a_french_customer_reads_the_pages_in_french() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let s = schedule(&app, &world).await;
    let ana = principal(&app, world.user("customer of A")).await;
    book_first(&app, &ana, s.service_type).await;
    let mut browser = app.browser_as(world.user("customer of A")).await;
    browser.accept_language = Some("fr-CA,fr;q=0.9");
    let home = browser.get("/").await.text();
    assert!(home.contains("Prendre un nouveau rendez-vous"), "{home}");
    assert!(home.contains("Rendez-vous à venir"));
    assert!(home.contains("Planifié"));
    assert!(home.contains(">Modifier</a>"));
    // Dates and times as French readers write them: "mardi 9 juin 2026", "de 10 h 30 à …".
    let weekdays = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    assert!(
        weekdays.iter().any(|d| home.contains(&format!("<dd>{d} "))),
        "{home}"
    );
    assert!(home.contains(" h "), "24-hour times with h");
    let page = browser
        .get(&format!("/bookings/new?service_type={}", s.service_type))
        .await
        .text();
    assert!(page.contains("Choisissez un jour"));
    assert!(page.contains("<abbr title=\"lundi\">lun.</abbr>"));
    assert!(page.contains("Furnace maintenance (1 h)"));
}
