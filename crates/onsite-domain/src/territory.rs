//! Territories: the areas technicians and partners serve, by postal-code prefix and/or polygon.

use crate::TerritoryId;
use crate::geo::{GeoPoint, Polygon};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    pub id: TerritoryId,
    pub name: String,
    /// Upper-case postal-code prefixes without spaces (e.g. Canadian FSAs `H2J`).
    pub postal_prefixes: Vec<String>,
    pub polygon: Option<Polygon>,
}

impl Territory {
    /// Whether an address belongs to the territory: its postal code starts with one of the
    /// prefixes, or its point lies in (or on the edge of) the polygon.
    pub fn covers(&self, postal_code: &str, point: Option<GeoPoint>) -> bool {
        let normalized = normalize_postal_code(postal_code);
        let by_prefix = !normalized.is_empty()
            && self
                .postal_prefixes
                .iter()
                .any(|p| normalized.starts_with(p.as_str()));
        let by_area = matches!((&self.polygon, point), (Some(poly), Some(p)) if poly.contains(p));
        by_prefix || by_area
    }
}

/// The territory an address belongs to, which an account's territory follows: the first of
/// `territories` (in their order, the store lists them by id) that covers it, if any.
pub fn territory_of<'a>(
    territories: impl IntoIterator<Item = &'a Territory>,
    postal_code: &str,
    point: GeoPoint,
) -> Option<TerritoryId> {
    territories
        .into_iter()
        .find(|t| t.covers(postal_code, Some(point)))
        .map(|t| t.id)
}

/// Postal codes compare without spaces and case: `h2j 1a1` and `H2J1A1` are the same.
pub fn normalize_postal_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_by_prefix_or_polygon() {
        let p = |a, b| GeoPoint::new(a, b).unwrap();
        let t = Territory {
            id: TerritoryId(1),
            name: "Plateau".into(),
            postal_prefixes: vec!["H2J".into()],
            polygon: Some(Polygon::new(vec![p(0.0, 0.0), p(0.0, 1.0), p(1.0, 1.0)]).unwrap()),
        };
        assert!(t.covers("h2j 1a1", None));
        assert!(t.covers("", Some(p(0.0, 0.5))));
        assert!(!t.covers("H3A 0B1", Some(p(5.0, 5.0))));
        assert!(!t.covers("", None));
    }

    #[test]
    fn an_address_belongs_to_the_first_territory_covering_it() {
        let p = |a, b| GeoPoint::new(a, b).unwrap();
        let by_prefix = |id, prefix: &str| Territory {
            id: TerritoryId(id),
            name: format!("T{id}"),
            postal_prefixes: vec![prefix.into()],
            polygon: None,
        };
        let all = [by_prefix(1, "H3"), by_prefix(2, "H2"), by_prefix(3, "H2J")];
        assert_eq!(
            territory_of(&all, "h2j 1a1", p(0.0, 0.0)),
            Some(TerritoryId(2))
        );
        assert_eq!(territory_of(&all, "G1A", p(0.0, 0.0)), None);
    }
}
