//! Rate limits as fixed-window counters in the database, so several app servers share them.
//! A counter is a key and a window (`window_start`, a multiple of the window's length); it
//! counts hits and keeps the instant of its last one. The rules (what is counted under which
//! key, and what a count refuses) are `onsite_app::throttle`'s.

use crate::{Conn, Result, RowExt, to_ms};
use jiff::{SignedDuration, Timestamp};

/// One window's counter as read by [`peek`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub hits: i64,
    /// When it was last hit; `None` when it never was (or only before the instants were kept).
    pub last_hit_at: Option<Timestamp>,
}

fn window_start(now: Timestamp, window: SignedDuration) -> i64 {
    let window_ms = window.as_millis().max(1) as i64;
    to_ms(now).div_euclid(window_ms) * window_ms
}

/// When the window of length `window` that holds `now` ends.
pub fn window_end(now: Timestamp, window: SignedDuration) -> Timestamp {
    let window_ms = window.as_millis().max(1) as i64;
    crate::from_ms(window_start(now, window) + window_ms).unwrap_or(now)
}

/// Counts one hit under `key` in the window holding `now` and returns the window's count,
/// this hit included. One statement (an upsert that returns the new count), so concurrent
/// hits are counted exactly on both engines: of many racing for the last allowed place, one
/// gets it.
pub async fn hit(
    conn: &mut Conn,
    key: &str,
    now: Timestamp,
    window: SignedDuration,
) -> Result<i64> {
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, window_start, hits, last_hit_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1, \
         last_hit_at = $3 RETURNING hits",
    )
    .bind(key)
    .bind(window_start(now, window))
    .bind(to_ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(hits)
}

/// Takes one hit back from the window holding `now` (a hit that turned out not to count: an
/// attempt refused anyway, or one that succeeded). Never below zero; the last hit's instant
/// stays.
pub async fn take_back(
    conn: &mut Conn,
    key: &str,
    now: Timestamp,
    window: SignedDuration,
) -> Result<()> {
    sqlx::query(
        "UPDATE rate_limits SET hits = hits - 1 \
         WHERE key = $1 AND window_start = $2 AND hits > 0",
    )
    .bind(key)
    .bind(window_start(now, window))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The counter of the window holding `now`, without counting.
pub async fn peek(
    conn: &mut Conn,
    key: &str,
    now: Timestamp,
    window: SignedDuration,
) -> Result<Counter> {
    let row = sqlx::query(
        "SELECT hits, last_hit_at FROM rate_limits WHERE key = $1 AND window_start = $2",
    )
    .bind(key)
    .bind(window_start(now, window))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => Counter {
            hits: r.i64("hits")?,
            last_hit_at: r.opt_ts("last_hit_at")?,
        },
        None => Counter::default(),
    })
}

/// Forgets every window of `key`.
pub async fn clear(conn: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Drops windows that ended before `before`; run from a background job.
pub async fn purge(conn: &mut Conn, before: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(to_ms(before))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
