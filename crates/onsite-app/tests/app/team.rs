//! The company's own people against a fresh database: the first administrator (command line
//! and setup page), staff users created by an administrator with their "choose your password"
//! email delivered over real SMTP, access links, and disabling a user.

use crate::app_on;
use jiff::Timestamp;
use onsite_app::App;
use onsite_app::identity::{self, IdentityError};
use onsite_app::policy::{Admin, Principal};
use onsite_app::team::{self, StaffUserInput};
use onsite_domain::UserId;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_store::outbox::{self, OutboxFilter, SECRET_PLACEHOLDER};
use onsite_store::{accounts, audit};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::smtp::SmtpSink;

const PASSWORD: &str = "a long enough passphrase";

fn admin_grant(user: UserId) -> Admin {
    Principal {
        user_id: user,
        roles: vec![Role::Admin],
        account_id: None,
        technician_id: None,
    }
    .grant()
    .expect("an administrator")
}

/// The token at the end of the first line of `text` that is a "choose your password" link.
fn token_in(text: &str) -> String {
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("https://portal.example.com/reset-password/")
        })
        .expect("a link to choose a password")
        .trim()
        .to_owned()
}

async fn audit_actions(app: &App, user: UserId) -> Vec<String> {
    let mut conn = app.store.conn().await.unwrap();
    let mut actions: Vec<String> = audit::recent(&mut conn, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "user" && e.entity_id == Some(user.0))
        .map(|e| e.action)
        .collect();
    actions.sort();
    actions
}

both_backends!(
    the_first_administrator_is_made_once_from_the_command_line,
    |db: TestDb| async move {
        let app = app_on(&db);
        let now = Timestamp::now();
        assert!(team::first_admin_needed(&app).await.unwrap());
        let bad = team::create_first_admin(&app, "not an email", "", now).await;
        assert!(
            matches!(bad, Err(IdentityError::Invalid(ref i)) if i.field == "email"),
            "{bad:?}"
        );

        let made = team::create_first_admin(&app, " Boss@Example.com ", "", now)
            .await
            .unwrap();
        let token = token_in(made.link.expose());
        assert_eq!(token.len(), 64);
        assert!(!team::first_admin_needed(&app).await.unwrap());
        let again = team::create_first_admin(&app, "two@example.com", "Two", now).await;
        assert!(
            matches!(again, Err(IdentityError::AdminExists)),
            "{again:?}"
        );

        // The link sets the password; then the administrator signs in and is one.
        identity::reset_password(&app, &token, PASSWORD, now)
            .await
            .unwrap();
        let signed_in = identity::sign_in(&app, "boss@example.com", PASSWORD, "ip", now)
            .await
            .unwrap();
        assert_eq!(signed_in.user.roles, [Role::Admin]);
        assert_eq!(
            signed_in.user.display_name, "boss",
            "the name defaults to the address's"
        );
        assert!(
            audit_actions(&app, made.user)
                .await
                .contains(&"user.first-admin".to_owned())
        );
    }
);

both_backends!(
    the_setup_page_needs_the_logged_code_and_closes_after_use,
    |db: TestDb| async move {
        let app = app_on(&db);
        // No code issued (the server did not start): nothing opens the page.
        let closed = team::set_up_first_admin(&app, "", "a@example.com", "A", PASSWORD).await;
        assert!(
            matches!(closed, Err(IdentityError::WrongSetupCode)),
            "{closed:?}"
        );

        let code = app.setup.open();
        let wrong =
            team::set_up_first_admin(&app, "7KQ2M-XW9RD", "a@example.com", "A", PASSWORD).await;
        assert!(
            matches!(wrong, Err(IdentityError::WrongSetupCode)),
            "{wrong:?}"
        );
        let weak =
            team::set_up_first_admin(&app, code.expose(), "a@example.com", "A", "short").await;
        assert!(
            matches!(weak, Err(IdentityError::WeakPassword(_))),
            "{weak:?}"
        );
        assert!(
            team::first_admin_needed(&app).await.unwrap(),
            "refusals change nothing"
        );

        // Typed in lower case without dashes, as people do.
        let typed = code.expose().replace('-', "").to_lowercase();
        let user = team::set_up_first_admin(&app, &typed, "a@example.com", "Ada", PASSWORD)
            .await
            .unwrap();
        identity::sign_in(&app, "a@example.com", PASSWORD, "ip", Timestamp::now())
            .await
            .unwrap();
        assert!(
            audit_actions(&app, user)
                .await
                .contains(&"user.first-admin".to_owned())
        );
        // Used once: the same code no longer works, and a new one cannot make a second admin.
        let reused =
            team::set_up_first_admin(&app, code.expose(), "b@example.com", "B", PASSWORD).await;
        assert!(
            matches!(reused, Err(IdentityError::WrongSetupCode)),
            "{reused:?}"
        );
        let fresh = app.setup.open();
        let second =
            team::set_up_first_admin(&app, fresh.expose(), "b@example.com", "B", PASSWORD).await;
        assert!(
            matches!(second, Err(IdentityError::AdminExists)),
            "{second:?}"
        );
    }
);

both_backends!(
    an_administrator_creates_a_staff_user_who_chooses_their_password_from_the_email,
    |db: TestDb| async move {
        let app = app_on(&db);
        let now = Timestamp::now();
        let boss = team::create_first_admin(&app, "boss@example.com", "Bea Boss", now)
            .await
            .unwrap()
            .user;
        let admin = admin_grant(boss);
        let input = |email: &str, roles: Vec<Role>| StaffUserInput {
            email: email.into(),
            name: "Dan Dispatch".into(),
            roles,
            language: Some("fr".into()),
        };
        for (bad, field) in [
            (input("nope", vec![Role::Dispatcher]), "email"),
            (input("dan@example.com", vec![]), "roles"),
            (
                input("dan@example.com", vec![Role::SelfScheduling]),
                "roles",
            ),
            (
                StaffUserInput {
                    language: Some("xx".into()),
                    ..input("dan@example.com", vec![Role::Dispatcher])
                },
                "language",
            ),
        ] {
            let refused = team::create_staff_user(&app, admin, &bad, now).await;
            assert!(
                matches!(refused, Err(IdentityError::Invalid(ref i)) if i.field == field),
                "{refused:?}"
            );
        }
        let taken = team::create_staff_user(
            &app,
            admin,
            &input("boss@example.com", vec![Role::Dispatcher]),
            now,
        )
        .await;
        assert!(matches!(taken, Err(IdentityError::EmailTaken)), "{taken:?}");

        let dan = team::create_staff_user(
            &app,
            admin,
            &input("dan@example.com", vec![Role::Dispatcher]),
            now,
        )
        .await
        .unwrap();
        let sink = SmtpSink::start().await;
        sink.deliver_queued(&app.store).await;
        let (subject, text) = sink.last_to("dan@example.com").expect("the access email");
        assert_eq!(
            subject, "Votre accès au portail de service",
            "in the user's language"
        );
        assert!(text.contains("Bea Boss vous a donné accès"), "{text}");
        let token = token_in(&text);
        // The outbox (which staff can read) never kept the secret.
        let mut conn = app.store.conn().await.unwrap();
        let filter = OutboxFilter {
            recipient: Some(EmailAddress::parse("dan@example.com").unwrap()),
            ..Default::default()
        };
        let summary = outbox::list(&mut conn, &filter, 1, None).await.unwrap()[0].clone();
        let kept = outbox::get(&mut conn, summary.id).await.unwrap().text_body;
        assert!(
            kept.contains(SECRET_PLACEHOLDER) && !kept.contains(&token),
            "{kept}"
        );
        drop(conn);
        identity::reset_password(&app, &token, PASSWORD, now)
            .await
            .unwrap();
        let signed_in = identity::sign_in(&app, "dan@example.com", PASSWORD, "ip", now)
            .await
            .unwrap();
        assert_eq!(signed_in.user.id, dan);
        assert_eq!(signed_in.user.roles, [Role::Dispatcher]);
        assert_eq!(signed_in.user.language.as_deref(), Some("fr"));
        assert_eq!(
            audit_actions(&app, dan).await,
            ["password.reset", "user.create"]
        );
    }
);

both_backends!(
    disabling_a_user_signs_them_out_everywhere_and_keeps_them_out,
    |db: TestDb| async move {
        let app = app_on(&db);
        let now = Timestamp::now();
        let boss = team::create_first_admin(&app, "boss@example.com", "Bea", now)
            .await
            .unwrap()
            .user;
        let admin = admin_grant(boss);
        let dan = team::create_staff_user(
            &app,
            admin,
            &StaffUserInput {
                email: "dan@example.com".into(),
                roles: vec![Role::Dispatcher],
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        let mut conn = app.store.conn().await.unwrap();
        accounts::set_password_hash(
            &mut conn,
            dan,
            &onsite_app::passwords::hash(PASSWORD.into()).await,
        )
        .await
        .unwrap();
        drop(conn);
        let phone = identity::sign_in(&app, "dan@example.com", PASSWORD, "phone", now)
            .await
            .unwrap();
        let laptop = identity::sign_in(&app, "dan@example.com", PASSWORD, "laptop", now)
            .await
            .unwrap();

        let own = team::set_disabled(&app, admin, boss, true).await;
        assert!(matches!(own, Err(IdentityError::OwnAccount)), "{own:?}");
        let missing = team::set_disabled(&app, admin, UserId(987_654), true).await;
        assert!(
            matches!(missing, Err(IdentityError::NotFound)),
            "{missing:?}"
        );

        team::set_disabled(&app, admin, dan, true).await.unwrap();
        for session in [&phone, &laptop] {
            assert!(
                identity::session(&app, session.token.expose(), now)
                    .await
                    .unwrap()
                    .is_none()
            );
        }
        assert!(matches!(
            identity::sign_in(&app, "dan@example.com", PASSWORD, "phone", now).await,
            Err(IdentityError::BadCredentials)
        ));
        let no_link = team::reset_access(&app, admin, dan, now).await;
        assert!(
            matches!(no_link, Err(IdentityError::AccountDisabled)),
            "{no_link:?}"
        );
        identity::forgot_password(&app, "dan@example.com", "ip", now)
            .await
            .unwrap();
        let sink = SmtpSink::start().await;
        sink.deliver_queued(&app.store).await;
        let received: Vec<String> = sink
            .received()
            .iter()
            .filter(|m| m.rcpt_tos().iter().any(|r| r == "dan@example.com"))
            .map(|m| m.header("subject").to_owned())
            .collect();
        assert_eq!(
            received,
            ["Your service portal access"],
            "only the first access email"
        );

        team::set_disabled(&app, admin, dan, false).await.unwrap();
        identity::sign_in(&app, "dan@example.com", PASSWORD, "phone", now)
            .await
            .unwrap();
        team::reset_access(&app, admin, dan, now).await.unwrap();
        assert_eq!(
            audit_actions(&app, dan).await,
            [
                "user.access-reset",
                "user.create",
                "user.disable",
                "user.enable"
            ]
        );
    }
);

both_backends!(
    concurrent_first_starts_make_exactly_one_administrator,
    |db: TestDb| async move {
        // Several servers' setup pages, or the page and the command line, at the same moment:
        // without the first-admin lock, PostgreSQL lets each transaction count no admin.
        let app = app_on(&db);
        let now = Timestamp::now();
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..8 {
            let app = app.clone();
            attempts.spawn(async move {
                team::create_first_admin(&app, &format!("admin{i}@example.com"), "", now).await
            });
        }
        let mut made = 0;
        for attempt in attempts.join_all().await {
            match attempt {
                Ok(_) => made += 1,
                Err(IdentityError::AdminExists) => {}
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(made, 1);
        let mut conn = app.store.conn().await.unwrap();
        assert_eq!(
            accounts::count_enabled_with_role(&mut conn, Role::Admin)
                .await
                .unwrap(),
            1
        );
    }
);
