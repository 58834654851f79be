//! Staff pages about people: accounts with their contacts and each contact's portal status,
//! invitations (one contact, or every contact of an account), and users' roles.
//!
//! Who may do what is decided by the route table: these pages need `Dispatch` (dispatchers and
//! administrators), giving web roles too; giving staff roles (technician, dispatcher, admin)
//! needs `Administer`, so a dispatcher cannot make anyone an administrator. Invitations only
//! ever carry the web roles of the contact's account kind (checked by the use case).

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::{CurrentUser, Granted};
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::directory;
use onsite_app::identity::{self, InviteMode, STAFF_ROLES, web_roles_for};
use onsite_app::policy::Capability;
use onsite_app::policy::Staff;
use onsite_app::team;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput, TechnicianId, UserId};
use onsite_store::directory::{AccountContacts, ContactStatus, UserSummary};
use std::collections::HashMap;

/// Accounts per page of the contacts list, users per page of the users list.
const PAGE_SIZE: i64 = 20;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// The search: part of a name or an email address.
    q: Option<String>,
    /// 1-based page number.
    page: Option<u32>,
}

impl ListQuery {
    fn search(&self) -> String {
        self.q.as_deref().unwrap_or_default().trim().to_owned()
    }

    fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    fn offset(&self) -> i64 {
        i64::from(self.page() - 1) * PAGE_SIZE
    }
}

/// A role checkbox.
#[derive(Debug, Clone)]
pub struct RoleOption {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

fn role_options(page: &Page, roles: &[Role], checked: impl Fn(Role) -> bool) -> Vec<RoleOption> {
    roles
        .iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: page.t(&format!("identity-role-{}", r.as_str())),
            checked: checked(*r),
        })
        .collect()
}

/// The roles ticked in a form: checkboxes named `role-<role>`.
fn ticked_roles(form: &HashMap<String, String>) -> Result<Vec<Role>, InvalidInput> {
    let mut roles = form
        .keys()
        .filter_map(|k| k.strip_prefix("role-"))
        .map(str::parse)
        .collect::<Result<Vec<Role>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// The roles invitations give by default: the ones that let a contact do what the portal is
/// mostly for (book, for customers; work opportunities, for partners).
fn default_invitation_role(kind: AccountKind) -> Role {
    match kind {
        AccountKind::Customer => Role::SelfScheduling,
        AccountKind::Partner => Role::Partner,
    }
}

fn kind_label(page: &Page, kind: AccountKind) -> String {
    page.t(&format!("web-staff-account-{}", kind.as_str()))
}

fn roles_label(page: &Page, roles: &[Role]) -> String {
    if roles.is_empty() {
        return page.t("web-staff-no-roles");
    }
    roles
        .iter()
        .map(|r| page.t(&format!("identity-role-{}", r.as_str())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a contact stands with the portal, in words.
fn portal_status(page: &Page, contact: &ContactStatus, now: Timestamp) -> String {
    if let Some((_, roles)) = &contact.user {
        return page.t1(
            "web-staff-status-account",
            "roles",
            roles_label(page, roles),
        );
    }
    match contact.latest_invitation {
        Some(i) if i.redeemed_at.is_some() => page.t("web-staff-status-redeemed"),
        Some(i) if i.revoked_at.is_none() && i.expires_at > now => {
            page.t1("web-staff-status-invited", "date", page.time(i.expires_at))
        }
        Some(i) if i.revoked_at.is_none() => {
            page.t1("web-staff-status-expired", "date", page.time(i.expires_at))
        }
        _ => page.t("web-staff-status-none"),
    }
}

#[derive(Debug)]
struct AccountView {
    id: AccountId,
    name: String,
    kind: String,
    active: bool,
    roles: Vec<RoleOption>,
    contacts: Vec<ContactView>,
}

#[derive(Debug)]
struct ContactView {
    id: ContactId,
    name: String,
    email: String,
    status: String,
    /// Invited automatically before: "Invite all contacts" skips them.
    invited_automatically: bool,
    /// The contact has no portal account yet, so an invitation makes sense.
    invitable: bool,
}

#[derive(Template)]
#[template(path = "staff/contacts.html")]
struct ContactsPage {
    page: Page,
    search: String,
    page_number: u32,
    has_more: bool,
    accounts: Vec<AccountView>,
}

impl ContactsPage {
    fn link(&self, page_number: u32) -> String {
        format!(
            "/staff/contacts?q={}&page={page_number}",
            crate::guard::encode_component(&self.search)
        )
    }
}

fn account_view(page: &Page, account: AccountContacts, now: Timestamp) -> AccountView {
    let default = default_invitation_role(account.kind);
    AccountView {
        id: account.id,
        kind: kind_label(page, account.kind),
        roles: role_options(page, web_roles_for(account.kind), |r| r == default),
        contacts: account
            .contacts
            .iter()
            .map(|c| ContactView {
                id: c.id,
                name: format!("{} {}", c.first_name, c.last_name)
                    .trim()
                    .to_owned(),
                email: c.email.clone(),
                status: portal_status(page, c, now),
                invited_automatically: c.invited_automatically,
                invitable: c.user.is_none(),
            })
            .collect(),
        name: account.name,
        active: account.active,
    }
}

/// `GET /staff/contacts`: accounts with their contacts, searchable, a page at a time.
pub async fn contacts(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let search = query.search();
    let found =
        directory::accounts_with_contacts(&state.app, staff, &search, PAGE_SIZE, query.offset())
            .await?;
    let now = state.clock.now();
    let accounts = found
        .items
        .into_iter()
        .map(|a| account_view(&page, a, now))
        .collect();
    let view = ContactsPage {
        page,
        search,
        page_number: query.page(),
        has_more: found.has_more,
        accounts,
    };
    render(&view)
}

/// What an invitation (or a refused one) tells the member of staff.
#[derive(Template)]
#[template(path = "staff/invited.html")]
struct InvitedPage {
    page: Page,
    outcome: InviteOutcome,
    /// Whether the invitation email carries the code to the contact (SMTP), or the code
    /// reaches the contact only if staff hand it over (the embedded mailbox).
    emails_reach_inboxes: bool,
}

#[derive(Debug)]
enum InviteOutcome {
    /// One contact invited: the code, shown this once.
    One {
        name: String,
        email: String,
        code: String,
        expires: String,
    },
    /// A whole account: how many of each.
    Bulk {
        account: String,
        invited: usize,
        already_invited: usize,
        already_have_account: usize,
    },
    /// Refused, and why.
    Refused { message: String },
}

/// `POST /staff/contacts/{id}/invite`: a new invitation for one contact, whatever came
/// before (the contact's earlier code stops working); shows the code once, for staff to hand
/// over another way if the email does not arrive.
pub async fn invite_contact(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(contact_id): PathId<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let roles = ticked_roles(&form)?;
    let contact_id = ContactId(contact_id);
    let now = state.clock.now();
    let contact = directory::contact(&state.app, user.grant()?, contact_id).await?;
    let outcome = identity::invite(
        &state.app,
        contact_id,
        &roles,
        Some(user.user.id),
        InviteMode::Manual,
        now,
    )
    .await;
    let (status, outcome) = match outcome {
        Ok(invited) => (
            StatusCode::OK,
            InviteOutcome::One {
                name: contact.full_name(),
                email: invited.email.as_str().to_owned(),
                code: invited.code.expose().to_owned(),
                expires: page.time(invited.expires_at),
            },
        ),
        Err(e) => match crate::error::form_refusal_status(&e) {
            Some(status) => (
                status,
                InviteOutcome::Refused {
                    message: page.t(e.message_id()),
                },
            ),
            None => return Err(e.into()),
        },
    };
    let view = InvitedPage {
        page,
        outcome,
        emails_reach_inboxes: state.config.emails_reach_inboxes,
    };
    // The page holds a code: the session layer keeps it out of every cache (`no-store`).
    render_with_status(status, &view)
}

/// `POST /staff/accounts/{id}/invite`: "Invite all contacts": every contact of the account
/// whose address was never invited automatically and who has no portal account yet.
pub async fn invite_account(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(account_id): PathId<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let roles = ticked_roles(&form)?;
    if roles.is_empty() {
        return Err(InvalidInput::new("roles", "required").into());
    }
    let account_id = AccountId(account_id);
    let account = directory::account(&state.app, user.grant()?, account_id).await?;
    let outcome = identity::invite_account(
        &state.app,
        account_id,
        &roles,
        Some(user.user.id),
        state.clock.now(),
    )
    .await;
    let (status, outcome) = match outcome {
        Ok(bulk) => (
            StatusCode::OK,
            InviteOutcome::Bulk {
                account: account.name,
                invited: bulk.invited.len(),
                already_invited: bulk.already_invited.len(),
                already_have_account: bulk.already_have_account.len(),
            },
        ),
        Err(e) => match crate::error::form_refusal_status(&e) {
            Some(status) => (
                status,
                InviteOutcome::Refused {
                    message: page.t(e.message_id()),
                },
            ),
            None => return Err(e.into()),
        },
    };
    let view = InvitedPage {
        page,
        outcome,
        emails_reach_inboxes: state.config.emails_reach_inboxes,
    };
    render_with_status(status, &view)
}

#[derive(Debug)]
struct UserView {
    id: UserId,
    email: String,
    name: String,
    account: Option<String>,
    /// The technician the user signs in as: (id, name).
    technician: Option<(TechnicianId, String)>,
    disabled: bool,
    roles: String,
    /// Checkboxes of the web roles the user's account kind allows (none without an account).
    web_roles: Vec<RoleOption>,
    staff_roles: Vec<RoleOption>,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    page: Page,
    search: String,
    page_number: u32,
    has_more: bool,
    users: Vec<UserView>,
    may_administer: bool,
    /// The signed-in person (not offered to disable themselves).
    me: UserId,
    /// The "New staff user" form, as typed, with its errors.
    new_user: NewUserView,
    errors: FieldErrors,
}

/// The "New staff user" form's values.
#[derive(Debug, Default)]
struct NewUserView {
    email: String,
    name: String,
    roles: Vec<RoleOption>,
    /// The language tag chosen for their emails (empty: the portal's default).
    language: String,
}

impl UsersPage {
    fn link(&self, page_number: u32) -> String {
        format!(
            "/staff/users?q={}&page={page_number}",
            crate::guard::encode_component(&self.search)
        )
    }
}

fn user_view(page: &Page, u: UserSummary) -> UserView {
    let has = |r: Role| u.roles.contains(&r);
    let web_roles = match &u.account {
        Some((_, _, kind)) => role_options(page, web_roles_for(*kind), has),
        None => Vec::new(),
    };
    UserView {
        id: u.id,
        roles: roles_label(page, &u.roles),
        staff_roles: role_options(page, &STAFF_ROLES, has),
        web_roles,
        account: u
            .account
            .map(|(_, name, kind)| format!("{name} ({})", kind_label(page, kind))),
        technician: u.technician,
        name: u.display_name,
        email: u.email,
        disabled: u.disabled,
    }
}

/// `GET /staff/users`: everyone who can sign in, with their roles (and, for administrators,
/// the "New staff user" form and each user's access and disable buttons).
pub async fn users(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let new_user = new_user_view(&page, &NewUserForm::default(), &[Role::Dispatcher]);
    let refused = (FieldErrors::new(), StatusCode::OK);
    users_page(&state, page, &user, &query, new_user, refused).await
}

async fn users_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    query: &ListQuery,
    new_user: NewUserView,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let search = query.search();
    let found = directory::users(
        &state.app,
        user.grant()?,
        &search,
        PAGE_SIZE,
        query.offset(),
    )
    .await?;
    let users = found
        .items
        .into_iter()
        .map(|u| user_view(&page, u))
        .collect();
    let may_administer = page.may(Capability::Administer);
    let view = UsersPage {
        page,
        search,
        page_number: query.page(),
        has_more: found.has_more,
        users,
        may_administer,
        me: user.user.id,
        new_user,
        errors,
    };
    render_with_status(status, &view)
}

fn new_user_view(page: &Page, form: &NewUserForm, roles: &[Role]) -> NewUserView {
    NewUserView {
        email: form.email.trim().to_owned(),
        name: form.name.trim().to_owned(),
        roles: role_options(page, &team::CREATABLE_ROLES, |r| roles.contains(&r)),
        language: form.language.trim().to_owned(),
    }
}

/// The "New staff user" form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    email: String,
    name: String,
    language: String,
    #[serde(flatten)]
    ticked: HashMap<String, String>,
}

/// `POST /staff/users`: an administrator creates a staff user, who gets an email to choose
/// their password. A refused form is shown again with its errors and nothing is created.
pub async fn create_user(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> WebResult<Response> {
    let roles = ticked_roles(&form.ticked)?;
    let input = team::StaffUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        roles: roles.clone(),
        language: Some(form.language.clone()),
    };
    match team::create_staff_user(&state.app, user.grant()?, &input, state.clock.now()).await {
        Ok(_) => Ok(see_other("/staff/users?notice=user-created")),
        Err(e) if !e.is_internal() => {
            let mut errors = FieldErrors::new();
            errors.add_failure(page.locale, &e);
            let view = new_user_view(&page, &form, &roles);
            let refused = (errors, crate::error::form_status(&e));
            users_page(&state, page, &user, &ListQuery::default(), view, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/users/{id}/access`: emails the user a new link to choose their password.
pub async fn reset_access(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    team::reset_access(&state.app, user.grant()?, id, state.clock.now()).await?;
    Ok(see_other("/staff/users?notice=access-sent"))
}

/// `POST /staff/users/{id}/disable`: signs the user out everywhere and keeps them out.
pub async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    team::set_disabled(&state.app, user.grant()?, id, true).await?;
    Ok(see_other("/staff/users?notice=user-disabled"))
}

/// `POST /staff/users/{id}/enable`: lets a disabled user sign in again.
pub async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    team::set_disabled(&state.app, user.grant()?, id, false).await?;
    Ok(see_other("/staff/users?notice=user-enabled"))
}

/// `POST /staff/users/{id}/web-roles`: the user's web roles (staff roles unchanged).
pub async fn set_web_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(user_id): PathId<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let roles = ticked_roles(&form)?;
    identity::set_web_roles(&state.app, user.user.id, UserId(user_id), &roles)
        .await
        .map_err(WebError::from)?;
    Ok(see_other("/staff/users?notice=roles-saved"))
}

/// `POST /staff/users/{id}/staff-roles`: the user's staff roles (web roles unchanged).
/// Administrators only (see the route table).
pub async fn set_staff_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(user_id): PathId<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let roles = ticked_roles(&form)?;
    identity::set_staff_roles(&state.app, user.user.id, UserId(user_id), &roles)
        .await
        .map_err(WebError::from)?;
    Ok(see_other("/staff/users?notice=roles-saved"))
}
