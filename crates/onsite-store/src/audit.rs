//! The audit log: append-only record of who changed what, and what administrators read of it
//! (a page at a time, newest first, filtered by person, record kind, record and dates).

use crate::records::cursor::{Cursor, KeyKind, Start};
use crate::records::query::{self, Arg, Keyset, Page, SortSpec, Where};
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::audit::AuditEvent;
use onsite_domain::role::Role;
use onsite_domain::{AuditEventId, InvalidInput, UserId};
use sqlx::any::AnyRow;

tokio::task_local! {
    /// The name of the API token the current request authenticated with, if any: every event
    /// recorded while it runs ([`with_token`]) carries it.
    static TOKEN: String;
}

/// Runs `work` (a request made with an API token) so that every event it records names the
/// token. The web edge wraps token requests in it; a use case needs not know.
pub async fn with_token<F: std::future::Future>(name: String, work: F) -> F::Output {
    TOKEN.scope(name, work).await
}

/// Appends an event; call it inside the transaction of the change it records. Within
/// [`with_token`] the event names the token too.
pub async fn record(
    conn: &mut Conn,
    actor: Option<UserId>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &serde_json::Value,
) -> Result<AuditEventId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_events \
         (at, actor_user_id, action, entity, entity_id, detail, api_token_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(to_ms(Timestamp::now()))
    .bind(actor.map(|a| a.0))
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(detail.to_string())
    .bind(TOKEN.try_with(String::clone).ok())
    .fetch_one(&mut *conn)
    .await?;
    Ok(AuditEventId(id))
}

/// What changed between two snapshots of a record (JSON objects of the same fields): each
/// field whose value differs, as `{"from": before, "to": after}` (a field only `after` has comes
/// from `null`). Empty when nothing changed: the detail of an `….update` line.
pub fn changes(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(*v))
        .map(|(k, v)| {
            let was = before.get(k.as_str()).cloned().unwrap_or_default();
            (k.clone(), serde_json::json!({ "from": was, "to": v }))
        })
        .collect()
}

/// The most recent events first, at most `limit`.
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT id, at, actor_user_id, action, entity, entity_id, detail, api_token_name \
         FROM audit_events \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(r: &AnyRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: AuditEventId(r.i64("id")?),
        at: r.ts("at")?,
        actor: r.opt_i64("actor_user_id")?.map(UserId),
        action: r.text("action")?,
        entity: r.text("entity")?,
        entity_id: r.opt_i64("entity_id")?,
        detail: r.text("detail")?,
        via_token: r.opt_text("api_token_name")?,
    })
}

/// Which events an administrator reads. Every field narrows; none is the whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Done by this person.
    pub actor: Option<UserId>,
    /// About this kind of record (`booking`, `work_order`, `setting`…).
    pub entity: Option<String>,
    /// About this record of `entity` (ignored without it).
    pub entity_id: Option<i64>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// The conditions on `audit_events x`, with their arguments.
    fn conditions(&self) -> Where {
        let mut w = Where::new();
        if let Some(actor) = self.actor {
            let p = w.arg(Arg::I64(actor.0));
            w.cond(format!("x.actor_user_id = {p}"));
        }
        if let Some(entity) = &self.entity {
            let p = w.arg(Arg::Text(entity.clone()));
            w.cond(format!("x.entity = {p}"));
            if let Some(id) = self.entity_id {
                let p = w.arg(Arg::I64(id));
                w.cond(format!("x.entity_id = {p}"));
            }
        }
        if let Some(from) = self.from {
            let p = w.arg(Arg::I64(to_ms(from)));
            w.cond(format!("x.at >= {p}"));
        }
        if let Some(until) = self.until {
            let p = w.arg(Arg::I64(to_ms(until)));
            w.cond(format!("x.at < {p}"));
        }
        w
    }
}

/// An event as the log shows it: with the name and email of who did it (`None` for the system,
/// or a person since deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
}

/// Newest first: by instant, then id (both in every index of the log).
static NEWEST_FIRST: SortSpec = SortSpec {
    name: "audit.at",
    expr: "x.at",
    kind: KeyKind::Int,
};

const ENTRY_COLUMNS: &str = "x.id, x.at, x.actor_user_id, x.action, x.entity, x.entity_id, \
     x.detail, x.api_token_name, u.display_name AS actor_name, u.email AS actor_email";

/// Where a page of the log starts, from its `cursor` token (empty: the newest).
pub fn page_start(token: &str) -> std::result::Result<Start, InvalidInput> {
    Cursor::decode(token, NEWEST_FIRST.name, true, NEWEST_FIRST.kind)
}

/// One page of the events matching `filter`, newest first, with the Next / Previous cursors.
/// A keyset page: page 500 costs what page 1 does.
pub async fn page(
    conn: &mut Conn,
    filter: &AuditFilter,
    start: Start,
    limit: u32,
) -> Result<Page<AuditEntry>> {
    query::page(conn, keyset(filter, start, limit), |r| {
        Ok(AuditEntry {
            event: event_from_row(r)?,
            actor_name: r.opt_text("actor_name")?,
            actor_email: r.opt_text("actor_email")?,
        })
    })
    .await
}

/// The engine's plan for a page of the log (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
/// PostgreSQL): how the tests check that every filter walks an index from the cursor.
pub async fn explain_page(
    conn: &mut Conn,
    backend: crate::Backend,
    filter: &AuditFilter,
    start: Start,
) -> Result<Vec<String>> {
    query::explain(conn, backend, &keyset(filter, start, 50)).await
}

fn keyset(filter: &AuditFilter, start: Start, limit: u32) -> Keyset {
    Keyset {
        w: filter.conditions(),
        table: "audit_events",
        columns: ENTRY_COLUMNS.to_owned(),
        joins: "LEFT JOIN users u ON u.id = x.actor_user_id".to_owned(),
        sort: &NEWEST_FIRST,
        descending: true,
        start,
        limit,
    }
}

/// The people who work in the back office (any staff role), by name: the person filter's
/// choices, as (id, name, email).
pub async fn staff_people(conn: &mut Conn) -> Result<Vec<(UserId, String, String)>> {
    let roles = [Role::Technician, Role::Dispatcher, Role::Admin];
    let sql = format!(
        "SELECT u.id, u.display_name, u.email FROM users u WHERE EXISTS (\
           SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({})) \
         ORDER BY LOWER(u.display_name), LOWER(u.email), u.id",
        crate::sql::placeholders(1, roles.len())
    );
    let mut q = sqlx::query(&sql);
    for r in roles {
        q = q.bind(r.as_str());
    }
    q.fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                UserId(r.i64("id")?),
                r.text("display_name")?,
                r.text("email")?,
            ))
        })
        .collect()
}

/// One person's name and email, for a filter naming someone the choices do not list.
pub async fn person(conn: &mut Conn, id: UserId) -> Result<Option<(String, String)>> {
    let row = sqlx::query("SELECT display_name, email FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.text("display_name")?, r.text("email")?)))
        .transpose()
}
