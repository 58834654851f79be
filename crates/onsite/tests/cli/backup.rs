//! `onsite backup` while the server books, `onsite restore`, and what both refuse.

use crate::load::{Storm, bookable, sign_in};
use crate::{Running, onsite, run, start_server, text};
use onsite_domain::BookingId;
use onsite_store::backup;
use onsite_testkit::file_names;
use std::collections::HashSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// Runs `onsite ARGS --data-dir DIR` off the async runtime.
async fn onsite_in(data_dir: &Path, args: &[&str]) -> Output {
    let mut cmd = onsite();
    cmd.args(args).arg("--data-dir").arg(data_dir);
    tokio::task::spawn_blocking(move || run(&mut cmd))
        .await
        .unwrap()
}

/// Asserts that the command refused (exit code 2) and said `message`.
fn refused_saying(out: &Output, message: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
}

/// The ids among `ids` that the database at `url` does not have.
async fn missing(url: &str, ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let store = onsite_store::Store::open(url).await.unwrap();
    let mut conn = store.conn().await.unwrap();
    let mut missing = Vec::new();
    for id in ids {
        match onsite_store::bookings::booking(&mut conn, BookingId(id)).await {
            Ok(_) => {}
            Err(onsite_store::StoreError::NotFound) => missing.push(id),
            Err(e) => panic!("reading booking {id}: {e}"),
        }
    }
    drop(conn);
    store.close().await;
    missing
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_booking_load_restores_every_booking_confirmed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = onsite_in(&data, &["demo"]).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let (server, addr, _) = start_server(&data, &[]);
    let mut server = Running(server);
    let base = format!("http://{addr}");
    let session = sign_in(&base).await;
    let bookable = bookable(&session, &base).await;
    let storm = Storm::start(&session, &base, &bookable, 4, 12, Default::default());
    storm.wait_for(20, Duration::from_secs(60)).await;

    // Everything confirmed before the backup starts must be in it.
    let before: HashSet<i64> = storm
        .outcome
        .lock()
        .unwrap()
        .confirmed
        .iter()
        .copied()
        .collect();
    let file = dir.path().join("onsite-backup.db");
    let file_arg = file.to_str().unwrap();
    let made = onsite_in(&data, &["backup", file_arg]).await;
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(
        text(&made.stdout).starts_with("Backed up "),
        "{}",
        text(&made.stdout)
    );
    // The server kept booking meanwhile and still does.
    let after_backup = storm.confirmed();
    eprintln!(
        "backup under load: {} bookings confirmed before the backup started, {after_backup} \
         when it ended",
        before.len()
    );
    storm
        .wait_for(after_backup + 5, Duration::from_secs(30))
        .await;

    // An existing file is not replaced without --force.
    let made_bytes = std::fs::read(&file).unwrap();
    let again = onsite_in(&data, &["backup", file_arg]).await;
    refused_saying(&again, "already exists");
    assert_eq!(std::fs::read(&file).unwrap(), made_bytes, "left as it was");

    // No restore under a running server: refused, nothing moved.
    let files = file_names(&data);
    let refused = onsite_in(&data, &["restore", file_arg]).await;
    refused_saying(&refused, "is the server running?");
    assert_eq!(file_names(&data), files);
    assert!(crate::get(&addr, "/healthz").starts_with("HTTP/1.1 200"));

    let unexpected = storm.outcome.lock().unwrap().unexpected.clone();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    storm.stop().await;
    server.kill();

    // Restored into a new data folder: every booking confirmed before the backup is there.
    let fresh = dir.path().join("restored");
    let restored = onsite_in(&fresh, &["restore", file_arg]).await;
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let restored_db = fresh.join("onsite.db");
    let lost = missing(
        &format!("sqlite://{}", restored_db.display()),
        before.iter().copied(),
    )
    .await;
    assert!(
        lost.is_empty(),
        "{} of {} bookings confirmed before the backup are missing: {lost:?}",
        lost.len(),
        before.len()
    );
    backup::check(&restored_db).await.unwrap();

    // --force replaces the file; a restore over a database keeps the old one aside.
    let forced = onsite_in(&data, &["backup", "--force", file_arg]).await;
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let over = onsite_in(&data, &["restore", file_arg]).await;
    assert!(over.status.success(), "{}", text(&over.stderr));
    let kept: Vec<String> = file_names(&data)
        .into_iter()
        .filter(|n| n.starts_with("onsite.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", file_names(&data));
    assert!(
        text(&over.stdout).contains(&kept[0]),
        "{}",
        text(&over.stdout)
    );
    backup::check(&data.join(&kept[0])).await.unwrap();

    // A file that is not a database is refused and changes nothing.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database, just text ".repeat(200)).unwrap();
    let files = file_names(&data);
    let refused = onsite_in(&data, &["restore", junk.to_str().unwrap()]).await;
    refused_saying(&refused, "is not a SQLite database");
    assert_eq!(file_names(&data), files);
}

#[test]
fn postgres_backups_are_pg_dump_and_the_password_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["backup", "out.dump"][..], &["restore", "out.dump"]] {
        let out = run(onsite()
            .args(args)
            .args(["--database-url", "postgres://app:s3cret@127.0.0.1/onsite"])
            .current_dir(dir.path()));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("pg_dump") && stderr.contains("pg_restore"),
            "{stderr}"
        );
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
    assert!(file_names(dir.path()).is_empty());
}
