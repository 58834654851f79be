//! Travel models: how far and how long a drive between two places is. The engine only asks
//! [`TravelModel::travel`]; the default [`GreatCircle`] needs no map data, and a road-network
//! model can be plugged in later without touching the search.

use onsite_domain::InvalidInput;
use onsite_domain::geo::GeoPoint;
use onsite_domain::settings::{self, Setting, SettingKind, SettingValue};

/// One drive: its distance and its duration in whole minutes (rounded up, so a promised time is
/// never shorter than the estimate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    pub km: f64,
    pub minutes: i64,
}

/// How far and how long from one place to another. Implementations must be deterministic (the
/// same question gets the same answer within one search); they need not be symmetric.
pub trait TravelModel {
    fn travel(&self, from: GeoPoint, to: GeoPoint) -> Travel;
}

impl<T: TravelModel + ?Sized> TravelModel for &T {
    fn travel(&self, from: GeoPoint, to: GeoPoint) -> Travel {
        (**self).travel(from, to)
    }
}

/// The default model: great-circle distance × a road factor (roads are not straight), driven at
/// a constant speed. Both numbers are site settings (`scheduling/travel_road_factor`,
/// `scheduling/travel_speed_kmh`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GreatCircle {
    speed_kmh: f64,
    road_factor: f64,
}

impl GreatCircle {
    /// Checked against the ranges of the site settings, so a model cannot be built with a zero
    /// speed (infinite travel) or a factor below 1 (shorter than a straight line).
    pub fn new(speed_kmh: f64, road_factor: f64) -> Result<Self, InvalidInput> {
        Ok(Self {
            speed_kmh: in_range(&settings::TRAVEL_SPEED_KMH, "travel_speed_kmh", speed_kmh)?,
            road_factor: in_range(
                &settings::TRAVEL_ROAD_FACTOR,
                "travel_road_factor",
                road_factor,
            )?,
        })
    }

    pub fn speed_kmh(&self) -> f64 {
        self.speed_kmh
    }

    pub fn road_factor(&self) -> f64 {
        self.road_factor
    }
}

impl Default for GreatCircle {
    /// The site defaults (35 km/h, factor 1.3), read from the settings table of the domain.
    fn default() -> Self {
        Self {
            speed_kmh: default_decimal(&settings::TRAVEL_SPEED_KMH, 35.0),
            road_factor: default_decimal(&settings::TRAVEL_ROAD_FACTOR, 1.3),
        }
    }
}

impl TravelModel for GreatCircle {
    fn travel(&self, from: GeoPoint, to: GeoPoint) -> Travel {
        let km = from.distance_km(to) * self.road_factor;
        let minutes = (km / self.speed_kmh * 60.0).ceil() as i64;
        Travel { km, minutes }
    }
}

fn in_range(setting: &Setting, field: &'static str, value: f64) -> Result<f64, InvalidInput> {
    match setting.kind {
        SettingKind::Decimal { min, max } if value.is_finite() && value >= min && value <= max => {
            Ok(value)
        }
        _ => Err(InvalidInput::new(field, "out-of-range")),
    }
}

fn default_decimal(setting: &Setting, fallback: f64) -> f64 {
    // The defaults are constants of the domain; the fallback only keeps this total.
    match setting.parse(setting.default) {
        Ok(SettingValue::Decimal(v)) => v,
        _ => fallback,
    }
}

/// Longest drive the engine accepts from a model (a week): a faulty plug-in returning huge or
/// negative numbers must not overflow the arithmetic or make a technician free by travelling
/// back in time.
const MAX_TRAVEL_MINUTES: i64 = 7 * 24 * 60;

/// A drive as the engine uses it: clamped minutes, its length in milliseconds, and a distance
/// that sorts a nonsensical (NaN) answer last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Leg {
    pub km: f64,
    pub minutes: i64,
    pub ms: i64,
}

impl Leg {
    pub fn between(model: &(impl TravelModel + ?Sized), from: GeoPoint, to: GeoPoint) -> Leg {
        let t = model.travel(from, to);
        let minutes = t.minutes.clamp(0, MAX_TRAVEL_MINUTES);
        let km = if t.km.is_nan() {
            f64::INFINITY
        } else {
            t.km.max(0.0)
        };
        Leg {
            km,
            minutes,
            ms: minutes * 60_000,
        }
    }

    /// Of two drives that must both fit (several visits ending at the same instant in different
    /// places), the binding one: the longer in time, then in distance.
    pub fn longest(self, other: Leg) -> Leg {
        match self.ms.cmp(&other.ms).then(self.km.total_cmp(&other.km)) {
            std::cmp::Ordering::Less => other,
            _ => self,
        }
    }

    pub fn public(self) -> Travel {
        Travel {
            km: self.km,
            minutes: self.minutes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint::new(lat, lon).unwrap()
    }

    #[test]
    fn default_model_uses_the_site_defaults() {
        let m = GreatCircle::default();
        assert_eq!((m.speed_kmh(), m.road_factor()), (35.0, 1.3));
        assert_eq!(m, GreatCircle::new(35.0, 1.3).unwrap());
    }

    #[test]
    fn models_outside_the_setting_ranges_are_refused() {
        assert!(GreatCircle::new(0.0, 1.3).is_err());
        assert!(GreatCircle::new(35.0, 0.9).is_err());
        assert!(GreatCircle::new(f64::NAN, 1.3).is_err());
        assert!(GreatCircle::new(130.0, 3.0).is_ok());
    }

    #[test]
    fn travel_is_road_distance_at_speed_rounded_up_to_the_minute() {
        let m = GreatCircle::new(60.0, 1.5).unwrap();
        // Montréal → Québec is about 233 km straight: 350 km of road at 60 km/h ≈ 350 min.
        let t = m.travel(pt(45.5017, -73.5673), pt(46.8139, -71.2080));
        assert!((t.km - 1.5 * 233.0).abs() < 5.0, "{t:?}");
        assert_eq!(t.minutes, t.km.ceil() as i64);
        let here = pt(45.5, -73.6);
        assert_eq!(
            m.travel(here, here),
            Travel {
                km: 0.0,
                minutes: 0
            }
        );
        // A few metres still cost a whole minute.
        assert_eq!(m.travel(here, pt(45.5001, -73.6)).minutes, 1);
    }

    struct Broken;
    impl TravelModel for Broken {
        fn travel(&self, _: GeoPoint, _: GeoPoint) -> Travel {
            Travel {
                km: f64::NAN,
                minutes: -30,
            }
        }
    }

    #[test]
    fn a_faulty_model_cannot_make_travel_negative() {
        let here = pt(0.0, 0.0);
        let leg = Leg::between(&Broken, here, here);
        assert_eq!((leg.minutes, leg.ms), (0, 0));
        assert_eq!(leg.km, f64::INFINITY);
    }
}
