//! Identity use cases: signing in and out, sessions, invitations and their redemption, the
//! profile, forgotten and changed passwords. Every secret is random, shown once, stored hashed
//! (`secrets.rs`); every attempt that could be guessed at is throttled in the database
//! (`throttle.rs`).

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::passwords::{self, WeakPassword};
use crate::secrets::{Secret, normalize_code};
use crate::throttle::{self, CodeTry, SignIn, Throttled};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::settings;
use onsite_domain::text::{EmailAddress, PhoneNumber, single_line};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, ContactId, InvalidInput, UserId};
use onsite_i18n::Locale;
use onsite_notify::emails;
use onsite_store::accounts::{self, NewUser, Profile, UserRecord};
use onsite_store::invitations::{self, CodeStatus, NewInvitation};
use onsite_store::sessions::{self, NewSession};
use onsite_store::{Conn, StoreError, audit, password_resets};
use std::borrow::Cow;

/// A session ends after this long without a request…
pub const SESSION_IDLE: SignedDuration = SignedDuration::from_hours(2);
/// …and this long after sign-in, whatever the activity.
pub const SESSION_ABSOLUTE: SignedDuration = SignedDuration::from_hours(24);
/// A password-reset link works this long.
pub const RESET_LIFETIME: SignedDuration = SignedDuration::from_mins(60);

/// A new session: the token goes into the cookie, never anywhere else.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: Secret,
    pub csrf_token: String,
    pub user: UserRecord,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Too many attempts for now: how long to wait (see `throttle.rs`).
    #[error("too many attempts; wait {} s", .0.seconds())]
    RateLimited(Throttled),
    /// Unknown email, wrong password or disabled account: one answer for all three, so the
    /// form does not reveal which addresses have accounts.
    #[error("wrong email or password")]
    BadCredentials,
    #[error("invitation code unknown")]
    UnknownCode,
    #[error("invitation code expired")]
    ExpiredCode,
    #[error("invitation code already used or replaced")]
    UsedCode,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the contact's account is not active")]
    AccountInactive,
    /// Staff deactivated the contact: it cannot be invited.
    #[error("the contact is not active")]
    ContactInactive,
    /// The code's contact, or its account, was deactivated: the code does not redeem (while
    /// they stay so).
    #[error("the invitation's contact or account is not active")]
    WithdrawnCode,
    #[error("the contact already has a portal account")]
    AlreadyHasAccount,
    #[error("this address was already invited automatically")]
    AlreadyInvited,
    #[error("not found")]
    NotFound,
    #[error("the reset link is unknown, used or expired")]
    InvalidResetLink,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    /// An administrator may not take the admin role from themselves (the last one would lock
    /// everyone out of the settings).
    #[error("an administrator cannot remove their own admin role")]
    OwnAdminRole,
    /// Nobody disables their own user (they would be signed out at once).
    #[error("an administrator cannot disable themselves")]
    OwnAccount,
    /// Not the setup code the server logged (`team::SetupCode`).
    #[error("wrong setup code")]
    WrongSetupCode,
    /// The installation has an administrator: the first-start paths are closed.
    #[error("an administrator exists already")]
    AdminExists,
    /// The user is disabled: enable them before giving them access again.
    #[error("the user is disabled")]
    AccountDisabled,
    #[error(transparent)]
    WeakPassword(#[from] WeakPassword),
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(StoreError),
    #[error("cannot render email: {0}")]
    Email(#[from] emails::RenderError),
}

impl From<StoreError> for IdentityError {
    /// A row that is not there is the person's "not found" (an unknown account, contact or
    /// user id in the request), never the system's failure.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => IdentityError::NotFound,
            other => IdentityError::Store(other),
        }
    }
}

impl IdentityError {
    /// The Fluent message id that explains the error to the person.
    pub fn message_id(&self) -> &'static str {
        match self {
            IdentityError::RateLimited(_) => "identity-rate-limited",
            IdentityError::BadCredentials => "identity-bad-credentials",
            IdentityError::UnknownCode => "identity-code-unknown",
            IdentityError::ExpiredCode => "identity-code-expired",
            IdentityError::UsedCode => "identity-code-used",
            IdentityError::EmailTaken => "identity-email-taken",
            IdentityError::AccountInactive => "identity-account-inactive",
            IdentityError::ContactInactive => "customers-contact-inactive",
            IdentityError::WithdrawnCode => "customers-code-withdrawn",
            IdentityError::AlreadyHasAccount => "identity-already-has-account",
            IdentityError::AlreadyInvited => "identity-already-invited",
            IdentityError::NotFound => "identity-not-found",
            IdentityError::InvalidResetLink => "identity-reset-invalid",
            IdentityError::WrongCurrentPassword => "identity-wrong-current-password",
            IdentityError::OwnAdminRole => "identity-own-admin-role",
            IdentityError::OwnAccount => "identity-own-account",
            IdentityError::AdminExists => "identity-admin-exists",
            IdentityError::WrongSetupCode => "identity-setup-code-wrong",
            IdentityError::AccountDisabled => "identity-account-disabled",
            IdentityError::WeakPassword(w) => w.message_id(),
            IdentityError::Invalid(_) => "identity-invalid-input",
            IdentityError::Store(_) | IdentityError::Email(_) => "error-internal",
        }
    }

    /// What to tell the person, in `locale`: the message of [`IdentityError::message_id`],
    /// saying how long to wait when there were too many attempts.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            IdentityError::RateLimited(throttled) => throttled.message(locale),
            other => locale.text(other.message_id()),
        }
    }

    /// Whether this is the system's fault (log it, answer 500) rather than the input's.
    pub fn is_internal(&self) -> bool {
        matches!(self, IdentityError::Store(_) | IdentityError::Email(_))
    }
}

impl Failure for IdentityError {
    fn kind(&self) -> Kind {
        use IdentityError as E;
        match self {
            E::RateLimited(throttled) => Kind::RateLimited(*throttled),
            E::BadCredentials => Kind::Unauthenticated,
            E::NotFound => Kind::NotFound,
            E::Invalid(_)
            | E::UnknownCode
            | E::ExpiredCode
            | E::UsedCode
            | E::WithdrawnCode
            | E::WrongCurrentPassword
            | E::WrongSetupCode
            | E::WeakPassword(_) => Kind::Invalid,
            E::EmailTaken
            | E::AccountInactive
            | E::ContactInactive
            | E::AlreadyHasAccount
            | E::AlreadyInvited
            | E::OwnAdminRole
            | E::OwnAccount
            | E::AdminExists
            | E::AccountDisabled => Kind::Conflict,
            E::InvalidResetLink => Kind::Malformed,
            E::Store(e) => e.kind(),
            E::Email(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use IdentityError as E;
        match self {
            E::BadCredentials => "bad_credentials",
            E::UnknownCode | E::ExpiredCode | E::UsedCode | E::WithdrawnCode => "invalid_code",
            E::InvalidResetLink => "invalid_link",
            E::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        use IdentityError as E;
        Some(Cow::Borrowed(match self {
            E::Invalid(i) => i.field,
            E::UnknownCode
            | E::ExpiredCode
            | E::UsedCode
            | E::WithdrawnCode
            | E::WrongSetupCode => "code",
            E::WrongCurrentPassword => "current_password",
            E::WeakPassword(_) => "password",
            E::OwnAdminRole => "roles",
            E::EmailTaken => "email",
            _ => return None,
        }))
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            IdentityError::Invalid(i) => i.message(locale),
            IdentityError::Store(e) => e.message(locale),
            other => IdentityError::message(other, locale),
        }
    }
}

type Result<T, E = IdentityError> = std::result::Result<T, E>;

async fn open_session(app: &App, user: UserRecord, now: Timestamp) -> Result<Issued> {
    let token = Secret::token();
    let csrf_token = Secret::token().expose().to_owned();
    let mut conn = app.store.conn().await?;
    sessions::create(
        &mut conn,
        &NewSession {
            id_hash: &token.hash(),
            user_id: user.id,
            csrf_token: &csrf_token,
            now,
            expires_at: now + SESSION_ABSOLUTE,
        },
    )
    .await?;
    Ok(Issued {
        token,
        csrf_token,
        user,
    })
}

/// Signs in with email and password, throttled (`throttle::SignIn`: failures count per account
/// and source, per source, and make the account's later attempts wait). Always spends one
/// password verification, whether or not the address has an account.
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    client: &str,
    now: Timestamp,
) -> Result<Issued> {
    let email = EmailAddress::parse(email).ok();
    let attempt = SignIn::begin(&mut *app.store.conn().await?, email.as_ref(), client, now).await?;
    let user = match &email {
        Some(e) => accounts::user_by_email(&mut *app.store.conn().await?, e).await?,
        None => None,
    };
    let stored = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.clone());
    if !passwords::verify(password.to_owned(), stored).await {
        return Err(IdentityError::BadCredentials);
    }
    let user = user.ok_or(IdentityError::BadCredentials)?;
    attempt.succeeded(&mut *app.store.conn().await?).await?;
    open_session(app, user, now).await
}

/// Counts one external sign-in begun from `client`; refuses when too many were begun and not
/// finished.
pub async fn limit_external_sign_in(app: &App, client: &str, now: Timestamp) -> Result<()> {
    throttle::external_sign_in_begun(&mut *app.store.conn().await?, client, now).await
}

/// An external sign-in begun from `client` finished: it no longer counts toward the limit.
pub async fn external_sign_in_finished(app: &App, client: &str, now: Timestamp) -> Result<()> {
    throttle::external_sign_in_finished(&mut *app.store.conn().await?, client, now).await?;
    Ok(())
}

/// Starts a session for a user who proved who they are another way (an external identity).
pub async fn sign_in_as(app: &App, user_id: UserId, now: Timestamp) -> Result<Issued> {
    let user = accounts::user_by_id(&mut *app.store.conn().await?, user_id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if user.disabled {
        return Err(IdentityError::BadCredentials);
    }
    open_session(app, user, now).await
}

/// The live session behind a cookie token, if any.
pub async fn session(
    app: &App,
    token: &str,
    now: Timestamp,
) -> Result<Option<sessions::ActiveSession>> {
    let hash = Secret::from_presented(token).hash();
    Ok(sessions::find_active(&mut *app.store.conn().await?, &hash, now, SESSION_IDLE).await?)
}

pub async fn sign_out(app: &App, token: &str) -> Result<()> {
    let hash = Secret::from_presented(token).hash();
    sessions::delete(&mut *app.store.conn().await?, &hash).await?;
    Ok(())
}

/// How an invitation came about: staff asking for one always get a fresh code; automatic
/// invitations (bulk for an account) skip addresses that were ever invited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteMode {
    Manual,
    Automatic,
}

/// A created invitation; staff may copy the code to hand it over another way.
#[derive(Debug, Clone)]
pub struct Invited {
    pub invitation_id: i64,
    pub email: EmailAddress,
    pub code: Secret,
    pub expires_at: Timestamp,
}

/// The web roles a contact of an account of `kind` may be given: customer roles for customers,
/// `partner` for partners. Staff roles are never given by invitation.
pub fn web_roles_for(kind: AccountKind) -> &'static [Role] {
    match kind {
        AccountKind::Customer => &[
            Role::SelfScheduling,
            Role::CustomerReviewer,
            Role::CustomerApprover,
        ],
        AccountKind::Partner => &[Role::Partner],
    }
}

/// The roles staff give one another (by administrators only, see `policy::Capability`).
pub const STAFF_ROLES: [Role; 3] = [Role::Technician, Role::Dispatcher, Role::Admin];

pub(crate) fn check_web_roles(kind: AccountKind, roles: &[Role]) -> Result<(), InvalidInput> {
    if roles.iter().all(|r| web_roles_for(kind).contains(r)) {
        Ok(())
    } else {
        Err(InvalidInput::new("roles", "unknown"))
    }
}

/// Invites an active contact of an active customer or partner account: stores the hashed code,
/// queues the invitation email (in the contact's language) in the same transaction, and
/// revokes the contact's earlier codes.
/// `roles` are the web roles the portal account gets: at least one, and only those of the
/// account's kind ([`web_roles_for`]).
pub async fn invite(
    app: &App,
    contact_id: ContactId,
    roles: &[Role],
    by: Option<UserId>,
    mode: InviteMode,
    now: Timestamp,
) -> Result<Invited> {
    let mut tx = app.store.begin().await?;
    let invited = invite_in(app, &mut tx, contact_id, roles, by, mode, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.mail_queued();
    Ok(invited)
}

/// [`invite`] inside the caller's transaction. A refusal writes nothing, so the caller may
/// go on with the transaction.
async fn invite_in(
    app: &App,
    tx: &mut Conn,
    contact_id: ContactId,
    roles: &[Role],
    by: Option<UserId>,
    mode: InviteMode,
    now: Timestamp,
) -> Result<Invited> {
    let contact = accounts::contact(tx, contact_id).await?;
    let account = accounts::account(tx, contact.account_id).await?;
    if roles.is_empty() {
        return Err(InvalidInput::new("roles", "required").into());
    }
    check_web_roles(account.kind, roles)?;
    if !account.active {
        return Err(IdentityError::AccountInactive);
    }
    if !contact.active {
        return Err(IdentityError::ContactInactive);
    }
    if accounts::user_of_contact(tx, contact_id).await?.is_some()
        || accounts::user_by_email(tx, &contact.email).await?.is_some()
    {
        return Err(IdentityError::AlreadyHasAccount);
    }
    let first_time = invitations::claim_automatic(tx, &contact.email, now).await?;
    if mode == InviteMode::Automatic && !first_time {
        return Err(IdentityError::AlreadyInvited);
    }
    let days = match onsite_store::settings::get(tx, &settings::INVITATION_DAYS).await? {
        settings::SettingValue::Integer(d) => d,
        _ => 14,
    };
    let expires_at = now + SignedDuration::from_hours(24 * days);
    let code = Secret::invitation_code();
    let invitation_id = invitations::create(
        tx,
        &NewInvitation {
            contact_id,
            email: &contact.email,
            roles,
            code_hash: &code.hash(),
            created_by: by,
            now,
            expires_at,
        },
    )
    .await?;
    let locale = Locale::negotiate(contact.language.as_deref(), None);
    let expires = expires_at
        .to_zoned(account.address.time_zone.time_zone())
        .date()
        .to_string();
    let link = app.link("/redeem");
    let email = emails::invitation(
        &contact.email,
        locale,
        format!("invitation:{invitation_id}"),
        &emails::Invitation {
            name: &contact.first_name,
            link: &link,
            expires: &expires,
        },
        code.expose(),
    )?;
    email.enqueue(tx).await?;
    let detail = serde_json::json!({ "contact": contact_id.0, "mode": format!("{mode:?}") });
    audit::record(
        tx,
        by,
        "invitation.create",
        "invitation",
        Some(invitation_id),
        &detail,
    )
    .await?;
    Ok(Invited {
        invitation_id,
        email: contact.email,
        code,
        expires_at,
    })
}

/// The outcome of inviting every contact of an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkInvited {
    pub invited: Vec<ContactId>,
    /// Addresses invited before (even for a deleted contact): not invited again.
    pub already_invited: Vec<ContactId>,
    pub already_have_account: Vec<ContactId>,
}

pub async fn invite_account(
    app: &App,
    account_id: AccountId,
    roles: &[Role],
    by: Option<UserId>,
    now: Timestamp,
) -> Result<BulkInvited> {
    // One transaction: every invitation is made, or (on a failure part-way) none is.
    let mut tx = app.store.begin().await?;
    let account = accounts::account(&mut tx, account_id).await?;
    if !account.active {
        return Err(IdentityError::AccountInactive);
    }
    let contacts = accounts::contacts_of_account(&mut tx, account_id).await?;
    let mut out = BulkInvited::default();
    // Deactivated contacts are no longer the account's people: not invited, not counted.
    for c in contacts.into_iter().filter(|c| c.active) {
        match invite_in(app, &mut tx, c.id, roles, by, InviteMode::Automatic, now).await {
            Ok(_) => out.invited.push(c.id),
            Err(IdentityError::AlreadyInvited) => out.already_invited.push(c.id),
            Err(IdentityError::AlreadyHasAccount) => out.already_have_account.push(c.id),
            Err(e) => return Err(e),
        }
    }
    tx.commit().await.map_err(StoreError::from)?;
    app.mail_queued();
    Ok(out)
}

/// What the redeem form shows once a code checks out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemable {
    pub email: EmailAddress,
}

fn code_status_error(
    status: CodeStatus,
) -> Result<(i64, EmailAddress, Vec<Role>, Option<ContactId>)> {
    match status {
        CodeStatus::Usable {
            invitation_id,
            email,
            roles,
            contact_id,
        } => Ok((invitation_id, email, roles, contact_id)),
        CodeStatus::Expired => Err(IdentityError::ExpiredCode),
        CodeStatus::Used | CodeStatus::Revoked => Err(IdentityError::UsedCode),
        CodeStatus::Unknown => Err(IdentityError::UnknownCode),
    }
}

/// Checks a typed code (first step of "Redeem invitation"). Codes that do not work count
/// toward the source's limit (`throttle::CodeTry`).
pub async fn check_code(app: &App, code: &str, client: &str, now: Timestamp) -> Result<Redeemable> {
    let (_, email, _, _) = try_code(app, code, client, now).await?;
    Ok(Redeemable { email })
}

/// Looks a typed code up, throttled: a code that does not work counts toward the source's
/// limit, one that works does not.
async fn try_code(
    app: &App,
    code: &str,
    client: &str,
    now: Timestamp,
) -> Result<(i64, EmailAddress, Vec<Role>, Option<ContactId>)> {
    let mut conn = app.store.conn().await?;
    let attempt = CodeTry::begin(&mut conn, client, now).await?;
    let status = invitations::status(&mut conn, &normalize_code(code).hash(), now).await?;
    let usable = code_status_error(status)?;
    attempt.worked(&mut conn).await?;
    still_invited(&mut conn, usable.3).await?;
    Ok(usable)
}

/// Refuses a code whose contact, or whose contact's account, staff deactivated
/// ([`IdentityError::WithdrawnCode`]); the code itself is left as it is, and works again if
/// they are reactivated before it expires. Answers the contact, whose name and language the
/// new portal account starts with.
async fn still_invited(
    conn: &mut Conn,
    contact_id: Option<ContactId>,
) -> Result<Option<onsite_domain::account::Contact>> {
    let Some(id) = contact_id else {
        return Ok(None);
    };
    let contact = accounts::contact(conn, id).await?;
    let account = accounts::account(conn, contact.account_id).await?;
    if !contact.active || !account.active {
        return Err(IdentityError::WithdrawnCode);
    }
    Ok(Some(contact))
}

/// Redeems a code: creates the portal account (email from the invitation, the chosen
/// password, the invited roles) and signs it in. A code works once, even under a race.
pub async fn redeem(
    app: &App,
    code: &str,
    password: &str,
    client: &str,
    now: Timestamp,
) -> Result<Issued> {
    let (_, email, _, _) = try_code(app, code, client, now).await?;
    passwords::check(password, email.as_str())?;
    let password_hash = passwords::hash(password.to_owned()).await;

    let hash = normalize_code(code).hash();
    let mut tx = app.store.begin().await?;
    // Read again under the write lock: the code may have been used meanwhile.
    let (invitation_id, email, roles, contact_id) =
        code_status_error(invitations::status(&mut tx, &hash, now).await?)?;
    let contact = still_invited(&mut tx, contact_id).await?;
    let display_name = contact.as_ref().map(|c| c.full_name()).unwrap_or_default();
    let user_id = match accounts::insert_user(
        &mut tx,
        &NewUser {
            email: &email,
            password_hash: Some(&password_hash),
            display_name: &display_name,
            language: contact.as_ref().and_then(|c| c.language.as_deref()),
            contact_id,
            roles: &roles,
        },
    )
    .await
    {
        Err(e) if e.is_conflict() => return Err(IdentityError::EmailTaken),
        other => other?,
    };
    invitations::mark_redeemed(&mut tx, invitation_id, user_id, now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => IdentityError::UsedCode,
            e => e.into(),
        })?;
    audit::record(
        &mut tx,
        Some(user_id),
        "invitation.redeem",
        "invitation",
        Some(invitation_id),
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    let user = accounts::user_by_id(&mut *app.store.conn().await?, user_id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    open_session(app, user, now).await
}

/// The profile form as typed; every field optional.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub display_name: String,
    pub phone: String,
    pub language: String,
    pub time_zone: String,
    pub notify_email: bool,
}

/// Validates the profile form; nothing is saved when a field is refused.
pub fn parse_profile(input: &ProfileInput) -> Result<Profile, InvalidInput> {
    let display_name = if input.display_name.trim().is_empty() {
        String::new()
    } else {
        single_line("display_name", &input.display_name, 100)?
    };
    let phone = if input.phone.trim().is_empty() {
        None
    } else {
        Some(PhoneNumber::parse(&input.phone)?.as_str().to_owned())
    };
    let language = match input.language.trim() {
        "" => None,
        tag => Some(
            Locale::from_tag(tag)
                .ok_or(InvalidInput::new("language", "unknown"))?
                .tag()
                .to_owned(),
        ),
    };
    let time_zone = match input.time_zone.trim() {
        "" => None,
        tz => Some(TimeZoneName::parse(tz)?.as_str().to_owned()),
    };
    Ok(Profile {
        display_name,
        phone,
        language,
        time_zone,
        notify_email: input.notify_email,
    })
}

/// Saves only the preferred language (the language switcher, used while signed in). `None`
/// goes back to the browser's language.
pub async fn set_language(app: &App, user: UserId, tag: Option<&str>) -> Result<()> {
    let language = match tag {
        Some(tag) => Some(
            Locale::from_tag(tag)
                .ok_or(InvalidInput::new("language", "unknown"))?
                .tag()
                .to_owned(),
        ),
        None => None,
    };
    let mut tx = app.store.begin().await?;
    let current = accounts::user_by_id(&mut tx, user)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if current.language == language {
        return Ok(());
    }
    let profile = Profile {
        display_name: current.display_name,
        phone: current.phone,
        language,
        time_zone: current.time_zone,
        notify_email: current.notify_email,
    };
    accounts::update_profile(&mut tx, user, &profile).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

pub async fn update_profile(app: &App, user: UserId, input: &ProfileInput) -> Result<()> {
    let profile = parse_profile(input)?;
    let mut tx = app.store.begin().await?;
    accounts::update_profile(&mut tx, user, &profile).await?;
    commit_user_change(tx, user, "profile.update", user, serde_json::json!({})).await
}

/// "Forgot password": emails a reset link if the address has an account. The answer is the
/// same either way (no account enumeration); only the source's limit can refuse. Beyond a few
/// links per address and window, nothing more is sent (the answer is the same): the
/// address's owner already has those links, and nobody can fill their mailbox.
pub async fn forgot_password(app: &App, email: &str, client: &str, now: Timestamp) -> Result<()> {
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(());
    };
    if !throttle::reset_requested(&mut *app.store.conn().await?, &email, client, now).await? {
        return Ok(());
    }
    let mut tx = app.store.begin().await?;
    let Some(user) = accounts::user_by_email(&mut tx, &email)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(());
    };
    let token = Secret::token();
    let token_hash = token.hash();
    password_resets::create(&mut tx, &token_hash, user.id, now, now + RESET_LIFETIME).await?;
    let locale = Locale::negotiate(user.language.as_deref(), None);
    let reset_page = app.link("/reset-password/");
    let minutes = RESET_LIFETIME.as_mins().to_string();
    let message = emails::password_reset(
        &email,
        locale,
        format!("password-reset:{token_hash}"),
        &emails::PasswordReset {
            reset_page: &reset_page,
            minutes: &minutes,
        },
        token.expose(),
    )?;
    message.enqueue(&mut tx).await?;
    let nothing = serde_json::json!({});
    commit_user_change(tx, user.id, "password.reset-requested", user.id, nothing).await?;
    app.mail_queued();
    Ok(())
}

/// Whether a reset link is still usable (to show the form or a clear message).
pub async fn reset_link_valid(app: &App, token: &str, now: Timestamp) -> Result<bool> {
    let hash = Secret::from_presented(token).hash();
    Ok(
        password_resets::peek(&mut *app.store.conn().await?, &hash, now)
            .await?
            .is_some(),
    )
}

/// Sets a new password from a reset link and ends every session of the user.
pub async fn reset_password(
    app: &App,
    token: &str,
    new_password: &str,
    now: Timestamp,
) -> Result<UserId> {
    let hash = Secret::from_presented(token).hash();
    let user_id = password_resets::peek(&mut *app.store.conn().await?, &hash, now)
        .await?
        .ok_or(IdentityError::InvalidResetLink)?;
    let user = accounts::user_by_id(&mut *app.store.conn().await?, user_id)
        .await?
        .ok_or(IdentityError::InvalidResetLink)?;
    passwords::check(new_password, user.email.as_str())?;
    let password_hash = passwords::hash(new_password.to_owned()).await;
    let mut tx = app.store.begin().await?;
    let user_id = password_resets::consume(&mut tx, &hash, now)
        .await?
        .ok_or(IdentityError::InvalidResetLink)?;
    accounts::set_password_hash(&mut tx, user_id, &password_hash).await?;
    sessions::delete_for_user(&mut tx, user_id, None).await?;
    commit_user_change(
        tx,
        user_id,
        "password.reset",
        user_id,
        serde_json::json!({}),
    )
    .await?;
    Ok(user_id)
}

/// Changes the password of a signed-in user and ends their other sessions.
pub async fn change_password(
    app: &App,
    user_id: UserId,
    current: &str,
    new_password: &str,
    keep_session: &str,
) -> Result<()> {
    let user = accounts::user_by_id(&mut *app.store.conn().await?, user_id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if !passwords::verify(current.to_owned(), user.password_hash.clone()).await {
        return Err(IdentityError::WrongCurrentPassword);
    }
    passwords::check(new_password, user.email.as_str())?;
    let password_hash = passwords::hash(new_password.to_owned()).await;
    let keep = Secret::from_presented(keep_session).hash();
    let mut tx = app.store.begin().await?;
    accounts::set_password_hash(&mut tx, user_id, &password_hash).await?;
    sessions::delete_for_user(&mut tx, user_id, Some(&keep)).await?;
    commit_user_change(
        tx,
        user_id,
        "password.change",
        user_id,
        serde_json::json!({}),
    )
    .await
}

/// Staff set a portal user's web roles, keeping their staff roles. Only the web roles of the
/// user's account kind are accepted (none for a user who is no account's contact).
pub async fn set_web_roles(app: &App, by: UserId, user: UserId, roles: &[Role]) -> Result<()> {
    let mut conn = app.store.conn().await?;
    let current = accounts::user_by_id(&mut conn, user)
        .await?
        .ok_or(IdentityError::NotFound)?;
    match current.account_id {
        Some(account) => {
            let kind = accounts::account(&mut conn, account).await?.kind;
            check_web_roles(kind, roles)?;
        }
        None if roles.is_empty() => {}
        None => return Err(InvalidInput::new("roles", "unknown").into()),
    }
    drop(conn);
    let all = replacing(&current.roles, |r| !STAFF_ROLES.contains(r), roles);
    set_roles(app, by, user, &all).await
}

/// Administrators set a user's staff roles, keeping their web roles. An administrator cannot
/// take the admin role from themselves.
pub async fn set_staff_roles(app: &App, by: UserId, user: UserId, roles: &[Role]) -> Result<()> {
    if !roles.iter().all(|r| STAFF_ROLES.contains(r)) {
        return Err(InvalidInput::new("roles", "unknown").into());
    }
    let current = accounts::user_by_id(&mut *app.store.conn().await?, user)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if by == user && current.roles.contains(&Role::Admin) && !roles.contains(&Role::Admin) {
        return Err(IdentityError::OwnAdminRole);
    }
    let all = replacing(&current.roles, |r| STAFF_ROLES.contains(r), roles);
    set_roles(app, by, user, &all).await
}

/// `current` roles with those `replaced` replaced by `roles`: sorted, each once.
pub(crate) fn replacing(
    current: &[Role],
    replaced: impl Fn(&Role) -> bool,
    roles: &[Role],
) -> Vec<Role> {
    let mut all: Vec<Role> = current
        .iter()
        .copied()
        .filter(|r| !replaced(r))
        .chain(roles.iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Staff replace a user's roles.
pub async fn set_roles(app: &App, by: UserId, user: UserId, roles: &[Role]) -> Result<()> {
    let mut tx = app.store.begin().await?;
    accounts::set_roles(&mut tx, user, roles).await?;
    let detail =
        serde_json::json!({ "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>() });
    commit_user_change(tx, by, "user.roles", user, detail).await
}

/// Records in the audit log that `by` did `action` to the user `user` (with `detail`), and
/// commits the change.
async fn commit_user_change(
    mut tx: onsite_store::Tx,
    by: UserId,
    action: &str,
    user: UserId,
    detail: serde_json::Value,
) -> Result<()> {
    audit::record(&mut tx, Some(by), action, "user", Some(user.0), &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
