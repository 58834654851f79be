//! Characteristics (skills, certifications) and the ratings that measure them.

use crate::{CharacteristicId, InvalidInput};
use serde::{Deserialize, Serialize};

/// A proficiency rating, 1 (basic) … 10 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rating(u8);

impl Rating {
    pub const MIN: Rating = Rating(1);
    pub const MAX: Rating = Rating(10);

    pub fn new(value: i64) -> Result<Self, InvalidInput> {
        if (1..=10).contains(&value) {
            Ok(Rating(value as u8))
        } else {
            Err(InvalidInput::new("rating", "out-of-range"))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Rating {
    type Error = InvalidInput;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Rating> for i64 {
    fn from(value: Rating) -> Self {
        value.0 as i64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Characteristic {
    pub id: CharacteristicId,
    pub name: String,
    /// Retired characteristics stay on whoever has or needs them, and are no longer offered.
    pub active: bool,
}

/// A characteristic with a rating: what a technician has, or the minimum a job requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillLevel {
    pub characteristic_id: CharacteristicId,
    pub rating: Rating,
}

/// Whether `has` satisfies every requirement in `needs` (each skill present at its minimum
/// rating or above).
pub fn meets_all(has: &[SkillLevel], needs: &[SkillLevel]) -> bool {
    missing(has, needs).next().is_none()
}

/// The requirements in `needs` that `has` does not satisfy (absent, or below the minimum
/// rating), in the order of `needs`: what a refusal names ("lacks Refrigeration ≥ 3").
pub fn missing<'a>(
    has: &'a [SkillLevel],
    needs: &'a [SkillLevel],
) -> impl Iterator<Item = &'a SkillLevel> + 'a {
    needs.iter().filter(|need| {
        !has.iter()
            .any(|h| h.characteristic_id == need.characteristic_id && h.rating >= need.rating)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, r: i64) -> SkillLevel {
        SkillLevel {
            characteristic_id: CharacteristicId(id),
            rating: Rating::new(r).unwrap(),
        }
    }

    #[test]
    fn ratings_are_bounded() {
        assert!(Rating::new(0).is_err());
        assert!(Rating::new(11).is_err());
        assert_eq!(Rating::new(10).unwrap(), Rating::MAX);
    }

    #[test]
    fn requirements_need_every_skill_at_its_minimum() {
        assert!(meets_all(&[s(1, 5), s(2, 3)], &[s(1, 5)]));
        assert!(!meets_all(&[s(1, 4)], &[s(1, 5)]));
        assert!(!meets_all(&[s(1, 5)], &[s(1, 5), s(2, 1)]));
        assert!(meets_all(&[], &[]));
    }
}
