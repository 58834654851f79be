//! Grouped write transactions (`Store::turn`), on both engines: a kept turn is committed and
//! visible to every connection when `keep` returns, a discarded or failed one leaves nothing,
//! and a writer that goes away mid-turn (a cancelled request) neither commits its work nor
//! leaves the database locked; a failed group commit gives each member the database's own
//! error, whose kind tells a busy database from a bug.

use onsite_store::{Backend, Store, StoreError, StoreErrorKind, audit};
use onsite_testkit::both_backends;
use std::time::Duration;

async fn rows(store: &Store, entity_id: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'group.test' \
         AND ($1 = -1 OR entity_id = $1)",
    )
    .bind(entity_id.unwrap_or(-1))
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn write(turn: &mut onsite_store::Turn, i: i64) {
    audit::record(
        turn,
        None,
        "group.test",
        "group",
        Some(i),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
}

both_backends!(
    kept_turns_are_durable_when_answered_and_the_others_leave_nothing,
    |store: Store| async move {
        let mut tasks = Vec::new();
        for i in 0..60i64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut turn = store.turn().await.unwrap();
                write(&mut turn, i).await;
                match i % 3 {
                    0 => {
                        turn.keep().await.unwrap();
                        // Answered: committed, seen from any other connection.
                        assert_eq!(rows(&store, Some(i)).await, 1);
                    }
                    1 => turn.discard().await.unwrap(),
                    _ => {
                        // A failing statement; the error path drops the turn.
                        let failed = sqlx::query("SELECT nothing FROM no_such_table")
                            .execute(&mut *turn)
                            .await;
                        assert!(failed.is_err());
                        drop(turn);
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(rows(&store, None).await, 20);
        let kept: Vec<i64> = sqlx::query_scalar(
            "SELECT entity_id FROM audit_events WHERE action = 'group.test' ORDER BY entity_id",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        assert!(kept.iter().all(|i| i % 3 == 0), "{kept:?}");
    }
);

both_backends!(
    a_writer_cancelled_mid_turn_commits_nothing_and_blocks_nobody,
    |store: Store| async move {
        let held = {
            let store = store.clone();
            tokio::spawn(async move {
                let mut turn = store.turn().await.unwrap();
                write(&mut turn, 1).await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
                turn.keep().await.unwrap();
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        held.abort();
        let _ = held.await;
        let next = tokio::time::timeout(Duration::from_secs(10), async {
            let mut turn = store.turn().await.unwrap();
            write(&mut turn, 2).await;
            turn.keep().await.unwrap();
        })
        .await;
        assert!(next.is_ok(), "the next writer waited for the cancelled one");
        assert_eq!(rows(&store, Some(1)).await, 0);
        assert_eq!(rows(&store, Some(2)).await, 1);
        // Plain transactions get the write lock too (nothing left open).
        let mut tx = tokio::time::timeout(Duration::from_secs(10), store.begin())
            .await
            .expect("the write lock is free")
            .unwrap();
        write_tx(&mut tx).await;
        tx.commit().await.unwrap();
    }
);

async fn write_tx(tx: &mut onsite_store::Tx) {
    audit::record(
        tx,
        None,
        "group.test",
        "group",
        Some(3),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
}

both_backends!(
    plain_transactions_get_the_write_lock_while_groups_run_back_to_back,
    |store: Store| async move {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut flood = Vec::new();
        for i in 0..32i64 {
            let (store, stop) = (store.clone(), stop.clone());
            flood.push(tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut turn = store.turn().await.unwrap();
                    write(&mut turn, 100 + i).await;
                    // A booking's work inside the lock takes a few milliseconds.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    turn.keep().await.unwrap();
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        for _ in 0..5 {
            let started = std::time::Instant::now();
            let mut tx = store.begin().await.unwrap();
            write_tx(&mut tx).await;
            tx.commit().await.unwrap();
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "a plain transaction waited {:?} for the write lock",
                started.elapsed()
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in flood {
            t.await.unwrap();
        }
        assert_eq!(rows(&store, Some(3)).await, 5);
    }
);

/// Whether the rows of `entity_ids` are there, each.
async fn present(store: &Store, entity_ids: &[i64]) -> Vec<bool> {
    let mut found = Vec::new();
    for &i in entity_ids {
        found.push(rows(store, Some(i)).await > 0);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_group_commit_gives_every_member_the_same_typed_error() {
    let db = onsite_store::testing::TestDb::sqlite().await;
    let store = db.store().clone();
    // The first member holds the group open while two more queue behind it.
    let mut first = store.turn().await.unwrap();
    let mut members = Vec::new();
    for i in [11, 12] {
        let store = store.clone();
        members.push(tokio::spawn(async move {
            let mut turn = store.turn().await.unwrap();
            write(&mut turn, i).await;
            turn.keep().await
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A write whose foreign key SQLite checks only at COMMIT (no such user): the group's
    // commit fails.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *first)
        .await
        .unwrap();
    audit::record(
        &mut first,
        Some(onsite_domain::UserId(999_999)),
        "group.test",
        "group",
        Some(10),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    let failed = first.keep().await.unwrap_err();
    let mut errors = vec![failed];
    for m in members {
        errors.push(m.await.unwrap().unwrap_err());
    }
    for e in &errors {
        // The database's own error, for each member: its kind is kept (a row referred to is
        // missing: a conflict, not a bug).
        assert_eq!(e.classify(), StoreErrorKind::Conflict, "{e:?}");
        assert!(matches!(e, StoreError::Database(_)), "{e:?}");
        assert_eq!(e.to_string(), errors[0].to_string());
    }
    assert_eq!(present(&store, &[10, 11, 12]).await, [false; 3]);
    // The next group commits.
    let mut turn = store.turn().await.unwrap();
    write(&mut turn, 13).await;
    turn.keep().await.unwrap();
    assert_eq!(present(&store, &[13]).await, [true]);
}

both_backends!(
    store_errors_tell_a_busy_database_from_a_bug,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let bug = sqlx::query("SELECT nothing FROM no_such_table")
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)
            .unwrap_err();
        assert_eq!(bug.classify(), StoreErrorKind::Internal, "{bug:?}");

        // One connection holds the lock another wants, which gives up at once.
        let mut holder = store.begin().await.unwrap();
        write_tx(&mut holder).await;
        let mut impatient = store.conn().await.unwrap().detach();
        let busy = match store.backend() {
            Backend::Sqlite => {
                sqlx::query("PRAGMA busy_timeout = 0")
                    .execute(&mut impatient)
                    .await
                    .unwrap();
                sqlx::query("BEGIN IMMEDIATE")
                    .execute(&mut impatient)
                    .await
                    .map_err(StoreError::from)
                    .unwrap_err()
            }
            Backend::Postgres => {
                sqlx::query("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE")
                    .execute(&mut *holder)
                    .await
                    .unwrap();
                sqlx::query("SET lock_timeout = '50ms'")
                    .execute(&mut impatient)
                    .await
                    .unwrap();
                sqlx::query("SELECT COUNT(*) FROM audit_events")
                    .execute(&mut impatient)
                    .await
                    .map_err(StoreError::from)
                    .unwrap_err()
            }
        };
        assert_eq!(busy.classify(), StoreErrorKind::Busy, "{busy:?}");
        holder.rollback().await.unwrap();
    }
);
