//! What a record's detail page shows beyond its own row: the visits of its work orders, what an
//! agreement covers, and a work order's history. Every query keeps the caller's [`Scope`] on
//! the work orders it reads, so a hidden work order's visits stay hidden too.

use super::Scope;
use super::approvals::Decision;
use super::lists::Link;
use super::query::{Arg, Where};
use crate::{Conn, Result, RowExt};
use jiff::Timestamp;
use onsite_domain::booking::BookingState;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AgreementId, AssetId, BookingId, ServiceTypeId, WorkOrderId};

/// Most visits a detail page lists (latest first); the work orders' own pages have the rest.
pub const VISITS_MAX: u32 = 50;
/// Most assets or service types an agreement's page lists as covered.
pub const COVERED_MAX: u32 = 100;
/// Most history entries of one work order.
pub const HISTORY_MAX: u32 = 500;

/// A visit (booking) as a record's page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub booking_id: BookingId,
    pub work_order_id: WorkOrderId,
    pub work_order_number: String,
    pub state: BookingState,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// End of the promised arrival window; `None` = arrival at `starts_at`.
    pub arrival_window_end: Option<Timestamp>,
    pub technician: String,
    pub cancel_reason: Option<String>,
}

/// Whose visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitsOf {
    WorkOrder(WorkOrderId),
    Agreement(AgreementId),
    Asset(AssetId),
}

/// The visits of the scope's work orders of a record, latest first, at most `limit`.
pub async fn visits(
    conn: &mut Conn,
    scope: &Scope,
    of: VisitsOf,
    limit: u32,
) -> Result<Vec<VisitRow>> {
    let mut w = Where::new();
    scope.apply(&mut w);
    let (column, id) = match of {
        VisitsOf::WorkOrder(id) => ("x.id", id.0),
        VisitsOf::Agreement(id) => ("x.agreement_id", id.0),
        VisitsOf::Asset(id) => ("x.asset_id", id.0),
    };
    let p = w.arg(Arg::I64(id));
    w.cond(format!("{column} = {p}"));
    let sql = format!(
        "SELECT b.id, b.work_order_id, x.number, b.state, b.starts_at, b.ends_at, b.arrival_window_end, \
         t.name AS technician_name, b.cancel_reason \
         FROM bookings b JOIN work_orders x ON x.id = b.work_order_id \
         JOIN technicians t ON t.id = b.technician_id \
         WHERE {} ORDER BY b.starts_at DESC, b.id DESC LIMIT {}",
        w.to_sql(),
        limit.clamp(1, VISITS_MAX)
    );
    w.bind(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(VisitRow {
                booking_id: BookingId(r.i64("id")?),
                work_order_id: WorkOrderId(r.i64("work_order_id")?),
                work_order_number: r.text("number")?,
                state: BookingState::parse(&r.text("state")?)?,
                starts_at: r.ts("starts_at")?,
                ends_at: r.ts("ends_at")?,
                arrival_window_end: r.opt_ts("arrival_window_end")?,
                technician: r.text("technician_name")?,
                cancel_reason: r.opt_text("cancel_reason")?,
            })
        })
        .collect()
}

/// What an agreement covers, as far as its work orders say: the distinct assets (that the
/// reader may see) and service types of its work orders in the scope, by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    pub assets: Vec<Link<AssetId>>,
    pub service_types: Vec<Link<ServiceTypeId>>,
}

pub async fn coverage(conn: &mut Conn, scope: &Scope, agreement: AgreementId) -> Result<Coverage> {
    let mut w = Where::new();
    scope.apply(&mut w);
    let p = w.arg(Arg::I64(agreement.0));
    w.cond(format!("x.agreement_id = {p}"));
    let assets_sql = format!(
        "SELECT DISTINCT a.id, a.name FROM work_orders x JOIN assets a ON a.id = x.asset_id AND {} \
         WHERE {} ORDER BY a.name, a.id LIMIT {COVERED_MAX}",
        scope.related("a"),
        w.to_sql()
    );
    let assets = w
        .bind(sqlx::query(&assets_sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Link {
                id: AssetId(r.i64("id")?),
                label: r.text("name")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let types_sql = format!(
        "SELECT DISTINCT s.id, s.name FROM work_orders x JOIN service_types s ON s.id = x.service_type_id \
         WHERE {} ORDER BY s.name, s.id LIMIT {COVERED_MAX}",
        w.to_sql()
    );
    let service_types = w
        .bind(sqlx::query(&types_sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Link {
                id: ServiceTypeId(r.i64("id")?),
                label: r.text("name")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Coverage {
        assets,
        service_types,
    })
}

/// One thing that happened to a work order.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryEvent {
    Opened,
    /// Staff changed its status.
    StatusChanged {
        from: Option<WorkOrderStatus>,
        to: WorkOrderStatus,
    },
    /// The customer's approver decided on its estimate.
    Decided {
        decision: Decision,
        comment: Option<String>,
    },
    /// Staff showed it to the customer, or hid it.
    Exposed(bool),
    /// Staff edited its details.
    Edited,
    /// One of its visits changed state (booked, on the way, started, completed, canceled).
    Visit {
        booking_id: BookingId,
        from: Option<BookingState>,
        to: BookingState,
        note: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at: Timestamp,
    /// Who did it, by display name; `None` for the system or an unnamed user.
    pub actor: Option<String>,
    pub event: HistoryEvent,
}

/// The work order's history, oldest first: its opening, staff changes (audit log), approval
/// decisions, and its visits' state changes. The caller has checked the work order is in scope.
pub async fn work_order_history(conn: &mut Conn, id: WorkOrderId) -> Result<Vec<HistoryEntry>> {
    let mut out = Vec::new();
    let opened: Option<i64> =
        sqlx::query_scalar("SELECT created_at FROM work_orders WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(at) = opened {
        out.push(HistoryEntry {
            at: crate::from_ms(at)?,
            actor: None,
            event: HistoryEvent::Opened,
        });
    }
    let audit = sqlx::query(&format!(
        "SELECT e.at, e.action, e.detail, u.display_name FROM audit_events e \
         LEFT JOIN users u ON u.id = e.actor_user_id \
         WHERE e.entity = 'work_order' AND e.entity_id = $1 ORDER BY e.at, e.id LIMIT {HISTORY_MAX}"
    ))
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    for r in &audit {
        let detail: serde_json::Value =
            serde_json::from_str(&r.text("detail")?).unwrap_or(serde_json::Value::Null);
        let status = |key: &str| {
            detail
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(|s| WorkOrderStatus::parse(s).ok())
        };
        let event = match r.text("action")?.as_str() {
            "work_order.create" => continue, // the Opened entry says it
            "work_order.update" => match (status("from"), status("to")) {
                (from, Some(to)) if from != Some(to) => HistoryEvent::StatusChanged { from, to },
                _ => HistoryEvent::Edited,
            },
            "work_order.expose" => {
                HistoryEvent::Exposed(detail.get("exposed").and_then(|v| v.as_bool()) == Some(true))
            }
            // Decisions come from the approvals table below, with their comment.
            _ => continue,
        };
        out.push(HistoryEntry {
            at: r.ts("at")?,
            actor: named(r.opt_text("display_name")?),
            event,
        });
    }
    for a in super::approvals::approvals_of(conn, super::RecordKind::WorkOrder, id.0).await? {
        out.push(HistoryEntry {
            at: a.decided_at,
            actor: named(Some(a.decided_by_name)),
            event: HistoryEvent::Decided {
                decision: a.decision,
                comment: a.comment,
            },
        });
    }
    let visits = sqlx::query(&format!(
        "SELECT t.booking_id, t.from_state, t.to_state, t.at, t.note, u.display_name \
         FROM booking_transitions t JOIN bookings b ON b.id = t.booking_id \
         LEFT JOIN users u ON u.id = t.actor_user_id \
         WHERE b.work_order_id = $1 ORDER BY t.at, t.id LIMIT {HISTORY_MAX}"
    ))
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    for r in &visits {
        out.push(HistoryEntry {
            at: r.ts("at")?,
            actor: named(r.opt_text("display_name")?),
            event: HistoryEvent::Visit {
                booking_id: BookingId(r.i64("booking_id")?),
                from: r
                    .opt_text("from_state")?
                    .map(|s| BookingState::parse(&s))
                    .transpose()?,
                to: BookingState::parse(&r.text("to_state")?)?,
                note: r.opt_text("note")?,
            },
        });
    }
    // Stable: entries at the same instant keep the order above (opened, staff, decision, visit).
    out.sort_by_key(|e| e.at);
    Ok(out)
}

fn named(name: Option<String>) -> Option<String> {
    name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
}
