//! Customers in the back office: accounts and their contacts, as pages (`pages.rs`) and as
//! the staff's JSON API (`api.rs`), both over `onsite_app::customers`.

pub mod api;
pub mod pages;

pub use pages::*;
