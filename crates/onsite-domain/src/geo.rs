//! Geography: validated coordinates, great-circle distance and polygons.

use crate::InvalidInput;
use serde::{Deserialize, Serialize};

/// A WGS 84 position. Latitude in −90…90, longitude in −180…180, both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Result<Self, InvalidInput> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(InvalidInput::new("latitude", "out-of-range"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(InvalidInput::new("longitude", "out-of-range"));
        }
        Ok(Self { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle (haversine) distance in kilometres.
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// A simple polygon (no holes) given by its vertices in order; the closing edge is implied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<GeoPoint>", into = "Vec<GeoPoint>")]
pub struct Polygon(Vec<GeoPoint>);

impl Polygon {
    pub fn new(vertices: Vec<GeoPoint>) -> Result<Self, InvalidInput> {
        if vertices.len() < 3 {
            return Err(InvalidInput::new("polygon", "too-few-vertices"));
        }
        Ok(Self(vertices))
    }

    pub fn vertices(&self) -> &[GeoPoint] {
        &self.0
    }

    /// Whether `p` lies inside the polygon or on its boundary (a customer on the border street
    /// of a territory belongs to it).
    pub fn contains(&self, p: GeoPoint) -> bool {
        const EPS: f64 = 1e-12;
        let (x, y) = (p.lon, p.lat);
        let n = self.0.len();
        let mut inside = false;
        for i in 0..n {
            let a = self.0[i];
            let b = self.0[(i + 1) % n];
            let (x1, y1, x2, y2) = (a.lon, a.lat, b.lon, b.lat);
            // On the edge: collinear and within the segment's bounding box.
            let cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
            if cross.abs() <= EPS
                && x >= x1.min(x2) - EPS
                && x <= x1.max(x2) + EPS
                && y >= y1.min(y2) - EPS
                && y <= y1.max(y2) + EPS
            {
                return true;
            }
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
        inside
    }
}

impl TryFrom<Vec<GeoPoint>> for Polygon {
    type Error = InvalidInput;
    fn try_from(value: Vec<GeoPoint>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Polygon> for Vec<GeoPoint> {
    fn from(value: Polygon) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint::new(lat, lon).unwrap()
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert!(GeoPoint::new(90.1, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert!(GeoPoint::new(-90.0, 180.0).is_ok());
    }

    #[test]
    fn distance_montreal_to_quebec_city_is_about_233_km() {
        let d = pt(45.5017, -73.5673).distance_km(pt(46.8139, -71.2080));
        assert!((d - 233.0).abs() < 3.0, "{d}");
        assert_eq!(pt(45.0, -73.0).distance_km(pt(45.0, -73.0)), 0.0);
    }

    #[test]
    fn polygon_contains_inside_and_edge_not_outside() {
        let square =
            Polygon::new(vec![pt(0.0, 0.0), pt(0.0, 1.0), pt(1.0, 1.0), pt(1.0, 0.0)]).unwrap();
        assert!(square.contains(pt(0.5, 0.5)));
        assert!(square.contains(pt(0.0, 0.5)), "edge");
        assert!(square.contains(pt(1.0, 1.0)), "vertex");
        assert!(!square.contains(pt(1.5, 0.5)));
        assert!(!square.contains(pt(-0.0001, 0.5)));
    }
}
