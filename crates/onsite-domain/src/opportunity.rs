//! Partners (their distribution profile) and the sales opportunities distributed to them.

use crate::geo::GeoPoint;
use crate::{AccountId, OpportunityId, ProductId, TerritoryId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What the distribution engine needs to know about a partner account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerProfile {
    pub account_id: AccountId,
    /// How many open opportunities the partner can work at once.
    pub capacity: u32,
    pub revenue_min_minor: i64,
    pub revenue_max_minor: i64,
    pub location: GeoPoint,
    pub territories: Vec<TerritoryId>,
    pub lead_types: Vec<String>,
    pub products: Vec<ProductId>,
}

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum OpportunityStatus ("status") {
        /// Not yet given to a partner.
        New = "new",
        /// Given to a partner that has not accepted yet.
        Distributed = "distributed",
        /// Accepted and being worked.
        InProgress = "in_progress",
        Won = "won",
        /// Closed lost: returned by the partner.
        Lost = "lost",
    }
}

impl OpportunityStatus {
    /// Counts against the partner's capacity (SPEC §9: in progress, plus distributed but not
    /// yet accepted).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OpportunityStatus::Distributed | OpportunityStatus::InProgress
        )
    }
}

text_enum! {
    /// What happened to an opportunity held by a partner (the store's `opportunity_events.kind`);
    /// the distribution metrics count these per partner.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum OpportunityEventKind ("kind") {
        /// Given to the partner: starts an assignment.
        Distributed = "distributed",
        Accepted = "accepted",
        Declined = "declined",
        /// Not accepted in time and taken back for redistribution.
        Expired = "expired",
        /// Partner activity that is not a stage change: a call, a visit, a note.
        Touched = "touched",
        /// Moved to another sales stage (the note says which).
        Stage = "stage",
        /// Closed won.
        Won = "won",
        /// Closed lost: returned.
        Lost = "lost",
        /// Feedback on the closed opportunity was recorded (the note holds it).
        Feedback = "feedback",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: OpportunityId,
    pub name: String,
    pub customer_name: String,
    pub location: GeoPoint,
    pub postal_code: String,
    pub estimated_revenue_minor: i64,
    pub lead_type: String,
    pub products: Vec<ProductId>,
    pub status: OpportunityStatus,
    /// Free-form sales stage while in progress (qualify, propose, negotiate…).
    pub stage: Option<String>,
    pub partner_account_id: Option<AccountId>,
    /// Created by the partner itself: never counted against its capacity.
    pub internal: bool,
    pub distributed_at: Option<Timestamp>,
    pub created_at: Timestamp,
}
