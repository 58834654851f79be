//! Who is asking: the session layer and the extractors handlers use.
//!
//! [`resolve`] runs once per request, outside the error renderer: it reads the `onsite_session`
//! cookie, loads the server-side session through `identity::session` (which applies the idle
//! and absolute timeouts), and puts a [`Visitor`] in the request's extensions: the
//! [`Actor`] the authorization policy judges, the signed-in user, and the CSRF token the
//! person's forms carry. The user's preferred language goes into [`ProfileLanguage`], so
//! every page, error pages included, is in it.
//!
//! Cookies (see [`set_cookie`]):
//! - `onsite_session`: the session token, HttpOnly, SameSite=Lax (Lax, not Strict: the
//!   OpenID provider's redirect back to the callback is a cross-site navigation that must
//!   carry it when linking), Path=/, Secure when the deployment is on HTTPS. A browser-session
//!   cookie: the server ends the session after [`identity::SESSION_IDLE`] without a request or
//!   [`identity::SESSION_ABSOLUTE`] after sign-in, whatever the cookie says.
//! - `onsite_csrf`: the double-submit token of anonymous forms (see `csrf.rs`), HttpOnly,
//!   SameSite=Strict, set on the first page a visitor without one receives.
//!
//! API tokens: on `/api/` routes only, a request with `Authorization: Bearer <secret>` is
//! authenticated by the token alone (`onsite_app::api_tokens::authenticate`; a session cookie
//! sent along is ignored). A valid token makes the visitor its creator, with the token in
//! [`Visitor::bearer`] for the guard's scope check and the CSRF check, and every audit line of
//! the request names it; a refused one (unknown, revoked, expired, over its rate limit) is
//! answered by the route's guard. Anywhere else the header is ignored: a page never sees a
//! token, so it answers as to anyone anonymous.
//!
//! Caching: every response to a signed-in person, every API answer and every answer to a
//! request authenticated by a token of its own is `Cache-Control: no-store`, set here once for
//! all of them (handlers do not set it themselves).
//!
//! Handlers take [`CurrentActor`] (anyone, maybe anonymous) or [`CurrentUser`] (signed in;
//! the route's guard has already checked the capability, see `guard.rs`).

use crate::error::{WebError, is_api};
use crate::locale::{ProfileLanguage, cookie};
use crate::{AppState, WebConfig};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use onsite_app::api_tokens::{self, TokenUse};
use onsite_app::failure::Failure;
use onsite_app::identity;
#[cfg(doc)]
use onsite_app::policy::Staff;
use onsite_app::policy::{Actor, Grant, Principal};
use onsite_app::secrets::Secret;
use onsite_store::accounts::UserRecord;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The session cookie.
pub const SESSION_COOKIE: &str = "onsite_session";
/// The anonymous double-submit CSRF cookie.
pub const CSRF_COOKIE: &str = "onsite_csrf";

/// The signed-in person behind a live session.
#[derive(Debug)]
pub struct SignedIn {
    pub user: UserRecord,
    /// The session token as the cookie holds it (to sign out, or to keep this session when
    /// the password changes).
    pub token: Secret,
    /// The session's CSRF token.
    pub csrf_token: String,
}

impl SignedIn {
    /// The name the header shows: the display name, else the email address.
    pub fn name(&self) -> &str {
        if self.user.display_name.trim().is_empty() {
            self.user.email.as_str()
        } else {
            &self.user.display_name
        }
    }

    pub fn principal(&self) -> Principal {
        principal_of(&self.user)
    }

    /// What the policy granted this person, for a use case that takes it; refused when the
    /// policy did not (the route's guard has usually refused already).
    pub fn grant<G: Grant>(&self) -> Result<G, WebError> {
        self.principal().grant().ok_or(WebError::Forbidden)
    }
}

/// The policy's view of a user.
pub fn principal_of(user: &UserRecord) -> Principal {
    Principal {
        user_id: user.id,
        roles: user.roles.clone(),
        account_id: user.account_id,
        technician_id: user.technician_id,
    }
}

/// Where the anonymous CSRF token came from.
#[derive(Debug, Clone)]
enum AnonymousToken {
    /// The browser sent it: writes must present it.
    FromCookie(String),
    /// Minted for this response (the browser has none yet): no write can match it.
    Minted(String),
}

/// An API token presented with an `/api/` request (see the module doc).
#[derive(Debug, Clone)]
pub enum Bearer {
    /// A valid token: its name and scopes (its creator is the visitor's signed-in user).
    Valid(Arc<TokenUse>),
    /// A refused token: the route's guard answers with this failure.
    Refused(Arc<dyn Failure>),
}

/// Who is asking, resolved once per request by [`resolve`].
#[derive(Debug, Clone)]
pub struct Visitor {
    pub actor: Actor,
    pub signed_in: Option<Arc<SignedIn>>,
    /// The API token the request presented, if any (`/api/` routes only).
    pub bearer: Option<Bearer>,
    anonymous_token: Option<AnonymousToken>,
    /// The session could not be loaded (the database failed): pages that need a person answer
    /// 503 rather than sending them to sign in again.
    pub lookup_failed: bool,
}

impl Visitor {
    pub fn anonymous() -> Visitor {
        Visitor {
            actor: Actor::Anonymous,
            signed_in: None,
            bearer: None,
            anonymous_token: None,
            lookup_failed: false,
        }
    }

    fn signed_in(session: SignedIn) -> Visitor {
        Visitor {
            actor: Actor::User(session.principal()),
            signed_in: Some(Arc::new(session)),
            bearer: None,
            anonymous_token: None,
            lookup_failed: false,
        }
    }

    /// A request made with a valid API token: its creator, acting through it. The session's
    /// CSRF token is empty (it matches nothing; token requests need none).
    fn with_token(token: TokenUse, presented: &str) -> Visitor {
        let signed_in = SignedIn {
            user: token.creator.clone(),
            token: Secret::from_presented(presented),
            csrf_token: String::new(),
        };
        Visitor {
            bearer: Some(Bearer::Valid(Arc::new(token))),
            ..Visitor::signed_in(signed_in)
        }
    }

    /// The valid API token of this request, if it was made with one.
    pub fn token(&self) -> Option<&TokenUse> {
        match &self.bearer {
            Some(Bearer::Valid(token)) => Some(token),
            _ => None,
        }
    }

    /// The token this person's forms and scripts carry: the session's, or the anonymous
    /// double-submit token.
    pub fn csrf_token(&self) -> &str {
        match (&self.signed_in, &self.anonymous_token) {
            (Some(s), _) => &s.csrf_token,
            (None, Some(AnonymousToken::FromCookie(t) | AnonymousToken::Minted(t))) => t,
            (None, None) => "",
        }
    }

    /// The token a write must present, if any can be valid: the session's when signed in,
    /// else the value of the browser's `onsite_csrf` cookie.
    pub fn expected_csrf(&self) -> Option<&str> {
        match (&self.signed_in, &self.anonymous_token) {
            (Some(s), _) => Some(&s.csrf_token),
            (None, Some(AnonymousToken::FromCookie(t))) => Some(t),
            _ => None,
        }
    }

    fn minted(&self) -> Option<&str> {
        match &self.anonymous_token {
            Some(AnonymousToken::Minted(t)) if self.signed_in.is_none() => Some(t),
            _ => None,
        }
    }
}

/// A cookie value that could be one of our tokens (64 hex characters). Anything else is not
/// looked up at all.
pub fn plausible_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The secret of an `Authorization: Bearer <secret>` header (the scheme in any case), if the
/// request has one.
pub fn bearer_secret(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, secret) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Requests that never depend on who asks: static files and probes. Their many requests (a page
/// loads several assets) skip the session lookup and its database query.
fn needs_no_person(path: &str) -> bool {
    path.starts_with("/assets/") || matches!(path, "/healthz" | "/readyz")
}

/// Whether no cache may keep the response, the browser's included (`Cache-Control:
/// no-store`): anything answered to a signed-in person (pages that show a secret once, an
/// invitation code or a tracking token, among them), every API answer, and the routes that
/// authenticate by a token of their own (tracking apps, metrics scrapers).
fn no_store(path: &str, signed_in: bool) -> bool {
    signed_in
        || is_api(path)
        || path.starts_with(crate::csrf::TOKEN_AUTHENTICATED)
        || path == crate::metrics::PATH
}

/// The live session behind a presented, plausible token (`identity::session` applies the
/// idle and absolute timeouts), or `None`. The session layer and the live map's lean path
/// (`crate::lean`) both load sessions with this.
pub async fn load(
    state: &AppState,
    token: &str,
) -> Result<Option<SignedIn>, identity::IdentityError> {
    Ok(identity::session(&state.app, token, state.clock.now())
        .await?
        .map(|active| SignedIn {
            user: active.user,
            token: Secret::from_presented(token),
            csrf_token: active.csrf_token,
        }))
}

/// Middleware: resolves the session into a [`Visitor`] (see the module doc), and marks the
/// responses no cache may keep ([`no_store`]).
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if needs_no_person(request.uri().path()) && request.method() == axum::http::Method::GET {
        request.extensions_mut().insert(Visitor::anonymous());
        return next.run(request).await;
    }
    let bearer = is_api(request.uri().path())
        .then(|| bearer_secret(request.headers()))
        .flatten();
    if let Some(secret) = bearer {
        return with_api_token(&state, request, next, &secret).await;
    }
    let presented = cookie(request.headers(), SESSION_COOKIE);
    let mut visitor = Visitor::anonymous();
    let mut forget_cookie = false;
    if let Some(token) = presented.as_deref().filter(|t| !t.is_empty()) {
        if !plausible_token(token) {
            forget_cookie = true;
        } else {
            match load(&state, token).await {
                Ok(Some(session)) => visitor = Visitor::signed_in(session),
                Ok(None) => forget_cookie = true,
                Err(e) => {
                    tracing::error!(error = %e, "cannot load the session; serving as anonymous");
                    visitor.lookup_failed = true;
                }
            }
        }
    }
    if visitor.signed_in.is_none() {
        visitor.anonymous_token = Some(
            match cookie(request.headers(), CSRF_COOKIE).filter(|t| plausible_token(t)) {
                Some(t) => AnonymousToken::FromCookie(t),
                None => AnonymousToken::Minted(Secret::token().expose().to_owned()),
            },
        );
    }
    if let Some(s) = &visitor.signed_in {
        request
            .extensions_mut()
            .insert(ProfileLanguage(s.user.language.clone()));
    }
    let minted = visitor.minted().map(str::to_owned);
    let no_store = no_store(request.uri().path(), visitor.signed_in.is_some());
    request.extensions_mut().insert(visitor);

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if no_store {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Only pages carry forms: assets, probes and redirects do not need the cookie.
    let is_page = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if let Some(token) = minted.filter(|_| is_page && !sets_cookie(headers, CSRF_COOKIE)) {
        set_cookie(
            headers,
            &state.config,
            CSRF_COOKIE,
            &token,
            CookieOptions::strict(),
        );
    }
    if forget_cookie && !sets_cookie(headers, SESSION_COOKIE) {
        clear_cookie(headers, &state.config, SESSION_COOKIE, "/");
    }
    response
}

/// [`resolve`] for an `/api/` request with a bearer token: the token's creator acting through
/// it (every audit line of the request names the token), or the refusal for the guard. No
/// cookie is read or set.
async fn with_api_token(
    state: &AppState,
    mut request: Request,
    next: Next,
    secret: &str,
) -> Response {
    let visitor = match api_tokens::authenticate(&state.app, secret, state.clock.now()).await {
        Ok(token) => Visitor::with_token(token, secret),
        Err(refused) => Visitor {
            bearer: Some(Bearer::Refused(Arc::new(refused))),
            ..Visitor::anonymous()
        },
    };
    let name = visitor.token().map(|t| t.name.clone());
    if let Some(s) = &visitor.signed_in {
        request
            .extensions_mut()
            .insert(ProfileLanguage(s.user.language.clone()));
    }
    request.extensions_mut().insert(visitor);
    let mut response = match name {
        Some(name) => api_tokens::acting_with(name, next.run(request)).await,
        None => next.run(request).await,
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether the response already sets cookie `name` (a handler signed someone in or out).
fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split('=').next() == Some(name))
}

/// Attributes of a cookie we set.
#[derive(Debug, Clone, Copy)]
pub struct CookieOptions {
    pub path: &'static str,
    pub same_site: &'static str,
    /// Seconds; `None` for a browser-session cookie.
    pub max_age: Option<i64>,
}

impl CookieOptions {
    /// The session cookie: Lax (see the module doc), whole site, browser session.
    pub fn session() -> CookieOptions {
        CookieOptions {
            path: "/",
            same_site: "Lax",
            max_age: None,
        }
    }

    /// The anonymous CSRF cookie: never sent on any cross-site request.
    pub fn strict() -> CookieOptions {
        CookieOptions {
            path: "/",
            same_site: "Strict",
            max_age: None,
        }
    }
}

/// Appends `Set-Cookie: name=value` (always HttpOnly; Secure on HTTPS deployments).
pub fn set_cookie(
    headers: &mut HeaderMap,
    config: &WebConfig,
    name: &str,
    value: &str,
    options: CookieOptions,
) {
    let mut cookie = format!(
        "{name}={value}; Path={}; HttpOnly; SameSite={}",
        options.path, options.same_site
    );
    if let Some(age) = options.max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if config.secure_cookies {
        cookie.push_str("; Secure");
    }
    match HeaderValue::from_str(&cookie) {
        Ok(v) => {
            headers.append(SET_COOKIE, v);
        }
        // Our names and values are plain ASCII tokens; this would be a bug, not input.
        Err(e) => tracing::error!(error = %e, name, "cannot build a cookie header"),
    }
}

/// Appends a `Set-Cookie` that makes the browser drop cookie `name` (at `path`).
pub fn clear_cookie(headers: &mut HeaderMap, config: &WebConfig, name: &str, path: &'static str) {
    set_cookie(
        headers,
        config,
        name,
        "",
        CookieOptions {
            path,
            same_site: "Lax",
            max_age: Some(0),
        },
    );
}

fn visitor_of(parts: &Parts) -> Visitor {
    parts
        .extensions
        .get::<Visitor>()
        .cloned()
        .unwrap_or_else(Visitor::anonymous)
}

/// Extractor: who is asking (maybe nobody signed in).
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Visitor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CurrentActor(visitor_of(parts)))
    }
}

/// Extractor: the signed-in person. Routes that take it are declared with a capability that
/// anonymous visitors lack, so the guard has answered them already; this rejection is the
/// belt to that pair of braces.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Arc<SignedIn>);

impl std::ops::Deref for CurrentUser {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        visitor_of(parts)
            .signed_in
            .map(CurrentUser)
            .ok_or(WebError::Unauthorized)
    }
}

/// Extractor: what the policy granted the signed-in person ([`Grant`]: [`Staff`],
/// `Scheduler`, `Reviewer`, `Partner`…), for the use cases that take it. The route's guard has
/// let in only those with the route's capability; anyone else is refused here too.
#[derive(Debug, Clone, Copy)]
pub struct Granted<G>(pub G);

impl<S: Send + Sync, G: Grant> FromRequestParts<S> for Granted<G> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.grant().map(Granted)
    }
}

/// Extractor: the client's address, the key of per-address rate limits: the TCP peer, or the
/// last `X-Forwarded-For` entry when the deployment trusts its proxy
/// ([`WebConfig::trust_forwarded_for`]). `unknown` when neither is available (in-process
/// tests).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .next_back()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit(',').next())
                    .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddress(
            forwarded
                .or(peer)
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}
