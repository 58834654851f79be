//! The company's own people: the first administrator of an empty installation, and the staff
//! users administrators create, give access to again, disable and enable.
//!
//! Nobody types a password for someone else. A new staff user (and one whose access an
//! administrator resets) gets an email with a one-time link to choose their password, valid
//! for [`ACCESS_LINK_LIFETIME`]; the first administrator gets the same link printed by
//! `onsite admin create`, or sets their password on the one-time setup page (protected by the
//! code the server logs while no administrator exists, see [`SetupCode`]).
//!
//! Disabling a user signs them out everywhere in the same transaction; their history (visits
//! booked, audit lines, notes) stays, and enabling them again restores their access.

use crate::context::App;
use crate::identity::IdentityError;
use crate::passwords;
use crate::policy::{Admin, Grant};
use crate::secrets::{Secret, constant_time_eq, normalize_code};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{InvalidInput, UserId};
use onsite_i18n::Locale;
use onsite_notify::emails;
use onsite_store::accounts::{self, NewUser};
use onsite_store::{Conn, StoreError, audit, password_resets, sessions};
use std::sync::{Arc, Mutex};

type Result<T, E = IdentityError> = std::result::Result<T, E>;

/// How long a "choose your password" link of a new or reset staff user works.
pub const ACCESS_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(72);

/// The roles an administrator gives a staff user here. Technicians are staff users too, but
/// one works only once linked to a technician of the workforce.
pub const CREATABLE_ROLES: [Role; 2] = [Role::Dispatcher, Role::Admin];

/// Longest display name.
const NAME_MAX: usize = 200;

/// Whether the installation still needs its first administrator (no enabled user holds the
/// admin role).
pub async fn first_admin_needed(app: &App) -> Result<bool> {
    let mut conn = app.store.conn().await?;
    Ok(accounts::count_enabled_with_role(&mut conn, Role::Admin).await? == 0)
}

/// A user made with a one-time link to choose their password.
#[derive(Debug)]
pub struct Created {
    pub user: UserId,
    /// The absolute "choose your password" link (a secret: for the person only).
    pub link: Secret,
}

/// `onsite admin create`: makes the first administrator of an installation that has none, and
/// answers the link to choose their password (the command prints it). Refused once an
/// administrator exists ([`IdentityError::AdminExists`]): from then on, administrators
/// create staff users in the back office.
pub async fn create_first_admin(
    app: &App,
    email: &str,
    name: &str,
    now: Timestamp,
) -> Result<Created> {
    let email = parse_email(email)?;
    let name = parse_name(name, &email)?;
    let mut tx = app.store.begin().await?;
    require_no_admin(&mut tx).await?;
    let user = insert(&mut tx, &email, &name, None, None, &[Role::Admin]).await?;
    let token = access_token(&mut tx, user, now).await?;
    audit::record(
        &mut tx,
        None,
        "user.first-admin",
        "user",
        Some(user.0),
        &serde_json::json!({ "email": email.as_str(), "via": "cli" }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Created {
        user,
        link: Secret::from_presented(&app.link(&format!("/reset-password/{}", token.expose()))),
    })
}

/// The setup page: the person holding the server's [`SetupCode`] makes themselves the first
/// administrator with their own password. A wrong code, or an installation that has an
/// administrator already, changes nothing.
pub async fn set_up_first_admin(
    app: &App,
    code: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<UserId> {
    if !app.setup.matches(code) {
        return Err(IdentityError::WrongSetupCode);
    }
    let email = parse_email(email)?;
    let name = parse_name(name, &email)?;
    passwords::check(password, email.as_str())?;
    let hash = passwords::hash(password.to_owned()).await;
    let mut tx = app.store.begin().await?;
    require_no_admin(&mut tx).await?;
    let user = insert(&mut tx, &email, &name, Some(&hash), None, &[Role::Admin]).await?;
    audit::record(
        &mut tx,
        Some(user),
        "user.first-admin",
        "user",
        Some(user.0),
        &serde_json::json!({ "email": email.as_str(), "via": "setup-page" }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.setup.close();
    Ok(user)
}

/// A staff user as an administrator enters them.
#[derive(Debug, Clone, Default)]
pub struct StaffUserInput {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// The language of their emails (a supported tag), or the portal's default.
    pub language: Option<String>,
}

/// An administrator creates a staff user (dispatcher or administrator) and emails them a link
/// to choose their password. Audited.
pub async fn create_staff_user(
    app: &App,
    admin: Admin,
    input: &StaffUserInput,
    now: Timestamp,
) -> Result<UserId> {
    let mut tx = app.store.begin().await?;
    let user = add_staff_user(app, &mut tx, admin, input, &CREATABLE_ROLES, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.mail_queued();
    Ok(user)
}

/// [`create_staff_user`] in the caller's transaction, with roles among `allowed` (the
/// workforce makes technicians' sign-ins with it): the user, their "choose your password"
/// email and the audit line. Nothing is written when the input is refused.
pub(crate) async fn add_staff_user(
    app: &App,
    tx: &mut Conn,
    admin: Admin,
    input: &StaffUserInput,
    allowed: &[Role],
    now: Timestamp,
) -> Result<UserId> {
    let email = parse_email(&input.email)?;
    let name = parse_name(&input.name, &email)?;
    if input.roles.is_empty() {
        return Err(InvalidInput::new("roles", "required").into());
    }
    if !input.roles.iter().all(|r| allowed.contains(r)) {
        return Err(InvalidInput::new("roles", "unknown").into());
    }
    let language = match input.language.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(tag) => Some(
            Locale::from_tag(tag)
                .ok_or(InvalidInput::new("language", "unknown"))?
                .tag(),
        ),
    };
    let user = insert(tx, &email, &name, None, language, &input.roles).await?;
    send_access_link(app, tx, admin, user, now).await?;
    let roles: Vec<&str> = input.roles.iter().map(|r| r.as_str()).collect();
    audit::record(
        tx,
        Some(admin.user()),
        "user.create",
        "user",
        Some(user.0),
        &serde_json::json!({ "email": email.as_str(), "name": name, "roles": roles }),
    )
    .await?;
    Ok(user)
}

/// An administrator resets a user's access: a new "choose your password" link goes to them
/// by email (their current password keeps working until they choose a new one). Refused for a
/// disabled user: enable them first.
pub async fn reset_access(app: &App, admin: Admin, user: UserId, now: Timestamp) -> Result<()> {
    let mut tx = app.store.begin().await?;
    send_access_link(app, &mut tx, admin, user, now).await?;
    audit::record(
        &mut tx,
        Some(admin.user()),
        "user.access-reset",
        "user",
        Some(user.0),
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.mail_queued();
    Ok(())
}

/// An administrator disables a user (signed out everywhere at once, no sign-in, no email) or
/// enables them again. Nobody disables themselves.
pub async fn set_disabled(app: &App, admin: Admin, user: UserId, disabled: bool) -> Result<()> {
    if disabled && user == admin.user() {
        return Err(IdentityError::OwnAccount);
    }
    let mut tx = app.store.begin().await?;
    accounts::set_disabled(&mut tx, user, disabled).await?;
    let ended = if disabled {
        sessions::delete_for_user(&mut tx, user, None).await?
    } else {
        0
    };
    audit::record(
        &mut tx,
        Some(admin.user()),
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        "user",
        Some(user.0),
        &serde_json::json!({ "sessions_ended": ended }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The code that protects the setup page while the installation has no administrator: made
/// when the server starts (it logs it), checked in constant time, dropped once the first
/// administrator exists. Each server process has its own; with several servers behind a
/// load balancer, use `onsite admin create` instead.
#[derive(Debug, Clone, Default)]
pub struct SetupCode(Arc<Mutex<Option<Secret>>>);

impl SetupCode {
    /// A new code for this process (replacing any earlier one), to log.
    pub fn open(&self) -> Secret {
        let code = Secret::invitation_code();
        *self.lock() = Some(normalize_code(code.expose()));
        code
    }

    /// Whether `presented` is this process's code (typed in any case, with or without dashes).
    pub fn matches(&self, presented: &str) -> bool {
        let presented = normalize_code(presented);
        self.lock()
            .as_ref()
            .is_some_and(|code| constant_time_eq(presented.expose(), code.expose()))
    }

    /// Forgets the code: the setup page is gone for good.
    pub fn close(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Refuses once an administrator exists; under the first-admin lock, so that of two
/// concurrent first starts exactly one succeeds.
async fn require_no_admin(conn: &mut Conn) -> Result<()> {
    accounts::lock_first_admin(conn).await?;
    if accounts::count_enabled_with_role(conn, Role::Admin).await? > 0 {
        return Err(IdentityError::AdminExists);
    }
    Ok(())
}

fn parse_email(raw: &str) -> Result<EmailAddress> {
    EmailAddress::parse(raw.trim()).map_err(|_| InvalidInput::new("email", "email").into())
}

/// The display name; empty means the email's local part.
fn parse_name(raw: &str, email: &EmailAddress) -> Result<String> {
    let name = raw.trim();
    if name.chars().count() > NAME_MAX {
        return Err(InvalidInput::new("name", "too-long").into());
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidInput::new("name", "control-characters").into());
    }
    Ok(if name.is_empty() {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    } else {
        name.to_owned()
    })
}

async fn insert(
    tx: &mut Conn,
    email: &EmailAddress,
    name: &str,
    password_hash: Option<&str>,
    language: Option<&str>,
    roles: &[Role],
) -> Result<UserId> {
    if accounts::user_by_email(tx, email).await?.is_some() {
        return Err(IdentityError::EmailTaken);
    }
    Ok(accounts::insert_user(
        tx,
        &NewUser {
            email,
            password_hash,
            display_name: name,
            language,
            contact_id: None,
            roles,
        },
    )
    .await?)
}

/// Stores a new one-time link for `user` to choose their password.
async fn access_token(tx: &mut Conn, user: UserId, now: Timestamp) -> Result<Secret> {
    let token = Secret::token();
    password_resets::create(tx, &token.hash(), user, now, now + ACCESS_LINK_LIFETIME).await?;
    Ok(token)
}

/// Queues the "choose your password" email to an enabled `user`, from `admin`.
async fn send_access_link(
    app: &App,
    tx: &mut Conn,
    admin: Admin,
    user: UserId,
    now: Timestamp,
) -> Result<()> {
    let person = accounts::user_by_id(tx, user)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if person.disabled {
        return Err(IdentityError::AccountDisabled);
    }
    let from = accounts::user_by_id(tx, admin.user())
        .await?
        .map_or_else(String::new, |a| a.display_name);
    let token = access_token(tx, user, now).await?;
    let hours = ACCESS_LINK_LIFETIME.as_hours().to_string();
    let message = emails::access_granted(
        &person.email,
        Locale::negotiate(person.language.as_deref(), None),
        format!("access-granted:{}", token.hash()),
        &emails::AccessGranted {
            set_page: &app.link("/reset-password/"),
            hours: &hours,
            granted_by: &from,
            email: person.email.as_str(),
        },
        token.expose(),
    )?;
    message.enqueue(tx).await?;
    Ok(())
}
