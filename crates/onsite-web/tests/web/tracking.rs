//! Track my technician over HTTP: tracking apps (OwnTracks, Traccar Client / OsmAnd) and the
//! technician page post positions with the right credentials and are refused otherwise
//! (a clear answer, nothing stored); the tracking-app setup shows a token once; View Live
//! Map, its JSON snapshot and its server-sent events show the technician's position and ETA
//! to the customers of the booking's account while the visit is Traveling, and to nobody
//! else; with tracking off everything refuses.

use crate::support::{Raw, TestApp, TestResponse, World, now, serve_on_socket};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures_util::StreamExt;
use onsite_app::booking;
use onsite_app::policy::Principal;
use onsite_app::tracking;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::{BookingId, TechnicianId};
use onsite_store::positions;
use onsite_testkit::both_backends;
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

/// A Traveling visit of account A, its technician (who signs in as Tess) and her tracking
/// token.
pub struct Trip {
    pub world: World,
    pub tess: onsite_domain::UserId,
    pub booking: BookingId,
    pub technician: TechnicianId,
    pub tech: Principal,
    pub token: String,
}

pub async fn trip(app: &TestApp) -> Trip {
    let world = World::build(app).await;
    let schedule = crate::bookings::schedule(app, &world).await;
    let customer = crate::bookings::principal(app, world.user("customer of A")).await;
    let booking = crate::bookings::book_first(app, &customer, schedule.service_type).await;
    // The schedule's technician signs in as Tess.
    let tess = crate::support::insert_user(
        app,
        "tess@staff.test",
        "Tess Tracker",
        None,
        &[onsite_domain::role::Role::Technician],
    )
    .await;
    onsite_store::technicians::link_user(
        &mut app.db.store().conn().await.unwrap(),
        schedule.technician,
        Some(tess),
    )
    .await
    .unwrap();
    let tech = crate::bookings::principal(app, tess).await;
    let technician = tech.technician_id.expect("Tess is a technician");
    assert_eq!(technician, schedule.technician);
    let token = tracking::issue_token(app.app(), tech.grant().unwrap(), now(app))
        .await
        .unwrap()
        .expose()
        .to_owned();
    start(app, &tech, booking, BookingAction::StartTravel).await;
    Trip {
        world,
        tess,
        booking,
        technician,
        tech,
        token,
    }
}

async fn start(app: &TestApp, who: &Principal, booking: BookingId, action: BookingAction) {
    booking::transition(
        app.app(),
        who.grant().unwrap(),
        booking,
        action,
        None,
        now(app),
    )
    .await
    .unwrap();
}

async fn stored(app: &TestApp, technician: TechnicianId) -> i64 {
    let mut conn = app.db.store().conn().await.unwrap();
    positions::count(&mut conn, Some(technician)).await.unwrap()
}

fn basic(token: &str) -> String {
    // "tess:<token>" in base64, written out here rather than asked of the code under test.
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("tess:{token}");
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// A request as a tracking app sends it: no cookie, no browser headers.
fn app_request(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "onsite.test")
}

async fn owntracks(
    app: &TestApp,
    auth: Option<&str>,
    query: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = app_request(Method::POST, &format!("/track/owntracks{query}"))
        .header("content-type", "application/json");
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let answer = app
        .send(request.body(Body::from(body.to_string())).unwrap())
        .await;
    let json = serde_json::from_slice(&answer.bytes).unwrap_or(Value::Null);
    (answer.status, json)
}

/// An OsmAnd / Traccar Client report: the position in the query, no body.
async fn osmand(app: &TestApp, method: Method, query: &str) -> TestResponse {
    app.send(
        app_request(method, &format!("/track/osmand?{query}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn location(lat: f64, lon: f64, tst: i64) -> Value {
    json!({"_type": "location", "lat": lat, "lon": lon, "tst": tst, "acc": 8, "vel": 42, "tid": "th"})
}

both_backends!(
    owntracks_and_osmand_positions_are_stored_with_the_technicians_token,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let t = now(&app).as_second();
        let auth = basic(&trip.token);

        let (status, body) = owntracks(&app, Some(&auth), "", location(45.55, -73.56, t)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!([]), "OwnTracks expects an array");
        assert_eq!(stored(&app, trip.technician).await, 1);

        // The token as a query parameter works too.
        let query = format!("?token={}", trip.token);
        let (status, _) = owntracks(&app, None, &query, location(45.551, -73.56, t)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(stored(&app, trip.technician).await, 2);

        // Other OwnTracks messages are accepted and ignored.
        let (status, body) = owntracks(
            &app,
            Some(&auth),
            "",
            json!({"_type": "transition", "event": "enter", "tst": t}),
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!([])));
        assert_eq!(stored(&app, trip.technician).await, 2);

        // Traccar Client: the OsmAnd query (GET and POST), seconds or ISO time.
        let answer = osmand(
            &app,
            Method::GET,
            &format!(
                "id={}&lat=45.552&lon=-73.561&timestamp={t}&accuracy=5&speed=20&bearing=90",
                trip.token
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let iso = now(&app).to_string();
        let answer = osmand(
            &app,
            Method::POST,
            &format!(
                "id={}&lat=45.553&lon=-73.562&timestamp={}",
                trip.token,
                crate::support::encode(&[("t", &iso)]).trim_start_matches("t=")
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        // Traccar Client 9's JSON body.
        let body = json!({
            "device_id": trip.token,
            "location": {
                "timestamp": iso,
                "coords": {"latitude": 45.554, "longitude": -73.563, "accuracy": 6.5, "speed": 10.0, "heading": -1}
            }
        });
        let answer = app
            .send(
                app_request(Method::POST, "/track/osmand")
                    .header("content-type", "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(stored(&app, trip.technician).await, 5);
        let latest = positions::latest_since(
            &mut app.db.store().conn().await.unwrap(),
            trip.technician,
            now(&app) - jiff::SignedDuration::from_hours(1),
        )
        .await
        .unwrap()
        .unwrap();
        assert!((latest.latitude - 45.554).abs() < 1e-9);
        assert_eq!(latest.speed_kmh, Some(36.0));
        assert_eq!(latest.heading_deg, None, "-1 means unknown");
    }
);

both_backends!(
    tracking_apps_are_refused_without_a_good_token_or_with_bad_values,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let t = now(&app).as_second();
        let auth = basic(&trip.token);

        // No token, a wrong one: 401, a message, nothing stored.
        let (status, body) = owntracks(&app, None, "", location(45.55, -73.56, t)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "bad_token");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("token is unknown")
        );
        let wrong = basic(&"0".repeat(64));
        let (status, _) = owntracks(&app, Some(&wrong), "", location(45.55, -73.56, t)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let answer = osmand(
            &app,
            Method::GET,
            &format!("lat=45.55&lon=-73.56&timestamp={t}"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

        // Bad values, each with its reason.
        let cases = [
            (location(91.0, -73.56, t), "latitude"),
            (location(45.55, -181.0, t), "longitude"),
            (location(45.55, -73.56, t + 3600), "recorded_at"),
            (location(45.55, -73.56, t - 2 * 86_400), "recorded_at"),
            (
                json!({"_type": "location", "lat": 45.55, "lon": -73.56, "tst": t, "acc": 9000}),
                "accuracy_m",
            ),
            (
                json!({"_type": "location", "lat": 45.55, "lon": -73.56}),
                "recorded_at",
            ),
            (
                json!({"_type": "location", "lat": "north", "lon": -73.56, "tst": t}),
                "latitude",
            ),
        ];
        for (body, field) in cases {
            let (status, answer) = owntracks(&app, Some(&auth), "", body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
            assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
        }
        let answer = osmand(
            &app,
            Method::GET,
            &format!("id={}&lat=NaN&lon=-73.56&timestamp={t}", trip.token),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A body far larger than a position.
        let huge = json!({"_type": "location", "lat": 45.5, "lon": -73.5, "tst": t, "pad": "x".repeat(40_000)});
        let (status, _) = owntracks(&app, Some(&auth), "", huge).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(stored(&app, trip.technician).await, 0);
    }
);

both_backends!(
    the_technician_page_posts_the_browsers_position_and_the_setup_page_shows_a_token_once,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let mut tess = app.browser_as(trip.tess).await;
        let setup = tess.get("/technician/tracking").await;
        assert_eq!(setup.status, StatusCode::OK);
        assert!(!setup.text().contains("id=\"tracking-token\""));
        assert!(setup.text().contains("http://onsite.test/track/owntracks"));
        assert!(setup.text().contains("http://onsite.test/track/osmand"));
        let made = tess.post("/technician/tracking/token", &[]).await;
        assert_eq!(made.status, StatusCode::OK);
        assert_eq!(
            made.header("cache-control"),
            "no-store",
            "shown once: no cache keeps it"
        );
        let text = made.text();
        let marker = "data-testid=\"tracking-token\" type=\"text\" readonly value=\"";
        let start = text.find(marker).expect("the new token on the page") + marker.len();
        let token = &text[start..start + 64];
        // The new token works; the old one no longer does.
        let t = now(&app).as_second();
        let (status, _) =
            owntracks(&app, Some(&basic(token)), "", location(45.55, -73.56, t)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.55, -73.56, t),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // Shown once: the page does not show it again.
        let again = tess.get("/technician/tracking").await;
        assert!(!again.text().contains(token));

        // The browser's geolocation, with the session's CSRF token.
        let answer = tess
            .post_json(
                "/technician/position",
                &json!({"latitude": 45.56, "longitude": -73.55, "accuracy_m": 12.0, "recorded_at": t}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.json(), json!({"stored": true}));
        let answer = tess
            .post_json(
                "/technician/position",
                &json!({"latitude": 145.0, "longitude": -73.55, "recorded_at": t}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.json()["error"]["field"], "latitude");
        assert_eq!(stored(&app, trip.technician).await, 2);

        // A customer is no technician.
        let mut ana = app.browser_as(trip.world.user("customer of A")).await;
        ana.get("/").await;
        let answer = ana
            .post_json(
                "/technician/position",
                &json!({"latitude": 45.56, "longitude": -73.55, "recorded_at": t}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(stored(&app, trip.technician).await, 2);
    }
);

both_backends!(
    positions_outside_a_traveling_visit_are_acknowledged_but_not_kept,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        start(&app, &trip.tech, trip.booking, BookingAction::StartWork).await;
        let t = now(&app).as_second();
        let (status, _) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.55, -73.56, t),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(stored(&app, trip.technician).await, 0);
    }
);

both_backends!(
    with_tracking_off_the_endpoints_refuse_and_no_live_map_shows,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let mut ana = app.browser_as(trip.world.user("customer of A")).await;
        let live_link = format!("/bookings/{}/live", trip.booking);
        // On: the homepage offers View Live Map (the control of this test).
        assert!(ana.get("/").await.text().contains(&live_link));

        let mut conn = app.db.store().conn().await.unwrap();
        onsite_store::settings::set(&mut conn, "tracking/enabled", "false")
            .await
            .unwrap()
            .unwrap();
        drop(conn);
        let t = now(&app).as_second();
        let (status, body) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.55, -73.56, t),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "disabled");
        let answer = osmand(
            &app,
            Method::GET,
            &format!("id={}&lat=45.5&lon=-73.5&timestamp={t}", trip.token),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        let mut tess = app.browser_as(trip.tess).await;
        let answer = tess
            .post_json(
                "/technician/position",
                &json!({"latitude": 45.56, "longitude": -73.55, "recorded_at": t}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(stored(&app, trip.technician).await, 0);

        assert!(!ana.get("/").await.text().contains(&live_link));
        assert_eq!(ana.get(&live_link).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            ana.get(&format!("/api/v1/bookings/{}/live", trip.booking))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

both_backends!(
    the_live_map_shows_the_last_position_the_eta_and_the_address,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let mut ana = app.browser_as(trip.world.user("customer of A")).await;
        let page = ana.get(&format!("/bookings/{}/live", trip.booking)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains(">Waiting for the technician"));
        assert!(text.contains("5000 Rue Sherbrooke E"));
        assert!(text.contains("live_map.js"));
        assert!(text.contains("vendor/leaflet/leaflet.js"));

        let t = now(&app).as_second();
        let (status, _) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.50, -73.57, t),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // Five seconds later (the fix is of the start of its second: 5 or 6 s old).
        app.state.clock.advance(jiff::SignedDuration::from_secs(5));
        let page = ana.get(&format!("/bookings/{}/live", trip.booking)).await;
        let text = page.text();
        assert!(text.contains("data-lat=\"45.5\""), "{text}");
        // The test clock is the system's plus an offset: a loaded machine adds a few seconds.
        assert!(
            (5..=9).any(|s| text.contains(&format!("Updated {s} s ago"))),
            "{text}"
        );
        assert!(!text.contains(">Waiting for the technician"));

        let asked = now(&app).as_second();
        let snapshot = ana
            .get(&format!("/api/v1/bookings/{}/live", trip.booking))
            .await;
        let answered = now(&app).as_second();
        assert_eq!(snapshot.status, StatusCode::OK);
        let live = &snapshot.json()["live"];
        assert_eq!(live["state"], "traveling");
        assert_eq!(live["position"]["latitude"], 45.5);
        assert_eq!(live["position"]["recorded_at"], t);
        assert_eq!(live["position"]["stale"], false);
        // About 7 km at the default 35 km/h and road factor 1.3: a quarter of an hour or so.
        let minutes = live["position"]["eta_minutes"].as_i64().unwrap();
        assert!((5..=30).contains(&minutes), "{minutes}");
        let eta = live["position"]["eta"].as_i64().unwrap();
        assert!(
            (asked + minutes * 60..=answered + minutes * 60).contains(&eta),
            "{eta}"
        );

        // Five minutes without news: stale, on the page and in the snapshot.
        app.state.clock.advance(jiff::SignedDuration::from_mins(5));
        let live = ana
            .get(&format!("/api/v1/bookings/{}/live", trip.booking))
            .await
            .json();
        assert_eq!(live["live"]["position"]["stale"], true);
        let page = ana.get(&format!("/bookings/{}/live", trip.booking)).await;
        assert!(page.text().contains("not updated recently"));
    }
);

/// Reads the next server-sent event (`event`, `data`) within `wait`.
async fn next_event(
    stream: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    buffer: &mut String,
    wait: Duration,
) -> Option<(String, Value)> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer[..end].to_owned();
            buffer.replace_range(..end + 2, "");
            let mut event = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !event.is_empty() {
                return Some((event, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
        }
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(bytes))) => buffer.push_str(&String::from_utf8_lossy(&bytes)),
            _ => return None,
        }
    }
}

fn sse_request(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("host", "onsite.test")
        .header("accept", "text/event-stream");
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    request.body(Body::empty()).unwrap()
}

both_backends!(
    a_posted_position_reaches_the_live_stream_within_seconds_and_the_stream_ends_with_the_trip,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let (session, _) = app.session_for(trip.world.user("customer of A")).await;
        let cookie = format!("onsite_session={session}");
        let response = app
            .router
            .clone()
            .oneshot(sse_request(
                &format!("/bookings/{}/live/events", trip.booking),
                Some(&cookie),
            ))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut stream = response.into_body().into_data_stream();
        let mut buffer = String::new();

        let t = now(&app).as_second();
        let posted = std::time::Instant::now();
        let (status, _) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.53, -73.56, t),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (event, data) = next_event(&mut stream, &mut buffer, Duration::from_secs(5))
            .await
            .expect("a position event within a few seconds");
        assert_eq!(event, "position");
        assert_eq!(data["latitude"], 45.53);
        assert!(data["eta_text"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(posted.elapsed() < Duration::from_secs(5));

        // A second one moves the marker.
        owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.54, -73.56, t + 1),
        )
        .await;
        let (_, data) = next_event(&mut stream, &mut buffer, Duration::from_secs(5))
            .await
            .expect("the next position");
        assert_eq!(data["latitude"], 45.54);

        // Start work: the stream says so and ends.
        start(&app, &trip.tech, trip.booking, BookingAction::StartWork).await;
        let (event, data) = next_event(&mut stream, &mut buffer, Duration::from_secs(5))
            .await
            .expect("a state event");
        assert_eq!(event, "state");
        assert_eq!(data["state"], BookingState::InProgress.as_str());
        assert_eq!(data["link"], format!("/bookings/{}", trip.booking));
        let end = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match stream.next().await {
                    None => break,
                    Some(Ok(_)) => continue,
                    Some(Err(_)) => break,
                }
            }
        })
        .await;
        assert!(end.is_ok(), "the stream ends once the visit left Traveling");
    }
);

both_backends!(
    nobody_but_the_accounts_customers_sees_the_live_map_and_not_after_the_trip,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let t = now(&app).as_second();
        owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.53, -73.56, t),
        )
        .await;
        let paths = [
            format!("/bookings/{}/live", trip.booking),
            format!("/bookings/{}/live/events", trip.booking),
            format!("/api/v1/bookings/{}/live", trip.booking),
        ];
        // The customer of A sees it (the control).
        let (own, _) = app.session_for(trip.world.user("customer of A")).await;
        for path in [&paths[0], &paths[2]] {
            let answer = app
                .send(sse_request(path, Some(&format!("onsite_session={own}"))))
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert!(answer.text().contains("45.53"), "{path}");
        }

        let mut leaks = Vec::new();
        let check = |who: &str, answer: &crate::support::TestResponse, path: &str| {
            let text = String::from_utf8_lossy(&answer.bytes).into_owned();
            if answer.status.is_success() || text.contains("45.53") || text.contains("-73.56") {
                Some(format!("{who} got {} at {path}", answer.status))
            } else {
                None
            }
        };
        for who in ["customer of B", "technician", "dispatcher", "reviewer of A"] {
            let (session, _) = app.session_for(trip.world.user(who)).await;
            for path in &paths {
                let answer = app
                    .send(sse_request(
                        path,
                        Some(&format!("onsite_session={session}")),
                    ))
                    .await;
                leaks.extend(check(who, &answer, path));
            }
        }
        for path in &paths {
            let answer = app.send(sse_request(path, None)).await;
            leaks.extend(check("anonymous", &answer, path));
        }
        // After the trip, the account's own customer gets nothing either.
        start(&app, &trip.tech, trip.booking, BookingAction::StartWork).await;
        for path in &paths {
            let answer = app
                .send(sse_request(path, Some(&format!("onsite_session={own}"))))
                .await;
            if answer.status != StatusCode::NOT_FOUND {
                leaks.push(format!(
                    "customer of A after the trip got {} at {path}",
                    answer.status
                ));
            }
            leaks.extend(check("customer of A after the trip", &answer, path));
        }
        assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    }
);

#[tokio::test]
async fn the_housekeeping_sweep_deletes_positions_past_the_retention_period() {
    let app = TestApp::spawn().await;
    let trip = trip(&app).await;
    let t = now(&app).as_second();
    for (lat, age_hours) in [(45.50, 0), (45.51, 23)] {
        let (status, _) = owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(lat, -73.56, t - age_hours * 3600),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut conn = app.db.store().conn().await.unwrap();
    onsite_store::settings::set(&mut conn, "tracking/retention_days", "1")
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    let two_hours_later = now(&app) + jiff::SignedDuration::from_hours(2);
    let swept = onsite_app::housekeeping::sweep(app.app(), two_hours_later)
        .await
        .unwrap();
    assert_eq!(swept.positions, 1);
    assert_eq!(stored(&app, trip.technician).await, 1);
}

// ---- Over a real socket: the lean path of `onsite_web::serve` ------------------------------

impl Raw {
    /// The next event of a lean stream (not chunked), or `None` at its end or after `wait`.
    async fn event(&mut self, wait: Duration) -> Option<(String, Value)> {
        use tokio::io::AsyncBufReadExt;
        let mut event = String::new();
        let mut data = String::new();
        tokio::time::timeout(wait, async {
            loop {
                let mut line = String::new();
                if self.0.read_line(&mut line).await.ok()? == 0 {
                    return None;
                }
                let line = line.trim_end();
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if line.is_empty() && !event.is_empty() {
                    return Some((event, serde_json::from_str(&data).unwrap_or(Value::Null)));
                }
            }
        })
        .await
        .ok()?
    }
}

/// Reads the answer to a live-events request just written on `raw`: the lean path's own head
/// (no chunking, closed at the end of the stream, the security headers), then a position posted
/// now with `token` arrives as an event.
async fn lean_stream_delivers_a_position(app: &TestApp, raw: &mut Raw, token: &str) {
    let (status, head) = raw.head().await;
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("connection: close"), "lean path: {head}");
    assert!(!head.contains("transfer-encoding"), "lean path: {head}");
    for line in [
        "content-type: text/event-stream",
        "cache-control: no-store",
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "content-security-policy: ",
        "x-request-id: ",
    ] {
        assert!(head.contains(line), "{line} missing in {head}");
    }
    a_posted_position_arrives(app, raw, token).await;
}

/// A position posted now with `token` arrives as an event on the stream `raw` reads.
async fn a_posted_position_arrives(app: &TestApp, raw: &mut Raw, token: &str) {
    let t = now(app).as_second();
    let (status, _) = owntracks(app, Some(&basic(token)), "", location(45.53, -73.56, t)).await;
    assert_eq!(status, StatusCode::OK);
    let (event, data) = raw
        .event(Duration::from_secs(5))
        .await
        .expect("a position event within a few seconds");
    assert_eq!(event, "position");
    assert_eq!(data["latitude"], 45.53);
    assert!(data["eta_text"].as_str().is_some_and(|s| !s.is_empty()));
}

/// The trip's customer opens its live map's event stream on a fresh connection to `addr`.
async fn watch_the_live_map(app: &TestApp, trip: &Trip, addr: std::net::SocketAddr) -> Raw {
    let (session, _) = app.session_for(trip.world.user("customer of A")).await;
    let mut raw = Raw::open(addr).await;
    raw.write(&events_head(
        trip.booking,
        Some(&format!("onsite_session={session}")),
    ))
    .await;
    raw
}

fn events_head(booking: BookingId, cookie: Option<&str>) -> String {
    let cookie = cookie.map_or_else(String::new, |c| format!("Cookie: {c}\r\n"));
    format!(
        "GET /bookings/{booking}/live/events HTTP/1.1\r\nHost: onsite.test\r\nAccept: text/event-stream\r\n{cookie}\r\n"
    )
}

both_backends!(
    a_fresh_connection_watching_the_live_map_gets_positions_on_the_lean_path_until_the_trip_ends,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let addr = serve_on_socket(&app).await;
        let mut raw = watch_the_live_map(&app, &trip, addr).await;
        lean_stream_delivers_a_position(&app, &mut raw, &trip.token).await;

        start(&app, &trip.tech, trip.booking, BookingAction::StartWork).await;
        let (event, data) = raw
            .event(Duration::from_secs(5))
            .await
            .expect("a state event");
        assert_eq!(event, "state");
        assert_eq!(data["state"], BookingState::InProgress.as_str());
        assert_eq!(data["link"], format!("/bookings/{}", trip.booking));
        let rest = raw.rest(Duration::from_secs(5)).await;
        assert!(
            raw.event(Duration::from_millis(100)).await.is_none() && !rest.contains("event:"),
            "the connection closes once the visit left Traveling: {rest}"
        );
    }
);

both_backends!(
    over_a_socket_nobody_else_gets_the_live_stream_and_hyper_answers_as_before,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let addr = serve_on_socket(&app).await;
        let t = now(&app).as_second();
        owntracks(
            &app,
            Some(&basic(&trip.token)),
            "",
            location(45.53, -73.56, t),
        )
        .await;
        let mut leaks = Vec::new();
        let mut ask = async |who: &str, cookie: Option<String>, expected: u16| {
            let mut raw = Raw::open(addr).await;
            raw.write(&events_head(trip.booking, cookie.as_deref()))
                .await;
            let (status, head) = raw.head().await;
            if status != expected || head.contains("text/event-stream") {
                leaks.push(format!("{who} got {status}: {head}"));
            }
        };
        ask("anonymous", None, 303).await;
        for who in ["customer of B", "technician", "dispatcher", "reviewer of A"] {
            let (session, _) = app.session_for(trip.world.user(who)).await;
            ask(who, Some(format!("onsite_session={session}")), 404).await;
        }
        let (own, _) = app.session_for(trip.world.user("customer of A")).await;
        ask(
            "a made-up session",
            Some(format!("onsite_session={}", "ab".repeat(32))),
            303,
        )
        .await;

        // The session expired (idle timeout): signed out, nothing streamed.
        app.state
            .clock
            .advance(onsite_app::identity::SESSION_IDLE + jiff::SignedDuration::from_mins(1));
        ask(
            "an expired session",
            Some(format!("onsite_session={own}")),
            303,
        )
        .await;
        let (fresh, _) = app.session_for(trip.world.user("customer of A")).await;

        // After the trip, the account's own customer gets nothing either.
        start(&app, &trip.tech, trip.booking, BookingAction::StartWork).await;
        ask(
            "customer of A after the trip",
            Some(format!("onsite_session={fresh}")),
            404,
        )
        .await;
        assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    }
);

both_backends!(
    a_slow_or_unusual_request_head_is_served_by_hyper_as_before,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let addr = serve_on_socket(&app).await;
        let (session, _) = app.session_for(trip.world.user("customer of A")).await;
        let cookie = format!("onsite_session={session}");

        // A head that arrives in two parts, slower than the lean path waits: hyper streams it.
        let head = events_head(trip.booking, Some(&cookie));
        let (first, second) = head.split_at(20);
        let mut raw = Raw::open(addr).await;
        raw.write(first).await;
        tokio::time::sleep(onsite_web::lean::HEAD_WAIT + Duration::from_millis(300)).await;
        raw.write(second).await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        assert!(
            !head.contains("connection: close"),
            "served by hyper: {head}"
        );

        // A query string: not the lean path's shape, hyper serves it.
        let mut raw = Raw::open(addr).await;
        raw.write(&format!(
            "GET /bookings/{}/live/events?from=test HTTP/1.1\r\nHost: onsite.test\r\nCookie: {cookie}\r\n\r\n",
            trip.booking
        ))
        .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(
            !head.contains("connection: close"),
            "served by hyper: {head}"
        );

        // A malformed head: hyper's own 400.
        let mut raw = Raw::open(addr).await;
        raw.write("GET /bookings/1/live/events HTTP/1.1\r\nHost onsite.test\r\n\r\n")
            .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 400, "{head}");

        // Other requests on a fresh connection: hyper, as always.
        let mut raw = Raw::open(addr).await;
        raw.write("GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n")
            .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
    }
);

both_backends!(
    a_browser_reusing_a_keep_alive_connection_for_the_live_map_gets_the_lean_path,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let addr = serve_on_socket(&app).await;
        let (session, _) = app.session_for(trip.world.user("customer of A")).await;
        let cookie = format!("onsite_session={session}");
        let mut raw = Raw::open(addr).await;
        // First a plain request, answered by hyper, the connection kept open (as a browser
        // loading the live page does before it opens the EventSource).
        raw.write("GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n")
            .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(!head.contains("connection: close"), "kept alive: {head}");
        raw.sized_body(&head).await;

        // Then the live events on the same connection: the lean path's own head.
        raw.write(&events_head(trip.booking, Some(&cookie))).await;
        lean_stream_delivers_a_position(&app, &mut raw, &trip.token).await;
    }
);

both_backends!(
    two_pipelined_requests_on_one_connection_are_both_answered_in_order,
    |app: TestApp| async move {
        let trip = trip(&app).await;
        let addr = serve_on_socket(&app).await;
        let (session, _) = app.session_for(trip.world.user("customer of A")).await;
        let mut raw = Raw::open(addr).await;
        // Written at once: hyper reads both; the second must still be answered, after the first.
        raw.write(&format!(
            "GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\nGET /nowhere-{} HTTP/1.1\r\nHost: onsite.test\r\nCookie: onsite_session={session}\r\n\r\n",
            trip.booking
        ))
        .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(!head.contains("connection: close"), "{head}");
        raw.sized_body(&head).await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 404, "{head}");
        assert!(!head.contains("connection: close"), "{head}");
        raw.sized_body(&head).await;

        // And a third, later, on the same connection.
        raw.write("GET /healthz HTTP/1.1\r\nHost: onsite.test\r\nConnection: close\r\n\r\n")
            .await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("connection: close"), "{head}");
        raw.sized_body(&head).await;
        assert_eq!(
            raw.rest(Duration::from_secs(5)).await,
            "",
            "closed as asked"
        );
    }
);

both_backends!(
    with_the_lean_path_off_hyper_streams_the_live_map_until_the_server_stops,
    |app| async move {
        let trip = trip(&app).await;
        let mut state = app.state.clone();
        state.config = std::sync::Arc::new(onsite_web::WebConfig {
            lean_live_map: false,
            ..(*state.config).clone()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(onsite_web::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        let mut raw = watch_the_live_map(&app, &trip, addr).await;
        let (status, head) = raw.head().await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        assert!(head.contains("transfer-encoding: chunked"), "hyper: {head}");
        assert!(!head.contains("connection: close"), "hyper: {head}");
        assert!(head.contains("cache-control: no-store"), "{head}");
        a_posted_position_arrives(&app, &mut raw, &trip.token).await;

        // A stream never finishes by itself: stopping the server ends it, and the server
        // returns.
        stop.send(()).unwrap();
        let finished = tokio::time::timeout(Duration::from_secs(10), server).await;
        finished
            .expect("serve returns after shutdown with a stream open")
            .unwrap()
            .expect("serve ends without error");
        assert!(
            raw.rest(Duration::from_secs(5))
                .await
                .ends_with("0\r\n\r\n"),
            "the stream ended with its last chunk"
        );
    }
);
