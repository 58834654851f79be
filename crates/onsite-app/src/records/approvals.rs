//! Approve / Reject (SPEC §8, issue 6): an approver of the account decides on a work order's
//! estimate or an agreement's renewal, with a comment (required to reject).
//!
//! One transaction: the record is read in the approver's scope (another account's or a hidden
//! one is not found), checked against the version the approver saw, moved by a guarded update,
//! the decision is recorded (`approvals`: who, when, comment, version) with an audit event, and
//! every dispatcher is emailed in their language — all or nothing. A second decision on the
//! same version (double click, two approvers) is [`RecordsError::AlreadyDecided`]; a record
//! changed since the approver looked is [`RecordsError::Changed`]; neither writes anything.
//!
//! The moves:
//! - estimate approved → `unscheduled` (ready to book); rejected → `canceled`;
//! - renewal approved → `active`, for the next term: from the day after the current end, for
//!   the same length as the current term (whole years and months kept: a calendar year renews
//!   into the next calendar year); rejected → `active` with its period unchanged: the customer
//!   keeps what they paid for until it ends, and the agreement is not renewed.

use super::{RecordsError, Result};
use crate::context::App;
use crate::policy::{Approver, Grant};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::text::free_text;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AgreementId, InvalidInput, WorkOrderId};
use onsite_i18n::Locale;
use onsite_notify::record_emails::{self, DecidedRecord, DecisionFacts};
use onsite_store::records::approvals::{self as store, Decision, NewApproval};
use onsite_store::records::lists::{self, Agreements, WorkOrders};
use onsite_store::records::{RecordKind, Scope};
use onsite_store::{StoreError, accounts, audit};

/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 2000;

/// What is being decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A work order's estimate.
    WorkOrder(WorkOrderId),
    /// An agreement's renewal.
    Agreement(AgreementId),
}

/// Approve or Reject as the approver submitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub target: Target,
    pub decision: Decision,
    /// Required to reject; optional to approve.
    pub comment: String,
    /// The record's version shown with the buttons (`WorkOrderRow::version`,
    /// `AgreementRow::version`).
    pub seen_version: i64,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub approval_id: i64,
    pub decision: Decision,
    /// The record's status now (`unscheduled`, `canceled`, `active`).
    pub status: &'static str,
    /// For an approved renewal: the new period.
    pub renewed: Option<(Date, Date)>,
    /// How many staff members were emailed.
    pub notified: usize,
}

/// The next term of an agreement that runs `starts_on..=ends_on`: from the day after it ends,
/// for the same length, measured in years, months and days (2025-01-01..=2025-12-31 renews as
/// 2026-01-01..=2026-12-31). `None` if the period is empty or the dates overflow.
pub fn renewal_period(starts_on: Date, ends_on: Date) -> Option<(Date, Date)> {
    let next_start = ends_on.tomorrow().ok()?;
    if next_start <= starts_on {
        return None;
    }
    let length = starts_on.until((jiff::Unit::Year, next_start)).ok()?;
    let next_end = next_start.checked_add(length).ok()?.yesterday().ok()?;
    Some((next_start, next_end))
}

/// Records an approver's decision and tells the staff. See the module documentation.
pub async fn decide(
    app: &App,
    approver: Approver,
    input: &DecisionInput,
    now: Timestamp,
) -> Result<Decided> {
    let account = approver.account;
    let comment = free_text("comment", &input.comment, COMMENT_MAX)?;
    if input.decision == Decision::Rejected && comment.is_none() {
        return Err(InvalidInput::new("comment", "required").into());
    }
    let scope = Scope::customer(account);
    let person = accounts::user_by_id(&mut *app.store.conn().await?, approver.user())
        .await?
        .ok_or(RecordsError::NotAllowed)?;
    let approver_name = if person.display_name.trim().is_empty() {
        person.email.as_str().to_owned()
    } else {
        format!("{} <{}>", person.display_name.trim(), person.email)
    };

    let mut tx = app.store.begin().await?;
    let facts = Facts {
        account,
        scope,
        comment: comment.as_deref(),
        approver_name: &approver_name,
    };
    match decide_in(app, &mut tx, approver, input, &facts, now).await {
        Ok(decided) => {
            tx.commit().await.map_err(StoreError::from)?;
            app.mail_queued();
            Ok(decided)
        }
        Err(e) => {
            // At once rather than when the connection is next used: SQLite's write lock (and
            // any row lock on PostgreSQL) goes with it.
            tx.rollback().await.map_err(StoreError::from)?;
            Err(e)
        }
    }
}

struct Facts<'a> {
    account: onsite_domain::AccountId,
    scope: Scope,
    comment: Option<&'a str>,
    approver_name: &'a str,
}

async fn decide_in(
    app: &App,
    tx: &mut onsite_store::Conn,
    approver: Approver,
    input: &DecisionInput,
    f: &Facts<'_>,
    now: Timestamp,
) -> Result<Decided> {
    let (account, scope, comment, approver_name) = (f.account, f.scope, f.comment, f.approver_name);
    // Read in the approver's scope: what they cannot see cannot be decided.
    let (kind, record_id, version, from, number, title, account_name, period) = match input.target {
        Target::WorkOrder(id) => {
            let w = lists::row::<WorkOrders>(tx, &scope, id).await?;
            let title = w.summary.clone().unwrap_or_else(|| w.service_type.clone());
            (
                RecordKind::WorkOrder,
                id.0,
                w.version,
                w.status.as_str(),
                w.number,
                title,
                w.account_name,
                None,
            )
        }
        Target::Agreement(id) => {
            let a = lists::row::<Agreements>(tx, &scope, id).await?;
            (
                RecordKind::Agreement,
                id.0,
                a.version,
                a.status.as_str(),
                a.number,
                a.name,
                a.account_name,
                Some((a.starts_on, a.ends_on)),
            )
        }
    };
    if version != input.seen_version {
        let decided = store::approval_of_version(tx, kind, record_id, input.seen_version)
            .await?
            .is_some();
        return Err(if decided {
            RecordsError::AlreadyDecided
        } else {
            RecordsError::Changed
        });
    }
    let approved = input.decision == Decision::Approved;
    let (moved, to, renewed) = match input.target {
        Target::WorkOrder(id) => {
            if from != WorkOrderStatus::EstimatePending.as_str() {
                return Err(RecordsError::NotPending);
            }
            let to = if approved {
                WorkOrderStatus::Unscheduled
            } else {
                WorkOrderStatus::Canceled
            };
            let moved =
                store::move_work_order(tx, id, version, WorkOrderStatus::EstimatePending, to, now)
                    .await?;
            (moved, to.as_str(), None)
        }
        Target::Agreement(id) => {
            if from != AgreementStatus::RenewalPending.as_str() {
                return Err(RecordsError::NotPending);
            }
            let renewed = match (approved, period) {
                (true, Some((starts, ends))) => Some(
                    renewal_period(starts, ends).ok_or(InvalidInput::new("ends_on", "order"))?,
                ),
                _ => None,
            };
            let moved = store::move_agreement(
                tx,
                id,
                version,
                AgreementStatus::RenewalPending,
                AgreementStatus::Active,
                renewed,
            )
            .await?;
            (moved, AgreementStatus::Active.as_str(), renewed)
        }
    };
    if !moved {
        // Another server moved it between our read and our write (PostgreSQL; SQLite's write
        // lock makes this unreachable there).
        let decided = store::approval_of_version(tx, kind, record_id, version)
            .await?
            .is_some();
        return Err(if decided {
            RecordsError::AlreadyDecided
        } else {
            RecordsError::Changed
        });
    }
    let mut detail = serde_json::json!({});
    if let (Some((starts, ends)), Some((new_starts, new_ends))) = (period, renewed) {
        detail = serde_json::json!({
            "previous": { "starts_on": starts.to_string(), "ends_on": ends.to_string() },
            "renewed": { "starts_on": new_starts.to_string(), "ends_on": new_ends.to_string() },
        });
    }
    let approval_id = match store::insert_approval(
        tx,
        &NewApproval {
            kind,
            record_id,
            record_version: version,
            account_id: account,
            decision: input.decision,
            comment,
            decided_by: approver.user(),
            decided_by_name: approver_name,
            decided_at: now,
            from_status: from,
            to_status: to,
            detail: &detail,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => return Err(RecordsError::AlreadyDecided),
        Err(e) => return Err(RecordsError::Store(e)),
    };
    audit::record(
        tx,
        Some(approver.user()),
        &format!("{}.{}", kind.as_str(), input.decision.as_str()),
        kind.as_str(),
        Some(record_id),
        &serde_json::json!({
            "approval": approval_id,
            "version": version,
            "from": from,
            "to": to,
        }),
    )
    .await?;

    // Tell the staff, in the transaction: the emails go if and only if the decision stands.
    let (record, path) = match input.target {
        Target::WorkOrder(id) => (DecidedRecord::Estimate, format!("/staff/work-orders/{id}")),
        Target::Agreement(id) => (DecidedRecord::Renewal, format!("/staff/agreements/{id}")),
    };
    let link = app.link(&path);
    let account_zone = onsite_store::accounts::account(tx, account)
        .await
        .ok()
        .and_then(|a| TimeZone::get(a.address.time_zone.as_str()).ok())
        .unwrap_or(TimeZone::UTC);
    let recipients = store::staff_recipients(tx).await?;
    for r in &recipients {
        let locale = Locale::negotiate(r.language.as_deref(), None);
        // The staff member's zone, else the customer's (where the work happens).
        let zone = r
            .time_zone
            .as_deref()
            .and_then(|z| TimeZone::get(z).ok())
            .unwrap_or_else(|| account_zone.clone());
        let email = record_emails::record_decided(
            &r.email,
            locale,
            format!("approval:{approval_id}:{}", r.user_id.0),
            &DecisionFacts {
                record,
                approved,
                number: &number,
                title: &title,
                account: &account_name,
                decided_by: approver_name,
                decided_at: now,
                time_zone: &zone,
                comment,
                renewed_until: renewed.map(|(_, end)| end),
                recipient_name: &r.display_name,
                link: &link,
            },
        )?;
        email.enqueue(tx).await?;
    }
    Ok(Decided {
        approval_id,
        decision: input.decision,
        status: to,
        renewed,
        notified: recipients.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn renewals_take_the_next_term_of_the_same_length() {
        for ((s, e), (ns, ne)) in [
            // A calendar year renews into the next one.
            (
                (date(2025, 1, 1), date(2025, 12, 31)),
                (date(2026, 1, 1), date(2026, 12, 31)),
            ),
            // A quarter into the next quarter.
            (
                (date(2026, 1, 1), date(2026, 3, 31)),
                (date(2026, 4, 1), date(2026, 6, 30)),
            ),
            // A year from mid-month, across a leap day.
            (
                (date(2027, 3, 15), date(2028, 3, 14)),
                (date(2028, 3, 15), date(2029, 3, 14)),
            ),
            // A month into the next month, whatever their lengths.
            (
                (date(2026, 6, 1), date(2026, 6, 30)),
                (date(2026, 7, 1), date(2026, 7, 31)),
            ),
            // Ten days.
            (
                (date(2026, 6, 1), date(2026, 6, 10)),
                (date(2026, 6, 11), date(2026, 6, 20)),
            ),
            // One day.
            (
                (date(2026, 6, 1), date(2026, 6, 1)),
                (date(2026, 6, 2), date(2026, 6, 2)),
            ),
        ] {
            assert_eq!(renewal_period(s, e), Some((ns, ne)), "{s}..{e}");
        }
        assert_eq!(renewal_period(date(2026, 6, 2), date(2026, 6, 1)), None);
        assert_eq!(renewal_period(date(2026, 1, 1), Date::MAX), None);
    }
}
