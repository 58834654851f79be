//! Portal settings: every site setting with its key, type, range and default. Values are stored
//! as text under their key; [`Setting::parse`] is the one place that validates them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum SettingKind {
    Bool,
    Integer { min: i64, max: i64 },
    Decimal { min: f64, max: f64 },
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Setting {
    pub key: &'static str,
    pub kind: SettingKind,
    pub default: &'static str,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InvalidSetting {
    #[error("unknown setting {0}")]
    Unknown(String),
    #[error("{key} must be true or false")]
    NotBool { key: &'static str },
    #[error("{key} must be a whole number between {min} and {max}")]
    IntegerOutOfRange {
        key: &'static str,
        min: i64,
        max: i64,
    },
    #[error("{key} must be a number between {min} and {max}")]
    DecimalOutOfRange {
        key: &'static str,
        min: f64,
        max: f64,
    },
}

/// A validated setting value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SettingValue {
    Bool(bool),
    Integer(i64),
    Decimal(f64),
    Text(String),
}

impl Setting {
    pub fn parse(&self, raw: &str) -> Result<SettingValue, InvalidSetting> {
        let raw = raw.trim();
        match self.kind {
            SettingKind::Bool => match raw {
                "true" | "on" | "1" => Ok(SettingValue::Bool(true)),
                "false" | "off" | "0" => Ok(SettingValue::Bool(false)),
                _ => Err(InvalidSetting::NotBool { key: self.key }),
            },
            SettingKind::Integer { min, max } => match raw.parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => Ok(SettingValue::Integer(v)),
                _ => Err(InvalidSetting::IntegerOutOfRange {
                    key: self.key,
                    min,
                    max,
                }),
            },
            SettingKind::Decimal { min, max } => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= min && v <= max => Ok(SettingValue::Decimal(v)),
                _ => Err(InvalidSetting::DecimalOutOfRange {
                    key: self.key,
                    min,
                    max,
                }),
            },
            SettingKind::Text => Ok(SettingValue::Text(raw.to_owned())),
        }
    }

    pub fn lookup(key: &str) -> Result<&'static Setting, InvalidSetting> {
        ALL.iter()
            .find(|s| s.key == key)
            .ok_or_else(|| InvalidSetting::Unknown(key.to_owned()))
    }
}

macro_rules! settings {
    ($($name:ident = $key:literal, $kind:expr, $default:literal;)*) => {
        $(pub const $name: Setting = Setting { key: $key, kind: $kind, default: $default };)*
        /// Every setting, in display order.
        pub const ALL: &[Setting] = &[$($name),*];
    };
}

use SettingKind::*;

settings! {
    SELF_SCHEDULING_ENABLED = "scheduling/enabled", Bool, "true";
    SLOT_MINUTES = "scheduling/slot_minutes", Integer { min: 5, max: 240 }, "30";
    ARRIVAL_WINDOW_MINUTES = "scheduling/arrival_window_minutes", Integer { min: 0, max: 480 }, "0";
    HORIZON_DAYS = "scheduling/horizon_days", Integer { min: 1, max: 365 }, "30";
    LEAD_TIME_MINUTES = "scheduling/lead_time_minutes", Integer { min: 0, max: 20160 }, "120";
    TRAVEL_SPEED_KMH = "scheduling/travel_speed_kmh", Decimal { min: 5.0, max: 130.0 }, "35";
    TRAVEL_ROAD_FACTOR = "scheduling/travel_road_factor", Decimal { min: 1.0, max: 3.0 }, "1.3";
    TRACKING_ENABLED = "tracking/enabled", Bool, "true";
    TRACKING_TILE_URL = "tracking/tile_url", Text, "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    POSITION_RETENTION_DAYS = "tracking/retention_days", Integer { min: 1, max: 365 }, "30";
    SURVEYS_ENABLED = "surveys/enabled", Bool, "true";
    INVITATION_DAYS = "identity/invitation_days", Integer { min: 1, max: 90 }, "14";
    DISTANCE_WEIGHT = "distribution/weights/distance", Decimal { min: -0.01, max: 0.0 }, "-0.005";
    WINRATE_WEIGHT = "distribution/weights/winrate", Decimal { min: 0.0, max: 5.0 }, "2";
    RETURNRATE_WEIGHT = "distribution/weights/returnrate", Decimal { min: -5.0, max: 0.0 }, "-1";
    FEEDBACKRATE_WEIGHT = "distribution/weights/feedbackrate", Decimal { min: 0.0, max: 5.0 }, "1";
    STALLRATE_WEIGHT = "distribution/weights/stallrate", Decimal { min: -5.0, max: 0.0 }, "-1";
    TOUCHRATE_WEIGHT = "distribution/weights/touchrate", Decimal { min: 0.0, max: 5.0 }, "1";
    AVGTIMETOCLOSE_WEIGHT = "distribution/weights/avgtimetoclose", Decimal { min: -0.5, max: 0.0 }, "-0.1";
    AUTO_DISTRIBUTION = "distribution/automatic", Bool, "false";
    ACCEPT_HOURS = "distribution/accept_hours", Integer { min: 1, max: 720 }, "48";
    API_TOKEN_REQUESTS_PER_MINUTE = "api/token_requests_per_minute", Integer { min: 1, max: 100000 }, "600";
    WEBHOOK_MAX_ATTEMPTS = "webhooks/max_attempts", Integer { min: 1, max: 40 }, "15";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_valid() {
        for s in ALL {
            assert!(s.parse(s.default).is_ok(), "{}", s.key);
        }
    }

    #[test]
    fn weights_outside_their_range_are_refused_with_the_range() {
        let s = Setting::lookup("distribution/weights/distance").unwrap();
        assert!(s.parse("-0.01").is_ok() && s.parse("0").is_ok());
        let err = s.parse("0.5").unwrap_err();
        assert_eq!(
            err.to_string(),
            "distribution/weights/distance must be a number between -0.01 and 0"
        );
        assert!(s.parse("abc").is_err() && s.parse("NaN").is_err());
        assert!(Setting::lookup("nope").is_err());
    }
}
