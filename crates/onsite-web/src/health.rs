//! Probes for orchestrators and load balancers: `/healthz` (the process answers) and
//! `/readyz` (it can serve: the database answers). Both are cheap and unauthenticated.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// A database that takes longer than this to answer `SELECT 1` counts as down.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// Alive: the process runs and its HTTP stack answers. Never touches the database, so a
/// database outage does not get healthy processes restarted.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready: 200 when the database answers, else 503 so the load balancer sends traffic
/// elsewhere. The body says which check failed (JSON, for people and probes alike).
pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = tokio::time::timeout(DATABASE_TIMEOUT, state.store.ping())
        .await
        .unwrap_or(false);
    let (status, word) = if database {
        (StatusCode::OK, "ready")
    } else {
        tracing::warn!("not ready: the database does not answer");
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    let body = serde_json::json!({
        "status": word,
        "checks": { "database": if database { "up" } else { "down" } },
    });
    (status, Json(body)).into_response()
}
