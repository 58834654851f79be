//! The staff's own pages: people (users, contacts and their invitations), the mailbox, the
//! scheduling settings, and the invitation API.

pub mod invitations;
pub mod mailbox;
pub mod people;
pub mod settings;
