//! Send Feedback and what staff see of it (SPEC §8): `pages` and `api`.

pub mod api;
pub mod pages;
