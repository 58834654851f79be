//! Track my technician (SPEC §5): View Live Map and its event stream (`pages`), positions
//! from the technician page and tracking apps, and the live map as JSON (`api`).

pub mod api;
pub mod pages;
