//! Partner distribution (SPEC §9): which partners may receive an opportunity, how the
//! available ones rank by the weighted metrics, and why — every excluded partner with the
//! criterion that excluded it, every metric's value and contribution to each score.
//!
//! Pure: no IO, no async, no clock. "Now" is an input of [`tally`], the only time-dependent
//! step. The caller (the app) loads partners, their open opportunities and their history
//! events, builds [`Candidate`]s, prepares them once as [`Partners`] and asks [`rank`] for each
//! opportunity. Definitions: `docs/distribution.md`.

pub mod availability;
pub mod history;
pub mod partners;
pub mod ranking;
pub mod weights;

pub use availability::{Availability, Criterion, open_count};
pub use history::{EventKind, HistoryEvent, MetricsPolicy, Tally, tally};
pub use partners::Partners;
#[doc(hidden)]
pub use ranking::rank_by_full_sort;
pub use ranking::{
    Average, Basis, Candidate, Contribution, Decision, Excluded, PRIOR_STRENGTH, Ranked, Request,
    rank,
};
pub use weights::{Metric, Weights};
