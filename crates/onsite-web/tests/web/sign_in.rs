//! Signing in and out, sessions and their cookie, redeeming an invitation, the first profile,
//! forgotten and changed passwords: through the pages, as a person uses them.

use crate::support::{Browser, PASSWORD, TestApp, TestResponse, World, encode};
use axum::http::StatusCode;
use jiff::SignedDuration;
use onsite_app::identity::{self, InviteMode};
use onsite_domain::role::Role;
use onsite_store::outbox::{self, OutboxFilter};
use onsite_testkit::smtp::SmtpSink;
use onsite_web::WebConfig;

/// Delivers the queued email over real SMTP to `sink` and returns the newest message `to`
/// received: (subject, text), as the recipient reads it.
async fn last_email(app: &TestApp, sink: &SmtpSink, to: &str) -> (String, String) {
    sink.deliver_queued(app.db.store()).await;
    sink.last_to(to)
        .unwrap_or_else(|| panic!("no email to {to}"))
}

/// The first line of `text` that starts with `prefix`, without it.
fn line_after<'t>(text: &'t str, prefix: &str) -> &'t str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}"))
        .trim()
}

#[tokio::test]
async fn the_sign_in_page_has_both_tabs_and_accessible_fields() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let page = browser.get("/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(r#"<a href="/sign-in" aria-current="page">Sign in</a>"#));
    assert!(html.contains(r#"<a href="/redeem">Redeem invitation</a>"#));
    assert!(html.contains(r#"<label for="email">Email</label>"#));
    assert!(html.contains(r#"autocomplete="username""#));
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(html.contains(r#"<a href="/forgot-password">Forgot password?</a>"#));
    // The anonymous form token is both in the page and in a strict cookie.
    let cookie = page.set_cookie("onsite_csrf").expect("a CSRF cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert_eq!(
        browser.cookie("onsite_csrf"),
        Some(browser.csrf.as_str()),
        "the form carries the cookie's value"
    );
    assert!(html.contains(&format!(r#"name="csrf" value="{}""#, browser.csrf)));

    let redeem = browser.get("/redeem").await;
    assert!(
        redeem
            .text()
            .contains(r#"<a href="/redeem" aria-current="page">Redeem invitation</a>"#)
    );
    assert!(redeem.text().contains(r#"autocomplete="one-time-code""#));

    let fr = app.get_with("/sign-in", &[("accept-language", "fr")]).await;
    assert!(fr.text().contains("Accepter l’invitation"));
    assert!(fr.text().contains("Mot de passe oublié ?"));
}

#[tokio::test]
async fn signing_in_starts_a_new_session_with_a_safe_cookie_and_signing_out_ends_it() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let ana = world.person("customer of A");
    let mut browser = Browser::new(&app);
    // A session id planted before signing in (session fixation) is not kept.
    browser.set_cookie("onsite_session", &"ab".repeat(32));
    let answer = browser.sign_in(&ana.email, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/");
    let cookie = answer
        .set_cookie("onsite_session")
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-HTTP test deployment");
    let first = browser.cookie("onsite_session").unwrap().to_owned();
    assert_ne!(first, "ab".repeat(32));

    let home = browser.get("/").await;
    assert!(home.text().contains("Welcome, Ana Zephyrine"));
    assert!(home.text().contains(">Sign out</button>"));
    assert!(!home.text().contains(r#"href="/sign-in""#));

    // Signing in again gives another session id.
    let mut again = Browser::new(&app);
    again.sign_in(&ana.email, PASSWORD).await;
    assert_ne!(again.cookie("onsite_session").unwrap(), first);

    let out = browser.post("/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/sign-in?notice=signed-out");
    assert!(
        out.set_cookie("onsite_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = browser.get("/sign-in?notice=signed-out").await;
    assert!(after.text().contains("You are signed out."));
    // The old id no longer works, even if the browser kept it.
    let mut replay = Browser::new(&app);
    replay.set_cookie("onsite_session", &first);
    let profile = replay.get("/profile").await;
    assert_eq!(profile.status, StatusCode::SEE_OTHER);
    assert_eq!(profile.header("location"), "/sign-in?return_to=%2Fprofile");
}

#[tokio::test]
async fn the_session_cookie_is_secure_on_https_deployments() {
    let app = TestApp::spawn_with(onsite_web::WebConfig {
        secure_cookies: true,
        ..crate::support::config()
    })
    .await;
    let world = World::build(&app).await;
    let mut browser = Browser::new(&app);
    let answer = browser
        .sign_in(&world.person("customer of A").email, PASSWORD)
        .await;
    assert!(
        answer
            .set_cookie("onsite_session")
            .unwrap()
            .ends_with("; Secure")
    );
}

#[tokio::test]
async fn wrong_credentials_get_one_message_and_change_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = Browser::new(&app);
    browser.get("/sign-in").await;
    let wrong_password = browser
        .post(
            "/sign-in",
            &[
                ("email", &world.person("customer of A").email),
                ("password", "not the password"),
            ],
        )
        .await;
    let unknown = browser
        .post(
            "/sign-in",
            &[("email", "nobody@nowhere.test"), ("password", PASSWORD)],
        )
        .await;
    for answer in [&wrong_password, &unknown] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(
            answer
                .text()
                .contains("The email address or the password is not right.")
        );
        assert!(answer.set_cookie("onsite_session").is_none());
    }
    // What was typed stays, but never the password.
    assert!(
        wrong_password
            .text()
            .contains("ana.zephyrine@a-account.test")
    );
    assert!(!wrong_password.text().contains("not the password"));

    let empty = browser.post("/sign-in", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text();
    assert!(html.contains("Enter your email address."));
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="email-error""#));
    assert!(html.contains(r##"<a href="#email">Enter your email address.</a>"##));
}

/// Posts the sign-in form as a browser at `address` would reach the portal through its proxy.
async fn sign_in_from(
    browser: &mut Browser<'_>,
    address: &str,
    email: &str,
    password: &str,
) -> TestResponse {
    if browser.csrf.is_empty() {
        browser.get("/sign-in").await;
    }
    let csrf = browser.csrf.clone();
    let body = encode(&[("email", email), ("password", password), ("csrf", &csrf)]);
    browser
        .post_raw(
            "/sign-in",
            &body,
            &[
                ("sec-fetch-site", "same-origin"),
                ("x-forwarded-for", address),
            ],
        )
        .await
}

// Wrong passwords slow down and then refuse the address they come from, for that account, with
// `Retry-After` and a message saying how long to wait; the owner, from their own address, signs
// in at once; successful sign-ins do not count, so an office behind one address is never
// refused.
#[tokio::test]
async fn failed_sign_ins_hold_back_their_source_and_never_lock_the_owner_out() {
    let app = TestApp::spawn_with(WebConfig {
        trust_forwarded_for: true,
        ..crate::support::config()
    })
    .await;
    let world = World::build(&app).await;
    let email = world.person("customer of A").email.clone();
    // From the start of a counting window (they are 15 minutes long, on the quarter hour).
    let into = crate::support::now(&app)
        .as_millisecond()
        .rem_euclid(900_000);
    app.state
        .clock
        .advance(SignedDuration::from_millis(900_000 - into));

    let mut attacker = Browser::new(&app);
    attacker.accept_language = Some("fr");
    let stranger = "203.0.113.9";
    for _ in 0..10 {
        // The wait after each failure grows, to a minute at most.
        app.state.clock.advance(SignedDuration::from_secs(61));
        let guess = sign_in_from(&mut attacker, stranger, &email, "wrong guess").await;
        assert_eq!(guess.status, StatusCode::UNAUTHORIZED);
    }
    app.state.clock.advance(SignedDuration::from_secs(61));
    let limited = sign_in_from(&mut attacker, stranger, &email, PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    // Until the window ends (less the few seconds the test itself took).
    let retry_after: i64 = limited.header("retry-after").parse().unwrap();
    assert!((200..=900 - 671).contains(&retry_after), "{retry_after}");
    assert!(
        limited
            .text()
            .contains("Trop de tentatives. Patientez 4 minutes, puis réessayez."),
        "{}",
        limited.text()
    );

    // The owner, from home.
    let mut owner = Browser::new(&app);
    let home = "192.0.2.1";
    assert_eq!(
        sign_in_from(&mut owner, home, &email, PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A typo of their own makes them wait a little (the account has had eleven failures).
    let mut owner = Browser::new(&app);
    sign_in_from(&mut owner, home, &email, "typo").await;
    let wait = sign_in_from(&mut owner, home, &email, PASSWORD).await;
    assert_eq!(wait.status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: i64 = wait.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(
        wait.text().contains("Too many attempts. Please wait"),
        "{}",
        wait.text()
    );
    app.state.clock.advance(SignedDuration::from_secs(seconds));
    assert_eq!(
        sign_in_from(&mut owner, home, &email, PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // An office: more sign-ins from one address than any limit on failures.
    for _ in 0..31 {
        let mut colleague = Browser::new(&app);
        let signed_in = sign_in_from(&mut colleague, "198.51.100.20", &email, PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn an_idle_session_ends_and_so_does_an_old_one() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("customer of A")).await;
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK);
    app.state
        .clock
        .advance(identity::SESSION_IDLE - SignedDuration::from_mins(5));
    assert_eq!(
        browser.get("/profile").await.status,
        StatusCode::OK,
        "activity keeps it"
    );
    app.state
        .clock
        .advance(identity::SESSION_IDLE + SignedDuration::from_mins(1));
    let idle = browser.get("/profile").await;
    assert_eq!(idle.status, StatusCode::SEE_OTHER);
    assert!(idle.header("location").starts_with("/sign-in"));
    // The dead cookie is cleared.
    assert!(
        idle.set_cookie("onsite_session")
            .unwrap()
            .contains("Max-Age=0")
    );

    // However active, a session ends a day after sign-in.
    let mut busy = app.browser_as(world.user("customer of A")).await;
    for _ in 0..13 {
        app.state
            .clock
            .advance(SignedDuration::from_hours(1) + SignedDuration::from_mins(55));
        if busy.get("/profile").await.status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(busy.get("/profile").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn after_sign_in_the_page_asked_for_opens() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = Browser::new(&app);
    let refused = browser.get("/staff/mailbox?status=failed").await;
    assert_eq!(
        refused.header("location"),
        "/sign-in?return_to=%2Fstaff%2Fmailbox%3Fstatus%3Dfailed"
    );
    let page = browser.get(refused.header("location")).await;
    assert!(
        page.text()
            .contains(r#"name="return_to" value="/staff/mailbox?status=failed""#)
    );
    let signed_in = browser
        .post(
            "/sign-in",
            &[
                ("email", &world.person("dispatcher").email),
                ("password", PASSWORD),
                ("return_to", "/staff/mailbox?status=failed"),
            ],
        )
        .await;
    assert_eq!(signed_in.header("location"), "/staff/mailbox?status=failed");
    // Never to another site.
    let mut other = Browser::new(&app);
    other.get("/sign-in").await;
    let answer = other
        .post(
            "/sign-in",
            &[
                ("email", &world.person("dispatcher").email),
                ("password", PASSWORD),
                ("return_to", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(answer.header("location"), "/");
}

#[tokio::test]
async fn an_invited_contact_redeems_the_code_creates_the_account_and_fills_the_profile() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let invited = identity::invite(
        app.app(),
        world.contact_a_new,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        crate::support::now(&app),
    )
    .await
    .unwrap();
    let sink = SmtpSink::start().await;
    let (_, text) = last_email(&app, &sink, "nora.newcomer@a-account.test").await;
    let code = line_after(&text, "Your invitation code:");
    assert_eq!(code, invited.code.expose());

    let mut browser = Browser::new(&app);
    browser.get("/redeem").await;
    // The code is accepted however it is typed.
    let typed = code.to_lowercase().replace('-', " ");
    let step2 = browser.post("/redeem", &[("code", &typed)]).await;
    assert_eq!(step2.status, StatusCode::OK, "{}", step2.text());
    let html = step2.text();
    assert!(html.contains(r#"value="nora.newcomer@a-account.test" readonly"#));
    assert!(html.contains(r#"autocomplete="new-password""#));

    let mismatch = browser
        .post(
            "/redeem/account",
            &[
                ("code", &typed),
                ("email", "nora.newcomer@a-account.test"),
                ("password", "a long enough passphrase"),
                ("confirm", "a different passphrase"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch
            .text()
            .contains("The two passwords are not the same.")
    );
    let weak = browser
        .post(
            "/redeem/account",
            &[
                ("code", &typed),
                ("email", "nora.newcomer@a-account.test"),
                ("password", "password1"),
                ("confirm", "password1"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().contains("too common"));

    let created = browser
        .post(
            "/redeem/account",
            &[
                ("code", &typed),
                ("email", "nora.newcomer@a-account.test"),
                ("password", "a long enough passphrase"),
                ("confirm", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    assert_eq!(created.header("location"), "/profile?welcome=1");
    assert!(browser.cookie("onsite_session").is_some(), "signed in");

    let profile = browser.get("/profile?welcome=1").await;
    let html = profile.text();
    assert!(html.contains("Create your profile"));
    assert!(
        html.contains(r#"value="Nora Newcomer""#),
        "the contact's name"
    );
    assert!(html.contains(r#"<option>America/Toronto</option>"#));
    let saved = browser
        .post(
            "/profile",
            &[
                ("welcome", "1"),
                ("display_name", "Nora N."),
                ("phone", "+1 514 555 0199"),
                ("language", "fr"),
                ("time_zone", "America/Toronto"),
                ("notify_email", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), "/");
    // The profile's language now decides, whatever the browser says.
    let home = browser.get("/").await;
    assert_eq!(home.html_lang(), "fr");
    assert!(home.text().contains("Bienvenue, Nora N."));

    // The code worked once.
    let mut again = Browser::new(&app);
    again.get("/redeem").await;
    let used = again.post("/redeem", &[("code", code)]).await;
    assert_eq!(used.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(used.text().contains("already used"));
}

#[tokio::test]
async fn wrong_and_expired_codes_are_explained_and_redeeming_is_rate_limited() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let invited = identity::invite(
        app.app(),
        world.contact_a_new,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        crate::support::now(&app),
    )
    .await
    .unwrap();
    let mut browser = Browser::new(&app);
    browser.get("/redeem").await;
    let empty = browser.post("/redeem", &[("code", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Enter your invitation code."));
    let wrong = browser
        .post("/redeem", &[("code", "AAAAA-BBBBB-CCCCC")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("This invitation code is not right."));
    assert!(wrong.text().contains(r#"aria-describedby="code-error""#));

    app.state.clock.advance(SignedDuration::from_hours(15 * 24));
    let expired = browser
        .post("/redeem", &[("code", invited.code.expose())])
        .await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.text().contains("has expired"));

    let mut last = None;
    for _ in 0..10 {
        last = Some(browser.post("/redeem", &[("code", "AAAAA")]).await);
    }
    let limited = last.unwrap();
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().contains("Too many attempts."));
}

#[tokio::test]
async fn the_profile_refuses_bad_input_field_by_field_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("customer of A")).await;
    let page = browser.get("/profile").await;
    let html = page.text();
    for expected in [
        r#"<label for="display_name">Name</label>"#,
        r#"autocomplete="name""#,
        r#"type="tel""#,
        r#"autocomplete="tel""#,
        "Manage external authentication",
        "Change password",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    let bad = browser
        .post(
            "/profile",
            &[
                ("display_name", "Ana"),
                ("phone", "call me maybe"),
                ("language", "en"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text();
    assert!(html.contains(r#"aria-describedby="phone-error""#));
    assert!(html.contains("This is not a valid phone number."));
    assert!(
        html.contains(r#"value="call me maybe""#),
        "what was typed stays"
    );
    let stored = onsite_store::accounts::user_by_id(
        &mut app.db.store().conn().await.unwrap(),
        world.user("customer of A"),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.display_name, "Ana Zephyrine", "nothing saved");

    let saved = browser
        .post(
            "/profile",
            &[
                ("display_name", "Ana Z."),
                ("phone", ""),
                ("language", ""),
                ("time_zone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(saved.header("location"), "/profile?notice=profile-saved");
    let page = browser.get("/profile?notice=profile-saved").await;
    let html = page.text();
    assert!(html.contains("Your profile is saved."));
    assert!(html.contains("<option selected>Europe/Paris</option>"));
    assert!(
        !html.contains(r#"id="notify_email" name="notify_email" type="checkbox" role="switch" value="on" checked"#),
        "an unticked box turns email off"
    );
}

#[tokio::test]
async fn the_language_switcher_saves_the_choice_to_the_profile_when_signed_in() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("customer of A")).await;
    browser.get("/").await;
    let switched = browser
        .post("/language", &[("lang", "fr"), ("return_to", "/profile")])
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    // Another device, without the cookie, follows the profile.
    let mut phone = app.browser_as(world.user("customer of A")).await;
    phone.accept_language = Some("en");
    assert_eq!(phone.get("/").await.html_lang(), "fr");
    assert!(
        phone
            .get("/profile")
            .await
            .text()
            .contains(r#"<option value="fr" lang="fr" selected>Français</option>"#)
    );
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let ana = world.person("customer of A").clone();
    let mut laptop = Browser::new(&app);
    laptop.sign_in(&ana.email, PASSWORD).await;
    let mut phone = Browser::new(&app);
    phone.sign_in(&ana.email, PASSWORD).await;
    laptop.get("/profile").await;

    let wrong = laptop
        .post(
            "/profile/password",
            &[
                ("current_password", "not it"),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("The current password is not right."));
    assert!(
        wrong
            .text()
            .contains(r#"aria-describedby="current_password-error""#)
    );
    assert_eq!(phone.get("/profile").await.status, StatusCode::OK);

    let changed = laptop
        .post(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(
        changed.header("location"),
        "/profile?notice=password-changed"
    );
    assert_eq!(laptop.get("/profile").await.status, StatusCode::OK);
    assert_eq!(phone.get("/profile").await.status, StatusCode::SEE_OTHER);
    let mut fresh = Browser::new(&app);
    assert_eq!(
        fresh.sign_in(&ana.email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh
            .sign_in(&ana.email, "a brand new passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let ana = world.person("customer of A").clone();
    let mut signed_in_elsewhere = Browser::new(&app);
    signed_in_elsewhere.sign_in(&ana.email, PASSWORD).await;

    let mut browser = Browser::new(&app);
    browser.get("/forgot-password").await;
    let known = browser
        .post("/forgot-password", &[("email", &ana.email)])
        .await;
    let unknown = browser
        .post("/forgot-password", &[("email", "nobody@nowhere.test")])
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    let says = "If an account uses this address, we have sent it a link";
    assert!(known.text().contains(says) && unknown.text().contains(says));
    let malformed = browser
        .post("/forgot-password", &[("email", "not an address")])
        .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);

    let sink = SmtpSink::start().await;
    let (_, text) = last_email(&app, &sink, &ana.email).await;
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("http://onsite.test/reset-password/"))
        .expect("a reset link in the email");
    let path = link.trim_start_matches("http://onsite.test");
    let form = browser.get(path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("Choose a new password"));

    let short = browser
        .post(path, &[("password", "short"), ("confirm", "short")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().contains("at least 8 characters"));
    let done = browser
        .post(
            path,
            &[
                ("password", "a fresh start passphrase"),
                ("confirm", "a fresh start passphrase"),
            ],
        )
        .await;
    assert_eq!(done.header("location"), "/sign-in?notice=password-reset");
    assert!(
        browser
            .get("/sign-in?notice=password-reset")
            .await
            .text()
            .contains("Your password is changed.")
    );
    // Every session ended, and the link works once.
    assert_eq!(
        signed_in_elsewhere.get("/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let used = browser.get(path).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert!(used.text().contains("is not valid any more"));
    assert_eq!(
        browser
            .sign_in(&ana.email, "a fresh start passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A made-up token is the same clear page, never an error.
    for bad in [
        "/reset-password/xyz",
        "/reset-password/%00",
        &format!("/reset-password/{}", "f".repeat(64)),
    ] {
        let page = app.get(bad).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(page.text().contains("Ask for a new link"), "{bad}");
    }
}

#[tokio::test]
async fn signed_in_people_are_sent_home_from_the_sign_in_forms() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("customer of A")).await;
    for path in ["/sign-in", "/redeem"] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.header("location"), "/", "{path}");
    }
    let body = encode(&[
        ("email", "x@y.z"),
        ("password", "whatever"),
        ("csrf", &browser.csrf.clone()),
    ]);
    let answer = browser
        .post_raw("/sign-in", &body, &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(answer.header("location"), "/");
}

#[tokio::test]
async fn asking_again_and_again_for_a_reset_link_sends_a_few_and_then_holds_the_source_back() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = Browser::new(&app);
    browser.get("/forgot-password").await;
    // The same answer every time, whether or not the address has an account, and whether or
    // not a link is sent (at most three per address and window).
    for email in [
        world.person("customer of A").email.as_str(),
        "nobody@nowhere.test",
    ] {
        for _ in 0..5 {
            let answer = browser.post("/forgot-password", &[("email", email)]).await;
            assert_eq!(answer.status, StatusCode::OK, "{email}");
        }
    }
    // Ten requests from one address in a window; the eleventh waits.
    let limited = browser
        .post("/forgot-password", &[("email", "nobody@nowhere.test")])
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().contains("Too many attempts. Please wait"));
    assert!(!limited.header("retry-after").is_empty());
    let sent = outbox::list(
        &mut app.db.store().conn().await.unwrap(),
        &OutboxFilter {
            kind: Some("password-reset".into()),
            ..Default::default()
        },
        50,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        sent.len(),
        3,
        "three links for the address with an account, none for the other"
    );
}
