//! Durability: a process killed with SIGKILL in the middle of writes loses no committed
//! transaction. The writer prints a number only after its commit returned; after the kill,
//! every printed number must be in the database.

use onsite_testkit::TestDb;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

async fn killed_writer_loses_no_commit(db: TestDb) {
    let url = db.url().to_owned();
    let db_store = db.store().clone();
    let confirmed = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onsite-crash-writer"))
            .arg(&url)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start writer");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut confirmed = Vec::new();
        let started = Instant::now();
        // Kill mid-stream: after enough commits, while the writers are still busy.
        while confirmed.len() < 400 && started.elapsed() < Duration::from_secs(60) {
            match lines.next() {
                Some(Ok(line)) => confirmed.push(line.parse::<i64>().unwrap()),
                _ => break,
            }
        }
        child.kill().expect("SIGKILL the writer");
        child.wait().unwrap();
        // Numbers already in the pipe were committed too.
        confirmed.extend(
            lines
                .map_while(Result::ok)
                .filter_map(|l| l.parse::<i64>().ok()),
        );
        confirmed
    })
    .await
    .unwrap();
    assert!(
        confirmed.len() >= 400,
        "the writer committed only {} rows",
        confirmed.len()
    );

    // Reopen as a fresh process would (recovery of the WAL happens here on SQLite).
    db_store.close().await;
    let store = onsite_store::Store::open(db.url()).await.unwrap();
    let stored: HashSet<i64> =
        sqlx::query_scalar("SELECT entity_id FROM audit_events WHERE action = 'crash.write'")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    let lost: Vec<_> = confirmed.iter().filter(|n| !stored.contains(n)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} committed rows lost: {lost:?}",
        lost.len(),
        confirmed.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_writer_loses_no_commit() {
    killed_writer_loses_no_commit(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_writer_loses_no_commit() {
    killed_writer_loses_no_commit(TestDb::postgres().await).await;
}
