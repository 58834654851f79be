//! Onsite's persistence: one API over two backends, SQLite (embedded, the default) and
//! PostgreSQL (scale-out). Every query is written once, in the SQL both engines share, and run
//! through sqlx's `Any` driver; backend-specific SQL exists only where the engines really differ
//! and sits side by side with a comment (see `migrate.rs` and the modules that use
//! [`Store::backend`]).
//!
//! Conventions shared by every table: instants are BIGINT Unix milliseconds (UTC), civil dates
//! are TEXT `YYYY-MM-DD`, booleans are BOOLEAN (read back with [`RowExt::bool`], since SQLite
//! returns them as integers), money is BIGINT minor units.

mod error;
mod group_commit;
mod migrate;
mod row;
mod sql;

pub mod accounts;
pub mod agreements;
pub mod api_tokens;
pub mod assets;
pub mod audit;
pub mod backup;
pub mod bookings;
pub mod catalog;
pub mod directory;
pub mod distribution;
pub mod external_identities;
pub mod feedback;
pub mod imports;
pub mod invitations;
pub mod invoices;
pub mod outbox;
pub mod partners;
pub mod password_resets;
pub mod positions;
pub mod rate_limits;
pub mod reassignment;
pub mod records;
pub mod reference;
pub mod sessions;
pub mod settings;
pub mod technicians;
pub mod territories;
pub mod visibility;
pub mod visit_board;
pub mod visits;
pub mod webhooks;
pub mod work_orders;
pub mod working_hours;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{StoreError, StoreErrorKind};
pub use group_commit::{GroupTurn, Turn};
pub use row::{RowExt, date_text, from_ms, to_ms};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// A connection of either backend; repository functions take `&mut Conn` so that they run the
/// same inside a transaction (`&mut *tx`) or on a pooled connection.
pub type Conn = sqlx::AnyConnection;
/// A transaction of either backend.
pub type Tx = sqlx::Transaction<'static, Any>;
/// A savepoint inside a transaction: committing releases it, rolling back undoes only what was
/// written since it began (and on PostgreSQL clears a failed statement).
pub type Savepoint<'c> = sqlx::Transaction<'c, Any>;

/// Begins a savepoint in the transaction `conn` is in.
pub async fn savepoint(conn: &mut Conn) -> Result<Savepoint<'_>> {
    Ok(sqlx::Connection::begin(conn).await?)
}
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool plus which engine is behind it. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The queue of grouped writers ([`Store::turn`]), shared by the clones; `None`: every
    /// turn is a transaction of its own (see [`Store::with_group_commit`]).
    writer: Option<group_commit::GroupWriter>,
    /// The snapshot of the reference data ([`Store::reference`]), shared by the clones.
    reference: reference::ReferenceCache,
}

impl std::fmt::Debug for Store {
    // The URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`: `sqlite://PATH` or
    /// `postgres://…`. SQLite runs in WAL mode with full synchronous commits, so a committed
    /// transaction survives the process being killed.
    pub async fn open(url: &str) -> Result<Store> {
        Self::open_with(url, 16).await
    }

    pub async fn open_with(url: &str, max_connections: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options =
            AnyConnectOptions::from_str(&url).map_err(|e| StoreError::Connect(Arc::new(e)))?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10));
        let pool_options = match backend {
            // One connection stays open while the program runs: SQLite then refuses any other
            // process the database's exclusive lock, which is how `onsite restore` (see
            // `backup.rs`) knows a server is running on it.
            Backend::Sqlite => pool_options.min_connections(1).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => pool_options,
        };
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(Arc::new(e)))?;
        let store = Store {
            pool,
            backend,
            writer: Some(group_commit::GroupWriter::default()),
            reference: reference::ReferenceCache::default(),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that may write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads then writes fails with
    /// SQLITE_BUSY at the write, ignoring the busy timeout.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => {
                // Grouped bookings leave the lock free for us between groups while we wait.
                let _waiting = self.writer.as_ref().map(|w| w.other_writer());
                self.pool.begin_with("BEGIN IMMEDIATE").await?
            }
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// A short write transaction that may share its commit with other writers' (on SQLite:
    /// group commit, see `group_commit.rs`; on PostgreSQL: a transaction of its own). For
    /// frequent small writes such as bookings; answers `keep` only once the work is durable.
    pub async fn turn(&self) -> Result<Turn> {
        match (self.backend, &self.writer) {
            (Backend::Sqlite, Some(writer)) => Ok(Turn::Grouped(writer.turn(&self.pool).await?)),
            _ => Ok(Turn::Own(self.begin().await?)),
        }
    }

    /// The same database with group commit on (the default) or off: each [`Store::turn`] is
    /// then a `BEGIN IMMEDIATE` transaction of its own on SQLite too (the setting
    /// `database.group_commit = false`, and the benchmarks' baseline). PostgreSQL's turns are
    /// their own transactions either way.
    pub fn with_group_commit(&self, on: bool) -> Store {
        Store {
            pool: self.pool.clone(),
            backend: self.backend,
            writer: on.then(group_commit::GroupWriter::default),
            reference: self.reference.clone(),
        }
    }

    /// The reference data (settings, territories, service types, technicians), at least as new
    /// as the database's when called; one single-row query while it has not changed (see
    /// `reference.rs`). Read through `conn`, so inside a transaction it sees what it sees.
    pub async fn reference(&self, conn: &mut Conn) -> Result<std::sync::Arc<reference::Reference>> {
        self.reference.get(conn).await
    }

    /// A pooled connection for reads (and single-statement writes).
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file path and the query of `sqlite://relative/or/absolute/path?query` or
/// `sqlite:path`.
pub(crate) fn sqlite_path(url: &str) -> (&str, &str) {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split_once('?').unwrap_or((rest, ""))
}

/// Accepts `sqlite://relative/or/absolute/path` and `sqlite:path`, creates the parent folder,
/// and asks sqlx to create the file.
fn sqlite_url(url: &str) -> Result<String> {
    let (path, query) = sqlite_path(url);
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl);
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::DataDir(Arc::new(e)))?;
    }
    let mut out = format!("sqlite://{path}?mode=rwc");
    if !query.is_empty() {
        out.push('&');
        out.push_str(query);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_are_normalized() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/onsite.db");
        let url = sqlite_url(&format!("sqlite://{}", p.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", p.display()));
        assert!(p.parent().unwrap().exists());
        assert!(sqlite_url("sqlite::memory:").is_err());
    }
}
