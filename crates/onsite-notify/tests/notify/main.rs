//! The onsite-notify suite: rendering, the mailbox transport, and SMTP against a real server
//! process (aiosmtpd, `tests/support/smtp_sink.py`). Store-backed tests run on SQLite and on
//! PostgreSQL (`both_backends!`).

mod booking_emails;
mod mailbox;
mod offered;
mod record_emails;
mod render;
mod sink;
mod smtp;
mod visit_emails;

use jiff::{SignedDuration, Timestamp};
use onsite_notify::{Outcome, Worker};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Steps the worker until nothing is due, returning what each step did.
pub async fn drain(worker: &Worker) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for _ in 0..1000 {
        match worker.try_execute_task().await.expect("worker step") {
            Outcome::NoWork => return outcomes,
            outcome => outcomes.push(outcome),
        }
    }
    panic!("the worker never ran out of work: {outcomes:?}")
}

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
