//! Round trips through the repository functions and the portability helpers.

use crate::fixtures::address;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::settings::{self, SettingValue};
use onsite_domain::text::EmailAddress;
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::{StoreError, audit};
use onsite_testkit::both_backends;

both_backends!(
    account_contact_and_user_round_trip,
    |store: onsite_store::Store| async move {
        let mut tx = store.begin().await.unwrap();
        let addr = address();
        let account_id = accounts::insert_account(
            &mut tx,
            &NewAccount {
                kind: AccountKind::Customer,
                name: "Jardin botanique",
                active: true,
                address: &addr,
                territory_id: None,
            },
        )
        .await
        .unwrap();
        let email = EmailAddress::parse("Ana@Example.com").unwrap();
        let contact_id = accounts::insert_contact(
            &mut tx,
            &NewContact {
                account_id,
                first_name: "Ana",
                last_name: "Silva",
                email: &email,
                phone: None,
            },
        )
        .await
        .unwrap();
        accounts::insert_user(
            &mut tx,
            &NewUser {
                email: &email,
                password_hash: None,
                display_name: "Ana Silva",
                language: Some("fr"),
                contact_id: Some(contact_id),
                roles: &[Role::SelfScheduling, Role::CustomerApprover],
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut conn = store.conn().await.unwrap();
        let account = accounts::account(&mut conn, account_id).await.unwrap();
        assert_eq!(account.address, addr);
        assert!(account.active);
        let user = accounts::user_by_email(&mut conn, &email)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.account_id, Some(account_id));
        assert_eq!(
            user.roles,
            vec![Role::SelfScheduling, Role::CustomerApprover]
        );
        assert!(!user.disabled);
        assert!(matches!(
            accounts::account(&mut conn, onsite_domain::AccountId(9999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    duplicate_user_email_is_a_conflict,
    |store: onsite_store::Store| async move {
        let email = EmailAddress::parse("dup@example.com").unwrap();
        let new = NewUser {
            email: &email,
            password_hash: None,
            display_name: "",
            language: None,
            contact_id: None,
            roles: &[],
        };
        let mut conn = store.conn().await.unwrap();
        accounts::insert_user(&mut conn, &new).await.unwrap();
        let err = accounts::insert_user(&mut conn, &new).await.unwrap_err();
        assert!(err.is_conflict(), "{err:?}");
    }
);

both_backends!(
    rolled_back_transaction_leaves_nothing,
    |store: onsite_store::Store| async move {
        let addr = address();
        let mut tx = store.begin().await.unwrap();
        accounts::insert_account(
            &mut tx,
            &NewAccount {
                kind: AccountKind::Partner,
                name: "Gone",
                active: true,
                address: &addr,
                territory_id: None,
            },
        )
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        let mut conn = store.conn().await.unwrap();
        assert_eq!(
            accounts::count_accounts(&mut conn, AccountKind::Partner)
                .await
                .unwrap(),
            0
        );
    }
);

both_backends!(
    settings_default_validate_and_persist,
    |store: onsite_store::Store| async move {
        use onsite_store::settings as s;
        let mut conn = store.conn().await.unwrap();
        assert_eq!(
            s::get(&mut conn, &settings::SLOT_MINUTES).await.unwrap(),
            SettingValue::Integer(30)
        );
        assert!(
            s::set(&mut conn, "distribution/weights/winrate", "7")
                .await
                .unwrap()
                .is_err()
        );
        assert_eq!(
            s::get(&mut conn, &settings::WINRATE_WEIGHT).await.unwrap(),
            SettingValue::Decimal(2.0)
        );
        s::set(&mut conn, "distribution/weights/winrate", "4.5")
            .await
            .unwrap()
            .unwrap();
        s::set(&mut conn, "distribution/weights/winrate", "3")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s::get(&mut conn, &settings::WINRATE_WEIGHT).await.unwrap(),
            SettingValue::Decimal(3.0)
        );
        s::set(&mut conn, "tracking/enabled", "false")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s::get(&mut conn, &settings::TRACKING_ENABLED)
                .await
                .unwrap(),
            SettingValue::Bool(false)
        );
    }
);

both_backends!(
    audit_events_are_listed_newest_first,
    |store: onsite_store::Store| async move {
        let mut conn = store.conn().await.unwrap();
        audit::record(
            &mut conn,
            None,
            "settings.update",
            "setting",
            None,
            &serde_json::json!({"k": 1}),
        )
        .await
        .unwrap();
        audit::record(
            &mut conn,
            None,
            "demo.load",
            "demo",
            Some(7),
            &serde_json::json!({}),
        )
        .await
        .unwrap();
        let events = audit::recent(&mut conn, 10).await.unwrap();
        assert_eq!(
            events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["demo.load", "settings.update"]
        );
        assert_eq!(events[0].entity_id, Some(7));
    }
);
