//! What partner distribution (SPEC §9) reads and writes beyond the partner profiles and
//! opportunities of `partners.rs`: every partner's open count and history in one query each,
//! the partners that already passed on an opportunity, the status changes of an opportunity
//! guarded by the state they leave, the expiry sweep's candidates, and who at a partner is
//! told about a new opportunity.
//!
//! Every status change is one conditional `UPDATE … WHERE status = <the state it leaves>` and
//! answers whether it happened: two app servers (or a partner's double click and the expiry
//! sweep) racing on the same opportunity cannot both move it.

use crate::partners::{EVENTS, OpportunityEvent, event_from_row, select_opportunities};
use crate::sql::{AnyQuery, Run, advisory_xact_lock, rows};
use crate::{Backend, Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::opportunity::{Opportunity, OpportunityStatus};
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, OpportunityId, UserId};
use std::collections::HashMap;

/// Any fixed number: the PostgreSQL advisory lock that serializes choosing a partner.
const CHOICE_LOCK: i64 = 0x0064_6973_7472_6962;

/// Serializes the transactions that choose a partner for an opportunity, so that two of them
/// never both count the same free place under a partner's capacity. Call it first thing in the
/// transaction (before reading what the choice depends on); it is released at commit or
/// rollback.
pub async fn lock_choices(conn: &mut Conn, backend: Backend) -> Result<()> {
    match backend {
        // `Store::begin` opens SQLite transactions with BEGIN IMMEDIATE: the one write lock
        // is already held, every other writer waits.
        Backend::Sqlite => Ok(()),
        // Read committed lets two transactions read the same open counts; the advisory lock
        // makes the second wait until the first commits, then read its result.
        Backend::Postgres => advisory_xact_lock(conn, CHOICE_LOCK).await,
    }
}

/// Open opportunities per partner for the capacity criterion: distributed (not yet accepted)
/// or in progress, not internal. Partners with none are absent.
pub async fn open_counts(conn: &mut Conn) -> Result<HashMap<AccountId, u32>> {
    let query = sqlx::query(
        "SELECT partner_account_id AS k, COUNT(*) AS n FROM opportunities \
         WHERE status IN ('distributed', 'in_progress') AND internal = FALSE \
         AND partner_account_id IS NOT NULL GROUP BY partner_account_id",
    );
    counts(conn, query, AccountId).await
}

/// The counts of a `SELECT <key> AS k, COUNT(*) AS n … GROUP BY <key>` by key.
async fn counts<K: std::hash::Hash + Eq>(
    conn: &mut Conn,
    query: AnyQuery<'_>,
    key: fn(i64) -> K,
) -> Result<HashMap<K, u32>> {
    let counts = query
        .all(conn, |r| {
            let n = u32::try_from(r.i64("n")?).unwrap_or(u32::MAX);
            Ok((key(r.i64("k")?), n))
        })
        .await?;
    Ok(counts.into_iter().collect())
}

/// Every partner's events from `since` up to `until` (both included), ordered by partner, then
/// time, then insertion: the input of all partners' metrics in one query.
pub async fn partner_history(
    conn: &mut Conn,
    since: Timestamp,
    until: Timestamp,
) -> Result<Vec<OpportunityEvent>> {
    sqlx::query(&format!(
        "{EVENTS} WHERE at >= $1 AND at <= $2 AND partner_account_id IS NOT NULL \
         ORDER BY partner_account_id, at, id"
    ))
    .bind(to_ms(since))
    .bind(to_ms(until))
    .all(conn, event_from_row)
    .await
}

/// The partners that declined the opportunity or let it expire, each once, by id.
pub async fn passed_over(conn: &mut Conn, id: OpportunityId) -> Result<Vec<AccountId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT partner_account_id FROM opportunity_events \
         WHERE opportunity_id = $1 AND kind IN ('declined', 'expired') \
         AND partner_account_id IS NOT NULL ORDER BY partner_account_id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(AccountId).collect())
}

/// How many times each opportunity was passed over (declined or let expire); opportunities
/// never passed over are absent.
pub async fn passed_over_counts(conn: &mut Conn) -> Result<HashMap<OpportunityId, u32>> {
    let query = sqlx::query(
        "SELECT opportunity_id AS k, COUNT(*) AS n FROM opportunity_events \
         WHERE kind IN ('declined', 'expired') GROUP BY opportunity_id",
    );
    counts(conn, query, OpportunityId).await
}

/// Records an event and returns its id (emails caused by it use the id in their event key).
pub async fn record_event(conn: &mut Conn, e: &OpportunityEvent) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO opportunity_events (opportunity_id, partner_account_id, kind, at, note) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(e.opportunity_id.0)
    .bind(e.partner_account_id.map(|a| a.0))
    .bind(e.kind.as_str())
    .bind(to_ms(e.at))
    .bind(e.note.as_deref())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The opportunity's events that concern `partner`, oldest first: what its portal may show
/// (never another partner's reasons or notes).
pub async fn events_for_partner(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
) -> Result<Vec<OpportunityEvent>> {
    sqlx::query(&format!(
        "{EVENTS} WHERE opportunity_id = $1 AND partner_account_id = $2 ORDER BY at, id"
    ))
    .bind(id.0)
    .bind(partner.0)
    .all(conn, event_from_row)
    .await
}

// ---- Guarded status changes -----------------------------------------------------------------

/// New → Distributed to `partner` at `at`. `false` (nothing changed) unless it was New.
pub async fn mark_distributed(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    at: Timestamp,
) -> Result<bool> {
    sqlx::query(
        "UPDATE opportunities SET status = 'distributed', partner_account_id = $2, \
         distributed_at = $3, accepted_at = NULL, closed_at = NULL, stage = NULL \
         WHERE id = $1 AND status = 'new'",
    )
    .bind(id.0)
    .bind(partner.0)
    .bind(to_ms(at))
    .changed(conn)
    .await
}

/// Distributed to `partner` → In progress, accepted at `at`.
pub async fn mark_accepted(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    at: Timestamp,
) -> Result<bool> {
    sqlx::query(
        "UPDATE opportunities SET status = 'in_progress', accepted_at = $3 \
         WHERE id = $1 AND partner_account_id = $2 AND status = 'distributed'",
    )
    .bind(id.0)
    .bind(partner.0)
    .bind(to_ms(at))
    .changed(conn)
    .await
}

/// Distributed to `partner` → New, held by nobody (declined, or expired). With
/// `distributed_at_or_before`, only if it was distributed then or earlier: the expiry sweep's
/// guard, so an opportunity redistributed meanwhile is not taken back again.
pub async fn take_back(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    distributed_at_or_before: Option<Timestamp>,
) -> Result<bool> {
    let cutoff = distributed_at_or_before.map_or(i64::MAX, to_ms);
    sqlx::query(
        "UPDATE opportunities SET status = 'new', partner_account_id = NULL, \
         distributed_at = NULL, stage = NULL \
         WHERE id = $1 AND partner_account_id = $2 AND status = 'distributed' \
         AND distributed_at <= $3",
    )
    .bind(id.0)
    .bind(partner.0)
    .bind(cutoff)
    .changed(conn)
    .await
}

/// Sets the sales stage of an opportunity `partner` has in progress.
pub async fn set_stage(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    stage: &str,
) -> Result<bool> {
    sqlx::query(
        "UPDATE opportunities SET stage = $3 \
         WHERE id = $1 AND partner_account_id = $2 AND status = 'in_progress'",
    )
    .bind(id.0)
    .bind(partner.0)
    .bind(stage)
    .changed(conn)
    .await
}

/// In progress with `partner` → Won or Lost, closed at `at`.
pub async fn mark_closed(
    conn: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    won: bool,
    at: Timestamp,
) -> Result<bool> {
    let status = if won {
        OpportunityStatus::Won
    } else {
        OpportunityStatus::Lost
    };
    sqlx::query(
        "UPDATE opportunities SET status = $3, closed_at = $4 \
         WHERE id = $1 AND partner_account_id = $2 AND status = 'in_progress'",
    )
    .bind(id.0)
    .bind(partner.0)
    .bind(status.as_str())
    .bind(to_ms(at))
    .changed(conn)
    .await
}

/// An opportunity distributed and not accepted in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue {
    pub id: OpportunityId,
    pub partner: AccountId,
    pub distributed_at: Timestamp,
}

/// Distributed opportunities given at `cutoff` or earlier, oldest first, at most `limit`.
pub async fn overdue(conn: &mut Conn, cutoff: Timestamp, limit: i64) -> Result<Vec<Overdue>> {
    sqlx::query(
        "SELECT id, partner_account_id, distributed_at FROM opportunities \
         WHERE status = 'distributed' AND distributed_at <= $1 AND partner_account_id IS NOT NULL \
         ORDER BY distributed_at, id LIMIT $2",
    )
    .bind(to_ms(cutoff))
    .bind(limit)
    .all(conn, |r| {
        Ok(Overdue {
            id: OpportunityId(r.i64("id")?),
            partner: AccountId(r.i64("partner_account_id")?),
            distributed_at: r.ts("distributed_at")?,
        })
    })
    .await
}

/// New opportunities, oldest first, at most `limit` (the automatic distribution sweep).
pub async fn waiting(conn: &mut Conn, limit: i64) -> Result<Vec<OpportunityId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM opportunities WHERE status = 'new' ORDER BY created_at, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(OpportunityId).collect())
}

// ---- Reading opportunities with their dates -------------------------------------------------

/// An opportunity with the dates of its answer and close.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dated {
    pub opportunity: Opportunity,
    pub accepted_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

/// Which opportunities to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing<'a> {
    /// Only those held by this partner.
    pub partner: Option<AccountId>,
    /// Only those in one of these statuses (every status when empty).
    pub statuses: &'a [OpportunityStatus],
}

/// Opportunities matching `listing`, newest first, with their products and dates.
pub async fn list_dated(conn: &mut Conn, listing: Listing<'_>) -> Result<Vec<Dated>> {
    let mut cond = match listing.partner {
        Some(_) => "o.partner_account_id = $1".to_owned(),
        None => "1 = 1".to_owned(),
    };
    if !listing.statuses.is_empty() {
        // Statuses are a closed set of literals: inlining them is safe.
        let list = listing
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        cond.push_str(&format!(" AND o.status IN ({list})"));
    }
    let arg = listing.partner.map(|a| a.0);
    let opportunities = select_opportunities(conn, &cond, arg).await?;
    attach_dates(conn, opportunities, &cond, arg).await
}

/// One opportunity with its products and dates.
pub async fn dated(conn: &mut Conn, id: OpportunityId) -> Result<Dated> {
    let opportunities = select_opportunities(conn, "o.id = $1", Some(id.0)).await?;
    attach_dates(conn, opportunities, "o.id = $1", Some(id.0))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

async fn attach_dates(
    conn: &mut Conn,
    opportunities: Vec<Opportunity>,
    cond: &str,
    arg: Option<i64>,
) -> Result<Vec<Dated>> {
    if opportunities.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT o.id, o.accepted_at, o.closed_at FROM opportunities o WHERE {cond}");
    let mut dates = HashMap::new();
    for r in rows(conn, &sql, arg.as_slice()).await? {
        dates.insert(
            r.i64("id")?,
            (r.opt_ts("accepted_at")?, r.opt_ts("closed_at")?),
        );
    }
    Ok(opportunities
        .into_iter()
        .map(|o| {
            let (accepted_at, closed_at) = dates.get(&o.id.0).copied().unwrap_or((None, None));
            Dated {
                opportunity: o,
                accepted_at,
                closed_at,
            }
        })
        .collect())
}

// ---- Who is told ----------------------------------------------------------------------------

/// A portal user of a partner account who works its opportunities and wants email.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerRecipient {
    pub user_id: UserId,
    pub email: EmailAddress,
    pub display_name: String,
    pub first_name: String,
    /// Preferred language tag, if set.
    pub language: Option<String>,
    /// The user's zone, else the partner account's.
    pub time_zone: String,
}

/// The enabled users with the `partner` role among the account's contacts who accept email,
/// by id.
pub async fn partner_recipients(
    conn: &mut Conn,
    account: AccountId,
) -> Result<Vec<PartnerRecipient>> {
    sqlx::query(
        "SELECT u.id, u.email, u.display_name, c.first_name, u.language, \
         COALESCE(u.time_zone, a.time_zone) AS zone \
         FROM users u JOIN contacts c ON c.id = u.contact_id JOIN accounts a ON a.id = c.account_id \
         JOIN user_roles r ON r.user_id = u.id AND r.role = 'partner' \
         WHERE c.account_id = $1 AND u.disabled = FALSE AND u.notify_email = TRUE ORDER BY u.id",
    )
    .bind(account.0)
    .all(conn, |r| {
        Ok(PartnerRecipient {
            user_id: UserId(r.i64("id")?),
            email: EmailAddress::parse(&r.text("email")?)?,
            display_name: r.text("display_name")?,
            first_name: r.text("first_name")?,
            language: r.opt_text("language")?,
            time_zone: r.text("zone")?,
        })
    })
    .await
}

/// The stored text of every setting whose key starts with `prefix` (e.g. `distribution/`), in
/// one query. Settings never set are absent (they take their default).
pub async fn stored_settings(conn: &mut Conn, prefix: &str) -> Result<HashMap<String, String>> {
    let settings = sqlx::query("SELECT key, value FROM settings WHERE key LIKE $1")
        .bind(format!("{prefix}%"))
        .all(conn, |r| Ok((r.text("key")?, r.text("value")?)))
        .await?;
    Ok(settings.into_iter().collect())
}
