//! Invitations to the portal and the memory of who was invited automatically.

use crate::directory::InvitationState;
use crate::sql::Run;
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{ContactId, UserId};
use sqlx::any::AnyRow;

pub struct NewInvitation<'a> {
    pub contact_id: ContactId,
    pub email: &'a EmailAddress,
    /// The web roles the portal account gets on redemption.
    pub roles: &'a [Role],
    pub code_hash: &'a str,
    pub created_by: Option<UserId>,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// Creates an invitation and revokes the contact's earlier open ones: only the newest code
/// works.
pub async fn create(conn: &mut Conn, inv: &NewInvitation<'_>) -> Result<i64> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE contact_id = $2 AND redeemed_at IS NULL AND revoked_at IS NULL",
    )
    .bind(to_ms(inv.now))
    .bind(inv.contact_id.0)
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invitations (contact_id, email, roles, code_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(inv.contact_id.0)
    .bind(inv.email.as_str())
    .bind(crate::accounts::roles_text(inv.roles))
    .bind(inv.code_hash)
    .bind(inv.created_by.map(|u| u.0))
    .bind(to_ms(inv.now))
    .bind(to_ms(inv.expires_at))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Remembers that `email` was invited automatically. Returns false when it already was, in
/// which case the caller must not invite it automatically again.
pub async fn claim_automatic(
    conn: &mut Conn,
    email: &EmailAddress,
    now: Timestamp,
) -> Result<bool> {
    sqlx::query("INSERT INTO invited_emails (email, first_invited_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING")
        .bind(email.as_str())
        .bind(to_ms(now))
        .changed(conn)
        .await
}

/// What a code can be, as far as redeeming is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeStatus {
    Usable {
        invitation_id: i64,
        contact_id: Option<ContactId>,
        email: EmailAddress,
        roles: Vec<Role>,
    },
    Expired,
    Used,
    Revoked,
    Unknown,
}

pub async fn status(conn: &mut Conn, code_hash: &str, now: Timestamp) -> Result<CodeStatus> {
    let row = sqlx::query(
        "SELECT id, contact_id, email, roles, expires_at, redeemed_at, revoked_at FROM invitations WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(CodeStatus::Unknown);
    };
    Ok(if r.opt_i64("redeemed_at")?.is_some() {
        CodeStatus::Used
    } else if r.opt_i64("revoked_at")?.is_some() {
        CodeStatus::Revoked
    } else if r.ts("expires_at")? <= now {
        CodeStatus::Expired
    } else {
        CodeStatus::Usable {
            invitation_id: r.i64("id")?,
            contact_id: r.opt_i64("contact_id")?.map(ContactId),
            email: EmailAddress::parse(&r.text("email")?)?,
            roles: crate::accounts::roles_from_text(&r.text("roles")?)?,
        }
    })
}

/// Marks the invitation redeemed by `user_id`. Fails with `NotFound` when it was redeemed or
/// revoked in the meantime (two tabs racing), so a code is used exactly once.
pub async fn mark_redeemed(
    conn: &mut Conn,
    invitation_id: i64,
    user_id: UserId,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE invitations SET redeemed_at = $1, user_id = $2 \
         WHERE id = $3 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(to_ms(now))
    .bind(user_id.0)
    .bind(invitation_id)
    .changed_or_not_found(conn)
    .await
}

/// Revokes one pending invitation (neither redeemed, revoked nor expired at `now`): whether
/// it was pending. Its code no longer redeems ([`status`] reads it as revoked).
pub async fn revoke(conn: &mut Conn, invitation_id: i64, now: Timestamp) -> Result<bool> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE id = $2 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(to_ms(now))
    .bind(invitation_id)
    .changed(conn)
    .await
}

/// Revokes every pending invitation of a contact (deactivated, or its address changed): the
/// ids revoked.
pub async fn revoke_all_of(
    conn: &mut Conn,
    contact_id: ContactId,
    now: Timestamp,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE contact_id = $2 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
         RETURNING id",
    )
    .bind(to_ms(now))
    .bind(contact_id.0)
    .fetch_all(&mut *conn)
    .await?)
}

/// An invitation as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: i64,
    /// The contact it was made for (`None` once that contact is gone).
    pub contact_id: Option<ContactId>,
    pub email: String,
    /// The web roles it gives on redemption.
    pub roles: Vec<Role>,
    pub dates: InvitationState,
}

const INVITATION_ROW: &str = "SELECT id, contact_id, email, roles, created_at, expires_at, \
                              redeemed_at, revoked_at FROM invitations";

fn invitation_from_row(r: &AnyRow) -> Result<InvitationRow> {
    Ok(InvitationRow {
        id: r.i64("id")?,
        contact_id: r.opt_i64("contact_id")?.map(ContactId),
        email: r.text("email")?,
        roles: crate::accounts::roles_from_text(&r.text("roles")?)?,
        dates: InvitationState::from_row(r)?,
    })
}

/// One invitation; [`crate::StoreError::NotFound`] when there is none.
pub async fn invitation(conn: &mut Conn, id: i64) -> Result<InvitationRow> {
    sqlx::query(&format!("{INVITATION_ROW} WHERE id = $1"))
        .bind(id)
        .one(conn, invitation_from_row)
        .await
}

/// Every invitation made for a contact, newest first.
pub async fn for_contact(conn: &mut Conn, contact_id: ContactId) -> Result<Vec<InvitationRow>> {
    sqlx::query(&format!(
        "{INVITATION_ROW} WHERE contact_id = $1 ORDER BY id DESC"
    ))
    .bind(contact_id.0)
    .all(conn, invitation_from_row)
    .await
}
