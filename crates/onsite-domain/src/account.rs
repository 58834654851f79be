//! Accounts (customers and partners) and their contacts.

use crate::geo::GeoPoint;
use crate::role::Role;
use crate::text::{EmailAddress, PhoneNumber};
use crate::time::TimeZoneName;
use crate::{AccountId, ContactId, TerritoryId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A service account: receives visits.
    Customer,
    /// A reseller or subcontractor: receives distributed opportunities.
    Partner,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Customer => "customer",
            AccountKind::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::InvalidInput> {
        match s {
            "customer" => Ok(AccountKind::Customer),
            "partner" => Ok(AccountKind::Partner),
            _ => Err(crate::InvalidInput::new("kind", "unknown")),
        }
    }
}

/// A postal address with the point it geocodes to; the point drives territory membership and
/// travel times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub line: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub location: GeoPoint,
    pub time_zone: TimeZoneName,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub kind: AccountKind,
    pub name: String,
    /// Only contacts of active accounts can be invited.
    pub active: bool,
    pub address: Address,
    /// The territory the address belongs to (`territory::territory_of`), kept with every save.
    pub territory_id: Option<TerritoryId>,
    /// What staff note about the account (free text, may be empty).
    pub notes: String,
    /// Grows with every save: a form saved from an older version is refused.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub account_id: AccountId,
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub phone: Option<PhoneNumber>,
    /// A deactivated contact cannot be invited and its portal user is disabled.
    pub active: bool,
    /// The language tag of the contact's emails (`None`: the portal's default).
    pub language: Option<String>,
    /// The web roles the contact's next invitation offers (a contact with a portal user has
    /// that user's roles instead).
    pub web_roles: Vec<Role>,
    /// Grows with every save: a form saved from an older version is refused.
    pub version: i64,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}
