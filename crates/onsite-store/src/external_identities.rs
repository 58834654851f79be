//! External (OpenID Connect) identities linked to users, and the authorization flows in
//! progress that lead to them.
//!
//! A flow is kept server-side under the hash of its `state`, so the provider's callback may
//! reach any app server, and is taken exactly once: a replayed callback finds nothing. The
//! nonce and the PKCE verifier are stored as they are because they must be sent again; alone
//! they are worthless (the authorization code never touches the database).

use crate::sql::Run;
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::UserId;
use sqlx::any::AnyRow;

pub struct NewFlow<'a> {
    pub state_hash: &'a str,
    pub provider: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    /// Set when a signed-in user links an identity; `None` for signing in.
    pub user_id: Option<UserId>,
    pub return_to: Option<&'a str>,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// A flow taken back at the callback.
#[derive(Clone, PartialEq, Eq)]
pub struct Flow {
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub user_id: Option<UserId>,
    pub return_to: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for Flow {
    // The nonce and verifier are part of a credential exchange: keep them out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("provider", &self.provider)
            .field("user_id", &self.user_id)
            .field("return_to", &self.return_to)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

pub async fn create_flow(conn: &mut Conn, f: &NewFlow<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO oidc_flows (state_hash, provider, nonce, pkce_verifier, user_id, return_to, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(f.state_hash)
    .bind(f.provider)
    .bind(f.nonce)
    .bind(f.pkce_verifier)
    .bind(f.user_id.map(|u| u.0))
    .bind(f.return_to)
    .bind(to_ms(f.now))
    .bind(to_ms(f.expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes the flow and returns it if it had not expired at `now`. One statement, so two
/// callbacks racing with the same state cannot both get it. An expired flow is deleted too and
/// reads as `None`.
pub async fn take_flow(conn: &mut Conn, state_hash: &str, now: Timestamp) -> Result<Option<Flow>> {
    let row = sqlx::query(
        "DELETE FROM oidc_flows WHERE state_hash = $1 \
         RETURNING provider, nonce, pkce_verifier, user_id, return_to, created_at, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let flow = Flow {
        provider: r.text("provider")?,
        nonce: r.text("nonce")?,
        pkce_verifier: r.text("pkce_verifier")?,
        user_id: r.opt_i64("user_id")?.map(UserId),
        return_to: r.opt_text("return_to")?,
        created_at: r.ts("created_at")?,
        expires_at: r.ts("expires_at")?,
    };
    Ok((flow.expires_at > now).then_some(flow))
}

/// Removes flows that were begun and never finished (the person closed the tab).
pub async fn purge_expired_flows(conn: &mut Conn, now: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM oidc_flows WHERE expires_at <= $1")
        .bind(to_ms(now))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// An identity at a provider, linked to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    pub id: i64,
    pub user_id: UserId,
    /// The provider's configured id (slug).
    pub provider: String,
    /// The provider's stable identifier for the person (`sub`).
    pub subject: String,
    /// The address the provider gave when linking, shown to the user; never used to match.
    pub email: Option<String>,
    pub linked_at: Timestamp,
}

const COLUMNS: &str = "id, user_id, provider, subject, email, linked_at";

fn identity(r: &AnyRow) -> Result<ExternalIdentity> {
    Ok(ExternalIdentity {
        id: r.i64("id")?,
        user_id: UserId(r.i64("user_id")?),
        provider: r.text("provider")?,
        subject: r.text("subject")?,
        email: r.opt_text("email")?,
        linked_at: r.ts("linked_at")?,
    })
}

/// The constraint reported when an identity is already linked to someone else.
pub const LINKED_ELSEWHERE: &str = "external_identities.provider, external_identities.subject";

pub struct NewLink<'a> {
    pub user_id: UserId,
    pub provider: &'a str,
    pub subject: &'a str,
    pub email: Option<&'a str>,
    pub now: Timestamp,
}

/// Links (provider, subject) to the user. Linking again to the same user refreshes the email
/// and keeps the original link; an identity already linked to another user is refused with
/// [`StoreError::Conflict`] and nothing changes. One statement: two users racing for the same
/// identity cannot both win.
pub async fn link(conn: &mut Conn, l: &NewLink<'_>) -> Result<ExternalIdentity> {
    // The upsert's WHERE leaves another user's row untouched, and then RETURNING yields no row.
    let row = sqlx::query(&format!(
        "INSERT INTO external_identities (user_id, provider, subject, email, linked_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (provider, subject) DO UPDATE SET email = excluded.email \
         WHERE external_identities.user_id = excluded.user_id \
         RETURNING {COLUMNS}"
    ))
    .bind(l.user_id.0)
    .bind(l.provider)
    .bind(l.subject)
    .bind(l.email)
    .bind(to_ms(l.now))
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => identity(&r),
        None => Err(StoreError::Conflict {
            constraint: LINKED_ELSEWHERE.to_owned(),
        }),
    }
}

/// The user an identity is linked to, if any.
pub async fn find(
    conn: &mut Conn,
    provider: &str,
    subject: &str,
) -> Result<Option<ExternalIdentity>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM external_identities WHERE provider = $1 AND subject = $2"
    ))
    .bind(provider)
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| identity(&r)).transpose()
}

/// A user's linked identities, oldest first.
pub async fn for_user(conn: &mut Conn, user_id: UserId) -> Result<Vec<ExternalIdentity>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM external_identities WHERE user_id = $1 ORDER BY linked_at, id"
    ))
    .bind(user_id.0)
    .all(conn, identity)
    .await
}

/// Unlinks one of the user's identities. Returns false when the id is unknown or belongs to
/// someone else (nothing changes then).
pub async fn unlink(conn: &mut Conn, user_id: UserId, identity_id: i64) -> Result<bool> {
    sqlx::query("DELETE FROM external_identities WHERE id = $1 AND user_id = $2")
        .bind(identity_id)
        .bind(user_id.0)
        .changed(conn)
        .await
}
