//! The authorization policy: the one place that decides what each role may do. Routes declare
//! the [`Capability`] they need; the web edge asks [`Actor::may`] before running a handler, and
//! handlers scope their queries with [`Principal::customer_account`] /
//! [`Principal::partner_account`]. Nothing else checks roles.

use onsite_domain::role::Role;
use onsite_domain::{AccountId, TechnicianId, UserId};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User(Principal),
}

/// A signed-in person: their roles and what they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    /// The account of the contact this user is (customer or partner), if any.
    pub account_id: Option<AccountId>,
    /// The technician this user works as, if any.
    pub technician_id: Option<TechnicianId>,
}

/// A dispatcher or administrator, as the policy granted it. Only [`Principal::staff`] makes
/// one, so a use case of the back office that takes a `&Staff` cannot be reached by anyone
/// else: the precondition is in the type, not re-checked in the use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    user: UserId,
}

impl Staff {
    /// Who acts (for the audit log).
    pub fn user(self) -> UserId {
        self.user
    }
}

/// What a route lets someone do. One variant per capability of the product, not per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Anyone, signed in or not (landing page, sign-in, assets, health).
    Public,
    /// Only people who are not signed in (sign-in and redeem forms).
    AnonymousOnly,
    /// Anyone signed in (profile, sign out).
    SignedIn,
    /// Book and manage the appointments of one's own account.
    SelfSchedule,
    /// See the exposed records of one's own account.
    ReviewRecords,
    /// Approve or reject what waits for one's own account.
    ApproveRecords,
    /// Work the opportunities distributed to one's own partner account.
    WorkOpportunities,
    /// Work one's own day as a technician.
    TechnicianDay,
    /// The back office: everything, every account.
    Dispatch,
    /// Site settings, roles and staff.
    Administer,
}

impl Capability {
    pub const ALL: [Capability; 10] = [
        Capability::Public,
        Capability::AnonymousOnly,
        Capability::SignedIn,
        Capability::SelfSchedule,
        Capability::ReviewRecords,
        Capability::ApproveRecords,
        Capability::WorkOpportunities,
        Capability::TechnicianDay,
        Capability::Dispatch,
        Capability::Administer,
    ];
}

impl Principal {
    /// The back office's grant, if this person has it ([`Capability::Dispatch`]).
    pub fn staff(&self) -> Option<Staff> {
        self.may(Capability::Dispatch)
            .then_some(Staff { user: self.user_id })
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }

    /// The customer account whose records this person may see, if they may see any as a
    /// customer. Every customer-facing query filters on it.
    pub fn customer_account(&self) -> Option<AccountId> {
        let customer = self.roles.iter().any(|r| r.is_customer_role());
        if customer { self.account_id } else { None }
    }

    /// The partner account whose opportunities this person works.
    pub fn partner_account(&self) -> Option<AccountId> {
        if self.has(Role::Partner) {
            self.account_id
        } else {
            None
        }
    }

    pub fn may(&self, capability: Capability) -> bool {
        use Capability::*;
        match capability {
            Public | SignedIn => true,
            AnonymousOnly => false,
            SelfSchedule => self.has(Role::SelfScheduling) && self.account_id.is_some(),
            ReviewRecords => {
                (self.has(Role::CustomerReviewer) || self.has(Role::CustomerApprover))
                    && self.account_id.is_some()
            }
            ApproveRecords => self.has(Role::CustomerApprover) && self.account_id.is_some(),
            WorkOpportunities => self.has(Role::Partner) && self.account_id.is_some(),
            TechnicianDay => self.has(Role::Technician) && self.technician_id.is_some(),
            Dispatch => self.is_staff(),
            Administer => self.has(Role::Admin),
        }
    }
}

impl Actor {
    pub fn may(&self, capability: Capability) -> bool {
        match self {
            Actor::Anonymous => {
                matches!(capability, Capability::Public | Capability::AnonymousOnly)
            }
            Actor::User(p) => p.may(capability),
        }
    }

    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Actor::Anonymous => None,
            Actor::User(p) => Some(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Capability::*;
    use super::*;

    fn user(roles: &[Role], account: bool, technician: bool) -> Actor {
        Actor::User(Principal {
            user_id: UserId(1),
            roles: roles.to_vec(),
            account_id: account.then_some(AccountId(7)),
            technician_id: technician.then_some(TechnicianId(3)),
        })
    }

    /// The whole policy as a table: every kind of person × every capability.
    #[test]
    fn policy_table() {
        let people: [(&str, Actor, &[Capability]); 8] = [
            ("anonymous", Actor::Anonymous, &[Public, AnonymousOnly]),
            (
                "customer",
                user(&[Role::SelfScheduling], true, false),
                &[Public, SignedIn, SelfSchedule],
            ),
            (
                "reviewer",
                user(&[Role::CustomerReviewer], true, false),
                &[Public, SignedIn, ReviewRecords],
            ),
            (
                "approver",
                user(&[Role::CustomerApprover], true, false),
                &[Public, SignedIn, ReviewRecords, ApproveRecords],
            ),
            (
                "partner",
                user(&[Role::Partner], true, false),
                &[Public, SignedIn, WorkOpportunities],
            ),
            (
                "technician",
                user(&[Role::Technician], false, true),
                &[Public, SignedIn, TechnicianDay],
            ),
            (
                "dispatcher",
                user(&[Role::Dispatcher], false, false),
                &[Public, SignedIn, Dispatch],
            ),
            (
                "admin",
                user(&[Role::Admin], false, false),
                &[Public, SignedIn, Dispatch, Administer],
            ),
        ];
        for (who, actor, allowed) in &people {
            for cap in Capability::ALL {
                assert_eq!(actor.may(cap), allowed.contains(&cap), "{who} × {cap:?}");
            }
        }
    }

    #[test]
    fn customer_roles_without_an_account_grant_nothing() {
        let orphan = user(
            &[Role::SelfScheduling, Role::CustomerApprover, Role::Partner],
            false,
            false,
        );
        for cap in [
            SelfSchedule,
            ReviewRecords,
            ApproveRecords,
            WorkOpportunities,
        ] {
            assert!(!orphan.may(cap), "{cap:?}");
        }
        assert_eq!(orphan.principal().unwrap().customer_account(), None);
        assert!(!user(&[Role::Technician], false, false).may(TechnicianDay));
    }

    #[test]
    fn scoping_follows_the_role() {
        let partner = user(&[Role::Partner], true, false);
        let p = partner.principal().unwrap();
        assert_eq!(
            (p.customer_account(), p.partner_account()),
            (None, Some(AccountId(7)))
        );
        let customer = user(&[Role::CustomerReviewer], true, false);
        assert_eq!(
            customer.principal().unwrap().customer_account(),
            Some(AccountId(7))
        );
    }
}
