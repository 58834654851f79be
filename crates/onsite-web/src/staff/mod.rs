//! The staff's own pages: people (users, contacts and their invitations), the mailbox, the
//! scheduling settings, the catalogue, territories and partners' distribution profiles, the
//! workforce (technicians and working-hours templates), the audit log (administrators), and the
//! invitation API.

pub mod audit;
pub mod catalog;
pub mod invitations;
pub mod mailbox;
pub mod partners;
pub mod people;
pub mod settings;
pub mod territories;
pub mod workforce;
