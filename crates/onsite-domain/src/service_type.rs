//! Service types (incident types): what a customer can book, how long it takes, which skills
//! it needs.

use crate::skill::SkillLevel;
use crate::{InvalidInput, ServiceTypeId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceType {
    pub id: ServiceTypeId,
    pub name: String,
    pub description: String,
    pub duration: VisitDuration,
    pub required_skills: Vec<SkillLevel>,
    /// Offered to customers in "Book a new appointment".
    pub self_scheduling: bool,
    /// Retired service types (`false`) are no longer offered; visits keep theirs.
    pub active: bool,
    /// Bumped by every save from the back office: a save from an older version is refused.
    pub version: i64,
}

/// The estimated length of a visit on site: 5 minutes to 12 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct VisitDuration(u16);

impl VisitDuration {
    pub fn from_minutes(minutes: i64) -> Result<Self, InvalidInput> {
        if (5..=720).contains(&minutes) {
            Ok(Self(minutes as u16))
        } else {
            Err(InvalidInput::new("duration_minutes", "out-of-range"))
        }
    }

    pub fn minutes(self) -> i64 {
        self.0 as i64
    }
}

impl TryFrom<i64> for VisitDuration {
    type Error = InvalidInput;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::from_minutes(value)
    }
}

impl From<VisitDuration> for i64 {
    fn from(value: VisitDuration) -> Self {
        value.minutes()
    }
}
