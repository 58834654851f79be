//! A customer books through the pages: the day picker, the slots, Book and the confirmation
//! under Upcoming; a double-submitted form books once; a time just taken brings back the day's
//! slots with the message; an address nobody serves is said plainly; bad input is refused
//! clearly; and the pages in French.

use super::*;

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
            bruno.grant().unwrap(),
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
