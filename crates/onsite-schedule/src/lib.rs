//! Onsite's scheduling engine: which times a customer can book, and which technician gets the
//! visit. Pure: no IO, no async and no clock — "now" is an input — so the same answer comes out
//! for the same inputs, in the web request, in the background reassignment and in the tests.
//!
//! - [`Request`], [`Commitment`], [`Settings`] and [`SearchInput`] describe the question;
//! - [`Planner`] answers it fast: [`Planner::days`] (slots per day for the date picker and the
//!   slot list), [`Planner::available_days`] (which days to enable) and [`Planner::assign`]
//!   (the technician for a chosen slot: eligible, free including travel, shortest travel);
//! - [`reference`](mod@reference) answers the same question the straightforward way (every slot × every
//!   technician × every booking); it is the oracle of the tests and the baseline of the
//!   benchmark;
//! - [`check_move`] explains every reason a dispatcher's move of a visit is refused;
//! - [`TravelModel`] says how long a drive takes; [`GreatCircle`] is the default;
//! - [`route`](mod@route) lays a technician's day out as a route (home → visits → home) and
//!   suggests an order of its visits that drives less, within their arrival windows.
//!
//! The rules, and the choices behind them, are written down in `docs/scheduling.md`.

mod calendar;
mod eligibility;
mod hours;
mod input;
mod moves;
mod planner;
pub mod reference;
mod roster;
pub mod route;
mod travel;

pub use calendar::{GridPoint, slot_grid};
pub use eligibility::{Ineligible, check_eligibility, failed_rules};
pub use hours::{working_day, working_minutes, works_throughout};
pub use input::{Commitment, Request, SearchInput, Settings, combined_skills};
pub use moves::{MoveQuestion, Neighbour, Refusal, Verdict, check_move};
pub use planner::{Assignment, DayAvailability, DaySlots, Place, Planner, Slot, Unavailable};
pub use travel::{GreatCircle, Travel, TravelModel};
