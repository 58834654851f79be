//! Customers in the back office (SPEC §10; dispatchers and administrators, so every use case
//! takes [`Staff`]): accounts — customers and partners — and their contacts, listed, created,
//! edited, deactivated and reactivated, never deleted (visits, records, invitations and the
//! audit log refer to them); and a contact's invitations, one of which staff may revoke.
//!
//! - An account's territory follows its address: every save computes it
//!   ([`onsite_domain::territory::territory_of`], the first territory by id that covers the
//!   postal code or the point) in the transaction of the save, under the coverage lock
//!   (`territories::lock_coverage`) that territory saves take too. (When a territory itself
//!   changes, the territory pages recompute the accounts it covers.)
//! - An inactive account is not booked for (`booking.rs`) and its contacts' invitations neither
//!   go out nor redeem (`identity.rs`); its portal users keep signing in to see its history.
//! - A deactivated contact cannot be invited, its pending invitations are revoked and its
//!   portal user is disabled and signed out everywhere (`team::set_disabled_in`, audited as
//!   `user.disable`); reactivating it enables that user again.
//! - Addresses: one active contact per address, and an address that is another user's sign-in
//!   (a staff user, another contact's portal user) is refused, naming the email field. A
//!   contact's portal user signs in with the contact's address: changing it changes theirs,
//!   and revokes the contact's pending invitations (they went to the old address).
//! - Web roles: those the account's kind offers (`identity::web_roles_for`). A contact with a
//!   portal user has that user's web roles (saving the contact saves them, staff roles kept);
//!   one without keeps those its next invitation offers.
//!
//! Every save carries the version its form showed and is refused ([`CustomerError::Changed`])
//! when someone else saved in between. Every change is audit-logged with what it changed
//! (before → after) in its own transaction; refused input changes nothing and names its field.

use crate::context::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::identity::{STAFF_ROLES, check_web_roles, replacing};
use crate::policy::{Grant, Staff};
use crate::team;
use jiff::Timestamp;
use onsite_domain::account::{Account, AccountKind, Address, Contact};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::territory::territory_of;
use onsite_domain::text::{EmailAddress, PhoneNumber, free_text, single_line};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, ContactId, InvalidInput, TerritoryId};
use onsite_i18n::{Arg, Locale, SUPPORTED};
use onsite_store::accounts::{self, AccountValues, ContactValues, UserRecord};
use onsite_store::audit::changes;
use onsite_store::directory::{self, AccountContacts, AccountFilter, ContactStatus};
use onsite_store::invitations::{self, InvitationRow};
use onsite_store::records::{Page, Start};
use onsite_store::{Conn, StoreError, audit, territories};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Accounts per page of the list.
pub const PAGE_SIZE: u32 = 20;
/// Longest account name, address line, city.
const NAME_MAX: usize = 200;
/// Longest postal code.
const POSTAL_CODE_MAX: usize = 20;
/// Longest notes.
const NOTES_MAX: usize = 4000;
/// Longest first or last name of a contact.
const PERSON_NAME_MAX: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Another active contact has this address.
    #[error("another contact has this address")]
    EmailTaken { contact: String, account: String },
    /// A user who is not this contact's signs in with this address.
    #[error("another user signs in with this address")]
    EmailOfUser,
    /// The record changed since the form was shown (another member of staff saved it).
    #[error("changed meanwhile")]
    Changed,
    /// The invitation is no longer pending (redeemed, expired or revoked already).
    #[error("the invitation is not pending")]
    NotPending,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for CustomerError {
    fn kind(&self) -> Kind {
        match self {
            CustomerError::Invalid(_) => Kind::Invalid,
            CustomerError::EmailTaken { .. }
            | CustomerError::EmailOfUser
            | CustomerError::Changed
            | CustomerError::NotPending => Kind::Conflict,
            CustomerError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CustomerError::EmailTaken { .. } | CustomerError::EmailOfUser => "taken",
            CustomerError::Changed => "changed",
            CustomerError::NotPending => "not_pending",
            CustomerError::Store(e) => e.code(),
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            CustomerError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            CustomerError::EmailTaken { .. } | CustomerError::EmailOfUser => {
                Some(Cow::Borrowed("email"))
            }
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            CustomerError::Invalid(i) => invalid_message(locale, i.reason),
            CustomerError::EmailTaken { contact, account } => locale.text_with(
                "customers-error-email-taken",
                &[
                    ("contact", Arg::Str(contact)),
                    ("account", Arg::Str(account)),
                ],
            ),
            CustomerError::EmailOfUser => locale.text("customers-error-email-of-user"),
            CustomerError::Changed => locale.text("customers-error-changed"),
            CustomerError::NotPending => locale.text("customers-error-not-pending"),
            CustomerError::Store(e) => e.message(locale),
        }
    }
}

type Result<T, E = CustomerError> = std::result::Result<T, E>;

// ---- The list -------------------------------------------------------------------------------

/// The accounts list's filter as typed (a query string): each part may be empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListInput<'a> {
    /// Part of an account's name, or of a contact's name or address.
    pub search: &'a str,
    /// `customer`, `partner`, or empty for both.
    pub kind: &'a str,
    /// `active` (also when empty), `inactive` or `all`.
    pub status: &'a str,
    /// A page's Next / Previous token; empty: the first page.
    pub cursor: &'a str,
}

/// Reads the list's filter; a value that cannot be read is refused naming its field (`kind`,
/// `status`, `cursor`).
pub fn parse_list(input: ListInput<'_>) -> Result<(AccountFilter, Start), InvalidInput> {
    let kind = match input.kind.trim() {
        "" => None,
        kind => Some(AccountKind::parse(kind)?),
    };
    let active = match input.status.trim() {
        "" | "active" => Some(true),
        "inactive" => Some(false),
        "all" => None,
        _ => return Err(InvalidInput::new("status", "unknown")),
    };
    let filter = AccountFilter {
        search: input.search.trim().to_owned(),
        kind,
        active,
    };
    Ok((filter, directory::accounts_page_start(input.cursor)?))
}

/// One page of the accounts matching `filter`, by name, each with its contacts and where they
/// stand with the portal.
pub async fn accounts(
    app: &App,
    _staff: Staff,
    filter: &AccountFilter,
    start: Start,
) -> Result<Page<AccountContacts>, StoreError> {
    let mut conn = app.store.conn().await?;
    directory::accounts_page(&mut conn, filter, start, PAGE_SIZE).await
}

// ---- Accounts -------------------------------------------------------------------------------

/// An account with the name of its territory and its contacts.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: Account,
    pub territory: Option<String>,
    pub contacts: Vec<ContactStatus>,
}

/// One account, for its page.
pub async fn account(app: &App, _staff: Staff, id: AccountId) -> Result<AccountDetail, StoreError> {
    let mut conn = app.store.conn().await?;
    let account = accounts::account(&mut conn, id).await?;
    let territory = territory_name(&mut conn, account.territory_id).await?;
    let contacts = directory::account_contacts(&mut conn, id).await?;
    Ok(AccountDetail {
        account,
        territory,
        contacts,
    })
}

async fn territory_name(
    conn: &mut Conn,
    id: Option<TerritoryId>,
) -> Result<Option<String>, StoreError> {
    match id {
        Some(id) => Ok(Some(territories::territory(conn, id).await?.name)),
        None => Ok(None),
    }
}

/// An account's form as typed (its point read from the map picker already).
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    /// Two letters (`CA`).
    pub country: String,
    pub location: GeoPoint,
    /// An IANA name (`America/Toronto`).
    pub time_zone: String,
    pub notes: String,
}

/// The form checked: what the store saves (but the territory, which follows the address).
pub(crate) struct AccountFields {
    name: String,
    address: Address,
    notes: String,
}

impl AccountFields {
    pub(crate) fn parse(input: &AccountInput) -> Result<AccountFields, InvalidInput> {
        Ok(AccountFields {
            name: single_line("name", &input.name, NAME_MAX)?,
            address: Address {
                line: single_line("address_line", &input.address_line, NAME_MAX)?,
                city: single_line("city", &input.city, NAME_MAX)?,
                postal_code: parse_postal_code(&input.postal_code)?,
                country: parse_country(&input.country)?,
                location: input.location,
                time_zone: TimeZoneName::parse(&input.time_zone)?,
            },
            notes: free_text("notes", &input.notes, NOTES_MAX)?.unwrap_or_default(),
        })
    }

    fn of(account: &Account) -> AccountFields {
        AccountFields {
            name: account.name.clone(),
            address: account.address.clone(),
            notes: account.notes.clone(),
        }
    }

    /// What the audit log shows of it, with the name of its territory.
    fn audited(&self, territory: Option<&str>) -> Value {
        let a = &self.address;
        json!({
            "name": self.name,
            "address_line": a.line,
            "city": a.city,
            "postal_code": a.postal_code,
            "country": a.country,
            "latitude": a.location.lat(),
            "longitude": a.location.lon(),
            "time_zone": a.time_zone.as_str(),
            "territory": territory,
            "notes": self.notes,
        })
    }

    fn values(&self, territory_id: Option<TerritoryId>) -> AccountValues<'_> {
        AccountValues {
            name: &self.name,
            address: &self.address,
            territory_id,
            notes: &self.notes,
        }
    }
}

/// A postal code as typed: optional, up to 20 letters, digits, spaces and dashes, kept in
/// upper case (`h2y 1s6` → `H2Y 1S6`).
fn parse_postal_code(raw: &str) -> Result<String, InvalidInput> {
    let code = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if code.chars().count() > POSTAL_CODE_MAX {
        return Err(InvalidInput::new("postal_code", "too-long"));
    }
    if !code
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(InvalidInput::new("postal_code", "postal-code"));
    }
    Ok(code.to_uppercase())
}

/// A country as its ISO 3166 two-letter code, in upper case.
fn parse_country(raw: &str) -> Result<String, InvalidInput> {
    let code = raw.trim();
    if code.is_empty() {
        return Err(InvalidInput::new("country", "required"));
    }
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(InvalidInput::new("country", "country"));
    }
    Ok(code.to_ascii_uppercase())
}

/// The territory `address` belongs to, and its name: the first territory by id covering it.
/// The caller holds the coverage lock (`territories::lock_coverage`, first thing in its
/// transaction), so that a territory saved meanwhile cannot leave the account in a territory
/// that no longer covers it: the territory's save waits for this one, then recomputes it.
async fn territory_for(
    conn: &mut Conn,
    address: &Address,
) -> Result<(Option<TerritoryId>, Option<String>), StoreError> {
    let mut all = territories::list_territories(conn).await?;
    all.sort_by_key(|t| t.id.0);
    let id = territory_of(&all, &address.postal_code, address.location);
    let name = all
        .iter()
        .find(|t| Some(t.id) == id)
        .map(|t| t.name.clone());
    Ok((id, name))
}

/// Adds an account of `kind` (active). Audited with everything it is.
pub async fn create_account(
    app: &App,
    staff: Staff,
    kind: AccountKind,
    input: &AccountInput,
) -> Result<AccountId> {
    let fields = AccountFields::parse(input)?;
    let mut tx = app.store.begin().await?;
    let id = create_account_in(&mut tx, staff, kind, &fields).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// [`create_account`] in the caller's transaction (the CSV import's), from a checked form.
pub(crate) async fn create_account_in(
    tx: &mut Conn,
    staff: Staff,
    kind: AccountKind,
    fields: &AccountFields,
) -> Result<AccountId> {
    territories::lock_coverage(tx).await?;
    let (territory_id, territory) = territory_for(tx, &fields.address).await?;
    let id = accounts::create_account(tx, kind, true, &fields.values(territory_id)).await?;
    let mut detail = fields.audited(territory.as_deref());
    detail["kind"] = kind.as_str().into();
    record(tx, staff, "account.create", "account", id.0, &detail).await?;
    Ok(id)
}

/// Saves an account edited from `seen_version` (the version its form showed), its territory
/// computed again from the address; refused with [`CustomerError::Changed`] when someone saved
/// it in between, and nothing changes. Audited with each changed field's before → after.
pub async fn update_account(
    app: &App,
    staff: Staff,
    id: AccountId,
    seen_version: i64,
    input: &AccountInput,
) -> Result<()> {
    let fields = AccountFields::parse(input)?;
    let mut tx = app.store.begin().await?;
    if update_account_in(&mut tx, staff, id, seen_version, &fields).await? {
        tx.commit().await.map_err(StoreError::from)?;
    }
    Ok(())
}

/// [`update_account`] in the caller's transaction, from a checked form: whether anything
/// changed.
pub(crate) async fn update_account_in(
    tx: &mut Conn,
    staff: Staff,
    id: AccountId,
    seen_version: i64,
    fields: &AccountFields,
) -> Result<bool> {
    territories::lock_coverage(tx).await?;
    let before = accounts::account(tx, id).await?;
    if before.version != seen_version {
        return Err(CustomerError::Changed);
    }
    let was_territory = territory_name(tx, before.territory_id).await?;
    let (territory_id, territory) = territory_for(tx, &fields.address).await?;
    let changed = changes(
        &AccountFields::of(&before).audited(was_territory.as_deref()),
        &fields.audited(territory.as_deref()),
    );
    if changed.is_empty() {
        return Ok(false);
    }
    if !accounts::update_account(tx, id, seen_version, &fields.values(territory_id)).await? {
        return Err(CustomerError::Changed);
    }
    record(
        tx,
        staff,
        "account.update",
        "account",
        id.0,
        &Value::Object(changed),
    )
    .await?;
    Ok(true)
}

/// Deactivates an account (`active` false: nothing is booked for it, its contacts are not
/// invited and their codes do not redeem) or reactivates it, from the version the page showed.
/// Audited as `account.deactivate` / `account.activate`; nothing is recorded when nothing
/// changes.
pub async fn set_account_active(
    app: &App,
    staff: Staff,
    id: AccountId,
    seen_version: i64,
    active: bool,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    if set_account_active_in(&mut tx, staff, id, seen_version, active).await? {
        tx.commit().await.map_err(StoreError::from)?;
    }
    Ok(())
}

/// [`set_account_active`] in the caller's transaction: whether anything changed.
pub(crate) async fn set_account_active_in(
    tx: &mut Conn,
    staff: Staff,
    id: AccountId,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    let before = accounts::account(tx, id).await?;
    if before.version != seen_version {
        return Err(CustomerError::Changed);
    }
    if before.active == active {
        return Ok(false);
    }
    if !accounts::set_account_active(tx, id, seen_version, active).await? {
        return Err(CustomerError::Changed);
    }
    let action = if active {
        "account.activate"
    } else {
        "account.deactivate"
    };
    let detail = json!({ "active": { "from": before.active, "to": active } });
    record(tx, staff, action, "account", id.0, &detail).await?;
    Ok(true)
}

// ---- Contacts -------------------------------------------------------------------------------

/// A contact with its account, its portal user and its invitations (newest first).
#[derive(Debug, Clone)]
pub struct ContactDetail {
    pub contact: Contact,
    pub account: Account,
    /// The portal user made from this contact's invitation, if any.
    pub user: Option<UserRecord>,
    pub invitations: Vec<InvitationRow>,
}

impl ContactDetail {
    /// The contact's web roles: its portal user's, else those its next invitation offers.
    pub fn web_roles(&self) -> Vec<Role> {
        match &self.user {
            Some(user) => web_roles_of(&user.roles),
            None => self.contact.web_roles.clone(),
        }
    }
}

/// The web roles among `roles` (staff roles left out).
pub(crate) fn web_roles_of(roles: &[Role]) -> Vec<Role> {
    roles
        .iter()
        .copied()
        .filter(|r| !STAFF_ROLES.contains(r))
        .collect()
}

/// One contact, for its page.
pub async fn contact(app: &App, _staff: Staff, id: ContactId) -> Result<ContactDetail, StoreError> {
    let mut conn = app.store.conn().await?;
    detail(&mut conn, id).await
}

async fn detail(conn: &mut Conn, id: ContactId) -> Result<ContactDetail, StoreError> {
    let contact = accounts::contact(conn, id).await?;
    let account = accounts::account(conn, contact.account_id).await?;
    let user = portal_user(conn, id).await?;
    let invitations = invitations::for_contact(conn, id).await?;
    Ok(ContactDetail {
        contact,
        account,
        user,
        invitations,
    })
}

async fn portal_user(conn: &mut Conn, id: ContactId) -> Result<Option<UserRecord>, StoreError> {
    match accounts::user_of_contact(conn, id).await? {
        Some(user) => accounts::user_by_id(conn, user).await,
        None => Ok(None),
    }
}

/// A contact's form as typed.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// A language tag of [`SUPPORTED`], or empty for the portal's default.
    pub language: String,
    pub web_roles: Vec<Role>,
}

/// The form checked: what the store saves.
struct ContactFields {
    first_name: String,
    last_name: String,
    email: EmailAddress,
    phone: Option<PhoneNumber>,
    language: Option<String>,
    web_roles: Vec<Role>,
}

impl ContactFields {
    /// Checks the form for a contact of an account of `kind`.
    fn parse(input: &ContactInput, kind: AccountKind) -> Result<ContactFields, InvalidInput> {
        let first_name = match input.first_name.trim() {
            "" => String::new(),
            name => single_line("first_name", name, PERSON_NAME_MAX)?,
        };
        let last_name = single_line("last_name", &input.last_name, PERSON_NAME_MAX)?;
        let email = EmailAddress::parse(&input.email)?;
        let phone = match input.phone.trim() {
            "" => None,
            phone => Some(PhoneNumber::parse(phone)?),
        };
        let language = match input.language.trim() {
            "" => None,
            tag => Some(
                SUPPORTED
                    .iter()
                    .find(|l| l.tag() == tag)
                    .ok_or(InvalidInput::new("language", "unknown"))?
                    .tag()
                    .to_owned(),
            ),
        };
        let mut web_roles = input.web_roles.clone();
        web_roles.sort();
        web_roles.dedup();
        check_web_roles(kind, &web_roles).map_err(|_| InvalidInput::new("web_roles", "unknown"))?;
        Ok(ContactFields {
            first_name,
            last_name,
            email,
            phone,
            language,
            web_roles,
        })
    }

    fn of(contact: &Contact, web_roles: Vec<Role>) -> ContactFields {
        ContactFields {
            first_name: contact.first_name.clone(),
            last_name: contact.last_name.clone(),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            language: contact.language.clone(),
            web_roles,
        }
    }

    fn audited(&self) -> Value {
        json!({
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email.as_str(),
            "phone": self.phone.as_ref().map(PhoneNumber::as_str),
            "language": self.language,
            "web_roles": self.web_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        })
    }

    fn values(&self) -> ContactValues<'_> {
        ContactValues {
            first_name: &self.first_name,
            last_name: &self.last_name,
            email: &self.email,
            phone: self.phone.as_ref(),
            language: self.language.as_deref(),
            web_roles: &self.web_roles,
        }
    }
}

/// Refuses an address that another active contact has, or that a user other than `own_user`
/// signs in with; holds the address until the end of the transaction, so that two saves of
/// the same address cannot both pass the check.
async fn check_email(
    tx: &mut Conn,
    email: &EmailAddress,
    contact: Option<ContactId>,
    own_user: Option<&UserRecord>,
) -> Result<()> {
    accounts::lock_email(tx, email).await?;
    if let Some((_, name, account)) =
        accounts::active_contact_with_email(tx, email, contact).await?
    {
        return Err(CustomerError::EmailTaken {
            contact: name,
            account,
        });
    }
    if let Some(user) = accounts::user_by_email(tx, email).await?
        && own_user.is_none_or(|own| own.id != user.id)
    {
        return Err(CustomerError::EmailOfUser);
    }
    Ok(())
}

/// Adds an active contact to an account (an inactive one too: it is invited once the account
/// is active again). Audited with everything it is.
pub async fn create_contact(
    app: &App,
    staff: Staff,
    account_id: AccountId,
    input: &ContactInput,
) -> Result<ContactId> {
    let mut tx = app.store.begin().await?;
    let id = create_contact_in(&mut tx, staff, account_id, input).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// [`create_contact`] in the caller's transaction.
pub(crate) async fn create_contact_in(
    tx: &mut Conn,
    staff: Staff,
    account_id: AccountId,
    input: &ContactInput,
) -> Result<ContactId> {
    let account = accounts::account(tx, account_id).await?;
    let fields = ContactFields::parse(input, account.kind)?;
    check_email(tx, &fields.email, None, None).await?;
    let id = accounts::create_contact(tx, account_id, &fields.values()).await?;
    let mut detail = fields.audited();
    detail["account"] = account_id.0.into();
    record(tx, staff, "contact.create", "contact", id.0, &detail).await?;
    Ok(id)
}

/// Saves a contact edited from `seen_version`; refused with [`CustomerError::Changed`] when
/// someone saved it in between, and nothing changes. Its portal user's web roles and sign-in
/// address follow; a new address revokes the contact's pending invitations (each audited as
/// `invitation.revoke`). Audited as `contact.update` with each changed field's before → after.
pub async fn update_contact(
    app: &App,
    staff: Staff,
    id: ContactId,
    seen_version: i64,
    input: &ContactInput,
    now: Timestamp,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    if update_contact_in(&mut tx, staff, id, seen_version, input, now).await? {
        tx.commit().await.map_err(StoreError::from)?;
    }
    Ok(())
}

/// [`update_contact`] in the caller's transaction: whether anything changed.
pub(crate) async fn update_contact_in(
    tx: &mut Conn,
    staff: Staff,
    id: ContactId,
    seen_version: i64,
    input: &ContactInput,
    now: Timestamp,
) -> Result<bool> {
    let before = detail(tx, id).await?;
    if before.contact.version != seen_version {
        return Err(CustomerError::Changed);
    }
    let fields = ContactFields::parse(input, before.account.kind)?;
    let new_email = fields.email != before.contact.email;
    if new_email {
        check_email(tx, &fields.email, Some(id), before.user.as_ref()).await?;
    }
    let changed = changes(
        &ContactFields::of(&before.contact, before.web_roles()).audited(),
        &fields.audited(),
    );
    if changed.is_empty() {
        return Ok(false);
    }
    if !accounts::update_contact(tx, id, seen_version, &fields.values()).await? {
        return Err(CustomerError::Changed);
    }
    if let Some(user) = &before.user {
        if new_email {
            accounts::set_user_email(tx, user.id, &fields.email)
                .await
                .map_err(|e| match e {
                    e if e.is_conflict() => CustomerError::EmailOfUser,
                    e => e.into(),
                })?;
        }
        let roles = replacing(&user.roles, |r| !STAFF_ROLES.contains(r), &fields.web_roles);
        if roles != user.roles {
            accounts::set_roles(tx, user.id, &roles).await?;
        }
    }
    record(
        tx,
        staff,
        "contact.update",
        "contact",
        id.0,
        &Value::Object(changed),
    )
    .await?;
    if new_email {
        revoke_pending(tx, staff, id, "email-changed", now).await?;
    }
    Ok(true)
}

/// Deactivates a contact — its pending invitations revoked, its portal user disabled and
/// signed out everywhere — or reactivates it (its portal user enabled again; its address must
/// not be another active contact's meanwhile), from the version the page showed. Audited as
/// `contact.deactivate` / `contact.activate`, with the user's and invitations' own lines.
pub async fn set_contact_active(
    app: &App,
    staff: Staff,
    id: ContactId,
    seen_version: i64,
    active: bool,
    now: Timestamp,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = detail(&mut tx, id).await?;
    if before.contact.version != seen_version {
        return Err(CustomerError::Changed);
    }
    if before.contact.active == active {
        return Ok(());
    }
    if active {
        check_email(
            &mut tx,
            &before.contact.email,
            Some(id),
            before.user.as_ref(),
        )
        .await?;
    }
    if !accounts::set_contact_active(&mut tx, id, seen_version, active).await? {
        return Err(CustomerError::Changed);
    }
    let action = if active {
        "contact.activate"
    } else {
        "contact.deactivate"
    };
    let detail = json!({ "active": { "from": before.contact.active, "to": active } });
    record(&mut tx, staff, action, "contact", id.0, &detail).await?;
    if let Some(user) = &before.user
        && user.disabled == active
    {
        team::set_disabled_in(&mut tx, staff.user(), user.id, !active).await?;
    }
    if !active {
        revoke_pending(&mut tx, staff, id, "contact-deactivated", now).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Revokes the contact's pending invitations, each with its audit line saying `why`.
async fn revoke_pending(
    tx: &mut Conn,
    staff: Staff,
    contact: ContactId,
    why: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    for invitation in invitations::revoke_all_of(tx, contact, now).await? {
        let detail = json!({ "contact": contact.0, "reason": why });
        record(
            tx,
            staff,
            "invitation.revoke",
            "invitation",
            invitation,
            &detail,
        )
        .await?;
    }
    Ok(())
}

/// Revokes one pending invitation: its code no longer redeems. Refused with
/// [`CustomerError::NotPending`] when it was redeemed, revoked or expired already. Answers the
/// contact it was made for (`None` for an invitation whose contact is gone).
pub async fn revoke_invitation(
    app: &App,
    staff: Staff,
    id: i64,
    now: Timestamp,
) -> Result<Option<ContactId>> {
    let mut tx = app.store.begin().await?;
    let invitation = invitations::invitation(&mut tx, id).await?;
    if !invitations::revoke(&mut tx, id, now).await? {
        return Err(CustomerError::NotPending);
    }
    let detail = json!({ "contact": invitation.contact_id.map(|c| c.0), "reason": "staff" });
    record(
        &mut tx,
        staff,
        "invitation.revoke",
        "invitation",
        id,
        &detail,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(invitation.contact_id)
}

// ---- Shared ---------------------------------------------------------------------------------

async fn record(
    tx: &mut Conn,
    staff: Staff,
    action: &str,
    entity: &str,
    id: i64,
    detail: &Value,
) -> Result<(), StoreError> {
    audit::record(tx, Some(staff.user()), action, entity, Some(id), detail).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_and_countries_are_read_as_typed_and_named_when_wrong() {
        assert_eq!(parse_postal_code("  h2y   1s6 ").unwrap(), "H2Y 1S6");
        assert_eq!(parse_postal_code("").unwrap(), "");
        assert_eq!(parse_postal_code("75001").unwrap(), "75001");
        assert_eq!(
            parse_postal_code("H2Y;1S6").unwrap_err().reason,
            "postal-code"
        );
        assert_eq!(
            parse_postal_code(&"1".repeat(21)).unwrap_err().reason,
            "too-long"
        );
        assert_eq!(parse_country(" ca ").unwrap(), "CA");
        assert_eq!(parse_country("").unwrap_err().reason, "required");
        assert_eq!(parse_country("Canada").unwrap_err().field, "country");
        assert_eq!(parse_country("C1").unwrap_err().reason, "country");
    }

    #[test]
    fn the_list_filter_defaults_to_active_accounts_and_names_what_it_cannot_read() {
        let (filter, start) = parse_list(ListInput::default()).unwrap();
        assert_eq!(
            (filter.kind, filter.active, start),
            (None, Some(true), Start::First)
        );
        let all = ListInput {
            search: " Émilie ",
            kind: "partner",
            status: "all",
            cursor: "",
        };
        let (filter, _) = parse_list(all).unwrap();
        assert_eq!(
            (filter.search.as_str(), filter.kind, filter.active),
            ("Émilie", Some(AccountKind::Partner), None)
        );
        let field = |input: ListInput| parse_list(input).unwrap_err().field;
        assert_eq!(
            field(ListInput {
                kind: "vendor",
                ..ListInput::default()
            }),
            "kind"
        );
        assert_eq!(
            field(ListInput {
                status: "gone",
                ..ListInput::default()
            }),
            "status"
        );
        assert_eq!(
            field(ListInput {
                cursor: "nope",
                ..ListInput::default()
            }),
            "cursor"
        );
    }
}
