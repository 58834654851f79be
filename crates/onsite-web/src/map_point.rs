//! A place picked on a map in a staff form (an account's service address, a technician's home
//! base): two number inputs named `latitude` and `longitude` that work without JavaScript, and
//! a Leaflet map where a click or a dragged marker fills them (`templates/map_point.html`,
//! `assets/src/map_point.js`). One per form.

use crate::AppState;
use onsite_domain::InvalidInput;
use onsite_domain::geo::GeoPoint;

/// What `templates/map_point.html` shows (as `point`).
#[derive(Debug, Clone)]
pub struct MapPoint {
    /// The fieldset's legend, also the marker's name.
    pub legend: String,
    /// What was typed or saved (empty for a new record).
    pub latitude: String,
    pub longitude: String,
    /// The tile URL template (the tracking setting), empty for a map without tiles.
    pub tiles: String,
    /// Where an empty picker's map is centred.
    pub center: (f64, f64),
}

/// Where an empty map opens: the demo city's centre (Montréal).
pub const DEFAULT_CENTER: (f64, f64) = (45.5017, -73.5673);

/// The map tiles' URL template (the tracking setting). A map without tiles still works
/// (markers, clicks): a failed read costs only the tiles.
pub async fn tiles(state: &AppState) -> String {
    onsite_app::tracking::tile_url(&state.app)
        .await
        .unwrap_or_default()
}

impl MapPoint {
    /// A picker showing `latitude` / `longitude` as typed (or as saved, formatted).
    pub async fn new(
        state: &AppState,
        legend: String,
        latitude: String,
        longitude: String,
    ) -> MapPoint {
        let tiles = tiles(state).await;
        MapPoint {
            legend,
            latitude,
            longitude,
            tiles,
            center: DEFAULT_CENTER,
        }
    }

    /// The saved point, as the inputs show it.
    pub fn text(point: GeoPoint) -> (String, String) {
        (format!("{:.6}", point.lat()), format!("{:.6}", point.lon()))
    }
}

/// The point typed in a form's `latitude` and `longitude` fields, or the field that is wrong.
pub fn parse(latitude: &str, longitude: &str) -> Result<GeoPoint, InvalidInput> {
    let number = |field: &'static str, raw: &str| {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InvalidInput::new(field, "required"));
        }
        raw.replace(',', ".")
            .parse::<f64>()
            .map_err(|_| InvalidInput::new(field, "not-a-number"))
    };
    GeoPoint::new(
        number("latitude", latitude)?,
        number("longitude", longitude)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typed_coordinates_and_names_the_wrong_field() {
        let p = parse(" 45.52 ", "-73,58").unwrap();
        assert_eq!((p.lat(), p.lon()), (45.52, -73.58));
        assert_eq!(parse("", "1").unwrap_err().field, "latitude");
        assert_eq!(parse("1", "east").unwrap_err().field, "longitude");
        assert_eq!(parse("91", "0").unwrap_err().field, "latitude");
        assert_eq!(parse("0", "NaN").unwrap_err().field, "longitude");
        assert_eq!(MapPoint::text(p), ("45.520000".into(), "-73.580000".into()));
    }
}
