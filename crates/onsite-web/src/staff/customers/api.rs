//! The staff's JSON API for customers (dispatchers and administrators, `Dispatch` in the route
//! table), over the same use cases as the pages (`onsite_app::customers`), so the same checks,
//! versions and audit lines apply:
//!
//! - `GET /api/v1/staff/accounts`: accounts by name with their contacts, searched and filtered,
//!   a keyset page at a time (`next` / `prev` cursors);
//! - `POST /api/v1/staff/accounts`: a new account (201, `Location`);
//! - `GET /api/v1/staff/accounts/{id}`, `POST /api/v1/staff/accounts/{id}`: one account, and a
//!   change to it from its `version` (members left out keep their value; a stale version is
//!   409 `changed` and changes nothing); `POST …/{id}/active`: deactivate or reactivate;
//! - `POST /api/v1/staff/accounts/{id}/contacts`: a new contact of the account;
//! - `GET /api/v1/staff/contacts/{id}`, `POST /api/v1/staff/contacts/{id}`, `POST
//!   …/{id}/active`: the same for a contact, with its portal user and its invitations;
//! - `POST /api/v1/staff/invitations/{id}/revoke`: a pending invitation's code stops working.
//!
//! Nothing is deleted: accounts and contacts are deactivated (history refers to them).

use crate::input::PathId;
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, refusal};
use crate::session::Granted;
use crate::staff::api::{ActiveChange, created};
use crate::staff::invitations::parse_roles;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::customers::{self, AccountDetail, AccountInput, ContactDetail, ContactInput};
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_domain::account::{Account, AccountKind, Contact};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput};
use onsite_store::directory::ContactStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

refusal!(
    /// The record changed since the version the caller read, or an address is taken.
    Stale,
    Kind::Conflict,
    "Someone saved the record after the `version` sent (`changed`: read it again), or the \
     address is another contact's or another user's sign-in (`taken`, field `email`). Nothing \
     changed.",
);
refusal!(
    /// The invitation is not pending.
    NotPending,
    Kind::Conflict,
    "The invitation was redeemed, expired or revoked already (`not_pending`).",
);
refusal!(
    /// A list option that cannot be read.
    BadListOption,
    Kind::Invalid,
    "A list option is refused (`invalid`); `field` names it: `kind`, `status` or `cursor`.",
);

crate::openapi::enum_schema!(
    /// The kind of an account.
    AccountKindName,
    [AccountKind::Customer, AccountKind::Partner].map(|k| k.as_str().to_owned()),
);

crate::openapi::enum_schema!(
    /// Where an invitation stands.
    InvitationStatusName,
    ["pending", "redeemed", "expired", "revoked"].map(str::to_owned),
);

// ---- Bodies ---------------------------------------------------------------------------------

/// A contact as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactSummary {
    id: i64,
    first_name: String,
    last_name: String,
    email: String,
    active: bool,
    /// The portal user made from its invitation, if any.
    #[schema(required = true)]
    portal_user_id: Option<i64>,
    /// Where its newest invitation stands, if it has one.
    #[schema(required = true, value_type = Option<InvitationStatusName>)]
    invitation: Option<&'static str>,
}

impl ContactSummary {
    fn of(c: &ContactStatus, now: Timestamp) -> ContactSummary {
        ContactSummary {
            id: c.id.0,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.clone(),
            active: c.active,
            portal_user_id: c.user.as_ref().map(|u| u.id.0),
            invitation: c.latest_invitation.map(|i| i.status(now).as_str()),
        }
    }
}

/// An account of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedAccount {
    id: i64,
    #[schema(value_type = AccountKindName)]
    kind: &'static str,
    name: String,
    active: bool,
    city: String,
    /// The name of the territory its address belongs to.
    #[schema(required = true)]
    territory: Option<String>,
    contacts: Vec<ContactSummary>,
}

/// A page of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    accounts: Vec<ListedAccount>,
    /// The `cursor` of the next page; `null` on the last.
    #[schema(required = true)]
    next: Option<String>,
    /// The `cursor` of the previous page; `null` on the first.
    #[schema(required = true)]
    prev: Option<String>,
}

/// An account with its contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAccount {
    id: i64,
    #[schema(value_type = AccountKindName)]
    kind: &'static str,
    name: String,
    active: bool,
    address_line: String,
    city: String,
    postal_code: String,
    /// ISO 3166 two-letter code.
    country: String,
    latitude: f64,
    longitude: f64,
    /// IANA name.
    time_zone: String,
    /// The territory its address belongs to (it follows the address on every save).
    #[schema(required = true)]
    territory_id: Option<i64>,
    #[schema(required = true)]
    territory: Option<String>,
    notes: String,
    /// Send it back with a change: a change from an older version is refused (409).
    version: i64,
    contacts: Vec<ContactSummary>,
}

impl StaffAccount {
    fn of(d: AccountDetail, now: Timestamp) -> StaffAccount {
        let AccountDetail {
            account,
            territory,
            contacts,
        } = d;
        let a = &account.address;
        StaffAccount {
            id: account.id.0,
            kind: account.kind.as_str(),
            active: account.active,
            address_line: a.line.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
            latitude: a.location.lat(),
            longitude: a.location.lon(),
            time_zone: a.time_zone.as_str().to_owned(),
            territory_id: account.territory_id.map(|t| t.0),
            territory,
            notes: account.notes.clone(),
            version: account.version,
            contacts: contacts
                .iter()
                .map(|c| ContactSummary::of(c, now))
                .collect(),
            name: account.name,
        }
    }
}

/// An invitation of a contact (its code is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactInvitation {
    id: i64,
    email: String,
    #[schema(value_type = Vec<crate::staff::invitations::WebRole>)]
    roles: Vec<String>,
    #[schema(value_type = InvitationStatusName)]
    status: &'static str,
    created_at: Timestamp,
    expires_at: Timestamp,
}

/// A contact with its portal user and invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffContact {
    id: i64,
    account_id: i64,
    account: String,
    first_name: String,
    last_name: String,
    email: String,
    #[schema(required = true)]
    phone: Option<String>,
    /// A language tag (`en`, `fr`); `null`: the portal's default.
    #[schema(required = true)]
    language: Option<String>,
    /// Its portal user's web roles, or those its next invitation offers.
    #[schema(value_type = Vec<crate::staff::invitations::WebRole>)]
    web_roles: Vec<String>,
    active: bool,
    #[schema(required = true)]
    portal_user_id: Option<i64>,
    /// Newest first.
    invitations: Vec<ContactInvitation>,
    /// Send it back with a change: a change from an older version is refused (409).
    version: i64,
}

fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

impl StaffContact {
    fn of(d: &ContactDetail, now: Timestamp) -> StaffContact {
        let c = &d.contact;
        StaffContact {
            id: c.id.0,
            account_id: d.account.id.0,
            account: d.account.name.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.as_str().to_owned(),
            phone: c.phone.as_ref().map(|p| p.as_str().to_owned()),
            language: c.language.clone(),
            web_roles: role_names(&d.web_roles()),
            active: c.active,
            portal_user_id: d.user.as_ref().map(|u| u.id.0),
            invitations: d
                .invitations
                .iter()
                .map(|i| ContactInvitation {
                    id: i.id,
                    email: i.email.clone(),
                    roles: role_names(&i.roles),
                    status: i.dates.status(now).as_str(),
                    created_at: i.dates.created_at,
                    expires_at: i.dates.expires_at,
                })
                .collect(),
            version: c.version,
        }
    }
}

/// A new account. Its territory follows from its address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    #[schema(value_type = AccountKindName)]
    kind: String,
    name: String,
    #[serde(default)]
    address_line: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    postal_code: String,
    /// ISO 3166 two-letter code, e.g. `CA`.
    country: String,
    latitude: f64,
    longitude: f64,
    /// IANA name, e.g. `America/Toronto`.
    time_zone: String,
    #[serde(default)]
    notes: String,
}

/// A change to an account from the `version` read: members left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    version: i64,
    name: Option<String>,
    address_line: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    time_zone: Option<String>,
    notes: Option<String>,
}

/// A new contact of an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    #[serde(default)]
    first_name: String,
    last_name: String,
    email: String,
    #[serde(default)]
    phone: String,
    /// A language tag (`en`, `fr`); empty or left out: the portal's default.
    #[serde(default)]
    language: String,
    /// The web roles its invitation will offer (those of the account's kind).
    #[serde(default)]
    #[schema(value_type = Vec<crate::staff::invitations::WebRole>)]
    web_roles: Vec<String>,
}

/// A change to a contact from the `version` read: members left out keep their value (`phone`
/// and `language` empty: none).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    version: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    #[schema(value_type = Option<Vec<crate::staff::invitations::WebRole>>)]
    web_roles: Option<Vec<String>>,
}

impl AccountChange {
    /// The account's fields with this change applied.
    fn applied_to(self, account: &Account) -> Result<AccountInput, InvalidInput> {
        let a = &account.address;
        Ok(AccountInput {
            name: self.name.unwrap_or_else(|| account.name.clone()),
            address_line: self.address_line.unwrap_or_else(|| a.line.clone()),
            city: self.city.unwrap_or_else(|| a.city.clone()),
            postal_code: self.postal_code.unwrap_or_else(|| a.postal_code.clone()),
            country: self.country.unwrap_or_else(|| a.country.clone()),
            location: GeoPoint::new(
                self.latitude.unwrap_or(a.location.lat()),
                self.longitude.unwrap_or(a.location.lon()),
            )?,
            time_zone: self
                .time_zone
                .unwrap_or_else(|| a.time_zone.as_str().to_owned()),
            notes: self.notes.unwrap_or_else(|| account.notes.clone()),
        })
    }
}

impl ContactChange {
    /// The contact's fields with this change applied.
    fn applied_to(self, detail: &ContactDetail) -> Result<ContactInput, InvalidInput> {
        let c: &Contact = &detail.contact;
        Ok(ContactInput {
            first_name: self.first_name.unwrap_or_else(|| c.first_name.clone()),
            last_name: self.last_name.unwrap_or_else(|| c.last_name.clone()),
            email: self.email.unwrap_or_else(|| c.email.as_str().to_owned()),
            phone: self.phone.unwrap_or_else(|| {
                c.phone
                    .as_ref()
                    .map_or(String::new(), |p| p.as_str().into())
            }),
            language: self
                .language
                .unwrap_or_else(|| c.language.clone().unwrap_or_default()),
            web_roles: match self.web_roles {
                Some(raw) => parse_roles("web_roles", &raw)?,
                None => detail.web_roles(),
            },
        })
    }
}

// ---- Accounts -------------------------------------------------------------------------------

/// The accounts list's query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Part of an account's name, or of one of its contacts' names or addresses (case and
    /// accents ignored).
    q: String,
    /// `customer` or `partner`; empty: both.
    kind: String,
    /// `active` (the default), `inactive` or `all`.
    status: String,
    /// `next` or `prev` of a previous page.
    cursor: String,
}

/// `GET /api/v1/staff/accounts`: accounts by name, 20 a page.
#[utoipa::path(
    get,
    path = "/api/v1/staff/accounts",
    operation_id = "list_staff_accounts",
    tag = "customers",
    summary = "Accounts, with their contacts",
    params(AccountQuery),
    responses(
        (status = 200, description = "A page of accounts by name.", body = AccountList),
        Errors<(BadListOption,)>,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Query(query): Query<AccountQuery>,
) -> WebResult<Json<AccountList>> {
    let (filter, start) = customers::parse_list(customers::ListInput {
        search: &query.q,
        kind: &query.kind,
        status: &query.status,
        cursor: &query.cursor,
    })?;
    let found = customers::accounts(&state.app, staff, &filter, start).await?;
    let now = state.clock.now();
    Ok(Json(AccountList {
        next: found.next.as_ref().map(|c| c.as_str().to_owned()),
        prev: found.prev.as_ref().map(|c| c.as_str().to_owned()),
        accounts: found
            .items
            .iter()
            .map(|a| ListedAccount {
                id: a.id.0,
                kind: a.kind.as_str(),
                name: a.name.clone(),
                active: a.active,
                city: a.city.clone(),
                territory: a.territory.clone(),
                contacts: a
                    .contacts
                    .iter()
                    .map(|c| ContactSummary::of(c, now))
                    .collect(),
            })
            .collect(),
    }))
}

async fn account_answer(state: &AppState, staff: Staff, id: AccountId) -> WebResult<StaffAccount> {
    let detail = customers::account(&state.app, staff, id).await?;
    Ok(StaffAccount::of(detail, state.clock.now()))
}

/// `POST /api/v1/staff/accounts`: a new, active account.
#[utoipa::path(
    post,
    path = "/api/v1/staff/accounts",
    operation_id = "create_staff_account",
    tag = "customers",
    summary = "Add an account",
    description = "Its territory follows from its address. Audited.",
    request_body = NewAccount,
    responses(
        (status = 201, description = "The account, at its `Location`.", body = StaffAccount),
        Errors<(JsonBody, Invalid)>,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Json(body): Json<NewAccount>,
) -> WebResult<Response> {
    let kind = AccountKind::parse(body.kind.trim())?;
    let input = AccountInput {
        location: GeoPoint::new(body.latitude, body.longitude)?,
        name: body.name,
        address_line: body.address_line,
        city: body.city,
        postal_code: body.postal_code,
        country: body.country,
        time_zone: body.time_zone,
        notes: body.notes,
    };
    let id = customers::create_account(&state.app, staff, kind, &input).await?;
    let answer = account_answer(&state, staff, id).await?;
    Ok(created(answer, format!("/api/v1/staff/accounts/{id}")))
}

/// `GET /api/v1/staff/accounts/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/accounts/{id}",
    operation_id = "get_staff_account",
    tag = "customers",
    summary = "One account, with its contacts",
    params(PathId<AccountId>),
    responses(
        (status = 200, description = "The account.", body = StaffAccount),
        Errors<(NotFound,)>,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<AccountId>,
) -> WebResult<Json<StaffAccount>> {
    Ok(Json(account_answer(&state, staff, id).await?))
}

/// `POST /api/v1/staff/accounts/{id}`: a change from the version read.
#[utoipa::path(
    post,
    path = "/api/v1/staff/accounts/{id}",
    operation_id = "update_staff_account",
    tag = "customers",
    summary = "Change an account",
    description = "Members left out keep their value; the territory follows the address. A \
        `version` older than the account's is refused (409 `changed`) and nothing changes. \
        Audited with each changed field's before and after.",
    params(PathId<AccountId>),
    request_body = AccountChange,
    responses(
        (status = 200, description = "The account as saved.", body = StaffAccount),
        Errors<(JsonBody, NotFound, Invalid, Stale)>,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<AccountId>,
    Json(body): Json<AccountChange>,
) -> WebResult<Json<StaffAccount>> {
    let current = customers::account(&state.app, staff, id).await?;
    let version = body.version;
    let input = body.applied_to(&current.account)?;
    customers::update_account(&state.app, staff, id, version, &input).await?;
    Ok(Json(account_answer(&state, staff, id).await?))
}

/// `POST /api/v1/staff/accounts/{id}/active`: deactivate or reactivate.
#[utoipa::path(
    post,
    path = "/api/v1/staff/accounts/{id}/active",
    operation_id = "set_staff_account_active",
    tag = "customers",
    summary = "Deactivate or reactivate an account",
    description = "An inactive account is not booked for, and its contacts are not invited \
        (their codes do not redeem). Its history stays. Audited.",
    params(PathId<AccountId>),
    request_body = ActiveChange,
    responses(
        (status = 200, description = "The account as saved.", body = StaffAccount),
        Errors<(JsonBody, NotFound, Stale)>,
    ),
)]
pub async fn set_account_active(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<AccountId>,
    Json(body): Json<ActiveChange>,
) -> WebResult<Json<StaffAccount>> {
    customers::set_account_active(&state.app, staff, id, body.version, body.active).await?;
    Ok(Json(account_answer(&state, staff, id).await?))
}

// ---- Contacts -------------------------------------------------------------------------------

async fn contact_answer(state: &AppState, staff: Staff, id: ContactId) -> WebResult<StaffContact> {
    let detail = customers::contact(&state.app, staff, id).await?;
    Ok(StaffContact::of(&detail, state.clock.now()))
}

/// `POST /api/v1/staff/accounts/{id}/contacts`: a new, active contact.
#[utoipa::path(
    post,
    path = "/api/v1/staff/accounts/{id}/contacts",
    operation_id = "create_staff_contact",
    tag = "customers",
    summary = "Add a contact to an account",
    description = "One active contact per address; an address another user signs in with is \
        refused. Audited. Invite it with `POST /api/v1/invitations`.",
    params(PathId<AccountId>),
    request_body = NewContact,
    responses(
        (status = 201, description = "The contact, at its `Location`.", body = StaffContact),
        Errors<(JsonBody, NotFound, Invalid, Stale)>,
    ),
)]
pub async fn create_contact(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(account): PathId<AccountId>,
    Json(body): Json<NewContact>,
) -> WebResult<Response> {
    let input = ContactInput {
        web_roles: parse_roles("web_roles", &body.web_roles)?,
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        phone: body.phone,
        language: body.language,
    };
    let id = customers::create_contact(&state.app, staff, account, &input).await?;
    let answer = contact_answer(&state, staff, id).await?;
    Ok(created(answer, format!("/api/v1/staff/contacts/{id}")))
}

/// `GET /api/v1/staff/contacts/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/contacts/{id}",
    operation_id = "get_staff_contact",
    tag = "customers",
    summary = "One contact, with its portal user and invitations",
    params(PathId<ContactId>),
    responses(
        (status = 200, description = "The contact.", body = StaffContact),
        Errors<(NotFound,)>,
    ),
)]
pub async fn get_contact(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ContactId>,
) -> WebResult<Json<StaffContact>> {
    Ok(Json(contact_answer(&state, staff, id).await?))
}

/// `POST /api/v1/staff/contacts/{id}`: a change from the version read.
#[utoipa::path(
    post,
    path = "/api/v1/staff/contacts/{id}",
    operation_id = "update_staff_contact",
    tag = "customers",
    summary = "Change a contact",
    description = "Members left out keep their value. Its portal user's web roles and \
        sign-in address follow; a new address revokes its pending invitations. A `version` \
        older than the contact's is refused (409 `changed`) and nothing changes. Audited.",
    params(PathId<ContactId>),
    request_body = ContactChange,
    responses(
        (status = 200, description = "The contact as saved.", body = StaffContact),
        Errors<(JsonBody, NotFound, Invalid, Stale)>,
    ),
)]
pub async fn update_contact(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ContactId>,
    Json(body): Json<ContactChange>,
) -> WebResult<Json<StaffContact>> {
    let current = customers::contact(&state.app, staff, id).await?;
    let version = body.version;
    let input = body.applied_to(&current)?;
    let now = state.clock.now();
    customers::update_contact(&state.app, staff, id, version, &input, now).await?;
    Ok(Json(contact_answer(&state, staff, id).await?))
}

/// `POST /api/v1/staff/contacts/{id}/active`: deactivate or reactivate.
#[utoipa::path(
    post,
    path = "/api/v1/staff/contacts/{id}/active",
    operation_id = "set_staff_contact_active",
    tag = "customers",
    summary = "Deactivate or reactivate a contact",
    description = "Deactivated: no more invitations, its pending ones revoked, its portal user \
        disabled and signed out everywhere. Reactivated: its portal user enabled again. \
        Audited.",
    params(PathId<ContactId>),
    request_body = ActiveChange,
    responses(
        (status = 200, description = "The contact as saved.", body = StaffContact),
        Errors<(JsonBody, NotFound, Stale)>,
    ),
)]
pub async fn set_contact_active(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ContactId>,
    Json(body): Json<ActiveChange>,
) -> WebResult<Json<StaffContact>> {
    let now = state.clock.now();
    customers::set_contact_active(&state.app, staff, id, body.version, body.active, now).await?;
    Ok(Json(contact_answer(&state, staff, id).await?))
}

/// The contact whose invitation was revoked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    /// `null` for an invitation whose contact is gone.
    #[schema(required = true)]
    contact_id: Option<i64>,
}

/// `POST /api/v1/staff/invitations/{id}/revoke`: its code stops working.
#[utoipa::path(
    post,
    path = "/api/v1/staff/invitations/{id}/revoke",
    operation_id = "revoke_invitation",
    tag = "invitations",
    summary = "Revoke a pending invitation",
    description = "Audited.",
    params(PathId<i64>),
    responses(
        (status = 200, description = "Revoked.", body = Revoked),
        Errors<(NotFound, NotPending)>,
    ),
)]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Json<Revoked>> {
    let contact = customers::revoke_invitation(&state.app, staff, id, state.clock.now()).await?;
    Ok(Json(Revoked {
        contact_id: contact.map(|c| c.0),
    }))
}
