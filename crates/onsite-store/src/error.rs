//! The store's error type. Unique-constraint violations become [`StoreError::Conflict`] so the
//! edge can answer 409 with the constraint that fired; everything else is a database failure
//! that is logged, never shown.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the data directory: {0}")]
    DataDir(#[source] std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
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
    #[error(transparent)]
    Database(sqlx::Error),
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
            _ => StoreError::Database(e),
        }
    }
}

impl From<onsite_domain::InvalidInput> for StoreError {
    fn from(e: onsite_domain::InvalidInput) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl StoreError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }

    /// Whether the database cannot be reached or is too busy right now (no connection, the
    /// pool's wait ran out): a request may succeed later, nothing is wrong with it.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Connect(_)
                | StoreError::Database(
                    sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
                )
        )
    }

    /// Whether the database refused two overlapping visits of one technician.
    pub fn is_overlap(&self) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == OVERLAP_CONSTRAINT)
    }
}
