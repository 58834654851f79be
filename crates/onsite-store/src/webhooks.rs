//! Webhooks: the endpoints administrators register, and the deliveries of events to them —
//! queued in the transaction of the change that caused the event, claimed one at a time by
//! delivery workers on any number of app servers, and kept as each endpoint's delivery log.
//!
//! The guarantees are the email outbox's (`outbox.rs`), for the same reasons:
//! - *Nothing is sent for a change that rolled back*: [`enqueue`] runs in the caller's
//!   transaction.
//! - *One delivery per event and endpoint*: `(event_id, endpoint_id)` is unique, and queueing
//!   an event whose id was queued before adds nothing.
//! - *Two workers never hold the same delivery*: [`claim_next`] is one statement
//!   (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serializes writers).
//! - *A crashed worker does not strand a delivery*: a claim is a lease; each claim bumps a
//!   fencing token, so a worker that lost its lease cannot record an outcome ([`record`]
//!   answers `false`).
//!
//! A paused endpoint gets no new events; what was queued for it waits until it is resumed.

use crate::sql::{Run, claim_due};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::webhook::{EventType, WebhookUrl};
use sqlx::any::AnyRow;

macro_rules! webhook_id {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }
    )*};
}

webhook_id!(
    /// An administrator's endpoint.
    EndpointId,
    /// One event to one endpoint.
    DeliveryId
);

/// An endpoint as stored, with the secret that signs its deliveries.
#[derive(Clone, PartialEq)]
pub struct Endpoint {
    pub id: EndpointId,
    pub url: WebhookUrl,
    pub description: String,
    pub active: bool,
    /// In the order of [`EventType::ALL`].
    pub events: Vec<EventType>,
    pub secret: String,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("active", &self.active)
            .field("events", &self.events)
            .field("secret", &"***")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// An endpoint in the list, with its deliveries waiting and given up.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub endpoint: Endpoint,
    pub pending: i64,
    pub failed: i64,
}

/// What an administrator sets on an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct EndpointFields<'a> {
    pub url: &'a WebhookUrl,
    pub description: &'a str,
    pub active: bool,
    pub events: &'a [EventType],
}

const ENDPOINT_COLUMNS: &str =
    "e.id, e.url, e.description, e.active, e.secret, e.version, e.created_at, e.updated_at";

fn endpoint_from_row(r: &AnyRow) -> Result<Endpoint> {
    let url = r.text("url")?;
    Ok(Endpoint {
        id: EndpointId(r.i64("id")?),
        url: WebhookUrl::parse(&url)
            .map_err(|e| StoreError::Corrupt(format!("webhook url {url:?}: {e}")))?,
        description: r.text("description")?,
        active: r.bool("active")?,
        events: Vec::new(),
        secret: r.text("secret")?,
        version: r.i64("version")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

async fn events_of(conn: &mut Conn, id: EndpointId) -> Result<Vec<EventType>> {
    let names =
        sqlx::query("SELECT event_type FROM webhook_endpoint_events WHERE endpoint_id = $1")
            .bind(id.0)
            .all(conn, |r| r.text("event_type"))
            .await?;
    // Types a later version no longer has are left out rather than refused.
    Ok(EventType::ALL
        .into_iter()
        .filter(|t| names.iter().any(|n| n == t.as_str()))
        .collect())
}

async fn write_events(conn: &mut Conn, id: EndpointId, events: &[EventType]) -> Result<()> {
    sqlx::query("DELETE FROM webhook_endpoint_events WHERE endpoint_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for t in events {
        sqlx::query(
            "INSERT INTO webhook_endpoint_events (endpoint_id, event_type) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(t.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every endpoint, oldest first, with its counts.
pub async fn endpoints(conn: &mut Conn) -> Result<Vec<Listed>> {
    let rows = sqlx::query(&format!(
        "SELECT {ENDPOINT_COLUMNS}, \
         (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending, \
         (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed \
         FROM webhook_endpoints e ORDER BY e.id"
    ))
    .all(conn, |r| {
        Ok(Listed {
            endpoint: endpoint_from_row(r)?,
            pending: r.i64("pending")?,
            failed: r.i64("failed")?,
        })
    })
    .await?;
    let mut listed = Vec::with_capacity(rows.len());
    for mut l in rows {
        l.endpoint.events = events_of(conn, l.endpoint.id).await?;
        listed.push(l);
    }
    Ok(listed)
}

/// One endpoint; [`StoreError::NotFound`] without it.
pub async fn endpoint(conn: &mut Conn, id: EndpointId) -> Result<Endpoint> {
    let mut e = sqlx::query(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.id = $1"
    ))
    .bind(id.0)
    .one(conn, endpoint_from_row)
    .await?;
    e.events = events_of(conn, id).await?;
    Ok(e)
}

/// Adds an endpoint signing with `secret`.
pub async fn insert_endpoint(
    conn: &mut Conn,
    fields: &EndpointFields<'_>,
    secret: &str,
    now: Timestamp,
) -> Result<EndpointId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, description, active, secret, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(fields.url.as_str())
    .bind(fields.description)
    .bind(fields.active)
    .bind(secret)
    .bind(to_ms(now))
    .fetch_one(&mut *conn)
    .await?;
    let id = EndpointId(id);
    write_events(conn, id, fields.events).await?;
    Ok(id)
}

/// Changes an endpoint from the version its form showed: `false` when someone changed it
/// since (nothing written), [`StoreError::NotFound`] when it is gone.
pub async fn update_endpoint(
    conn: &mut Conn,
    id: EndpointId,
    seen_version: i64,
    fields: &EndpointFields<'_>,
    now: Timestamp,
) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE webhook_endpoints SET url = $3, description = $4, active = $5, updated_at = $6, \
         version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(id.0)
    .bind(seen_version)
    .bind(fields.url.as_str())
    .bind(fields.description)
    .bind(fields.active)
    .bind(to_ms(now))
    .changed(conn)
    .await?;
    if !changed {
        endpoint(conn, id).await?;
        return Ok(false);
    }
    write_events(conn, id, fields.events).await?;
    Ok(true)
}

/// Replaces an endpoint's signing secret (from the next attempt on, every delivery is signed
/// with the new one).
pub async fn set_secret(
    conn: &mut Conn,
    id: EndpointId,
    secret: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE webhook_endpoints SET secret = $2, updated_at = $3, version = version + 1 \
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(secret)
    .bind(to_ms(now))
    .changed_or_not_found(conn)
    .await
}

/// Deletes an endpoint with its delivery log.
pub async fn delete_endpoint(conn: &mut Conn, id: EndpointId) -> Result<()> {
    // Explicitly, not only by the cascade: SQLite enforces it only with foreign keys on.
    for sql in [
        "DELETE FROM webhook_deliveries WHERE endpoint_id = $1",
        "DELETE FROM webhook_endpoint_events WHERE endpoint_id = $1",
    ] {
        sqlx::query(sql).bind(id.0).execute(&mut *conn).await?;
    }
    sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

/// An event to queue: its unique id, its type and the exact body every attempt sends.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub id: &'a str,
    pub event_type: EventType,
    pub body: &'a str,
}

/// Queues `event` for every active endpoint that wants its type, due at `now`: how many
/// deliveries were queued. Call it in the transaction of the change that causes the event.
/// An event whose id was queued before adds nothing (0).
pub async fn enqueue(conn: &mut Conn, event: &NewEvent<'_>, now: Timestamp) -> Result<u64> {
    // One statement whether or not anyone listens: most changes have no endpoint to reach.
    // `WHERE` before `ON CONFLICT` is also what lets SQLite parse an upsert from a SELECT.
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (event_id, event_type, endpoint_id, body, status, \
         attempts, next_attempt_at, claim_token, created_at) \
         SELECT $1, ee.event_type, e.id, $3, 'pending', 0, $4, 0, $4 \
         FROM webhook_endpoint_events ee JOIN webhook_endpoints e ON e.id = ee.endpoint_id \
         WHERE ee.event_type = $2 AND e.active = TRUE \
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries q WHERE q.event_id = $1) \
         ON CONFLICT (event_id, endpoint_id) DO NOTHING",
    )
    .bind(event.id)
    .bind(event.event_type.as_str())
    .bind(event.body)
    .bind(to_ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// A worker's hold on a delivery: the delivery and the fencing token of this claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub id: DeliveryId,
    pub token: i64,
}

/// A claimed delivery, with what sending it needs.
#[derive(Clone)]
pub struct Claimed {
    pub claim: Claim,
    pub event_id: String,
    pub event_type: String,
    pub body: String,
    /// Counting this attempt.
    pub attempts: i64,
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("claim", &self.claim)
            .field("event_id", &self.event_id)
            .field("attempts", &self.attempts)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Claims the pending delivery to an active endpoint that has been due longest, for `lease`,
/// and counts the attempt. `None` when nothing is due.
pub async fn claim_next(
    conn: &mut Conn,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<Claimed>> {
    let queue = (
        "webhook_deliveries",
        "status = 'pending' AND endpoint_id IN \
         (SELECT a.id FROM webhook_endpoints a WHERE a.active = TRUE)",
    );
    let Some(row) = claim_due(conn, queue, "id, claim_token", now, lease).await? else {
        return Ok(None);
    };
    let claim = Claim {
        id: DeliveryId(row.i64("id")?),
        token: row.i64("claim_token")?,
    };
    sqlx::query(
        "SELECT d.event_id, d.event_type, d.body, d.attempts, e.url, e.secret \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.id = $1",
    )
    .bind(claim.id.0)
    .one(conn, |r| {
        Ok(Some(Claimed {
            claim,
            event_id: r.text("event_id")?,
            event_type: r.text("event_type")?,
            body: r.text("body")?,
            attempts: r.i64("attempts")?,
            url: r.text("url")?,
            secret: r.text("secret")?,
        }))
    })
    .await
}

/// What one attempt got: the HTTP status, if an answer came, what went wrong, if anything, and
/// the start of the answer's body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attempt<'a> {
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub excerpt: Option<&'a str>,
}

/// Where a delivery goes after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(Timestamp),
    GiveUp,
}

/// The longest error and response excerpt kept.
pub const EXCERPT_MAX: usize = 500;

/// Records an attempt's outcome under the claim: `false` when the claim was lost (its lease
/// expired and another worker claimed the delivery), and then nothing is written.
pub async fn record(
    conn: &mut Conn,
    claim: Claim,
    attempt: &Attempt<'_>,
    next: Next,
    now: Timestamp,
) -> Result<bool> {
    let (status, next_at, delivered_at) = match next {
        Next::Delivered => ("delivered", None, Some(to_ms(now))),
        Next::RetryAt(at) => ("pending", Some(to_ms(at)), None),
        Next::GiveUp => ("failed", None, None),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $3, \
         next_attempt_at = COALESCE($4, next_attempt_at), delivered_at = COALESCE($5, delivered_at), \
         last_attempt_at = $6, last_status_code = $7, last_error = $8, response_excerpt = $9, \
         locked_until = NULL \
         WHERE id = $1 AND claim_token = $2 AND status = 'pending'",
    )
    .bind(claim.id.0)
    .bind(claim.token)
    .bind(status)
    .bind(next_at)
    .bind(delivered_at)
    .bind(to_ms(now))
    .bind(attempt.status_code.map(i64::from))
    .bind(attempt.error.map(|e| truncate(e, EXCERPT_MAX)))
    .bind(attempt.excerpt.map(|e| truncate(e, EXCERPT_MAX)))
    .changed(conn)
    .await
}

/// "Redeliver": makes a delivery of `endpoint` due at `now` with a fresh set of attempts,
/// whatever its state, unless a worker is sending it right now. `false` then, or when there is
/// no such delivery.
pub async fn redeliver(
    conn: &mut Conn,
    endpoint: EndpointId,
    id: DeliveryId,
    now: Timestamp,
) -> Result<bool> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, attempts = 0, \
         locked_until = NULL \
         WHERE id = $1 AND endpoint_id = $2 \
           AND NOT (status = 'pending' AND locked_until IS NOT NULL AND locked_until > $3)",
    )
    .bind(id.0)
    .bind(endpoint.0)
    .bind(to_ms(now))
    .changed(conn)
    .await
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Given up after the last attempt; "Redeliver" starts it again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<DeliveryStatus> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// A line of an endpoint's delivery log.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub endpoint_id: EndpointId,
    pub event_id: String,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_attempt_at: Option<Timestamp>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub response_excerpt: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

fn delivery_from_row(r: &AnyRow) -> Result<Delivery> {
    let status = r.text("status")?;
    Ok(Delivery {
        id: DeliveryId(r.i64("id")?),
        endpoint_id: EndpointId(r.i64("endpoint_id")?),
        event_id: r.text("event_id")?,
        event_type: r.text("event_type")?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery status {status:?}")))?,
        attempts: r.i64("attempts")?,
        next_attempt_at: r.ts("next_attempt_at")?,
        last_attempt_at: r.opt_ts("last_attempt_at")?,
        last_status_code: r.opt_i64("last_status_code")?,
        last_error: r.opt_text("last_error")?,
        response_excerpt: r.opt_text("response_excerpt")?,
        created_at: r.ts("created_at")?,
        delivered_at: r.opt_ts("delivered_at")?,
    })
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, status, attempts, \
     next_attempt_at, last_attempt_at, last_status_code, last_error, response_excerpt, \
     created_at, delivered_at";

/// An endpoint's deliveries, newest first, at most `limit` (1…500), older than `before` when
/// given (keyset pages).
pub async fn deliveries(
    conn: &mut Conn,
    endpoint: EndpointId,
    limit: i64,
    before: Option<DeliveryId>,
) -> Result<Vec<Delivery>> {
    sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
         WHERE endpoint_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(endpoint.0)
    .bind(before.map_or(i64::MAX, |b| b.0))
    .bind(limit.clamp(1, 500))
    .all(conn, delivery_from_row)
    .await
}

/// Every delivery of the event `event_id` (tests and support: who got what).
pub async fn deliveries_of_event(conn: &mut Conn, event_id: &str) -> Result<Vec<Delivery>> {
    sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE event_id = $1 ORDER BY id"
    ))
    .bind(event_id)
    .all(conn, delivery_from_row)
    .await
}

/// One delivery of `endpoint`; [`StoreError::NotFound`] otherwise.
pub async fn delivery(conn: &mut Conn, endpoint: EndpointId, id: DeliveryId) -> Result<Delivery> {
    sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2"
    ))
    .bind(id.0)
    .bind(endpoint.0)
    .one(conn, delivery_from_row)
    .await
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
