//! API tokens: what a program holding one may do. A token acts for the administrator who
//! created it, limited to its [`Scopes`]: for each [`Area`] of the back office nothing, read
//! (`GET`), or read and write (any other method). Scopes are stored as text,
//! `bookings:write catalogue:read`, the form [`Scopes::parse`] reads back.

use crate::InvalidInput;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

text_enum! {
    /// An area of the back office, as API tokens are scoped. Every `/api/` route a token may
    /// use belongs to one (the route table says which, `onsite_web::routes`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    pub enum Area ("scopes") {
        /// Customer and partner accounts, their contacts, invitations.
        Accounts = "accounts",
        /// Technicians, their hours, time off, territories and skills.
        Workforce = "workforce",
        /// Service types, skills, products, lead types, territories.
        Catalogue = "catalogue",
        /// Visits: the board, booking on behalf of customers, moves, states, feedback.
        Bookings = "bookings",
        /// Agreements, assets, work orders, invoices.
        Records = "records",
        /// Partner distribution: opportunities.
        Distribution = "distribution",
        /// Site settings and the audit log.
        Settings = "settings",
    }
}

text_enum! {
    /// How much of an area a token may use. `Write` includes `Read`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    pub enum Access ("scopes") {
        Read = "read",
        Write = "write",
    }
}

/// What a token may do: an access per area (an area not named: nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(BTreeMap<Area, Access>);

impl Scopes {
    /// Scopes from (area, access) pairs; the widest access of an area counts.
    pub fn new(pairs: impl IntoIterator<Item = (Area, Access)>) -> Scopes {
        let mut map = BTreeMap::new();
        for (area, access) in pairs {
            let slot = map.entry(area).or_insert(access);
            *slot = (*slot).max(access);
        }
        Scopes(map)
    }

    /// Reads `area:access` words separated by spaces or commas; refused naming `scopes`.
    pub fn parse(raw: &str) -> Result<Scopes, InvalidInput> {
        let pairs = raw
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .map(|word| {
                let (area, access) = word
                    .split_once(':')
                    .ok_or(InvalidInput::new("scopes", "unknown"))?;
                Ok((Area::parse(area)?, Access::parse(access)?))
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        Ok(Scopes::new(pairs))
    }

    /// Whether `access` of `area` is granted (`Write` grants `Read`).
    pub fn allows(&self, area: Area, access: Access) -> bool {
        self.0.get(&area).is_some_and(|granted| *granted >= access)
    }

    /// The access granted in `area`, if any.
    pub fn get(&self, area: Area) -> Option<Access> {
        self.0.get(&area).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each granted area and its access, in the areas' order.
    pub fn iter(&self) -> impl Iterator<Item = (Area, Access)> + '_ {
        self.0.iter().map(|(a, x)| (*a, *x))
    }
}

impl std::fmt::Display for Scopes {
    /// `accounts:read bookings:write`, what [`Scopes::parse`] reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<String> = self
            .iter()
            .map(|(area, access)| format!("{}:{}", area.as_str(), access.as_str()))
            .collect();
        f.write_str(&words.join(" "))
    }
}

/// A token's name as an administrator types it: one line, at most 100 characters.
pub fn token_name(raw: &str) -> Result<String, InvalidInput> {
    crate::text::single_line("name", raw, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_includes_read_and_nothing_else_is_granted() {
        let scopes = Scopes::parse("bookings:write, catalogue:read").unwrap();
        assert!(scopes.allows(Area::Bookings, Access::Read));
        assert!(scopes.allows(Area::Bookings, Access::Write));
        assert!(scopes.allows(Area::Catalogue, Access::Read));
        assert!(!scopes.allows(Area::Catalogue, Access::Write));
        assert!(!scopes.allows(Area::Settings, Access::Read));
        assert_eq!(scopes.to_string(), "catalogue:read bookings:write");
        assert_eq!(Scopes::parse(&scopes.to_string()).unwrap(), scopes);
    }

    #[test]
    fn unknown_words_are_refused() {
        for raw in ["bookings", "bookings:admin", "billing:read", ":read"] {
            assert_eq!(
                Scopes::parse(raw),
                Err(InvalidInput::new("scopes", "unknown")),
                "{raw}"
            );
        }
        assert!(Scopes::parse("").unwrap().is_empty());
    }

    #[test]
    fn the_widest_access_of_an_area_counts() {
        let scopes = Scopes::parse("accounts:write accounts:read").unwrap();
        assert_eq!(scopes.get(Area::Accounts), Some(Access::Write));
    }
}
