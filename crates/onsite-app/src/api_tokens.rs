//! API tokens: administrators make them for programs (an ERP, a CRM, a billing system) that
//! call the JSON API with `Authorization: Bearer <secret>`. The secret is shown once and only
//! its SHA-256 is stored ([`Secret`]); tokens are listed with who made them, their expiry and
//! last use, and a revoked token stops working on its next request.
//!
//! A token acts for the administrator who created it, limited to its scopes
//! ([`Scopes`]: read or write per area). It works only while that person is an enabled
//! administrator: disabling or demoting them stops every token they made (and enabling or
//! promoting them again brings them back, unless revoked meanwhile). Each token's requests are
//! counted in the database per minute (`rate_limits`), up to the site setting
//! `api/token_requests_per_minute`; beyond it the request is refused with the wait.

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Admin, Grant};
use crate::secrets::Secret;
use crate::throttle::Throttled;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::InvalidInput;
use onsite_domain::api_token::{Scopes, token_name};
use onsite_domain::role::Role;
use onsite_domain::settings::{self as site, SettingValue};
use onsite_i18n::Locale;
use onsite_store::accounts::UserRecord;
use onsite_store::api_tokens::{self, NewToken, TokenRow};
use onsite_store::{StoreError, audit, rate_limits};
use std::borrow::Cow;

/// The settings of the API tokens page: the requests a token may make per minute.
pub const SETTINGS: [&site::Setting; 1] = [&site::API_TOKEN_REQUESTS_PER_MINUTE];

/// The window of the per-token request counter.
const WINDOW: SignedDuration = SignedDuration::from_secs(60);
/// How often a token's last use is written at most.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ApiTokenError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error("no such token")]
    NotFound,
    /// Unknown, revoked or expired, or its creator may no longer administer.
    #[error("the API token is not valid")]
    Refused,
    #[error("too many requests with this token")]
    RateLimited(Throttled),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for ApiTokenError {
    fn kind(&self) -> Kind {
        match self {
            ApiTokenError::Invalid(e) => e.kind(),
            ApiTokenError::NotFound => Kind::NotFound,
            ApiTokenError::Refused => Kind::Unauthenticated,
            ApiTokenError::RateLimited(wait) => Kind::RateLimited(*wait),
            ApiTokenError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiTokenError::Refused => "invalid_token",
            other => other.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            ApiTokenError::Invalid(e) => e.field(),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            ApiTokenError::Invalid(e) => e.message(locale),
            ApiTokenError::NotFound => locale.text("web-error-not-found"),
            ApiTokenError::Refused => locale.text("api-tokens-refused"),
            ApiTokenError::RateLimited(wait) => wait.message(locale),
            ApiTokenError::Store(e) => e.message(locale),
        }
    }
}

pub type Result<T, E = ApiTokenError> = std::result::Result<T, E>;

/// A token as an administrator asks for it.
#[derive(Debug, Clone)]
pub struct NewTokenInput<'a> {
    pub name: &'a str,
    pub scopes: Scopes,
    /// When it stops working; `None`: until revoked.
    pub expires_at: Option<Timestamp>,
}

/// A token just made: its secret, shown this once.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    pub name: String,
    pub secret: Secret,
}

/// An administrator makes a token. Refused naming the field: an empty or too long `name`,
/// no scope (`scopes`), an expiry not in the future (`expires_on`). Audited (its name and
/// scopes, never its secret).
pub async fn create(
    app: &App,
    admin: Admin,
    input: &NewTokenInput<'_>,
    now: Timestamp,
) -> Result<Created> {
    let name = token_name(input.name)?;
    if input.scopes.is_empty() {
        return Err(InvalidInput::new("scopes", "required").into());
    }
    if input.expires_at.is_some_and(|at| at <= now) {
        return Err(InvalidInput::new("expires_on", "past-date").into());
    }
    let secret = Secret::api_token();
    let mut tx = app.store.begin().await?;
    let id = api_tokens::insert(
        &mut tx,
        &NewToken {
            name: &name,
            secret_hash: &secret.hash(),
            scopes: &input.scopes,
            created_by: admin.user(),
            now,
            expires_at: input.expires_at,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        Some(admin.user()),
        "api_token.create",
        "api_token",
        Some(id),
        &serde_json::json!({
            "name": name,
            "scopes": input.scopes.to_string(),
            "expires_at": input.expires_at.map(|t| t.to_string()),
        }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Created { id, name, secret })
}

/// Every token, newest first (none of their secrets: only hashes are kept).
pub async fn list(app: &App, _admin: Admin) -> Result<Vec<TokenRow>> {
    Ok(api_tokens::list(&mut *app.store.conn().await?).await?)
}

/// An administrator revokes a token: its next request is refused. Revoking one already
/// revoked changes nothing; an unknown id is "not found". Audited.
pub async fn revoke(app: &App, admin: Admin, id: i64, now: Timestamp) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let token = api_tokens::get(&mut tx, id)
        .await?
        .ok_or(ApiTokenError::NotFound)?;
    if api_tokens::revoke(&mut tx, id, now).await? {
        audit::record(
            &mut tx,
            Some(admin.user()),
            "api_token.revoke",
            "api_token",
            Some(id),
            &serde_json::json!({ "name": token.name }),
        )
        .await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A request's valid token: who it acts for and what it may do.
#[derive(Debug, Clone)]
pub struct TokenUse {
    pub id: i64,
    pub name: String,
    pub scopes: Scopes,
    /// The administrator who created it, as they are now.
    pub creator: UserRecord,
}

/// The token behind a presented secret, counted against its rate limit. Refused when
/// unknown, revoked, expired, or when its creator is disabled or no longer an administrator;
/// rate limited beyond the site's requests per minute.
pub async fn authenticate(app: &App, presented: &str, now: Timestamp) -> Result<TokenUse> {
    let hash = Secret::from_presented(presented).hash();
    let mut conn = app.store.conn().await?;
    let token = api_tokens::presented(&mut conn, &hash)
        .await?
        .ok_or(ApiTokenError::Refused)?;
    let usable = token.revoked_at.is_none()
        && token.expires_at.is_none_or(|at| now < at)
        && !token.creator.disabled
        && token.creator.roles.contains(&Role::Admin);
    if !usable {
        return Err(ApiTokenError::Refused);
    }
    let limit =
        match onsite_store::settings::get(&mut conn, &site::API_TOKEN_REQUESTS_PER_MINUTE).await? {
            SettingValue::Integer(n) => n,
            _ => i64::MAX,
        };
    let key = format!("api-token:{}", token.id);
    if rate_limits::hit(&mut conn, &key, now, WINDOW).await? > limit {
        return Err(ApiTokenError::RateLimited(Throttled::after(
            rate_limits::window_end(now, WINDOW).duration_since(now),
        )));
    }
    api_tokens::touch(&mut conn, token.id, now, TOUCH_EVERY).await?;
    Ok(TokenUse {
        id: token.id,
        name: token.name,
        scopes: token.scopes,
        creator: token.creator,
    })
}

/// Runs `work`, a request made with the token named `name`, so that every audit line it
/// writes names the token (`onsite_store::audit::with_token`).
pub async fn acting_with<F: std::future::Future>(name: String, work: F) -> F::Output {
    audit::with_token(name, work).await
}
