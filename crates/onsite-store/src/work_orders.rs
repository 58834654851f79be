//! Work orders: the requests for work at an account, with their status.

use crate::sql::Run;
use crate::visibility::Visibility;
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::work_order::{WorkOrder, WorkOrderStatus};
use onsite_domain::{AccountId, AgreementId, AssetId, ServiceTypeId, WorkOrderId};
use sqlx::any::AnyRow;

pub struct NewWorkOrder<'a> {
    /// Human-facing, unique, e.g. `WO-004211`.
    pub number: &'a str,
    pub account_id: AccountId,
    pub asset_id: Option<AssetId>,
    pub service_type_id: ServiceTypeId,
    pub agreement_id: Option<AgreementId>,
    pub status: WorkOrderStatus,
    pub summary: Option<&'a str>,
    pub expose_to_customer: bool,
    /// When it was opened: now, or the historical date of an imported record.
    pub created_at: Timestamp,
}

pub async fn insert_work_order(conn: &mut Conn, w: &NewWorkOrder<'_>) -> Result<WorkOrderId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_orders (number, account_id, asset_id, service_type_id, agreement_id, status, summary, \
         expose_to_customer, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(w.number)
    .bind(w.account_id.0)
    .bind(w.asset_id.map(|a| a.0))
    .bind(w.service_type_id.0)
    .bind(w.agreement_id.map(|a| a.0))
    .bind(w.status.as_str())
    .bind(w.summary)
    .bind(w.expose_to_customer)
    .bind(to_ms(w.created_at))
    .fetch_one(&mut *conn)
    .await?;
    Ok(WorkOrderId(id))
}

const COLUMNS: &str = "x.id, x.number, x.account_id, x.asset_id, x.service_type_id, x.agreement_id, x.status, \
                       x.summary, x.expose_to_customer";

pub async fn work_order(conn: &mut Conn, id: WorkOrderId) -> Result<WorkOrder> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM work_orders x WHERE x.id = $1"
    ))
    .bind(id.0)
    .one(conn, work_order_from_row)
    .await
}

/// The account's work orders, newest first.
pub async fn work_orders_of_account(
    conn: &mut Conn,
    account: AccountId,
    visibility: Visibility,
) -> Result<Vec<WorkOrder>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM work_orders x WHERE x.account_id = $1 AND {} ORDER BY x.created_at DESC, x.id DESC",
        visibility.condition()
    ))
    .bind(account.0)
    .all(conn, work_order_from_row)
    .await
}

pub async fn set_work_order_status(
    conn: &mut Conn,
    id: WorkOrderId,
    status: WorkOrderStatus,
    at: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE work_orders SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(to_ms(at))
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

fn work_order_from_row(r: &AnyRow) -> Result<WorkOrder> {
    Ok(WorkOrder {
        id: WorkOrderId(r.i64("id")?),
        number: r.text("number")?,
        account_id: AccountId(r.i64("account_id")?),
        asset_id: r.opt_i64("asset_id")?.map(AssetId),
        service_type_id: ServiceTypeId(r.i64("service_type_id")?),
        agreement_id: r.opt_i64("agreement_id")?.map(AgreementId),
        status: WorkOrderStatus::parse(&r.text("status")?)?,
        summary: r.opt_text("summary")?,
        expose_to_customer: r.bool("expose_to_customer")?,
    })
}
