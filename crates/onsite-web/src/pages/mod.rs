//! Server-rendered pages, one module per area, each with its own `router()` merged here.

use crate::AppState;
use axum::Router;

pub mod home;

pub fn router() -> Router<AppState> {
    Router::new().merge(home::router())
}
