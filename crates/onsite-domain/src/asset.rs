//! Customer assets (equipment on site), in parent/master hierarchies.

use crate::skill::SkillLevel;
use crate::{AccountId, AssetId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub id: AssetId,
    pub account_id: AccountId,
    pub name: String,
    pub product: String,
    pub serial_number: Option<String>,
    /// The asset this one is a component of.
    pub parent_id: Option<AssetId>,
    /// The top-level asset of the hierarchy (`None` for a top-level asset itself).
    pub master_id: Option<AssetId>,
    /// Skills a technician needs to work on this asset, on top of the service type's.
    pub required_skills: Vec<SkillLevel>,
    pub expose_to_customer: bool,
}
