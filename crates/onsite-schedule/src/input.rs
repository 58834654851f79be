//! The question the engine answers: what is requested, where and for how long ([`Request`]),
//! who is already committed where ([`Commitment`]), the site's scheduling settings
//! ([`Settings`]) and the moment of asking ([`SearchInput::now`]).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_domain::booking::Booking;
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::settings::{self, Setting, SettingKind, SettingValue};
use onsite_domain::skill::SkillLevel;
use onsite_domain::technician::Technician;
use onsite_domain::{InvalidInput, TechnicianId, TerritoryId};

/// A customer's request for a visit.
#[derive(Debug, Clone)]
pub struct Request {
    /// Where the visit happens (the account's address).
    pub location: GeoPoint,
    /// The service location's zone: it decides the slot grid and what "a day" is.
    pub time_zone: TimeZone,
    /// The territories that cover the location (a location may lie in several overlapping
    /// territories; none means nobody serves it). Membership is decided upstream with
    /// `Territory::covers`, which needs the postal code the engine does not see.
    pub territories: Vec<TerritoryId>,
    /// The service type's estimated time on site.
    pub duration: VisitDuration,
    /// Every skill needed, each at its minimum rating: see [`combined_skills`].
    pub required_skills: Vec<SkillLevel>,
}

/// The skills a visit needs: the service type's and the asset's together, each characteristic
/// once at the higher of the two minimum ratings. Sorted by characteristic.
pub fn combined_skills(service_type: &[SkillLevel], asset: &[SkillLevel]) -> Vec<SkillLevel> {
    let mut all: Vec<SkillLevel> = service_type.iter().chain(asset).copied().collect();
    // Highest rating first within a characteristic, so dedup keeps the strictest requirement.
    all.sort_by(|a, b| {
        a.characteristic_id
            .cmp(&b.characteristic_id)
            .then(b.rating.cmp(&a.rating))
    });
    all.dedup_by_key(|s| s.characteristic_id);
    all
}

/// Time a technician is already committed somewhere: an existing visit (any state but
/// Canceled — canceled ones are simply not passed). When rescheduling, leave out the booking
/// being moved so it does not block its own new time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Commitment {
    pub technician_id: TechnicianId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub location: GeoPoint,
}

impl From<&Booking> for Commitment {
    fn from(b: &Booking) -> Self {
        Self {
            technician_id: b.technician_id,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            location: b.location,
        }
    }
}

/// The site's scheduling settings, each checked against the range of its site setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    slot_minutes: u16,
    arrival_window_minutes: u16,
    horizon_days: u16,
    lead_time_minutes: u32,
}

impl Settings {
    pub fn new(
        slot_minutes: i64,
        arrival_window_minutes: i64,
        horizon_days: i64,
        lead_time_minutes: i64,
    ) -> Result<Self, InvalidInput> {
        Ok(Self {
            slot_minutes: int_in_range(&settings::SLOT_MINUTES, "slot_minutes", slot_minutes)?
                as u16,
            arrival_window_minutes: int_in_range(
                &settings::ARRIVAL_WINDOW_MINUTES,
                "arrival_window_minutes",
                arrival_window_minutes,
            )? as u16,
            horizon_days: int_in_range(&settings::HORIZON_DAYS, "horizon_days", horizon_days)?
                as u16,
            lead_time_minutes: int_in_range(
                &settings::LEAD_TIME_MINUTES,
                "lead_time_minutes",
                lead_time_minutes,
            )? as u32,
        })
    }

    /// Distance between two slot starts, from local midnight of the service location.
    pub fn slot_minutes(&self) -> i64 {
        self.slot_minutes as i64
    }

    /// The promised arrival window (0 = an exact start time).
    pub fn arrival_window_minutes(&self) -> i64 {
        self.arrival_window_minutes as i64
    }

    /// How many days after today can be booked (today + horizon_days is the last day).
    pub fn horizon_days(&self) -> i64 {
        self.horizon_days as i64
    }

    /// No slot starts sooner than this after "now".
    pub fn lead_time_minutes(&self) -> i64 {
        self.lead_time_minutes as i64
    }
}

impl Default for Settings {
    /// The site defaults from the settings table of the domain.
    fn default() -> Self {
        Self {
            slot_minutes: default_int(&settings::SLOT_MINUTES, 30) as u16,
            arrival_window_minutes: default_int(&settings::ARRIVAL_WINDOW_MINUTES, 0) as u16,
            horizon_days: default_int(&settings::HORIZON_DAYS, 30) as u16,
            lead_time_minutes: default_int(&settings::LEAD_TIME_MINUTES, 120) as u32,
        }
    }
}

fn int_in_range(setting: &Setting, field: &'static str, value: i64) -> Result<i64, InvalidInput> {
    match setting.kind {
        // Every scheduling range lies within 0..=20160, so the narrowing casts above are exact.
        SettingKind::Integer { min, max } if (min..=max).contains(&value) => Ok(value),
        _ => Err(InvalidInput::new(field, "out-of-range")),
    }
}

fn default_int(setting: &Setting, fallback: i64) -> i64 {
    match setting.parse(setting.default) {
        Ok(SettingValue::Integer(v)) => v,
        _ => fallback,
    }
}

/// Everything one search looks at. Technicians may be all of them: the engine keeps the
/// eligible ones. Commitments of technicians not listed are ignored.
///
/// Speed note: pass `commitments` ordered by technician then start (the order of the store's
/// `bookings (technician_id, starts_at)` index); any order is correct, that one is fastest.
#[derive(Debug, Clone, Copy)]
pub struct SearchInput<'a> {
    pub request: &'a Request,
    pub technicians: &'a [Technician],
    pub commitments: &'a [Commitment],
    pub settings: Settings,
    pub now: Timestamp,
}

/// The bookable stretch of time: days `today..=last` in the service zone, and no slot starting
/// before `earliest_ms` (now + lead time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Horizon {
    pub today: Date,
    pub last: Date,
    pub earliest_ms: i64,
}

impl SearchInput<'_> {
    /// `None` only at the edges of representable time, where nothing is bookable.
    pub(crate) fn horizon(&self) -> Option<Horizon> {
        let today = self.now.to_zoned(self.request.time_zone.clone()).date();
        let last = today
            .checked_add(jiff::Span::new().days(self.settings.horizon_days()))
            .ok()?;
        let earliest_ms = self
            .now
            .as_millisecond()
            .checked_add(self.settings.lead_time_minutes() * 60_000)?;
        Some(Horizon {
            today,
            last,
            earliest_ms,
        })
    }

    /// What a slot reserves: the arrival window (the technician may arrive at its very end)
    /// followed by the visit itself.
    pub(crate) fn block_ms(&self) -> i64 {
        (self.settings.arrival_window_minutes() + self.request.duration.minutes()) * 60_000
    }
}

/// Whether a weekly period or an exception's hours make sense (the store checks weekly hours but
/// exceptions arrive as two loose numbers). Nonsense hours count as "not working": the engine
/// never invents working time.
pub(crate) fn valid_hours(start: u16, end: u16) -> bool {
    start < end && end <= 1440
}

#[cfg(test)]
mod tests {
    use super::*;
    use onsite_domain::CharacteristicId;
    use onsite_domain::skill::Rating;

    fn s(id: i64, r: i64) -> SkillLevel {
        SkillLevel {
            characteristic_id: CharacteristicId(id),
            rating: Rating::new(r).unwrap(),
        }
    }

    #[test]
    fn combined_skills_keep_the_strictest_rating_of_each() {
        assert_eq!(
            combined_skills(&[s(2, 3), s(1, 5)], &[s(2, 7), s(3, 1), s(1, 2)]),
            vec![s(1, 5), s(2, 7), s(3, 1)]
        );
        assert_eq!(combined_skills(&[], &[]), vec![]);
    }

    #[test]
    fn settings_defaults_are_the_site_defaults_and_ranges_are_checked() {
        let d = Settings::default();
        assert_eq!(d, Settings::new(30, 0, 30, 120).unwrap());
        assert_eq!(
            Settings::new(4, 0, 30, 120).unwrap_err().field,
            "slot_minutes"
        );
        assert_eq!(
            Settings::new(30, -1, 30, 120).unwrap_err().field,
            "arrival_window_minutes"
        );
        assert_eq!(
            Settings::new(30, 0, 0, 120).unwrap_err().field,
            "horizon_days"
        );
        assert_eq!(
            Settings::new(30, 0, 30, 20161).unwrap_err().field,
            "lead_time_minutes"
        );
        let max = Settings::new(240, 480, 365, 20160).unwrap();
        assert_eq!(
            (
                max.slot_minutes(),
                max.arrival_window_minutes(),
                max.horizon_days(),
                max.lead_time_minutes()
            ),
            (240, 480, 365, 20160)
        );
    }
}
