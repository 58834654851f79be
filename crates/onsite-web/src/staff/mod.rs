//! The staff's own pages: people (users, contacts and their invitations), the mailbox, and
//! the invitation API.

pub mod invitations;
pub mod mailbox;
pub mod people;
