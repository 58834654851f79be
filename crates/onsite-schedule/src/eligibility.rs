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

/// Whether a technician meets one rule for a request.
type Rule = fn(&Technician, &Request) -> bool;

/// The first rule the technician fails, in the order of [`Ineligible`].
pub fn check_eligibility(technician: &Technician, request: &Request) -> Result<(), Ineligible> {
    match failed_rules(technician, request).next() {
        Some(rule) => Err(rule),
        None => Ok(()),
    }
}

/// Every rule the technician fails, in the order of [`Ineligible`] (lazily: asking for the
/// first evaluates only up to it). A move explains all of them; a search needs the first.
pub fn failed_rules<'a>(
    technician: &'a Technician,
    request: &'a Request,
) -> impl Iterator<Item = Ineligible> + 'a {
    let rules: [(Ineligible, Rule); 4] = [
        (Ineligible::NotAUser, |t, _| t.kind == ResourceKind::User),
        (Ineligible::Inactive, |t, _| t.active),
        (Ineligible::OutsideTerritory, |t, r| {
            t.territories.iter().any(|x| r.territories.contains(x))
        }),
        (Ineligible::MissingSkills, |t, r| {
            meets_all(&t.skills, &r.required_skills)
        }),
    ];
    rules
        .into_iter()
        .filter(move |(_, holds)| !holds(technician, request))
        .map(|(rule, _)| rule)
}
