//! Password-reset tokens: single use, expiring.

use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::UserId;

pub async fn create(
    conn: &mut Conn,
    token_hash: &str,
    user_id: UserId,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id.0)
        .bind(to_ms(now))
        .bind(to_ms(expires_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user a usable token belongs to (not used, not expired), without consuming it.
pub async fn peek(conn: &mut Conn, token_hash: &str, now: Timestamp) -> Result<Option<UserId>> {
    let row = sqlx::query("SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(token_hash)
        .bind(to_ms(now))
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok(UserId(r.i64("user_id")?))).transpose()
}

/// Consumes a usable token and every other open token of the same user; returns its user, or
/// `None` if it was not usable (used, expired, unknown). Call inside the transaction that sets
/// the new password.
pub async fn consume(conn: &mut Conn, token_hash: &str, now: Timestamp) -> Result<Option<UserId>> {
    let Some(user_id) = peek(conn, token_hash, now).await? else {
        return Ok(None);
    };
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(to_ms(now))
        .bind(user_id.0)
        .execute(&mut *conn)
        .await?;
    Ok(Some(user_id))
}
