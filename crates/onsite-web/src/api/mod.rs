//! The JSON API under `/api/v1/…` (crates.io style). Routes are declared in the route table
//! (`routes.rs`) like pages, with their capability; errors are answered as
//! `{"error": {"code", "message", "field"}}` by `error::render_errors`, including the 404 for
//! any path not routed and the guard's 401/403/404. Documented in `docs/api.md`.
//!
//! Authentication: for now the caller's session (the portal's own pages), so every write also
//! carries the session's CSRF token in `X-CSRF-Token`. API tokens for other programs come with
//! the back office: they will resolve to a `Visitor` in `session::resolve` (from an
//! `Authorization: Bearer` header), and `csrf::check` will let token-authenticated requests
//! through, since no browser sends such a header by itself.

pub mod bookings;
pub mod feedback;
pub mod invitations;
pub mod openapi;
pub mod opportunities;
pub mod records;
pub mod tracking;
