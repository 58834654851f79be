//! The dispatcher's schedule board: the visit in its technician's lane at its time (page and
//! JSON API), the drive before it, working hours shaded, the filters, the attention lane
//! (flagged, late, unassigned), refusals of bad filters, and the live updates across two app
//! servers sharing one database.

use super::*;
use futures_util::StreamExt;
use jiff::tz::TimeZone;
use onsite_schedule::{GreatCircle, TravelModel};
use std::time::Duration;

fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

/// The `class` attribute of the element with `id`.
fn class_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id} in\n{html}"));
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..html[start..].find('>').unwrap() + start];
    let class = tag.split(r#"class=""#).nth(1).unwrap();
    class.split('"').next().unwrap().to_owned()
}

both_backends!(
    the_board_shows_the_visit_in_its_lane_at_its_time,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let booking =
            onsite_store::bookings::booking(&mut app.db.store().conn().await.unwrap(), id)
                .await
                .unwrap();
        let day = booking.starts_at.to_zoned(toronto()).date();
        let mut dora = app.browser_as(world.user("dispatcher")).await;

        // The day view: Sam's lane, the grid from 07:00 (the start of the working hours), the
        // hour-long visit on twelve five-minute columns from its start.
        let page = dora.get(&format!("/staff/visits?day={day}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Sam Servicewoman"));
        assert!(html.contains("Times in America/Toronto."));
        let grid_from = day.at(7, 0, 0, 0).to_zoned(toronto()).unwrap().timestamp();
        let column = booking.starts_at.duration_since(grid_from).as_mins() / 5 + 1;
        let class = class_of(&html, &format!("visit-{id}"));
        assert!(class.contains("state-scheduled"), "{class}");
        assert!(class.contains(&format!("gs-{column} ")), "{class}");
        assert!(class.ends_with("gw-12"), "{class}");
        // In words too, never colour alone; working hours shaded; the drive before it hatched.
        assert!(html.contains(r#"<span class="visit-state state-scheduled">Scheduled</span>"#));
        assert!(html.contains("shade working gs-1 gw-144"), "07:00–19:00");
        let travel = GreatCircle::default()
            .travel(GeoPoint::new(45.556, -73.552).unwrap(), booking.location)
            .minutes;
        assert!(travel > 0);
        assert!(html.contains(&format!("{travel} min travel")));
        assert!(html.contains(r#"class="travel gs-"#));
        // The details of a visit: the state buttons and Move….
        let detail = dora
            .get(&format!("/staff/visits?day={day}&visit={id}"))
            .await
            .text();
        assert!(detail.contains(r#"id="visit-detail""#));
        assert!(detail.contains("Start travel"));
        assert!(detail.contains(&format!(r#"href="/staff/visits/{id}/move""#)));
        // The fragment is the body alone.
        let fragment = dora
            .get(&format!("/staff/visits/board?day={day}"))
            .await
            .text();
        assert!(fragment.contains(&format!(r#"id="visit-{id}""#)));
        assert!(!fragment.contains("<html"));
        // The week view: one chip in Sam's row.
        let week = dora
            .get(&format!("/staff/visits?day={day}&view=week"))
            .await
            .text();
        assert!(week.contains("board-week"));
        assert_eq!(week.matches(&format!(r#"data-visit="{id}""#)).count(), 1);

        // The JSON API says the same.
        let api = dora.get(&format!("/api/v1/staff/board?day={day}")).await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.text());
        let body = api.json();
        assert_eq!(body["time_zone"], "America/Toronto");
        assert_eq!(body["view"], "day");
        let sam = &body["technicians"][0];
        assert_eq!(sam["name"], "Sam Servicewoman");
        assert_eq!(sam["working"][0]["from"], grid_from.to_string());
        assert_eq!(sam["visits"][0]["id"], id.0);
        assert_eq!(sam["visits"][0]["state"], "scheduled");
        assert_eq!(sam["visits"][0]["travel_before_minutes"], travel);
        assert_eq!(sam["visits"][0]["attention"], json!([]));
        assert_eq!(body["attention"], json!([]));

        // Another day: Sam's lane, no visit.
        let other = day.tomorrow().unwrap();
        let empty = dora
            .get(&format!("/api/v1/staff/board?day={other}"))
            .await
            .json();
        assert_eq!(empty["technicians"][0]["visits"], json!([]));
    }
);

both_backends!(
    the_boards_filters_keep_their_technicians_and_refuse_bad_values,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        // Sam and the World's own technician.
        let board = dora.get("/api/v1/staff/board").await.json();
        assert_eq!(board["technicians"].as_array().unwrap().len(), 2);
        let (territory, hvac, elevators) = {
            let mut conn = app.db.store().conn().await.unwrap();
            let territory = territories::insert_territory(
                &mut conn,
                &NewTerritory {
                    name: "Verdun",
                    postal_prefixes: &[PostalPrefix::parse("H4G").unwrap()],
                    polygon: None,
                },
            )
            .await
            .unwrap();
            let skills = catalog::list_characteristics(&mut conn).await.unwrap();
            let id = |n: &str| skills.iter().find(|c| c.name == n).unwrap().id.0;
            (territory.0, id("HVAC"), id("Elevators"))
        };
        let count = |body: &Value| body["technicians"].as_array().unwrap().len();
        for (query, expected) in [
            (format!("territory={territory}"), 0),
            (format!("skill={hvac}"), 1),
            (format!("skill={elevators}"), 0),
            (format!("technician={}", s.technician), 1),
            (format!("technician={}", s.technician.0 + 1000), 0),
        ] {
            let answer = dora.get(&format!("/api/v1/staff/board?{query}")).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}");
            assert_eq!(count(&answer.json()), expected, "{query}");
        }
        // The pages offer the filters by name.
        let page = dora
            .get(&format!("/staff/visits?skill={elevators}"))
            .await
            .text();
        assert!(page.contains(">Verdun</option>"));
        assert!(page.contains(&format!(
            r#"<option value="{elevators}" selected>Elevators</option>"#
        )));
        assert!(page.contains("No technician matches these filters."));

        // Bad values: named, refused, nothing shown as if they were right.
        let bad = dora
            .get("/staff/visits?day=2026-02-30&view=month&technician=abc")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(text.contains("This is not a valid date"), "{text}");
        assert!(text.contains("This value is not one we know."));
        for query in ["view=month", "day=yesterday", "territory=-1", "skill=x"] {
            let answer = dora.get(&format!("/api/v1/staff/board?{query}")).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert!(answer.json()["error"]["field"].is_string(), "{query}");
        }
        let fragment = dora.get("/staff/visits/board?view=year").await;
        assert_eq!(fragment.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Customers and technicians see none of it.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        for path in [
            "/staff/visits",
            "/staff/visits/board",
            "/staff/visits/events",
            "/api/v1/staff/board",
        ] {
            let answer = customer.get(path).await;
            assert!(
                answer.status == StatusCode::FORBIDDEN || answer.status == StatusCode::NOT_FOUND,
                "{path}: {}",
                answer.status
            );
            assert!(!answer.text().contains("Sam Servicewoman"), "{path}");
        }
    }
);

both_backends!(
    late_flagged_and_unassigned_visits_are_in_the_attention_lane,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let (_, starts) = state_of(&app, id).await;
        let day = starts.to_zoned(toronto()).date();
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let reasons = |body: &Value| body["attention"].clone();
        let board = dora
            .get(&format!("/api/v1/staff/board?day={day}"))
            .await
            .json();
        assert_eq!(reasons(&board), json!([]));
        let page = dora.get(&format!("/staff/visits?day={day}")).await.text();
        assert!(page.contains("Nothing needs attention."));

        // Flagged by a reassignment.
        {
            let mut conn = app.db.store().conn().await.unwrap();
            onsite_store::reassignment::flag(&mut conn, id, "time off", crate::support::now(&app))
                .await
                .unwrap();
        }
        let board = dora
            .get(&format!("/api/v1/staff/board?day={day}"))
            .await
            .json();
        assert_eq!(board["attention"][0]["id"], id.0);
        assert_eq!(board["attention"][0]["attention"], json!(["flagged"]));
        let page = dora.get(&format!("/staff/visits?day={day}")).await.text();
        let lane = &page[page.find("attention-heading").unwrap()..];
        assert!(lane.contains(&format!(r#"id="attention-{id}""#)));
        assert!(lane.contains("Needs a new time"));

        // Late: still Scheduled after its time started (seen from another day's board too).
        app.state.clock.advance(
            starts.duration_since(crate::support::now(&app)) + SignedDuration::from_mins(10),
        );
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let board = dora.get("/api/v1/staff/board?day=2030-01-01").await.json();
        assert_eq!(
            board["attention"][0]["attention"],
            json!(["flagged", "late"])
        );

        // Unassigned: its technician left.
        {
            let mut conn = app.db.store().conn().await.unwrap();
            let version: i64 = sqlx::query_scalar("SELECT version FROM technicians WHERE id = $1")
                .bind(s.technician.0)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert!(
                technicians::set_active(&mut conn, s.technician, version, false)
                    .await
                    .unwrap()
            );
        }
        let board = dora
            .get(&format!("/api/v1/staff/board?day={day}"))
            .await
            .json();
        let lanes = board["technicians"].as_array().unwrap();
        assert!(
            lanes.iter().all(|t| t["id"] != s.technician.0),
            "no lane for who left"
        );
        assert_eq!(
            board["attention"][0]["attention"],
            json!(["flagged", "unassigned", "late"])
        );
        let page = dora.get(&format!("/staff/visits?day={day}")).await.text();
        assert!(page.contains("Unassigned"));
        assert!(page.contains("Late"));
    }
);

/// The next event of a board stream, with its name (keep-alive comments skipped).
async fn next_event(
    stream: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    within: Duration,
) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, stream.next())
            .await
            .ok()??;
        let text = String::from_utf8(frame.unwrap().to_vec()).unwrap();
        if let Some(name) = text.lines().find_map(|l| l.strip_prefix("event: ")) {
            return Some(name.to_owned());
        }
    }
}

both_backends!(
    a_change_through_one_server_shows_on_the_others_board_stream,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let (_, starts) = state_of(&app, id).await;
        let day = starts.to_zoned(toronto()).date();

        // A second app server: its own store (pool) and process state on the same database.
        let store = onsite_store::Store::open(app.db.url()).await.unwrap();
        let other = onsite_web::AppState::new(
            onsite_app::App::new(
                store,
                std::sync::Arc::new(tokio::sync::Notify::new()),
                "http://onsite.test",
            ),
            crate::support::no_providers(),
            crate::support::config(),
        );
        let router = onsite_web::router(other);
        let (token, _) = app.session_for(world.user("dispatcher")).await;
        let request = Request::builder()
            .uri(format!("/staff/visits/events?day={day}"))
            .header("host", "onsite.test")
            .header(
                "cookie",
                format!("{}={token}", onsite_web::session::SESSION_COOKIE),
            )
            .body(Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut stream = response.into_body().into_data_stream();
        assert_eq!(
            next_event(&mut stream, Duration::from_secs(5))
                .await
                .as_deref(),
            Some("ready")
        );
        // Nothing changed: nothing said.
        assert_eq!(
            next_event(&mut stream, Duration::from_millis(2500)).await,
            None
        );

        // The first server starts travel: the second's stream says the board changed.
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let moved = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_travel"), ("day", &day.to_string())],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert_eq!(
            next_event(&mut stream, Duration::from_secs(5))
                .await
                .as_deref(),
            Some("changed")
        );
        // And the board it then fetches shows the new state.
        let fragment = dora
            .get(&format!("/staff/visits/board?day={day}"))
            .await
            .text();
        assert!(class_of(&fragment, &format!("visit-{id}")).contains("state-traveling"));
    }
);
