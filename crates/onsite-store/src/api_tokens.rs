//! API tokens (`onsite_app::api_tokens` holds the rules): each stored with the SHA-256 of its
//! secret, its scopes as text, who created it and when, its expiry, last use and revocation.

use crate::accounts::{USER_COLUMNS, USER_JOINS, UserRecord, user_from_rows};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::UserId;
use onsite_domain::api_token::Scopes;
use sqlx::any::AnyRow;

/// A token to store: its secret's hash, never the secret.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub secret_hash: &'a str,
    pub scopes: &'a Scopes,
    pub created_by: UserId,
    pub now: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// A token as administrators see it listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub scopes: Scopes,
    pub created_by: UserId,
    /// The creator's display name (else email).
    pub created_by_name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A token presented with a request, with its creator, before the rules are applied.
#[derive(Debug, Clone)]
pub struct Presented {
    pub id: i64,
    pub name: String,
    pub scopes: Scopes,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub creator: UserRecord,
}

fn scopes_of(r: &AnyRow) -> Result<Scopes> {
    Ok(Scopes::parse(&r.text("scopes")?)?)
}

pub async fn insert(conn: &mut Conn, t: &NewToken<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, secret_hash, scopes, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.name)
    .bind(t.secret_hash)
    .bind(t.scopes.to_string())
    .bind(t.created_by.0)
    .bind(to_ms(t.now))
    .bind(t.expires_at.map(to_ms))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const ROW_COLUMNS: &str = "k.id, k.name, k.scopes, k.created_by, k.created_at, k.expires_at, \
     k.last_used_at, k.revoked_at, u.display_name, u.email";

fn row_from(r: &AnyRow) -> Result<TokenRow> {
    let display: String = r.text("display_name")?;
    Ok(TokenRow {
        id: r.i64("id")?,
        name: r.text("name")?,
        scopes: scopes_of(r)?,
        created_by: UserId(r.i64("created_by")?),
        created_by_name: if display.trim().is_empty() {
            r.text("email")?
        } else {
            display
        },
        created_at: r.ts("created_at")?,
        expires_at: r.opt_ts("expires_at")?,
        last_used_at: r.opt_ts("last_used_at")?,
        revoked_at: r.opt_ts("revoked_at")?,
    })
}

/// Every token, newest first (an installation has a handful).
pub async fn list(conn: &mut Conn) -> Result<Vec<TokenRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM api_tokens k JOIN users u ON u.id = k.created_by \
         ORDER BY k.created_at DESC, k.id DESC"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(row_from).collect()
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<TokenRow>> {
    let row = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM api_tokens k JOIN users u ON u.id = k.created_by \
         WHERE k.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(row_from).transpose()
}

/// Marks the token revoked at `now`; `false` when it was revoked already (or is unknown).
pub async fn revoke(conn: &mut Conn, id: i64, now: Timestamp) -> Result<bool> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(to_ms(now))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The token whose secret hashes to `secret_hash`, with its creator, in one query.
pub async fn presented(conn: &mut Conn, secret_hash: &str) -> Result<Option<Presented>> {
    let rows = sqlx::query(&format!(
        "SELECT k.id AS token_id, k.name AS token_name, k.scopes, k.expires_at AS token_expires_at, \
                k.last_used_at AS token_last_used_at, k.revoked_at AS token_revoked_at, \
                {USER_COLUMNS} \
         FROM api_tokens k JOIN users u ON u.id = k.created_by {USER_JOINS} \
         WHERE k.secret_hash = $1"
    ))
    .bind(secret_hash)
    .fetch_all(&mut *conn)
    .await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let creator = user_from_rows(&rows)?.ok_or(StoreError::NotFound)?;
    Ok(Some(Presented {
        id: r.i64("token_id")?,
        name: r.text("token_name")?,
        scopes: scopes_of(r)?,
        expires_at: r.opt_ts("token_expires_at")?,
        last_used_at: r.opt_ts("token_last_used_at")?,
        revoked_at: r.opt_ts("token_revoked_at")?,
        creator,
    }))
}

/// Records a use at `now`, at most once per `every` (a busy token would otherwise write its
/// row on every request).
pub async fn touch(conn: &mut Conn, id: i64, now: Timestamp, every: SignedDuration) -> Result<()> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(to_ms(now))
    .bind(id)
    .bind(to_ms(now - every))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
