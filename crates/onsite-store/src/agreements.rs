//! Service agreements of customer accounts.

use crate::sql::Run;
use crate::visibility::Visibility;
use crate::{Conn, Result, RowExt, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::agreement::{Agreement, AgreementStatus};
use onsite_domain::{AccountId, AgreementId};
use sqlx::any::AnyRow;

pub struct NewAgreement<'a> {
    /// Human-facing, unique, e.g. `AGR-00042`.
    pub number: &'a str,
    pub account_id: AccountId,
    pub name: &'a str,
    pub status: AgreementStatus,
    pub starts_on: Date,
    pub ends_on: Date,
    pub description: Option<&'a str>,
    pub expose_to_customer: bool,
}

pub async fn insert_agreement(conn: &mut Conn, a: &NewAgreement<'_>) -> Result<AgreementId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agreements (number, account_id, name, status, starts_on, ends_on, description, \
         expose_to_customer, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.number)
    .bind(a.account_id.0)
    .bind(a.name)
    .bind(a.status.as_str())
    .bind(date_text(a.starts_on))
    .bind(date_text(a.ends_on))
    .bind(a.description)
    .bind(a.expose_to_customer)
    .bind(to_ms(Timestamp::now()))
    .fetch_one(&mut *conn)
    .await?;
    Ok(AgreementId(id))
}

const COLUMNS: &str = "x.id, x.number, x.account_id, x.name, x.status, x.starts_on, x.ends_on, x.description, x.expose_to_customer";

pub async fn agreement(conn: &mut Conn, id: AgreementId) -> Result<Agreement> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM agreements x WHERE x.id = $1"
    ))
    .bind(id.0)
    .one(conn, agreement_from_row)
    .await
}

/// The account's agreements, latest ending first.
pub async fn agreements_of_account(
    conn: &mut Conn,
    account: AccountId,
    visibility: Visibility,
) -> Result<Vec<Agreement>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM agreements x WHERE x.account_id = $1 AND {} ORDER BY x.ends_on DESC, x.id DESC",
        visibility.condition()
    ))
    .bind(account.0)
    .all(conn, agreement_from_row)
    .await
}

pub async fn set_agreement_status(
    conn: &mut Conn,
    id: AgreementId,
    status: AgreementStatus,
) -> Result<()> {
    sqlx::query("UPDATE agreements SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

fn agreement_from_row(r: &AnyRow) -> Result<Agreement> {
    Ok(Agreement {
        id: AgreementId(r.i64("id")?),
        number: r.text("number")?,
        account_id: AccountId(r.i64("account_id")?),
        name: r.text("name")?,
        status: AgreementStatus::parse(&r.text("status")?)?,
        starts_on: r.date("starts_on")?,
        ends_on: r.date("ends_on")?,
        description: r.opt_text("description")?,
        expose_to_customer: r.bool("expose_to_customer")?,
    })
}
