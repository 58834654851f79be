//! The customer's approval decisions: the guarded moves of the record, the `approvals` rows
//! (who, when, comment, on which version), and who on the staff hears about them.
//!
//! A move is one `UPDATE … WHERE id = $ AND status = <pending> AND version = <seen>`: a record
//! that was decided, edited or moved since the approver looked changes nothing (the caller then
//! tells which). The `approvals` table's unique `(record_kind, record_id, record_version)`
//! refuses a second decision on the same version even from hand-made SQL.

use super::RecordKind;
use crate::{Conn, Result, RowExt, StoreError, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::text::EmailAddress;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, AgreementId, InvalidInput, UserId, WorkOrderId};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        match s {
            "approved" => Ok(Decision::Approved),
            "rejected" => Ok(Decision::Rejected),
            _ => Err(InvalidInput::new("decision", "unknown")),
        }
    }
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub id: i64,
    pub kind: RecordKind,
    pub record_id: i64,
    /// The version of the record the approver decided on.
    pub record_version: i64,
    pub account_id: AccountId,
    pub decision: Decision,
    pub comment: Option<String>,
    /// `None` once the user is deleted; the name stays.
    pub decided_by: Option<UserId>,
    pub decided_by_name: String,
    pub decided_at: Timestamp,
    pub from_status: String,
    pub to_status: String,
    /// JSON, e.g. an agreement's previous and renewed period.
    pub detail: String,
}

pub struct NewApproval<'a> {
    pub kind: RecordKind,
    pub record_id: i64,
    pub record_version: i64,
    pub account_id: AccountId,
    pub decision: Decision,
    pub comment: Option<&'a str>,
    pub decided_by: UserId,
    pub decided_by_name: &'a str,
    pub decided_at: Timestamp,
    pub from_status: &'a str,
    pub to_status: &'a str,
    pub detail: &'a serde_json::Value,
}

/// Records a decision; call it in the transaction of the move. A decision already recorded for
/// that version is [`StoreError::Conflict`].
pub async fn insert_approval(conn: &mut Conn, a: &NewApproval<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (record_kind, record_id, record_version, account_id, decision, comment, \
         decided_by, decided_by_name, decided_at, from_status, to_status, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(a.kind.as_str())
    .bind(a.record_id)
    .bind(a.record_version)
    .bind(a.account_id.0)
    .bind(a.decision.as_str())
    .bind(a.comment)
    .bind(a.decided_by.0)
    .bind(a.decided_by_name)
    .bind(to_ms(a.decided_at))
    .bind(a.from_status)
    .bind(a.to_status)
    .bind(a.detail.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const COLUMNS: &str = "id, record_kind, record_id, record_version, account_id, decision, comment, decided_by, \
                       decided_by_name, decided_at, from_status, to_status, detail";

/// Every decision on a record, oldest first.
pub async fn approvals_of(conn: &mut Conn, kind: RecordKind, id: i64) -> Result<Vec<Approval>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE record_kind = $1 AND record_id = $2 ORDER BY decided_at, id"
    ))
    .bind(kind.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(approval_from_row)
    .collect()
}

/// The decision made on this version of the record, if any.
pub async fn approval_of_version(
    conn: &mut Conn,
    kind: RecordKind,
    id: i64,
    version: i64,
) -> Result<Option<Approval>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE record_kind = $1 AND record_id = $2 AND record_version = $3"
    ))
    .bind(kind.as_str())
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(approval_from_row)
    .transpose()
}

fn approval_from_row(r: &AnyRow) -> Result<Approval> {
    let kind = match r.text("record_kind")?.as_str() {
        "work_order" => RecordKind::WorkOrder,
        "agreement" => RecordKind::Agreement,
        other => return Err(StoreError::Corrupt(format!("approval of a {other}"))),
    };
    Ok(Approval {
        id: r.i64("id")?,
        kind,
        record_id: r.i64("record_id")?,
        record_version: r.i64("record_version")?,
        account_id: AccountId(r.i64("account_id")?),
        decision: Decision::parse(&r.text("decision")?)?,
        comment: r.opt_text("comment")?,
        decided_by: r.opt_i64("decided_by")?.map(UserId),
        decided_by_name: r.text("decided_by_name")?,
        decided_at: r.ts("decided_at")?,
        from_status: r.text("from_status")?,
        to_status: r.text("to_status")?,
        detail: r.text("detail")?,
    })
}

/// Moves a work order from `from` to `to` if it is still at version `seen` and in `from`.
/// Returns whether it moved.
pub async fn move_work_order(
    conn: &mut Conn,
    id: WorkOrderId,
    seen: i64,
    from: WorkOrderStatus,
    to: WorkOrderStatus,
    at: Timestamp,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE work_orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 AND version = $5",
    )
    .bind(to.as_str())
    .bind(to_ms(at))
    .bind(id.0)
    .bind(from.as_str())
    .bind(seen)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an agreement from `from` to `to` if it is still at version `seen` and in `from`,
/// setting its period to `period` when given (a renewal). Returns whether it moved.
pub async fn move_agreement(
    conn: &mut Conn,
    id: AgreementId,
    seen: i64,
    from: AgreementStatus,
    to: AgreementStatus,
    period: Option<(Date, Date)>,
) -> Result<bool> {
    let done =
        match period {
            Some((starts, ends)) => {
                sqlx::query(
                    "UPDATE agreements SET status = $1, starts_on = $2, ends_on = $3 \
                 WHERE id = $4 AND status = $5 AND version = $6",
                )
                .bind(to.as_str())
                .bind(date_text(starts))
                .bind(date_text(ends))
                .bind(id.0)
                .bind(from.as_str())
                .bind(seen)
                .execute(&mut *conn)
                .await?
            }
            None => sqlx::query(
                "UPDATE agreements SET status = $1 WHERE id = $2 AND status = $3 AND version = $4",
            )
            .bind(to.as_str())
            .bind(id.0)
            .bind(from.as_str())
            .bind(seen)
            .execute(&mut *conn)
            .await?,
        };
    Ok(done.rows_affected() == 1)
}

/// A staff member told about a customer's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRecipient {
    pub user_id: UserId,
    pub email: EmailAddress,
    pub display_name: String,
    /// Preferred language tag, if set.
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

/// Who on the staff hears about customer decisions: every enabled dispatcher who accepts email;
/// if there is none, every such admin (a decision must reach someone). By id.
pub async fn staff_recipients(conn: &mut Conn) -> Result<Vec<StaffRecipient>> {
    for role in ["dispatcher", "admin"] {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.language, u.time_zone FROM users u \
             JOIN user_roles r ON r.user_id = u.id AND r.role = $1 \
             WHERE u.disabled = FALSE AND u.notify_email = TRUE ORDER BY u.id",
        )
        .bind(role)
        .fetch_all(&mut *conn)
        .await?;
        if !rows.is_empty() {
            return rows
                .iter()
                .map(|r| {
                    Ok(StaffRecipient {
                        user_id: UserId(r.i64("id")?),
                        email: EmailAddress::parse(&r.text("email")?)?,
                        display_name: r.text("display_name")?,
                        language: r.opt_text("language")?,
                        time_zone: r.opt_text("time_zone")?,
                    })
                })
                .collect();
        }
    }
    Ok(Vec::new())
}
