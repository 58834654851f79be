//! External sign-in with OpenID Connect, the pages around `onsite_app::oidc`:
//!
//! - `POST /auth/oidc/{id}/begin` (sign-in page, anonymous; flows begun and not finished are
//!   limited per address) and
//!   `POST /profile/external/{id}/link` (profile, signed in) start a flow: the state goes into
//!   a short-lived cookie and the browser to the provider.
//! - `GET /auth/oidc/{id}/callback`: the provider sends the browser back here; the flow is
//!   finished (state, cookie, PKCE, ID token checked by the core) and the person is signed in
//!   or the identity linked. The state cookie is cleared whatever happens.
//! - `POST /profile/external/{id}/unlink` removes one of the person's own links.
//!
//! The redirect URI is the public URL plus `/auth/oidc/{id}/callback`: register exactly that
//! at the provider.

use super::start_session;
use crate::guard::see_other;
use crate::input::PathId;
use crate::locale::cookie;
use crate::session::{
    ClientAddress, CookieOptions, CurrentActor, CurrentUser, clear_cookie, set_cookie,
};
use crate::{AppState, WebError, WebResult};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use onsite_app::failure::Failure;
use onsite_app::identity::{self, IdentityError};
use onsite_app::oidc::{Callback, FLOW_LIFETIME, OidcError, Outcome, Purpose};

/// The cookie that ties a flow to the browser that began it.
pub const STATE_COOKIE: &str = "onsite_oidc";
/// Only the callback needs it.
const STATE_COOKIE_PATH: &str = "/auth/oidc/";

/// Where the provider sends the browser back: registered at the provider, character for
/// character.
pub fn redirect_uri(state: &AppState, provider_id: &str) -> String {
    state
        .app
        .link(&format!("/auth/oidc/{provider_id}/callback"))
}

/// How a failed flow is answered: the core's reason in the person's language; what failed on
/// our side or the provider's is logged as an error, a refusal as information.
fn refused(e: OidcError) -> WebError {
    if e.kind().is_server_side() {
        tracing::error!(error = %e, "external sign-in failed");
    } else {
        tracing::info!(error = %e, "external sign-in refused");
    }
    e.into()
}

/// Sends the browser to the provider, remembering the flow's state in this browser.
fn to_provider(state: &AppState, begun: onsite_app::oidc::Begun) -> Response {
    let mut response = see_other(begun.authorize_url.as_str());
    set_cookie(
        response.headers_mut(),
        &state.config,
        STATE_COOKIE,
        begun.state.expose(),
        CookieOptions {
            path: STATE_COOKIE_PATH,
            // Lax: the provider's redirect back is a cross-site navigation that must carry it.
            same_site: "Lax",
            max_age: Some(FLOW_LIFETIME.as_secs()),
        },
    );
    response
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BeginForm {
    return_to: Option<String>,
}

/// `POST /auth/oidc/{id}/begin`: "Sign in with …".
pub async fn begin_sign_in(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    ClientAddress(client): ClientAddress,
    Form(form): Form<BeginForm>,
) -> WebResult<Response> {
    let now = state.clock.now();
    identity::limit_external_sign_in(&state.app, &client, now).await?;
    let return_to = super::return_path(form.return_to.as_deref());
    let begun = state
        .oidc
        .begin(
            &state.store,
            &provider_id,
            Purpose::SignIn,
            &redirect_uri(&state, &provider_id),
            return_to,
            now,
        )
        .await
        .map_err(refused)?;
    Ok(to_provider(&state, begun))
}

/// `POST /profile/external/{id}/link`: "Link …" under Manage external authentication.
pub async fn link(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    user: CurrentUser,
) -> WebResult<Response> {
    let begun = state
        .oidc
        .begin(
            &state.store,
            &provider_id,
            Purpose::Link(user.user.id),
            &redirect_uri(&state, &provider_id),
            None,
            state.clock.now(),
        )
        .await
        .map_err(refused)?;
    Ok(to_provider(&state, begun))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

/// `GET /auth/oidc/{id}/callback`: finishes the flow the provider sends back.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    CurrentActor(visitor): CurrentActor,
    ClientAddress(client): ClientAddress,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let cookie_state = cookie(&headers, STATE_COOKIE);
    let now = state.clock.now();
    let redirect = redirect_uri(&state, &provider_id);
    let outcome = state
        .oidc
        .finish(
            &state.store,
            Callback {
                provider_id: &provider_id,
                state: query.state.as_deref(),
                code: query.code.as_deref(),
                error: query.error.as_deref(),
                cookie_state: cookie_state.as_deref(),
                signed_in_user: visitor.signed_in.as_ref().map(|s| s.user.id),
                redirect_uri: &redirect,
                now,
            },
        )
        .await;
    let mut response = match outcome {
        Ok(Outcome::SignedIn { user_id, return_to }) => {
            // Someone else may be signed in in this browser: their session ends first.
            if let Some(previous) = &visitor.signed_in
                && let Err(e) = identity::sign_out(&state.app, previous.token.expose()).await
            {
                tracing::error!(error = %e, "cannot end the previous session");
            }
            match identity::sign_in_as(&state.app, user_id, now).await {
                Ok(issued) => {
                    // The flow begun from this address is finished: it no longer counts.
                    if let Err(e) =
                        identity::external_sign_in_finished(&state.app, &client, now).await
                    {
                        tracing::error!(error = %e, "cannot count the external sign-in as finished");
                    }
                    let target = super::return_path(return_to.as_deref()).unwrap_or("/");
                    start_session(&state, &issued, target)
                }
                // Disabled between the provider's answer and now.
                Err(IdentityError::BadCredentials) => {
                    refused(OidcError::AccountDisabled).into_response()
                }
                Err(e) => WebError::from(e).into_response(),
            }
        }
        Ok(Outcome::Linked { return_to, .. }) => {
            see_other(super::return_path(return_to.as_deref()).unwrap_or("/profile?notice=linked"))
        }
        Err(e) => refused(e).into_response(),
    };
    clear_cookie(
        response.headers_mut(),
        &state.config,
        STATE_COOKIE,
        STATE_COOKIE_PATH,
    );
    response
}

/// `POST /profile/external/{id}/unlink`: removes one of the person's own links; an id that is
/// not theirs is not found (and nothing changes).
pub async fn unlink(
    State(state): State<AppState>,
    PathId(identity_id): PathId<i64>,
    user: CurrentUser,
) -> WebResult<Response> {
    let done = state
        .oidc
        .unlink(&state.store, user.user.id, identity_id)
        .await
        .map_err(refused)?;
    if done {
        Ok(see_other("/profile?notice=unlinked"))
    } else {
        Err(WebError::NotFound)
    }
}
