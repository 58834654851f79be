//! The store suite: every test runs on SQLite and on PostgreSQL (`both_backends!`).

mod basics;
mod crash;
mod external_identities;
