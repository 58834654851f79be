//! Identity use cases against a fresh database: sign-in, invitations and redemption, profile,
//! forgotten and changed passwords.

use crate::app_on;
use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::identity::{self, IdentityError, InviteMode, ProfileInput};
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, ContactId};
use onsite_store::accounts::{self, NewAccount, NewContact};
use onsite_store::outbox::{self, OutboxFilter, SECRET_PLACEHOLDER};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{allow_inserts, east_end_address, refuse_inserts};
use onsite_testkit::smtp::SmtpSink;

async fn account(app: &App, active: bool) -> AccountId {
    let mut conn = app.store.conn().await.unwrap();
    accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name: "Acme",
            active,
            address: &east_end_address(),
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
    let app = app_on(&db);
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
    let app = app_on(&db);
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
    let app = app_on(&db);
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

/// A portal user with [`PASSWORD`], through an invitation.
async fn owner(app: &App, email: &str, now: Timestamp) {
    let account_id = account(app, true).await;
    let c = contact(app, account_id, email).await;
    let invited = identity::invite(
        app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        now,
    )
    .await
    .unwrap();
    identity::redeem(app, invited.code.expose(), PASSWORD, "192.0.2.200", now)
        .await
        .unwrap();
}

/// The start of a throttling window (they are aligned on multiples of 15 minutes).
fn window_start() -> Timestamp {
    Timestamp::from_second(1_800_000_000 / 900 * 900).unwrap()
}

fn wait_of(result: Result<impl std::fmt::Debug, IdentityError>) -> u64 {
    match result {
        Err(IdentityError::RateLimited(wait)) => wait.seconds(),
        other => panic!("expected a refusal for too many attempts, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_and_unknown_emails_get_one_answer() {
    let db = TestDb::sqlite().await;
    let app = app_on(&db);
    let now = Timestamp::now();
    owner(&app, "eve@example.com", now).await;
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
}

// Failures from one source refuse that source for the account; a stranger's failures, from
// however many addresses, never refuse the owner's own: they only make the owner wait a little
// after a mistake of their own. A success clears the source's failures for the account.
both_backends!(
    a_stranger_cannot_lock_the_owner_out,
    |db: TestDb| async move {
        let app = app_on(&db);
        let t0 = window_start();
        let at = |secs: i64| t0 + SignedDuration::from_secs(secs);
        owner(&app, "eve@example.com", t0).await;
        let eve = "eve@example.com";
        // Thirty addresses guess once each (no address is slowed by the others' failures).
        for i in 0..30 {
            let guess =
                identity::sign_in(&app, eve, "guess", &format!("198.51.100.{i}"), at(1)).await;
            assert!(
                matches!(guess, Err(IdentityError::BadCredentials)),
                "{guess:?}"
            );
        }
        // One address guesses ten times, waiting out the growing delay (at most a minute) between.
        let stranger = "203.0.113.9";
        for i in 0..10 {
            let guess = identity::sign_in(&app, eve, "guess", stranger, at(61 * (i + 1))).await;
            assert!(
                matches!(guess, Err(IdentityError::BadCredentials)),
                "{i}: {guess:?}"
            );
        }
        // Its eleventh is refused, even with the right password, until the window ends.
        assert_eq!(
            wait_of(identity::sign_in(&app, eve, PASSWORD, stranger, at(671)).await),
            900 - 671
        );
        // The owner, from their own address, signs in at once.
        let home = "192.0.2.1";
        identity::sign_in(&app, eve, PASSWORD, home, at(672))
            .await
            .unwrap();
        // A typo of theirs makes them wait (the account has had 40 failures: the longest wait)…
        assert!(
            identity::sign_in(&app, eve, "typo", home, at(673))
                .await
                .is_err()
        );
        let wait = wait_of(identity::sign_in(&app, eve, PASSWORD, home, at(674)).await);
        assert_eq!(wait, 59);
        // …then they are in, and their address has no failure left for the account.
        identity::sign_in(&app, eve, PASSWORD, home, at(733))
            .await
            .unwrap();
        assert!(matches!(
            identity::sign_in(&app, eve, "typo", home, at(733)).await,
            Err(IdentityError::BadCredentials)
        ));
        // The next window starts afresh for the stranger.
        identity::sign_in(&app, eve, PASSWORD, stranger, at(901))
            .await
            .unwrap();
    }
);

// Successful sign-ins do not count: an office behind one address signs in all day. Failures
// do, per address across accounts (password spraying).
both_backends!(
    only_failures_count_and_spraying_is_refused_per_source,
    |db: TestDb| async move {
        let app = app_on(&db);
        let t0 = window_start();
        owner(&app, "eve@example.com", t0).await;
        let office = "192.0.2.77";
        for i in 0..31 {
            identity::sign_in(
                &app,
                "eve@example.com",
                PASSWORD,
                office,
                t0 + SignedDuration::from_secs(i),
            )
            .await
            .unwrap();
        }
        // One address tries one password on fifty addresses…
        let sprayer = "2001:db8:7:7::1";
        for i in 0..50 {
            let guess = identity::sign_in(
                &app,
                &format!("user{i}@example.com"),
                "Summer2026!",
                sprayer,
                t0,
            )
            .await;
            assert!(
                matches!(guess, Err(IdentityError::BadCredentials)),
                "{guess:?}"
            );
        }
        // …and is refused from then on, for every account, from anywhere in its /64 network.
        let also_sprayer = "2001:db8:7:7:ffff::2";
        assert_eq!(
            wait_of(identity::sign_in(&app, "eve@example.com", PASSWORD, also_sprayer, t0).await),
            900
        );
        // Other addresses are not.
        identity::sign_in(&app, "eve@example.com", PASSWORD, office, t0)
            .await
            .unwrap();
    }
);

// Invitation codes: only codes that do not work count, per address; a working code never does.
both_backends!(only_codes_that_do_not_work_count, |db: TestDb| async move {
    let app = app_on(&db);
    let t0 = window_start();
    let acme = account(&app, true).await;
    let c = contact(&app, acme, "ivy@example.com").await;
    let invited = identity::invite(
        &app,
        c,
        &[Role::SelfScheduling],
        None,
        InviteMode::Manual,
        t0,
    )
    .await
    .unwrap();
    let code = invited.code.expose();
    for _ in 0..20 {
        identity::check_code(&app, code, "192.0.2.5", t0)
            .await
            .unwrap();
    }
    let guesser = "203.0.113.50";
    for i in 0..10 {
        let guess = identity::check_code(&app, &format!("GUESS-{i}"), guesser, t0).await;
        assert!(
            matches!(guess, Err(IdentityError::UnknownCode)),
            "{guess:?}"
        );
    }
    assert_eq!(
        wait_of(identity::check_code(&app, code, guesser, t0).await),
        900
    );
    assert_eq!(
        wait_of(identity::redeem(&app, code, "a long enough passphrase", guesser, t0).await),
        900
    );
    identity::redeem(&app, code, "a long enough passphrase", "192.0.2.5", t0)
        .await
        .unwrap();
});

// Forgot password: a few links per address and window, then the same answer and no email, so
// that nobody can fill a mailbox or keep its owner from a link; each address may ask a few
// times per window.
both_backends!(
    reset_emails_are_limited_without_refusing_the_owner,
    |db: TestDb| async move {
        let app = app_on(&db);
        let t0 = window_start();
        owner(&app, "fay@example.com", t0).await;
        for i in 0..5 {
            identity::forgot_password(&app, "fay@example.com", &format!("198.51.100.{i}"), t0)
                .await
                .unwrap();
        }
        let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE recipient = 'fay@example.com' AND kind = 'password-reset'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
        assert_eq!(sent, 3);
        let asker = "203.0.113.77";
        for i in 0..10 {
            identity::forgot_password(&app, &format!("u{i}@example.com"), asker, t0)
                .await
                .unwrap();
        }
        assert_eq!(
            wait_of(identity::forgot_password(&app, "fay@example.com", asker, t0).await),
            900
        );
    }
);

// External sign-ins: flows begun and not finished count per address; finished ones do not.
both_backends!(
    finished_external_sign_ins_do_not_count,
    |db: TestDb| async move {
        let app = app_on(&db);
        let t0 = window_start();
        for _ in 0..40 {
            identity::limit_external_sign_in(&app, "192.0.2.9", t0)
                .await
                .unwrap();
            identity::external_sign_in_finished(&app, "192.0.2.9", t0)
                .await
                .unwrap();
        }
        for _ in 0..30 {
            identity::limit_external_sign_in(&app, "203.0.113.3", t0)
                .await
                .unwrap();
        }
        assert_eq!(
            wait_of(identity::limit_external_sign_in(&app, "203.0.113.3", t0).await),
            900
        );
        identity::limit_external_sign_in(&app, "192.0.2.9", t0)
            .await
            .unwrap();
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_password_resets_once_and_ends_every_session() {
    let db = TestDb::sqlite().await;
    let app = app_on(&db);
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
    let app = app_on(&db);
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
    let app = app_on(&db);
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

async fn count(app: &App, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

// An unknown account or contact is "not found" (the person's mistake), not a failure of ours.
both_backends!(
    unknown_accounts_and_contacts_are_not_found,
    |db: TestDb| async move {
        let app = app_on(&db);
        let now = Timestamp::now();
        let roles = [Role::SelfScheduling];
        let err = identity::invite_account(&app, AccountId(987_654), &roles, None, now)
            .await
            .unwrap_err();
        assert!(matches!(err, IdentityError::NotFound), "{err:?}");
        let err = identity::invite(
            &app,
            ContactId(987_654),
            &roles,
            None,
            InviteMode::Manual,
            now,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, IdentityError::NotFound), "{err:?}");
        assert!(!err.is_internal());
    }
);

// Inviting every contact of an account is one transaction: when one invitation fails part-way,
// none is made, no email is queued and no address is remembered as invited; once the fault is
// gone, every contact is invited.
both_backends!(
    a_failure_part_way_through_a_bulk_invitation_leaves_nothing,
    |db: TestDb| async move {
        let app = app_on(&db);
        let now = Timestamp::now();
        let acme = account(&app, true).await;
        // Contacts are invited by last name: "Silva" for all three, then by first name (all
        // "Ana"), then by id: the failing one is the second.
        contact(&app, acme, "first@example.com").await;
        contact(&app, acme, "boom@example.com").await;
        contact(&app, acme, "last@example.com").await;
        refuse_inserts(&app.store, "invitations", "NEW.email = 'boom@example.com'").await;
        let err = identity::invite_account(&app, acme, &[Role::SelfScheduling], None, now)
            .await
            .unwrap_err();
        assert!(err.is_internal(), "{err:?}");
        for table in [
            "invitations",
            "invited_emails",
            "email_outbox",
            "audit_events",
        ] {
            assert_eq!(count(&app, table).await, 0, "{table}");
        }
        allow_inserts(&app.store, "invitations").await;
        let bulk = identity::invite_account(&app, acme, &[Role::SelfScheduling], None, now)
            .await
            .unwrap();
        assert_eq!(bulk.invited.len(), 3);
        assert_eq!(count(&app, "invitations").await, 3);
        assert_eq!(count(&app, "email_outbox").await, 3);
    }
);
