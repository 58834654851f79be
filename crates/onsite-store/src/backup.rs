//! Copies of the embedded (SQLite) database: `onsite backup` and `onsite restore`.
//!
//! **Backup** ([`back_up`]): `VACUUM INTO` a file beside the destination. SQLite writes the
//! database as one read transaction sees it: in WAL mode a reader blocks nobody, so the server
//! keeps serving and committing meanwhile, and the copy holds every transaction committed
//! before the backup started and no part of any later one. The copy is then checked
//! ([`check`]), synced to disk, and only then renamed to the destination, so a file under that
//! name is always a whole, checked backup. The live database is never migrated, only read
//! (after a crash, the backup's connection may be the one that recovers SQLite's log).
//!
//! **Restore** ([`restore`]): the file is checked first (an Onsite database, undamaged, of a
//! schema version this program can migrate), then copied beside the database. Putting it in
//! place needs the database's exclusive lock, which SQLite refuses while any other process has
//! the database open — a running server always does (its pool keeps a connection) — so a
//! restore under a running server is refused and changes nothing. Holding the lock, the
//! write-ahead log is folded into the database file, the file is renamed aside
//! (`onsite.db.before-restore-YYYYMMDDTHHMMSSZ`, never deleted) and the copy renamed into its
//! place. The caller then opens the store, which migrates it.
//!
//! PostgreSQL has its own tools for both (`pg_dump`, `pg_restore`; see docs/operations.md).

use crate::migrate::MIGRATIONS;
use jiff::Timestamp;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a backup or a restore did not happen. In every case the database and the destination
/// are as they were.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore \
         (see docs/operations.md)"
    )]
    NotSqlite,
    #[error("there is no database at {0}")]
    NoDatabase(PathBuf),
    #[error("{0} already exists (use --force to replace it)")]
    Exists(PathBuf),
    #[error("{0} is the database itself, or one of its files: choose another name")]
    IsTheDatabase(PathBuf),
    #[error("the folder {0} does not exist")]
    NoFolder(PathBuf),
    #[error("{path} is not a SQLite database ({reason})")]
    NotADatabase { path: PathBuf, reason: String },
    #[error("{0} is a SQLite database but not an Onsite one")]
    NotOnsite(PathBuf),
    #[error("{path} is damaged: {problems}")]
    Damaged { path: PathBuf, problems: String },
    #[error(
        "{path} comes from a newer Onsite (schema {found}; this program knows up to {known}): \
         upgrade Onsite first"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "the database {0} is open in another program (is the server running?): stop it, then \
         restore"
    )]
    InUse(PathBuf),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

type Result<T> = std::result::Result<T, BackupError>;

/// What a checked copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// The newest migration applied to it.
    pub schema_version: i64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The schema version of the restored file, before the caller migrates it.
    pub schema_version: i64,
    /// Where the database that was there before now is (`None`: there was none).
    pub previous: Option<PathBuf>,
}

/// The file of a `sqlite://…` database URL; [`BackupError::NotSqlite`] for PostgreSQL.
pub fn database_file(url: &str) -> Result<PathBuf> {
    if url.starts_with("sqlite:") {
        Ok(PathBuf::from(crate::sqlite_path(url).0))
    } else {
        Err(BackupError::NotSqlite)
    }
}

/// How long a backup waits for a busy database (only while the server recovers its log).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a restore waits for the database's exclusive lock: a server holds it for its whole
/// life, so waiting longer would not help.
const LOCK_TIMEOUT: Duration = Duration::from_secs(1);

/// Writes a consistent copy of the live `database` to `destination`, which must not exist
/// unless `replace`. See the module documentation.
pub async fn back_up(database: &Path, destination: &Path, replace: bool) -> Result<Checked> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_owned()));
    }
    if is_part_of(database, destination) {
        return Err(BackupError::IsTheDatabase(destination.to_owned()));
    }
    if destination.exists() && (!replace || destination.is_dir()) {
        return Err(BackupError::Exists(destination.to_owned()));
    }
    let folder = folder_of(destination);
    if !folder.is_dir() {
        return Err(BackupError::NoFolder(folder.to_owned()));
    }
    let partial = Partial::beside(destination, "partial")?;
    // Not read-only: after a crash the first connection recovers the log, which writes.
    let mut source = connect(SqliteConnectOptions::new().filename(database)).await?;
    vacuum_into(&mut source, &partial.path).await?;
    source.close().await?;
    let checked = check(&partial.path).await?;
    sync(&partial.path)?;
    if destination.exists() && !replace {
        return Err(BackupError::Exists(destination.to_owned()));
    }
    partial.place(destination)?;
    Ok(checked)
}

/// Checks that `file` is an undamaged Onsite database this program can migrate, without
/// changing it.
pub async fn check(file: &Path) -> Result<Checked> {
    let not_a_database = |e: sqlx::Error| BackupError::NotADatabase {
        path: file.to_owned(),
        reason: e.to_string(),
    };
    if !file.is_file() {
        return Err(BackupError::NoDatabase(file.to_owned()));
    }
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut conn = connect(options).await.map_err(|e| match e {
        BackupError::Database(e) => not_a_database(e),
        e => e,
    })?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(10)")
        .fetch_all(&mut conn)
        .await
        .map_err(not_a_database)?;
    if problems != ["ok"] {
        return Err(BackupError::Damaged {
            path: file.to_owned(),
            problems: problems.join("; "),
        });
    }
    let has_migrations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
    )
    .fetch_one(&mut conn)
    .await?;
    let first: Option<String> = if has_migrations == 1 {
        sqlx::query_scalar("SELECT name FROM schema_migrations WHERE version = 1")
            .fetch_optional(&mut conn)
            .await?
    } else {
        None
    };
    if first.as_deref() != MIGRATIONS.first().map(|m| m.name) {
        return Err(BackupError::NotOnsite(file.to_owned()));
    }
    let found: i64 = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if found > known {
        return Err(BackupError::TooNew {
            path: file.to_owned(),
            found,
            known,
        });
    }
    Ok(Checked {
        schema_version: found,
    })
}

/// Puts the backup `file` in place of `database` (which may not exist yet), keeping the
/// database that was there under a name of its own. `now` names that file. The caller opens
/// the store afterwards to migrate the restored database. See the module documentation.
pub async fn restore(database: &Path, file: &Path, now: Timestamp) -> Result<Restored> {
    let checked = check(file).await?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("cannot create the data directory"))?;
    }
    let incoming = Partial::beside(database, "restoring")?;
    // A copy through SQLite rather than of the bytes: a backup with a log beside it is copied
    // whole, and the backup itself is only read.
    let mut source = connect(SqliteConnectOptions::new().filename(file).read_only(true)).await?;
    vacuum_into(&mut source, &incoming.path).await?;
    source.close().await?;
    sync(&incoming.path)?;

    let previous = if database.exists() {
        let current = lock_exclusively(database).await?;
        let aside = aside_name(database, now);
        std::fs::rename(database, &aside).map_err(io("cannot move the database aside"))?;
        remove_companions(database)?;
        incoming.place(database)?;
        // Its lock, on the file now aside, goes with it.
        current.close().await?;
        Some(aside)
    } else {
        remove_companions(database)?;
        incoming.place(database)?;
        None
    };
    Ok(Restored {
        schema_version: checked.schema_version,
        previous,
    })
}

async fn connect(options: SqliteConnectOptions) -> Result<SqliteConnection> {
    Ok(options.busy_timeout(BUSY_TIMEOUT).connect().await?)
}

/// `VACUUM INTO` a file that does not exist: a compact, consistent copy of what `conn` sees.
async fn vacuum_into(conn: &mut SqliteConnection, into: &Path) -> Result<()> {
    let path = into.to_str().ok_or_else(|| BackupError::Io {
        what: format!("{} is not a UTF-8 path", into.display()),
        source: std::io::ErrorKind::InvalidInput.into(),
    })?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(&mut *conn)
        .await?;
    // The copy keeps the write-ahead-log mode of its source; a backup is one file.
    let mut copy = connect(SqliteConnectOptions::new().filename(into)).await?;
    copy.execute("PRAGMA journal_mode = DELETE").await?;
    copy.close().await?;
    Ok(())
}

/// Opens `database` with its exclusive lock held until the connection closes, with the
/// write-ahead log folded into the file; [`BackupError::InUse`] while another process has
/// the database open.
async fn lock_exclusively(database: &Path) -> Result<SqliteConnection> {
    // SQLITE_BUSY (5), in any of its extended forms.
    let in_use = |e: sqlx::Error| match &e {
        sqlx::Error::Database(db)
            if db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .is_some_and(|c| c & 0xff == 5) =>
        {
            BackupError::InUse(database.to_owned())
        }
        _ => BackupError::Database(e),
    };
    let options = SqliteConnectOptions::new()
        .filename(database)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(LOCK_TIMEOUT);
    let mut conn = options.connect().await.map_err(in_use)?;
    // In exclusive locking mode the lock, once taken, is kept after the transaction.
    conn.execute("BEGIN EXCLUSIVE; COMMIT")
        .await
        .map_err(in_use)?;
    conn.execute("PRAGMA journal_mode = DELETE")
        .await
        .map_err(in_use)?;
    Ok(conn)
}

/// `onsite.db.before-restore-20260309T141500Z`, with `-2`, `-3`… if taken.
fn aside_name(database: &Path, now: Timestamp) -> PathBuf {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let name = file_name(database);
    let mut candidate = database.with_file_name(format!("{name}.before-restore-{stamp}"));
    let mut n = 2;
    while candidate.exists() {
        candidate = database.with_file_name(format!("{name}.before-restore-{stamp}-{n}"));
        n += 1;
    }
    candidate
}

/// The files SQLite keeps for `database`: itself and its logs.
fn files_of(database: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let name = file_name(database);
    ["", "-wal", "-shm", "-journal"]
        .into_iter()
        .map(move |suffix| database.with_file_name(format!("{name}{suffix}")))
}

/// Whether `path` names (through any link or spelling) one of the files of `database`, or
/// one SQLite would create beside it (a log that does not exist yet).
fn is_part_of(database: &Path, path: &Path) -> bool {
    let same_folder = match (
        folder_of(database).canonicalize(),
        folder_of(path).canonicalize(),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    files_of(database).any(|file| {
        (same_folder && file.file_name() == path.file_name())
            || same_file::is_same_file(&file, path).unwrap_or(false)
    })
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Removes the log files SQLite may have left beside `database` (after a crash): beside
/// another database file they would be read as its own.
fn remove_companions(database: &Path) -> Result<()> {
    for log in files_of(database).skip(1) {
        remove_if_there(&log)?;
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "onsite.db".to_owned())
}

/// A file being written beside its final name; removed unless [`Partial::place`]d.
struct Partial {
    path: PathBuf,
    placed: bool,
}

impl Partial {
    /// `NAME.suffix` beside `target`, with whatever an interrupted earlier run left there
    /// removed.
    fn beside(target: &Path, suffix: &str) -> Result<Partial> {
        let path = target.with_file_name(format!("{}.{suffix}", file_name(target)));
        remove_if_there(&path)?;
        Ok(Partial {
            path,
            placed: false,
        })
    }

    /// Renames the file to `target` and makes the rename durable.
    fn place(mut self, target: &Path) -> Result<()> {
        std::fs::rename(&self.path, target).map_err(io("cannot rename the copy into place"))?;
        self.placed = true;
        sync(folder_of(target))
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(format!("cannot remove {}", path.display()))(e)),
    }
}

/// Flushes a file (or a folder's entries) to disk.
fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(format!("cannot sync {}", path.display())))
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}
