//! The technician's day (SPEC §4, issue 5): the phone-first page ([`pages`]) and the same day
//! and moves as JSON for phone apps ([`api`]), both through `onsite_app::technician`.

pub mod api;
pub mod pages;

pub use pages::TransitionForm;
pub(crate) use pages::parse_action;
