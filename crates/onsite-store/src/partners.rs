//! Partners' distribution profiles, the opportunities distributed to them, and the event
//! history the distribution metrics (win rate, stall rate…) are computed from.

use crate::sql::{Links, Run, attach, rows};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::{Opportunity, OpportunityStatus, PartnerProfile};
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId, TerritoryId};
use sqlx::any::AnyRow;

/// A kind of lead (`residential`, `commercial`…): trimmed, lower case, 1–40 characters, no
/// commas (profiles store their lead types comma-separated).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeadType(String);

impl LeadType {
    pub fn parse(raw: &str) -> std::result::Result<Self, InvalidInput> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(InvalidInput::new("lead_type", "required"));
        }
        if s.chars().count() > 40 {
            return Err(InvalidInput::new("lead_type", "too-long"));
        }
        if s.chars().any(|c| c == ',' || c.is_control()) {
            return Err(InvalidInput::new("lead_type", "lead-type"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// ---- Profiles -------------------------------------------------------------------------------

const PARTNER_TERRITORIES: Links = Links::new("partner_territories", "account_id", "territory_id");
const PARTNER_PRODUCTS: Links = Links::new("partner_products", "account_id", "product_id");
const OPPORTUNITY_PRODUCTS: Links =
    Links::new("opportunity_products", "opportunity_id", "product_id");

pub struct NewPartnerProfile<'a> {
    /// A partner account.
    pub account_id: AccountId,
    pub capacity: u32,
    /// The range of estimated revenue the partner takes; the database refuses min > max.
    pub revenue_min_minor: i64,
    pub revenue_max_minor: i64,
    pub territories: &'a [TerritoryId],
    pub lead_types: &'a [LeadType],
    pub products: &'a [ProductId],
}

/// Creates or replaces the partner's profile, territories and products (bumping its version).
pub async fn set_partner_profile(conn: &mut Conn, p: &NewPartnerProfile<'_>) -> Result<()> {
    save_profile(conn, p, Save::Upsert).await.map(drop)
}

/// The version of the partner's profile, `None` when it has none yet (what a save from the
/// back office must have seen).
pub async fn partner_profile_version(conn: &mut Conn, account: AccountId) -> Result<Option<i64>> {
    sqlx::query("SELECT version FROM partner_profiles WHERE account_id = $1")
        .bind(account.0)
        .optional(conn, |r| r.i64("version"))
        .await
}

/// Saves a partner's profile edited from `seen_version` (`None`: the form showed no profile
/// yet), with its territories and products replaced whole, and bumps its version. `false` when
/// the profile is at another version (someone else saved it meanwhile, or made it): nothing is
/// written. [`StoreError::NotFound`] when the account is not a partner's.
pub async fn update_partner_profile(
    conn: &mut Conn,
    p: &NewPartnerProfile<'_>,
    seen_version: Option<i64>,
) -> Result<bool> {
    let how = seen_version.map_or(Save::New, Save::At);
    save_profile(conn, p, how).await
}

/// How [`save_profile`] writes the profile's row.
enum Save {
    /// Creates it or replaces it, whatever its version.
    Upsert,
    /// Creates it, unless the partner has one.
    New,
    /// Replaces it if it is at this version.
    At(i64),
}

/// Writes the profile's row as `how` says, then (if it was written) its territories and
/// products: whether it was written.
async fn save_profile(conn: &mut Conn, p: &NewPartnerProfile<'_>, how: Save) -> Result<bool> {
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM accounts WHERE id = $1")
        .bind(p.account_id.0)
        .fetch_optional(&mut *conn)
        .await?;
    // Only partner accounts have a profile; a customer account is as good as missing here.
    if kind.as_deref() != Some("partner") {
        return Err(StoreError::NotFound);
    }
    let lead_types = p
        .lead_types
        .iter()
        .map(LeadType::as_str)
        .collect::<Vec<_>>()
        .join(",");
    const INSERT: &str = "INSERT INTO partner_profiles (account_id, capacity, revenue_min_minor, \
         revenue_max_minor, lead_types) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id)";
    let (sql, version) = match how {
        Save::Upsert => (
            format!(
                "{INSERT} DO UPDATE SET capacity = excluded.capacity, \
                 revenue_min_minor = excluded.revenue_min_minor, \
                 revenue_max_minor = excluded.revenue_max_minor, lead_types = excluded.lead_types, \
                 version = partner_profiles.version + 1"
            ),
            None,
        ),
        Save::New => (format!("{INSERT} DO NOTHING"), None),
        Save::At(seen) => (
            "UPDATE partner_profiles SET capacity = $2, revenue_min_minor = $3, \
             revenue_max_minor = $4, lead_types = $5, version = version + 1 \
             WHERE account_id = $1 AND version = $6"
                .to_owned(),
            Some(seen),
        ),
    };
    let mut query = sqlx::query(&sql)
        .bind(p.account_id.0)
        .bind(i64::from(p.capacity))
        .bind(p.revenue_min_minor)
        .bind(p.revenue_max_minor)
        .bind(lead_types);
    if let Some(seen) = version {
        query = query.bind(seen);
    }
    if !query.changed(conn).await? {
        return Ok(false);
    }
    let owner = p.account_id.0;
    let territories = p.territories.iter().map(|t| t.0);
    PARTNER_TERRITORIES
        .replace(conn, owner, territories)
        .await?;
    let products = p.products.iter().map(|prod| prod.0);
    PARTNER_PRODUCTS.replace(conn, owner, products).await?;
    Ok(true)
}

pub async fn partner_profile(conn: &mut Conn, account: AccountId) -> Result<PartnerProfile> {
    load_profiles(conn, Some(account))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Every partner profile (the distribution engine's candidates), in three queries.
pub async fn list_partner_profiles(conn: &mut Conn) -> Result<Vec<PartnerProfile>> {
    load_profiles(conn, None).await
}

fn profile_from_row(r: &AnyRow) -> Result<PartnerProfile> {
    let capacity = u32::try_from(r.i64("capacity")?)
        .map_err(|_| StoreError::Corrupt("partner capacity out of range".into()))?;
    let lead_types = r
        .text("lead_types")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| LeadType::parse(s).map(|l| l.0))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(PartnerProfile {
        account_id: AccountId(r.i64("account_id")?),
        capacity,
        revenue_min_minor: r.i64("revenue_min_minor")?,
        revenue_max_minor: r.i64("revenue_max_minor")?,
        location: GeoPoint::new(r.f64("latitude")?, r.f64("longitude")?)?,
        territories: Vec::new(),
        lead_types,
        products: Vec::new(),
    })
}

async fn load_profiles(conn: &mut Conn, one: Option<AccountId>) -> Result<Vec<PartnerProfile>> {
    let arg = one.map(|a| a.0);
    let cond = if one.is_some() {
        "p.account_id = $1"
    } else {
        "1 = 1"
    };
    let profile_sql = format!(
        "SELECT p.account_id, p.capacity, p.revenue_min_minor, p.revenue_max_minor, p.lead_types, a.latitude, \
         a.longitude FROM partner_profiles p JOIN accounts a ON a.id = p.account_id WHERE {cond} \
         ORDER BY a.name, p.account_id"
    );
    let args = arg.as_slice();
    let mut profiles = rows(conn, &profile_sql, args)
        .await?
        .iter()
        .map(profile_from_row)
        .collect::<Result<Vec<_>>>()?;
    let links = |table: &str, item: &str| {
        format!(
            "SELECT c.account_id, c.{item} AS item FROM {table} c \
             JOIN partner_profiles p ON p.account_id = c.account_id WHERE {cond} \
             ORDER BY c.account_id, c.{item}"
        )
    };
    let sql = links("partner_territories", "territory_id");
    let territory = |r: &AnyRow| Ok(TerritoryId(r.i64("item")?));
    attach(
        conn,
        &mut profiles,
        (&sql, args),
        "account_id",
        territory,
        |p| (p.account_id.0, &mut p.territories),
    )
    .await?;
    let sql = links("partner_products", "product_id");
    let product = |r: &AnyRow| Ok(ProductId(r.i64("item")?));
    attach(
        conn,
        &mut profiles,
        (&sql, args),
        "account_id",
        product,
        |p| (p.account_id.0, &mut p.products),
    )
    .await?;
    Ok(profiles)
}

// ---- Opportunities --------------------------------------------------------------------------

pub struct NewOpportunity<'a> {
    pub name: &'a str,
    pub customer_name: &'a str,
    pub location: GeoPoint,
    pub postal_code: &'a str,
    pub estimated_revenue_minor: i64,
    pub lead_type: &'a LeadType,
    pub products: &'a [ProductId],
    pub status: OpportunityStatus,
    pub stage: Option<&'a str>,
    pub partner_account_id: Option<AccountId>,
    pub internal: bool,
    pub distributed_at: Option<Timestamp>,
    pub accepted_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

pub async fn insert_opportunity(conn: &mut Conn, o: &NewOpportunity<'_>) -> Result<OpportunityId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO opportunities (name, customer_name, latitude, longitude, postal_code, estimated_revenue_minor, \
         lead_type, status, stage, partner_account_id, internal, distributed_at, accepted_at, closed_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(o.name)
    .bind(o.customer_name)
    .bind(o.location.lat())
    .bind(o.location.lon())
    .bind(o.postal_code)
    .bind(o.estimated_revenue_minor)
    .bind(o.lead_type.as_str())
    .bind(o.status.as_str())
    .bind(o.stage)
    .bind(o.partner_account_id.map(|a| a.0))
    .bind(o.internal)
    .bind(o.distributed_at.map(to_ms))
    .bind(o.accepted_at.map(to_ms))
    .bind(o.closed_at.map(to_ms))
    .bind(to_ms(o.created_at))
    .fetch_one(&mut *conn)
    .await?;
    let products = o.products.iter().map(|p| p.0);
    OPPORTUNITY_PRODUCTS.insert(conn, id, products).await?;
    Ok(OpportunityId(id))
}

const OPPORTUNITY_COLUMNS: &str = "o.id, o.name, o.customer_name, o.latitude, o.longitude, o.postal_code, \
    o.estimated_revenue_minor, o.lead_type, o.status, o.stage, o.partner_account_id, o.internal, \
    o.distributed_at, o.created_at";

pub async fn opportunity(conn: &mut Conn, id: OpportunityId) -> Result<Opportunity> {
    select_opportunities(conn, "o.id = $1", Some(id.0))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The opportunities held by a partner (distributed to it, worked, closed, or its own), newest
/// first, with their products.
pub async fn opportunities_of_partner(
    conn: &mut Conn,
    partner: AccountId,
) -> Result<Vec<Opportunity>> {
    select_opportunities(conn, "o.partner_account_id = $1", Some(partner.0)).await
}

/// Opportunities in a status (e.g. New: waiting to be distributed), newest first.
pub async fn opportunities_in_status(
    conn: &mut Conn,
    status: OpportunityStatus,
) -> Result<Vec<Opportunity>> {
    // Statuses are a closed set of literals, so inlining one is safe and keeps `$1` for ids.
    let cond = format!("o.status = '{}'", status.as_str());
    select_opportunities(conn, &cond, None).await
}

pub(crate) async fn select_opportunities(
    conn: &mut Conn,
    cond: &str,
    arg: Option<i64>,
) -> Result<Vec<Opportunity>> {
    let sql = format!(
        "SELECT {OPPORTUNITY_COLUMNS} FROM opportunities o WHERE {cond} ORDER BY o.created_at DESC, o.id DESC"
    );
    let mut opportunities = rows(conn, &sql, arg.as_slice())
        .await?
        .iter()
        .map(opportunity_from_row)
        .collect::<Result<Vec<_>>>()?;
    let sql = format!(
        "SELECT c.opportunity_id, c.product_id FROM opportunity_products c JOIN opportunities o \
         ON o.id = c.opportunity_id WHERE {cond} ORDER BY c.opportunity_id, c.product_id"
    );
    let product = |r: &AnyRow| Ok(ProductId(r.i64("product_id")?));
    let children = (sql.as_str(), arg.as_slice());
    attach(
        conn,
        &mut opportunities,
        children,
        "opportunity_id",
        product,
        |o| (o.id.0, &mut o.products),
    )
    .await?;
    Ok(opportunities)
}

fn opportunity_from_row(r: &AnyRow) -> Result<Opportunity> {
    let lead_type = LeadType::parse(&r.text("lead_type")?)?;
    Ok(Opportunity {
        id: OpportunityId(r.i64("id")?),
        name: r.text("name")?,
        customer_name: r.text("customer_name")?,
        location: GeoPoint::new(r.f64("latitude")?, r.f64("longitude")?)?,
        postal_code: r.text("postal_code")?,
        estimated_revenue_minor: r.i64("estimated_revenue_minor")?,
        lead_type: lead_type.0,
        products: Vec::new(),
        status: OpportunityStatus::parse(&r.text("status")?)?,
        stage: r.opt_text("stage")?,
        partner_account_id: r.opt_i64("partner_account_id")?.map(AccountId),
        internal: r.bool("internal")?,
        distributed_at: r.opt_ts("distributed_at")?,
        created_at: r.ts("created_at")?,
    })
}

// ---- Opportunity events ---------------------------------------------------------------------

pub use onsite_domain::opportunity::OpportunityEventKind;

#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityEvent {
    pub opportunity_id: OpportunityId,
    pub partner_account_id: Option<AccountId>,
    pub kind: OpportunityEventKind,
    pub at: Timestamp,
    pub note: Option<String>,
}

/// Records an event ([`crate::distribution::record_event`], without its id).
pub async fn record_opportunity_event(conn: &mut Conn, e: &OpportunityEvent) -> Result<()> {
    crate::distribution::record_event(conn, e).await.map(drop)
}

/// The opportunity's history, oldest first.
pub async fn events_of_opportunity(
    conn: &mut Conn,
    id: OpportunityId,
) -> Result<Vec<OpportunityEvent>> {
    sqlx::query(&format!(
        "{EVENTS} WHERE opportunity_id = $1 ORDER BY at, id"
    ))
    .bind(id.0)
    .all(conn, event_from_row)
    .await
}

/// A partner's events since `since`, oldest first: the input of its distribution metrics.
pub async fn events_of_partner(
    conn: &mut Conn,
    partner: AccountId,
    since: Timestamp,
) -> Result<Vec<OpportunityEvent>> {
    sqlx::query(&format!(
        "{EVENTS} WHERE partner_account_id = $1 AND at >= $2 ORDER BY at, id"
    ))
    .bind(partner.0)
    .bind(to_ms(since))
    .all(conn, event_from_row)
    .await
}

/// The events' columns, as [`event_from_row`] reads them.
pub(crate) const EVENTS: &str =
    "SELECT opportunity_id, partner_account_id, kind, at, note FROM opportunity_events";

pub(crate) fn event_from_row(r: &AnyRow) -> Result<OpportunityEvent> {
    Ok(OpportunityEvent {
        opportunity_id: OpportunityId(r.i64("opportunity_id")?),
        partner_account_id: r.opt_i64("partner_account_id")?.map(AccountId),
        kind: OpportunityEventKind::parse(&r.text("kind")?)?,
        at: r.ts("at")?,
        note: r.opt_text("note")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_types_are_normalized_and_comma_free() {
        assert_eq!(
            LeadType::parse(" Residential ").unwrap().as_str(),
            "residential"
        );
        assert!(LeadType::parse("").is_err());
        assert!(LeadType::parse("a,b").is_err());
        assert!(LeadType::parse(&"x".repeat(41)).is_err());
    }

    #[test]
    fn event_kinds_round_trip() {
        for k in OpportunityEventKind::ALL {
            assert_eq!(OpportunityEventKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(OpportunityEventKind::parse("teleported").is_err());
    }
}
