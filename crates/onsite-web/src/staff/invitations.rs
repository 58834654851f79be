//! `POST /api/v1/invitations` (one contact) and `POST /api/v1/accounts/{id}/invitations` (every
//! contact of an account, automatically: addresses invited before are skipped). Staff only
//! (`Dispatch`, in the route table). Their bodies describe themselves in the OpenAPI document.

use crate::input::PathId;
use crate::openapi::{Errors, JsonBody, NotFound, refusal};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use onsite_app::failure::Kind;
use onsite_app::identity::{self, InviteMode};
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

refusal!(
    /// The contact or account cannot be invited as things are.
    CannotInvite,
    Kind::Conflict,
    "The contact already has a portal account, or the account is inactive (`conflict`).",
);
refusal!(
    /// The roles are refused.
    InvalidRoles,
    Kind::Invalid,
    "A role is unknown, missing, or not one of the account's kind (`invalid`, field `roles`).",
);

crate::openapi::enum_schema!(
    /// A web role an invitation can give (customer accounts: the first three; partner
    /// accounts: `partner`).
    WebRole,
    [
        Role::SelfScheduling,
        Role::CustomerReviewer,
        Role::CustomerApprover,
        Role::Partner,
    ]
    .map(crate::openapi::json_name),
);

/// Web roles by name; an unknown one is refused naming `field`.
pub(crate) fn parse_roles(field: &'static str, raw: &[String]) -> Result<Vec<Role>, InvalidInput> {
    raw.iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|_| InvalidInput::new(field, "unknown"))
        })
        .collect()
}

/// `POST /api/v1/invitations`' body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    contact_id: i64,
    /// Web roles the portal account gets, e.g. `["self-scheduling"]`.
    #[schema(value_type = Vec<WebRole>)]
    roles: Vec<String>,
}

/// An invitation made.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationAnswer {
    invitation: Invitation,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    id: i64,
    contact_id: i64,
    email: String,
    /// The code to redeem, shown this once (it is stored hashed).
    code: String,
    expires_at: Timestamp,
}

/// `POST /api/v1/invitations`: a new invitation for one contact (the contact's earlier code
/// stops working). Answers 201 with the code, shown this once.
#[utoipa::path(
    post,
    path = "/api/v1/invitations",
    operation_id = "create_invitation",
    tag = "invitations",
    summary = "Invite one contact (staff)",
    description = "Creates a new invitation for one contact of an active account, and queues \
        the invitation email. The contact's earlier codes stop working.",
    request_body = NewInvitation,
    responses(
        (
            status = 201,
            description = "The invitation, with its code (shown this once).",
            body = InvitationAnswer,
        ),
        Errors<(JsonBody, NotFound, CannotInvite, InvalidRoles)>,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewInvitation>,
) -> WebResult<(StatusCode, Json<InvitationAnswer>)> {
    let roles = parse_roles("roles", &body.roles)?;
    let invited = identity::invite(
        &state.app,
        ContactId(body.contact_id),
        &roles,
        Some(user.user.id),
        InviteMode::Manual,
        state.clock.now(),
    )
    .await?;
    let invitation = Invitation {
        id: invited.invitation_id,
        contact_id: body.contact_id,
        email: invited.email.as_str().to_owned(),
        code: invited.code.expose().to_owned(),
        expires_at: invited.expires_at,
    };
    Ok((StatusCode::CREATED, Json(InvitationAnswer { invitation })))
}

/// `POST /api/v1/accounts/{id}/invitations`' body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkInvitation {
    /// At least one web role.
    #[schema(value_type = Vec<WebRole>)]
    roles: Vec<String>,
}

/// Who was invited and who was skipped, and why: contact ids.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkInvited {
    invited: Vec<i64>,
    /// Addresses invited automatically before (even for a contact deleted and created again).
    already_invited: Vec<i64>,
    already_have_account: Vec<i64>,
}

/// `POST /api/v1/accounts/{id}/invitations`: invites every contact of the account who was
/// never invited automatically and has no portal account; says who was invited and who was
/// skipped, and why.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/invitations",
    tag = "invitations",
    summary = "Invite every contact of an account (staff)",
    description = "Contacts with a portal account, and addresses that were ever invited \
        automatically, are skipped. One transaction: if one invitation cannot be made, none \
        is, and the answer is an error.",
    params(PathId<AccountId>),
    request_body = BulkInvitation,
    responses(
        (status = 200, description = "The contact ids in each group.", body = BulkInvited),
        Errors<(JsonBody, NotFound, CannotInvite, InvalidRoles)>,
    ),
)]
pub async fn create_for_account(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(account_id): PathId<i64>,
    Json(body): Json<BulkInvitation>,
) -> WebResult<Json<BulkInvited>> {
    let roles = parse_roles("roles", &body.roles)?;
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
    Ok(Json(BulkInvited {
        invited: ids(&bulk.invited),
        already_invited: ids(&bulk.already_invited),
        already_have_account: ids(&bulk.already_have_account),
    }))
}
