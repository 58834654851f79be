//! Territories: the areas technicians and partners serve, by postal-code prefix and/or polygon.
//!
//! Prefixes are stored comma-separated and polygons as JSON `[[lat, lon], …]`; both are parsed
//! back through the domain types on every read, so a hand-edited row reads as
//! [`StoreError::Corrupt`] instead of breaking a page.

use crate::sql::Run;
use crate::{Conn, Result, RowExt, StoreError};
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::territory::{Territory, normalize_postal_code};
use onsite_domain::{InvalidInput, TerritoryId};
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

pub async fn insert_territory(conn: &mut Conn, t: &NewTerritory<'_>) -> Result<TerritoryId> {
    let prefixes = t
        .postal_prefixes
        .iter()
        .map(PostalPrefix::as_str)
        .collect::<Vec<_>>()
        .join(",");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO territories (name, postal_prefixes, polygon) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(t.name)
    .bind(prefixes)
    .bind(t.polygon.map(polygon_json))
    .fetch_one(&mut *conn)
    .await?;
    Ok(TerritoryId(id))
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
