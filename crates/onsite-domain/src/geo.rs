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

impl Polygon {
    /// Most vertices an area drawn by hand may have: a city's boroughs need a few dozen; the
    /// bound keeps [`Polygon::drawn`]'s edge-against-edge check cheap.
    pub const MAX_VERTICES: usize = 500;

    /// An area drawn or typed by a person: [`Polygon::new`], plus what makes a drawing a
    /// usable area: at most [`Polygon::MAX_VERTICES`] vertices, three of them distinct and
    /// not all on one line (an area, not a line), and no edge crossing another
    /// (`self-intersecting`: a figure-of-eight does not say which side is inside). Each error
    /// names `field`.
    pub fn drawn(field: &'static str, vertices: Vec<GeoPoint>) -> Result<Self, InvalidInput> {
        let mut vertices = vertices;
        // A closing vertex repeating the first (as GeoJSON writes rings) is implied here.
        if vertices.len() > 3 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        vertices.dedup();
        if vertices.len() > Self::MAX_VERTICES {
            return Err(InvalidInput::new(field, "too-many-vertices"));
        }
        let polygon = Self::new(vertices).map_err(|e| InvalidInput::new(field, e.reason))?;
        let v = &polygon.0;
        if v.iter().all(|p| orientation(v[0], v[1], *p) == 0.0) {
            return Err(InvalidInput::new(field, "too-few-vertices"));
        }
        if polygon.crosses_itself() {
            return Err(InvalidInput::new(field, "self-intersecting"));
        }
        Ok(polygon)
    }

    /// Whether two edges that do not share a vertex touch or cross, or two edges that do
    /// share one overlap along a line.
    fn crosses_itself(&self) -> bool {
        let n = self.0.len();
        let edge = |i: usize| (self.0[i], self.0[(i + 1) % n]);
        for i in 0..n {
            for j in i + 1..n {
                let adjacent = j == i + 1 || (i == 0 && j == n - 1);
                let (a, b) = edge(i);
                let (c, d) = edge(j);
                if adjacent {
                    // Consecutive edges share one vertex; they must not fold back onto each
                    // other (a spike: the far end of one lies on the other).
                    let (shared, p, q) = if b == c { (b, a, d) } else { (a, b, c) };
                    if orientation(shared, p, q) == 0.0
                        && (on_segment(shared, p, q) || on_segment(shared, q, p))
                    {
                        return true;
                    }
                } else if segments_meet(a, b, c, d) {
                    return true;
                }
            }
        }
        false
    }
}

/// The sign of the turn a → b → c (0: on one line), in degrees (longitude as x).
fn orientation(a: GeoPoint, b: GeoPoint, c: GeoPoint) -> f64 {
    let v = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
    if v.abs() < 1e-15 { 0.0 } else { v.signum() }
}

/// Whether `p`, on the line through `a` and `b`, lies on the segment a–b beyond `a`.
fn on_segment(a: GeoPoint, b: GeoPoint, p: GeoPoint) -> bool {
    p != a
        && p.lon >= a.lon.min(b.lon)
        && p.lon <= a.lon.max(b.lon)
        && p.lat >= a.lat.min(b.lat)
        && p.lat <= a.lat.max(b.lat)
}

/// Whether the segments a–b and c–d have a point in common.
fn segments_meet(a: GeoPoint, b: GeoPoint, c: GeoPoint, d: GeoPoint) -> bool {
    let (o1, o2) = (orientation(a, b, c), orientation(a, b, d));
    let (o3, o4) = (orientation(c, d, a), orientation(c, d, b));
    if o1 != o2 && o3 != o4 {
        return true;
    }
    let within = |p: GeoPoint, q: GeoPoint, r: GeoPoint| {
        r.lon >= p.lon.min(q.lon)
            && r.lon <= p.lon.max(q.lon)
            && r.lat >= p.lat.min(q.lat)
            && r.lat <= p.lat.max(q.lat)
    };
    (o1 == 0.0 && within(a, b, c))
        || (o2 == 0.0 && within(a, b, d))
        || (o3 == 0.0 && within(c, d, a))
        || (o4 == 0.0 && within(c, d, b))
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
    fn a_drawn_area_is_an_area_whose_edges_do_not_cross() {
        let square = vec![pt(0.0, 0.0), pt(0.0, 1.0), pt(1.0, 1.0), pt(1.0, 0.0)];
        assert!(Polygon::drawn("area", square.clone()).is_ok());
        let mut closed = square.clone();
        closed.push(pt(0.0, 0.0));
        assert_eq!(Polygon::drawn("area", closed).unwrap().vertices().len(), 4);
        let reason = |v: Vec<GeoPoint>| Polygon::drawn("area", v).unwrap_err().reason;
        let bow_tie = vec![pt(0.0, 0.0), pt(1.0, 1.0), pt(0.0, 1.0), pt(1.0, 0.0)];
        assert_eq!(reason(bow_tie), "self-intersecting");
        assert_eq!(reason(vec![pt(0.0, 0.0), pt(0.0, 1.0)]), "too-few-vertices");
        let line = vec![pt(0.0, 0.0), pt(0.0, 1.0), pt(0.0, 2.0)];
        assert_eq!(reason(line), "too-few-vertices");
        let repeated = vec![pt(0.0, 0.0), pt(0.0, 0.0), pt(0.0, 1.0)];
        assert_eq!(reason(repeated), "too-few-vertices");
        // A spike: the third vertex goes back along the second edge.
        let spike = vec![pt(0.0, 0.0), pt(0.0, 2.0), pt(0.0, 1.0), pt(1.0, 1.0)];
        assert_eq!(reason(spike), "self-intersecting");
        // A vertex touching another edge.
        let touching = vec![
            pt(0.0, 0.0),
            pt(0.0, 2.0),
            pt(2.0, 2.0),
            pt(0.0, 1.0),
            pt(2.0, 0.0),
        ];
        assert_eq!(reason(touching), "self-intersecting");
        let concave = vec![
            pt(0.0, 0.0),
            pt(0.0, 2.0),
            pt(2.0, 2.0),
            pt(1.0, 1.0),
            pt(2.0, 0.0),
        ];
        assert!(Polygon::drawn("area", concave).is_ok());
        let many: Vec<GeoPoint> = (0..=Polygon::MAX_VERTICES)
            .map(|i| {
                let a = i as f64 / (Polygon::MAX_VERTICES + 1) as f64 * std::f64::consts::TAU;
                pt(a.sin(), a.cos())
            })
            .collect();
        assert_eq!(reason(many), "too-many-vertices");
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
