//! Service agreements: what the company committed to for an account, over a period.

use crate::{AccountId, AgreementId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Draft,
    Active,
    /// Active, and a renewal waits for the customer's approval.
    RenewalPending,
    Expired,
    Canceled,
}

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 5] = [
        AgreementStatus::Draft,
        AgreementStatus::Active,
        AgreementStatus::RenewalPending,
        AgreementStatus::Expired,
        AgreementStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::Active => "active",
            AgreementStatus::RenewalPending => "renewal_pending",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(crate::InvalidInput::new("status", "unknown"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub number: String,
    pub account_id: AccountId,
    pub name: String,
    pub status: AgreementStatus,
    pub starts_on: Date,
    pub ends_on: Date,
    pub description: Option<String>,
    pub expose_to_customer: bool,
}
