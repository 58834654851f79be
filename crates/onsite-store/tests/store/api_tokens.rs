//! API tokens in the store: found by their secret's hash with their creator, listed without
//! any secret, revoked once, their last use written at most once per interval; and the audit
//! log naming the token a change was made with.

use jiff::{SignedDuration, Timestamp};
use onsite_domain::api_token::Scopes;
use onsite_domain::role::Role;
use onsite_store::api_tokens::{self, NewToken};
use onsite_store::{Store, audit};
use onsite_testkit::both_backends;
use onsite_testkit::fixtures;

both_backends!(
    tokens_are_found_by_hash_listed_revoked_and_touched,
    |store: Store| async move {
        let t0 = Timestamp::from_second(1_800_000_000).unwrap();
        let mut conn = store.conn().await.unwrap();
        let admin = fixtures::user(&mut conn, "ada@staff.test", "Ada", None, &[Role::Admin]).await;
        let scopes = Scopes::parse("bookings:write settings:read").unwrap();
        let id = api_tokens::insert(
            &mut conn,
            &NewToken {
                name: "ERP",
                secret_hash: "ab".repeat(32).as_str(),
                scopes: &scopes,
                created_by: admin,
                now: t0,
                expires_at: Some(t0 + SignedDuration::from_hours(24)),
            },
        )
        .await
        .unwrap();
        let found = api_tokens::presented(&mut conn, &"ab".repeat(32))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, found.name.as_str()), (id, "ERP"));
        assert_eq!(found.scopes, scopes);
        assert_eq!(found.creator.id, admin);
        assert_eq!(found.creator.roles, [Role::Admin]);
        assert!(found.last_used_at.is_none() && found.revoked_at.is_none());
        assert!(
            api_tokens::presented(&mut conn, &"cd".repeat(32))
                .await
                .unwrap()
                .is_none()
        );

        api_tokens::touch(&mut conn, id, t0, SignedDuration::from_secs(60))
            .await
            .unwrap();
        let soon = t0 + SignedDuration::from_secs(10);
        api_tokens::touch(&mut conn, id, soon, SignedDuration::from_secs(60))
            .await
            .unwrap();
        let listed = api_tokens::list(&mut conn).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_used_at, Some(t0), "once a minute at most");
        assert_eq!(listed[0].created_by_name, "Ada");
        let later = t0 + SignedDuration::from_secs(90);
        api_tokens::touch(&mut conn, id, later, SignedDuration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            api_tokens::get(&mut conn, id)
                .await
                .unwrap()
                .unwrap()
                .last_used_at,
            Some(later)
        );

        assert!(api_tokens::revoke(&mut conn, id, later).await.unwrap());
        assert!(
            !api_tokens::revoke(&mut conn, id, later).await.unwrap(),
            "once"
        );
        assert!(!api_tokens::revoke(&mut conn, id + 1, later).await.unwrap());
        assert_eq!(
            api_tokens::presented(&mut conn, &"ab".repeat(32))
                .await
                .unwrap()
                .unwrap()
                .revoked_at,
            Some(later)
        );
    }
);

both_backends!(
    audit_lines_name_the_token_only_within_its_request,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let detail = serde_json::json!({});
        audit::with_token("ERP".to_owned(), async {
            audit::record(&mut conn, None, "test.token", "test", None, &detail)
                .await
                .unwrap();
        })
        .await;
        audit::record(&mut conn, None, "test.session", "test", None, &detail)
            .await
            .unwrap();
        let events = audit::recent(&mut conn, 2).await.unwrap();
        assert_eq!(events[0].action, "test.session");
        assert_eq!(events[0].via_token, None);
        assert_eq!(events[1].action, "test.token");
        assert_eq!(events[1].via_token.as_deref(), Some("ERP"));
    }
);
