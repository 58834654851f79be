//! The email outbox: messages queued in the transaction of the change that causes them, claimed
//! one at a time by delivery workers (on any number of app servers), and kept afterwards as the
//! mailbox staff read in the back office.
//!
//! Guarantees, and where each comes from:
//! - *Nothing is sent for a change that rolled back*: [`enqueue`] runs in the caller's
//!   transaction.
//! - *One message per event*: `event_key` is unique; enqueueing the same key again is a no-op
//!   that returns [`Enqueued::AlreadyQueued`].
//! - *Two workers never hold the same message*: [`claim_next`] is one atomic statement
//!   (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serializes writers).
//! - *A crashed worker does not strand a message*: a claim is a lease (`locked_until`) that
//!   expires; every claim bumps a fencing token ([`Claim::token`]), so a worker that lost its
//!   lease can no longer record an outcome ([`mark_sent`] and [`mark_failed`] return `false`).
//! - *A one-time secret reaches its recipient only*: a message that carries one (a
//!   password-reset token, an invitation code) is stored with [`SECRET_PLACEHOLDER`] in its
//!   text and the secret apart. Only [`claim_next`] returns the secret, to the worker that
//!   delivers the message; [`mark_sent`] and a final [`mark_failed`] erase it in the statement
//!   that records the outcome. [`get`] and [`list`], which every view uses, never read it.
//!
//! The clock is a parameter everywhere (`now`): the worker passes its own, tests pass any.

use crate::sql::{Run, claim_due};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::text::EmailAddress;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A message in the outbox.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct OutboxId(pub i64);

impl std::fmt::Display for OutboxId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for OutboxId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// Where a message stands. `Failed` is final: delivery was refused permanently or every
/// attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 3] = [
        OutboxStatus::Pending,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxStatus> {
        OutboxStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A file sent with a message (e.g. the `.ics` of a booking confirmation).
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // The bytes may be large and may hold personal data: show their size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.content.len())
            .finish()
    }
}

/// Stands for a message's one-time secret in its stored subject, text and HTML. The delivery
/// worker puts the secret in its place ([`fill_secret`]) in the copy it hands to SMTP; every
/// view puts a marker saying it is hidden. It needs no escaping in HTML or in a URL.
pub const SECRET_PLACEHOLDER: &str = "{{onsite-one-time-secret}}";

/// `text` with every [`SECRET_PLACEHOLDER`] replaced by `with`: the secret for the recipient's
/// copy, a "hidden" marker for everyone else.
pub fn fill_secret(text: &str, with: &str) -> String {
    text.replace(SECRET_PLACEHOLDER, with)
}

/// A rendered message to queue.
#[derive(Clone, Copy)]
pub struct NewEmail<'a> {
    /// The idempotency key of the event that caused the message, unique across all messages:
    /// e.g. `booking:42:confirmed:v3`.
    pub event_key: &'a str,
    /// The kind of message (its template folder): `test`, `booking-confirmed`, …
    pub kind: &'a str,
    pub recipient: &'a EmailAddress,
    /// The language tag it was rendered in.
    pub locale: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub attachments: &'a [Attachment],
    /// The one-time secret the message carries to its recipient, if any; the subject and
    /// bodies hold [`SECRET_PLACEHOLDER`] where it goes.
    pub secret: Option<&'a str>,
}

impl std::fmt::Debug for NewEmail<'_> {
    // The secret is for the recipient only: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewEmail")
            .field("event_key", &self.event_key)
            .field("kind", &self.kind)
            .field("recipient", &self.recipient)
            .field("locale", &self.locale)
            .field("subject", &self.subject)
            .field("attachments", &self.attachments)
            .field("secret", &self.secret.map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new message was queued.
    Queued(OutboxId),
    /// A message for this event already exists (queued or sent): nothing was added.
    AlreadyQueued(OutboxId),
}

impl Enqueued {
    pub fn id(self) -> OutboxId {
        match self {
            Enqueued::Queued(id) | Enqueued::AlreadyQueued(id) => id,
        }
    }
}

/// Queues a message, due at `now`. Call it with the transaction of the change that causes the
/// message, so that the message exists if and only if the change commits.
pub async fn enqueue(conn: &mut Conn, email: &NewEmail<'_>, now: Timestamp) -> Result<Enqueued> {
    // ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a failed
    // statement aborts the caller's whole transaction.
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO email_outbox (event_key, kind, recipient, locale, subject, text_body, \
         html_body, status, attempts, next_attempt_at, claim_token, created_at, secret, \
         carries_secret) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, 0, $8, $9, $10) \
         ON CONFLICT (event_key) DO NOTHING RETURNING id",
    )
    .bind(email.event_key)
    .bind(email.kind)
    .bind(email.recipient.as_str())
    .bind(email.locale)
    .bind(email.subject)
    .bind(email.text_body)
    .bind(email.html_body)
    .bind(to_ms(now))
    .bind(email.secret)
    .bind(email.secret.is_some())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = inserted else {
        let existing: i64 = sqlx::query_scalar("SELECT id FROM email_outbox WHERE event_key = $1")
            .bind(email.event_key)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(Enqueued::AlreadyQueued(OutboxId(existing)));
    };
    for a in email.attachments {
        sqlx::query(
            "INSERT INTO email_outbox_attachments (message_id, filename, content_type, content) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(a.content.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    Ok(Enqueued::Queued(OutboxId(id)))
}

/// A worker's hold on a message: the message and the fencing token of this claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub id: OutboxId,
    pub token: i64,
}

/// A claimed message, ready to deliver.
#[derive(Clone)]
pub struct Claimed {
    pub claim: Claim,
    /// The message, with `attempts` already counting this attempt.
    pub message: OutboxMessage,
    /// The one-time secret to put in place of [`SECRET_PLACEHOLDER`] in the copy handed to
    /// the recipient's mail server, and nowhere else. `None` also when the message carries a
    /// secret that is no longer kept ([`SecretState::Erased`]): such a message cannot be
    /// delivered.
    pub secret: Option<String>,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("claim", &self.claim)
            .field("message", &self.message)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Claims the pending message that has been due longest, for `lease`: no other claim can take
/// it until `now + lease`. Counts the attempt at once, so a message that crashes its worker
/// every time still runs out of attempts. `None` when nothing is due.
pub async fn claim_next(
    conn: &mut Conn,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<Claimed>> {
    let queue = ("email_outbox", "status = 'pending'");
    let row = claim_due(conn, queue, "id, claim_token, secret", now, lease).await?;
    let Some(row) = row else { return Ok(None) };
    let claim = Claim {
        id: OutboxId(row.i64("id")?),
        token: row.i64("claim_token")?,
    };
    let secret = row.opt_text("secret")?;
    let message = get(conn, claim.id).await?;
    Ok(Some(Claimed {
        claim,
        message,
        secret,
    }))
}

/// Records that the message was delivered by `transport` (`mailbox`, `smtp`), and erases its
/// one-time secret in the same statement. `false` when the claim was lost (its lease expired
/// and another worker claimed the message): the caller then records nothing, and the other
/// worker's outcome stands.
pub async fn mark_sent(
    conn: &mut Conn,
    claim: Claim,
    transport: &str,
    now: Timestamp,
) -> Result<bool> {
    sqlx::query(
        "UPDATE email_outbox SET status = 'sent', sent_at = $3, transport = $4, locked_until = NULL, \
         secret = NULL \
         WHERE id = $1 AND claim_token = $2 AND status = 'pending'",
    )
    .bind(claim.id.0)
    .bind(claim.token)
    .bind(to_ms(now))
    .bind(transport)
    .changed(conn)
    .await
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Try again from this instant.
    RetryAt(Timestamp),
    /// Never try again (refused permanently, or out of attempts).
    Permanent,
}

/// Records a failed attempt and its error; a final failure also erases the message's one-time
/// secret. `false` when the claim was lost (see [`mark_sent`]).
pub async fn mark_failed(
    conn: &mut Conn,
    claim: Claim,
    error: &str,
    failure: Failure,
) -> Result<bool> {
    let error = truncate(error, 2000);
    let done = match failure {
        Failure::RetryAt(at) => sqlx::query(
            "UPDATE email_outbox SET next_attempt_at = $3, last_error = $4, locked_until = NULL \
                 WHERE id = $1 AND claim_token = $2 AND status = 'pending'",
        )
        .bind(claim.id.0)
        .bind(claim.token)
        .bind(to_ms(at))
        .bind(error)
        .execute(&mut *conn)
        .await?,
        Failure::Permanent => {
            sqlx::query(
                "UPDATE email_outbox SET status = 'failed', last_error = $3, locked_until = NULL, \
                 secret = NULL \
                 WHERE id = $1 AND claim_token = $2 AND status = 'pending'",
            )
            .bind(claim.id.0)
            .bind(claim.token)
            .bind(error)
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Makes a message that was not delivered due at `now` again, with a fresh set of attempts
/// (the back office's "retry now", after fixing the mail settings). A message already sent is
/// never sent again, and one whose one-time secret was erased cannot be: `false` then, as for
/// an unknown id.
pub async fn retry_now(conn: &mut Conn, id: OutboxId, now: Timestamp) -> Result<bool> {
    sqlx::query(
        "UPDATE email_outbox SET status = 'pending', next_attempt_at = $2, attempts = 0 \
         WHERE id = $1 AND status IN ('pending', 'failed') \
           AND (carries_secret = FALSE OR secret IS NOT NULL)",
    )
    .bind(id.0)
    .bind(to_ms(now))
    .changed(conn)
    .await
}

/// Whether a message carries a one-time secret, and whether the outbox still keeps it (never
/// the secret itself: no view can show what it does not have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretState {
    /// The message carries no secret.
    None,
    /// Kept, for the worker that will deliver the message; erased when it is delivered or
    /// fails for good.
    AwaitingDelivery,
    /// Erased: the message was delivered, failed for good, or was stored before secrets were
    /// kept apart (migration 0011). It cannot be sent again.
    Erased,
}

/// A message as stored, with its attachments.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    pub id: OutboxId,
    pub event_key: String,
    pub kind: String,
    pub recipient: EmailAddress,
    pub locale: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attachments: Vec<Attachment>,
    pub secret: SecretState,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub locked_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub transport: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// One line of the mailbox list: everything but the bodies and attachment contents.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxSummary {
    pub id: OutboxId,
    pub event_key: String,
    pub kind: String,
    pub recipient: EmailAddress,
    pub locale: String,
    pub subject: String,
    pub secret: SecretState,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub transport: Option<String>,
    pub attachment_count: i64,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// What the views read. Never the secret: only whether one is carried and still kept.
const SUMMARY_COLUMNS: &str = "m.id, m.event_key, m.kind, m.recipient, m.locale, m.subject, m.status, \
     m.attempts, m.next_attempt_at, m.locked_until, m.last_error, m.transport, m.created_at, m.sent_at, \
     m.carries_secret, (m.secret IS NOT NULL) AS secret_kept, \
     (SELECT COUNT(*) FROM email_outbox_attachments a WHERE a.message_id = m.id) AS attachment_count";

fn secret_state_from_row(r: &AnyRow) -> Result<SecretState> {
    Ok(match (r.bool("carries_secret")?, r.bool("secret_kept")?) {
        (false, _) => SecretState::None,
        (true, true) => SecretState::AwaitingDelivery,
        (true, false) => SecretState::Erased,
    })
}

fn status_from_row(r: &AnyRow) -> Result<OutboxStatus> {
    let s = r.text("status")?;
    OutboxStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("outbox status {s:?}")))
}

fn summary_from_row(r: &AnyRow) -> Result<OutboxSummary> {
    Ok(OutboxSummary {
        id: OutboxId(r.i64("id")?),
        event_key: r.text("event_key")?,
        kind: r.text("kind")?,
        recipient: EmailAddress::parse(&r.text("recipient")?)?,
        locale: r.text("locale")?,
        subject: r.text("subject")?,
        secret: secret_state_from_row(r)?,
        status: status_from_row(r)?,
        attempts: r.i64("attempts")?,
        next_attempt_at: r.ts("next_attempt_at")?,
        last_error: r.opt_text("last_error")?,
        transport: r.opt_text("transport")?,
        attachment_count: r.i64("attachment_count")?,
        created_at: r.ts("created_at")?,
        sent_at: r.opt_ts("sent_at")?,
    })
}

/// Whether a message was queued under an event key starting with `prefix`, which holds no
/// `%` or `_` (the key of a kind of email about one record, e.g. `booking:12:new-time:`).
pub async fn queued_with_prefix(conn: &mut Conn, prefix: &str) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM email_outbox WHERE event_key LIKE $1 LIMIT 1")
            .bind(format!("{prefix}%"))
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// One message in full, with its attachments.
pub async fn get(conn: &mut Conn, id: OutboxId) -> Result<OutboxMessage> {
    let (s, text_body, html_body, locked_until) = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS}, m.text_body, m.html_body FROM email_outbox m WHERE m.id = $1"
    ))
    .bind(id.0)
    .one(conn, |r| {
        Ok((
            summary_from_row(r)?,
            r.text("text_body")?,
            r.text("html_body")?,
            r.opt_ts("locked_until")?,
        ))
    })
    .await?;
    let attachments = sqlx::query(
        "SELECT filename, content_type, content FROM email_outbox_attachments \
         WHERE message_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .all(conn, |a| {
        Ok(Attachment {
            filename: a.text("filename")?,
            content_type: a.text("content_type")?,
            content: a.try_get::<Vec<u8>, _>("content")?,
        })
    })
    .await?;
    Ok(OutboxMessage {
        id: s.id,
        event_key: s.event_key,
        kind: s.kind,
        recipient: s.recipient,
        locale: s.locale,
        subject: s.subject,
        text_body,
        html_body,
        attachments,
        secret: s.secret,
        status: s.status,
        attempts: s.attempts,
        next_attempt_at: s.next_attempt_at,
        locked_until,
        last_error: s.last_error,
        transport: s.transport,
        created_at: s.created_at,
        sent_at: s.sent_at,
    })
}

/// Which messages to list. The default lists everything.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    pub recipient: Option<EmailAddress>,
    pub kind: Option<String>,
}

/// Messages newest first, at most `limit` (clamped to 1…500), older than `before` when given:
/// pass the last id of a page to get the next one (keyset pagination, stable while new
/// messages arrive).
pub async fn list(
    conn: &mut Conn,
    filter: &OutboxFilter,
    limit: i64,
    before: Option<OutboxId>,
) -> Result<Vec<OutboxSummary>> {
    let mut conditions = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if let Some(status) = filter.status {
        args.push(Arg::Text(status.as_str().to_owned()));
        conditions.push(format!("m.status = ${}", args.len()));
    }
    if let Some(recipient) = &filter.recipient {
        args.push(Arg::Text(recipient.as_str().to_owned()));
        conditions.push(format!("m.recipient = ${}", args.len()));
    }
    if let Some(kind) = &filter.kind {
        args.push(Arg::Text(kind.clone()));
        conditions.push(format!("m.kind = ${}", args.len()));
    }
    if let Some(before) = before {
        args.push(Arg::Int(before.0));
        conditions.push(format!("m.id < ${}", args.len()));
    }
    args.push(Arg::Int(limit.clamp(1, 500)));
    let limit_param = args.len();
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM email_outbox m {where_clause} \
         ORDER BY m.id DESC LIMIT ${limit_param}"
    );
    let mut query = sqlx::query(&sql);
    for arg in args {
        query = match arg {
            Arg::Text(s) => query.bind(s),
            Arg::Int(i) => query.bind(i),
        };
    }
    query.all(conn, summary_from_row).await
}

enum Arg {
    Text(String),
    Int(i64),
}

/// How many messages are in each state, and how late the most overdue pending one is (for
/// metrics and the mailbox page's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    /// When the longest-waiting pending message became due.
    pub oldest_due: Option<Timestamp>,
}

pub async fn counts(conn: &mut Conn) -> Result<OutboxCounts> {
    let mut counts = OutboxCounts::default();
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM email_outbox GROUP BY status")
        .fetch_all(&mut *conn)
        .await?;
    for r in &rows {
        let n = r.i64("n")?;
        match status_from_row(r)? {
            OutboxStatus::Pending => counts.pending = n,
            OutboxStatus::Sent => counts.sent = n,
            OutboxStatus::Failed => counts.failed = n,
        }
    }
    let oldest: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM email_outbox WHERE status = 'pending'",
    )
    .fetch_one(&mut *conn)
    .await?;
    counts.oldest_due = oldest.map(crate::from_ms).transpose()?;
    Ok(counts)
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
