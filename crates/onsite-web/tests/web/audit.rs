//! The administrators' audit log through the page and the API: what changed in words, the
//! filters and their refusals (422 naming the field, nothing listed), and the history links of
//! the users and record pages.

use crate::records::Records;
use crate::support::{TestApp, World};
use axum::http::StatusCode;
use onsite_store::audit;
use onsite_testkit::both_backends;

both_backends!(
    administrators_read_and_filter_the_audit_log,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let schedule = crate::bookings::schedule(&app, &world).await;
        // The dispatcher opens the records' work orders (each audited).
        let r = Records::build(&app, &world, schedule.service_type).await;
        let admin_id = world.user("admin");
        {
            let mut conn = app.db.store().conn().await.unwrap();
            audit::record(
                &mut conn,
                Some(admin_id),
                "setting.update",
                "setting",
                None,
                &serde_json::json!({ "key": "booking/slot-minutes", "from": 60, "to": 90 }),
            )
            .await
            .unwrap();
        }
        let mut admin = app.browser_as(admin_id).await;

        let log = admin.get("/staff/audit").await;
        assert_eq!(log.status, StatusCode::OK);
        let text = log.text();
        assert!(
            text.contains(r#"href="/staff/audit""#),
            "the navigation link"
        );
        assert!(text.contains("Changed a setting"), "{text}");
        assert!(text.contains("booking/slot-minutes: 60 → 90"), "{text}");
        assert!(text.contains("Opened a work order"), "{text}");
        assert!(text.contains("dora@staff.test"), "who, by name and email");

        // What the dispatcher did: their work orders, not the administrator's setting.
        let dispatcher_id = world.user("dispatcher");
        let theirs = admin
            .get(&format!("/staff/audit?person={dispatcher_id}"))
            .await;
        assert_eq!(theirs.status, StatusCode::OK);
        let text = theirs.text();
        assert!(text.contains("Opened a work order"));
        assert!(!text.contains("Changed a setting"));

        // A record's history, linked from its page (for administrators only).
        let id = r.estimate_a.0;
        let link = format!("/staff/audit?entity=work_order&#38;id={id}");
        let page = admin.get(&format!("/staff/work-orders/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(&link), "the history link");
        let mut dispatcher = app.browser_as(dispatcher_id).await;
        let page = dispatcher.get(&format!("/staff/work-orders/{id}")).await;
        assert!(!page.text().contains("/staff/audit"), "not for dispatchers");
        let history = admin
            .get(&format!("/staff/audit?entity=work_order&id={id}"))
            .await;
        assert_eq!(history.status, StatusCode::OK);
        let text = history.text();
        assert_eq!(text.matches("Opened a work order").count(), 1, "{text}");
        assert!(!text.contains("Changed a setting"));
        let users = admin.get("/staff/users").await;
        assert!(
            users
                .text()
                .contains(&format!("/staff/audit?entity=user&#38;id={dispatcher_id}"))
        );

        // Bad filters: 422, the field named, nothing listed.
        for (query, named) in [
            ("from=2026-13-01", "From: This is not a valid date"),
            ("id=7", "Record id: Choose a record kind"),
            (
                "entity=spaceship",
                "Record kind: This value is not one we know",
            ),
            (
                "from=2026-03-05&to=2026-03-01",
                "To: The start must be before the end",
            ),
        ] {
            let refused = admin.get(&format!("/staff/audit?{query}")).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let text = refused.text();
            assert!(text.contains(named), "{query}: {text}");
            assert!(!text.contains("audit-events"), "{query}: nothing listed");
        }

        // The same log as JSON.
        let json = admin
            .get(&format!("/api/v1/audit?entity=work_order&id={id}"))
            .await;
        assert_eq!(json.status, StatusCode::OK);
        let body = json.json();
        let events = body["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "{body}");
        assert_eq!(events[0]["action"], "work_order.create");
        assert_eq!(events[0]["actor"]["id"], dispatcher_id.0);
        let refused = admin.get("/api/v1/audit?to=soon").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "to");

        // Only administrators.
        assert_ne!(dispatcher.get("/staff/audit").await.status, StatusCode::OK);
        assert_ne!(dispatcher.get("/api/v1/audit").await.status, StatusCode::OK);
    }
);
