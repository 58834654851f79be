//! The store suite: every test runs on SQLite and on PostgreSQL (`both_backends!`).

mod api_tokens;
mod audit;
mod backup;
mod basics;
mod booking_guarantees;
mod bookings;
mod catalog;
mod crash;
mod customers;
mod directory;
mod distribution;
mod external_identities;
mod feedback;
mod fixtures;
mod group_commit;
mod identity;
mod outbox;
mod partners;
mod positions;
mod records;
mod records_queries;
mod reference;
mod technicians;
mod territories;
mod workforce;
