//! A dispatcher moves a visit over HTTP, on SQLite and PostgreSQL (issue 15 item 2): the JSON
//! API the board's drag and drop calls (refused with every reason and 409, a dry run, bad
//! input 422 naming the field and changing nothing, an unknown visit 404, the move itself with
//! the customer's email), and the keyboard "Move…" dialog (Check, Move, the reasons again with
//! 422, back to the board on the new day), kept from customers.

use crate::bookings::{book_first, principal, schedule};
use crate::support::{TestApp, World};
use axum::http::StatusCode;
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use onsite_domain::geo::GeoPoint;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::{BookingId, CharacteristicId, TechnicianId};
use onsite_store::{bookings, catalog, technicians};
use onsite_testkit::both_backends;
use serde_json::json;

struct Moves {
    world: World,
    visit: BookingId,
    sam: TechnicianId,
    karim: TechnicianId,
    uma: TechnicianId,
}

async fn add_technician(
    app: &TestApp,
    name: &str,
    like: TechnicianId,
    skill: CharacteristicId,
) -> TechnicianId {
    let mut conn = app.db.store().conn().await.unwrap();
    let sam = technicians::technician(&mut conn, like).await.unwrap();
    let hours: Vec<WorkingPeriod> = sam.weekly_hours.clone();
    technicians::insert_technician(
        &mut conn,
        &technicians::NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: None,
            home_base: GeoPoint::new(45.556, -73.552).unwrap(),
            time_zone: &TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: &hours,
            territories: &sam.territories,
            skills: &[SkillLevel {
                characteristic_id: skill,
                rating: Rating::new(5).unwrap(),
            }],
            active: true,
        },
    )
    .await
    .unwrap()
}

async fn moves_world(app: &TestApp) -> Moves {
    let world = World::build(app).await;
    let s = schedule(app, &world).await;
    let ana = principal(app, world.user("customer of A")).await;
    let visit = book_first(app, &ana, s.service_type).await;
    let mut conn = app.db.store().conn().await.unwrap();
    let hvac = technicians::technician(&mut conn, s.technician)
        .await
        .unwrap()
        .skills[0]
        .characteristic_id;
    let refrigeration = catalog::insert_characteristic(&mut conn, "Refrigeration")
        .await
        .unwrap();
    drop(conn);
    let karim = add_technician(app, "Karim", s.technician, refrigeration).await;
    let uma = add_technician(app, "Uma", s.technician, hvac).await;
    Moves {
        world,
        visit,
        sam: s.technician,
        karim,
        uma,
    }
}

async fn placement(app: &TestApp, id: BookingId) -> (TechnicianId, jiff::Timestamp, i64) {
    let b = bookings::booking(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap();
    (b.technician_id, b.starts_at, b.ics_sequence)
}

async fn outbox(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox")
        .fetch_one(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap()
}

both_backends!(
    the_api_refuses_with_reasons_checks_and_moves,
    |app: TestApp| async move {
        let m = moves_world(&app).await;
        let (_, start, _) = placement(&app, m.visit).await;
        let before = placement(&app, m.visit).await;
        let mails = outbox(&app).await;
        let mut dora = app.browser_as(m.world.user("dispatcher")).await;
        let path = format!("/api/v1/staff/visits/{}/move", m.visit.0);

        let refused = dora
            .post_json(
                &path,
                &json!({"technician_id": m.karim.0, "starts_at": start.to_string()}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
        let body = refused.json();
        assert_eq!(body["error"], "move_refused");
        assert_eq!(body["reasons"][0]["code"], "lacks_skill");
        assert_eq!(body["reasons"][0]["message"], "Karim lacks HVAC ≥ 3");
        assert_eq!(body["reasons"][0]["overridable"], false);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("cannot be moved")
        );

        // Bad input: 422 naming the field; nothing changes.
        for (bad, field) in [
            (
                json!({"technician_id": "seven", "starts_at": start.to_string()}),
                "technician_id",
            ),
            (
                json!({"technician_id": -4, "starts_at": start.to_string()}),
                "technician_id",
            ),
            (
                json!({"technician_id": 999_999, "starts_at": start.to_string()}),
                "technician_id",
            ),
            (
                json!({"technician_id": m.uma.0, "starts_at": "tomorrow at ten"}),
                "starts_at",
            ),
            (json!({"technician_id": m.uma.0}), "starts_at"),
            (
                json!({"technician_id": m.uma.0, "starts_at": start.to_string(), "dry_run": "yes"}),
                "dry_run",
            ),
            (
                json!({"technician_id": m.uma.0, "starts_at": start.to_string(), "reason": "x".repeat(5000)}),
                "reason",
            ),
        ] {
            let r = dora.post_json(&path, &bad).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad}: {}",
                r.text()
            );
            assert_eq!(r.json()["error"]["field"], field, "{bad}");
        }
        let unknown = dora
            .post_json(
                "/api/v1/staff/visits/999999/move",
                &json!({"technician_id": m.uma.0, "starts_at": start.to_string()}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(placement(&app, m.visit).await, before);
        assert_eq!(outbox(&app).await, mails);

        // A dry run to Uma: clear, nothing moves.
        let dry = dora
            .post_json(
                &path,
                &json!({"technician_id": m.uma.0, "starts_at": start.to_string(), "dry_run": true}),
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
        let body = dry.json();
        assert_eq!(body["moved"], false);
        assert_eq!(body["reasons"], json!([]));
        assert_eq!(body["visit"]["technician_id"], m.sam.0);
        assert_eq!(placement(&app, m.visit).await, before);

        // The move.
        let done = dora
            .post_json(
                &path,
                &json!({"technician_id": m.uma.0, "starts_at": start.to_string()}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let body = done.json();
        assert_eq!(body["moved"], true);
        assert_eq!(body["visit"]["technician_id"], m.uma.0);
        assert_eq!(body["visit"]["state"], "scheduled");
        assert_eq!(placement(&app, m.visit).await, (m.uma, start, 1));
        assert_eq!(
            outbox(&app).await,
            mails + 1,
            "the customer's new-time email"
        );

        // Customers cannot move visits, not even their own.
        let mut ana = app.browser_as(m.world.user("customer of A")).await;
        let theirs = ana
            .post_json(
                &path,
                &json!({"technician_id": m.sam.0, "starts_at": start.to_string()}),
            )
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!(placement(&app, m.visit).await, (m.uma, start, 1));
    }
);

both_backends!(
    the_move_dialog_checks_refuses_and_moves_without_script,
    |app: TestApp| async move {
        let m = moves_world(&app).await;
        let (_, start, _) = placement(&app, m.visit).await;
        let zone = TimeZone::get("America/Toronto").unwrap();
        let local = |t: jiff::Timestamp| {
            let z = t.to_zoned(zone.clone());
            (z.date().to_string(), z.time().strftime("%H:%M").to_string())
        };
        let mut dora = app.browser_as(m.world.user("dispatcher")).await;
        let path = format!("/staff/visits/{}/move", m.visit.0);
        let page = dora.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("America/Toronto"), "the zone is named");
        assert!(html.contains(r#"<option value=""#) && html.contains("Karim"));

        // Check: Karim lacks the skill.
        let (date, time) = local(start);
        let karim = m.karim.0.to_string();
        let check = dora
            .get(&format!(
                "{path}?technician_id={karim}&date={date}&time={}",
                time.replace(':', "%3A")
            ))
            .await;
        assert_eq!(check.status, StatusCode::OK);
        assert!(
            check.text().contains("Karim lacks HVAC ≥ 3"),
            "{}",
            check.text()
        );

        // The Check button posts the form (the CSRF token stays out of URLs) and moves nothing.
        assert!(!html.contains(r#"formmethod="get""#));
        let checked = dora
            .post(
                &path,
                &[
                    ("technician_id", karim.as_str()),
                    ("date", &date),
                    ("time", &time),
                    ("intent", "check"),
                ],
            )
            .await;
        assert_eq!(checked.status, StatusCode::OK);
        assert!(checked.text().contains("Karim lacks HVAC ≥ 3"));
        assert_eq!(
            placement(&app, m.visit).await.1,
            start,
            "a check moves nothing"
        );

        // Move to Karim: refused, the page again with the reason.
        let refused = dora
            .post(
                &path,
                &[("technician_id", &karim), ("date", &date), ("time", &time)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Karim lacks HVAC ≥ 3"));

        // A time that is not a time.
        let bad = dora
            .post(
                &path,
                &[
                    ("technician_id", &karim),
                    ("date", &date),
                    ("time", "25:99"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains(r#"id="time-error""#));

        // After hours with Sam: the override needs a reason.
        let late = local(
            start
                .to_zoned(zone.clone())
                .date()
                .at(20, 0, 0, 0)
                .to_zoned(zone.clone())
                .unwrap()
                .timestamp(),
        );
        let sam = m.sam.0.to_string();
        let needs_reason = dora
            .post(
                &path,
                &[
                    ("technician_id", &sam),
                    ("date", &late.0),
                    ("time", &late.1),
                ],
            )
            .await;
        assert_eq!(needs_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = needs_reason.text();
        assert!(html.contains("outside Sam Servicewoman"), "{html}");
        assert!(html.contains(r#"name="reason""#) && html.contains("Move anyway"));

        // Two hours later with Sam: moved, back to the board on that day.
        let (date2, time2) = local(start + SignedDuration::from_hours(2));
        let moved = dora
            .post(
                &path,
                &[("technician_id", &sam), ("date", &date2), ("time", &time2)],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert_eq!(
            moved.header("location"),
            format!("/staff/visits?day={date2}&notice=visit-moved")
        );
        assert_eq!(
            placement(&app, m.visit).await,
            (m.sam, start + SignedDuration::from_hours(2), 1)
        );

        // Customers never see the dialog.
        let mut ana = app.browser_as(m.world.user("customer of A")).await;
        assert_eq!(ana.get(&path).await.status, StatusCode::NOT_FOUND);
    }
);
