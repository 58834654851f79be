//! Grouped write transactions (`Store::turn`), on both engines: a kept turn is committed and
//! visible to every connection when `keep` returns, a discarded or failed one leaves nothing,
//! and a writer that goes away mid-turn (a cancelled request) neither commits its work nor
//! leaves the database locked.

use onsite_store::{Store, audit};
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
