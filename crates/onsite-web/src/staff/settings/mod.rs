//! The site settings in the back office: the scheduling settings page (`pages.rs`) and every
//! setting over the staff's JSON API (`api.rs`), both over `onsite_app::settings`.

pub mod api;
pub mod pages;

pub use pages::*;
