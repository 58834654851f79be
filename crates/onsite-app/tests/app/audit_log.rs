//! The administrators' audit log against a fresh database: the filters (person, record kind,
//! record, days in a time zone), keyset pages forward and back, and who may read it.

use crate::app_on;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_app::audit_log::{self, FilterInput, PAGE_SIZE};
use onsite_app::policy::{Admin, Principal};
use onsite_domain::UserId;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_store::Conn;
use onsite_store::accounts::{self, NewUser};
use onsite_store::audit::{self, AuditFilter};
use onsite_store::records::Start;
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;

fn principal(user: UserId, role: Role) -> Principal {
    Principal {
        user_id: user,
        roles: vec![role],
        account_id: None,
        technician_id: None,
    }
}

async fn user(conn: &mut Conn, email: &str, name: &str, role: Role) -> UserId {
    let email = EmailAddress::parse(email).unwrap();
    accounts::insert_user(
        conn,
        &NewUser {
            email: &email,
            password_hash: None,
            display_name: name,
            language: None,
            contact_id: None,
            roles: &[role],
        },
    )
    .await
    .unwrap()
}

/// Records an event at `at` (the log stamps the present; the test moves it).
async fn event_at(
    conn: &mut Conn,
    at: Timestamp,
    actor: Option<UserId>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
) -> i64 {
    let detail = serde_json::json!({ "from": 1, "to": 2 });
    let id = audit::record(conn, actor, action, entity, entity_id, &detail)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET at = $1 WHERE id = $2")
        .bind(at.as_millisecond())
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .unwrap();
    id.0
}

fn filter(input: FilterInput<'_>) -> AuditFilter {
    audit_log::parse_filter(input, &TimeZone::UTC).unwrap()
}

both_backends!(
    administrators_page_through_the_filtered_audit_log,
    |db: TestDb| async move {
        let app = app_on(&db);
        let mut conn = app.store.conn().await.unwrap();
        let ada = user(&mut conn, "ada@example.com", "Ada Admin", Role::Admin).await;
        let dee = user(
            &mut conn,
            "dee@example.com",
            "Dee Dispatch",
            Role::Dispatcher,
        )
        .await;
        let base: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let hour = jiff::SignedDuration::from_hours(1);
        // Ada: 120 visits, one an hour; Dee: settings in between; the system: a work order.
        let mut ada_events = Vec::new();
        for i in 0..120 {
            let at = base + hour * i;
            ada_events.push(
                event_at(
                    &mut conn,
                    at,
                    Some(ada),
                    "booking.create",
                    "booking",
                    Some(i.into()),
                )
                .await,
            );
            if i % 12 == 0 {
                event_at(&mut conn, at, Some(dee), "setting.update", "setting", None).await;
                event_at(
                    &mut conn,
                    at,
                    None,
                    "work_order.update",
                    "work_order",
                    Some(7),
                )
                .await;
            }
        }
        drop(conn);
        let admin: Admin = principal(ada, Role::Admin).grant().unwrap();
        let ada_id = ada.0.to_string();

        // Ada's visits, newest first, 50 a page: forward to the end, then back.
        let mine = filter(FilterInput {
            person: &ada_id,
            entity: "booking",
            ..FilterInput::default()
        });
        let mut pages = Vec::new();
        let mut start = Start::First;
        loop {
            let log = audit_log::audit_log(&app, admin, mine.clone(), start)
                .await
                .unwrap();
            let ids: Vec<i64> = log.entries.items.iter().map(|e| e.event.id.0).collect();
            assert!(log.entries.items.iter().all(|e| e.event.actor == Some(ada)
                && e.actor_name.as_deref() == Some("Ada Admin")
                && e.actor_email.as_deref() == Some("ada@example.com")));
            assert_eq!(log.entries.prev.is_some(), !pages.is_empty());
            pages.push((ids, log.entries.clone()));
            match log.entries.next {
                Some(next) => start = audit::page_start(next.as_str()).unwrap(),
                None => break,
            }
        }
        assert_eq!(
            pages.iter().map(|(ids, _)| ids.len()).collect::<Vec<_>>(),
            [PAGE_SIZE as usize, PAGE_SIZE as usize, 20]
        );
        let all: Vec<i64> = pages.iter().flat_map(|(ids, _)| ids.clone()).collect();
        let mut newest_first = ada_events.clone();
        newest_first.reverse();
        assert_eq!(
            all, newest_first,
            "every one of Ada's events once, newest first"
        );
        // Previous from the last page is the second page again, and from there the first.
        let prev = pages[2].1.prev.clone().unwrap();
        let back = audit_log::audit_log(
            &app,
            admin,
            mine.clone(),
            audit::page_start(prev.as_str()).unwrap(),
        )
        .await
        .unwrap();
        let back_ids: Vec<i64> = back.entries.items.iter().map(|e| e.event.id.0).collect();
        assert_eq!(back_ids, pages[1].0);
        let prev = back.entries.prev.unwrap();
        let first = audit_log::audit_log(
            &app,
            admin,
            mine.clone(),
            audit::page_start(prev.as_str()).unwrap(),
        )
        .await
        .unwrap();
        let first_ids: Vec<i64> = first.entries.items.iter().map(|e| e.event.id.0).collect();
        assert_eq!(first_ids, pages[0].0);
        assert!(
            first.entries.prev.is_none(),
            "nothing is newer than the first page"
        );

        // Another person's entries are not Ada's: Dee's settings only.
        let dee_id = dee.0.to_string();
        let dees = audit_log::audit_log(
            &app,
            admin,
            filter(FilterInput {
                person: &dee_id,
                ..FilterInput::default()
            }),
            Start::First,
        )
        .await
        .unwrap();
        assert_eq!(dees.entries.items.len(), 10);
        assert!(
            dees.entries
                .items
                .iter()
                .all(|e| e.event.actor == Some(dee) && e.event.entity == "setting")
        );
        assert!(
            dees.people
                .iter()
                .any(|(id, name, _)| *id == dee && name == "Dee Dispatch")
        );

        // One record's history: the system's edits of work order 7 (and not booking 7).
        let work_order = audit_log::audit_log(
            &app,
            admin,
            filter(FilterInput {
                entity: "work_order",
                id: "7",
                ..FilterInput::default()
            }),
            Start::First,
        )
        .await
        .unwrap();
        assert_eq!(work_order.entries.items.len(), 10);
        assert!(
            work_order
                .entries
                .items
                .iter()
                .all(|e| e.event.actor.is_none()
                    && e.event.entity == "work_order"
                    && e.event.entity_id == Some(7)
                    && e.actor_name.is_none())
        );

        // One day, in the reader's time zone: 2 March in UTC is hours 12..36 after the base;
        // in New York (UTC-5) it starts five hours later.
        let day = FilterInput {
            person: &ada_id,
            from: "2026-03-02",
            to: "2026-03-02",
            ..FilterInput::default()
        };
        let utc = audit_log::audit_log(&app, admin, filter(day), Start::First)
            .await
            .unwrap();
        assert_eq!(utc.entries.items.len(), 24);
        assert_eq!(utc.entries.items.last().unwrap().event.id.0, ada_events[12]);
        let new_york = TimeZone::get("America/New_York").unwrap();
        let ny = audit_log::parse_filter(day, &new_york).unwrap();
        let ny = audit_log::audit_log(&app, admin, ny, Start::First)
            .await
            .unwrap();
        assert_eq!(ny.entries.items.len(), 24);
        assert_eq!(ny.entries.items.last().unwrap().event.id.0, ada_events[17]);
        assert_eq!(ny.entries.items.first().unwrap().event.id.0, ada_events[40]);

        // Unreadable filters are refused naming their field.
        let refused = |input: FilterInput<'static>| {
            audit_log::parse_filter(input, &TimeZone::UTC)
                .unwrap_err()
                .field
        };
        assert_eq!(
            refused(FilterInput {
                id: "7",
                ..FilterInput::default()
            }),
            "id"
        );
        assert_eq!(
            refused(FilterInput {
                entity: "spaceship",
                ..FilterInput::default()
            }),
            "entity"
        );
        assert_eq!(
            refused(FilterInput {
                entity: "user",
                id: "x",
                ..FilterInput::default()
            }),
            "id"
        );
        assert_eq!(
            refused(FilterInput {
                person: "-3",
                ..FilterInput::default()
            }),
            "person"
        );
        assert_eq!(
            refused(FilterInput {
                from: "2026-02-30",
                ..FilterInput::default()
            }),
            "from"
        );
        assert_eq!(
            refused(FilterInput {
                to: "yesterday",
                ..FilterInput::default()
            }),
            "to"
        );
        assert_eq!(
            refused(FilterInput {
                from: "2026-03-05",
                to: "2026-03-01",
                ..FilterInput::default()
            }),
            "to"
        );
        assert!(audit::page_start("forged").is_err());

        // Only administrators get the grant that reads the log.
        for role in [
            Role::Dispatcher,
            Role::Technician,
            Role::SelfScheduling,
            Role::Partner,
        ] {
            assert!(principal(dee, role).grant::<Admin>().is_none(), "{role:?}");
        }
    }
);
