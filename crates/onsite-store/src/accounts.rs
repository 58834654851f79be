//! Accounts, contacts and the users who sign in.

use crate::sql::{AnyQuery, Links, Run, advisory_xact_lock, is_postgres};
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::account::{Account, AccountKind, Address, Contact};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::text::{EmailAddress, PhoneNumber};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, ContactId, TechnicianId, TerritoryId, UserId};
use sqlx::any::AnyRow;

/// An account as the demo loader and the tests insert it (no notes).
pub struct NewAccount<'a> {
    pub kind: AccountKind,
    pub name: &'a str,
    pub active: bool,
    pub address: &'a Address,
    pub territory_id: Option<TerritoryId>,
}

pub async fn insert_account(conn: &mut Conn, a: &NewAccount<'_>) -> Result<AccountId> {
    let values = AccountValues {
        name: a.name,
        address: a.address,
        territory_id: a.territory_id,
        notes: "",
    };
    create_account(conn, a.kind, a.active, &values).await
}

/// What staff save of an account: its form's fields, and the territory its address belongs to.
pub struct AccountValues<'a> {
    pub name: &'a str,
    pub address: &'a Address,
    pub territory_id: Option<TerritoryId>,
    pub notes: &'a str,
}

/// Binds an address's columns, in their order in `accounts`: `address_line`, `city`,
/// `postal_code`, `country`, `latitude`, `longitude`, `time_zone`.
fn bind_address<'q>(query: AnyQuery<'q>, a: &'q Address) -> AnyQuery<'q> {
    query
        .bind(&a.line)
        .bind(&a.city)
        .bind(&a.postal_code)
        .bind(&a.country)
        .bind(a.location.lat())
        .bind(a.location.lon())
        .bind(a.time_zone.as_str())
}

/// Adds an account (version 1).
pub async fn create_account(
    conn: &mut Conn,
    kind: AccountKind,
    active: bool,
    a: &AccountValues<'_>,
) -> Result<AccountId> {
    let query = sqlx::query(
        "INSERT INTO accounts (kind, name, active, address_line, city, postal_code, country, \
         latitude, longitude, time_zone, territory_id, created_at, search_key, notes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(a.name)
    .bind(active);
    bind_address(query, a.address)
        .bind(a.territory_id.map(|t| t.0))
        .bind(to_ms(Timestamp::now()))
        .bind(crate::directory::account_search_key(a.name))
        .bind(a.notes)
        .one(conn, |r| Ok(AccountId(r.i64("id")?)))
        .await
}

/// Saves an account edited from `seen_version`: false (and nothing written) when someone saved
/// it in between; [`crate::StoreError::NotFound`] when there is no such account.
pub async fn update_account(
    conn: &mut Conn,
    id: AccountId,
    seen_version: i64,
    a: &AccountValues<'_>,
) -> Result<bool> {
    let query = sqlx::query(
        "UPDATE accounts SET name = $1, address_line = $2, city = $3, postal_code = $4, \
         country = $5, latitude = $6, longitude = $7, time_zone = $8, territory_id = $9, \
         notes = $10, search_key = $11, version = version + 1 WHERE id = $12 AND version = $13",
    )
    .bind(a.name);
    let saved = bind_address(query, a.address)
        .bind(a.territory_id.map(|t| t.0))
        .bind(a.notes)
        .bind(crate::directory::account_search_key(a.name))
        .bind(id.0)
        .bind(seen_version)
        .changed(conn)
        .await?;
    saved_or_missing(conn, "accounts", id.0, saved).await
}

/// Deactivates or reactivates an account seen at `seen_version`: false (and nothing written)
/// when someone saved it in between.
pub async fn set_account_active(
    conn: &mut Conn,
    id: AccountId,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    set_active(conn, "accounts", id.0, seen_version, active).await
}

/// Sets `active` of the row `id` of `table` (accounts, contacts) seen at `seen_version`, and
/// its next version: false (and nothing written) when someone saved it in between;
/// [`crate::StoreError::NotFound`] when there is no such row.
async fn set_active(
    conn: &mut Conn,
    table: &str,
    id: i64,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    let saved = sqlx::query(&format!(
        "UPDATE {table} SET active = $1, version = version + 1 WHERE id = $2 AND version = $3"
    ))
    .bind(active)
    .bind(id)
    .bind(seen_version)
    .changed(conn)
    .await?;
    saved_or_missing(conn, table, id, saved).await
}

/// `saved`, when a guarded save of the row `id` of `table` wrote; else whether the row is there
/// at all: false when it is (someone saved it in between), [`crate::StoreError::NotFound`]
/// when it is not.
async fn saved_or_missing(conn: &mut Conn, table: &str, id: i64, saved: bool) -> Result<bool> {
    if !saved {
        sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1"))
            .bind(id)
            .one(conn, |_| Ok(()))
            .await?;
    }
    Ok(saved)
}

const ACCOUNT_COLUMNS: &str = "id, kind, name, active, address_line, city, postal_code, country, \
                               latitude, longitude, time_zone, territory_id, notes, version";

fn account_from_row(r: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: AccountId(r.i64("id")?),
        kind: AccountKind::parse(&r.text("kind")?)?,
        name: r.text("name")?,
        active: r.bool("active")?,
        address: Address {
            line: r.text("address_line")?,
            city: r.text("city")?,
            postal_code: r.text("postal_code")?,
            country: r.text("country")?,
            location: GeoPoint::new(r.f64("latitude")?, r.f64("longitude")?)?,
            time_zone: TimeZoneName::parse(&r.text("time_zone")?)?,
        },
        territory_id: r.opt_i64("territory_id")?.map(TerritoryId),
        notes: r.text("notes")?,
        version: r.i64("version")?,
    })
}

pub async fn account(conn: &mut Conn, id: AccountId) -> Result<Account> {
    sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id.0)
    .one(conn, account_from_row)
    .await
}

pub async fn count_accounts(conn: &mut Conn, kind: AccountKind) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE kind = $1")
            .bind(kind.as_str())
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// A contact as the demo loader and the tests insert it (active, default language, no web
/// roles chosen).
pub struct NewContact<'a> {
    pub account_id: AccountId,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a EmailAddress,
    pub phone: Option<&'a PhoneNumber>,
}

pub async fn insert_contact(conn: &mut Conn, c: &NewContact<'_>) -> Result<ContactId> {
    let values = ContactValues {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        language: None,
        web_roles: &[],
    };
    create_contact(conn, c.account_id, &values).await
}

/// What staff save of a contact: its form's fields.
pub struct ContactValues<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a EmailAddress,
    pub phone: Option<&'a PhoneNumber>,
    /// A language tag; `None`: the portal's default.
    pub language: Option<&'a str>,
    pub web_roles: &'a [Role],
}

/// Adds an active contact to `account` (version 1).
pub async fn create_contact(
    conn: &mut Conn,
    account: AccountId,
    c: &ContactValues<'_>,
) -> Result<ContactId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (account_id, first_name, last_name, email, phone, language, \
         web_roles, created_at, search_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(account.0)
    .bind(c.first_name)
    .bind(c.last_name)
    .bind(c.email.as_str())
    .bind(c.phone.map(PhoneNumber::as_str))
    .bind(c.language)
    .bind(roles_text(c.web_roles))
    .bind(to_ms(Timestamp::now()))
    .bind(crate::directory::contact_search_key(
        c.first_name,
        c.last_name,
        c.email.as_str(),
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(ContactId(id))
}

/// Saves a contact edited from `seen_version`: false (and nothing written) when someone saved
/// it in between; [`crate::StoreError::NotFound`] when there is no such contact.
pub async fn update_contact(
    conn: &mut Conn,
    id: ContactId,
    seen_version: i64,
    c: &ContactValues<'_>,
) -> Result<bool> {
    let saved = sqlx::query(
        "UPDATE contacts SET first_name = $1, last_name = $2, email = $3, phone = $4, \
         language = $5, web_roles = $6, search_key = $7, version = version + 1 \
         WHERE id = $8 AND version = $9",
    )
    .bind(c.first_name)
    .bind(c.last_name)
    .bind(c.email.as_str())
    .bind(c.phone.map(PhoneNumber::as_str))
    .bind(c.language)
    .bind(roles_text(c.web_roles))
    .bind(crate::directory::contact_search_key(
        c.first_name,
        c.last_name,
        c.email.as_str(),
    ))
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await?;
    saved_or_missing(conn, "contacts", id.0, saved).await
}

/// Deactivates or reactivates a contact seen at `seen_version`: false (and nothing written)
/// when someone saved it in between.
pub async fn set_contact_active(
    conn: &mut Conn,
    id: ContactId,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    set_active(conn, "contacts", id.0, seen_version, active).await
}

/// Roles as a text column holds them: comma-separated.
pub(crate) fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Roles read back from [`roles_text`].
pub(crate) fn roles_from_text(text: &str) -> Result<Vec<Role>> {
    Ok(text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()?)
}

/// Another active contact with `email` than `except`, if any: (its id, name, account's name).
/// Staff keep one active contact per address (see `onsite_app::customers`).
pub async fn active_contact_with_email(
    conn: &mut Conn,
    email: &EmailAddress,
    except: Option<ContactId>,
) -> Result<Option<(ContactId, String, String)>> {
    sqlx::query(
        "SELECT c.id, c.first_name, c.last_name, a.name AS account_name FROM contacts c \
         JOIN accounts a ON a.id = c.account_id \
         WHERE c.email = $1 AND c.active = TRUE AND c.id <> $2 ORDER BY c.id LIMIT 1",
    )
    .bind(email.as_str())
    .bind(except.map_or(0, |c| c.0))
    .optional(conn, |r| {
        let name = format!("{} {}", r.text("first_name")?, r.text("last_name")?);
        Ok((
            ContactId(r.i64("id")?),
            name.trim().to_owned(),
            r.text("account_name")?,
        ))
    })
    .await
}

/// Makes concurrent writers of contacts with the same address wait for one another until the
/// end of the transaction, so that the check of [`active_contact_with_email`] and the write
/// that follows it are one step: PostgreSQL's advisory lock of the address; SQLite's write
/// transactions are one at a time already.
pub async fn lock_email(conn: &mut Conn, email: &EmailAddress) -> Result<()> {
    if !crate::sql::is_postgres(conn) {
        return Ok(());
    }
    let key = crate::sql::fnv1a(b"contact-email:", email.as_str().as_bytes());
    crate::sql::advisory_xact_lock(conn, key as i64).await
}

const CONTACT: &str = "SELECT id, account_id, first_name, last_name, email, phone, active, \
                       language, web_roles, version FROM contacts";

fn contact_from_row(r: &AnyRow) -> Result<Contact> {
    Ok(Contact {
        id: ContactId(r.i64("id")?),
        account_id: AccountId(r.i64("account_id")?),
        first_name: r.text("first_name")?,
        last_name: r.text("last_name")?,
        email: EmailAddress::parse(&r.text("email")?)?,
        phone: r
            .opt_text("phone")?
            .map(|p| PhoneNumber::parse(&p))
            .transpose()?,
        active: r.bool("active")?,
        language: r.opt_text("language")?,
        web_roles: roles_from_text(&r.text("web_roles")?)?,
        version: r.i64("version")?,
    })
}

pub async fn contact(conn: &mut Conn, id: ContactId) -> Result<Contact> {
    sqlx::query(&format!("{CONTACT} WHERE id = $1"))
        .bind(id.0)
        .one(conn, contact_from_row)
        .await
}

const USER_ROLES: Links = Links::new("user_roles", "user_id", "role");

pub struct NewUser<'a> {
    pub email: &'a EmailAddress,
    /// An Argon2id PHC string, or `None` for a user who has not set a password yet.
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub language: Option<&'a str>,
    pub contact_id: Option<ContactId>,
    pub roles: &'a [Role],
}

pub async fn insert_user(conn: &mut Conn, u: &NewUser<'_>) -> Result<UserId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, display_name, language, contact_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(u.email.as_str())
    .bind(u.password_hash)
    .bind(u.display_name)
    .bind(u.language)
    .bind(u.contact_id.map(|c| c.0))
    .bind(to_ms(Timestamp::now()))
    .fetch_one(&mut *conn)
    .await?;
    let roles = u.roles.iter().map(|r| r.as_str().to_owned());
    USER_ROLES.insert(conn, id, roles).await?;
    Ok(UserId(id))
}

/// A user as the rest of the system sees them: identity, roles, and the account they belong
/// to (through their contact), which scopes everything they may see.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub id: UserId,
    pub email: EmailAddress,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// The zone of the user's account (customer or partner), the default for showing times.
    pub account_time_zone: Option<String>,
    pub contact_id: Option<ContactId>,
    pub account_id: Option<AccountId>,
    pub roles: Vec<Role>,
    /// The technician this user works as, if any.
    pub technician_id: Option<TechnicianId>,
    pub phone: Option<String>,
    pub notify_email: bool,
    pub disabled: bool,
}

pub async fn user_by_email(conn: &mut Conn, email: &EmailAddress) -> Result<Option<UserRecord>> {
    user_where(conn, UserKey::Email(email.as_str())).await
}

pub async fn user_by_id(conn: &mut Conn, id: UserId) -> Result<Option<UserRecord>> {
    user_where(conn, UserKey::Id(id.0)).await
}

enum UserKey<'a> {
    Email(&'a str),
    Id(i64),
}

/// The columns of a user with their contact's account, technician and one role per row, over
/// `users u` joined with [`USER_JOINS`] ([`user_from_rows`] reads them). The session lookup
/// selects them together with the session's own columns.
pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.password_hash, u.display_name, u.language, \
     u.time_zone, u.contact_id, c.account_id, u.disabled, u.phone, u.notify_email, \
     t.id AS technician_id, a.time_zone AS account_time_zone, r.role";
pub(crate) const USER_JOINS: &str = "LEFT JOIN contacts c ON c.id = u.contact_id \
     LEFT JOIN accounts a ON a.id = c.account_id \
     LEFT JOIN technicians t ON t.user_id = u.id \
     LEFT JOIN user_roles r ON r.user_id = u.id";

/// The user with their contact's account, technician and roles, in one query: a row per role
/// (one row, role NULL, without any). Every request of a signed-in person runs this.
async fn user_where(conn: &mut Conn, key: UserKey<'_>) -> Result<Option<UserRecord>> {
    let condition = match key {
        UserKey::Email(_) => "u.email = $1",
        UserKey::Id(_) => "u.id = $1",
    };
    let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_JOINS} WHERE {condition}");
    let query = sqlx::query(&sql);
    let query = match key {
        UserKey::Email(e) => query.bind(e.to_owned()),
        UserKey::Id(i) => query.bind(i),
    };
    user_from_rows(&query.fetch_all(&mut *conn).await?)
}

/// The user of rows selected with [`USER_COLUMNS`] (one row per role); `None` for no row.
pub(crate) fn user_from_rows(rows: &[AnyRow]) -> Result<Option<UserRecord>> {
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let id = UserId(r.i64("id")?);
    let mut roles = Vec::new();
    for row in rows {
        if let Some(role) = row.opt_text("role")? {
            roles.push(role.parse::<Role>()?);
        }
    }
    roles.sort();
    roles.dedup();
    Ok(Some(UserRecord {
        id,
        email: EmailAddress::parse(&r.text("email")?)?,
        password_hash: r.opt_text("password_hash")?,
        display_name: r.text("display_name")?,
        language: r.opt_text("language")?,
        time_zone: r.opt_text("time_zone")?,
        account_time_zone: r.opt_text("account_time_zone")?,
        contact_id: r.opt_i64("contact_id")?.map(ContactId),
        account_id: r.opt_i64("account_id")?.map(AccountId),
        roles,
        technician_id: r.opt_i64("technician_id")?.map(TechnicianId),
        phone: r.opt_text("phone")?,
        notify_email: r.bool("notify_email")?,
        disabled: r.bool("disabled")?,
    }))
}

/// Accounts of one kind, by name.
pub async fn list_accounts(conn: &mut Conn, kind: AccountKind) -> Result<Vec<Account>> {
    sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE kind = $1 ORDER BY name, id"
    ))
    .bind(kind.as_str())
    .all(conn, account_from_row)
    .await
}

/// The contacts of an account, by name.
pub async fn contacts_of_account(conn: &mut Conn, account: AccountId) -> Result<Vec<Contact>> {
    sqlx::query(&format!(
        "{CONTACT} WHERE account_id = $1 ORDER BY last_name, first_name, id"
    ))
    .bind(account.0)
    .all(conn, contact_from_row)
    .await
}

/// Replaces a user's password hash.
pub async fn set_password_hash(conn: &mut Conn, user: UserId, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.0)
        .changed_or_not_found(conn)
        .await
}

/// What a person may change about themselves on their profile. All optional but the
/// notification choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub display_name: String,
    pub phone: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub notify_email: bool,
}

pub async fn update_profile(conn: &mut Conn, user: UserId, p: &Profile) -> Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = $1, phone = $2, language = $3, time_zone = $4, notify_email = $5 \
         WHERE id = $6",
    )
    .bind(&p.display_name)
    .bind(p.phone.as_deref())
    .bind(p.language.as_deref())
    .bind(p.time_zone.as_deref())
    .bind(p.notify_email)
    .bind(user.0)
    .changed_or_not_found(conn)
    .await
}

/// Changes the address a user signs in with (a contact's, when staff change it);
/// [`crate::StoreError::Conflict`] when another user has it.
pub async fn set_user_email(conn: &mut Conn, user: UserId, email: &EmailAddress) -> Result<()> {
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(email.as_str())
        .bind(user.0)
        .changed_or_not_found(conn)
        .await
}

/// Replaces a user's roles.
pub async fn set_roles(conn: &mut Conn, user: UserId, roles: &[Role]) -> Result<()> {
    // A role given twice is one role.
    let roles: std::collections::BTreeSet<String> =
        roles.iter().map(|r| r.as_str().to_owned()).collect();
    USER_ROLES.replace(conn, user.0, roles).await
}

/// The portal user of a contact, if the contact has one.
pub async fn user_of_contact(conn: &mut Conn, contact: ContactId) -> Result<Option<UserId>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE contact_id = $1")
        .bind(contact.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(id.map(UserId))
}

/// Any fixed number ("ADMN"): the PostgreSQL advisory lock that serializes making the first
/// administrator.
const FIRST_ADMIN_LOCK: i64 = 0x4144_4d4e;

/// Serializes the transactions that make the first administrator, so that two of them (the
/// setup page on two servers, or the page and `onsite admin create`) never both find no
/// administrator. Call it first in the transaction, before counting the administrators.
/// SQLite needs nothing: its transactions begin with BEGIN IMMEDIATE, one writer at a time.
pub async fn lock_first_admin(conn: &mut Conn) -> Result<()> {
    if is_postgres(conn) {
        advisory_xact_lock(conn, FIRST_ADMIN_LOCK).await?;
    }
    Ok(())
}

/// How many users hold `role` and are not disabled (the first-start check counts the
/// administrators).
pub async fn count_enabled_with_role(conn: &mut Conn, role: Role) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = $1 AND NOT u.disabled",
    )
    .bind(role.as_str())
    .fetch_one(&mut *conn)
    .await?)
}

/// Disables a user (they can no longer sign in; their history stays) or enables them again.
pub async fn set_disabled(conn: &mut Conn, user: UserId, disabled: bool) -> Result<()> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(disabled)
        .bind(user.0)
        .changed_or_not_found(conn)
        .await
}
