//! Track my technician (SPEC §5): View Live Map and its event stream (`pages`), positions
//! from the technician page and tracking apps, and the live map as JSON (`api`). The
//! technician's position on the map is [`Position`], which both send.

pub mod api;
pub mod pages;

use jiff::Timestamp;
use onsite_app::tracking::LiveMap;
use serde::Serialize;
use utoipa::ToSchema;

/// The technician's last position on a live map, as the API answers it and the page's
/// `position` events carry it. Instants are Unix seconds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LivePosition)]
pub struct Position {
    latitude: f64,
    longitude: f64,
    #[schema(required = true)]
    accuracy_m: Option<f64>,
    /// The device's time of the fix, Unix seconds.
    recorded_at: i64,
    /// Seconds since `recorded_at`.
    age_s: i64,
    /// Older than two minutes.
    stale: bool,
    /// Estimated arrival, Unix seconds.
    eta: i64,
    eta_minutes: i64,
    distance_km: f64,
}

impl Position {
    /// The map's position at `now`, if the technician's device sent one.
    pub fn of(map: &LiveMap, now: Timestamp) -> Option<Position> {
        map.position.map(|p| Position {
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
            recorded_at: p.recorded_at.as_second(),
            age_s: now.duration_since(p.recorded_at).as_secs().max(0),
            stale: p.stale,
            eta: p.eta.as_second(),
            eta_minutes: p.eta_minutes,
            distance_km: (p.distance_km * 10.0).round() / 10.0,
        })
    }
}

/// The map's position at `now` as JSON (`null` without one), for the page's events.
pub(crate) fn position_json(map: &LiveMap, now: Timestamp) -> serde_json::Value {
    serde_json::to_value(Position::of(map, now)).unwrap_or(serde_json::Value::Null)
}
