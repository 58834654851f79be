//! The dispatchers' board: every account's visits over a period, with the customer's name,
//! optionally of one technician or in one state. Read-only; the moves through the states go
//! through the booking use cases.

use crate::bookings::booking_from_row;
use crate::visits::Visit;
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::booking::BookingState;
use onsite_domain::{AccountId, AssetId, ServiceTypeId, TechnicianId};
use sqlx::any::AnyRow;

/// A visit on the board: the visit and the customer it is for.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardVisit {
    pub visit: Visit,
    pub account_name: String,
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

const SELECT: &str = "SELECT b.id, b.work_order_id, b.technician_id, b.state, b.starts_at, b.ends_at, \
     b.latitude, b.longitude, b.ics_uid, b.ics_sequence, b.cancel_reason, b.arrival_window_end, \
     b.created_at, w.account_id, ac.name AS account_name, w.number, w.summary, w.service_type_id, \
     s.name AS service_type_name, w.asset_id, a.name AS asset_name, t.name AS technician_name, \
     CASE WHEN ba.booking_id IS NULL THEN 0 ELSE 1 END AS needs_new_time \
     FROM bookings b JOIN work_orders w ON w.id = b.work_order_id \
     JOIN accounts ac ON ac.id = w.account_id \
     JOIN service_types s ON s.id = w.service_type_id \
     JOIN technicians t ON t.id = b.technician_id \
     LEFT JOIN assets a ON a.id = w.asset_id \
     LEFT JOIN booking_attention ba ON ba.booking_id = b.id AND ba.resolved_at IS NULL";

/// The visits of the period, by start time (then technician), at most `filter.limit` of them.
pub async fn visits(conn: &mut Conn, filter: &BoardFilter) -> Result<Vec<BoardVisit>> {
    // Only the filters given become conditions (PostgreSQL cannot type a bare `$n IS NULL`).
    let mut sql = format!("{SELECT} WHERE b.starts_at >= $1 AND b.starts_at < $2");
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
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(board_visit)
        .collect()
}

/// The visits flagged for the dispatchers (reassignment found nobody at their time), oldest
/// flag first, with their customer.
pub async fn needing_attention(conn: &mut Conn) -> Result<Vec<BoardVisit>> {
    sqlx::query(&format!(
        "{SELECT} WHERE ba.booking_id IS NOT NULL ORDER BY ba.flagged_at, b.id"
    ))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(board_visit)
    .collect()
}

fn board_visit(r: &AnyRow) -> Result<BoardVisit> {
    Ok(BoardVisit {
        visit: Visit {
            booking: booking_from_row(r)?,
            arrival_window_end: r.opt_ts("arrival_window_end")?,
            booked_at: r.ts("created_at")?,
            account_id: AccountId(r.i64("account_id")?),
            work_order_number: r.text("number")?,
            comments: r.opt_text("summary")?,
            service_type_id: ServiceTypeId(r.i64("service_type_id")?),
            service_type: r.text("service_type_name")?,
            asset_id: r.opt_i64("asset_id")?.map(AssetId),
            asset: r.opt_text("asset_name")?,
            technician_name: r.text("technician_name")?,
            needs_new_time: r.i64("needs_new_time")? != 0,
        },
        account_name: r.text("account_name")?,
    })
}
