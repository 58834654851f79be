//! Backups of the embedded database (`backup.rs`): a consistent copy while writers commit, the
//! checks a copy must pass, and a restore that refuses a database in use and keeps the old one.
//! SQLite only: PostgreSQL is backed up with pg_dump, which `database_file` says.

use onsite_store::backup::{self, BackupError};
use onsite_store::{Store, audit};
use onsite_testkit::{TestDb, file_names};
use sqlx::{ConnectOptions, Connection, Executor};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

async fn write(store: &Store, n: i64) {
    let mut tx = store.begin().await.unwrap();
    audit::record(
        &mut tx,
        None,
        "backup.test",
        "test",
        Some(n),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn written(url: &str) -> HashSet<i64> {
    let store = Store::open(url).await.unwrap();
    let rows =
        sqlx::query_scalar("SELECT entity_id FROM audit_events WHERE action = 'backup.test'")
            .fetch_all(store.pool())
            .await
            .unwrap();
    store.close().await;
    rows.into_iter().collect()
}

fn url_of(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A SQLite database that is not Onsite's, or an Onsite one changed by `sql`.
async fn sqlite_file(path: &Path, sql: &str) {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    conn.execute(sql).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_writers_holds_every_commit_made_before_it() {
    let db = TestDb::sqlite().await;
    let database = backup::database_file(db.url()).unwrap();
    let store = db.store().clone();
    let committed = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..3_i64)
        .map(|w| {
            let (store, committed, stop) = (store.clone(), committed.clone(), stop.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let n = w * 1_000_000 + i;
                    write(&store, n).await;
                    committed.lock().unwrap().push(n);
                }
            })
        })
        .collect();
    while committed.lock().unwrap().len() < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before: Vec<i64> = committed.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    let checked = backup::back_up(&database, &copy, false).await.unwrap();
    let during = committed.lock().unwrap().len();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(checked.schema_version >= 10);
    // One file, in rollback-journal mode (header bytes 18 and 19 are 1): nothing beside it.
    assert_eq!(file_names(dir.path()), ["copy.db"]);
    let header = std::fs::read(&copy).unwrap();
    assert_eq!((header[18], header[19]), (1, 1));
    let in_copy = written(&url_of(&copy)).await;
    let lost: Vec<_> = before.iter().filter(|n| !in_copy.contains(n)).collect();
    assert!(lost.is_empty(), "{} commits missing: {lost:?}", lost.len());
    eprintln!(
        "backup under writers: {} commits before it, {} when it ended, {} in the copy",
        before.len(),
        during,
        in_copy.len()
    );
}

#[tokio::test]
async fn an_existing_destination_is_replaced_only_when_asked() {
    let db = TestDb::sqlite().await;
    let database = backup::database_file(db.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::write(&copy, "keep me").unwrap();
    let refused = backup::back_up(&database, &copy, false).await.unwrap_err();
    assert!(matches!(refused, BackupError::Exists(_)), "{refused:?}");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "keep me");
    backup::back_up(&database, &copy, true).await.unwrap();
    backup::check(&copy).await.unwrap();
    // A folder is never replaced, nor a database that is not there copied.
    let refused = backup::back_up(&database, dir.path(), true)
        .await
        .unwrap_err();
    assert!(matches!(refused, BackupError::Exists(_)), "{refused:?}");
    let refused = backup::back_up(&dir.path().join("none.db"), &dir.path().join("x.db"), false)
        .await
        .unwrap_err();
    assert!(matches!(refused, BackupError::NoDatabase(_)), "{refused:?}");
    assert_eq!(file_names(dir.path()), ["copy.db"], "no partial file left");
    // Never over the live database or its log, whatever the path says.
    let folder = database.parent().unwrap();
    let files = file_names(folder);
    for name in [
        "onsite.db",
        "onsite.db-wal",
        "./onsite.db",
        "onsite.db-journal",
    ] {
        let refused = backup::back_up(&database, &folder.join(name), true)
            .await
            .unwrap_err();
        assert!(
            matches!(refused, BackupError::IsTheDatabase(_)),
            "{name}: {refused:?}"
        );
    }
    std::os::unix::fs::symlink(&database, dir.path().join("link.db")).unwrap();
    let refused = backup::back_up(&database, &dir.path().join("link.db"), true)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, BackupError::IsTheDatabase(_)),
        "{refused:?}"
    );
    assert_eq!(file_names(folder), files);
    let refused = backup::back_up(&database, &dir.path().join("no/such/copy.db"), false)
        .await
        .unwrap_err();
    assert!(matches!(refused, BackupError::NoFolder(_)), "{refused:?}");
}

#[tokio::test]
async fn only_an_undamaged_onsite_database_of_a_known_schema_passes_the_check() {
    let db = TestDb::sqlite().await;
    let database = backup::database_file(db.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };

    let missing = backup::check(&at("none.db")).await.unwrap_err();
    assert!(matches!(missing, BackupError::NoDatabase(_)), "{missing:?}");

    std::fs::write(at("text.db"), "hello ".repeat(1000)).unwrap();
    let text = backup::check(&at("text.db")).await.unwrap_err();
    assert!(matches!(text, BackupError::NotADatabase { .. }), "{text:?}");

    sqlite_file(&at("other.db"), "CREATE TABLE notes (body TEXT)").await;
    let other = backup::check(&at("other.db")).await.unwrap_err();
    assert!(matches!(other, BackupError::NotOnsite(_)), "{other:?}");

    backup::back_up(&database, &at("newer.db"), false)
        .await
        .unwrap();
    sqlite_file(
        &at("newer.db"),
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)",
    )
    .await;
    let newer = backup::check(&at("newer.db")).await.unwrap_err();
    assert!(
        matches!(newer, BackupError::TooNew { found: 9999, .. }),
        "{newer:?}"
    );

    // Every page after the first two overwritten: the file still opens, its tables do not.
    backup::back_up(&database, &at("damaged.db"), false)
        .await
        .unwrap();
    let mut bytes = std::fs::read(at("damaged.db")).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    for b in bytes.iter_mut().skip(2 * page) {
        *b = 0x5a;
    }
    std::fs::write(at("damaged.db"), bytes).unwrap();
    let damaged = backup::check(&at("damaged.db")).await.unwrap_err();
    assert!(
        matches!(
            damaged,
            BackupError::Damaged { .. } | BackupError::NotADatabase { .. }
        ),
        "{damaged:?}"
    );
    // Nothing is restored from any of them.
    let target = at("target.db");
    for bad in ["text.db", "other.db", "newer.db", "damaged.db"] {
        assert!(
            backup::restore(&target, &at(bad), jiff::Timestamp::now())
                .await
                .is_err()
        );
        assert!(!target.exists(), "{bad}");
    }

    let postgres = backup::database_file("postgres://app@db/onsite").unwrap_err();
    assert!(matches!(postgres, BackupError::NotSqlite), "{postgres:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_waits_for_the_database_to_be_closed_and_keeps_the_old_one() {
    let db = TestDb::sqlite().await;
    let database = backup::database_file(db.url()).unwrap();
    write(db.store(), 1).await;
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.db");
    backup::back_up(&database, &saved, false).await.unwrap();
    write(db.store(), 2).await;

    // The store keeps the database open, as a running server does: refused, nothing moved.
    let folder = database.parent().unwrap();
    let files = file_names(folder);
    let now = jiff::Timestamp::from_second(1_773_064_500).unwrap();
    let refused = backup::restore(&database, &saved, now).await.unwrap_err();
    assert!(matches!(refused, BackupError::InUse(_)), "{refused:?}");
    assert_eq!(file_names(folder), files);

    db.store().close().await;
    let restored = backup::restore(&database, &saved, now).await.unwrap();
    let aside = folder.join("onsite.db.before-restore-20260309T135500Z");
    assert_eq!(restored.previous.as_deref(), Some(aside.as_path()));
    assert_eq!(written(db.url()).await, HashSet::from([1]));
    assert_eq!(written(&url_of(&aside)).await, HashSet::from([1, 2]));
    // A second restore in the same second keeps the database it replaces too.
    let again = backup::restore(&database, &saved, now).await.unwrap();
    assert_eq!(
        again.previous.unwrap().file_name().unwrap(),
        "onsite.db.before-restore-20260309T135500Z-2"
    );
    // Into a folder without a database: nothing to keep.
    let fresh = dir.path().join("new/onsite.db");
    let into_new = backup::restore(&fresh, &saved, now).await.unwrap();
    assert_eq!(into_new.previous, None);
    assert_eq!(written(&url_of(&fresh)).await, HashSet::from([1]));
}
