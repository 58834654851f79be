//! Onsite's deterministic demo city: a multi-trade service company in Montréal with six
//! boroughs, 36 technicians, over 200 customer accounts with their equipment, eight weeks of
//! visit history and two weeks ahead, agreements, invoices (GST + QST, in CAD), and partners
//! working distributed opportunities.
//!
//! Everything is dated from the day it is loaded (`today`) and drawn from a fixed-seed
//! generator, so loading on the same day always gives the same data. It loads in one
//! transaction: a failure leaves nothing behind. The seven demo sign-ins in [`SIGN_INS`] share
//! the password [`PASSWORD`].

mod build;
mod city;
mod feedback;
mod partners;
mod rng;
mod schedule;
mod trade;

use onsite_store::bookings::TransitionError;
use onsite_store::{Conn, Store, StoreError};
use std::fmt;
use std::time::Instant;

pub use schedule::travel_minutes;

/// The password of every demo sign-in.
pub const PASSWORD: &str = "demo-password";

/// The demo sign-ins and what each one shows, for printing at start.
pub const SIGN_INS: &[(&str, &str)] = &[
    (
        "customer@demo.test",
        "customer (self-scheduling): a visit today, upcoming and past visits",
    ),
    (
        "approver@demo.test",
        "customer approver, same account: an estimate and a renewal to approve",
    ),
    (
        "reviewer@demo.test",
        "customer reviewer, same account: agreements, assets, work orders, invoices",
    ),
    (
        "partner@demo.test",
        "partner: opportunities to accept, in progress, won and lost",
    ),
    (
        "technician@demo.test",
        "technician: today's visits, in order",
    ),
    (
        "dispatcher@demo.test",
        "dispatcher: the schedule board and the back office",
    ),
    (
        "admin@demo.test",
        "administrator: settings, users and the audit log",
    ),
];

/// The audit action that marks a database holding the demo.
pub const AUDIT_ACTION: &str = "demo.load";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The demo city is already in this database.
    #[error("the demo city is already loaded")]
    AlreadyLoaded,
    /// The database holds other data; the demo only loads into an empty one.
    #[error("the database already holds {what}; the demo loads only into an empty database")]
    NotEmpty { what: &'static str },
    #[error("cannot load the demo city: {0}")]
    Store(#[from] StoreError),
    /// A demo constant that does not validate (a bug in this crate, caught before writing it).
    #[error("demo data is invalid: {0}")]
    Invalid(#[from] onsite_domain::InvalidInput),
    #[error("demo history is inconsistent: {0}")]
    History(String),
    #[error("demo dates are out of range: {0}")]
    Time(#[from] jiff::Error),
}

impl From<TransitionError> for DemoError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Store(e) => DemoError::Store(e),
            other => DemoError::History(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for DemoError {
    fn from(e: sqlx::Error) -> Self {
        DemoError::Store(e.into())
    }
}

/// How much was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub today: Option<jiff::civil::Date>,
    pub territories: usize,
    pub characteristics: usize,
    pub service_types: usize,
    pub technicians: usize,
    pub customer_accounts: usize,
    pub partner_accounts: usize,
    pub contacts: usize,
    pub users: usize,
    pub assets: usize,
    pub agreements: usize,
    pub work_orders: usize,
    pub bookings: usize,
    pub completed: usize,
    pub canceled: usize,
    pub scheduled: usize,
    pub today_visits: usize,
    pub invoices: usize,
    pub opportunities: usize,
    /// Feedback responses (on other customers' completed visits).
    pub feedback: usize,
    pub millis: u128,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(today) = self.today {
            writeln!(f, "  Montréal, dated from {today}")?;
        }
        writeln!(
            f,
            "  {} territories, {} technicians, {} skills, {} service types",
            self.territories, self.technicians, self.characteristics, self.service_types
        )?;
        writeln!(
            f,
            "  {} customer accounts and {} partners with {} contacts; {} sign-ins",
            self.customer_accounts, self.partner_accounts, self.contacts, self.users
        )?;
        writeln!(
            f,
            "  {} assets, {} agreements, {} work orders, {} invoices",
            self.assets, self.agreements, self.work_orders, self.invoices
        )?;
        writeln!(
            f,
            "  {} visits: {} completed, {} canceled, {} scheduled ({} today)",
            self.bookings, self.completed, self.canceled, self.scheduled, self.today_visits
        )?;
        writeln!(f, "  {} feedback responses", self.feedback)?;
        write!(
            f,
            "  {} opportunities; loaded in {} ms",
            self.opportunities, self.millis
        )
    }
}

/// Whether the demo city is in this database. Cheap on the two databases `serve --demo` meets:
/// an empty one answers from the (empty) accounts table, a demo one finds its mark among the
/// first audit events.
pub async fn is_loaded(store: &Store) -> Result<bool, DemoError> {
    let mut conn = store.conn().await?;
    marked(&mut conn).await
}

async fn marked(conn: &mut Conn) -> Result<bool, DemoError> {
    let any_account: Option<i64> = sqlx::query_scalar("SELECT 1 FROM accounts LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    if any_account.is_none() {
        return Ok(false);
    }
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM audit_events WHERE action = $1 ORDER BY id LIMIT 1")
            .bind(AUDIT_ACTION)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// The tables whose rows make a database "not empty" for the demo, with how to name them.
const BUSINESS_TABLES: [(&str, &str); 6] = [
    ("accounts", "accounts"),
    ("technicians", "technicians"),
    ("territories", "territories"),
    ("service_types", "service types"),
    ("characteristics", "characteristics"),
    ("work_orders", "work orders"),
];

/// Loads the demo city dated from `today`, in one transaction. Refuses with
/// [`DemoError::AlreadyLoaded`] when the demo is there, and [`DemoError::NotEmpty`] when the
/// database holds other business data; in both cases nothing changes.
pub async fn load(store: &Store, today: jiff::civil::Date) -> Result<DemoSummary, DemoError> {
    if is_loaded(store).await? {
        return Err(DemoError::AlreadyLoaded);
    }
    let started = Instant::now();
    // Argon2id is slow on purpose: hash once, outside the write transaction, for all users.
    let password_hash = password_auth::generate_hash(PASSWORD);
    let mut tx = store.begin().await?;
    let result = async {
        // Checked again inside the transaction: another server may have loaded it meanwhile.
        if marked(&mut tx).await? {
            return Err(DemoError::AlreadyLoaded);
        }
        for (table, what) in BUSINESS_TABLES {
            let any: Option<i64> = sqlx::query_scalar(&format!("SELECT 1 FROM {table} LIMIT 1"))
                .fetch_optional(&mut *tx)
                .await?;
            if any.is_some() {
                return Err(DemoError::NotEmpty { what });
            }
        }
        build::city(&mut tx, today, &password_hash).await
    }
    .await;
    match result {
        Ok(mut summary) => {
            tx.commit().await?;
            summary.millis = started.elapsed().as_millis();
            tracing::info!(
                millis = summary.millis,
                bookings = summary.bookings,
                "loaded the demo city"
            );
            Ok(summary)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            // Two servers starting together: the loser trips on a unique name. Say what
            // happened rather than the constraint.
            if !matches!(e, DemoError::AlreadyLoaded) && is_loaded(store).await.unwrap_or(false) {
                return Err(DemoError::AlreadyLoaded);
            }
            Err(e)
        }
    }
}
