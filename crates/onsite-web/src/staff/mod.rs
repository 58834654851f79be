//! The staff's own pages: customers (accounts, contacts and their invitations), people (users
//! and invitations), the mailbox, the scheduling settings, the catalogue, the audit log
//! (administrators), and the invitation API.

pub mod audit;
pub mod catalog;
pub mod customers;
pub mod invitations;
pub mod mailbox;
pub mod people;
pub mod settings;
