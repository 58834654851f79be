//! Bookings (visits) and their state machine:
//! `Scheduled → Traveling → InProgress → Completed`, `Scheduled | Traveling → Canceled`, and
//! `Traveling → Scheduled` (travel stopped: undone by mistake, or the technician goes to another
//! visit first; a technician travels to at most one visit at a time).
//!
//! The only way to change a state is [`BookingState::transition`], which refuses every other
//! move; the store persists whatever it returns, so illegal transitions cannot be written.

use crate::geo::GeoPoint;
use crate::{BookingId, TechnicianId, WorkOrderId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum BookingState ("state") {
        Scheduled = "scheduled",
        Traveling = "traveling",
        InProgress = "in_progress",
        Completed = "completed",
        Canceled = "canceled",
    }
}

/// What someone asks a booking to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingAction {
    StartTravel,
    /// Back from Traveling to Scheduled: the technician is not on the way after all.
    StopTravel,
    StartWork,
    Complete,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} visit cannot {action:?}")]
pub struct IllegalTransition {
    pub from: BookingState,
    pub action: BookingAction,
}

impl BookingState {
    pub fn transition(self, action: BookingAction) -> Result<BookingState, IllegalTransition> {
        use BookingAction::*;
        use BookingState::*;
        match (self, action) {
            (Scheduled, StartTravel) => Ok(Traveling),
            (Traveling, StopTravel) => Ok(Scheduled),
            (Traveling, StartWork) => Ok(InProgress),
            (InProgress, Complete) => Ok(Completed),
            (Scheduled | Traveling, Cancel) => Ok(Canceled),
            (from, action) => Err(IllegalTransition { from, action }),
        }
    }

    /// Customers may reschedule or cancel only a visit that has not started.
    pub fn customer_may_modify(self) -> bool {
        self == BookingState::Scheduled
    }

    /// Canceled and Completed visits are history ("Past appointments").
    pub fn is_past(self) -> bool {
        matches!(self, BookingState::Completed | BookingState::Canceled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    pub id: BookingId,
    pub work_order_id: WorkOrderId,
    pub technician_id: TechnicianId,
    pub state: BookingState,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Where the visit happens (the account's address at booking time).
    pub location: GeoPoint,
    /// Stable calendar UID: the same across reschedules so calendars update the event.
    pub ics_uid: String,
    pub ics_sequence: i64,
    pub cancel_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::BookingAction::*;
    use super::BookingState::*;
    use super::*;

    #[test]
    fn only_the_legal_transitions_are_accepted() {
        let legal = [
            (Scheduled, StartTravel, Traveling),
            (Traveling, StartWork, InProgress),
            (Traveling, StopTravel, Scheduled),
            (InProgress, Complete, Completed),
            (Scheduled, Cancel, Canceled),
            (Traveling, Cancel, Canceled),
        ];
        for from in BookingState::ALL {
            for action in [StartTravel, StopTravel, StartWork, Complete, Cancel] {
                let expected = legal
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|l| l.2);
                assert_eq!(
                    from.transition(action).ok(),
                    expected,
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn customers_modify_only_scheduled_visits() {
        for s in BookingState::ALL {
            assert_eq!(s.customer_may_modify(), s == Scheduled);
        }
        assert!(Completed.is_past() && Canceled.is_past() && !InProgress.is_past());
    }
}
