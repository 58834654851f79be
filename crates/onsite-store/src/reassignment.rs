//! Background reassignment: the queue of jobs "a technician's availability changed, look at
//! their future visits", and the flags on visits nobody could take over.
//!
//! Jobs are claimed like the email outbox: [`claim_next`] is one atomic statement (`FOR UPDATE
//! SKIP LOCKED` on PostgreSQL; SQLite serializes writers), a claim is a lease that expires if
//! its worker dies, and every claim bumps a fencing token so a worker that lost its lease cannot
//! record an outcome. A job is idempotent (it only moves visits the technician can no longer
//! make), so the rare second run after a lost lease does no harm.

use crate::sql::{Run, claim_due, lease_end};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::{BookingId, TechnicianId, UserId};

/// What changed about the technician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeReason {
    TimeOff,
    Territories,
    Skills,
    Inactive,
    /// The weekly hours, an exception or the time zone: the working periods moved.
    WorkingHours,
}

impl ChangeReason {
    pub const ALL: [ChangeReason; 5] = [
        ChangeReason::TimeOff,
        ChangeReason::Territories,
        ChangeReason::Skills,
        ChangeReason::Inactive,
        ChangeReason::WorkingHours,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeReason::TimeOff => "time_off",
            ChangeReason::Territories => "territories",
            ChangeReason::Skills => "skills",
            ChangeReason::Inactive => "inactive",
            ChangeReason::WorkingHours => "working_hours",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("reassignment reason {s:?}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub i64);

/// A job held by one worker until `locked_until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: JobId,
    /// The fencing token of this claim.
    pub token: i64,
    pub technician_id: TechnicianId,
    pub reason: ChangeReason,
    pub requested_by: Option<UserId>,
    /// Attempts started, this one included.
    pub attempts: i64,
}

/// Queues a job; call it in the transaction of the change, so the job exists if and only if the
/// change commits.
pub async fn enqueue(
    conn: &mut Conn,
    technician: TechnicianId,
    reason: ChangeReason,
    requested_by: Option<UserId>,
    now: Timestamp,
) -> Result<JobId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reassignment_jobs (technician_id, reason, requested_by, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(technician.0)
    .bind(reason.as_str())
    .bind(requested_by.map(|u| u.0))
    .bind(to_ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(JobId(id))
}

/// Claims the oldest due job nobody holds, for `lease`.
pub async fn claim_next(
    conn: &mut Conn,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<ClaimedJob>> {
    let queue = ("reassignment_jobs", "done_at IS NULL");
    let row = claim_due(conn, queue, CLAIMED, now, lease).await?;
    row.as_ref().map(claimed_from_row).transpose()
}

/// Claims one given job (to run it right after the change that queued it), if it is still
/// open and nobody holds it.
pub async fn claim(
    conn: &mut Conn,
    id: JobId,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<ClaimedJob>> {
    sqlx::query(&format!(
        "UPDATE reassignment_jobs \
         SET attempts = attempts + 1, claim_token = claim_token + 1, locked_until = $2 \
         WHERE id = $3 AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= $1) \
         RETURNING {CLAIMED}"
    ))
    .bind(to_ms(now))
    .bind(lease_end(now, lease)?)
    .bind(id.0)
    .optional(conn, claimed_from_row)
    .await
}

/// The columns [`claimed_from_row`] reads.
const CLAIMED: &str = "id, claim_token, technician_id, reason, requested_by, attempts";

fn claimed_from_row(r: &sqlx::any::AnyRow) -> Result<ClaimedJob> {
    Ok(ClaimedJob {
        id: JobId(r.i64("id")?),
        token: r.i64("claim_token")?,
        technician_id: TechnicianId(r.i64("technician_id")?),
        reason: ChangeReason::parse(&r.text("reason")?)?,
        requested_by: r.opt_i64("requested_by")?.map(UserId),
        attempts: r.i64("attempts")?,
    })
}

/// Marks the job done with what the run did (`report`, the caller's JSON). `false` when the
/// claim was lost (its lease expired and another worker claimed the job): that worker's run
/// stands.
pub async fn mark_done(
    conn: &mut Conn,
    job: &ClaimedJob,
    now: Timestamp,
    report: &str,
) -> Result<bool> {
    sqlx::query(
        "UPDATE reassignment_jobs SET done_at = $1, locked_until = NULL, last_error = NULL, \
         report = $4 WHERE id = $2 AND claim_token = $3 AND done_at IS NULL",
    )
    .bind(to_ms(now))
    .bind(job.id.0)
    .bind(job.token)
    .bind(report)
    .changed(conn)
    .await
}

/// Where a job stands, for the page of the change that queued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    pub id: JobId,
    pub technician_id: TechnicianId,
    pub reason: ChangeReason,
    /// Run to the end (else still due, or running).
    pub done: bool,
    /// What the run did (the JSON given to [`mark_done`]); `None` while it has not run.
    pub report: Option<String>,
}

/// The jobs among `ids` that exist, by id.
pub async fn jobs(conn: &mut Conn, ids: &[JobId]) -> Result<Vec<JobState>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, technician_id, reason, report, done_at FROM reassignment_jobs \
         WHERE id IN ({}) ORDER BY id",
        crate::sql::placeholders(1, ids.len())
    );
    let args: Vec<i64> = ids.iter().map(|j| j.0).collect();
    crate::sql::rows(conn, &sql, &args)
        .await?
        .iter()
        .map(|r| {
            let done = r.opt_i64("done_at")?.is_some();
            Ok(JobState {
                id: JobId(r.i64("id")?),
                technician_id: TechnicianId(r.i64("technician_id")?),
                reason: ChangeReason::parse(&r.text("reason")?)?,
                done,
                report: if done { r.opt_text("report")? } else { None },
            })
        })
        .collect()
}

/// Records a failed run; the job becomes due again at `retry_at`.
pub async fn mark_failed(
    conn: &mut Conn,
    job: &ClaimedJob,
    error: &str,
    retry_at: Timestamp,
) -> Result<bool> {
    sqlx::query(
        "UPDATE reassignment_jobs SET locked_until = NULL, last_error = $1, next_attempt_at = $2 \
         WHERE id = $3 AND claim_token = $4 AND done_at IS NULL",
    )
    .bind(error)
    .bind(to_ms(retry_at))
    .bind(job.id.0)
    .bind(job.token)
    .changed(conn)
    .await
}

/// Jobs not done yet (due or not, held or not).
pub async fn open_jobs(conn: &mut Conn) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM reassignment_jobs WHERE done_at IS NULL")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Flags a visit for the dispatchers (again, if it was flagged and resolved before). Returns
/// whether it was not flagged already.
pub async fn flag(
    conn: &mut Conn,
    booking: BookingId,
    reason: &str,
    now: Timestamp,
) -> Result<bool> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT booking_id FROM booking_attention WHERE booking_id = $1 AND resolved_at IS NULL",
    )
    .bind(booking.0)
    .fetch_optional(&mut *conn)
    .await?;
    if open.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO booking_attention (booking_id, reason, flagged_at) VALUES ($1, $2, $3) \
         ON CONFLICT (booking_id) DO UPDATE SET reason = excluded.reason, \
         flagged_at = excluded.flagged_at, resolved_at = NULL",
    )
    .bind(booking.0)
    .bind(reason)
    .bind(to_ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Clears a visit's flag (it was moved, reassigned or canceled). Returns whether it was flagged.
pub async fn resolve(conn: &mut Conn, booking: BookingId, now: Timestamp) -> Result<bool> {
    sqlx::query(
        "UPDATE booking_attention SET resolved_at = $1 WHERE booking_id = $2 AND resolved_at IS NULL",
    )
    .bind(to_ms(now))
    .bind(booking.0)
    .changed(conn)
    .await
}

/// The visits overlapping `[from, to)` that are flagged and not resolved: those waiting for a
/// new time (the dispatcher's day at a glance counts them).
pub async fn flagged_between(
    conn: &mut Conn,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<BookingId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT a.booking_id FROM booking_attention a JOIN bookings b ON b.id = a.booking_id \
         WHERE a.resolved_at IS NULL AND b.state <> 'canceled' AND b.starts_at < $1 \
         AND b.ends_at > $2 ORDER BY a.booking_id",
    )
    .bind(to_ms(to))
    .bind(to_ms(from))
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(BookingId).collect())
}
