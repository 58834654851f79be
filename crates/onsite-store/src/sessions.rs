//! Server-side sessions: the cookie holds a random token, the table holds its hash, the user,
//! the CSRF token and the two timeouts (idle, absolute).

use crate::accounts::{USER_COLUMNS, USER_JOINS, UserRecord, user_from_rows};
use crate::{Conn, Result, RowExt, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::UserId;

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: UserId,
    pub csrf_token: &'a str,
    pub now: Timestamp,
    /// The absolute end of the session, whatever the activity.
    pub expires_at: Timestamp,
}

pub async fn create(conn: &mut Conn, s: &NewSession<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(s.id_hash)
    .bind(s.user_id.0)
    .bind(s.csrf_token)
    .bind(to_ms(s.now))
    .bind(to_ms(s.expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub user: UserRecord,
    pub csrf_token: String,
    pub last_seen_at: Timestamp,
}

/// Finds the session if it is neither idle longer than `idle` nor past its absolute end, and
/// its user is not disabled. Touches `last_seen_at` at most once a minute (a write per request
/// would serialize every page view on SQLite). Expired sessions are deleted on sight.
pub async fn find_active(
    conn: &mut Conn,
    id_hash: &str,
    now: Timestamp,
    idle: SignedDuration,
) -> Result<Option<ActiveSession>> {
    // The session and its user in one query (every signed-in request runs it).
    let rows = sqlx::query(&format!(
        "SELECT s.csrf_token, s.last_seen_at AS session_last_seen_at, \
                s.expires_at AS session_expires_at, {USER_COLUMNS} \
         FROM sessions s JOIN users u ON u.id = s.user_id {USER_JOINS} WHERE s.id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_all(&mut *conn)
    .await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let last_seen_at = r.ts("session_last_seen_at")?;
    let expired = r.ts("session_expires_at")? <= now || last_seen_at + idle <= now;
    if expired {
        delete(conn, id_hash).await?;
        return Ok(None);
    }
    let Some(user) = user_from_rows(&rows)? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    if now.duration_since(last_seen_at) >= SignedDuration::from_secs(60) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(to_ms(now))
            .bind(id_hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(ActiveSession {
        user,
        csrf_token: r.text("csrf_token")?,
        last_seen_at,
    }))
}

pub async fn delete(conn: &mut Conn, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change, ends the others).
pub async fn delete_for_user(conn: &mut Conn, user_id: UserId, keep: Option<&str>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id.0)
        .bind(keep.unwrap_or(""))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Removes sessions past either timeout; run from a background job.
pub async fn purge_expired(conn: &mut Conn, now: Timestamp, idle: SignedDuration) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(to_ms(now))
        .bind(to_ms(now - idle))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
