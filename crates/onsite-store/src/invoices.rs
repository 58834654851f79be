//! Invoices and their lines. Totals are never stored: they are computed from the lines by
//! [`onsite_domain::invoice::totals`], so they cannot drift from them.

use crate::records::lists::invoice_lines;
use crate::sql::Run;
use crate::visibility::Visibility;
use crate::{Conn, Result, RowExt, StoreError, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::invoice::{Invoice, InvoiceLine, InvoiceStatus};
use onsite_domain::money::Currency;
use onsite_domain::{AccountId, AgreementId, InvoiceId, WorkOrderId};
use sqlx::any::AnyRow;

pub struct NewInvoice<'a> {
    /// Human-facing, unique, e.g. `INV-2026-00042`.
    pub number: &'a str,
    pub account_id: AccountId,
    pub work_order_id: Option<WorkOrderId>,
    pub agreement_id: Option<AgreementId>,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub issued_on: Date,
    pub due_on: Date,
    pub lines: &'a [InvoiceLine],
    pub expose_to_customer: bool,
}

/// Inserts the invoice and its lines (in the given order).
pub async fn insert_invoice(conn: &mut Conn, i: &NewInvoice<'_>) -> Result<InvoiceId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (number, account_id, work_order_id, agreement_id, status, currency, issued_on, \
         due_on, expose_to_customer, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(i.number)
    .bind(i.account_id.0)
    .bind(i.work_order_id.map(|w| w.0))
    .bind(i.agreement_id.map(|a| a.0))
    .bind(i.status.as_str())
    .bind(i.currency.as_str())
    .bind(date_text(i.issued_on))
    .bind(date_text(i.due_on))
    .bind(i.expose_to_customer)
    .bind(to_ms(Timestamp::now()))
    .fetch_one(&mut *conn)
    .await?;
    insert_lines(conn, InvoiceId(id), i.lines).await?;
    Ok(InvoiceId(id))
}

/// Adds these lines to an invoice that has none, numbered 1, 2, … in their order: all in one
/// statement (one round trip per invoice, not per line).
pub(crate) async fn insert_lines(
    conn: &mut Conn,
    id: InvoiceId,
    lines: &[InvoiceLine],
) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_price_minor, \
         tax_rate_milli_percent) VALUES ",
    );
    for n in 0..lines.len() {
        let p = n * 6;
        if n > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6
        ));
    }
    let mut q = sqlx::query(&sql);
    for (n, line) in lines.iter().enumerate() {
        q = q
            .bind(id.0)
            .bind(n as i64 + 1)
            .bind(line.description.as_str())
            .bind(line.quantity_milli)
            .bind(line.unit_price_minor)
            .bind(line.tax_rate_milli_percent);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

const COLUMNS: &str = "x.id, x.number, x.account_id, x.work_order_id, x.agreement_id, x.status, x.currency, \
                       x.issued_on, x.due_on, x.expose_to_customer";

/// The invoice with its lines.
pub async fn invoice(conn: &mut Conn, id: InvoiceId) -> Result<Invoice> {
    select(conn, "x.id = $1", id.0)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The account's invoices with their lines, newest first, in two queries.
pub async fn invoices_of_account(
    conn: &mut Conn,
    account: AccountId,
    visibility: Visibility,
) -> Result<Vec<Invoice>> {
    select(
        conn,
        &format!("x.account_id = $1 AND {}", visibility.condition()),
        account.0,
    )
    .await
}

pub async fn set_invoice_status(
    conn: &mut Conn,
    id: InvoiceId,
    status: InvoiceStatus,
) -> Result<()> {
    sqlx::query("UPDATE invoices SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

async fn select(conn: &mut Conn, cond: &str, arg: i64) -> Result<Vec<Invoice>> {
    let mut invoices = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invoices x WHERE {cond} ORDER BY x.issued_on DESC, x.id DESC"
    ))
    .bind(arg)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(invoice_from_row)
    .collect::<Result<Vec<_>>>()?;
    let ids: Vec<InvoiceId> = invoices.iter().map(|i| i.id).collect();
    let mut lines = invoice_lines(conn, &ids).await?;
    for inv in &mut invoices {
        inv.lines = lines.remove(&inv.id).unwrap_or_default();
    }
    Ok(invoices)
}

fn invoice_from_row(r: &AnyRow) -> Result<Invoice> {
    Ok(Invoice {
        id: InvoiceId(r.i64("id")?),
        number: r.text("number")?,
        account_id: AccountId(r.i64("account_id")?),
        work_order_id: r.opt_i64("work_order_id")?.map(WorkOrderId),
        agreement_id: r.opt_i64("agreement_id")?.map(AgreementId),
        status: InvoiceStatus::parse(&r.text("status")?)?,
        currency: Currency::parse(&r.text("currency")?)?,
        issued_on: r.date("issued_on")?,
        due_on: r.date("due_on")?,
        lines: Vec::new(),
        expose_to_customer: r.bool("expose_to_customer")?,
    })
}
