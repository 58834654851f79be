//! Staff pages: invitations, users and roles, the mailbox, and the invitation API (the
//! customer pages are `customers.rs`).

use crate::support::{Browser, PASSWORD, TestApp, World, insert_contact, kept_secrets};
use axum::http::StatusCode;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_store::accounts;
use onsite_store::outbox::{self, NewEmail, OutboxFilter};

async fn roles_of(app: &TestApp, user: onsite_domain::UserId) -> Vec<Role> {
    accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), user)
        .await
        .unwrap()
        .unwrap()
        .roles
}

/// The code shown on the invitation page.
fn shown_code(html: &str) -> String {
    let start = html
        .find(r#"<code class="invitation-code""#)
        .expect("a code");
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    rest[open..].split('<').next().unwrap().to_owned()
}

/// The page a dispatcher sees after inviting `world`'s new contact, then after inviting all of
/// account A, on a portal configured with `config`.
async fn invitation_pages(config: onsite_web::WebConfig) -> (String, String) {
    let app = TestApp::spawn_with(config).await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("dispatcher")).await;
    browser.get("/staff/accounts").await;
    let mut invite = async |path: String| {
        browser
            .post(&path, &[("role-self-scheduling", "on")])
            .await
            .text()
    };
    let one = invite(format!("/staff/contacts/{}/invite", world.contact_a_new)).await;
    let all = invite(format!("/staff/accounts/{}/invite", world.account_a)).await;
    (one, all)
}

#[tokio::test]
async fn without_smtp_the_invitation_pages_say_the_code_must_be_handed_over() {
    let (one, all) = invitation_pages(onsite_web::WebConfig {
        emails_reach_inboxes: false,
        ..crate::support::config()
    })
    .await;
    assert!(!one.contains("An invitation email is on its way"), "{one}");
    assert!(one.contains("This portal sends no email"), "{one}");
    assert_eq!(shown_code(&one).len(), 31, "the code is still shown once");
    assert!(all.contains("codes reached nobody"), "{all}");

    // With SMTP, the same pages say the email is on its way and nothing of the kind.
    let (one, all) = invitation_pages(crate::support::config()).await;
    assert!(one.contains("An invitation email is on its way"), "{one}");
    assert!(!one.contains("This portal sends no email"), "{one}");
    assert!(!all.contains("codes reached nobody"), "{all}");
}

#[tokio::test]
async fn inviting_a_contact_shows_the_code_once_and_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("dispatcher")).await;
    browser.get("/staff/accounts").await;
    let path = format!("/staff/contacts/{}/invite", world.contact_a_new);
    let first = browser.post(&path, &[("role-self-scheduling", "on")]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.header("cache-control"), "no-store");
    let html = first.text();
    assert!(html.contains("Invitation created"));
    assert!(html.contains("nora.newcomer@a-account.test"));
    assert!(html.contains("Any earlier code of this contact no longer works."));
    let old_code = shown_code(&html);
    assert_eq!(old_code.len(), 31, "{old_code}");

    let status = browser.get("/staff/accounts?q=newcomer").await.text();
    assert!(status.contains("Invited (expires "), "{status}");

    let second = browser
        .post(&path, &[("role-fs-customer-approver", "on")])
        .await;
    let new_code = shown_code(&second.text());
    assert_ne!(new_code, old_code);
    // The old code no longer redeems; the new one does.
    let mut nora = Browser::new(&app);
    nora.get("/redeem").await;
    assert!(
        nora.post("/redeem", &[("code", &old_code)])
            .await
            .text()
            .contains("already used, replaced")
    );
    assert_eq!(
        nora.post("/redeem", &[("code", &new_code)]).await.status,
        StatusCode::OK
    );

    // A contact who has an account, a role of another kind of account, no role: refused,
    // nothing created.
    let ana_contact = accounts::user_by_id(
        &mut app.db.store().conn().await.unwrap(),
        world.user("customer of A"),
    )
    .await
    .unwrap()
    .unwrap()
    .contact_id
    .unwrap();
    let has_account = browser
        .post(
            &format!("/staff/contacts/{ana_contact}/invite"),
            &[("role-self-scheduling", "on")],
        )
        .await;
    assert_eq!(has_account.status, StatusCode::CONFLICT);
    assert!(has_account.text().contains("already has a portal account"));
    let partner_role = browser.post(&path, &[("role-partner", "on")]).await;
    assert_eq!(partner_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff_role = browser.post(&path, &[("role-admin", "on")]).await;
    assert_eq!(staff_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_role = browser.post(&path, &[]).await;
    assert_eq!(no_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nonsense = browser.post(&path, &[("role-root", "on")]).await;
    assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = browser
        .post(
            "/staff/contacts/999999/invite",
            &[("role-self-scheduling", "on")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let invitations = onsite_store::invitations::for_contact(
        &mut app.db.store().conn().await.unwrap(),
        world.contact_a_new,
    )
    .await
    .unwrap();
    assert_eq!(invitations.len(), 2, "only the two accepted invitations");
}

#[tokio::test]
async fn inviting_a_whole_account_skips_who_was_invited_or_has_an_account() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    insert_contact(
        &app,
        world.account_a,
        "Zoé",
        "Later",
        "zoe.later@a-account.test",
        None,
    )
    .await;
    let mut browser = app.browser_as(world.user("admin")).await;
    browser.get("/staff/accounts").await;
    let path = format!("/staff/accounts/{}/invite", world.account_a);
    let first = browser.post(&path, &[("role-self-scheduling", "on")]).await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.text();
    assert!(html.contains("2 contacts invited."), "{html}");
    assert!(
        html.contains("3 contacts skipped: already have an account."),
        "{html}"
    );
    let again = browser.post(&path, &[("role-self-scheduling", "on")]).await;
    let html = again.text();
    assert!(
        html.contains("2 contacts skipped: already invited automatically before."),
        "{html}"
    );
    let sent = outbox::list(
        &mut app.db.store().conn().await.unwrap(),
        &OutboxFilter {
            kind: Some("invitation".into()),
            ..Default::default()
        },
        50,
        None,
    )
    .await
    .unwrap();
    assert_eq!(sent.len(), 2, "one email per new invitation");
}

#[tokio::test]
async fn dispatchers_give_web_roles_and_only_administrators_give_staff_roles() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let ana = world.user("customer of A");
    let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
    let page = dispatcher.get("/staff/users?q=zephyrine").await;
    let html = page.text();
    assert!(html.contains("ana.zephyrine@a-account.test"));
    assert!(html.contains("/web-roles"));
    assert!(
        !html.contains("/staff-roles"),
        "no staff roles form for dispatchers"
    );
    let saved = dispatcher
        .post(
            &format!("/staff/users/{ana}/web-roles"),
            &[
                ("role-self-scheduling", "on"),
                ("role-fs-customer-approver", "on"),
            ],
        )
        .await;
    assert_eq!(saved.header("location"), "/staff/users?notice=roles-saved");
    assert_eq!(
        roles_of(&app, ana).await,
        [Role::SelfScheduling, Role::CustomerApprover]
    );
    let escalate = dispatcher
        .post(
            &format!("/staff/users/{ana}/staff-roles"),
            &[("role-admin", "on")],
        )
        .await;
    assert_eq!(escalate.status, StatusCode::NOT_FOUND);
    let sneaky = dispatcher
        .post(
            &format!("/staff/users/{ana}/web-roles"),
            &[("role-admin", "on")],
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        roles_of(&app, ana).await,
        [Role::SelfScheduling, Role::CustomerApprover]
    );

    let mut admin = app.browser_as(world.user("admin")).await;
    assert!(
        admin
            .get("/staff/users")
            .await
            .text()
            .contains("/staff-roles")
    );
    let dora = world.user("dispatcher");
    admin
        .post(
            &format!("/staff/users/{dora}/staff-roles"),
            &[("role-dispatcher", "on"), ("role-technician", "on")],
        )
        .await;
    assert_eq!(
        roles_of(&app, dora).await,
        [Role::Technician, Role::Dispatcher]
    );
    // Web roles stay when staff roles change, and the other way round.
    admin
        .post(
            &format!("/staff/users/{ana}/staff-roles"),
            &[("role-technician", "on")],
        )
        .await;
    assert_eq!(
        roles_of(&app, ana).await,
        [
            Role::SelfScheduling,
            Role::CustomerApprover,
            Role::Technician
        ]
    );
    // An administrator cannot lock themselves out.
    let adam = world.user("admin");
    let own = admin
        .post(
            &format!("/staff/users/{adam}/staff-roles"),
            &[("role-dispatcher", "on")],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert!(
        own.text()
            .contains("cannot remove your own administrator role")
    );
    assert_eq!(roles_of(&app, adam).await, [Role::Admin]);
}

async fn queue(app: &TestApp, key: &str, to: &str, subject: &str, html: &str) -> outbox::OutboxId {
    let recipient = EmailAddress::parse(to).unwrap();
    outbox::enqueue(
        &mut app.db.store().conn().await.unwrap(),
        &NewEmail {
            event_key: key,
            kind: "test",
            recipient: &recipient,
            locale: "en",
            subject,
            text_body: &format!("Text of {subject}"),
            html_body: html,
            attachments: &[outbox::Attachment {
                filename: "visit\".ics".into(),
                content_type: "text/calendar".into(),
                content: b"BEGIN:VCALENDAR".to_vec(),
            }],
            secret: None,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
    .id()
}

#[tokio::test]
async fn the_mailbox_lists_shows_and_retries_messages_without_running_their_html() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut ids = Vec::new();
    for i in 0..55 {
        ids.push(
            queue(
                &app,
                &format!("test:{i}"),
                if i % 2 == 0 {
                    "even@example.test"
                } else {
                    "odd@example.test"
                },
                &format!("Message number {i:02}"),
                "<p style=\"color:red\">Hi</p><script>alert(1)</script>",
            )
            .await,
        );
    }
    let mut browser = app.browser_as(world.user("dispatcher")).await;
    let list = browser.get("/staff/mailbox").await;
    assert_eq!(list.status, StatusCode::OK);
    let html = list.text();
    assert!(html.contains("Message number 54"), "newest first");
    assert!(!html.contains("Message number 04"), "50 per page");
    assert!(html.contains("55 waiting"));
    let older = html
        .split('"')
        .find(|s| s.contains("before="))
        .expect("a link to older messages")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let page2 = browser.get(&older).await.text();
    assert!(page2.contains("Message number 04") && !page2.contains("Message number 54"));

    let odd = browser
        .get("/staff/mailbox?recipient=odd%40example.test")
        .await
        .text();
    assert!(odd.contains("Message number 53") && !odd.contains("Message number 54"));
    let bad = browser
        .get("/staff/mailbox?recipient=nope&status=lost")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains(r#"aria-describedby="recipient-error""#));
    assert!(bad.text().contains(r#"aria-describedby="status-error""#));

    let id = ids[3];
    let detail = browser.get(&format!("/staff/mailbox/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let html = detail.text();
    assert!(html.contains("Text of Message number 03"));
    assert!(html.contains(&format!(
        r#"<iframe class="message-html" src="/staff/mailbox/{id}/html" sandbox="""#
    )));
    assert!(html.contains("visit&#34;.ics") || html.contains("visit&quot;.ics"));
    assert!(
        !html.contains("Retry now"),
        "only failed messages are retried"
    );

    let body = browser.get(&format!("/staff/mailbox/{id}/html")).await;
    assert_eq!(body.status, StatusCode::OK);
    let csp = body.header("content-security-policy");
    assert!(csp.starts_with("sandbox;"), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(body.header("x-frame-options"), "SAMEORIGIN");

    let file = browser
        .get(&format!("/staff/mailbox/{id}/attachments/0"))
        .await;
    assert_eq!(file.bytes, b"BEGIN:VCALENDAR");
    assert_eq!(
        file.header("content-disposition"),
        r#"attachment; filename="visit_.ics""#
    );
    assert_eq!(
        browser
            .get(&format!("/staff/mailbox/{id}/attachments/7"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        browser.get("/staff/mailbox/999999").await.status,
        StatusCode::NOT_FOUND
    );

    // A failed message gets "Retry now", and a sent one is never sent again.
    let mut conn = app.db.store().conn().await.unwrap();
    let now = crate::support::now(&app);
    let claimed = loop {
        let c = outbox::claim_next(&mut conn, now, jiff::SignedDuration::from_mins(1))
            .await
            .unwrap()
            .unwrap();
        if c.claim.id == id {
            break c;
        }
        outbox::mark_sent(&mut conn, c.claim, "mailbox", now)
            .await
            .unwrap();
    };
    outbox::mark_failed(
        &mut conn,
        claimed.claim,
        "550 mailbox unavailable",
        outbox::Failure::Permanent,
    )
    .await
    .unwrap();
    drop(conn);
    let failed = browser.get(&format!("/staff/mailbox/{id}")).await.text();
    assert!(failed.contains("550 mailbox unavailable") && failed.contains("Retry now"));
    let retried = browser
        .post(&format!("/staff/mailbox/{id}/retry"), &[])
        .await;
    assert_eq!(
        retried.header("location"),
        format!("/staff/mailbox/{id}?notice=retried")
    );
    let again = browser
        .get(&format!("/staff/mailbox/{id}?notice=retried"))
        .await
        .text();
    assert!(again.contains("The message will be sent again now.") && again.contains("Waiting"));
    // Who asked for the retry is on record.
    let events = onsite_store::audit::recent(&mut app.db.store().conn().await.unwrap(), 5)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "mailbox.retry" && e.entity_id == Some(id.0) && e.actor.is_some()),
        "{events:?}"
    );
    let sent = browser
        .post(&format!("/staff/mailbox/{}/retry", ids[0]), &[])
        .await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert!(sent.text().contains("never sent twice"));
}

/// Every view of message `id` the `dispatcher` browsing in `lang` gets: the list (filtered to its
/// recipient), the message page, its HTML, its first attachment (none: 404), each checked for
/// `secret`; returns the message page's text.
async fn mailbox_views(
    app: &TestApp,
    dispatcher: onsite_domain::UserId,
    lang: &'static str,
    id: outbox::OutboxId,
    to: &str,
    secret: &str,
) -> String {
    let mut browser = app.browser_as(dispatcher).await;
    browser.accept_language = Some(lang);
    let list = browser
        .get(&format!(
            "/staff/mailbox?recipient={}",
            to.replace('@', "%40")
        ))
        .await;
    let detail = browser.get(&format!("/staff/mailbox/{id}")).await;
    let html = browser.get(&format!("/staff/mailbox/{id}/html")).await;
    let attachment = browser
        .get(&format!("/staff/mailbox/{id}/attachments/0"))
        .await;
    assert_eq!(attachment.status, StatusCode::NOT_FOUND);
    for (view, answer) in [("list", &list), ("message", &detail), ("html", &html)] {
        assert_eq!(answer.status, StatusCode::OK, "{view}");
        assert!(!answer.text().contains(secret), "{view} shows the secret");
    }
    let marker = if lang == "fr" {
        "[masqué : secret à usage unique réservé au destinataire]"
    } else {
        "[hidden: a one-time secret for the recipient only]"
    };
    assert!(detail.text().contains(marker), "{}", detail.text());
    assert!(
        html.text().contains(&format!("reset-password/{marker}")),
        "the HTML has the marker where the link's token was: {}",
        html.text()
    );
    detail.text()
}

// The views of a message that carries a password-reset link: hidden in every state, and the
// message page says where the secret went (to nobody with the mailbox transport).
onsite_testkit::both_backends!(
    the_mailbox_hides_one_time_secrets_and_says_where_they_went,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let now = crate::support::now(&app);
        let reset_for = |whose: &'static str| {
            let app = &app;
            let email = world.person(whose).email.clone();
            async move {
                onsite_app::identity::forgot_password(app.app(), &email, "10.9.8.7", now)
                    .await
                    .unwrap();
                kept_secrets(app).await.pop().expect("a kept secret")
            }
        };

        // Waiting for delivery.
        let admin = world.person("admin").email.clone();
        let (id, token) = reset_for("admin").await;
        let page = mailbox_views(&app, world.user("dispatcher"), "en", id, &admin, &token).await;
        assert!(page.contains("It is hidden here, and erased once the message is delivered."));

        // "Delivered" by the mailbox transport: to no one, and the secret is gone.
        let worker =
            onsite_notify::Worker::new(app.db.store().clone(), onsite_notify::Transport::Mailbox);
        onsite_testkit::smtp::drain(&worker).await;
        assert!(kept_secrets(&app).await.is_empty());
        let page = mailbox_views(&app, world.user("dispatcher"), "fr", id, &admin, &token).await;
        assert!(
            page.contains("La boîte aux lettres ne remet d’e-mail à personne"),
            "{page}"
        );

        // Delivered over SMTP.
        let sink = onsite_testkit::smtp::SmtpSink::start().await;
        let customer = world.person("customer of A").email.clone();
        let (id, token) = reset_for("customer of A").await;
        sink.deliver_queued(app.db.store()).await;
        let (_, received) = sink.last_to(&customer).unwrap();
        assert!(received.contains(&token), "the recipient has it");
        let page = mailbox_views(&app, world.user("dispatcher"), "en", id, &customer, &token).await;
        assert!(page.contains("mail server and was not kept."), "{page}");

        // Refused for good: the secret is gone, and the message cannot be retried.
        let reviewer = world.person("reviewer of A").email.clone();
        let (id, token) = reset_for("reviewer of A").await;
        {
            let mut conn = app.db.store().conn().await.unwrap();
            let later = jiff::Timestamp::now();
            let claimed = outbox::claim_next(&mut conn, later, jiff::SignedDuration::from_mins(1))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(claimed.claim.id, id);
            outbox::mark_failed(
                &mut conn,
                claimed.claim,
                "550 no such user",
                outbox::Failure::Permanent,
            )
            .await
            .unwrap();
        }
        let page = mailbox_views(&app, world.user("dispatcher"), "en", id, &reviewer, &token).await;
        assert!(page.contains("It was not delivered, and the secret is not kept"));
        assert!(!page.contains("Retry now"), "{page}");
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        dispatcher.get(&format!("/staff/mailbox/{id}")).await;
        let retry = dispatcher
            .post(&format!("/staff/mailbox/{id}/retry"), &[])
            .await;
        assert_eq!(retry.status, StatusCode::CONFLICT);
        assert!(
            retry.text().contains("cannot be sent again"),
            "{}",
            retry.text()
        );
        sink.stop().await;
    }
);

#[tokio::test]
async fn the_invitation_api_answers_json_for_staff_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut staff = app.browser_as(world.user("dispatcher")).await;
    staff.get("/").await;
    let created = staff
        .post_json(
            "/api/v1/invitations",
            &serde_json::json!({"contact_id": world.contact_a_new.0, "roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let body = created.json();
    assert_eq!(body["invitation"]["email"], "nora.newcomer@a-account.test");
    assert_eq!(body["invitation"]["code"].as_str().unwrap().len(), 31);

    let bad_role = staff
        .post_json(
            "/api/v1/invitations",
            &serde_json::json!({"contact_id": world.contact_a_new.0, "roles": ["admin"]}),
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_role.json()["error"]["field"], "roles");
    let missing = staff
        .post_json(
            "/api/v1/invitations",
            &serde_json::json!({"contact_id": 999999, "roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "not_found");
    let malformed = staff
        .post_json("/api/v1/invitations", &serde_json::json!({"contact": "x"}))
        .await;
    assert!(malformed.status.is_client_error());
    assert!(malformed.json()["error"]["code"].is_string());

    // An account that does not exist is not found (it used to be a server error).
    let unknown = staff
        .post_json(
            "/api/v1/accounts/987654321/invitations",
            &serde_json::json!({"roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text());
    assert_eq!(unknown.json()["error"]["code"], "not_found");
    let unknown_page = staff
        .post(
            "/staff/accounts/987654321/invite",
            &[("role-self-scheduling", "on")],
        )
        .await;
    assert_eq!(unknown_page.status, StatusCode::NOT_FOUND);

    let bulk = staff
        .post_json(
            &format!("/api/v1/accounts/{}/invitations", world.account_b),
            &serde_json::json!({"roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::OK);
    assert_eq!(
        bulk.json()["already_have_account"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let partner = staff
        .post_json(
            &format!("/api/v1/accounts/{}/invitations", world.partner_account),
            &serde_json::json!({"roles": ["partner"]}),
        )
        .await;
    assert_eq!(partner.status, StatusCode::OK, "{}", partner.text());

    let mut customer = app.browser_as(world.user("customer of A")).await;
    customer.get("/").await;
    let refused = customer
        .post_json(
            "/api/v1/invitations",
            &serde_json::json!({"contact_id": world.contact_a_new.0, "roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"]["code"], "forbidden");
    let mut anonymous = Browser::new(&app);
    let unauthorized = anonymous
        .post_json(
            "/api/v1/invitations",
            &serde_json::json!({"contact_id": world.contact_a_new.0, "roles": ["self-scheduling"]}),
        )
        .await;
    assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unauthorized.json()["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn customers_see_their_own_navigation_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut customer = Browser::new(&app);
    customer
        .sign_in(&world.person("customer of A").email, PASSWORD)
        .await;
    let html = customer.get("/").await.text();
    assert!(html.contains(r#"href="/profile""#));
    assert!(html.contains("Your appointments"));
    for staff_only in ["/staff/accounts", "/staff/mailbox", "/staff/users"] {
        assert!(
            !html.contains(staff_only),
            "{staff_only} shown to a customer"
        );
    }
    assert_eq!(
        customer.get("/staff/mailbox").await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = app.get("/").await.text();
    assert!(anonymous.contains("Who uses Onsite"));
    assert!(anonymous.contains("Dispatchers and administrators"));
}
