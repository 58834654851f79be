//! Partners (their distribution profile) and the sales opportunities distributed to them.

use crate::geo::GeoPoint;
use crate::{AccountId, InvalidInput, OpportunityId, ProductId, TerritoryId};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStatus {
    /// Not yet given to a partner.
    New,
    /// Given to a partner that has not accepted yet.
    Distributed,
    /// Accepted and being worked.
    InProgress,
    Won,
    /// Closed lost: returned by the partner.
    Lost,
}

impl OpportunityStatus {
    pub const ALL: [OpportunityStatus; 5] = [
        OpportunityStatus::New,
        OpportunityStatus::Distributed,
        OpportunityStatus::InProgress,
        OpportunityStatus::Won,
        OpportunityStatus::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpportunityStatus::New => "new",
            OpportunityStatus::Distributed => "distributed",
            OpportunityStatus::InProgress => "in_progress",
            OpportunityStatus::Won => "won",
            OpportunityStatus::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(InvalidInput::new("status", "unknown"))
    }

    /// Counts against the partner's capacity (SPEC §9: in progress, plus distributed but not
    /// yet accepted).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OpportunityStatus::Distributed | OpportunityStatus::InProgress
        )
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
