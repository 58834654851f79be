//! Visits as the portal shows them: each booking with what a person recognizes it by (its work
//! order number, service type, asset and technician names, the first and third only as far as
//! the reader may see those records) and whether it waits for a new time.
//! Also the few writes the booking use cases need around a visit: the work order's number and
//! who to tell about a visit.

use crate::bookings::booking_from_row;
use crate::sql::Run;
use crate::visibility::Visibility;
use crate::{Conn, Result, RowExt, StoreError};
use jiff::Timestamp;
use onsite_domain::booking::Booking;
use onsite_domain::{AccountId, AssetId, BookingId, ServiceTypeId, UserId, WorkOrderId};
use sqlx::any::AnyRow;

/// A booking with the names it is shown with.
///
/// What names its work order and its asset (the work order's number, its summary — the
/// customer's comments —, the asset's name) is read through [`Visit::records`], which asks who
/// is reading: a portal user sees each only while staff expose that record to the customer,
/// as in the records lists ([`Visibility`]). Every page, answer and email about a visit goes
/// through it, so none can show a hidden record.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub booking: Booking,
    /// End of the promised arrival window; `None` = arrival at `starts_at`.
    pub arrival_window_end: Option<Timestamp>,
    pub booked_at: Timestamp,
    pub account_id: AccountId,
    pub service_type_id: ServiceTypeId,
    pub service_type: String,
    /// The visit's asset, whether or not the customer may see it: its required skills count
    /// when the visit is moved.
    pub asset_id: Option<AssetId>,
    pub technician_name: String,
    /// Reassignment found nobody for its time: the customer was asked to pick a new one.
    pub needs_new_time: bool,
    pub(crate) work_order_number: String,
    pub(crate) summary: Option<String>,
    pub(crate) work_order_exposed: bool,
    pub(crate) asset: Option<String>,
    pub(crate) asset_exposed: bool,
}

/// A visit's work order and asset as one reader may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitRecords<'a> {
    /// The work order's number; `None` while it is hidden from the reader.
    pub work_order_number: Option<&'a str>,
    /// The customer's comments when booking (the work order's summary), if the reader may
    /// see the work order.
    pub comments: Option<&'a str>,
    /// The asset's name; `None` without an asset or while it is hidden from the reader.
    pub asset: Option<&'a str>,
}

impl Visit {
    /// The visit's work order and asset as a reader with `visibility` may see them.
    pub fn records(&self, visibility: Visibility) -> VisitRecords<'_> {
        let work_order = visibility.shows(self.work_order_exposed);
        VisitRecords {
            work_order_number: work_order.then_some(self.work_order_number.as_str()),
            comments: self.summary.as_deref().filter(|_| work_order),
            asset: self
                .asset
                .as_deref()
                .filter(|_| visibility.shows(self.asset_exposed)),
        }
    }
}

/// The columns of [`visit_from_row`] (booking `b`, work order `w`, service type `s`, asset
/// `a`, technician `t`, attention flag `ba`), and the joins that give them.
pub(crate) const COLUMNS: &str = "b.id, b.work_order_id, b.technician_id, b.state, b.starts_at, \
     b.ends_at, b.latitude, b.longitude, b.ics_uid, b.ics_sequence, b.cancel_reason, \
     b.arrival_window_end, b.created_at, w.account_id, w.number, w.summary, \
     w.expose_to_customer AS work_order_exposed, w.service_type_id, \
     s.name AS service_type_name, w.asset_id, a.name AS asset_name, \
     COALESCE(a.expose_to_customer, FALSE) AS asset_exposed, t.name AS technician_name, \
     CASE WHEN ba.booking_id IS NULL THEN 0 ELSE 1 END AS needs_new_time";
pub(crate) const JOINS: &str = "bookings b JOIN work_orders w ON w.id = b.work_order_id \
     JOIN service_types s ON s.id = w.service_type_id \
     JOIN technicians t ON t.id = b.technician_id \
     LEFT JOIN assets a ON a.id = w.asset_id \
     LEFT JOIN booking_attention ba ON ba.booking_id = b.id AND ba.resolved_at IS NULL";

/// Every visit of the account's work orders, by start time.
pub async fn visits_of_account(conn: &mut Conn, account: AccountId) -> Result<Vec<Visit>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {JOINS} WHERE w.account_id = $1 ORDER BY b.starts_at, b.id"
    ))
    .bind(account.0)
    .all(conn, visit_from_row)
    .await
}

/// One visit, whatever its account: callers scope it (another account's visit is answered as
/// not found).
pub async fn visit(conn: &mut Conn, id: BookingId) -> Result<Visit> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM {JOINS} WHERE b.id = $1"))
        .bind(id.0)
        .one(conn, visit_from_row)
        .await
}

/// Visits waiting for the dispatchers: reassignment found nobody at their time. Oldest flag
/// first.
pub async fn needing_attention(conn: &mut Conn) -> Result<Vec<Visit>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {JOINS} WHERE ba.booking_id IS NOT NULL ORDER BY ba.flagged_at, b.id"
    ))
    .all(conn, visit_from_row)
    .await
}

pub(crate) fn visit_from_row(r: &AnyRow) -> Result<Visit> {
    Ok(Visit {
        booking: booking_from_row(r)?,
        arrival_window_end: r.opt_ts("arrival_window_end")?,
        booked_at: r.ts("created_at")?,
        account_id: AccountId(r.i64("account_id")?),
        service_type_id: ServiceTypeId(r.i64("service_type_id")?),
        service_type: r.text("service_type_name")?,
        asset_id: r.opt_i64("asset_id")?.map(AssetId),
        technician_name: r.text("technician_name")?,
        needs_new_time: r.i64("needs_new_time")? != 0,
        work_order_number: r.text("number")?,
        summary: r.opt_text("summary")?,
        work_order_exposed: r.bool("work_order_exposed")?,
        asset: r.opt_text("asset_name")?,
        asset_exposed: r.bool("asset_exposed")?,
    })
}

/// Gives a work order created with a provisional number its permanent one, `WO-` and its id on
/// six digits (the numbering the demo and imports use), and returns it. Numbering by id needs no
/// counter that concurrent bookings would fight over; should an imported record already hold
/// that number, a suffix keeps it unique.
pub async fn number_work_order(conn: &mut Conn, id: WorkOrderId) -> Result<String> {
    let base = format!("WO-{:06}", id.0);
    let mut n = 1_u64;
    loop {
        let number = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        // One statement in the usual case (the number is free): this runs inside every
        // booking's transaction.
        let done = sqlx::query(
            "UPDATE work_orders SET number = $1 WHERE id = $2 \
             AND NOT EXISTS (SELECT 1 FROM work_orders o WHERE o.number = $1)",
        )
        .bind(&number)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(number);
        }
        if n == 1 {
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_orders WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *conn)
                .await?;
            if exists == 0 {
                return Err(StoreError::NotFound);
            }
        }
        n += 1;
    }
}

/// Who hears about a visit the customer did not change themselves (a dispatcher's cancel, a
/// reassignment): the portal user who booked it, if they still belong to the visit's account
/// and are not disabled; otherwise the account's first self-scheduling user.
pub async fn customer_of_booking(conn: &mut Conn, id: BookingId) -> Result<Option<UserId>> {
    let booker: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM booking_transitions bt \
         JOIN users u ON u.id = bt.actor_user_id \
         JOIN contacts c ON c.id = u.contact_id \
         JOIN bookings b ON b.id = bt.booking_id \
         JOIN work_orders w ON w.id = b.work_order_id \
         WHERE bt.booking_id = $1 AND bt.from_state IS NULL AND c.account_id = w.account_id \
         AND u.disabled = FALSE ORDER BY bt.id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(user) = booker {
        return Ok(Some(UserId(user)));
    }
    let fallback: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM bookings b JOIN work_orders w ON w.id = b.work_order_id \
         JOIN contacts c ON c.account_id = w.account_id \
         JOIN users u ON u.contact_id = c.id \
         JOIN user_roles r ON r.user_id = u.id AND r.role = 'self-scheduling' \
         WHERE b.id = $1 AND u.disabled = FALSE ORDER BY u.id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(fallback.map(UserId))
}
