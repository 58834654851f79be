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
