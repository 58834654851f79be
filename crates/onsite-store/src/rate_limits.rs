//! Rate limits as fixed-window counters in the database, so several app servers share them.

use crate::{Conn, Result, to_ms};
use jiff::{SignedDuration, Timestamp};

/// Counts one attempt under `key` and says whether it is within `limit` attempts per
/// `window`. One statement (an upsert that returns the new count), so concurrent attempts are
/// counted exactly on both engines.
pub async fn hit(
    conn: &mut Conn,
    key: &str,
    now: Timestamp,
    window: SignedDuration,
    limit: i64,
) -> Result<bool> {
    let window_ms = window.as_millis().max(1) as i64;
    let start = to_ms(now).div_euclid(window_ms) * window_ms;
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    )
    .bind(key)
    .bind(start)
    .fetch_one(&mut *conn)
    .await?;
    Ok(hits <= limit)
}

/// Drops windows that ended before `before`; run from a background job.
pub async fn purge(conn: &mut Conn, before: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(to_ms(before))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
