//! Customers in the back office against a fresh database, on both engines: accounts created
//! and edited with their territory following the address, contacts with their addresses kept
//! apart from other people's, deactivation and what it stops (invitations, redemption, the
//! portal user's sessions), revoking an invitation through to the real redeem path, stale
//! saves refused, bad input named, and an audit line for every change.

use crate::app_on;
use crate::catalog::{dispatcher, history};
use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::customers::{self, AccountInput, ContactInput, CustomerError};
use onsite_app::identity::{self, IdentityError, InviteMode};
use onsite_app::policy::Staff;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, TerritoryId};
use onsite_store::accounts;
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::point;
use serde_json::json;

const PASSWORD: &str = "a long enough passphrase";

fn plateau_input() -> AccountInput {
    AccountInput {
        name: "  Boulangerie Fabre ".into(),
        address_line: "4301 Rue Saint-Denis".into(),
        city: "Montréal".into(),
        postal_code: "h2j 2k9".into(),
        country: "ca".into(),
        location: point(45.5226, -73.5831),
        time_zone: "America/Toronto".into(),
        notes: "Delivery door at the back".into(),
    }
}

async fn territory(app: &App, name: &str, prefix: &str) -> TerritoryId {
    territories::insert_territory(
        &mut app.store.conn().await.unwrap(),
        &NewTerritory {
            name,
            postal_prefixes: &[PostalPrefix::parse(prefix).unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap()
}

fn field(result: Result<impl std::fmt::Debug, CustomerError>) -> &'static str {
    match result {
        Err(CustomerError::Invalid(i)) => i.field,
        Err(CustomerError::EmailTaken { .. } | CustomerError::EmailOfUser) => "email",
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

async fn version(app: &App, id: AccountId) -> i64 {
    accounts::account(&mut app.store.conn().await.unwrap(), id)
        .await
        .unwrap()
        .version
}

both_backends!(
    an_account_is_created_and_edited_and_its_territory_follows_its_address,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let plateau = territory(&app, "Plateau", "H2J").await;
        // Covers the same postal codes, made later: the first by id wins.
        territory(&app, "Montréal", "H").await;

        let id = customers::create_account(&app, staff, AccountKind::Customer, &plateau_input())
            .await
            .unwrap();
        let made = customers::account(&app, staff, id).await.unwrap();
        let a = &made.account;
        assert_eq!(
            (
                a.name.as_str(),
                a.kind,
                a.active,
                a.address.postal_code.as_str(),
                a.address.country.as_str(),
                a.territory_id,
                a.version
            ),
            (
                "Boulangerie Fabre",
                AccountKind::Customer,
                true,
                "H2J 2K9",
                "CA",
                Some(plateau),
                1
            )
        );
        assert_eq!(made.territory.as_deref(), Some("Plateau"));
        let lines = history(&app, "account", id.0).await;
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0, "account.create");
        assert_eq!(lines[0].1["territory"], "Plateau");
        assert_eq!(lines[0].1["kind"], "customer");
        assert_eq!(lines[0].1["notes"], "Delivery door at the back");

        // Moved to Québec City: no territory covers it.
        let moved = AccountInput {
            address_line: "1 Rue des Carrières".into(),
            city: "Québec".into(),
            postal_code: "G1R 4P5".into(),
            location: point(46.8139, -71.2080),
            ..plateau_input()
        };
        customers::update_account(&app, staff, id, 1, &moved)
            .await
            .unwrap();
        let after = customers::account(&app, staff, id).await.unwrap();
        assert_eq!((after.account.territory_id, after.territory), (None, None));
        assert_eq!(after.account.version, 2);
        let lines = history(&app, "account", id.0).await;
        assert_eq!(lines[1].0, "account.update");
        let detail = &lines[1].1;
        assert_eq!(
            detail["territory"],
            json!({ "from": "Plateau", "to": null })
        );
        assert_eq!(
            detail["city"],
            json!({ "from": "Montréal", "to": "Québec" })
        );
        assert!(detail.get("name").is_none(), "only what changed: {detail}");
        // The same again changes nothing and records nothing.
        customers::update_account(&app, staff, id, 2, &moved)
            .await
            .unwrap();
        assert_eq!(version(&app, id).await, 2);
        assert_eq!(history(&app, "account", id.0).await.len(), 2);

        // A second member of staff saving from version 1: refused, nothing written.
        let stale = AccountInput {
            name: "Mine".into(),
            ..plateau_input()
        };
        assert!(matches!(
            customers::update_account(&app, staff, id, 1, &stale).await,
            Err(CustomerError::Changed)
        ));
        assert!(matches!(
            customers::set_account_active(&app, staff, id, 1, false).await,
            Err(CustomerError::Changed)
        ));
        assert_eq!(
            customers::account(&app, staff, id)
                .await
                .unwrap()
                .account
                .name,
            "Boulangerie Fabre"
        );

        // Bad input: named, nothing changes.
        for (input, named) in [
            (
                AccountInput {
                    name: " ".into(),
                    ..moved.clone()
                },
                "name",
            ),
            (
                AccountInput {
                    address_line: "".into(),
                    ..moved.clone()
                },
                "address_line",
            ),
            (
                AccountInput {
                    city: "a\u{7}b".into(),
                    ..moved.clone()
                },
                "city",
            ),
            (
                AccountInput {
                    postal_code: "G1R;4P5".into(),
                    ..moved.clone()
                },
                "postal_code",
            ),
            (
                AccountInput {
                    country: "Canada".into(),
                    ..moved.clone()
                },
                "country",
            ),
            (
                AccountInput {
                    time_zone: "Mars/Olympus".into(),
                    ..moved.clone()
                },
                "time_zone",
            ),
            (
                AccountInput {
                    time_zone: "".into(),
                    ..moved.clone()
                },
                "time_zone",
            ),
            (
                AccountInput {
                    notes: "n".repeat(4001),
                    ..moved.clone()
                },
                "notes",
            ),
        ] {
            assert_eq!(
                field(customers::update_account(&app, staff, id, 2, &input).await),
                named
            );
            assert_eq!(
                field(customers::create_account(&app, staff, AccountKind::Partner, &input).await),
                named
            );
        }
        assert_eq!(version(&app, id).await, 2);
        assert!(matches!(
            customers::update_account(&app, staff, AccountId(987_654), 1, &moved).await,
            Err(CustomerError::Store(onsite_store::StoreError::NotFound))
        ));

        // Deactivated, then reactivated: each audited, nothing recorded when nothing changes.
        customers::set_account_active(&app, staff, id, 2, false)
            .await
            .unwrap();
        customers::set_account_active(&app, staff, id, 3, false)
            .await
            .unwrap();
        customers::set_account_active(&app, staff, id, 3, true)
            .await
            .unwrap();
        let actions: Vec<String> = history(&app, "account", id.0)
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            actions,
            [
                "account.create",
                "account.update",
                "account.deactivate",
                "account.activate"
            ]
        );
        let deactivated = &history(&app, "account", id.0).await[2].1;
        assert_eq!(
            deactivated,
            &json!({ "active": { "from": true, "to": false } })
        );
    }
);

both_backends!(
    an_account_saved_while_a_territory_is_being_saved_lands_in_that_territory,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        // A territory save in progress: it holds the coverage lock and has not committed.
        let mut saving = app.store.begin().await.unwrap();
        territories::lock_coverage(&mut saving).await.unwrap();
        let plateau = territories::insert_territory(
            &mut saving,
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
                polygon: None,
            },
        )
        .await
        .unwrap();
        // Meanwhile an account is created at an address it covers: the save waits for the
        // territory's, instead of computing its territory without it.
        let creating = tokio::spawn({
            let app = app.clone();
            async move {
                customers::create_account(&app, staff, AccountKind::Customer, &plateau_input())
                    .await
                    .unwrap()
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !creating.is_finished(),
            "the account save waits for the lock"
        );
        saving.commit().await.unwrap();
        let id = creating.await.unwrap();
        let made = customers::account(&app, staff, id).await.unwrap();
        assert_eq!(made.account.territory_id, Some(plateau));

        // The same for an edit: the address moves into a territory being saved.
        let elsewhere = AccountInput {
            postal_code: "G1R 4P5".into(),
            ..plateau_input()
        };
        let seen = version(&app, id).await;
        customers::update_account(&app, staff, id, seen, &elsewhere)
            .await
            .unwrap();
        assert_eq!(
            customers::account(&app, staff, id)
                .await
                .unwrap()
                .account
                .territory_id,
            None
        );
        let mut saving = app.store.begin().await.unwrap();
        territories::lock_coverage(&mut saving).await.unwrap();
        let quebec = territories::insert_territory(
            &mut saving,
            &NewTerritory {
                name: "Québec",
                postal_prefixes: &[PostalPrefix::parse("G1R").unwrap()],
                polygon: None,
            },
        )
        .await
        .unwrap();
        let seen = version(&app, id).await;
        let editing = tokio::spawn({
            let app = app.clone();
            async move {
                let notes = AccountInput {
                    notes: "Side entrance".into(),
                    ..elsewhere
                };
                customers::update_account(&app, staff, id, seen, &notes)
                    .await
                    .unwrap();
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !editing.is_finished(),
            "the account edit waits for the lock"
        );
        saving.commit().await.unwrap();
        editing.await.unwrap();
        assert_eq!(
            customers::account(&app, staff, id)
                .await
                .unwrap()
                .account
                .territory_id,
            Some(quebec)
        );
    }
);

/// A customer account and one contact of it, made by staff.
async fn account_with_contact(app: &App, staff: Staff, email: &str) -> (AccountId, ContactId) {
    let account = customers::create_account(app, staff, AccountKind::Customer, &plateau_input())
        .await
        .unwrap();
    let contact = customers::create_contact(app, staff, account, &ana(email))
        .await
        .unwrap();
    (account, contact)
}

fn ana(email: &str) -> ContactInput {
    ContactInput {
        first_name: " Ana ".into(),
        last_name: "Silva".into(),
        email: email.into(),
        phone: "+1 514 555 0123".into(),
        language: "fr".into(),
        web_roles: vec![Role::SelfScheduling, Role::CustomerReviewer],
    }
}

async fn contact_version(app: &App, id: ContactId) -> i64 {
    accounts::contact(&mut app.store.conn().await.unwrap(), id)
        .await
        .unwrap()
        .version
}

/// Invites the contact with `roles` and redeems the code: the new portal user's session token.
async fn redeemed(app: &App, contact: ContactId, roles: &[Role], now: Timestamp) -> String {
    let invited = identity::invite(app, contact, roles, None, InviteMode::Manual, now)
        .await
        .unwrap();
    let issued = identity::redeem(app, invited.code.expose(), PASSWORD, "10.0.0.1", now)
        .await
        .unwrap();
    issued.token.expose().to_owned()
}

both_backends!(
    contacts_keep_their_own_address_and_their_portal_user_follows_them,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (me, staff) = dispatcher(&app).await;
        let now = Timestamp::now();
        let (account, ana_id) = account_with_contact(&app, staff, "Ana@Fabre.test").await;
        let contact = customers::contact(&app, staff, ana_id).await.unwrap();
        assert_eq!(
            (
                contact.contact.first_name.as_str(),
                contact.contact.email.as_str(),
                contact.contact.language.as_deref(),
                contact.web_roles(),
                contact.user.is_none(),
            ),
            (
                "Ana",
                "ana@fabre.test",
                Some("fr"),
                vec![Role::SelfScheduling, Role::CustomerReviewer],
                true
            )
        );
        let created = &history(&app, "contact", ana_id.0).await[0];
        assert_eq!(created.0, "contact.create");
        assert_eq!(created.1["account"], account.0);
        assert_eq!(
            created.1["web_roles"],
            json!(["self-scheduling", "fs-customer-reviewer"])
        );

        // Refused, naming the field, nothing made: another active contact's address (any
        // case), a staff user's, roles of the other kind, a language the portal lacks.
        let before = history(&app, "contact", 0).await.len();
        let taken = customers::create_contact(&app, staff, account, &ana("ANA@fabre.test")).await;
        match &taken {
            Err(CustomerError::EmailTaken { contact, account }) => {
                assert_eq!(
                    (contact.as_str(), account.as_str()),
                    ("Ana Silva", "Boulangerie Fabre")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(field(taken), "email");
        assert_eq!(
            field(
                customers::create_contact(&app, staff, account, &ana("dispatch@example.com")).await
            ),
            "email"
        );
        for (input, named) in [
            (
                ContactInput {
                    last_name: "".into(),
                    ..ana("x@fabre.test")
                },
                "last_name",
            ),
            (
                ContactInput {
                    email: "not an address".into(),
                    ..ana("")
                },
                "email",
            ),
            (
                ContactInput {
                    phone: "call me".into(),
                    ..ana("x@fabre.test")
                },
                "phone",
            ),
            (
                ContactInput {
                    language: "de".into(),
                    ..ana("x@fabre.test")
                },
                "language",
            ),
            (
                ContactInput {
                    web_roles: vec![Role::Partner],
                    ..ana("x@fabre.test")
                },
                "web_roles",
            ),
            (
                ContactInput {
                    web_roles: vec![Role::Admin],
                    ..ana("x@fabre.test")
                },
                "web_roles",
            ),
        ] {
            assert_eq!(
                field(customers::create_contact(&app, staff, account, &input).await),
                named
            );
        }
        assert_eq!(history(&app, "contact", 0).await.len(), before);
        assert_eq!(
            accounts::contacts_of_account(&mut app.store.conn().await.unwrap(), account)
                .await
                .unwrap()
                .len(),
            1
        );

        // Ana redeems an invitation: her portal user starts in her language.
        let token = redeemed(&app, ana_id, &[Role::SelfScheduling], now).await;
        let contact = customers::contact(&app, staff, ana_id).await.unwrap();
        let user = contact.user.clone().expect("a portal user");
        assert_eq!(user.language.as_deref(), Some("fr"));
        assert_eq!(contact.web_roles(), [Role::SelfScheduling]);

        // Saving her contact gives her user the roles and the address; her pending codes would
        // go (she has none left: hers was redeemed).
        let v = contact_version(&app, ana_id).await;
        let edit = ContactInput {
            email: "ana.silva@fabre.test".into(),
            web_roles: vec![Role::CustomerApprover, Role::SelfScheduling],
            ..ana("")
        };
        customers::update_contact(&app, staff, ana_id, v, &edit, now)
            .await
            .unwrap();
        let user = accounts::user_by_id(&mut app.store.conn().await.unwrap(), user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.email.as_str(), "ana.silva@fabre.test");
        assert_eq!(user.roles, [Role::SelfScheduling, Role::CustomerApprover]);
        let updated = history(&app, "contact", ana_id.0).await.pop().unwrap();
        assert_eq!(updated.0, "contact.update");
        assert_eq!(
            updated.1,
            json!({
                "email": { "from": "ana@fabre.test", "to": "ana.silva@fabre.test" },
                "web_roles": {
                    "from": ["self-scheduling"],
                    "to": ["self-scheduling", "fs-customer-approver"],
                },
            })
        );
        // Her user signs in with the new address.
        assert!(
            identity::sign_in(&app, "ana.silva@fabre.test", PASSWORD, "10.0.0.1", now)
                .await
                .is_ok()
        );
        // A stale save: refused, nothing written.
        assert!(matches!(
            customers::update_contact(&app, staff, ana_id, v, &ana("ana@fabre.test"), now).await,
            Err(CustomerError::Changed)
        ));
        assert_eq!(contact_version(&app, ana_id).await, v + 1);

        // Deactivated: her user is disabled and signed out everywhere, and she cannot be
        // invited; her address is free for another contact.
        customers::set_contact_active(&app, staff, ana_id, v + 1, false, now)
            .await
            .unwrap();
        assert!(
            identity::session(&app, &token, now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            identity::sign_in(&app, "ana.silva@fabre.test", PASSWORD, "10.0.0.1", now).await,
            Err(IdentityError::BadCredentials)
        ));
        let user_lines = history(&app, "user", user.id.0).await;
        assert_eq!(user_lines.last().unwrap().0, "user.disable");
        assert_eq!(
            history(&app, "contact", ana_id.0).await.pop().unwrap(),
            (
                "contact.deactivate".to_owned(),
                json!({ "active": { "from": true, "to": false } })
            )
        );
        let second = customers::create_contact(&app, staff, account, &ana("second@fabre.test"))
            .await
            .unwrap();
        let v2 = contact_version(&app, second).await;
        let moved_in = ContactInput {
            email: "ana.silva@fabre.test".into(),
            ..ana("")
        };
        // Still her user's sign-in: refused for anyone else.
        assert_eq!(
            field(customers::update_contact(&app, staff, second, v2, &moved_in, now).await),
            "email"
        );
        // Reactivated: her user is enabled again.
        customers::set_contact_active(&app, staff, ana_id, v + 2, true, now)
            .await
            .unwrap();
        assert!(
            identity::sign_in(&app, "ana.silva@fabre.test", PASSWORD, "10.0.0.1", now)
                .await
                .is_ok()
        );
        let enabled = history(&app, "user", user.id.0).await.pop().unwrap();
        assert_eq!(enabled.0, "user.enable");
        // Disabling and enabling her user are recorded as the dispatcher's doing.
        let mut conn = app.store.conn().await.unwrap();
        let by: Option<i64> = sqlx::query_scalar(
            "SELECT actor_user_id FROM audit_events WHERE action = 'user.enable' AND entity_id = $1",
        )
        .bind(user.id.0)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(by, Some(me.0));
    }
);

both_backends!(
    a_revoked_or_withdrawn_code_does_not_redeem,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let now = Timestamp::now();
        let (account, ana_id) = account_with_contact(&app, staff, "ana@fabre.test").await;

        // Revoked by staff: the real redeem path refuses it.
        let invited = identity::invite(
            &app,
            ana_id,
            &[Role::SelfScheduling],
            None,
            InviteMode::Manual,
            now,
        )
        .await
        .unwrap();
        // Ana's language is French: so is her invitation.
        let subject: String =
            sqlx::query_scalar("SELECT subject FROM email_outbox WHERE event_key = $1")
                .bind(format!("invitation:{}", invited.invitation_id))
                .fetch_one(&mut *app.store.conn().await.unwrap())
                .await
                .unwrap();
        assert!(
            subject.contains("invitation") && subject.contains("portail"),
            "{subject}"
        );
        let contact = customers::revoke_invitation(&app, staff, invited.invitation_id, now)
            .await
            .unwrap();
        assert_eq!(contact, Some(ana_id));
        assert!(matches!(
            identity::check_code(&app, invited.code.expose(), "10.0.0.1", now).await,
            Err(IdentityError::UsedCode)
        ));
        assert!(matches!(
            identity::redeem(&app, invited.code.expose(), PASSWORD, "10.0.0.1", now).await,
            Err(IdentityError::UsedCode)
        ));
        assert!(matches!(
            customers::revoke_invitation(&app, staff, invited.invitation_id, now).await,
            Err(CustomerError::NotPending)
        ));
        let revoked = history(&app, "invitation", invited.invitation_id).await;
        assert_eq!(
            revoked.last().unwrap(),
            &(
                "invitation.revoke".to_owned(),
                json!({ "contact": ana_id.0, "reason": "staff" })
            )
        );
        let listed = customers::contact(&app, staff, ana_id)
            .await
            .unwrap()
            .invitations;
        assert_eq!(
            listed[0].dates.status(now),
            onsite_store::directory::InvitationStatus::Revoked
        );

        // An expired one is not pending either.
        let old = identity::invite(
            &app,
            ana_id,
            &[Role::SelfScheduling],
            None,
            InviteMode::Manual,
            now,
        )
        .await
        .unwrap();
        let later = now + SignedDuration::from_hours(24 * 400);
        assert!(matches!(
            customers::revoke_invitation(&app, staff, old.invitation_id, later).await,
            Err(CustomerError::NotPending)
        ));

        // The account deactivated: its contacts' codes are withdrawn (the code is kept), and
        // nobody is invited; reactivated, the same code works.
        let fresh = identity::invite(
            &app,
            ana_id,
            &[Role::SelfScheduling],
            None,
            InviteMode::Manual,
            now,
        )
        .await
        .unwrap();
        let v = version(&app, account).await;
        customers::set_account_active(&app, staff, account, v, false)
            .await
            .unwrap();
        assert!(matches!(
            identity::check_code(&app, fresh.code.expose(), "10.0.0.1", now).await,
            Err(IdentityError::WithdrawnCode)
        ));
        assert!(matches!(
            identity::redeem(&app, fresh.code.expose(), PASSWORD, "10.0.0.1", now).await,
            Err(IdentityError::WithdrawnCode)
        ));
        assert!(matches!(
            identity::invite(
                &app,
                ana_id,
                &[Role::SelfScheduling],
                None,
                InviteMode::Manual,
                now
            )
            .await,
            Err(IdentityError::AccountInactive)
        ));
        customers::set_account_active(&app, staff, account, v + 1, true)
            .await
            .unwrap();
        identity::redeem(&app, fresh.code.expose(), PASSWORD, "10.0.0.1", now)
            .await
            .unwrap();

        // A deactivated contact: its pending codes are revoked (each audited), and it cannot
        // be invited, alone or with the account's other contacts.
        let bea = customers::create_contact(&app, staff, account, &ana("bea@fabre.test"))
            .await
            .unwrap();
        let pending = identity::invite(
            &app,
            bea,
            &[Role::SelfScheduling],
            None,
            InviteMode::Manual,
            now,
        )
        .await
        .unwrap();
        let bv = contact_version(&app, bea).await;
        customers::set_contact_active(&app, staff, bea, bv, false, now)
            .await
            .unwrap();
        assert!(matches!(
            identity::redeem(&app, pending.code.expose(), PASSWORD, "10.0.0.1", now).await,
            Err(IdentityError::UsedCode)
        ));
        assert_eq!(
            history(&app, "invitation", pending.invitation_id)
                .await
                .last()
                .unwrap(),
            &(
                "invitation.revoke".to_owned(),
                json!({ "contact": bea.0, "reason": "contact-deactivated" })
            )
        );
        assert!(matches!(
            identity::invite(
                &app,
                bea,
                &[Role::SelfScheduling],
                None,
                InviteMode::Manual,
                now
            )
            .await,
            Err(IdentityError::ContactInactive)
        ));
        let bulk = identity::invite_account(&app, account, &[Role::SelfScheduling], None, now)
            .await
            .unwrap();
        assert!(!bulk.invited.contains(&bea), "{bulk:?}");
    }
);
