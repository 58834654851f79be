//! The company's own people through the pages: an empty installation's setup page, then an
//! administrator creating a dispatcher, sending them access, disabling and enabling them.

use crate::support::{Browser, TestApp};
use axum::http::StatusCode;
use onsite_domain::text::EmailAddress;
use onsite_store::accounts;

const PASSWORD: &str = "a long enough passphrase";

fn setup_fields(code: &str) -> [(&str, &str); 5] {
    [
        ("code", code),
        ("email", "ada@example.com"),
        ("name", "Ada Admin"),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ]
}

onsite_testkit::both_backends!(
    an_empty_installation_is_set_up_from_the_setup_page_once,
    |app: TestApp| async move {
        let mut visitor = Browser::new(&app);
        let form = visitor.get("/setup").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains(r#"name="code""#));

        // No code was logged yet (the server did not start): any code is wrong.
        let refused = visitor.post("/setup", &setup_fields("AAAAA-BBBBB")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.text().contains("not the setup code"),
            "{}",
            refused.text()
        );
        assert!(
            refused.text().contains(r#"value="ada@example.com""#),
            "kept what was typed"
        );

        let code = app.state.app.setup.open();
        let code = code.expose();
        let mut differ = setup_fields(code);
        differ[4] = ("confirm", "something else entirely");
        let refused = visitor.post("/setup", &differ).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

        let done = visitor.post("/setup", &setup_fields(code)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        assert_eq!(done.header("location"), "/staff/users");
        let users = visitor.get("/staff/users").await;
        assert_eq!(users.status, StatusCode::OK);
        assert!(
            users.text().contains("New staff user"),
            "the administrator's form"
        );

        // Set up: the page is gone for everyone, even with the code.
        let mut stranger = Browser::new(&app);
        assert_eq!(stranger.get("/setup").await.status, StatusCode::NOT_FOUND);
        let again = stranger
            .post(
                "/setup",
                &[
                    ("code", code),
                    ("email", "eve@example.com"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        let mut conn = app.db.store().conn().await.unwrap();
        let eve = EmailAddress::parse("eve@example.com").unwrap();
        assert!(
            accounts::user_by_email(&mut conn, &eve)
                .await
                .unwrap()
                .is_none()
        );
    }
);

onsite_testkit::both_backends!(
    an_administrator_creates_and_disables_a_dispatcher_from_the_users_page,
    |app: TestApp| async move {
        let code = app.state.app.setup.open();
        let mut admin = Browser::new(&app);
        admin.get("/setup").await;
        let made = admin
            .post(
                "/setup",
                &[
                    ("code", code.expose()),
                    ("email", "ada@example.com"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER);
        admin.get("/staff/users").await;

        let bad = admin
            .post(
                "/staff/users",
                &[
                    ("email", "dan@"),
                    ("name", "Dan"),
                    ("role-dispatcher", "on"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.text().contains("not a valid email address"),
            "{}",
            bad.text()
        );
        let no_role = admin
            .post("/staff/users", &[("email", "dan@example.com")])
            .await;
        assert_eq!(no_role.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_role.text().contains(r#"id="roles-error""#));

        let created = admin
            .post(
                "/staff/users",
                &[
                    ("email", "dan@example.com"),
                    ("name", "Dan Dispatch"),
                    ("role-dispatcher", "on"),
                ],
            )
            .await;
        assert_eq!(
            created.header("location"),
            "/staff/users?notice=user-created"
        );
        let mut conn = app.db.store().conn().await.unwrap();
        let dan =
            accounts::user_by_email(&mut conn, &EmailAddress::parse("dan@example.com").unwrap())
                .await
                .unwrap()
                .expect("created");
        assert_eq!(dan.roles, [onsite_domain::role::Role::Dispatcher]);
        drop(conn);
        let taken = admin
            .post(
                "/staff/users",
                &[("email", "dan@example.com"), ("role-admin", "on")],
            )
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(
            taken.text().contains(r#"id="email-error""#),
            "next to the email"
        );

        // Dan signs in on two devices; disabling him ends both at once.
        let (session, _) = app.session_for(dan.id).await;
        let mut phone = Browser::new(&app);
        phone.set_cookie("onsite_session", &session);
        assert_eq!(phone.get("/staff/users").await.status, StatusCode::OK);
        let sent = admin
            .post(&format!("/staff/users/{}/access", dan.id), &[])
            .await;
        assert_eq!(sent.header("location"), "/staff/users?notice=access-sent");
        let disabled = admin
            .post(&format!("/staff/users/{}/disable", dan.id), &[])
            .await;
        assert_eq!(
            disabled.header("location"),
            "/staff/users?notice=user-disabled"
        );
        let out = phone.get("/staff/users").await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(out.header("location").starts_with("/sign-in"), "signed out");
        let page = admin.get("/staff/users?notice=user-disabled").await.text();
        assert!(page.contains("disabled and signed out everywhere"));
        assert!(page.contains(&format!("/staff/users/{}/enable", dan.id)));

        let enabled = admin
            .post(&format!("/staff/users/{}/enable", dan.id), &[])
            .await;
        assert_eq!(
            enabled.header("location"),
            "/staff/users?notice=user-enabled"
        );
        // Nobody disables themselves: no button for it, and the request is refused.
        let me = accounts::user_by_email(
            &mut app.db.store().conn().await.unwrap(),
            &EmailAddress::parse("ada@example.com").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(!page.contains(&format!("/staff/users/{}/disable", me.id)));
        let own = admin
            .post(&format!("/staff/users/{}/disable", me.id), &[])
            .await;
        assert_eq!(own.status, StatusCode::CONFLICT);
    }
);

onsite_testkit::both_backends!(
    an_administrator_changes_the_scheduling_settings_within_their_ranges,
    |app: TestApp| async move {
        let world = crate::support::World::build(&app).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        let page = admin.get("/staff/settings/scheduling").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(r#"name="scheduling/slot_minutes""#), "{html}");
        assert!(
            html.contains(r#"href="/staff/settings/scheduling""#),
            "in the navigation"
        );
        let fields = |slot: &'static str, speed: &'static str| {
            vec![
                ("scheduling/enabled", "on"),
                ("scheduling/slot_minutes", slot),
                ("scheduling/arrival_window_minutes", "0"),
                ("scheduling/horizon_days", "30"),
                ("scheduling/lead_time_minutes", "120"),
                ("scheduling/travel_speed_kmh", speed),
                ("scheduling/travel_road_factor", "1.3"),
                ("identity/invitation_days", "14"),
            ]
        };
        let refused = admin
            .post("/staff/settings/scheduling", &fields("1000", "40"))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(
            text.contains("scheduling/slot_minutes"),
            "the message names the setting"
        );
        assert!(text.contains("240"), "and its range: {text}");
        assert!(text.contains(r#"value="1000""#), "what was typed stays");
        let store = app.db.store();
        let slot = |store: onsite_store::Store| async move {
            let mut conn = store.conn().await.unwrap();
            onsite_store::settings::get(&mut conn, &onsite_domain::settings::SLOT_MINUTES)
                .await
                .unwrap()
        };
        use onsite_domain::settings::SettingValue;
        assert_eq!(
            slot(store.clone()).await,
            SettingValue::Integer(30),
            "nothing saved"
        );

        let saved = admin
            .post("/staff/settings/scheduling", &fields("45", "40"))
            .await;
        assert_eq!(
            saved.header("location"),
            "/staff/settings/scheduling?notice=scheduling-saved"
        );
        assert_eq!(slot(store.clone()).await, SettingValue::Integer(45));
        let mut conn = store.conn().await.unwrap();
        let audited: Vec<String> = onsite_store::audit::recent(&mut conn, 20)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "setting.update")
            .map(|e| {
                let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
                detail["key"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(audited.len(), 2, "only what changed: {audited:?}");
        assert!(audited.contains(&"scheduling/slot_minutes".to_owned()));
        assert!(audited.contains(&"scheduling/travel_speed_kmh".to_owned()));
        // Unticking the switch turns self-scheduling off.
        let mut off = fields("45", "40");
        off.remove(0);
        admin.post("/staff/settings/scheduling", &off).await;
        assert_eq!(
            onsite_store::settings::get(
                &mut conn,
                &onsite_domain::settings::SELF_SCHEDULING_ENABLED
            )
            .await
            .unwrap(),
            SettingValue::Bool(false)
        );
    }
);

onsite_testkit::both_backends!(
    administrators_read_and_change_every_setting_over_the_api,
    |app: TestApp| async move {
        use serde_json::json;
        let world = crate::support::World::build(&app).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        let all = admin.get("/api/v1/staff/settings").await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.text());
        let all = all.json();
        let slot = all["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "scheduling/slot_minutes")
            .unwrap()
            .clone();
        assert_eq!(slot["kind"], "integer");
        assert_eq!(
            (slot["min"].as_f64(), slot["max"].as_f64()),
            (Some(5.0), Some(240.0))
        );
        assert_eq!(slot["value"], 30);

        // Several at once; a refused one saves none and is named.
        let refused = admin
            .post_json(
                "/api/v1/staff/settings",
                &json!({"values": {"scheduling/slot_minutes": 45, "scheduling/horizon_days": 100000}}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.json()["error"]["field"],
            "scheduling/horizon_days",
            "{}",
            refused.text()
        );
        let unknown = admin
            .post_json(
                "/api/v1/staff/settings",
                &json!({"values": {"scheduling/colour": "red"}}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let saved = admin
            .post_json(
                "/api/v1/staff/settings",
                &json!({"values": {"scheduling/slot_minutes": 45, "scheduling/enabled": false}}),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
        let value = |doc: &serde_json::Value, key: &str| {
            doc["settings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["key"] == key)
                .unwrap()["value"]
                .clone()
        };
        let saved = saved.json();
        assert_eq!(value(&saved, "scheduling/slot_minutes"), 45);
        assert_eq!(value(&saved, "scheduling/enabled"), false);
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE entity = 'setting'")
                .fetch_one(&mut *app.db.store().conn().await.unwrap())
                .await
                .unwrap();
        assert_eq!(audited, 2, "each change audited, the refused ones not");

        // Dispatchers read none of it.
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dispatcher.get("/api/v1/staff/settings").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
