//! The staff's own pages: customers (accounts, contacts and their invitations), people (users
//! and invitations), the mailbox, the scheduling settings, the catalogue, territories and
//! partners' distribution profiles, the workforce (technicians and working-hours templates),
//! the audit log (administrators), the invitation API, and booking on behalf of a customer
//! (`booking`: the phone order and its JSON API), and a technician's day on a map (`route`).

pub mod audit;
pub mod booking;
pub mod catalog;
pub mod customers;
pub mod import;
pub mod invitations;
pub mod mailbox;
pub mod partners;
pub mod people;
pub mod route;
pub mod settings;
pub mod territories;
pub mod workforce;
