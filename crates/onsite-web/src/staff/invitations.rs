//! `POST /api/v1/invitations` (one contact) and `POST /api/v1/accounts/{id}/invitations` (every
//! contact of an account, automatically: addresses invited before are skipped). Staff only
//! (`Dispatch`, in the route table).

use crate::input::PathId;
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onsite_app::identity::{self, InviteMode};
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput};

pub(crate) fn parse_roles(raw: &[String]) -> Result<Vec<Role>, InvalidInput> {
    raw.iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|_| InvalidInput::new("roles", "unknown"))
        })
        .collect()
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    contact_id: i64,
    /// Web roles the portal account gets, e.g. `["self-scheduling"]`.
    roles: Vec<String>,
}

/// `POST /api/v1/invitations`: a new invitation for one contact (the contact's earlier code
/// stops working). Answers 201 with the code, shown this once.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewInvitation>,
) -> WebResult<Response> {
    let roles = parse_roles(&body.roles)?;
    let invited = identity::invite(
        &state.app,
        ContactId(body.contact_id),
        &roles,
        Some(user.user.id),
        InviteMode::Manual,
        state.clock.now(),
    )
    .await?;
    let body = serde_json::json!({
        "invitation": {
            "id": invited.invitation_id,
            "contact_id": body.contact_id,
            "email": invited.email.as_str(),
            "code": invited.code.expose(),
            "expires_at": invited.expires_at.to_string(),
        }
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkInvitation {
    roles: Vec<String>,
}

/// `POST /api/v1/accounts/{id}/invitations`: invites every contact of the account who was
/// never invited automatically and has no portal account; says who was invited and who was
/// skipped, and why.
pub async fn create_for_account(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(account_id): PathId<i64>,
    Json(body): Json<BulkInvitation>,
) -> WebResult<Response> {
    let roles = parse_roles(&body.roles)?;
    if roles.is_empty() {
        return Err(InvalidInput::new("roles", "required").into());
    }
    let bulk = identity::invite_account(
        &state.app,
        AccountId(account_id),
        &roles,
        Some(user.user.id),
        state.clock.now(),
    )
    .await?;
    let ids = |ids: &[ContactId]| ids.iter().map(|c| c.0).collect::<Vec<_>>();
    Ok(Json(serde_json::json!({
        "invited": ids(&bulk.invited),
        "already_invited": ids(&bulk.already_invited),
        "already_have_account": ids(&bulk.already_have_account),
    }))
    .into_response())
}
