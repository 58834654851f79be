//! Customer records (SPEC §6–§7): agreements, assets, work orders and invoices for the people
//! of an account (`pages`), for staff (`staff`), and as JSON (`api`).

pub mod api;
pub mod pages;
pub mod staff;
