//! The delivery worker: takes due messages from the outbox one at a time and hands them to the
//! transport, retrying failures with exponential backoff until a bounded number of attempts.
//!
//! Any number of workers (one per app server) can run against one database: the outbox's claim
//! gives each message to one worker at a time (see `onsite_store::outbox`). A worker records
//! the outcome right after the transport answers; the only duplicate left possible is the one
//! described in [`crate::transport`] (accepted by SMTP, worker gone before recording it).
//!
//! [`Worker::try_execute_task`] processes at most one message, so tests (and a CLI) can drive
//! the worker one step at a time; [`Worker::run`] loops over it until shutdown.
//!
//! A message's one-time secret is the worker's to hand to SMTP and to no one else: the claim
//! returns it, the transport puts it in the recipient's copy, and recording the outcome erases
//! it. A message whose secret is gone is never sent without it.

use crate::transport::{SendError, Sender, Transport};
use jiff::{SignedDuration, Timestamp};
use onsite_store::outbox::{self, Claim, Claimed, Failure, OutboxId, SecretState};
use onsite_store::{Store, StoreError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tracing::Instrument;

/// Tuning; the defaults suit production.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// How long an idle worker waits before looking again (a poke through
    /// [`Worker::notifier`] wakes it sooner). Bounds the delay for messages queued by another
    /// app server, whose poke this worker does not hear.
    pub idle_poll: Duration,
    /// How long a claim lasts. A worker that dies holding a message delays that message by up
    /// to this much; a send that takes longer than half of it is abandoned and retried, so it
    /// always finishes well inside its lease.
    pub lease: Duration,
    /// Attempts before giving up. With the default backoff, 15 attempts span 4 to 8 hours: an
    /// SMTP server down for a morning loses nothing.
    pub max_attempts: i64,
    /// Delay after the first failure; doubled after each further one…
    pub retry_base: Duration,
    /// …up to this.
    pub retry_max: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            idle_poll: Duration::from_secs(5),
            lease: Duration::from_secs(10 * 60),
            max_attempts: 15,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(60 * 60),
        }
    }
}

/// What one step of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was due.
    NoWork,
    Sent {
        id: OutboxId,
    },
    /// The attempt failed; the message is due again at `at`.
    RetryLater {
        id: OutboxId,
        at: Timestamp,
        error: String,
    },
    /// Refused for good, or out of attempts: the message is marked failed.
    GaveUp {
        id: OutboxId,
        error: String,
    },
}

type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub struct Worker {
    store: Store,
    sender: Sender,
    notify: Arc<Notify>,
    options: WorkerOptions,
    clock: Clock,
}

impl Worker {
    pub fn new(store: Store, transport: Transport) -> Worker {
        Worker {
            store,
            sender: Sender::new(transport),
            notify: Arc::new(Notify::new()),
            options: WorkerOptions::default(),
            clock: Arc::new(Timestamp::now),
        }
    }

    pub fn with_options(mut self, options: WorkerOptions) -> Worker {
        self.options = options;
        self
    }

    /// Replaces the clock (tests: to let hours of backoff pass at once).
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Worker {
        self.clock = Arc::new(clock);
        self
    }

    /// Poke it (`notify_one`) after committing a transaction that queued email, and the worker
    /// sends it at once instead of at its next poll.
    pub fn notifier(&self) -> Arc<Notify> {
        Arc::clone(&self.notify)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Claims the next due message, if any, and tries to deliver it once.
    pub async fn try_execute_task(&self) -> Result<Outcome, StoreError> {
        let lease =
            SignedDuration::try_from(self.options.lease).unwrap_or(SignedDuration::from_hours(1));
        let claimed = {
            // Only for the claim: no database connection is held while talking to SMTP.
            let mut conn = self.store.conn().await?;
            outbox::claim_next(&mut conn, self.now(), lease).await?
        };
        let Some(Claimed {
            claim,
            message,
            secret,
        }) = claimed
        else {
            return Ok(Outcome::NoWork);
        };
        let span = tracing::info_span!(
            "email",
            id = %claim.id,
            kind = %message.kind,
            event = %message.event_key,
            attempt = message.attempts,
        );
        async move {
            let id = claim.id;
            if message.attempts > self.options.max_attempts {
                // The earlier attempts never recorded an outcome: the worker died during each.
                let error = format!("gave up: {} attempts never finished", message.attempts - 1);
                tracing::error!(%error, "email not sent");
                self.record(claim, Record::Failed(&error, Failure::Permanent)).await?;
                return Ok(Outcome::GaveUp { id, error });
            }
            if message.secret != SecretState::None && secret.is_none() {
                // Sent without it, the message would be of no use to the recipient.
                let error = "its one-time secret is no longer kept; ask for a new link or invitation".to_owned();
                tracing::error!(%error, "email not sent");
                self.record(claim, Record::Failed(&error, Failure::Permanent)).await?;
                return Ok(Outcome::GaveUp { id, error });
            }
            if secret.is_some() && matches!(self.sender, Sender::Mailbox) {
                tracing::warn!(
                    "this email's one-time secret (a password reset or an invitation code) reaches no one with the mailbox transport: it is erased unseen; configure SMTP"
                );
            }
            let deadline = self.options.lease / 2;
            let sending = self.sender.send(&message, secret.as_deref());
            let result = match tokio::time::timeout(deadline, sending).await {
                Ok(result) => result,
                Err(_) => Err(SendError::Transient(format!("no answer within {} s", deadline.as_secs()))),
            };
            match result {
                Ok(answer) => {
                    self.record(claim, Record::Sent).await?;
                    tracing::info!(transport = self.sender.name(), %answer, "email sent");
                    Ok(Outcome::Sent { id })
                }
                Err(SendError::Transient(error)) if message.attempts < self.options.max_attempts => {
                    let delay = retry_delay(message.attempts, &self.options, random());
                    let at = later(self.now(), delay);
                    tracing::warn!(%error, retry_in_s = delay.as_secs(), "email not sent, will retry");
                    self.record(claim, Record::Failed(&error, Failure::RetryAt(at))).await?;
                    Ok(Outcome::RetryLater { id, at, error })
                }
                Err(SendError::Transient(error) | SendError::Permanent(error)) => {
                    tracing::error!(%error, "email not sent, giving up");
                    self.record(claim, Record::Failed(&error, Failure::Permanent)).await?;
                    Ok(Outcome::GaveUp { id, error })
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Records an outcome. A moment's database trouble right after a send must not lose the
    /// fact that it was sent (it would be sent again when the lease expires), so this tries a
    /// few times before giving up.
    async fn record(&self, claim: Claim, record: Record<'_>) -> Result<(), StoreError> {
        let mut wait = Duration::from_millis(200);
        let mut tries = 0;
        loop {
            let result = async {
                let mut conn = self.store.conn().await?;
                match record {
                    Record::Sent => {
                        outbox::mark_sent(&mut conn, claim, self.sender.name(), self.now()).await
                    }
                    Record::Failed(error, failure) => {
                        outbox::mark_failed(&mut conn, claim, error, failure).await
                    }
                }
            }
            .await;
            match result {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    tracing::warn!(
                        "the claim on this email expired before its outcome was recorded"
                    );
                    return Ok(());
                }
                Err(e) if tries < 5 => {
                    tracing::warn!(error = %e, "cannot record the email's outcome yet");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    tries += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Delivers due messages until `shutdown` completes. Between messages it waits up to
    /// `idle_poll`, or until poked. Shutdown is honoured between messages, never in the middle
    /// of one, so the outcome of a send in progress is always recorded.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        tracing::info!(transport = self.sender.name(), "email worker started");
        loop {
            let idle = match self.try_execute_task().await {
                Ok(Outcome::NoWork) => true,
                Ok(_) => false,
                Err(e) => {
                    tracing::error!(error = %e, "email worker cannot use the database");
                    true
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = self.notify.notified(), if idle => {}
                () = tokio::time::sleep(self.options.idle_poll), if idle => {}
                () = std::future::ready(()), if !idle => {}
            }
        }
        tracing::info!("email worker stopped");
    }
}

#[derive(Clone, Copy)]
enum Record<'a> {
    Sent,
    Failed(&'a str, Failure),
}

/// The wait after the `attempts`-th failed attempt: `retry_base × 2^(attempts − 1)`, capped at
/// `retry_max`, of which the second half is random ("equal jitter"), so that messages that
/// failed together (the server went down) do not all come back at the same instant.
pub fn retry_delay(attempts: i64, options: &WorkerOptions, random: u64) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    let nominal = options
        .retry_base
        .saturating_mul(1u32 << doublings)
        .min(options.retry_max);
    let half = nominal / 2;
    let spread = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
    half + Duration::from_millis(random % spread.saturating_add(1))
}

fn random() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

fn later(now: Timestamp, delay: Duration) -> Timestamp {
    SignedDuration::try_from(delay)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_with_jitter_and_is_capped() {
        let o = WorkerOptions::default();
        let ms = |attempts, random| retry_delay(attempts, &o, random).as_millis();
        // First failure: between 15 and 30 seconds.
        assert_eq!(ms(1, 0), 15_000);
        assert_eq!(ms(1, 15_000), 30_000);
        assert_eq!(ms(1, 15_001), 15_000);
        assert!(ms(1, u64::MAX) <= 30_000);
        assert_eq!(ms(2, 0), 30_000);
        assert_eq!(ms(3, 0), 60_000);
        // Capped at one hour, however many attempts.
        assert_eq!(ms(9, 0), 1_800_000);
        assert_eq!(ms(1000, 0), 1_800_000);
        assert!(ms(1000, 12_345_678_901) <= 3_600_000);
        assert_eq!(ms(0, 0), 15_000);
    }

    #[test]
    fn default_attempts_span_a_long_outage() {
        let o = WorkerOptions::default();
        let least: Duration = (1..o.max_attempts).map(|a| retry_delay(a, &o, 0)).sum();
        assert!(least >= Duration::from_secs(4 * 3600), "{least:?}");
    }
}
