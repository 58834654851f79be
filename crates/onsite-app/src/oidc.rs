//! External sign-in with OpenID Connect: a signed-in user links an identity at a configured
//! provider (issuer URL, client id, secret) and can sign in with it afterwards.
//!
//! The flow is the authorization code flow with PKCE (S256), a nonce and a state, all fresh
//! random values from [`Secret::token`]. The flow is stored server-side under the hash of its
//! state (so any app server can finish it) and taken exactly once at the callback; the state is
//! also kept in a cookie by the page, so a callback URL handed to someone else's browser does
//! not work there. The ID token's signature, issuer, audience, nonce and expiry are checked by
//! `openidconnect`; signing keys come from the provider's discovery document, cached per
//! provider and refreshed hourly, or at once when a token is signed with a key we do not know
//! (the provider rotated its keys).
//!
//! OIDC never creates accounts: accounts come from invitations. Signing in with an identity
//! that no user has linked fails with [`OidcError::NotLinked`].
//!
//! Nothing here logs a token, a code, a nonce, a verifier or a client secret.

use crate::failure::{Failure, Kind};
use crate::secrets::Secret;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::UserId;
use onsite_i18n::Locale;
use onsite_store::external_identities::{self as store_ext, ExternalIdentity, NewFlow, NewLink};
use onsite_store::{Store, StoreError, accounts};
use openidconnect::core::{
    CoreClient, CoreClientAuthMethod, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthType, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse, core::CoreResponseType,
    reqwest, url::Url,
};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a person has between leaving for the provider and coming back.
pub const FLOW_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// How long discovered provider metadata (endpoints, signing keys) is trusted before it is
/// fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(60 * 60);
/// Each request to a provider (discovery, token exchange) gives up after this long.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A client secret as configured. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct OidcClientSecret(String);

impl OidcClientSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        OidcClientSecret(secret.into())
    }
}

impl fmt::Debug for OidcClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OidcClientSecret(***)")
    }
}

/// One provider people may link and sign in with, as the operator configures it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OidcProviderConfig {
    /// The slug used in URLs (`/auth/oidc/{id}/callback`) and stored with each link: lower-case
    /// letters, digits and dashes. Changing it orphans the links made under the old one.
    pub id: String,
    /// The name on the "Sign in with …" button.
    pub display_name: String,
    /// `https://…` (plain `http://` only on a loopback address, for tests and development).
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: OidcClientSecret,
    /// Scopes asked for besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["email".to_owned()]
}

/// A configuration the program refuses to start with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcConfigError {
    #[error("OpenID provider id {0:?} must be 1 to 40 lower-case letters, digits or dashes")]
    BadId(String),
    #[error("OpenID provider id {0:?} is configured twice")]
    DuplicateId(String),
    #[error("OpenID provider {id}: {field} must not be empty")]
    Empty { id: String, field: &'static str },
    #[error("OpenID provider {id}: issuer URL {url:?} is not a valid URL")]
    BadIssuer { id: String, url: String },
    #[error(
        "OpenID provider {id}: issuer URL {url:?} must use https (http is accepted only on a loopback address)"
    )]
    InsecureIssuer { id: String, url: String },
    #[error("OpenID provider {id}: scope {scope:?} is not a valid scope")]
    BadScope { id: String, scope: String },
    #[error("cannot build the HTTP client for OpenID Connect: {0}")]
    HttpClient(String),
}

/// Why a flow is begun: to sign in, or to link an identity to the signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    Link(UserId),
}

/// What the page does after [`Oidc::begin`]: keep `state` in a short-lived cookie and send the
/// browser to `authorize_url`.
pub struct Begun {
    pub authorize_url: Url,
    /// The flow's state, for the page's cookie (HttpOnly, Secure, SameSite=Lax, Path of the
    /// callback, Max-Age [`FLOW_LIFETIME`]). Pass it back as [`Callback::cookie_state`].
    pub state: Secret,
}

impl fmt::Debug for Begun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Begun")
            .field("authorize_url", &"(carries the state)")
            .finish_non_exhaustive()
    }
}

/// The provider's redirect back to Onsite, as the callback page received it.
#[derive(Debug, Clone, Copy)]
pub struct Callback<'a> {
    /// The provider id from the callback's path.
    pub provider_id: &'a str,
    /// Query `state`.
    pub state: Option<&'a str>,
    /// Query `code`.
    pub code: Option<&'a str>,
    /// Query `error` (the person cancelled, or the provider refused).
    pub error: Option<&'a str>,
    /// The state cookie set when the flow began.
    pub cookie_state: Option<&'a str>,
    /// Who is signed in in this browser now, if anyone.
    pub signed_in_user: Option<UserId>,
    /// The same redirect URI that was given to [`Oidc::begin`].
    pub redirect_uri: &'a str,
    pub now: Timestamp,
}

/// A finished flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The identity is linked to this user, who is to be signed in.
    SignedIn {
        user_id: UserId,
        return_to: Option<String>,
    },
    /// The identity is now linked to the user who started the flow.
    Linked {
        identity: ExternalIdentity,
        return_to: Option<String>,
    },
}

/// Why a flow could not begin or finish. [`OidcError::reason`] is the Fluent message id to show.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("no OpenID provider {0:?} is configured")]
    UnknownProvider(String),
    #[error("the return address is not a path on this site")]
    UnsafeReturnTo,
    #[error("the redirect URI {0:?} is not an absolute http(s) URL")]
    BadRedirectUri(String),
    #[error("the sign-in flow is unknown, already used or expired")]
    FlowNotFound,
    #[error("the callback's state does not match this browser's")]
    BrowserMismatch,
    #[error("the flow was begun to link another user's identity, or that user signed out")]
    LinkSessionMismatch,
    #[error("the provider refused: {0}")]
    Denied(String),
    #[error("the callback carries no code and no error")]
    BadCallback,
    #[error("the provider {provider} is unavailable: {detail}")]
    ProviderUnavailable { provider: String, detail: String },
    #[error("the provider {provider} refused the code: {detail}")]
    TokenRejected { provider: String, detail: String },
    #[error("the ID token from {provider} is not valid: {detail}")]
    InvalidIdToken { provider: String, detail: String },
    #[error("no Onsite account is linked to this identity")]
    NotLinked,
    #[error("this identity is already linked to another Onsite account")]
    LinkedToAnotherUser,
    #[error("the account is disabled")]
    AccountDisabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OidcError {
    /// The Fluent message id that explains the failure to the person (`locales/*/oidc.ftl`).
    pub fn reason(&self) -> &'static str {
        match self {
            OidcError::UnknownProvider(_) => "oidc-error-unknown-provider",
            OidcError::UnsafeReturnTo | OidcError::BadCallback => "oidc-error-bad-request",
            OidcError::FlowNotFound => "oidc-error-flow-expired",
            OidcError::BrowserMismatch => "oidc-error-browser-mismatch",
            OidcError::LinkSessionMismatch => "oidc-error-link-session",
            OidcError::Denied(_) => "oidc-error-denied",
            OidcError::ProviderUnavailable { .. } => "oidc-error-provider-unavailable",
            OidcError::TokenRejected { .. } | OidcError::InvalidIdToken { .. } => {
                "oidc-error-not-verified"
            }
            OidcError::NotLinked => "oidc-error-not-linked",
            OidcError::LinkedToAnotherUser => "oidc-error-linked-elsewhere",
            OidcError::AccountDisabled => "oidc-error-account-disabled",
            OidcError::BadRedirectUri(_) | OidcError::Store(_) => "oidc-error-internal",
        }
    }

    /// Whether the fault is on our side (log it, answer 5xx) rather than the request's.
    pub fn is_server_error(&self) -> bool {
        matches!(
            self,
            OidcError::BadRedirectUri(_)
                | OidcError::Store(_)
                | OidcError::ProviderUnavailable { .. }
        )
    }
}

impl Failure for OidcError {
    fn kind(&self) -> Kind {
        match self {
            OidcError::ProviderUnavailable { .. } => Kind::Upstream,
            OidcError::BadRedirectUri(_) => Kind::Internal,
            OidcError::Store(e) => e.kind(),
            OidcError::UnknownProvider(_) => Kind::NotFound,
            OidcError::NotLinked | OidcError::AccountDisabled => Kind::NotAllowed,
            OidcError::LinkedToAnotherUser => Kind::Conflict,
            _ => Kind::Malformed,
        }
    }

    fn code(&self) -> &'static str {
        "external_sign_in"
    }

    fn message(&self, locale: Locale) -> String {
        locale.text(self.reason())
    }
}

/// A provider as the sign-in and profile pages list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub id: String,
    pub display_name: String,
}

/// One of the user's links, for "Manage external authentication".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIdentity {
    /// Pass to [`Oidc::unlink`].
    pub id: i64,
    pub provider_id: String,
    /// The provider's display name, or its id when it is no longer configured.
    pub provider_name: String,
    pub email: Option<String>,
    pub linked_at: Timestamp,
}

struct Cached {
    metadata: CoreProviderMetadata,
    fetched_at: Instant,
}

struct Provider {
    config: OidcProviderConfig,
    issuer: IssuerUrl,
    scopes: Vec<Scope>,
    /// Held across a fetch, so concurrent requests wait for one discovery instead of each
    /// making their own.
    cache: tokio::sync::Mutex<Option<Cached>>,
}

/// The configured providers and their cached metadata. Cheap to clone; build once at startup.
#[derive(Clone)]
pub struct Oidc {
    providers: Arc<Vec<Provider>>,
    http: reqwest::Client,
}

impl fmt::Debug for Oidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Oidc")
            .field(
                "providers",
                &self
                    .providers
                    .iter()
                    .map(|p| &p.config.id)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Oidc {
    /// Checks the configuration. No network access: providers are discovered on first use, so
    /// one that is down does not stop the portal from starting.
    pub fn new(configs: Vec<OidcProviderConfig>) -> Result<Oidc, OidcConfigError> {
        let mut providers: Vec<Provider> = Vec::with_capacity(configs.len());
        for config in configs {
            let id = config.id.clone();
            let slug_ok = (1..=40).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !id.starts_with('-');
            if !slug_ok {
                return Err(OidcConfigError::BadId(id));
            }
            if providers.iter().any(|p| p.config.id == id) {
                return Err(OidcConfigError::DuplicateId(id));
            }
            for (field, value) in [
                ("display_name", &config.display_name),
                ("client_id", &config.client_id),
                ("client_secret", &config.client_secret.0),
            ] {
                if value.trim().is_empty() {
                    return Err(OidcConfigError::Empty { id, field });
                }
            }
            let url = Url::parse(&config.issuer_url)
                .ok()
                .filter(|u| u.host_str().is_some())
                .ok_or_else(|| OidcConfigError::BadIssuer {
                    id: id.clone(),
                    url: config.issuer_url.clone(),
                })?;
            match url.scheme() {
                "https" => {}
                "http" if is_loopback(&url) => {}
                _ => {
                    return Err(OidcConfigError::InsecureIssuer {
                        id,
                        url: config.issuer_url.clone(),
                    });
                }
            }
            let scopes = config
                .scopes
                .iter()
                .filter(|s| s.as_str() != "openid")
                .map(|s| {
                    let valid = !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
                    if valid {
                        Ok(Scope::new(s.clone()))
                    } else {
                        Err(OidcConfigError::BadScope {
                            id: id.clone(),
                            scope: s.clone(),
                        })
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            // Discovery compares the document's `issuer` with this string exactly, so keep it
            // as configured (a trailing slash matters).
            let issuer = IssuerUrl::new(config.issuer_url.clone()).map_err(|_| {
                OidcConfigError::BadIssuer {
                    id: id.clone(),
                    url: config.issuer_url.clone(),
                }
            })?;
            providers.push(Provider {
                config,
                issuer,
                scopes,
                cache: tokio::sync::Mutex::new(None),
            });
        }
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's metadata point our server anywhere
            // (SSRF); OpenID endpoints do not redirect.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| OidcConfigError::HttpClient(e.to_string()))?;
        Ok(Oidc {
            providers: Arc::new(providers),
            http,
        })
    }

    /// The configured providers, in configuration order, for "Sign in with …" buttons.
    pub fn providers(&self) -> Vec<ProviderInfo> {
        self.providers
            .iter()
            .map(|p| ProviderInfo {
                id: p.config.id.clone(),
                display_name: p.config.display_name.clone(),
            })
            .collect()
    }

    fn provider(&self, id: &str) -> Result<&Provider, OidcError> {
        self.providers
            .iter()
            .find(|p| p.config.id == id)
            .ok_or_else(|| OidcError::UnknownProvider(id.to_owned()))
    }

    /// Starts a flow: stores it and returns where to send the browser. `redirect_uri` is the
    /// absolute URL of the callback route for this provider, as registered at the provider;
    /// `return_to` is a path on this site to land on afterwards.
    pub async fn begin(
        &self,
        store: &Store,
        provider_id: &str,
        purpose: Purpose,
        redirect_uri: &str,
        return_to: Option<&str>,
        now: Timestamp,
    ) -> Result<Begun, OidcError> {
        let provider = self.provider(provider_id)?;
        if return_to.is_some_and(|path| !is_local_path(path)) {
            return Err(OidcError::UnsafeReturnTo);
        }
        let redirect = redirect_url(redirect_uri)?;
        let client = self.client(provider).await?;

        let state = Secret::token();
        let nonce = Secret::token();
        // 64 hex characters: within PKCE's 43–128 and from the unreserved alphabet.
        let verifier = Secret::token();
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            verifier.expose().to_owned(),
        ));
        let (authorize_url, _, _) = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                {
                    let value = state.expose().to_owned();
                    move || CsrfToken::new(value)
                },
                {
                    let value = nonce.expose().to_owned();
                    move || Nonce::new(value)
                },
            )
            .add_scopes(provider.scopes.iter().cloned())
            .set_pkce_challenge(challenge)
            .set_redirect_uri(Cow::Owned(redirect))
            .url();

        let mut conn = store.conn().await?;
        // Flows abandoned half-way (a closed tab) would otherwise stay forever; there are only
        // ever a few minutes' worth, so sweeping here is cheap.
        store_ext::purge_expired_flows(&mut conn, now).await?;
        store_ext::create_flow(
            &mut conn,
            &NewFlow {
                state_hash: &state.hash(),
                provider: &provider.config.id,
                nonce: nonce.expose(),
                pkce_verifier: verifier.expose(),
                user_id: match purpose {
                    Purpose::SignIn => None,
                    Purpose::Link(user) => Some(user),
                },
                return_to,
                now,
                expires_at: now + FLOW_LIFETIME,
            },
        )
        .await?;
        Ok(Begun {
            authorize_url,
            state,
        })
    }

    /// Finishes a flow at the callback: checks the state (single use, this browser's, not
    /// expired), exchanges the code with the PKCE verifier, verifies the ID token, then signs
    /// in the linked user or stores the link. On any failure nothing is signed in or linked,
    /// and the flow is spent: the person starts again.
    pub async fn finish(&self, store: &Store, cb: Callback<'_>) -> Result<Outcome, OidcError> {
        let provider = self.provider(cb.provider_id)?;
        let Some(state) = cb.state.filter(|s| !s.is_empty()) else {
            return Err(OidcError::BadCallback);
        };
        let state = Secret::from_presented(state);
        let flow = {
            let mut conn = store.conn().await?;
            store_ext::take_flow(&mut conn, &state.hash(), cb.now).await?
        };
        let Some(flow) = flow else {
            return Err(OidcError::FlowNotFound);
        };
        // The flow is gone now whatever happens next, so a failed attempt cannot be retried
        // with the same state.
        if flow.provider != provider.config.id {
            // A callback for one provider carrying another's state: a mix-up, never legitimate.
            tracing::warn!(expected = %flow.provider, got = %provider.config.id, "OpenID callback reached the wrong provider route");
            return Err(OidcError::FlowNotFound);
        }
        let same_browser = cb
            .cookie_state
            .is_some_and(|c| Secret::from_presented(c).hash() == state.hash());
        if !same_browser {
            return Err(OidcError::BrowserMismatch);
        }
        if flow.user_id.is_some() && cb.signed_in_user != flow.user_id {
            return Err(OidcError::LinkSessionMismatch);
        }
        if let Some(error) = cb.error {
            // Provider-chosen text: keep it short in logs and messages.
            let error: String = error.chars().take(100).collect();
            tracing::info!(provider = %provider.config.id, %error, "OpenID provider returned an error to the callback");
            return Err(OidcError::Denied(error));
        }
        let Some(code) = cb.code.filter(|c| !c.is_empty()) else {
            return Err(OidcError::BadCallback);
        };
        let redirect = redirect_url(cb.redirect_uri)?;

        let client = self.client(provider).await?;
        let token_response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| unavailable(provider, e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => {
                    let detail = r.to_string();
                    tracing::warn!(provider = %provider.config.id, %detail, "OpenID provider refused the authorization code");
                    OidcError::TokenRejected { provider: provider.config.id.clone(), detail }
                }
                // The parse error's body may hold tokens: say only that it did not parse.
                RequestTokenError::Parse(..) => unavailable(provider, "unreadable token response".to_owned()),
                RequestTokenError::Request(e) => unavailable(provider, error_chain(&e)),
                RequestTokenError::Other(e) => unavailable(provider, e),
            })?;
        let Some(id_token) = token_response.id_token() else {
            return Err(invalid_token(
                provider,
                "the token response has no ID token".to_owned(),
            ));
        };

        let nonce = Nonce::new(flow.nonce.clone());
        let mut client = client;
        let first_check = id_token.claims(&verifier(&client), &nonce).cloned();
        let verified = match first_check {
            Ok(claims) => claims,
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps signed with a key published after we cached the set: fetch the
                // metadata again and check once more.
                client = self.refreshed_client(provider).await?;
                id_token
                    .claims(&verifier(&client), &nonce)
                    .map_err(|e| invalid_token(provider, e.to_string()))?
                    .clone()
            }
            Err(e) => return Err(invalid_token(provider, e.to_string())),
        };
        // The access token is not used, but a mismatching hash means the response was tampered
        // with.
        if let Some(expected) = verified.access_token_hash() {
            let verifier = verifier(&client);
            let alg = id_token
                .signing_alg()
                .map_err(|e| invalid_token(provider, e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| invalid_token(provider, e.to_string()))?;
            let actual = AccessTokenHash::from_token(token_response.access_token(), alg, key)
                .map_err(|e| invalid_token(provider, e.to_string()))?;
            if actual != *expected {
                return Err(invalid_token(
                    provider,
                    "the access token does not match its hash".to_owned(),
                ));
            }
        }

        let subject = verified.subject().as_str();
        let email = verified.email().map(|e| e.as_str());
        let mut conn = store.conn().await?;
        match flow.user_id {
            Some(user_id) => {
                let link = NewLink {
                    user_id,
                    provider: &provider.config.id,
                    subject,
                    email,
                    now: cb.now,
                };
                match store_ext::link(&mut conn, &link).await {
                    Ok(identity) => {
                        tracing::info!(provider = %provider.config.id, user = %user_id, "external identity linked");
                        Ok(Outcome::Linked {
                            identity,
                            return_to: flow.return_to,
                        })
                    }
                    Err(e) if e.is_conflict() => Err(OidcError::LinkedToAnotherUser),
                    Err(e) => Err(e.into()),
                }
            }
            None => {
                let Some(identity) =
                    store_ext::find(&mut conn, &provider.config.id, subject).await?
                else {
                    return Err(OidcError::NotLinked);
                };
                let user = accounts::user_by_id(&mut conn, identity.user_id).await?;
                if user.is_none_or(|u| u.disabled) {
                    return Err(OidcError::AccountDisabled);
                }
                Ok(Outcome::SignedIn {
                    user_id: identity.user_id,
                    return_to: flow.return_to,
                })
            }
        }
    }

    /// The user's linked identities, oldest first.
    pub async fn linked_identities(
        &self,
        store: &Store,
        user_id: UserId,
    ) -> Result<Vec<LinkedIdentity>, OidcError> {
        let mut conn = store.conn().await?;
        let links = store_ext::for_user(&mut conn, user_id).await?;
        Ok(links
            .into_iter()
            .map(|l| LinkedIdentity {
                id: l.id,
                provider_name: self
                    .providers
                    .iter()
                    .find(|p| p.config.id == l.provider)
                    .map_or_else(|| l.provider.clone(), |p| p.config.display_name.clone()),
                provider_id: l.provider,
                email: l.email,
                linked_at: l.linked_at,
            })
            .collect())
    }

    /// Unlinks one of the user's identities. Returns false (and changes nothing) when the id is
    /// not one of theirs.
    pub async fn unlink(
        &self,
        store: &Store,
        user_id: UserId,
        identity_id: i64,
    ) -> Result<bool, OidcError> {
        let mut conn = store.conn().await?;
        let done = store_ext::unlink(&mut conn, user_id, identity_id).await?;
        if done {
            tracing::info!(user = %user_id, identity = identity_id, "external identity unlinked");
        }
        Ok(done)
    }

    /// A client for the provider from cached metadata, discovering it when missing or stale.
    async fn client(&self, provider: &Provider) -> Result<Client, OidcError> {
        let mut cache = provider.cache.lock().await;
        let fresh = cache
            .as_ref()
            .is_some_and(|c| c.fetched_at.elapsed() < METADATA_TTL);
        if !fresh {
            match self.discover(provider).await {
                Ok(metadata) => {
                    *cache = Some(Cached {
                        metadata,
                        fetched_at: Instant::now(),
                    })
                }
                // A provider briefly down should not stop sign-ins that stale metadata can
                // still serve; the next request tries again.
                Err(e) if cache.is_some() => {
                    tracing::warn!(provider = %provider.config.id, error = %e, "OpenID discovery failed; using the previous metadata");
                }
                Err(e) => return Err(e),
            }
        }
        let metadata = cache
            .as_ref()
            .map(|c| c.metadata.clone())
            .ok_or_else(|| unavailable(provider, "no metadata".to_owned()))?;
        Ok(build_client(provider, metadata))
    }

    /// Like [`Oidc::client`], fetching the metadata again first (at most once a minute, so a
    /// stream of badly signed tokens cannot make us hammer the provider).
    async fn refreshed_client(&self, provider: &Provider) -> Result<Client, OidcError> {
        {
            let mut cache = provider.cache.lock().await;
            let recent = cache
                .as_ref()
                .is_some_and(|c| c.fetched_at.elapsed() < Duration::from_secs(60));
            if !recent {
                let metadata = self.discover(provider).await?;
                *cache = Some(Cached {
                    metadata,
                    fetched_at: Instant::now(),
                });
            }
        }
        self.client(provider).await
    }

    async fn discover(&self, provider: &Provider) -> Result<CoreProviderMetadata, OidcError> {
        CoreProviderMetadata::discover_async(provider.issuer.clone(), &self.http)
            .await
            .map_err(|e| {
                let detail = error_chain(&e);
                tracing::warn!(provider = %provider.config.id, %detail, "OpenID discovery failed");
                unavailable(provider, detail)
            })
    }
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn build_client(provider: &Provider, metadata: CoreProviderMetadata) -> Client {
    // Send the secret the way the provider says it accepts; Basic is the standard's default.
    let auth_type = match metadata.token_endpoint_auth_methods_supported() {
        Some(methods)
            if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    };
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.config.client_id.clone()),
        Some(ClientSecret::new(provider.config.client_secret.0.clone())),
    )
    .set_auth_type(auth_type)
}

fn verifier(client: &Client) -> openidconnect::core::CoreIdTokenVerifier<'_> {
    // Only signatures by the provider's published keys: HMAC with the client secret (which
    // the metadata may also offer) would let anyone holding the secret mint tokens.
    client.id_token_verifier().set_allowed_algs([
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha384,
        CoreJwsSigningAlgorithm::RsaSsaPssSha512,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::EcdsaP384Sha384,
        CoreJwsSigningAlgorithm::EdDsa,
    ])
}

fn unavailable(provider: &Provider, detail: String) -> OidcError {
    OidcError::ProviderUnavailable {
        provider: provider.config.id.clone(),
        detail,
    }
}

fn invalid_token(provider: &Provider, detail: String) -> OidcError {
    tracing::warn!(provider = %provider.config.id, %detail, "OpenID ID token rejected");
    OidcError::InvalidIdToken {
        provider: provider.config.id.clone(),
        detail,
    }
}

/// An error and its causes on one line ("request failed: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn redirect_url(uri: &str) -> Result<RedirectUrl, OidcError> {
    let ok = Url::parse(uri)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !ok {
        return Err(OidcError::BadRedirectUri(uri.to_owned()));
    }
    RedirectUrl::new(uri.to_owned()).map_err(|_| OidcError::BadRedirectUri(uri.to_owned()))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(openidconnect::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(openidconnect::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(openidconnect::url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Longest path accepted as a place to return to; anything longer goes back home.
pub const MAX_LOCAL_PATH: usize = 2048;

/// A path on this site, safe to redirect to: `/…`, not `//host` or `/\host` (which browsers
/// read as another site), at most [`MAX_LOCAL_PATH`] bytes, no control characters or
/// whitespace. The one rule for every return address (sign-in, external sign-in, the language
/// switcher); the web edge adds only that the path parses as an HTTP path-and-query.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= MAX_LOCAL_PATH
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(id: &str, issuer: &str) -> OidcProviderConfig {
        OidcProviderConfig {
            id: id.to_owned(),
            display_name: "Corp".to_owned(),
            issuer_url: issuer.to_owned(),
            client_id: "onsite".to_owned(),
            client_secret: OidcClientSecret::new("s3cret-value"),
            scopes: default_scopes(),
        }
    }

    #[test]
    fn configuration_is_checked_at_startup() {
        assert!(
            Oidc::new(vec![
                config("corp", "https://id.example.com"),
                config("dev", "http://127.0.0.1:9000")
            ])
            .is_ok()
        );
        assert!(Oidc::new(vec![config("dev", "http://localhost:9000/realms/x")]).is_ok());
        let cases = [
            (vec![config("Corp", "https://id.example.com")], "BadId"),
            (vec![config("", "https://id.example.com")], "BadId"),
            (vec![config("a/b", "https://id.example.com")], "BadId"),
            (
                vec![
                    config("corp", "https://a.example.com"),
                    config("corp", "https://b.example.com"),
                ],
                "DuplicateId",
            ),
            (
                vec![config("corp", "http://id.example.com")],
                "InsecureIssuer",
            ),
            (vec![config("corp", "ftp://127.0.0.1")], "InsecureIssuer"),
            (vec![config("corp", "not a url")], "BadIssuer"),
            (
                vec![OidcProviderConfig {
                    client_id: " ".into(),
                    ..config("corp", "https://id.example.com")
                }],
                "Empty",
            ),
            (
                vec![OidcProviderConfig {
                    scopes: vec!["a b".into()],
                    ..config("corp", "https://id.example.com")
                }],
                "BadScope",
            ),
        ];
        for (configs, expected) in cases {
            let err = Oidc::new(configs).unwrap_err();
            assert!(
                format!("{err:?}").starts_with(expected),
                "{err:?} is not {expected}"
            );
        }
    }

    #[test]
    fn secrets_never_print() {
        let c = config("corp", "https://id.example.com");
        assert!(!format!("{c:?}").contains("s3cret-value"));
        let parsed: OidcProviderConfig = serde_json::from_str(
            r#"{"id":"corp","display_name":"Corp","issuer_url":"https://id.example.com","client_id":"x","client_secret":"s3cret-value"}"#,
        )
        .unwrap();
        assert_eq!(parsed.scopes, vec!["email"]);
        assert!(!format!("{parsed:?}").contains("s3cret-value"));
    }

    #[test]
    fn only_local_paths_are_return_addresses() {
        for ok in ["/", "/profile", "/bookings?page=2#x"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "profile",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/a\nb",
            "/\u{7f}",
            "/a b",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
        let longest = format!("/{}", "a".repeat(MAX_LOCAL_PATH - 1));
        assert!(is_local_path(&longest));
        assert!(!is_local_path(&format!("{longest}a")));
    }

    #[test]
    fn every_error_has_a_reason_and_server_faults_are_marked() {
        assert_eq!(OidcError::NotLinked.reason(), "oidc-error-not-linked");
        assert!(!OidcError::NotLinked.is_server_error());
        assert!(OidcError::Store(StoreError::NotFound).is_server_error());
        assert!(
            OidcError::ProviderUnavailable {
                provider: "p".into(),
                detail: "d".into()
            }
            .is_server_error()
        );
    }
}
