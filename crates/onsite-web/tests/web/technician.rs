//! The technician's day over HTTP, on SQLite and PostgreSQL: today's and tomorrow's visits
//! with the buttons of each state, moves with and without htmx (the card swapped in place, or
//! back to the day), illegal moves refused with the reason and nothing changed, another
//! technician's visit not found, and customers kept out of the technician's routes.
//!
//! The world: `support::World`'s technician (Théo, no territory) is given visits of account A
//! straight in the store, today and tomorrow in Montréal's zone by the app's clock; the
//! self-scheduling technician of `bookings::schedule` (Sam, no portal user) has one of account
//! B's, the "other technician's visit".

use crate::support::{TestApp, World, encode};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::geo::GeoPoint;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, TechnicianId};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::both_backends;

fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

/// `hour`:00 on the app's today (`days` = 1: tomorrow) in Montréal.
fn at(app: &TestApp, days: i64, hour: i8) -> Timestamp {
    let today = crate::support::now(app).to_zoned(toronto()).date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .at(hour, 0, 0, 0)
        .to_zoned(toronto())
        .unwrap()
        .timestamp()
}

struct Day {
    world: World,
    service_type: ServiceTypeId,
    theo: TechnicianId,
    sam: TechnicianId,
}

async fn day(app: &TestApp) -> Day {
    let world = World::build(app).await;
    let s = crate::bookings::schedule(app, &world).await;
    let theo = onsite_store::technicians::technician_for_user(
        &mut app.db.store().conn().await.unwrap(),
        world.user("technician"),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    Day {
        world,
        service_type: s.service_type,
        theo,
        sam: s.technician,
    }
}

impl Day {
    /// A visit written in the store, moved through `history` (by the dispatcher).
    async fn visit(
        &self,
        app: &TestApp,
        account: AccountId,
        tech: TechnicianId,
        start: Timestamp,
        comments: &str,
        history: &[BookingAction],
    ) -> BookingId {
        let visit = StoredVisit {
            service_type: self.service_type,
            account,
            tech,
            start,
            comments,
        };
        visit.write(app, &self.world, history).await
    }
}

/// A visit written straight in the store (booked by account A's customer), for tests that
/// need one of a given technician.
pub(crate) struct StoredVisit<'a> {
    pub service_type: ServiceTypeId,
    pub account: AccountId,
    pub tech: TechnicianId,
    pub start: Timestamp,
    pub comments: &'a str,
}

impl StoredVisit<'_> {
    /// Writes it, moved through `history` (by the dispatcher).
    pub(crate) async fn write(
        &self,
        app: &TestApp,
        world: &World,
        history: &[BookingAction],
    ) -> BookingId {
        let mut conn = app.db.store().conn().await.unwrap();
        let (tech, start) = (self.tech, self.start);
        let uid = format!("{}-{}@test", tech.0, start.as_millisecond());
        let wo = work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &format!("WO-{uid}"),
                account_id: self.account,
                asset_id: None,
                service_type_id: self.service_type,
                agreement_id: None,
                status: WorkOrderStatus::Scheduled,
                summary: Some(self.comments),
                expose_to_customer: true,
                created_at: start - SignedDuration::from_hours(72),
            },
        )
        .await
        .unwrap();
        let steps: Vec<RecordedTransition<'_>> = history
            .iter()
            .map(|a| RecordedTransition {
                action: *a,
                at: start - SignedDuration::from_hours(1),
                actor: Some(world.user("dispatcher")),
                note: None,
            })
            .collect();
        bookings::insert_booking_with_history(
            &mut conn,
            &NewBooking {
                work_order_id: wo,
                technician_id: tech,
                starts_at: start,
                ends_at: start + SignedDuration::from_hours(1),
                location: GeoPoint::new(45.557, -73.553).unwrap(),
                ics_uid: &uid,
                idempotency_key: None,
                booked_by: Some(world.user("customer of A")),
                booked_at: start - SignedDuration::from_hours(72),
            },
            &steps,
        )
        .await
        .unwrap()
    }
}

async fn state_of(app: &TestApp, id: BookingId) -> BookingState {
    bookings::booking(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap()
        .state
}

/// The HTML of one visit's card on the page.
fn card(page: &str, id: BookingId) -> &str {
    let start = page
        .find(&format!(r#"id="visit-{id}""#))
        .unwrap_or_else(|| panic!("no card of visit {id}"));
    let rest = &page[start..];
    &rest[..rest.find("</li>").unwrap()]
}

both_backends!(
    technician_sees_todays_and_tomorrows_visits_with_the_buttons_of_their_state,
    |app: TestApp| async move {
        let d = day(&app).await;
        let a = d.world.account_a;
        let later = d
            .visit(&app, a, d.theo, at(&app, 0, 15), "Back door", &[])
            .await;
        let traveling = d
            .visit(
                &app,
                a,
                d.theo,
                at(&app, 0, 11),
                "Ring twice",
                &[BookingAction::StartTravel],
            )
            .await;
        let working = d
            .visit(
                &app,
                a,
                d.theo,
                at(&app, 0, 8),
                "Door code 1234",
                &[BookingAction::StartTravel, BookingAction::StartWork],
            )
            .await;
        let tomorrow = d
            .visit(&app, a, d.theo, at(&app, 1, 9), "Tomorrow's job", &[])
            .await;
        let sams = d
            .visit(
                &app,
                d.world.account_b,
                d.sam,
                at(&app, 0, 9),
                "Sam's job",
                &[],
            )
            .await;

        let mut theo = app.browser_as(d.world.user("technician")).await;
        let page = theo.get("/technician").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        // In order: 8:00, 11:00, 15:00 today, then tomorrow.
        let pos = |id: BookingId| html.find(&format!(r#"id="visit-{id}""#)).unwrap();
        assert!(pos(working) < pos(traveling) && pos(traveling) < pos(later));
        assert!(html.find("Tomorrow").unwrap() < pos(tomorrow));
        assert!(pos(later) < pos(tomorrow));
        // What is needed at the door.
        let first = card(&html, working);
        for fact in [
            "Zephyrine Holdings",
            "Ana Zephyrine",
            r#"href="tel:+15145550142">+1 514 555 0142</a>"#,
            "5000 Rue Sherbrooke E",
            "Furnace maintenance",
            "Door code 1234",
        ] {
            assert!(first.contains(fact), "{fact} in {first}");
        }
        // The button of each state, and none on tomorrow's list.
        assert!(first.contains(">Complete</button>") && first.contains(r#"name="note""#));
        let t = card(&html, traveling);
        assert!(t.contains(">Start work</button>") && !t.contains(">Complete</button>"));
        let l = card(&html, later);
        assert!(l.contains(">Start travel</button>") && !l.contains(">Start work</button>"));
        assert!(!card(&html, tomorrow).contains("<button"));
        // Another technician's visit and another account's data are not there.
        assert!(!html.contains(&format!(r#"id="visit-{sams}""#)));
        assert!(!html.contains("Borealis Freight") && !html.contains("Sam's job"));
        // A visit is Traveling: the page shares the phone's position, from its own script.
        assert!(html.contains("technician.js"));
        assert!(!html.contains(r#"id="location-sharing" hidden"#));
        // The navigation leads technicians here.
        assert!(html.contains(r#"href="/technician" aria-current="page""#));
        // With tracking off, the page shares nothing and offers no tracking app.
        onsite_store::settings::set(
            &mut app.db.store().conn().await.unwrap(),
            "tracking/enabled",
            "false",
        )
        .await
        .unwrap()
        .unwrap();
        let html = theo.get("/technician").await.text();
        assert!(html.contains(&format!(r#"id="visit-{traveling}""#)));
        assert!(!html.contains("location-sharing"));
        assert!(!html.contains(r#"href="/technician/tracking""#));
    }
);

both_backends!(
    technician_moves_a_visit_through_its_day,
    |app: TestApp| async move {
        let d = day(&app).await;
        let id = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 10), "", &[])
            .await;
        let mut theo = app.browser_as(d.world.user("technician")).await;
        theo.get("/technician").await;
        let path = format!("/technician/visits/{id}/transition");

        // Without JavaScript: back to the day, with the confirmation.
        let moved = theo.post(&path, &[("action", "start_travel")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert!(
            moved
                .header("location")
                .starts_with("/technician?notice=visit-updated")
        );
        assert_eq!(state_of(&app, id).await, BookingState::Traveling);

        // With htmx: the card alone, in its new state.
        let body = encode(&[("action", "start_work"), ("csrf", &theo.csrf.clone())]);
        let swapped = theo
            .post_raw(
                &path,
                &body,
                &[("sec-fetch-site", "same-origin"), ("hx-request", "true")],
            )
            .await;
        assert_eq!(swapped.status, StatusCode::OK, "{}", swapped.text());
        let html = swapped.text();
        assert!(html.trim_start().starts_with("<li"), "{html}");
        assert!(!html.contains("<html"));
        assert!(html.contains(r#"data-state="in_progress""#));
        assert!(html.contains(">Complete</button>"));
        assert_eq!(state_of(&app, id).await, BookingState::InProgress);

        // An illegal move: refused with the reason, nothing changed (page and card).
        let refused = theo.post(&path, &[("action", "start_travel")]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            refused.text().contains("This visit is In Progress now"),
            "{}",
            refused.text()
        );
        let body = encode(&[("action", "start_travel"), ("csrf", &theo.csrf.clone())]);
        let refused = theo
            .post_raw(
                &path,
                &body,
                &[("sec-fetch-site", "same-origin"), ("hx-request", "true")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains(r#"class="error-message"#));
        let unknown = theo.post(&path, &[("action", "cancel")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unknown
                .text()
                .contains("Choose Start travel, Start work or Complete")
        );
        assert_eq!(state_of(&app, id).await, BookingState::InProgress);

        // Complete with a note: recorded, with who.
        let done = theo
            .post(
                &path,
                &[("action", "complete"), ("note", "Filter replaced")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(state_of(&app, id).await, BookingState::Completed);
        let history = bookings::transitions(&mut app.db.store().conn().await.unwrap(), id)
            .await
            .unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.actor, Some(d.world.user("technician")));
        assert_eq!(last.note.as_deref(), Some("Filter replaced"));
        // The customer was told both times.
        let keys: Vec<String> = onsite_store::outbox::list(
            &mut app.db.store().conn().await.unwrap(),
            &onsite_store::outbox::OutboxFilter::default(),
            500,
            None,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.event_key)
        .collect();
        assert!(
            keys.iter()
                .any(|k| k.starts_with(&format!("booking:{id}:on-the-way:"))),
            "{keys:?}"
        );
        assert!(
            keys.contains(&format!("booking:{id}:completed")),
            "{keys:?}"
        );
    }
);

both_backends!(
    another_technicians_visit_is_not_found,
    |app: TestApp| async move {
        let d = day(&app).await;
        let sams = d
            .visit(&app, d.world.account_b, d.sam, at(&app, 0, 10), "", &[])
            .await;
        let mut theo = app.browser_as(d.world.user("technician")).await;
        theo.get("/technician").await;
        for action in ["start_travel", "start_work", "complete"] {
            let answer = theo
                .post(
                    &format!("/technician/visits/{sams}/transition"),
                    &[("action", action)],
                )
                .await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{action}");
            assert!(!answer.text().contains("Borealis"));
        }
        let missing = theo
            .post(
                "/technician/visits/999999/transition",
                &[("action", "start_travel")],
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(state_of(&app, sams).await, BookingState::Scheduled);
    }
);

both_backends!(
    customer_cannot_use_the_technician_routes,
    |app: TestApp| async move {
        let d = day(&app).await;
        let id = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 10), "", &[])
            .await;
        let path = format!("/technician/visits/{id}/transition");
        for who in ["customer of A", "reviewer of A", "partner"] {
            let mut someone = app.browser_as(d.world.user(who)).await;
            let page = someone.get("/technician").await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{who}");
            assert!(
                !page.text().contains(r#"href="/technician""#),
                "{who}: no link"
            );
            let moved = someone.post(&path, &[("action", "start_travel")]).await;
            assert_eq!(moved.status, StatusCode::NOT_FOUND, "{who}");
        }
        let anonymous = app
            .send(
                Request::builder()
                    .uri("/technician")
                    .header("host", "onsite.test")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert!(anonymous.header("location").starts_with("/sign-in"));
        assert_eq!(state_of(&app, id).await, BookingState::Scheduled);
    }
);

both_backends!(
    technician_reads_their_day_in_french,
    |app: TestApp| async move {
        let d = day(&app).await;
        let id = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 10), "", &[])
            .await;
        let mut theo = app.browser_as(d.world.user("technician")).await;
        theo.accept_language = Some("fr-CA,fr;q=0.9");
        let html = theo.get("/technician").await.text();
        assert!(html.contains(r#"<html lang="fr""#), "{html}");
        for words in [
            "Ma journée",
            "Aujourd’hui",
            "Demain",
            ">Partir</button>",
            "Aucune visite demain.",
        ] {
            assert!(html.contains(words), "{words}");
        }
        let refused = theo
            .post(
                &format!("/technician/visits/{id}/transition"),
                &[("action", "complete")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            refused.text().contains("cette étape n’est pas possible"),
            "{}",
            refused.text()
        );
    }
);

both_backends!(
    technician_travels_to_one_visit_at_a_time_undoes_a_mistake_and_sees_their_notes,
    |app: TestApp| async move {
        let d = day(&app).await;
        let ten = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 10), "", &[])
            .await;
        let two = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 14), "", &[])
            .await;
        let eight = d
            .visit(
                &app,
                d.world.account_a,
                d.theo,
                at(&app, 0, 8),
                "",
                &[BookingAction::StartTravel, BookingAction::StartWork],
            )
            .await;
        let mut theo = app.browser_as(d.world.user("technician")).await;
        theo.get("/technician").await;
        let htmx = |action: &str, csrf: &str| encode(&[("action", action), ("csrf", csrf)]);
        let headers = [("sec-fetch-site", "same-origin"), ("hx-request", "true")];

        // On the way to the 10:00 visit: its card offers to undo that for a few minutes.
        let path = |id: BookingId| format!("/technician/visits/{id}/transition");
        theo.post(&path(ten), &[("action", "start_travel")]).await;
        assert_eq!(state_of(&app, ten).await, BookingState::Traveling);
        let page = theo.get("/technician").await.text();
        assert!(page.contains(">Undo Start travel</button>"), "{page}");

        // Start travel to the 14:00 one: refused, naming where Théo is going, with a way to
        // go here instead.
        let csrf = theo.csrf.clone();
        let refused = theo
            .post_raw(&path(two), &htmx("start_travel", &csrf), &headers)
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let card = refused.text();
        assert!(
            card.contains("You are already on the way to another visit"),
            "{card}"
        );
        assert!(
            card.contains("You are on the way to Zephyrine Holdings"),
            "{card}"
        );
        assert!(card.contains(r#"value="travel_instead""#));
        assert_eq!(state_of(&app, two).await, BookingState::Scheduled);

        // Go here instead: this card Traveling, the 10:00 card swapped back to Scheduled.
        let switched = theo
            .post_raw(&path(two), &htmx("travel_instead", &csrf), &headers)
            .await;
        assert_eq!(switched.status, StatusCode::OK, "{}", switched.text());
        let html = switched.text();
        assert!(html.contains(&format!(r#"id="visit-{two}""#)));
        assert!(html.contains(&format!(r#"id="visit-{ten}""#)));
        assert!(html.contains(r#"hx-swap-oob="true""#), "{html}");
        assert_eq!(state_of(&app, ten).await, BookingState::Scheduled);
        assert_eq!(state_of(&app, two).await, BookingState::Traveling);

        // A mistake: undone within the minutes allowed.
        theo.post(&path(two), &[("action", "stop_travel")]).await;
        assert_eq!(state_of(&app, two).await, BookingState::Scheduled);

        // The completion note shows on the card and to the dispatchers.
        theo.post(
            &path(eight),
            &[
                ("action", "complete"),
                ("note", "Compressor relay replaced"),
            ],
        )
        .await;
        assert_eq!(state_of(&app, eight).await, BookingState::Completed);
        let page = theo.get("/technician").await.text();
        assert!(page.contains("Compressor relay replaced"), "{page}");
        let mut dispatcher = app.browser_as(d.world.user("dispatcher")).await;
        let board = dispatcher
            .get(&format!("/staff/visits?visit={eight}"))
            .await
            .text();
        assert!(board.contains("Compressor relay replaced"), "{board}");
    }
);

both_backends!(
    a_phone_app_reads_the_day_and_moves_visits_over_the_json_api,
    |app: TestApp| async move {
        let d = day(&app).await;
        let ten = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 10), "", &[])
            .await;
        let two = d
            .visit(&app, d.world.account_a, d.theo, at(&app, 0, 14), "", &[])
            .await;
        let sams = d
            .visit(&app, d.world.account_b, d.sam, at(&app, 0, 11), "", &[])
            .await;
        let mut theo = app.browser_as(d.world.user("technician")).await;

        let day = theo.get("/api/v1/technician/day").await;
        assert_eq!(day.status, StatusCode::OK, "{}", day.text());
        let body: serde_json::Value = serde_json::from_str(&day.text()).unwrap();
        assert_eq!(body["time_zone"], "America/Toronto");
        let ids: Vec<i64> = body["today_visits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [ten.0, two.0], "their own, by start time");

        let path = |id: BookingId| format!("/api/v1/technician/visits/{id}/transition");
        let moved = theo
            .post_json(&path(ten), &serde_json::json!({ "action": "start_travel" }))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        let body: serde_json::Value = serde_json::from_str(&moved.text()).unwrap();
        assert_eq!(body["visit"]["state"], "traveling");
        assert!(body["visit"]["undo_until"].is_string());

        let refused = theo
            .post_json(&path(two), &serde_json::json!({ "action": "start_travel" }))
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let error: serde_json::Value = serde_json::from_str(&refused.text()).unwrap();
        assert_eq!(error["error"]["code"], "already_traveling", "{error}");

        let switched = theo
            .post_json(
                &path(two),
                &serde_json::json!({ "action": "travel_instead" }),
            )
            .await;
        assert_eq!(switched.status, StatusCode::OK, "{}", switched.text());
        let body: serde_json::Value = serde_json::from_str(&switched.text()).unwrap();
        assert_eq!(body["visit"]["state"], "traveling");
        assert_eq!(body["stopped"]["id"], ten.0);
        assert_eq!(body["stopped"]["state"], "scheduled");

        // Bad input and another technician's visit: refused, nothing changed.
        let unknown = theo
            .post_json(&path(two), &serde_json::json!({ "action": "cancel" }))
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let foreign = theo
            .post_json(
                &path(sams),
                &serde_json::json!({ "action": "start_travel" }),
            )
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert_eq!(state_of(&app, sams).await, BookingState::Scheduled);
        assert_eq!(state_of(&app, two).await, BookingState::Traveling);

        // Customers are kept out.
        let mut customer = app.browser_as(d.world.user("customer of A")).await;
        assert_eq!(
            customer.get("/api/v1/technician/day").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
