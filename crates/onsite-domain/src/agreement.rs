//! Service agreements: what the company committed to for an account, over a period.

use crate::{AccountId, AgreementId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum AgreementStatus ("status") {
        Draft = "draft",
        Active = "active",
        /// Active, and a renewal waits for the customer's approval.
        RenewalPending = "renewal_pending",
        Expired = "expired",
        Canceled = "canceled",
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
