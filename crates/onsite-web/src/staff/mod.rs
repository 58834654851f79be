//! The staff's own pages: customers (accounts, contacts and their invitations), people (users
//! and invitations), the mailbox, the scheduling settings, the catalogue, territories and
//! partners' distribution profiles, the workforce (technicians and working-hours templates),
//! the audit log and API tokens (administrators), the invitation API, and booking on behalf of
//! a customer (`booking`: the phone order and its JSON API), a technician's day on a map
//! (`route`), the administrators' webhook endpoints with their delivery logs (`webhooks`), and
//! what the back office's JSON API shares (`api`).

pub mod api_tokens;
pub mod audit;
pub mod booking;
pub mod catalog;
pub mod customers;
pub mod import;
pub mod invitations;
pub mod mailbox;
pub mod partners;
pub mod people;
pub mod route;
pub mod settings;
pub mod territories;
pub mod webhooks;
pub mod workforce;

/// What the back office's JSON API shares across its record kinds (`customers::api`,
/// `catalog::api`): a deactivation or reactivation from the version read, and a creation's
/// answer.
pub mod api {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    /// Deactivate or retire (`false`), reactivate or restore (`true`), from the `version` read.
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ActiveChange {
        pub version: i64,
        pub active: bool,
    }

    /// `201 Created` with the record and its `Location`.
    pub fn created(body: impl Serialize, location: String) -> Response {
        let mut response = (StatusCode::CREATED, Json(body)).into_response();
        if let Ok(value) = axum::http::HeaderValue::from_str(&location) {
            response
                .headers_mut()
                .insert(axum::http::header::LOCATION, value);
        }
        response
    }
}
