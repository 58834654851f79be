//! Technicians: bookable resources with a home base, working hours, time off, territories and
//! skills.

use crate::geo::GeoPoint;
use crate::skill::SkillLevel;
use crate::time::{TimeZoneName, WorkingPeriod};
use crate::{TechnicianId, TerritoryId, TimeOffId, UserId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Self-scheduling books one *user* resource per visit; crews and equipment exist in the
/// back office but are never chosen by the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    User,
    Crew,
    Equipment,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::User => "user",
            ResourceKind::Crew => "crew",
            ResourceKind::Equipment => "equipment",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::InvalidInput> {
        match s {
            "user" => Ok(ResourceKind::User),
            "crew" => Ok(ResourceKind::Crew),
            "equipment" => Ok(ResourceKind::Equipment),
            _ => Err(crate::InvalidInput::new("resource_kind", "unknown")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Technician {
    pub id: TechnicianId,
    pub name: String,
    pub kind: ResourceKind,
    pub user_id: Option<UserId>,
    pub home_base: GeoPoint,
    pub time_zone: TimeZoneName,
    pub weekly_hours: Vec<WorkingPeriod>,
    pub exceptions: Vec<WorkingException>,
    pub time_off: Vec<TimeOff>,
    pub territories: Vec<TerritoryId>,
    pub skills: Vec<SkillLevel>,
    pub active: bool,
}

/// A day whose hours differ from the weekly template: `None` hours = not working that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingException {
    pub date: Date,
    pub hours: Option<(u16, u16)>,
}

/// An absence, as an interval of instants [start, end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeOff {
    pub id: TimeOffId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub reason: Option<String>,
}
