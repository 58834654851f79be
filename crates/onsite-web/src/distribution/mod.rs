//! Opportunity distribution (SPEC §9): the staff pages (`staff`), the partner's pages
//! (`partner`) and both as JSON (`api`).

pub mod api;
pub mod partner;
pub mod staff;
