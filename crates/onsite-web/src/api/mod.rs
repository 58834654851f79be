//! The JSON API under `/api/v1/…` (crates.io style). Each area adds a module here with its own
//! `router()` (full paths, e.g. `/api/v1/bookings`) and merges it below. Errors under `/api/`
//! are answered as `{"error": {"code", "message", "field"}}` by `error::render_errors`,
//! including the 404 for any path not routed here.

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
