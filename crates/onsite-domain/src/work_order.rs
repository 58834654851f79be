//! Work orders: the request for work at an account, and its customer approval.

use crate::{AccountId, AgreementId, AssetId, ServiceTypeId, WorkOrderId};
use serde::{Deserialize, Serialize};

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum WorkOrderStatus ("status") {
        /// Waiting for the customer to approve or reject its estimate.
        EstimatePending = "estimate_pending",
        Unscheduled = "unscheduled",
        Scheduled = "scheduled",
        InProgress = "in_progress",
        Completed = "completed",
        Posted = "posted",
        Canceled = "canceled",
    }
}

impl WorkOrderStatus {
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
