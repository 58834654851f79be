//! The booking journey through the JSON API, with its idempotency key, and the API's
//! description served to anyone.

use super::*;

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
