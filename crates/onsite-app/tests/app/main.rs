//! The app's integration tests, one binary: use cases against a fresh database and, for
//! external sign-in, a real OpenID provider process.

mod booking;
mod distribution;
mod feedback;
mod fixtures;
mod identity;
mod oidc;
mod records;
mod technician;
mod tracking;
