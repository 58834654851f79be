//! The onsite-notify suite: rendering, the mailbox transport, and SMTP against a real server
//! process (aiosmtpd, run by `onsite_testkit::smtp`).
//! Store-backed tests run on SQLite and on PostgreSQL (`both_backends!`).

mod booking_emails;
mod mailbox;
mod offered;
mod record_emails;
mod render;
mod secrets;
mod smtp;
mod visit_emails;

use jiff::{SignedDuration, Timestamp};
use onsite_notify::Worker;
pub use onsite_testkit::smtp::drain;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock the test moves forward: now, plus however much time the test has let pass.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn now(&self) -> Timestamp {
        Timestamp::now() + SignedDuration::from_millis(self.0.load(Ordering::SeqCst))
    }

    /// Lets time pass until `at`.
    pub fn advance_to(&self, at: Timestamp) {
        let ahead = at.as_millisecond() - Timestamp::now().as_millisecond() + 1;
        self.0.fetch_max(ahead, Ordering::SeqCst);
    }

    pub fn install(&self, worker: Worker) -> Worker {
        let clock = self.clone();
        worker.with_clock(move || clock.now())
    }
}
