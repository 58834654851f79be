//! The staff's writes to customer records beyond creating them (`insert_*` in the record
//! modules): Expose to Customer, and edits checked against the version the editor saw.
//!
//! An edit with `seen: Some(v)` changes the record only if it is still at version `v`
//! ([`Edit::Changed`] otherwise); the database bumps the version on every update (migration
//! 0006), so whatever changed it meanwhile is noticed.

use super::RecordKind;
use crate::{Conn, Result, StoreError, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus};
use onsite_domain::money::Currency;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AgreementId, AssetId, InvoiceId, ServiceTypeId, WorkOrderId};

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Done,
    /// The record is no longer at the version the editor saw: nothing was written.
    Changed,
}

/// Sets Expose to Customer. [`StoreError::NotFound`] if there is no such record.
pub async fn set_exposed(conn: &mut Conn, kind: RecordKind, id: i64, exposed: bool) -> Result<()> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET expose_to_customer = $1 WHERE id = $2",
        kind.table()
    ))
    .bind(exposed)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The current version and account of a record, if it exists.
pub async fn version_of(
    conn: &mut Conn,
    kind: RecordKind,
    id: i64,
) -> Result<Option<(i64, onsite_domain::AccountId)>> {
    let row: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT version, account_id FROM {} WHERE id = $1",
        kind.table()
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(v, a)| (v, onsite_domain::AccountId(a))))
}

/// Runs a prepared UPDATE with the version check appended, and tells what happened.
async fn guarded<'q>(
    conn: &mut Conn,
    kind: RecordKind,
    id: i64,
    seen: Option<i64>,
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Edit> {
    let done = q.execute(&mut *conn).await?;
    if done.rows_affected() == 1 {
        return Ok(Edit::Done);
    }
    match version_of(conn, kind, id).await? {
        None => Err(StoreError::NotFound),
        Some(_) if seen.is_some() => Ok(Edit::Changed),
        Some(_) => Err(StoreError::Corrupt(format!(
            "{} {id} not updated",
            kind.as_str()
        ))),
    }
}

fn version_clause(seen: Option<i64>, placeholder: usize) -> String {
    match seen {
        Some(_) => format!(" AND version = ${placeholder}"),
        None => String::new(),
    }
}

pub struct AgreementChanges<'a> {
    pub number: &'a str,
    pub name: &'a str,
    pub status: AgreementStatus,
    pub starts_on: Date,
    pub ends_on: Date,
    pub description: Option<&'a str>,
}

pub async fn update_agreement(
    conn: &mut Conn,
    id: AgreementId,
    c: &AgreementChanges<'_>,
    seen: Option<i64>,
) -> Result<Edit> {
    let sql = format!(
        "UPDATE agreements SET number = $1, name = $2, status = $3, starts_on = $4, ends_on = $5, \
         description = $6 WHERE id = $7{}",
        version_clause(seen, 8)
    );
    let mut q = sqlx::query(&sql)
        .bind(c.number)
        .bind(c.name)
        .bind(c.status.as_str())
        .bind(date_text(c.starts_on))
        .bind(date_text(c.ends_on))
        .bind(c.description)
        .bind(id.0);
    if let Some(v) = seen {
        q = q.bind(v);
    }
    guarded(conn, RecordKind::Agreement, id.0, seen, q).await
}

pub struct WorkOrderChanges<'a> {
    pub number: &'a str,
    pub asset_id: Option<AssetId>,
    pub service_type_id: ServiceTypeId,
    pub agreement_id: Option<AgreementId>,
    pub status: WorkOrderStatus,
    pub summary: Option<&'a str>,
}

pub async fn update_work_order(
    conn: &mut Conn,
    id: WorkOrderId,
    c: &WorkOrderChanges<'_>,
    seen: Option<i64>,
    at: Timestamp,
) -> Result<Edit> {
    let sql = format!(
        "UPDATE work_orders SET number = $1, asset_id = $2, service_type_id = $3, agreement_id = $4, \
         status = $5, summary = $6, updated_at = $7 WHERE id = $8{}",
        version_clause(seen, 9)
    );
    let mut q = sqlx::query(&sql)
        .bind(c.number)
        .bind(c.asset_id.map(|a| a.0))
        .bind(c.service_type_id.0)
        .bind(c.agreement_id.map(|a| a.0))
        .bind(c.status.as_str())
        .bind(c.summary)
        .bind(to_ms(at))
        .bind(id.0);
    if let Some(v) = seen {
        q = q.bind(v);
    }
    guarded(conn, RecordKind::WorkOrder, id.0, seen, q).await
}

pub struct AssetChanges<'a> {
    pub parent_id: Option<AssetId>,
    pub name: &'a str,
    pub product: &'a str,
    pub serial_number: Option<&'a str>,
}

/// Whether making `parent` the parent of `id` would put `id` inside its own hierarchy (the
/// parent is `id` itself or one of its components, at any depth).
pub async fn would_cycle(conn: &mut Conn, id: AssetId, parent: AssetId) -> Result<bool> {
    let mut at = Some(parent.0);
    // Hierarchies are a few levels deep; the bound only stops a walk through corrupt data.
    for _ in 0..256 {
        let Some(current) = at else { return Ok(false) };
        if current == id.0 {
            return Ok(true);
        }
        at = sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM assets WHERE id = $1")
            .bind(current)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    }
    Ok(true)
}

/// Edits an asset. A new parent must be of the same account and not inside the asset's own
/// hierarchy (the caller checks both with [`would_cycle`] in the same transaction); the master
/// of the asset and of all its components follows the new parent.
pub async fn update_asset(
    conn: &mut Conn,
    id: AssetId,
    c: &AssetChanges<'_>,
    seen: Option<i64>,
) -> Result<Edit> {
    let master = match c.parent_id {
        None => None,
        Some(parent) => {
            let parent_master: Option<i64> =
                sqlx::query_scalar("SELECT master_id FROM assets WHERE id = $1")
                    .bind(parent.0)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            Some(parent_master.unwrap_or(parent.0))
        }
    };
    let sql = format!(
        "UPDATE assets SET parent_id = $1, master_id = $2, name = $3, product = $4, serial_number = $5 \
         WHERE id = $6{}",
        version_clause(seen, 7)
    );
    let mut q = sqlx::query(&sql)
        .bind(c.parent_id.map(|p| p.0))
        .bind(master)
        .bind(c.name)
        .bind(c.product)
        .bind(c.serial_number)
        .bind(id.0);
    if let Some(v) = seen {
        q = q.bind(v);
    }
    let edit = guarded(conn, RecordKind::Asset, id.0, seen, q).await?;
    if edit == Edit::Done {
        // Every component, level by level, takes the new master (this asset, if it is now a
        // top-level asset).
        let root = master.unwrap_or(id.0);
        let mut level = vec![id.0];
        for _ in 0..256 {
            if level.is_empty() {
                break;
            }
            let list: Vec<String> = (2..level.len() + 2).map(|n| format!("${n}")).collect();
            let sql = format!(
                "UPDATE assets SET master_id = $1 WHERE parent_id IN ({}) RETURNING id",
                list.join(", ")
            );
            let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(root);
            for l in &level {
                q = q.bind(*l);
            }
            level = q.fetch_all(&mut *conn).await?;
        }
    }
    Ok(edit)
}

pub struct InvoiceChanges<'a> {
    pub number: &'a str,
    pub work_order_id: Option<WorkOrderId>,
    pub agreement_id: Option<AgreementId>,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub issued_on: Date,
    pub due_on: Date,
    /// Replace every line, in this order.
    pub lines: &'a [InvoiceLine],
}

pub async fn update_invoice(
    conn: &mut Conn,
    id: InvoiceId,
    c: &InvoiceChanges<'_>,
    seen: Option<i64>,
) -> Result<Edit> {
    let sql = format!(
        "UPDATE invoices SET number = $1, work_order_id = $2, agreement_id = $3, status = $4, currency = $5, \
         issued_on = $6, due_on = $7 WHERE id = $8{}",
        version_clause(seen, 9)
    );
    let mut q = sqlx::query(&sql)
        .bind(c.number)
        .bind(c.work_order_id.map(|w| w.0))
        .bind(c.agreement_id.map(|a| a.0))
        .bind(c.status.as_str())
        .bind(c.currency.as_str())
        .bind(date_text(c.issued_on))
        .bind(date_text(c.due_on))
        .bind(id.0);
    if let Some(v) = seen {
        q = q.bind(v);
    }
    let edit = guarded(conn, RecordKind::Invoice, id.0, seen, q).await?;
    if edit == Edit::Done {
        sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        crate::invoices::insert_lines(conn, id, c.lines).await?;
    }
    Ok(edit)
}

/// Active agreements whose end date is before `today` become expired (a renewal still waiting
/// for the customer stays pending: approving it renews from the day after the old end).
/// Returns how many expired. Idempotent: any number of servers may run it.
pub async fn expire_ended_agreements(conn: &mut Conn, today: Date) -> Result<u64> {
    let done = sqlx::query("UPDATE agreements SET status = $1 WHERE status = $2 AND ends_on < $3")
        .bind(AgreementStatus::Expired.as_str())
        .bind(AgreementStatus::Active.as_str())
        .bind(date_text(today))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
