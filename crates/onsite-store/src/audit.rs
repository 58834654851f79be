//! The audit log: append-only record of who changed what.

use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::audit::AuditEvent;
use onsite_domain::{AuditEventId, UserId};

/// Appends an event; call it inside the transaction of the change it records.
pub async fn record(
    conn: &mut Conn,
    actor: Option<UserId>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &serde_json::Value,
) -> Result<AuditEventId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_events (at, actor_user_id, action, entity, entity_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(to_ms(Timestamp::now()))
    .bind(actor.map(|a| a.0))
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(detail.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(AuditEventId(id))
}

/// The most recent events first, at most `limit`.
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT id, at, actor_user_id, action, entity, entity_id, detail FROM audit_events \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEvent {
                id: AuditEventId(r.i64("id")?),
                at: r.ts("at")?,
                actor: r.opt_i64("actor_user_id")?.map(UserId),
                action: r.text("action")?,
                entity: r.text("entity")?,
                entity_id: r.opt_i64("entity_id")?,
                detail: r.text("detail")?,
            })
        })
        .collect()
}
