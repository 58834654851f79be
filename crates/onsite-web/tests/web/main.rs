//! Onsite's HTTP tests: the real router (every edge layer) on a fresh SQLite database per test,
//! driven request by request, plus one test through a real socket. One test binary for all.

mod support;

mod access;
mod api_tokens;
mod assets;
mod audit;
mod bookings;
mod catalog;
mod csrf;
mod customers;
mod distribution;
mod errors;
mod feedback;
mod home;
mod import;
mod language;
mod moves;
mod oidc;
mod openapi;
mod ops;
mod records;
mod request_id;
mod security;
mod sign_in;
mod socket;
mod staff;
mod staff_records;
mod team;
mod technician;
mod territories;
mod tracking;
mod webhooks;
mod workforce;
