//! Work orders: the request for work at an account, and its customer approval.

use crate::{AccountId, AgreementId, AssetId, ServiceTypeId, WorkOrderId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderStatus {
    /// Waiting for the customer to approve or reject its estimate.
    EstimatePending,
    Unscheduled,
    Scheduled,
    InProgress,
    Completed,
    Posted,
    Canceled,
}

impl WorkOrderStatus {
    pub const ALL: [WorkOrderStatus; 7] = [
        WorkOrderStatus::EstimatePending,
        WorkOrderStatus::Unscheduled,
        WorkOrderStatus::Scheduled,
        WorkOrderStatus::InProgress,
        WorkOrderStatus::Completed,
        WorkOrderStatus::Posted,
        WorkOrderStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkOrderStatus::EstimatePending => "estimate_pending",
            WorkOrderStatus::Unscheduled => "unscheduled",
            WorkOrderStatus::Scheduled => "scheduled",
            WorkOrderStatus::InProgress => "in_progress",
            WorkOrderStatus::Completed => "completed",
            WorkOrderStatus::Posted => "posted",
            WorkOrderStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(crate::InvalidInput::new("status", "unknown"))
    }

    /// Active work orders are still being worked; inactive ones are finished or canceled.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            WorkOrderStatus::Completed | WorkOrderStatus::Posted | WorkOrderStatus::Canceled
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: WorkOrderId,
    /// Human-facing number, e.g. `WO-004211`.
    pub number: String,
    pub account_id: AccountId,
    pub asset_id: Option<AssetId>,
    pub service_type_id: ServiceTypeId,
    pub agreement_id: Option<AgreementId>,
    pub status: WorkOrderStatus,
    pub summary: Option<String>,
    pub expose_to_customer: bool,
}
