//! Time: validated IANA zones and weekly working hours. Instants are `jiff::Timestamp` (UTC);
//! every local date or time travels with its zone.

use crate::InvalidInput;
use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The name of an IANA time zone known to the bundled tz database, e.g. `America/Toronto`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 64 {
            return Err(InvalidInput::new("time_zone", "time-zone"));
        }
        // Only zones with an IANA name: jiff also resolves `Etc/Unknown` (CLDR's "unknown
        // zone", UTC under another label), which is no IANA zone and has no name of its own.
        match TimeZone::get(s).ok().as_ref().and_then(TimeZone::iana_name) {
            Some(name) => Ok(Self(name.to_owned())),
            None => Err(InvalidInput::new("time_zone", "time-zone")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn time_zone(&self) -> TimeZone {
        // Parsed names always resolve; UTC is an unreachable fallback that keeps this total.
        TimeZone::get(&self.0).unwrap_or(TimeZone::UTC)
    }
}

text_conversions!(TimeZoneName);

/// Minutes since local midnight, 0…1440 (1440 = end of day).
pub type MinuteOfDay = u16;

/// One working period on a weekday, in the technician's local time, e.g. Monday 08:00–17:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingPeriod {
    #[serde(with = "iso_weekday")]
    pub weekday: Weekday,
    pub start: MinuteOfDay,
    pub end: MinuteOfDay,
}

impl WorkingPeriod {
    pub fn new(
        weekday: Weekday,
        start: MinuteOfDay,
        end: MinuteOfDay,
    ) -> Result<Self, InvalidInput> {
        if end > 1440 || start >= end {
            return Err(InvalidInput::new("working_hours", "start-before-end"));
        }
        Ok(Self {
            weekday,
            start,
            end,
        })
    }
}

/// Weekday ↔ ISO number (Monday = 1 … Sunday = 7), the form stored in the database.
pub fn weekday_from_iso(n: i64) -> Result<Weekday, InvalidInput> {
    match n {
        1..=7 => Ok(Weekday::from_monday_one_offset(n as i8).unwrap_or(Weekday::Monday)),
        _ => Err(InvalidInput::new("weekday", "out-of-range")),
    }
}

/// Serializes a weekday as its ISO number (Monday = 1).
mod iso_weekday {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i8(w.to_monday_one_offset())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let n = i64::deserialize(d)?;
        super::weekday_from_iso(n).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_checked_against_the_tz_database() {
        assert_eq!(
            TimeZoneName::parse("America/Toronto").unwrap().as_str(),
            "America/Toronto"
        );
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }

    /// Found by the `time_zones` fuzz target: jiff's special unknown zone was accepted, and
    /// kept in the case it was typed in.
    #[test]
    fn names_are_canonical_iana_names_and_the_unknown_zone_is_refused() {
        assert_eq!(
            TimeZoneName::parse(" america/TORONTO ").unwrap().as_str(),
            "America/Toronto"
        );
        assert_eq!(TimeZoneName::parse("utc").unwrap().as_str(), "UTC");
        for unknown in ["Etc/Unknown", "etC/uNkNOWN"] {
            assert!(TimeZoneName::parse(unknown).is_err(), "{unknown}");
        }
    }

    #[test]
    fn working_periods_must_be_ordered() {
        assert!(WorkingPeriod::new(Weekday::Monday, 480, 1020).is_ok());
        assert!(WorkingPeriod::new(Weekday::Monday, 600, 600).is_err());
        assert!(WorkingPeriod::new(Weekday::Monday, 0, 1441).is_err());
        assert_eq!(weekday_from_iso(7).unwrap(), Weekday::Sunday);
        assert!(weekday_from_iso(0).is_err());
    }
}
