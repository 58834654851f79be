//! The dispatchers' board: every account's visits over a period, with the customer's name,
//! optionally of one technician or in one state. Read-only; the moves through the states go
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
/// flag first, with their customer.
pub async fn needing_attention(conn: &mut Conn) -> Result<Vec<BoardVisit>> {
    sqlx::query(&format!(
        "{} WHERE ba.booking_id IS NOT NULL ORDER BY ba.flagged_at, b.id",
        select()
    ))
    .all(conn, board_visit)
    .await
}

fn board_visit(r: &AnyRow) -> Result<BoardVisit> {
    Ok(BoardVisit {
        visit: visit_from_row(r)?,
        account_name: r.text("account_name")?,
        completion_note: r.opt_text("completion_note")?,
    })
}
