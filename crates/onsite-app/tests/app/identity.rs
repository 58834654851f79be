//! Identity use cases against a fresh database: sign-in, invitations and redemption, profile,
//! forgotten and changed passwords.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::identity::{self, IdentityError, InviteMode, ProfileInput};
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, ContactId};
use onsite_notify::testing::SmtpSink;
use onsite_store::accounts::{self, NewAccount, NewContact};
use onsite_store::outbox::{self, OutboxFilter, SECRET_PLACEHOLDER};
use onsite_store::testing::TestDb;
use std::sync::Arc;

fn app(db: &TestDb) -> App {
    App::new(
        db.store().clone(),
        Arc::new(tokio::sync::Notify::new()),
        "https://portal.example.com/",
    )
}

async fn account(app: &App, active: bool) -> AccountId {
    let address = Address {
        line: "5000 Rue Sherbrooke E".into(),
        city: "Montréal".into(),
        postal_code: "H1V 1A1".into(),
        country: "CA".into(),
        location: GeoPoint::new(45.557, -73.553).unwrap(),
        time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
    };
    let mut conn = app.store.conn().await.unwrap();
    accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name: "Acme",
            active,
            address: &address,
            territory_id: None,
        },
    )
    .await
    .unwrap()
}

async fn contact(app: &App, account_id: AccountId, email: &str) -> ContactId {
    let email = EmailAddress::parse(email).unwrap();
    let mut conn = app.store.conn().await.unwrap();
    accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id,
            first_name: "Ana",
            last_name: "Silva",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap()
}

/// The text of the newest message to `to` as the outbox keeps it (what staff can read).
async fn stored_text(app: &App, to: &str) -> String {
    let filter = OutboxFilter {
        recipient: Some(EmailAddress::parse(to).unwrap()),
        ..Default::default()
    };
    let mut conn = app.store.conn().await.unwrap();
    let summary = outbox::list(&mut conn, &filter, 1, None).await.unwrap()[0].clone();
    outbox::get(&mut conn, summary.id).await.unwrap().text_body
}

/// Delivers the queued email over real SMTP to `sink`, and returns the newest message `to`
/// received: (subject, text), as the recipient reads it.
async fn last_email(app: &App, sink: &SmtpSink, to: &str) -> Option<(String, String)> {
    sink.deliver_queued(&app.store).await;
    sink.last_to(to)
}

fn code_in(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("Your invitation code: "))
        .expect("code line")
        .trim()
        .to_owned()
}

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invited_contact_redeems_once_and_signs_in() {
    let db = TestDb::sqlite().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let contact_id = contact(&app, account_id, "ana@example.com").await;

    let invited = identity::invite(
        &app,
        contact_id,
        &[Role::SelfScheduling, Role::CustomerReviewer],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    let sink = SmtpSink::start().await;
    let (subject, text) = last_email(&app, &sink, "ana@example.com")
        .await
        .expect("invitation emailed");
    assert_eq!(subject, "Your invitation to the service portal");
    assert!(text.contains("https://portal.example.com/redeem"), "{text}");
    let code = code_in(&text);
    assert_eq!(
        code,
        invited.code.expose(),
        "the emailed code is the one staff can copy"
    );
    // The outbox's copy, which staff can read, never held it.
    let stored = stored_text(&app, "ana@example.com").await;
    assert!(
        stored.contains(SECRET_PLACEHOLDER) && !stored.contains(&code),
        "{stored}"
    );

    // Typed loosely: lower case, spaces instead of dashes.
    let loose = code.to_lowercase().replace('-', " ");
    assert_eq!(
        identity::check_code(&app, &loose, "10.0.0.1", now)
            .await
            .unwrap()
            .email
            .as_str(),
        "ana@example.com"
    );
    let weak = identity::redeem(&app, &code, "password", "10.0.0.1", now)
        .await
        .unwrap_err();
    assert!(matches!(weak, IdentityError::WeakPassword(_)), "{weak:?}");
    assert!(
        accounts::user_by_email(&mut app.store.conn().await.unwrap(), &invited.email)
            .await
            .unwrap()
            .is_none(),
        "a refused redemption creates nothing"
    );

    let issued = identity::redeem(&app, &loose, PASSWORD, "10.0.0.1", now)
        .await
        .unwrap();
    assert_eq!(issued.user.account_id, Some(account_id));
    assert_eq!(
        issued.user.roles,
        vec![Role::SelfScheduling, Role::CustomerReviewer]
    );
    assert_eq!(issued.user.display_name, "Ana Silva");
    assert!(
        identity::session(&app, issued.token.expose(), now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        identity::redeem(&app, &code, PASSWORD, "10.0.0.2", now).await,
        Err(IdentityError::UsedCode)
    ));

    identity::sign_out(&app, issued.token.expose())
        .await
        .unwrap();
    assert!(
        identity::session(&app, issued.token.expose(), now)
            .await
            .unwrap()
            .is_none()
    );
    let again = identity::sign_in(&app, "ANA@example.com", PASSWORD, "10.0.0.1", now)
        .await
        .unwrap();
    assert_eq!(again.user.id, issued.user.id);
    assert_ne!(
        again.token.expose(),
        issued.token.expose(),
        "a new session id at every sign-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_and_a_new_invitation_replaces_the_old() {
    let db = TestDb::postgres().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let contact_id = contact(&app, account_id, "bo@example.com").await;
    let first = identity::invite(
        &app,
        contact_id,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    let second = identity::invite(
        &app,
        contact_id,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    assert!(matches!(
        identity::check_code(&app, first.code.expose(), "c", now).await,
        Err(IdentityError::UsedCode)
    ));
    let later = now + SignedDuration::from_hours(24 * 15);
    assert!(matches!(
        identity::check_code(&app, second.code.expose(), "c", later).await,
        Err(IdentityError::ExpiredCode)
    ));
    assert!(matches!(
        identity::check_code(&app, "NOT-A-CODE", "c", now).await,
        Err(IdentityError::UnknownCode)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inactive_accounts_cannot_be_invited_and_automatic_invitations_happen_once() {
    let db = TestDb::sqlite().await;
    let app = app(&db);
    let now = Timestamp::now();
    let inactive = account(&app, false).await;
    let c = contact(&app, inactive, "gone@example.com").await;
    assert!(matches!(
        identity::invite(
            &app,
            c,
            &[Role::SelfScheduling],
            None,
            InviteMode::Manual,
            now
        )
        .await,
        Err(IdentityError::AccountInactive)
    ));

    let active = account(&app, true).await;
    let first = contact(&app, active, "cy@example.com").await;
    contact(&app, active, "di@example.com").await;
    let bulk = identity::invite_account(&app, active, &[Role::SelfScheduling], None, now)
        .await
        .unwrap();
    assert_eq!(bulk.invited.len(), 2);
    // The contact is deleted and created again: not invited automatically a second time.
    sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(first.0)
        .execute(app.store.pool())
        .await
        .unwrap();
    let recreated = contact(&app, active, "cy@example.com").await;
    let bulk = identity::invite_account(&app, active, &[Role::SelfScheduling], None, now)
        .await
        .unwrap();
    assert!(bulk.invited.is_empty());
    assert_eq!(bulk.already_invited.len(), 2);
    // Staff can always invite by hand.
    identity::invite(
        &app,
        recreated,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_and_unknown_emails_get_one_answer_and_are_rate_limited() {
    let db = TestDb::sqlite().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let c = contact(&app, account_id, "eve@example.com").await;
    let invited = identity::invite(
        &app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    identity::redeem(&app, invited.code.expose(), PASSWORD, "ip", now)
        .await
        .unwrap();

    let unknown = identity::sign_in(&app, "nobody@example.com", PASSWORD, "ip1", now)
        .await
        .unwrap_err();
    let wrong = identity::sign_in(&app, "eve@example.com", "not the password", "ip1", now)
        .await
        .unwrap_err();
    assert_eq!(unknown.message_id(), wrong.message_id());
    assert!(matches!(
        identity::sign_in(&app, "not an email", PASSWORD, "ip1", now).await,
        Err(IdentityError::BadCredentials)
    ));
    // One wrong attempt above, nine more here: the address has had its ten.
    for _ in 0..9 {
        let _ = identity::sign_in(&app, "eve@example.com", "guess", "ip2", now).await;
    }
    // Ten attempts per address per window: the right password no longer helps.
    assert!(matches!(
        identity::sign_in(&app, "eve@example.com", PASSWORD, "ip3", now).await,
        Err(IdentityError::RateLimited)
    ));
    let later = now + SignedDuration::from_mins(16);
    assert!(
        identity::sign_in(&app, "eve@example.com", PASSWORD, "ip3", later)
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_password_resets_once_and_ends_every_session() {
    let db = TestDb::sqlite().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let c = contact(&app, account_id, "fay@example.com").await;
    let invited = identity::invite(
        &app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    let session = identity::redeem(&app, invited.code.expose(), PASSWORD, "ip", now)
        .await
        .unwrap();

    let sink = SmtpSink::start().await;
    identity::forgot_password(&app, "nobody@example.com", "ip", now)
        .await
        .unwrap();
    assert!(
        last_email(&app, &sink, "nobody@example.com")
            .await
            .is_none()
    );
    identity::forgot_password(&app, "fay@example.com", "ip", now)
        .await
        .unwrap();
    let (subject, text) = last_email(&app, &sink, "fay@example.com").await.unwrap();
    assert_eq!(subject, "Reset your password");
    let link = text
        .lines()
        .find(|l| l.starts_with("https://portal.example.com/reset-password/"))
        .expect("link")
        .trim();
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "{link}");
    let stored = stored_text(&app, "fay@example.com").await;
    assert!(
        stored.contains(SECRET_PLACEHOLDER) && !stored.contains(token),
        "{stored}"
    );

    assert!(identity::reset_link_valid(&app, token, now).await.unwrap());
    assert!(matches!(
        identity::reset_password(&app, token, "short", now).await,
        Err(IdentityError::WeakPassword(_))
    ));
    identity::reset_password(&app, token, "a brand new passphrase", now)
        .await
        .unwrap();
    assert!(
        identity::session(&app, session.token.expose(), now)
            .await
            .unwrap()
            .is_none(),
        "sessions end"
    );
    assert!(matches!(
        identity::reset_password(&app, token, "another new passphrase", now).await,
        Err(IdentityError::InvalidResetLink)
    ));
    assert!(
        identity::sign_in(&app, "fay@example.com", PASSWORD, "ip", now)
            .await
            .is_err()
    );
    identity::sign_in(&app, "fay@example.com", "a brand new passphrase", "ip", now)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_ends_the_other_sessions_and_profile_input_is_checked() {
    let db = TestDb::sqlite().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let c = contact(&app, account_id, "gil@example.com").await;
    let invited = identity::invite(
        &app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    let here = identity::redeem(&app, invited.code.expose(), PASSWORD, "ip", now)
        .await
        .unwrap();
    let elsewhere = identity::sign_in(&app, "gil@example.com", PASSWORD, "ip", now)
        .await
        .unwrap();
    let user = here.user.id;

    assert!(matches!(
        identity::change_password(
            &app,
            user,
            "wrong",
            "a newer passphrase",
            here.token.expose()
        )
        .await,
        Err(IdentityError::WrongCurrentPassword)
    ));
    identity::change_password(
        &app,
        user,
        PASSWORD,
        "a newer passphrase",
        here.token.expose(),
    )
    .await
    .unwrap();
    assert!(
        identity::session(&app, here.token.expose(), now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        identity::session(&app, elsewhere.token.expose(), now)
            .await
            .unwrap()
            .is_none()
    );

    let bad = ProfileInput {
        display_name: "Gil".into(),
        time_zone: "Mars/Base".into(),
        ..Default::default()
    };
    assert!(matches!(
        identity::update_profile(&app, user, &bad).await,
        Err(IdentityError::Invalid(_))
    ));
    let unchanged = accounts::user_by_id(&mut app.store.conn().await.unwrap(), user)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.display_name, "Ana Silva");
    let good = ProfileInput {
        display_name: "Gil Ramos".into(),
        phone: "+1 514 555 0100".into(),
        language: "fr".into(),
        time_zone: "America/Toronto".into(),
        notify_email: false,
    };
    identity::update_profile(&app, user, &good).await.unwrap();
    let saved = accounts::user_by_id(&mut app.store.conn().await.unwrap(), user)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            saved.display_name.as_str(),
            saved.language.as_deref(),
            saved.notify_email
        ),
        ("Gil Ramos", Some("fr"), false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn housekeeping_removes_expired_sessions_and_old_counters_only() {
    let db = TestDb::postgres().await;
    let app = app(&db);
    let now = Timestamp::now();
    let account_id = account(&app, true).await;
    let c = contact(&app, account_id, "hal@example.com").await;
    let invited = identity::invite(
        &app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    let old = identity::redeem(&app, invited.code.expose(), PASSWORD, "ip", now)
        .await
        .unwrap();
    let later = now + SignedDuration::from_hours(3);
    let fresh = identity::sign_in(&app, "hal@example.com", PASSWORD, "ip", later)
        .await
        .unwrap();
    let swept = onsite_app::housekeeping::sweep(&app, later).await.unwrap();
    assert_eq!(swept.sessions, 1, "only the idle session goes");
    assert!(
        identity::session(&app, fresh.token.expose(), later)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        identity::session(&app, old.token.expose(), now)
            .await
            .unwrap()
            .is_none()
    );
    let next_day = now + SignedDuration::from_hours(26);
    assert!(
        onsite_app::housekeeping::sweep(&app, next_day)
            .await
            .unwrap()
            .rate_limit_windows
            >= 1
    );
}
