//! The authorization policy: the one place that decides what each role may do. Routes declare
//! the [`Capability`] they need; the web edge asks [`Actor::may`] before running a handler, and
//! handlers scope their queries with [`Principal::customer_account`] /
//! [`Principal::partner_account`]. Nothing else checks roles.

use onsite_domain::role::Role;
use onsite_domain::{AccountId, TechnicianId, UserId};
use onsite_store::visibility::Visibility;

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

/// What the policy granted a signed-in person, as a value a use case takes instead of a
/// [`Principal`]: the precondition is in the type, so a use case never re-derives who may call
/// it. Only [`Grant::of`] makes one, from the person's roles; the web edge extracts it once per
/// request (`session::Granted`).
pub trait Grant: Sized + Copy {
    /// The grant, if this person has it.
    fn of(principal: &Principal) -> Option<Self>;
    /// Who acts (for the audit log, the booking's author, the person's own settings).
    fn user(self) -> UserId;
}

/// A dispatcher or administrator: the back office, every account ([`Capability::Dispatch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    user: UserId,
}

/// An administrator: site settings, roles and staff ([`Capability::Administer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admin {
    user: UserId,
}

/// The accounts a grant reaches: every one, or one customer's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A dispatcher or administrator: any account.
    Staff(Staff),
    /// A contact of a customer account: that account only.
    Account(AccountId),
}

impl Reach {
    /// Whether this reach sees the records of `account` (if not, they are "not found").
    pub fn sees(self, account: AccountId) -> bool {
        match self {
            Reach::Staff(_) => true,
            Reach::Account(own) => own == account,
        }
    }

    /// The customer's own account; `None` for staff, who reach every account.
    pub fn account(self) -> Option<AccountId> {
        match self {
            Reach::Staff(_) => None,
            Reach::Account(own) => Some(own),
        }
    }

    /// What queries of this reach may read: everything for staff, what is exposed to the
    /// customer for a customer.
    pub fn visibility(self) -> Visibility {
        match self {
            Reach::Staff(_) => Visibility::All,
            Reach::Account(_) => Visibility::ExposedToCustomer,
        }
    }

    /// The back office's grant, when this reach is staff's.
    pub fn staff(self) -> Option<Staff> {
        match self {
            Reach::Staff(staff) => Some(staff),
            Reach::Account(_) => None,
        }
    }
}

/// A self-scheduling contact of a customer account ([`Capability::SelfSchedule`]): books,
/// rates and follows the visits of that account only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customer {
    user: UserId,
    pub account: AccountId,
}

/// Someone who books and manages visits: a self-scheduling contact for their account
/// ([`Capability::SelfSchedule`]), or staff for any account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduler {
    user: UserId,
    pub reach: Reach,
}

/// Someone who reads records (agreements, assets, work orders, invoices): a reviewer or
/// approver for their account ([`Capability::ReviewRecords`]), or staff for any account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reviewer {
    user: UserId,
    pub reach: Reach,
}

/// A customer approver: decides what waits for their account ([`Capability::ApproveRecords`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approver {
    user: UserId,
    pub account: AccountId,
}

/// A partner contact: works the opportunities of their partner account
/// ([`Capability::WorkOpportunities`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partner {
    user: UserId,
    pub account: AccountId,
}

/// A technician working their own day ([`Capability::TechnicianDay`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnDuty {
    user: UserId,
    pub technician: TechnicianId,
}

/// Someone who moves visits through their states: staff (any visit) or a technician (their
/// own visits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worker {
    Staff(Staff),
    Technician(OnDuty),
}

/// Anyone signed in: their own profile and settings ([`Capability::SignedIn`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    user: UserId,
}

/// Staff reach every account; a customer contact with `capability` reaches their own.
fn reach(principal: &Principal, capability: Capability) -> Option<Reach> {
    if let Some(staff) = Staff::of(principal) {
        return Some(Reach::Staff(staff));
    }
    principal
        .customer_account()
        .filter(|_| principal.may(capability))
        .map(Reach::Account)
}

impl Grant for Staff {
    fn of(p: &Principal) -> Option<Self> {
        p.may(Capability::Dispatch)
            .then_some(Staff { user: p.user_id })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Admin {
    fn of(p: &Principal) -> Option<Self> {
        p.may(Capability::Administer)
            .then_some(Admin { user: p.user_id })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Customer {
    fn of(p: &Principal) -> Option<Self> {
        p.customer_account()
            .filter(|_| p.may(Capability::SelfSchedule))
            .map(|account| Customer {
                user: p.user_id,
                account,
            })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl From<Customer> for Scheduler {
    fn from(customer: Customer) -> Scheduler {
        Scheduler {
            user: customer.user,
            reach: Reach::Account(customer.account),
        }
    }
}

impl From<Staff> for Reviewer {
    fn from(staff: Staff) -> Reviewer {
        Reviewer {
            user: staff.user,
            reach: Reach::Staff(staff),
        }
    }
}

impl From<Staff> for Scheduler {
    fn from(staff: Staff) -> Scheduler {
        Scheduler {
            user: staff.user,
            reach: Reach::Staff(staff),
        }
    }
}

impl Grant for Scheduler {
    fn of(p: &Principal) -> Option<Self> {
        reach(p, Capability::SelfSchedule).map(|reach| Scheduler {
            user: p.user_id,
            reach,
        })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Reviewer {
    fn of(p: &Principal) -> Option<Self> {
        reach(p, Capability::ReviewRecords).map(|reach| Reviewer {
            user: p.user_id,
            reach,
        })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Approver {
    fn of(p: &Principal) -> Option<Self> {
        p.customer_account()
            .filter(|_| p.may(Capability::ApproveRecords))
            .map(|account| Approver {
                user: p.user_id,
                account,
            })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Partner {
    fn of(p: &Principal) -> Option<Self> {
        p.partner_account()
            .filter(|_| p.may(Capability::WorkOpportunities))
            .map(|account| Partner {
                user: p.user_id,
                account,
            })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for OnDuty {
    fn of(p: &Principal) -> Option<Self> {
        p.technician_id
            .filter(|_| p.may(Capability::TechnicianDay))
            .map(|technician| OnDuty {
                user: p.user_id,
                technician,
            })
    }
    fn user(self) -> UserId {
        self.user
    }
}

impl Grant for Worker {
    fn of(p: &Principal) -> Option<Self> {
        Staff::of(p)
            .map(Worker::Staff)
            .or_else(|| OnDuty::of(p).map(Worker::Technician))
    }
    fn user(self) -> UserId {
        match self {
            Worker::Staff(s) => s.user(),
            Worker::Technician(t) => t.user(),
        }
    }
}

impl Grant for Member {
    fn of(p: &Principal) -> Option<Self> {
        Some(Member { user: p.user_id })
    }
    fn user(self) -> UserId {
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
        Staff::of(self)
    }

    /// Any grant, if this person has it.
    pub fn grant<G: Grant>(&self) -> Option<G> {
        G::of(self)
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

    /// Every grant against every kind of person: made exactly for those the policy lets in,
    /// with the account or technician of the person and never another.
    #[test]
    fn grants_follow_the_policy() {
        let p = |roles: &[Role], account: bool, technician: bool| match user(
            roles, account, technician,
        ) {
            Actor::User(p) => p,
            Actor::Anonymous => unreachable!(),
        };
        let customer = p(&[Role::SelfScheduling], true, false);
        let reviewer = p(&[Role::CustomerReviewer], true, false);
        let approver = p(&[Role::CustomerApprover], true, false);
        let partner = p(&[Role::Partner], true, false);
        let technician = p(&[Role::Technician], false, true);
        let dispatcher = p(&[Role::Dispatcher], false, false);
        let admin = p(&[Role::Admin], false, false);
        let orphan = p(
            &[Role::SelfScheduling, Role::CustomerApprover, Role::Partner],
            false,
            false,
        );

        let staff = Staff::of(&dispatcher).unwrap();
        assert_eq!(staff.user(), UserId(1));
        assert_eq!(
            Scheduler::of(&customer).map(|g| g.reach),
            Some(Reach::Account(AccountId(7)))
        );
        assert_eq!(
            Scheduler::of(&dispatcher).map(|g| g.reach),
            Some(Reach::Staff(staff))
        );
        assert_eq!(Scheduler::of(&reviewer), None);
        assert_eq!(
            Customer::of(&customer).map(|g| g.account),
            Some(AccountId(7))
        );
        assert_eq!(Customer::of(&dispatcher), None);
        assert_eq!(
            Reviewer::of(&reviewer).map(|g| g.reach),
            Some(Reach::Account(AccountId(7)))
        );
        assert_eq!(
            Reviewer::of(&approver).map(|g| g.reach),
            Some(Reach::Account(AccountId(7)))
        );
        assert_eq!(Reviewer::of(&customer), None);
        assert_eq!(
            Approver::of(&approver).map(|g| g.account),
            Some(AccountId(7))
        );
        assert_eq!(Approver::of(&reviewer), None);
        assert_eq!(Approver::of(&dispatcher), None);
        assert_eq!(Partner::of(&partner).map(|g| g.account), Some(AccountId(7)));
        assert_eq!(Partner::of(&customer), None);
        assert_eq!(
            OnDuty::of(&technician).map(|g| g.technician),
            Some(TechnicianId(3))
        );
        assert_eq!(OnDuty::of(&dispatcher), None);
        assert!(matches!(
            Worker::of(&technician),
            Some(Worker::Technician(_))
        ));
        assert!(matches!(Worker::of(&admin), Some(Worker::Staff(_))));
        assert_eq!(Worker::of(&customer), None);
        assert!(Admin::of(&admin).is_some() && Admin::of(&dispatcher).is_none());
        assert_eq!(Staff::of(&partner), None);
        for grant in [
            Scheduler::of(&orphan).is_some(),
            Reviewer::of(&orphan).is_some(),
            Approver::of(&orphan).is_some(),
            Partner::of(&orphan).is_some(),
        ] {
            assert!(!grant, "a contact without an account is granted nothing");
        }
        assert!(Reach::Staff(staff).sees(AccountId(99)));
        assert!(!Reach::Account(AccountId(7)).sees(AccountId(99)));
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
