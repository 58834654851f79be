//! Who may take a visit at all, whatever the time: an active user resource that serves the
//! location's territory and has every required skill at its minimum rating.

use crate::input::Request;
use onsite_domain::skill::meets_all;
use onsite_domain::technician::{ResourceKind, Technician};

/// Why a technician cannot take a request (the first failing rule, in this order). Background
/// reassignment uses it to say why a visit had to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("only a user resource can be booked for a visit")]
    NotAUser,
    #[error("the technician is inactive")]
    Inactive,
    #[error("the technician does not serve the location's territory")]
    OutsideTerritory,
    #[error("the technician lacks a required skill or its minimum rating")]
    MissingSkills,
}

pub fn check_eligibility(technician: &Technician, request: &Request) -> Result<(), Ineligible> {
    if technician.kind != ResourceKind::User {
        return Err(Ineligible::NotAUser);
    }
    if !technician.active {
        return Err(Ineligible::Inactive);
    }
    if !technician
        .territories
        .iter()
        .any(|t| request.territories.contains(t))
    {
        return Err(Ineligible::OutsideTerritory);
    }
    if !meets_all(&technician.skills, &request.required_skills) {
        return Err(Ineligible::MissingSkills);
    }
    Ok(())
}
