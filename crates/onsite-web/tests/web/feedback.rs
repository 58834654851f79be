//! Feedback over HTTP: Send Feedback on the Past tab only for a Completed visit without
//! feedback and only while surveys are on, gone once sent; "Thank you" on the visit page; the
//! staff's responses and averages; another account's visit is 404 (pages and API); the survey
//! and the portal settings for administrators only, out-of-range values refused by name.

use crate::support::{TestApp, World};
use axum::http::StatusCode;
use onsite_app::booking;
use onsite_domain::BookingId;
use onsite_domain::booking::BookingAction;
use onsite_testkit::both_backends;
use serde_json::json;

/// A visit of account A taken to Completed by the dispatcher.
async fn completed_visit(app: &TestApp, world: &World) -> BookingId {
    let schedule = crate::bookings::schedule(app, world).await;
    let ana = crate::bookings::principal(app, world.user("customer of A")).await;
    let id = crate::bookings::book_first(app, &ana, schedule.service_type).await;
    let dora = crate::bookings::principal(app, world.user("dispatcher")).await;
    for action in [
        BookingAction::StartTravel,
        BookingAction::StartWork,
        BookingAction::Complete,
    ] {
        booking::transition(
            app.app(),
            dora.grant().unwrap(),
            id,
            action,
            None,
            crate::support::now(app),
        )
        .await
        .unwrap();
    }
    id
}

/// A Completed visit of account A three days ago, written straight into the store (for the
/// access matrix, whose fixture books its own Scheduled visit through the use case).
pub async fn completed_in_store(
    app: &TestApp,
    world: &World,
    schedule: &crate::bookings::Schedule,
) -> BookingId {
    use onsite_store::bookings::{NewBooking, RecordedTransition};
    use onsite_store::work_orders::{self, NewWorkOrder};
    let start = crate::support::now(app) - jiff::SignedDuration::from_hours(72);
    let mut conn = app.db.store().conn().await.unwrap();
    let wo = work_orders::insert_work_order(
        &mut conn,
        &NewWorkOrder {
            number: "WO-MATRIX-DONE",
            account_id: world.account_a,
            asset_id: None,
            service_type_id: schedule.service_type,
            agreement_id: None,
            status: onsite_domain::work_order::WorkOrderStatus::Completed,
            summary: None,
            expose_to_customer: true,
            created_at: start,
        },
    )
    .await
    .unwrap();
    let steps: Vec<RecordedTransition<'_>> = [
        BookingAction::StartTravel,
        BookingAction::StartWork,
        BookingAction::Complete,
    ]
    .into_iter()
    .map(|action| RecordedTransition {
        action,
        at: start,
        actor: None,
        note: None,
    })
    .collect();
    onsite_store::bookings::insert_booking_with_history(
        &mut conn,
        &NewBooking {
            work_order_id: wo,
            technician_id: schedule.technician,
            starts_at: start,
            ends_at: start + jiff::SignedDuration::from_mins(60),
            location: onsite_domain::geo::GeoPoint::new(45.5246, -73.5815).unwrap(),
            ics_uid: "matrix-done@onsite.test",
            idempotency_key: None,
            booked_by: None,
            booked_at: start,
        },
        &steps,
    )
    .await
    .unwrap()
}

both_backends!(
    send_feedback_shows_on_the_past_tab_until_sent_and_staff_see_it,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let id = completed_visit(&app, &world).await;
        let link = format!("/bookings/{id}/feedback");
        let mut ana = app.browser_as(world.user("customer of A")).await;

        let past = ana.get("/?tab=past").await.text();
        assert!(
            past.contains(&link) && past.contains("Send Feedback"),
            "{past}"
        );
        // The Upcoming tab has nothing to rate.
        assert!(!ana.get("/").await.text().contains(&link));

        let form = ana.get(&link).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("Your overall rating"));

        let refused = ana
            .post(&link, &[("rating", "6"), ("comment", "Great")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Choose a rating from 1 to 5."));
        assert!(refused.text().contains("Great"), "what was typed stays");

        let sent = ana
            .post(
                &link,
                &[("rating", "5"), ("comment", "Zephyr-quick and tidy")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        assert_eq!(sent.header("location"), "/?tab=past&notice=feedback-sent");
        let past = ana.get("/?tab=past&notice=feedback-sent").await.text();
        assert!(past.contains("your feedback is sent"), "{past}");
        assert!(!past.contains(&link), "Send Feedback is gone once sent");
        let visit = ana.get(&format!("/bookings/{id}")).await.text();
        assert!(visit.contains("Thank you for your feedback") && visit.contains("5 out of 5"));

        // A second submission sends nothing more: back to the thank-you.
        let again = ana.post(&link, &[("rating", "1")]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let thanks = ana.get(&link).await.text();
        assert!(thanks.contains("Thank you for your feedback") && thanks.contains("5 out of 5"));

        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let staff = dora.get("/staff/feedback").await;
        assert_eq!(staff.status, StatusCode::OK);
        let text = staff.text();
        assert!(text.contains("Zephyr-quick and tidy") && text.contains("5 out of 5"));
        let api = dora.get("/api/v1/staff/feedback").await.json();
        assert_eq!(api["responses"][0]["rating"], 5);
        assert_eq!(api["averages"]["technician"][0]["average"], 5.0);
        // The months as bars on the 5-star scale, with their numbers as a table.
        let month = api["averages"]["month"][0]["label"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            text.contains(
                r#"<title id="feedback-months-title">Average rating by month (out of 5)</title>"#
            ),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                r#"<tr><th scope="row">{month}</th><td>5.0 (1 response)</td></tr>"#
            )),
            "{text}"
        );
        assert!(text.contains(r##"width="300.0" height="20" fill="#01609a" data-value="5""##));
        let bad = dora.get("/api/v1/staff/feedback?month=2026-13").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // One page: no Next / Previous, and no pager on the page.
        assert!(api["next"].is_null() && api["prev"].is_null());
        assert!(!text.contains("rel=\"next\""));
        // A cursor that is not one of ours is refused by name, on the page and in the API.
        for path in [
            "/staff/feedback?cursor=bm90LWEtY3Vyc29y",
            "/api/v1/staff/feedback?cursor=bm90LWEtY3Vyc29y",
        ] {
            let refused = dora.get(path).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        }
    }
);

both_backends!(
    with_surveys_off_send_feedback_does_not_appear_and_is_refused,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let id = completed_visit(&app, &world).await;
        let link = format!("/bookings/{id}/feedback");
        let mut admin = app.browser_as(world.user("admin")).await;
        // Every other setting as it is, surveys unticked.
        let saved = admin
            .post(
                "/staff/settings/portal",
                &[
                    ("tracking/enabled", "on"),
                    (
                        "tracking/tile_url",
                        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    ),
                    ("tracking/retention_days", "30"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let mut ana = app.browser_as(world.user("customer of A")).await;
        assert!(!ana.get("/?tab=past").await.text().contains(&link));
        assert_eq!(ana.get(&link).await.status, StatusCode::FORBIDDEN);
        let api = ana
            .post_json(
                &format!("/api/v1/bookings/{id}/feedback"),
                &json!({"rating": 5}),
            )
            .await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert_eq!(api.json()["error"]["code"], "disabled");
    }
);

both_backends!(
    another_accounts_visit_feedback_is_not_found,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let id = completed_visit(&app, &world).await;
        let mut bruno = app.browser_as(world.user("customer of B")).await;
        let link = format!("/bookings/{id}/feedback");
        assert_eq!(bruno.get(&link).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            bruno.post(&link, &[("rating", "1")]).await.status,
            StatusCode::NOT_FOUND
        );
        let api = format!("/api/v1/bookings/{id}/feedback");
        assert_eq!(bruno.get(&api).await.status, StatusCode::NOT_FOUND);
        let posted = bruno.post_json(&api, &json!({"rating": 1})).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
        // Nothing was stored: account A's customer can still send theirs.
        let mut ana = app.browser_as(world.user("customer of A")).await;
        let sent = ana.post_json(&api, &json!({"rating": 4})).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        assert_eq!(sent.json()["rating"], 4);
    }
);

both_backends!(
    the_survey_questions_are_asked_and_required_ones_enforced,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let id = completed_visit(&app, &world).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        let added = admin
            .post(
                "/staff/settings/survey",
                &[
                    ("action", "add"),
                    ("kind", "yes_no"),
                    ("label-en", "Was the technician on time?"),
                    ("label-fr", "Le technicien était-il à l'heure ?"),
                    ("required", "on"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        let no_label = admin
            .post(
                "/staff/settings/survey",
                &[("action", "add"), ("kind", "text"), ("label-fr", "Autre ?")],
            )
            .await;
        assert_eq!(no_label.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_label.text().contains("This field is required."));

        let mut ana = app.browser_as(world.user("customer of A")).await;
        let api = format!("/api/v1/bookings/{id}/feedback");
        let survey = ana.get(&api).await.json();
        let question = survey["questions"][0]["id"].as_i64().unwrap();
        assert_eq!(
            survey["questions"][0]["label"],
            "Was the technician on time?"
        );
        assert!(survey["feedback"].is_null());
        let missing = ana.post_json(&api, &json!({"rating": 3})).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            missing.json()["error"]["fields"][0]["field"],
            format!("q-{question}")
        );
        let form = ana.get(&format!("/bookings/{id}/feedback")).await.text();
        assert!(form.contains("Was the technician on time?"));
        let sent = ana
            .post(
                &format!("/bookings/{id}/feedback"),
                &[("rating", "4"), (&format!("q-{question}"), "no")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let after = ana.get(&api).await.json();
        assert_eq!(after["feedback"]["answers"][0]["answer"]["value"], false);

        // Dispatchers do not edit the survey.
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dora.get("/staff/settings/survey").await.status,
            StatusCode::FORBIDDEN
        );
    }
);

both_backends!(
    portal_settings_refuse_out_of_range_values_and_non_admins,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        let page = admin.get("/staff/settings/portal").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("tracking/retention_days"));
        let refused = admin
            .post(
                "/staff/settings/portal",
                &[
                    ("tracking/enabled", "on"),
                    ("tracking/tile_url", "https://tiles.example/{z}/{x}.png"),
                    ("tracking/retention_days", "0"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(
            text.contains("tracking/retention_days must be a whole number between 1 and 365."),
            "{text}"
        );
        assert!(text.contains("The map tile server must be an http(s) address"));
        // Nothing was saved, surveys (unticked in that form) included.
        let page = admin.get("/staff/settings/portal").await.text();
        assert!(page.contains("value=\"30\""), "{page}");
        assert!(page.contains(
            "name=\"surveys/enabled\" type=\"checkbox\" role=\"switch\" value=\"on\" checked"
        ));

        let mut dora = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dora.get("/staff/settings/portal").await.status,
            StatusCode::FORBIDDEN
        );
        let posted = dora
            .post(
                "/staff/settings/portal",
                &[("tracking/retention_days", "9")],
            )
            .await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN);
    }
);

both_backends!(
    send_feedback_reads_in_french_and_the_links_follow_the_role,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let id = completed_visit(&app, &world).await;
        let mut ana = app.browser_as(world.user("customer of A")).await;
        ana.accept_language = Some("fr-CA,fr;q=0.9");
        let past = ana.get("/?tab=past").await.text();
        assert!(past.contains("Donner mon avis"), "{past}");
        let form = ana.get(&format!("/bookings/{id}/feedback")).await.text();
        assert!(form.contains("Votre note globale") && form.contains("5 sur 5"));
        let refused = ana
            .post(&format!("/bookings/{id}/feedback"), &[("rating", "")])
            .await;
        assert!(refused.text().contains("Ce champ est obligatoire."));

        // The header's links: Feedback for dispatchers, the survey and portal settings for
        // administrators only; customers get none of them.
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let staff = dora.get("/staff/feedback").await.text();
        assert!(staff.contains("href=\"/staff/feedback\""));
        assert!(!staff.contains("href=\"/staff/settings/survey\""));
        let mut adam = app.browser_as(world.user("admin")).await;
        let admin = adam.get("/staff/feedback").await.text();
        assert!(admin.contains("href=\"/staff/settings/survey\""));
        assert!(admin.contains("href=\"/staff/settings/portal\""));
        assert!(!past.contains("href=\"/staff/feedback\""));
    }
);
