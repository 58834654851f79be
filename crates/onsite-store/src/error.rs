//! The store's error type. Unique-constraint violations become [`StoreError::Conflict`] so the
//! edge can answer 409 with the constraint that fired; everything else is a database failure
//! that is logged, never shown. [`StoreError::classify`] says which kind of failure an error is
//! (a conflict, a busy or unreachable database, or a bug), so that callers can answer each
//! differently.
//!
//! A `StoreError` is cheap to clone (the causes it carries are shared): a failed group commit
//! (`group_commit.rs`) hands every member of the group the same error.

use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the data directory: {0}")]
    DataDir(#[source] Arc<std::io::Error>),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] Arc<sqlx::Error>),
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: Arc<sqlx::Error>,
    },
    #[error("the database schema is newer ({found}) than this program ({known}); upgrade Onsite")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write. `constraint` is the index or column list that
    /// fired, as far as the backend tells.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The work was not committed because the transaction it was part of went away before its
    /// commit ran (a group commit whose task ended with the process).
    #[error("not committed: {0}")]
    Interrupted(&'static str),
    #[error(transparent)]
    Database(Arc<sqlx::Error>),
}

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    NotFound,
    /// A constraint refused the write (a unique key, two overlapping visits).
    Conflict,
    /// The database was busy with other work (a lock not granted in time, a serialization
    /// failure, a deadlock): the same work may succeed if tried again.
    Busy,
    /// The database cannot be reached or cannot work (no connection in time, a connection
    /// lost, the disk full or failing, the server shutting down).
    Unavailable,
    /// Anything else: a statement, the stored data or the schema is wrong. A bug.
    Internal,
}

/// The name under which both engines refuse overlapping visits of one technician.
pub const OVERLAP_CONSTRAINT: &str = "bookings_no_overlap";

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                // PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed:
                // table.column", which is as good a name.
                constraint: db.constraint().map(str::to_owned).unwrap_or_else(|| {
                    db.message()
                        .trim_start_matches("UNIQUE constraint failed: ")
                        .to_owned()
                }),
            },
            // Two visits of one technician overlapping: PostgreSQL's exclusion constraint
            // (SQLSTATE 23P01) or SQLite's trigger of the same name (migration 0005).
            sqlx::Error::Database(db)
                if db.code().as_deref() == Some("23P01") || db.message() == OVERLAP_CONSTRAINT =>
            {
                StoreError::Conflict {
                    constraint: OVERLAP_CONSTRAINT.to_owned(),
                }
            }
            _ => StoreError::Database(Arc::new(e)),
        }
    }
}

impl From<onsite_domain::InvalidInput> for StoreError {
    fn from(e: onsite_domain::InvalidInput) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl StoreError {
    /// What kind of failure this is. (Named so that it does not hide the `kind` of the
    /// app's `Failure` trait, which maps it onto the kinds the web edge answers.)
    pub fn classify(&self) -> StoreErrorKind {
        match self {
            StoreError::NotFound => StoreErrorKind::NotFound,
            StoreError::Conflict { .. } => StoreErrorKind::Conflict,
            StoreError::DataDir(_) | StoreError::Connect(_) | StoreError::Interrupted(_) => {
                StoreErrorKind::Unavailable
            }
            StoreError::Database(e) => database_failure(e),
            StoreError::UnsupportedUrl
            | StoreError::Migration { .. }
            | StoreError::SchemaTooNew { .. }
            | StoreError::Corrupt(_) => StoreErrorKind::Internal,
        }
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }

    /// Whether the database cannot be reached or is too busy right now (no connection, the
    /// pool's wait ran out, a lock not granted in time: [`StoreErrorKind::Unavailable`] or
    /// [`StoreErrorKind::Busy`]): a request may succeed later, nothing is wrong with it.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self.classify(),
            StoreErrorKind::Unavailable | StoreErrorKind::Busy
        )
    }

    /// Whether the database refused two overlapping visits of one technician.
    pub fn is_overlap(&self) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == OVERLAP_CONSTRAINT)
    }
}

/// The kind of a database driver's error: from the engine's error code (a SQLite result code,
/// a PostgreSQL SQLSTATE), or from what the driver says went wrong.
fn database_failure(e: &sqlx::Error) -> StoreErrorKind {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            // PostgreSQL's SQLSTATEs have five characters; SQLite's extended result codes are
            // numbers below 10,000.
            Some(code) if code.len() == 5 => postgres_failure(&code),
            Some(code) => code
                .parse::<u32>()
                .map_or(StoreErrorKind::Internal, sqlite_failure),
            None => StoreErrorKind::Internal,
        },
        sqlx::Error::RowNotFound => StoreErrorKind::NotFound,
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreErrorKind::Unavailable,
        _ => StoreErrorKind::Internal,
    }
}

/// A SQLite (extended) result code: <https://sqlite.org/rescode.html>.
fn sqlite_failure(code: u32) -> StoreErrorKind {
    match (code & 0xff, code) {
        // SQLITE_BUSY, SQLITE_LOCKED
        (5 | 6, _) => StoreErrorKind::Busy,
        // SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
        (7 | 8 | 10 | 13 | 14, _) => StoreErrorKind::Unavailable,
        // SQLITE_CONSTRAINT_FOREIGNKEY: the row referred to went away meanwhile. (Unique keys
        // are `StoreError::Conflict` already; other constraints are the writer's bug.)
        (_, 787) => StoreErrorKind::Conflict,
        _ => StoreErrorKind::Internal,
    }
}

/// A PostgreSQL SQLSTATE: <https://www.postgresql.org/docs/current/errcodes-appendix.html>.
fn postgres_failure(code: &str) -> StoreErrorKind {
    match code {
        // serialization_failure, deadlock_detected, lock_not_available, query_canceled (a
        // statement or lock timeout)
        "40001" | "40P01" | "55P03" | "57014" => StoreErrorKind::Busy,
        // foreign_key_violation: the row referred to went away meanwhile (unique and exclusion
        // violations are `StoreError::Conflict` already; other constraints are the writer's
        // bug)
        "23503" => StoreErrorKind::Conflict,
        // connection exceptions, insufficient resources, operator intervention (shutdown),
        // system errors (I/O)
        _ if ["08", "53", "57", "58"]
            .iter()
            .any(|class| code.starts_with(class)) =>
        {
            StoreErrorKind::Unavailable
        }
        _ => StoreErrorKind::Internal,
    }
}
