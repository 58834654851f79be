//! Roles: the customer web roles of the portal and the staff roles.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a signed-in person may do. Customer contacts hold web roles; staff hold staff roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Book and manage the appointments of the contact's account.
    #[serde(rename = "self-scheduling")]
    SelfScheduling,
    /// View the exposed agreements, assets, work orders and invoices of the account.
    #[serde(rename = "fs-customer-reviewer")]
    CustomerReviewer,
    /// Everything a reviewer can, plus approve or reject what waits for the customer.
    #[serde(rename = "fs-customer-approver")]
    CustomerApprover,
    /// A contact of a partner account: works the opportunities distributed to it.
    #[serde(rename = "partner")]
    Partner,
    #[serde(rename = "technician")]
    Technician,
    #[serde(rename = "dispatcher")]
    Dispatcher,
    #[serde(rename = "admin")]
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::SelfScheduling,
        Role::CustomerReviewer,
        Role::CustomerApprover,
        Role::Partner,
        Role::Technician,
        Role::Dispatcher,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SelfScheduling => "self-scheduling",
            Role::CustomerReviewer => "fs-customer-reviewer",
            Role::CustomerApprover => "fs-customer-approver",
            Role::Partner => "partner",
            Role::Technician => "technician",
            Role::Dispatcher => "dispatcher",
            Role::Admin => "admin",
        }
    }

    /// Staff work for the service company and see across accounts.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Dispatcher | Role::Admin)
    }

    /// Roles that only a contact of a customer account may hold.
    pub fn is_customer_role(self) -> bool {
        matches!(
            self,
            Role::SelfScheduling | Role::CustomerReviewer | Role::CustomerApprover
        )
    }
}

impl FromStr for Role {
    type Err = crate::InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(crate::InvalidInput::new("role", "unknown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
