//! Territories: the areas technicians and partners serve, by postal-code prefix and/or polygon.
//!
//! Prefixes are stored comma-separated and polygons as JSON `[[lat, lon], …]`; both are parsed
//! back through the domain types on every read, so a hand-edited row reads as
//! [`StoreError::Corrupt`] instead of breaking a page. A territory carries a version that each
//! save from the back office checks and bumps ([`update_territory`]). Every write to the table
//! changes the scheduling snapshot's version (migration 0010's triggers).
//!
//! Also here: what refers to a territory — the accounts in it (`accounts.territory_id`, which
//! follows the address: [`account_addresses`], [`set_account_territory`]), the technicians and
//! partners serving it — and the future visits of those technicians.

use crate::sql::{Run, advisory_xact_lock, is_postgres};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::territory::{Territory, normalize_postal_code};
use onsite_domain::{AccountId, InvalidInput, TechnicianId, TerritoryId};
use sqlx::any::AnyRow;

/// A postal-code prefix as territories match it: 1 to 10 ASCII letters and digits, upper case,
/// no spaces (a Canadian FSA such as `H2J`, a US ZIP prefix such as `100`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostalPrefix(String);

impl PostalPrefix {
    pub fn parse(raw: &str) -> std::result::Result<Self, InvalidInput> {
        let s = normalize_postal_code(raw);
        if s.is_empty() {
            return Err(InvalidInput::new("postal_prefix", "required"));
        }
        if s.len() > 10 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(InvalidInput::new("postal_prefix", "postal-prefix"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub struct NewTerritory<'a> {
    /// Unique; see [`onsite_domain::text::single_line`].
    pub name: &'a str,
    pub postal_prefixes: &'a [PostalPrefix],
    pub polygon: Option<&'a Polygon>,
}

impl NewTerritory<'_> {
    fn prefixes(&self) -> String {
        self.postal_prefixes
            .iter()
            .map(PostalPrefix::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Any fixed number: the PostgreSQL advisory lock that serializes changes of coverage.
const COVERAGE_LOCK: i64 = 0x0074_6572_7269_746f;

/// Serializes the transactions that change which territory covers what (a territory saved or
/// removed) and recompute the accounts' territories from it, and those that give an account
/// its territory from its address (an account saved), so that none of them computes
/// territories without another's change. Call it first thing in the transaction; it is
/// released at commit or rollback. SQLite: nothing to do, `Store::begin`'s BEGIN IMMEDIATE
/// already holds the one write lock.
pub async fn lock_coverage(conn: &mut Conn) -> Result<()> {
    if is_postgres(conn) {
        advisory_xact_lock(conn, COVERAGE_LOCK).await?;
    }
    Ok(())
}

/// Adds a territory; [`StoreError::Conflict`] when another has the name.
pub async fn insert_territory(conn: &mut Conn, t: &NewTerritory<'_>) -> Result<TerritoryId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO territories (name, postal_prefixes, polygon) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(t.name)
    .bind(t.prefixes())
    .bind(t.polygon.map(polygon_json))
    .fetch_one(&mut *conn)
    .await?;
    Ok(TerritoryId(id))
}

/// Saves a territory edited from `seen_version` (the version its form showed), bumping its
/// version. `false` when it is at another version (saved by someone else meanwhile): nothing
/// is written. [`StoreError::NotFound`] when there is no such territory,
/// [`StoreError::Conflict`] when another has the name.
pub async fn update_territory(
    conn: &mut Conn,
    id: TerritoryId,
    seen_version: i64,
    t: &NewTerritory<'_>,
) -> Result<bool> {
    let saved = sqlx::query(
        "UPDATE territories SET name = $1, postal_prefixes = $2, polygon = $3, \
         version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(t.name)
    .bind(t.prefixes())
    .bind(t.polygon.map(polygon_json))
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await?;
    if !saved {
        territory_version(conn, id).await?;
    }
    Ok(saved)
}

/// The territory's version (what a save must have seen).
pub async fn territory_version(conn: &mut Conn, id: TerritoryId) -> Result<i64> {
    sqlx::query("SELECT version FROM territories WHERE id = $1")
        .bind(id.0)
        .one(conn, |r| r.i64("version"))
        .await
}

/// Removes a territory at `seen_version`: `false` when it is at another version. Whoever
/// calls it has checked that nothing refers to it ([`territory_use`]); the links of
/// technicians and partners would go with it (`ON DELETE CASCADE`), an account in it makes
/// the database refuse ([`StoreError::Conflict`]).
pub async fn delete_territory(conn: &mut Conn, id: TerritoryId, seen_version: i64) -> Result<bool> {
    let deleted = sqlx::query("DELETE FROM territories WHERE id = $1 AND version = $2")
        .bind(id.0)
        .bind(seen_version)
        .changed(conn)
        .await?;
    if !deleted {
        territory_version(conn, id).await?;
    }
    Ok(deleted)
}

/// How many accounts are in a territory and how many technicians and partners serve it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerritoryUse {
    pub accounts: i64,
    pub technicians: i64,
    pub partners: i64,
}

impl TerritoryUse {
    /// Whether nothing refers to the territory.
    pub fn is_unused(self) -> bool {
        self == TerritoryUse::default()
    }
}

const USE_COLUMNS: &str = "(SELECT COUNT(*) FROM accounts a WHERE a.territory_id = t.id) AS accounts, \
     (SELECT COUNT(*) FROM technician_territories x WHERE x.territory_id = t.id) AS technicians, \
     (SELECT COUNT(*) FROM partner_territories x WHERE x.territory_id = t.id) AS partners";

fn use_from_row(r: &AnyRow) -> Result<TerritoryUse> {
    Ok(TerritoryUse {
        accounts: r.i64("accounts")?,
        technicians: r.i64("technicians")?,
        partners: r.i64("partners")?,
    })
}

/// What refers to one territory.
pub async fn territory_use(conn: &mut Conn, id: TerritoryId) -> Result<TerritoryUse> {
    sqlx::query(&format!(
        "SELECT {USE_COLUMNS} FROM territories t WHERE t.id = $1"
    ))
    .bind(id.0)
    .one(conn, use_from_row)
    .await
}

/// A territory as the back office lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritorySummary {
    pub territory: Territory,
    pub version: i64,
    pub used: TerritoryUse,
}

/// Every territory by name, with its version and what refers to it, in one query.
pub async fn territory_summaries(conn: &mut Conn) -> Result<Vec<TerritorySummary>> {
    sqlx::query(&format!(
        "SELECT t.id, t.name, t.postal_prefixes, t.polygon, t.version, {USE_COLUMNS} \
         FROM territories t ORDER BY t.name, t.id"
    ))
    .all(conn, |r| {
        Ok(TerritorySummary {
            territory: territory_from_row(r)?,
            version: r.i64("version")?,
            used: use_from_row(r)?,
        })
    })
    .await
}

/// An account, technician or partner of a territory's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    /// Accounts: still a customer (or partner); technicians: still working.
    pub active: bool,
}

fn member_from_row(r: &AnyRow) -> Result<Member> {
    Ok(Member {
        id: r.i64("id")?,
        name: r.text("name")?,
        active: r.bool("active")?,
    })
}

/// The first `limit` accounts in the territory, by name (`customer` or `partner` accounts).
pub async fn accounts_in(
    conn: &mut Conn,
    id: TerritoryId,
    kind: onsite_domain::account::AccountKind,
    limit: i64,
) -> Result<Vec<Member>> {
    sqlx::query(
        "SELECT id, name, active FROM accounts WHERE territory_id = $1 AND kind = $2 \
         ORDER BY name, id LIMIT $3",
    )
    .bind(id.0)
    .bind(kind.as_str())
    .bind(limit)
    .all(conn, member_from_row)
    .await
}

/// The technicians serving the territory, by name.
pub async fn technicians_serving(conn: &mut Conn, id: TerritoryId) -> Result<Vec<Member>> {
    sqlx::query(
        "SELECT t.id, t.name, t.active FROM technicians t JOIN technician_territories x \
         ON x.technician_id = t.id WHERE x.territory_id = $1 ORDER BY t.name, t.id",
    )
    .bind(id.0)
    .all(conn, member_from_row)
    .await
}

/// The partner accounts serving the territory (their distribution profile lists it), by name.
pub async fn partners_serving(conn: &mut Conn, id: TerritoryId) -> Result<Vec<Member>> {
    sqlx::query(
        "SELECT a.id, a.name, a.active FROM accounts a JOIN partner_territories x \
         ON x.account_id = a.id WHERE x.territory_id = $1 ORDER BY a.name, a.id",
    )
    .bind(id.0)
    .all(conn, member_from_row)
    .await
}

/// An account's address as territories match it, and the territory it is in now.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountAddress {
    pub id: AccountId,
    pub postal_code: String,
    pub location: GeoPoint,
    pub territory_id: Option<TerritoryId>,
}

/// Every account's address (customers and partners), by id.
pub async fn account_addresses(conn: &mut Conn) -> Result<Vec<AccountAddress>> {
    sqlx::query(
        "SELECT id, postal_code, latitude, longitude, territory_id FROM accounts ORDER BY id",
    )
    .all(conn, |r| {
        Ok(AccountAddress {
            id: AccountId(r.i64("id")?),
            postal_code: r.text("postal_code")?,
            location: GeoPoint::new(r.f64("latitude")?, r.f64("longitude")?)?,
            territory_id: r.opt_i64("territory_id")?.map(TerritoryId),
        })
    })
    .await
}

/// Puts an account in a territory (or none).
pub async fn set_account_territory(
    conn: &mut Conn,
    account: AccountId,
    territory: Option<TerritoryId>,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET territory_id = $1 WHERE id = $2")
        .bind(territory.map(|t| t.0))
        .bind(account.0)
        .changed_or_not_found(conn)
        .await
}

/// The future visits of the territory's technicians: (technician, account visited) for each
/// Scheduled visit starting at or after `from` of a technician serving the territory, each
/// pair once.
pub async fn scheduled_visits_of_serving(
    conn: &mut Conn,
    id: TerritoryId,
    from: Timestamp,
) -> Result<Vec<(TechnicianId, AccountId)>> {
    sqlx::query(
        "SELECT DISTINCT b.technician_id, w.account_id FROM bookings b \
         JOIN work_orders w ON w.id = b.work_order_id \
         JOIN technician_territories x ON x.technician_id = b.technician_id \
         WHERE x.territory_id = $1 AND b.state = 'scheduled' AND b.starts_at >= $2 \
         ORDER BY b.technician_id, w.account_id",
    )
    .bind(id.0)
    .bind(to_ms(from))
    .all(conn, |r| {
        Ok((
            TechnicianId(r.i64("technician_id")?),
            AccountId(r.i64("account_id")?),
        ))
    })
    .await
}

pub async fn territory(conn: &mut Conn, id: TerritoryId) -> Result<Territory> {
    sqlx::query("SELECT id, name, postal_prefixes, polygon FROM territories WHERE id = $1")
        .bind(id.0)
        .one(conn, territory_from_row)
        .await
}

/// Every territory, by name.
pub async fn list_territories(conn: &mut Conn) -> Result<Vec<Territory>> {
    sqlx::query("SELECT id, name, postal_prefixes, polygon FROM territories ORDER BY name, id")
        .all(conn, territory_from_row)
        .await
}

fn territory_from_row(r: &AnyRow) -> Result<Territory> {
    let postal_prefixes = r
        .text("postal_prefixes")?
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| PostalPrefix::parse(p).map(|p| p.0))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let polygon = r
        .opt_text("polygon")?
        .map(|json| parse_polygon(&json))
        .transpose()?;
    Ok(Territory {
        id: TerritoryId(r.i64("id")?),
        name: r.text("name")?,
        postal_prefixes,
        polygon,
    })
}

fn polygon_json(p: &Polygon) -> String {
    let pairs: Vec<[f64; 2]> = p.vertices().iter().map(|v| [v.lat(), v.lon()]).collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".to_owned())
}

fn parse_polygon(json: &str) -> Result<Polygon> {
    let pairs: Vec<[f64; 2]> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("territory polygon: {e}")))?;
    let vertices = pairs
        .into_iter()
        .map(|[lat, lon]| GeoPoint::new(lat, lon))
        .collect::<std::result::Result<_, _>>()?;
    Ok(Polygon::new(vertices)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_prefixes_are_normalized_and_checked() {
        assert_eq!(PostalPrefix::parse(" h2j ").unwrap().as_str(), "H2J");
        assert_eq!(PostalPrefix::parse("h2 j").unwrap().as_str(), "H2J");
        assert!(PostalPrefix::parse("").is_err());
        assert!(
            PostalPrefix::parse("H2J,H2K").is_err(),
            "a comma would split on read"
        );
        assert!(PostalPrefix::parse("H2J-1").is_err());
        assert!(PostalPrefix::parse("ABCDEFGHIJK").is_err());
    }

    #[test]
    fn polygons_round_trip_through_json() {
        let p = |a, b| GeoPoint::new(a, b).unwrap();
        let poly = Polygon::new(vec![p(45.5, -73.6), p(45.52, -73.58), p(45.51, -73.55)]).unwrap();
        assert_eq!(parse_polygon(&polygon_json(&poly)).unwrap(), poly);
        assert!(matches!(
            parse_polygon("[[95.0, 0.0], [0, 0], [1, 1]]"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            parse_polygon("[[1, 2]]"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(parse_polygon("nope"), Err(StoreError::Corrupt(_))));
    }
}
