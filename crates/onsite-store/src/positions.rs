//! Technicians' positions (Track my technician) and the personal tokens their tracking apps post
//! them with. Positions are written in batches ([`insert_positions`], one statement per up to
//! [`BATCH_ROWS`] rows) by the app's group-commit writer; the live map reads the latest one of
//! a technician since a moment ([`latest_since`]); housekeeping deletes old ones
//! ([`purge_before`]).

use crate::sql::Run;
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::TechnicianId;
use sqlx::any::AnyRow;

/// Rows per INSERT statement: 10 parameters each keeps a statement far below SQLite's limit of
/// 32,766 parameters.
pub const BATCH_ROWS: usize = 500;

/// Where a position came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The technician page (the browser's geolocation).
    Browser,
    /// OwnTracks in HTTP mode.
    OwnTracks,
    /// Traccar Client or any OsmAnd-protocol device.
    OsmAnd,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Browser => "browser",
            Source::OwnTracks => "owntracks",
            Source::OsmAnd => "osmand",
        }
    }
}

/// A position as stored (validated by the caller: in range, finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub technician_id: TechnicianId,
    /// The device's time of the fix.
    pub recorded_at: Timestamp,
    /// When the server received it.
    pub received_at: Timestamp,
    pub latitude: f64,
    pub longitude: f64,
    /// Radius in metres, when the device says.
    pub accuracy_m: Option<f64>,
    pub speed_kmh: Option<f64>,
    /// Degrees clockwise from north.
    pub heading_deg: Option<f64>,
    pub source: Source,
}

/// Stores positions: one multi-row INSERT per [`BATCH_ROWS`]. Run it in the caller's
/// transaction so that a batch is stored whole or not at all. The optional numbers must not be
/// negative (the caller validated them).
pub async fn insert_positions(conn: &mut Conn, positions: &[Position]) -> Result<()> {
    for chunk in positions.chunks(BATCH_ROWS) {
        let mut sql = String::from(
            "INSERT INTO positions (technician_id, recorded_at, received_at, latitude, longitude, \
             accuracy_m, speed_kmh, heading_deg, source) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 9;
            if i > 0 {
                sql.push_str(", ");
            }
            // The optional numbers are bound as -1 when absent (they are never negative) and
            // stored as NULL: sqlx's `Any` types a NULL parameter differently from a number,
            // and PostgreSQL refuses a prepared statement whose parameter changed type.
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, NULLIF(${}, -1), NULLIF(${}, -1), NULLIF(${}, -1), ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        let mut query = sqlx::query(&sql);
        for p in chunk {
            query = query
                .bind(p.technician_id.0)
                .bind(to_ms(p.recorded_at))
                .bind(to_ms(p.received_at))
                .bind(p.latitude)
                .bind(p.longitude)
                .bind(p.accuracy_m.unwrap_or(-1.0))
                .bind(p.speed_kmh.unwrap_or(-1.0))
                .bind(p.heading_deg.unwrap_or(-1.0))
                .bind(p.source.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores a batch in a transaction of its own on `conn`, a connection the caller keeps (the
/// app's position writer). The first statement writes, so SQLite takes the write lock at
/// once (waiting up to the busy timeout) without the read-then-write upgrade that needs
/// `BEGIN IMMEDIATE`.
pub async fn insert_batch(conn: &mut Conn, positions: &[Position]) -> Result<()> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    insert_positions(&mut tx, positions).await?;
    tx.commit().await?;
    Ok(())
}

const SELECT: &str = "SELECT technician_id, recorded_at, received_at, latitude, longitude, \
     accuracy_m, speed_kmh, heading_deg, source FROM positions";

fn position_from_row(row: &AnyRow) -> Result<Position> {
    // SQLite hands back a REAL that happens to be whole as an integer.
    let opt_f64 = |col: &str| -> Result<Option<f64>> {
        match sqlx::Row::try_get::<Option<f64>, _>(row, col) {
            Ok(v) => Ok(v),
            Err(_) => Ok(row.opt_i64(col)?.map(|v| v as f64)),
        }
    };
    Ok(Position {
        technician_id: TechnicianId(row.i64("technician_id")?),
        recorded_at: row.ts("recorded_at")?,
        received_at: row.ts("received_at")?,
        latitude: row.f64("latitude")?,
        longitude: row.f64("longitude")?,
        accuracy_m: opt_f64("accuracy_m")?,
        speed_kmh: opt_f64("speed_kmh")?,
        heading_deg: opt_f64("heading_deg")?,
        source: match row.text("source")?.as_str() {
            "owntracks" => Source::OwnTracks,
            "osmand" => Source::OsmAnd,
            _ => Source::Browser,
        },
    })
}

/// The technician's latest position (by the device's time) recorded at or after `since`.
pub async fn latest_since(
    conn: &mut Conn,
    technician: TechnicianId,
    since: Timestamp,
) -> Result<Option<Position>> {
    sqlx::query(&format!(
        "{SELECT} WHERE technician_id = $1 AND recorded_at >= $2 \
         ORDER BY recorded_at DESC, id DESC LIMIT 1"
    ))
    .bind(technician.0)
    .bind(to_ms(since))
    .optional(conn, position_from_row)
    .await
}

/// How many positions of the technician are stored (tests, the benchmark).
pub async fn count(conn: &mut Conn, technician: Option<TechnicianId>) -> Result<i64> {
    let n: i64 = match technician {
        Some(t) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM positions WHERE technician_id = $1")
                .bind(t.0)
                .fetch_one(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT COUNT(*) FROM positions")
                .fetch_one(&mut *conn)
                .await?
        }
    };
    Ok(n)
}

/// Deletes positions recorded before `before` (the retention sweep).
pub async fn purge_before(conn: &mut Conn, before: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM positions WHERE recorded_at < $1")
        .bind(to_ms(before))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

// ---- Tokens ---------------------------------------------------------------------------------

/// Sets the technician's token (its hash), replacing any earlier one.
pub async fn set_token(
    conn: &mut Conn,
    technician: TechnicianId,
    token_hash: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tracking_tokens (technician_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (technician_id) DO UPDATE SET token_hash = excluded.token_hash, \
         created_at = excluded.created_at",
    )
    .bind(technician.0)
    .bind(token_hash)
    .bind(to_ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the technician's current token was made, if they have one.
pub async fn token_created_at(
    conn: &mut Conn,
    technician: TechnicianId,
) -> Result<Option<Timestamp>> {
    let row = sqlx::query("SELECT created_at FROM tracking_tokens WHERE technician_id = $1")
        .bind(technician.0)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.ts("created_at")).transpose()
}

/// The active technician a token hash belongs to.
pub async fn technician_by_token(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<TechnicianId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT k.technician_id FROM tracking_tokens k \
         JOIN technicians t ON t.id = k.technician_id \
         WHERE k.token_hash = $1 AND t.active = TRUE",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(TechnicianId))
}

/// What receiving a position needs to know, in one query (it runs for every position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFacts {
    /// The active technician the token belongs to.
    pub technician: TechnicianId,
    /// One of their visits is Traveling.
    pub traveling: bool,
    /// The stored value of the setting `enabled_key` (`None`: never set).
    pub enabled: Option<String>,
}

/// The facts of a token hash, or `None` when it belongs to nobody (or to an inactive
/// technician).
pub async fn token_facts(
    conn: &mut Conn,
    token_hash: &str,
    enabled_key: &str,
) -> Result<Option<TokenFacts>> {
    let row = sqlx::query(
        "SELECT k.technician_id, \
         (SELECT COUNT(*) FROM bookings b WHERE b.technician_id = k.technician_id \
          AND b.state = 'traveling') AS traveling, \
         (SELECT value FROM settings WHERE key = $2) AS enabled \
         FROM tracking_tokens k JOIN technicians t ON t.id = k.technician_id \
         WHERE k.token_hash = $1 AND t.active = TRUE",
    )
    .bind(token_hash)
    .bind(enabled_key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(TokenFacts {
            technician: TechnicianId(r.i64("technician_id")?),
            traveling: r.i64("traveling")? > 0,
            enabled: r.opt_text("enabled")?,
        })
    })
    .transpose()
}

/// Whether one of the technician's visits is Traveling: positions are kept only then.
pub async fn is_traveling(conn: &mut Conn, technician: TechnicianId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE technician_id = $1 AND state = 'traveling'",
    )
    .bind(technician.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}
