//! Territories in the back office: the pages (`pages.rs`) and the staff's JSON API (`api.rs`),
//! both over `onsite_app::territories`.

pub mod api;
pub mod pages;

pub use pages::*;
