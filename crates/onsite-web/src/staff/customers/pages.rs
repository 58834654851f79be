//! Customers in the back office (`/staff/accounts`, `/staff/contacts/{id}`; dispatchers and
//! administrators, SPEC §10), over `onsite_app::customers`:
//!
//! - the accounts list: search (an account's name, a contact's name or address), kind and
//!   status filters, keyset pages (Previous / Next keep the filters), each account with its
//!   contacts, their portal status and the invitation buttons (`/staff/contacts` leads here);
//! - a new account, and an account's page: its form (name, service address, the point on the
//!   map picker, time zone, notes; the kind on creation only), the territory its address
//!   belongs to, deactivate / reactivate, its contacts, a new contact;
//! - a contact's page: its form (names, email, phone, language, web roles), deactivate /
//!   reactivate, its invitations with their state, invite, revoke a pending one.
//!
//! A refused form is shown again with what was typed and a message naming the field (422);
//! nothing changes. A save from a stale form (someone else saved meanwhile) comes back with
//! their version and says so (409).

use crate::forms::{FieldErrors, seen_version};
use crate::guard::{encode_component, see_other};
use crate::identity::profile::ZONES;
use crate::input::PathId;
use crate::layout::{Page, render_with_status};
use crate::map_point::{self, MapPoint};
use crate::picker::Choice;
use crate::session::Granted;
use crate::staff::people::{
    RoleOption, default_invitation_role, kind_label, portal_status, role_options, roles_label,
    ticked_roles,
};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::customers::{
    self, AccountDetail, AccountInput, ContactDetail, ContactInput, CustomerError, ListInput,
};
use onsite_app::identity::web_roles_for;
use onsite_app::policy::Staff;
use onsite_domain::account::{Account, AccountKind, Contact};
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput};
use onsite_store::directory::{AccountContacts, ContactStatus, InvitationStatus};
use onsite_store::records::Cursor;
use std::collections::HashMap;

/// The accounts list.
pub const ACCOUNTS: &str = "/staff/accounts";

fn choices(page: &Page, options: &[(&'static str, &str)], selected: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, id)| Choice {
            value: (*value).to_owned(),
            label: page.t(id),
            selected: *value == selected,
        })
        .collect()
}

/// A refused form's errors and the status to answer with.
fn refusal(page: &Page, e: &CustomerError) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    (errors, crate::error::form_status(e))
}

fn fresh() -> (FieldErrors, StatusCode) {
    (FieldErrors::new(), StatusCode::OK)
}

// ---- The list -------------------------------------------------------------------------------

/// The list's query string.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    kind: String,
    status: String,
    cursor: String,
}

impl ListQuery {
    /// This list (same search and filters) at the page of `cursor`.
    fn href(&self, cursor: &Cursor) -> String {
        let mut params: Vec<String> = [
            ("q", &self.q),
            ("kind", &self.kind),
            ("status", &self.status),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode_component(v.trim())))
        .collect();
        params.push(format!("cursor={}", encode_component(cursor.as_str())));
        format!("{ACCOUNTS}?{}", params.join("&"))
    }
}

/// An account of the list (and the contacts table of its page).
#[derive(Debug)]
struct AccountView {
    id: AccountId,
    name: String,
    kind: String,
    active: bool,
    city: String,
    territory: Option<String>,
    /// The roles offered by the invitation forms, the kind's usual one ticked.
    roles: Vec<RoleOption>,
    contacts: Vec<ContactView>,
}

#[derive(Debug)]
struct ContactView {
    id: ContactId,
    name: String,
    email: String,
    active: bool,
    status: String,
    /// Invited automatically before: "Invite all contacts" skips them.
    invited_automatically: bool,
    /// Active, without a portal account yet: an invitation makes sense.
    invitable: bool,
}

fn contact_views(page: &Page, contacts: &[ContactStatus], now: Timestamp) -> Vec<ContactView> {
    contacts
        .iter()
        .map(|c| ContactView {
            id: c.id,
            name: format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_owned(),
            email: c.email.clone(),
            active: c.active,
            status: portal_status(page, c, now),
            invited_automatically: c.invited_automatically,
            invitable: c.user.is_none() && c.active,
        })
        .collect()
}

fn account_view(page: &Page, account: AccountContacts, now: Timestamp) -> AccountView {
    let default = default_invitation_role(account.kind);
    AccountView {
        id: account.id,
        kind: kind_label(page, account.kind),
        roles: role_options(page, web_roles_for(account.kind), |r| r == default),
        contacts: contact_views(page, &account.contacts, now),
        name: account.name,
        active: account.active,
        city: account.city,
        territory: account.territory,
    }
}

#[derive(Template)]
#[template(path = "staff/accounts.html")]
struct AccountsPage {
    page: Page,
    errors: FieldErrors,
    search: String,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    /// `None` when the filter was refused: only the form is shown.
    accounts: Option<Vec<AccountView>>,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /staff/accounts`: accounts by name with their contacts, searched and filtered, a page
/// at a time. A filter that cannot be read is answered 422 with the form and no list.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let kinds = choices(
        &page,
        &[
            ("", "customers-filter-any-kind"),
            ("customer", "web-staff-account-customer"),
            ("partner", "web-staff-account-partner"),
        ],
        query.kind.trim(),
    );
    let status = match query.status.trim() {
        "" => "active",
        other => other,
    };
    let statuses = choices(
        &page,
        &[
            ("active", "customers-filter-active"),
            ("inactive", "customers-filter-inactive"),
            ("all", "customers-filter-all"),
        ],
        status,
    );
    let input = ListInput {
        search: &query.q,
        kind: &query.kind,
        status: &query.status,
        cursor: &query.cursor,
    };
    let mut view = AccountsPage {
        errors: FieldErrors::new(),
        search: query.q.trim().to_owned(),
        kinds,
        statuses,
        accounts: None,
        previous: None,
        next: None,
        page,
    };
    let (filter, start) = match customers::parse_list(input) {
        Ok(read) => read,
        Err(e) => {
            view.errors.add_failure(view.page.locale, &e);
            return render_with_status(crate::error::INVALID, &view);
        }
    };
    let found = customers::accounts(&state.app, staff, &filter, start).await?;
    let now = state.clock.now();
    view.previous = found.prev.as_ref().map(|c| query.href(c));
    view.next = found.next.as_ref().map(|c| query.href(c));
    view.accounts = Some(
        found
            .items
            .into_iter()
            .map(|a| account_view(&view.page, a, now))
            .collect(),
    );
    render_with_status(StatusCode::OK, &view)
}

/// `GET /staff/contacts`: the accounts list took over the contacts page; old links (with
/// their search) lead there.
pub async fn contacts(Query(query): Query<ListQuery>) -> Response {
    match query.q.trim() {
        "" => see_other(ACCOUNTS),
        q => see_other(&format!("{ACCOUNTS}?q={}", encode_component(q))),
    }
}

// ---- Accounts -------------------------------------------------------------------------------

/// The account form, as submitted and as shown: `kind` (new accounts only), `name`,
/// `address_line`, `city`, `postal_code`, `country`, `latitude`, `longitude`, `time_zone`,
/// `notes`, and `seen_version` (a saved account's).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct AccountForm {
    kind: String,
    name: String,
    address_line: String,
    city: String,
    postal_code: String,
    country: String,
    latitude: String,
    longitude: String,
    time_zone: String,
    notes: String,
    seen_version: String,
}

impl AccountForm {
    fn of(account: &Account) -> AccountForm {
        let a = &account.address;
        let (latitude, longitude) = MapPoint::text(a.location);
        AccountForm {
            kind: account.kind.as_str().to_owned(),
            name: account.name.clone(),
            address_line: a.line.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
            latitude,
            longitude,
            time_zone: a.time_zone.as_str().to_owned(),
            notes: account.notes.clone(),
            seen_version: account.version.to_string(),
        }
    }

    /// What the use cases take: the point read from the map picker's fields.
    fn input(&self) -> Result<AccountInput, CustomerError> {
        Ok(AccountInput {
            name: self.name.clone(),
            address_line: self.address_line.clone(),
            city: self.city.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            location: map_point::parse(&self.latitude, &self.longitude)?,
            time_zone: self.time_zone.clone(),
            notes: self.notes.clone(),
        })
    }

    fn zone_selected(&self, zone: &str) -> bool {
        self.time_zone.trim() == zone
    }
}

async fn point(state: &AppState, page: &Page, form: &AccountForm) -> MapPoint {
    let legend = page.t("customers-account-location");
    MapPoint::new(state, legend, form.latitude.clone(), form.longitude.clone()).await
}

#[derive(Template)]
#[template(path = "staff/account_new.html")]
struct NewAccountPage {
    page: Page,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    form: AccountForm,
    point: MapPoint,
    zones: &'static [String],
}

async fn new_account_page(
    state: &AppState,
    page: Page,
    form: AccountForm,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let kinds = choices(
        &page,
        &[
            ("customer", "web-staff-account-customer"),
            ("partner", "web-staff-account-partner"),
        ],
        form.kind.trim(),
    );
    let view = NewAccountPage {
        point: point(state, &page, &form).await,
        page,
        errors,
        kinds,
        form,
        zones: &ZONES,
    };
    render_with_status(status, &view)
}

/// `GET /staff/accounts/new` (`?kind=partner` for a partner): the form of a new account.
pub async fn new_account(
    State(state): State<AppState>,
    page: Page,
    Granted(_staff): Granted<Staff>,
    Query(form): Query<AccountForm>,
) -> WebResult<Response> {
    let kind = match form.kind.trim() {
        "partner" => "partner",
        _ => "customer",
    };
    let form = AccountForm {
        kind: kind.to_owned(),
        ..AccountForm::default()
    };
    new_account_page(&state, page, form, fresh()).await
}

/// `POST /staff/accounts`: adds an account (of the kind chosen), or shows the form again.
pub async fn create_account(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    let created = async {
        let kind = AccountKind::parse(form.kind.trim())?;
        customers::create_account(&state.app, staff, kind, &form.input()?).await
    };
    match created.await {
        Ok(id) => Ok(see_other(&format!(
            "{ACCOUNTS}/{id}?notice=account-created"
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            new_account_page(&state, page, form, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage {
    page: Page,
    errors: FieldErrors,
    id: AccountId,
    /// The saved name, kind, state and territory (the form may hold what was typed).
    name: String,
    kind: String,
    active: bool,
    territory: Option<String>,
    /// The saved version, which the deactivate / reactivate buttons carry.
    version: i64,
    form: AccountForm,
    point: MapPoint,
    zones: &'static [String],
    /// The contacts table, as the list shows it.
    account: AccountView,
    audit_history: Option<String>,
}

/// The account's page: `typed`, the form as submitted (else the saved account's).
async fn account_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    (id, typed): (AccountId, Option<AccountForm>),
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let AccountDetail {
        account,
        territory,
        contacts,
    } = customers::account(&state.app, staff, id).await?;
    let form = typed.unwrap_or_else(|| AccountForm::of(&account));
    let listed = AccountContacts {
        id,
        name: account.name.clone(),
        kind: account.kind,
        active: account.active,
        city: account.address.city.clone(),
        territory: territory.clone(),
        contacts,
    };
    let view = AccountPage {
        point: point(state, &page, &form).await,
        account: account_view(&page, listed, state.clock.now()),
        audit_history: page.history("account", id),
        errors,
        id,
        name: account.name,
        kind: kind_label(&page, account.kind),
        active: account.active,
        territory,
        version: account.version,
        form,
        zones: &ZONES,
        page,
    };
    render_with_status(status, &view)
}

// ---- Contacts -------------------------------------------------------------------------------

/// The contact form, as submitted and as shown: `first_name`, `last_name`, `email`, `phone`,
/// `language`, the web roles ticked (`role-<role>`), and `seen_version` (a saved contact's).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ContactForm {
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    language: String,
    seen_version: String,
    #[serde(flatten)]
    ticked: HashMap<String, String>,
}

impl ContactForm {
    fn of(contact: &Contact, web_roles: &[Role]) -> ContactForm {
        ContactForm {
            first_name: contact.first_name.clone(),
            last_name: contact.last_name.clone(),
            email: contact.email.as_str().to_owned(),
            phone: contact
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            language: contact.language.clone().unwrap_or_default(),
            seen_version: contact.version.to_string(),
            ticked: web_roles
                .iter()
                .map(|r| (format!("role-{}", r.as_str()), "on".to_owned()))
                .collect(),
        }
    }

    fn input(&self) -> Result<ContactInput, CustomerError> {
        Ok(ContactInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            language: self.language.clone(),
            web_roles: ticked_roles(&self.ticked)
                .map_err(|_| InvalidInput::new("web_roles", "unknown"))?,
        })
    }

    /// The web roles of an account of `kind` as checkboxes, ticked as in the form.
    fn roles(&self, page: &Page, kind: AccountKind) -> Vec<RoleOption> {
        role_options(page, web_roles_for(kind), |r| {
            self.ticked.contains_key(&format!("role-{}", r.as_str()))
        })
    }
}

#[derive(Template)]
#[template(path = "staff/contact_new.html")]
struct NewContactPage {
    page: Page,
    errors: FieldErrors,
    account_id: AccountId,
    account_name: String,
    form: ContactForm,
    roles: Vec<RoleOption>,
}

async fn new_contact_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    (account_id, form): (AccountId, ContactForm),
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let detail = customers::account(&state.app, staff, account_id).await?;
    let view = NewContactPage {
        roles: form.roles(&page, detail.account.kind),
        page,
        errors,
        account_id,
        account_name: detail.account.name,
        form,
    };
    render_with_status(status, &view)
}

/// `GET /staff/accounts/{id}/contacts/new`: the form of a new contact of the account.
pub async fn new_contact(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(account_id): PathId<AccountId>,
) -> WebResult<Response> {
    let form = ContactForm::default();
    new_contact_page(&state, page, staff, (account_id, form), fresh()).await
}

/// `POST /staff/accounts/{id}/contacts`: adds a contact to the account, or shows the form
/// again.
pub async fn create_contact(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(account_id): PathId<AccountId>,
    Form(form): Form<ContactForm>,
) -> WebResult<Response> {
    let created =
        async { customers::create_contact(&state.app, staff, account_id, &form.input()?).await };
    match created.await {
        Ok(id) => Ok(see_other(&format!(
            "/staff/contacts/{id}?notice=contact-created"
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            new_contact_page(&state, page, staff, (account_id, form), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// An invitation of the contact's page.
struct InvitationView {
    id: i64,
    created: String,
    expires: String,
    roles: String,
    state: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "staff/contact.html")]
struct ContactPage {
    page: Page,
    errors: FieldErrors,
    id: ContactId,
    /// The saved name and state (the form may hold what was typed).
    name: String,
    active: bool,
    version: i64,
    account_id: AccountId,
    account_name: String,
    account_kind: String,
    account_active: bool,
    /// Where the contact stands with the portal, in words.
    portal: String,
    form: ContactForm,
    roles: Vec<RoleOption>,
    /// Active, of an active account, without a portal user: the invite form is offered, with
    /// these roles.
    invitable: bool,
    invite_roles: Vec<RoleOption>,
    invitations: Vec<InvitationView>,
    audit_history: Option<String>,
}

fn invitation_views(page: &Page, detail: &ContactDetail, now: Timestamp) -> Vec<InvitationView> {
    detail
        .invitations
        .iter()
        .map(|i| {
            let status = i.dates.status(now);
            InvitationView {
                id: i.id,
                created: page.time(i.dates.created_at),
                expires: page.time(i.dates.expires_at),
                roles: roles_label(page, &i.roles),
                state: page.t(&format!("customers-invitation-{}", status.as_str())),
                pending: status == InvitationStatus::Pending,
            }
        })
        .collect()
}

/// Where the contact stands with the portal, in words.
fn contact_portal(page: &Page, detail: &ContactDetail, now: Timestamp) -> String {
    if let Some(user) = &detail.user {
        let roles = roles_label(page, &detail.web_roles());
        let id = if user.disabled {
            "customers-portal-user-disabled"
        } else {
            "web-staff-status-account"
        };
        return page.t1(id, "roles", roles);
    }
    match detail.invitations.first().map(|i| i.dates.status(now)) {
        Some(InvitationStatus::Pending) => page.t("customers-portal-invited"),
        _ => page.t("customers-portal-none"),
    }
}

/// The contact's page: `typed`, the form as submitted (else the saved contact's).
async fn contact_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    (id, typed): (ContactId, Option<ContactForm>),
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let detail = customers::contact(&state.app, staff, id).await?;
    let now = state.clock.now();
    let web_roles = detail.web_roles();
    let form = typed.unwrap_or_else(|| ContactForm::of(&detail.contact, &web_roles));
    let kind = detail.account.kind;
    let default = default_invitation_role(kind);
    let invite_roles = role_options(&page, web_roles_for(kind), |r| {
        if web_roles.is_empty() {
            r == default
        } else {
            web_roles.contains(&r)
        }
    });
    let view = ContactPage {
        roles: form.roles(&page, kind),
        portal: contact_portal(&page, &detail, now),
        invitations: invitation_views(&page, &detail, now),
        invitable: detail.user.is_none() && detail.contact.active && detail.account.active,
        invite_roles,
        audit_history: page.history("contact", id),
        account_kind: kind_label(&page, kind),
        errors,
        id,
        name: detail.contact.full_name(),
        active: detail.contact.active,
        version: detail.contact.version,
        account_id: detail.account.id,
        account_name: detail.account.name,
        account_active: detail.account.active,
        form,
        page,
    };
    render_with_status(status, &view)
}

// ---- What accounts and contacts share ------------------------------------------------------

/// What the account and contact pages share: a page with a form saved from the version it
/// showed, and the Deactivate / Reactivate buttons, which carry that version too. The route
/// table names one handler per record (`customers::show::<Accounts>`).
pub trait Record: Send + Sync + 'static {
    type Id: From<i64> + std::fmt::Display + Copy + Send + Sync + 'static;
    /// The form as submitted (and shown again when refused).
    type Form: serde::de::DeserializeOwned + Send + Sync + 'static;
    /// Where its pages are: a record's is `{PATH}/{id}`.
    const PATH: &'static str;
    /// The prefix of its confirmations (`account` → `account-saved`, `account-deactivated`…).
    const NOTICE: &'static str;

    /// The version the form showed, as submitted.
    fn seen_version(form: &Self::Form) -> &str;

    /// The record's page: `typed`, the form as submitted (else the saved record's).
    fn page(
        state: &AppState,
        page: Page,
        staff: Staff,
        id: Self::Id,
        typed: Option<Self::Form>,
        refused: (FieldErrors, StatusCode),
    ) -> impl Future<Output = WebResult<Response>> + Send;

    /// Saves the form, from `version`.
    fn save(
        state: &AppState,
        staff: Staff,
        id: Self::Id,
        version: i64,
        form: &Self::Form,
    ) -> impl Future<Output = Result<(), CustomerError>> + Send;

    /// Deactivates (`active` false) or reactivates the record, from `version`.
    fn set_active(
        state: &AppState,
        staff: Staff,
        id: Self::Id,
        version: i64,
        active: bool,
    ) -> impl Future<Output = Result<(), CustomerError>> + Send;
}

/// Accounts: `/staff/accounts/{id}`.
pub struct Accounts;
/// Contacts: `/staff/contacts/{id}`.
pub struct Contacts;

/// `GET /staff/accounts/{id}` (the account's form, its territory, its contacts),
/// `GET /staff/contacts/{id}` (the contact's form, its portal user, its invitations).
pub async fn show<R: Record>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<R::Id>,
) -> WebResult<Response> {
    R::page(&state, page, staff, id, None, fresh()).await
}

/// A refusal of a change to a record: its page again, with what was typed (`typed`) or, when
/// someone saved meanwhile, with their version.
async fn refused<R: Record>(
    state: &AppState,
    page: Page,
    staff: Staff,
    (id, typed): (R::Id, Option<R::Form>),
    e: CustomerError,
) -> WebResult<Response> {
    if crate::error::form_refusal_status(&e).is_none() {
        return Err(e.into());
    }
    let refused = refusal(&page, &e);
    let typed = typed.filter(|_| !matches!(e, CustomerError::Changed));
    R::page(state, page, staff, id, typed, refused).await
}

/// `POST /staff/accounts/{id}` (its territory follows the address), `POST
/// /staff/contacts/{id}`: saves the record from the version the form showed.
pub async fn save<R: Record>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<R::Id>,
    Form(form): Form<R::Form>,
) -> WebResult<Response> {
    let saved = async {
        let version = seen_version(R::seen_version(&form))?;
        R::save(&state, staff, id, version, &form).await
    };
    match saved.await {
        Ok(()) => Ok(see_other(&format!(
            "{}/{id}?notice={}-saved",
            R::PATH,
            R::NOTICE
        ))),
        Err(e) => refused::<R>(&state, page, staff, (id, Some(form)), e).await,
    }
}

/// The deactivate and reactivate buttons: the version the page showed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    seen_version: String,
}

async fn set_active<R: Record>(
    state: AppState,
    page: Page,
    staff: Staff,
    (id, form): (R::Id, VersionForm),
    active: bool,
) -> WebResult<Response> {
    let saved = async {
        let version = seen_version(&form.seen_version)?;
        R::set_active(&state, staff, id, version, active).await
    };
    match saved.await {
        Ok(()) => {
            let done = if active { "activated" } else { "deactivated" };
            Ok(see_other(&format!(
                "{}/{id}?notice={}-{done}",
                R::PATH,
                R::NOTICE
            )))
        }
        Err(e) => refused::<R>(&state, page, staff, (id, None), e).await,
    }
}

/// `POST /staff/accounts/{id}/deactivate` (nothing is booked for it any more, its contacts are
/// not invited and their codes do not redeem), `POST /staff/contacts/{id}/deactivate` (no more
/// invitations, pending ones revoked, its portal user disabled and signed out everywhere).
/// Their history stays.
pub async fn deactivate<R: Record>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<R::Id>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active::<R>(state, page, staff, (id, form), false).await
}

/// `POST /staff/accounts/{id}/activate`, `POST /staff/contacts/{id}/activate`: active again (a
/// contact's portal user enabled).
pub async fn activate<R: Record>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<R::Id>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active::<R>(state, page, staff, (id, form), true).await
}

impl Record for Accounts {
    type Id = AccountId;
    type Form = AccountForm;
    const PATH: &'static str = ACCOUNTS;
    const NOTICE: &'static str = "account";

    fn seen_version(form: &AccountForm) -> &str {
        &form.seen_version
    }

    async fn page(
        state: &AppState,
        page: Page,
        staff: Staff,
        id: AccountId,
        typed: Option<AccountForm>,
        refused: (FieldErrors, StatusCode),
    ) -> WebResult<Response> {
        account_page(state, page, staff, (id, typed), refused).await
    }

    async fn save(
        state: &AppState,
        staff: Staff,
        id: AccountId,
        version: i64,
        form: &AccountForm,
    ) -> Result<(), CustomerError> {
        customers::update_account(&state.app, staff, id, version, &form.input()?).await
    }

    async fn set_active(
        state: &AppState,
        staff: Staff,
        id: AccountId,
        version: i64,
        active: bool,
    ) -> Result<(), CustomerError> {
        customers::set_account_active(&state.app, staff, id, version, active).await
    }
}

impl Record for Contacts {
    type Id = ContactId;
    type Form = ContactForm;
    const PATH: &'static str = "/staff/contacts";
    const NOTICE: &'static str = "contact";

    fn seen_version(form: &ContactForm) -> &str {
        &form.seen_version
    }

    async fn page(
        state: &AppState,
        page: Page,
        staff: Staff,
        id: ContactId,
        typed: Option<ContactForm>,
        refused: (FieldErrors, StatusCode),
    ) -> WebResult<Response> {
        contact_page(state, page, staff, (id, typed), refused).await
    }

    async fn save(
        state: &AppState,
        staff: Staff,
        id: ContactId,
        version: i64,
        form: &ContactForm,
    ) -> Result<(), CustomerError> {
        let now = state.clock.now();
        customers::update_contact(&state.app, staff, id, version, &form.input()?, now).await
    }

    async fn set_active(
        state: &AppState,
        staff: Staff,
        id: ContactId,
        version: i64,
        active: bool,
    ) -> Result<(), CustomerError> {
        let now = state.clock.now();
        customers::set_contact_active(&state.app, staff, id, version, active, now).await
    }
}

/// `POST /staff/invitations/{id}/revoke`: the pending invitation's code no longer redeems.
/// One that is not pending any more (redeemed, expired, revoked) is refused, 409.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let contact = customers::revoke_invitation(&state.app, staff, id, state.clock.now()).await?;
    Ok(match contact {
        Some(contact) => see_other(&format!(
            "/staff/contacts/{contact}?notice=invitation-revoked"
        )),
        None => see_other(&format!("{ACCOUNTS}?notice=invitation-revoked")),
    })
}
