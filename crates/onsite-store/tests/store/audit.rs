//! How SQLite runs a page of the audit log: whatever the filter, a walk of one index in order
//! (from the cursor, both ranges bounded), never a sort of the log's rows, so a deep page
//! costs what the first does.

use jiff::Timestamp;
use onsite_domain::UserId;
use onsite_store::Backend;
use onsite_store::audit::{self, AuditFilter};
use onsite_store::records::{Position, SortKey, Start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walks_an_index_of_the_log_for_every_filter() {
    let db = onsite_testkit::TestDb::sqlite().await;
    let mut conn = db.store().conn().await.unwrap();
    let day: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
    let cases = [
        (AuditFilter::default(), "audit_events_at"),
        (
            AuditFilter {
                actor: Some(UserId(3)),
                ..AuditFilter::default()
            },
            "audit_events_actor",
        ),
        (
            AuditFilter {
                entity: Some("booking".into()),
                ..AuditFilter::default()
            },
            "audit_events_kind",
        ),
        (
            AuditFilter {
                entity: Some("work_order".into()),
                entity_id: Some(7),
                from: Some(day),
                ..AuditFilter::default()
            },
            "audit_events_entity",
        ),
        (
            AuditFilter {
                from: Some(day),
                until: Some(day + jiff::SignedDuration::from_hours(24)),
                ..AuditFilter::default()
            },
            "audit_events_at",
        ),
    ];
    let deep = Start::After(Position {
        key: SortKey::Int(day.as_millisecond()),
        id: 25_000,
    });
    for (filter, index) in cases {
        for start in [Start::First, deep.clone()] {
            let plan = audit::explain_page(&mut conn, Backend::Sqlite, &filter, start.clone())
                .await
                .unwrap();
            let text = plan.join("\n");
            // The walks of the log (the primary key lookups after them are the page's rows).
            let searches: Vec<&String> = plan
                .iter()
                .filter(|l| l.contains(" INDEX audit_events"))
                .collect();
            assert!(
                !searches.is_empty() && searches.iter().all(|l| l.contains(index)),
                "{filter:?} {start:?} does not walk {index}:\n{text}"
            );
            for (i, line) in plan.iter().enumerate() {
                if line.contains(" INDEX audit_events") {
                    assert_ne!(
                        plan.get(i + 1).map(String::as_str),
                        Some("USE TEMP B-TREE FOR ORDER BY"),
                        "{filter:?} sorts the log:\n{text}"
                    );
                }
            }
            if start != Start::First {
                assert!(
                    searches.iter().any(|l| l.ends_with("=? AND id<?)")),
                    "{filter:?}: no bounded tie range:\n{text}"
                );
                assert!(
                    searches.iter().any(|l| l.contains("at<?")),
                    "{filter:?}: no bounded key range:\n{text}"
                );
            }
        }
    }
}
