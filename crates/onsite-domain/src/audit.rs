//! Audit events: who did what to which record, and when.

use crate::{AuditEventId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: Timestamp,
    /// `None` for the system itself (background jobs, demo loading).
    pub actor: Option<UserId>,
    /// Dotted verb, e.g. `booking.cancel`, `settings.update`.
    pub action: String,
    /// Entity kind and id, e.g. (`booking`, 42).
    pub entity: String,
    pub entity_id: Option<i64>,
    /// Free-form JSON detail.
    pub detail: String,
    /// The name of the API token the change was made with, if any.
    #[serde(default)]
    pub via_token: Option<String>,
}
