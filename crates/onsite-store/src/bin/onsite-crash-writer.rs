//! Test support for the durability test (`tests/store/crash.rs`): commits numbered rows as fast
//! as it can from several tasks and prints each number only *after* its commit returned, until
//! it is killed. Whatever it printed must be in the database afterwards.

use std::io::Write;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: onsite-crash-writer DATABASE_URL");
    let store = onsite_store::Store::open(&url)
        .await
        .expect("open database");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i64>();
    for task in 0..4_i64 {
        let store = store.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            for i in 0.. {
                let n = task * 1_000_000 + i;
                let mut t = store.begin().await.expect("begin");
                onsite_store::audit::record(
                    &mut t,
                    None,
                    "crash.write",
                    "test",
                    Some(n),
                    &serde_json::json!({}),
                )
                .await
                .expect("insert");
                t.commit().await.expect("commit");
                if tx.send(n).is_err() {
                    return;
                }
            }
        });
    }
    drop(tx);
    let mut out = std::io::stdout().lock();
    while let Some(n) = rx.recv().await {
        writeln!(out, "{n}").expect("stdout");
        out.flush().expect("flush");
    }
}
