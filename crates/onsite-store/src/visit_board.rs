//! The dispatchers' board: every account's visits over a period, with the customer's name,
//! optionally of one technician or in one state; the visits needing attention (flagged by a
//! reassignment, late, or with an inactive technician); and a fingerprint of a period's
//! visits that changes whenever anything the board shows of them changes, whichever server
//! wrote it (the board's live updates poll it). Read-only; the moves through the states go
//! through the booking use cases.

use crate::sql::Run;
use crate::visits::{COLUMNS, JOINS, Visit, visit_from_row};
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::TechnicianId;
use onsite_domain::booking::BookingState;
use sqlx::any::AnyRow;

/// A visit on the board: the visit, the customer it is for, and the technician's note on
/// completing it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardVisit {
    pub visit: Visit,
    pub account_name: String,
    pub completion_note: Option<String>,
}

/// What the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardFilter {
    /// Visits starting in `[from, to)`.
    pub from: Timestamp,
    pub to: Timestamp,
    pub technician: Option<TechnicianId>,
    pub state: Option<BookingState>,
    /// At most this many visits (the page says when there are more).
    pub limit: i64,
}

/// Most visits each part of the attention lane (flagged, late, unassigned) lists: the lane is
/// read on every board view and live refresh, so it never grows with the company's history.
pub const ATTENTION_LIMIT: i64 = 500;

fn select() -> String {
    format!(
        "SELECT {COLUMNS}, ac.name AS account_name, \
         (SELECT bt.note FROM booking_transitions bt \
          WHERE bt.booking_id = b.id AND bt.to_state = 'completed' \
          ORDER BY bt.at DESC, bt.id DESC LIMIT 1) AS completion_note \
         FROM {JOINS} JOIN accounts ac ON ac.id = w.account_id"
    )
}

/// The visits of the period, by start time (then technician), at most `filter.limit` of them.
pub async fn visits(conn: &mut Conn, filter: &BoardFilter) -> Result<Vec<BoardVisit>> {
    // Only the filters given become conditions (PostgreSQL cannot type a bare `$n IS NULL`).
    let mut sql = format!("{} WHERE b.starts_at >= $1 AND b.starts_at < $2", select());
    let mut next = 3;
    if filter.technician.is_some() {
        sql.push_str(&format!(" AND b.technician_id = ${next}"));
        next += 1;
    }
    if filter.state.is_some() {
        sql.push_str(&format!(" AND b.state = ${next}"));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY b.starts_at, t.name, b.id LIMIT ${next}"
    ));
    let mut query = sqlx::query(&sql)
        .bind(to_ms(filter.from))
        .bind(to_ms(filter.to));
    if let Some(t) = filter.technician {
        query = query.bind(t.0);
    }
    if let Some(s) = filter.state {
        query = query.bind(s.as_str());
    }
    query
        .bind(filter.limit.clamp(1, 1000))
        .all(conn, board_visit)
        .await
}

/// The visits flagged for the dispatchers (reassignment found nobody at their time), oldest
/// flag first, with their customer; at most [`ATTENTION_LIMIT`].
pub async fn needing_attention(conn: &mut Conn) -> Result<Vec<BoardVisit>> {
    sqlx::query(&format!(
        "{} WHERE ba.booking_id IS NOT NULL ORDER BY ba.flagged_at, b.id LIMIT $1",
        select()
    ))
    .bind(ATTENTION_LIMIT)
    .all(conn, board_visit)
    .await
}

/// Visits still Scheduled or Traveling although their time started in `[since, now)`: late.
pub async fn late(conn: &mut Conn, since: Timestamp, now: Timestamp) -> Result<Vec<BoardVisit>> {
    sqlx::query(&format!(
        "{} WHERE b.state IN ('scheduled', 'traveling') AND b.starts_at >= $1 \
         AND b.starts_at < $2 ORDER BY b.starts_at, b.id LIMIT $3",
        select()
    ))
    .bind(to_ms(since))
    .bind(to_ms(now))
    .bind(ATTENTION_LIMIT)
    .all(conn, board_visit)
    .await
}

/// Open visits (Scheduled or Traveling, not yet over at `now`) of a technician who is no
/// longer active: nobody will come unless a dispatcher reassigns them.
pub async fn unassigned(conn: &mut Conn, now: Timestamp) -> Result<Vec<BoardVisit>> {
    sqlx::query(&format!(
        "{} WHERE t.active = FALSE AND b.state IN ('scheduled', 'traveling') \
         AND b.ends_at > $1 ORDER BY b.starts_at, b.id LIMIT $2",
        select()
    ))
    .bind(to_ms(now))
    .bind(ATTENTION_LIMIT)
    .all(conn, board_visit)
    .await
}

/// A fingerprint of what the board of `[from, to)` shows: every visit starting in the period
/// (id, technician, state, times, last change), every open attention flag, and the version of
/// the reference data (technicians, their hours and time off). Equal fingerprints mean
/// nothing the board shows changed (a visit's last change carries the writer's clock, and the
/// state, technician and times are compared themselves). Three narrow reads, no joins.
pub async fn fingerprint(conn: &mut Conn, from: Timestamp, to: Timestamp) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    let visits = sqlx::query(
        "SELECT id, technician_id, state, starts_at, ends_at, updated_at FROM bookings \
         WHERE starts_at >= $1 AND starts_at < $2 ORDER BY id",
    )
    .bind(to_ms(from))
    .bind(to_ms(to))
    .all(conn, |r| {
        Ok((
            r.i64("id")?,
            r.i64("technician_id")?,
            r.text("state")?,
            r.i64("starts_at")?,
            r.i64("ends_at")?,
            r.i64("updated_at")?,
        ))
    })
    .await?;
    visits.hash(&mut hasher);
    let flags = sqlx::query(
        "SELECT booking_id, flagged_at FROM booking_attention WHERE resolved_at IS NULL \
         ORDER BY booking_id",
    )
    .all(conn, |r| Ok((r.i64("booking_id")?, r.i64("flagged_at")?)))
    .await?;
    flags.hash(&mut hasher);
    let reference = sqlx::query("SELECT version FROM reference_version WHERE id = 1")
        .optional(conn, |r| r.i64("version"))
        .await?;
    reference.hash(&mut hasher);
    Ok(hasher.finish())
}

fn board_visit(r: &AnyRow) -> Result<BoardVisit> {
    Ok(BoardVisit {
        visit: visit_from_row(r)?,
        account_name: r.text("account_name")?,
        completion_note: r.opt_text("completion_note")?,
    })
}
