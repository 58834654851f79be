//! Onsite's deterministic demo city: Montréal, its boroughs, technicians, customers, assets and
//! ten weeks of visits, dated from the day it is loaded.

use onsite_store::{Store, StoreError};
use std::fmt;

/// The password of every demo sign-in.
pub const PASSWORD: &str = "demo-password";

/// The demo sign-ins and what each one shows, for printing at start.
pub const SIGN_INS: &[(&str, &str)] = &[
    ("customer@demo.test", "customer (self-scheduling): upcoming and past visits"),
    ("approver@demo.test", "customer approver: estimates and a renewal to approve"),
    ("reviewer@demo.test", "customer reviewer: agreements, assets, work orders, invoices"),
    ("partner@demo.test", "partner: distributed opportunities to accept and work"),
    ("technician@demo.test", "technician: today's visits"),
    ("dispatcher@demo.test", "dispatcher: the schedule board and the back office"),
    ("admin@demo.test", "administrator: settings, users and the audit log"),
];

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
}

/// How much was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub territories: usize,
    pub technicians: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} territories, {} technicians", self.territories, self.technicians)
    }
}

/// Loads the demo city dated from `today`, in one transaction.
pub async fn load(_store: &Store, _today: jiff::civil::Date) -> Result<DemoSummary, DemoError> {
    Err(DemoError::NotEmpty { what: "nothing yet: the demo loader is being written" })
}
