//! Onsite's use cases (book, reschedule, invite, distribute…) and the authorization policy.
//! No HTTP types: the web crate and the CLI both call in here.

pub mod api_tokens;
pub mod audit_log;
pub mod board;
pub mod booking;
pub mod catalog;
pub mod context;
pub mod customers;
pub mod directory;
pub mod distribution;
pub mod export;
pub mod failure;
pub mod feedback;
#[doc(hidden)]
pub mod fuzzing;
pub mod glance;
pub mod housekeeping;
pub mod identity;
pub mod import;
pub mod mailbox;
pub mod moves;
pub mod oidc;
pub mod partners;
pub mod passwords;
pub mod pickers;
pub mod policy;
pub mod reassign;
pub mod records;
pub mod route_plan;
pub mod secrets;
pub mod settings;
pub mod staff_booking;
pub mod team;
pub mod technician;
pub mod territories;
pub mod throttle;
pub mod tracking;
pub mod webhooks;
pub mod workforce;

pub use context::App;
