//! The sign-in page and its two tabs, **Sign in** (`/sign-in`) and **Redeem invitation**
//! (`/redeem`: the code, then the password of the new account), and signing out.
//!
//! Wrong email or password get one message whichever was wrong, so the form does not tell
//! which addresses have accounts; attempts are rate-limited by the use cases (in the
//! database). A redeemed invitation signs the person in and opens their profile, as the first
//! sign-in of the portal it replaces did.

use super::{return_path, start_session};
use crate::error::{form_status, set_retry_after};
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::layout::{Page, render_with_status};
use crate::session::{ClientAddress, CurrentUser, SESSION_COOKIE, clear_cookie};
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::identity::{self, IdentityError};
use onsite_app::oidc::ProviderInfo;

/// Which step of which tab the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    SignIn,
    RedeemCode,
    RedeemAccount,
}

#[derive(Template)]
#[template(path = "identity/sign_in.html")]
struct SignInPage {
    page: Page,
    step: Step,
    errors: FieldErrors,
    email: String,
    return_to: String,
    code: String,
    invited_email: String,
    providers: Vec<ProviderInfo>,
}

impl SignInPage {
    fn new(page: Page, state: &AppState, step: Step) -> SignInPage {
        SignInPage {
            page,
            step,
            errors: FieldErrors::new(),
            email: String::new(),
            return_to: String::new(),
            code: String::new(),
            invited_email: String::new(),
            providers: state.oidc.providers(),
        }
    }

    fn redeeming(&self) -> bool {
        self.step != Step::SignIn
    }

    fn render(&self, status: StatusCode) -> WebResult<Response> {
        render_with_status(status, self)
    }

    /// The form again after a refusal, with the refusal's status (and, when there were too
    /// many attempts, how long to wait in `Retry-After`).
    fn render_refused(&self, e: &IdentityError) -> WebResult<Response> {
        let mut response = self.render(form_status(e))?;
        set_retry_after(&mut response, e);
        Ok(response)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    return_to: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

/// `GET /sign-in`: the **Sign in** tab.
pub async fn sign_in_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<SignInQuery>,
) -> WebResult<Response> {
    let mut view = SignInPage::new(page, &state, Step::SignIn);
    view.return_to = return_path(query.return_to.as_deref())
        .unwrap_or_default()
        .to_owned();
    view.render(StatusCode::OK)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    return_to: Option<String>,
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(client): ClientAddress,
    Form(form): Form<SignInForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut view = SignInPage::new(page, &state, Step::SignIn);
    view.email = form.email.trim().to_owned();
    view.return_to = return_path(form.return_to.as_deref())
        .unwrap_or_default()
        .to_owned();
    if form.email.trim().is_empty() {
        view.errors
            .add("email", locale.text("identity-email-required"));
    }
    if form.password.is_empty() {
        view.errors
            .add("password", locale.text("identity-password-required"));
    }
    if !view.errors.is_empty() {
        return view.render(crate::error::INVALID);
    }
    let now = state.clock.now();
    match identity::sign_in(&state.app, &form.email, &form.password, &client, now).await {
        Ok(issued) => {
            let target = return_path(form.return_to.as_deref()).unwrap_or("/");
            Ok(start_session(&state, &issued, target))
        }
        Err(e @ (IdentityError::BadCredentials | IdentityError::RateLimited(_))) => {
            view.errors.add(FORM, e.message(locale));
            view.render_refused(&e)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /redeem`: the **Redeem invitation** tab, first step (`?code=` fills the field).
pub async fn redeem_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<SignInQuery>,
) -> WebResult<Response> {
    let mut view = SignInPage::new(page, &state, Step::RedeemCode);
    view.code = query.code.unwrap_or_default().trim().to_owned();
    view.render(StatusCode::OK)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

/// `POST /redeem`: checks the code, then asks for the new account's password.
pub async fn redeem_code(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(client): ClientAddress,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut view = SignInPage::new(page, &state, Step::RedeemCode);
    view.code = form.code.trim().to_owned();
    if view.code.is_empty() {
        view.errors
            .add("code", locale.text("identity-code-required"));
        return view.render(crate::error::INVALID);
    }
    let now = state.clock.now();
    match identity::check_code(&state.app, &form.code, &client, now).await {
        Ok(redeemable) => {
            view.step = Step::RedeemAccount;
            view.invited_email = redeemable.email.as_str().to_owned();
            view.render(StatusCode::OK)
        }
        Err(e) if !e.is_internal() => {
            let field = if matches!(e, IdentityError::RateLimited(_)) {
                FORM
            } else {
                "code"
            };
            view.errors.add(field, e.message(locale));
            view.render_refused(&e)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountForm {
    code: String,
    /// Shown again if the form is refused; the account's address comes from the invitation.
    email: String,
    password: String,
    confirm: String,
}

/// `POST /redeem/account`: creates the portal account, signs it in, and opens the profile.
pub async fn redeem_account(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(client): ClientAddress,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut view = SignInPage::new(page, &state, Step::RedeemAccount);
    view.code = form.code.trim().to_owned();
    view.invited_email = form.email.trim().to_owned();
    if form.password.is_empty() {
        view.errors
            .add("password", locale.text("identity-password-required"));
    } else if form.password != form.confirm {
        view.errors
            .add("confirm", locale.text("identity-passwords-differ"));
    }
    if !view.errors.is_empty() {
        return view.render(crate::error::INVALID);
    }
    let now = state.clock.now();
    match identity::redeem(&state.app, &form.code, &form.password, &client, now).await {
        Ok(issued) => Ok(start_session(&state, &issued, "/profile?welcome=1")),
        Err(e) if !e.is_internal() => {
            let message = e.message(locale);
            match e {
                IdentityError::WeakPassword(_) | IdentityError::Invalid(_) => {
                    view.errors.add("password", message)
                }
                IdentityError::RateLimited(_) => view.errors.add(FORM, message),
                // The code is no good (any more): back to the first step.
                _ => {
                    view.step = Step::RedeemCode;
                    view.errors.add("code", message);
                }
            }
            view.render_refused(&e)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /sign-out`: ends the session (in the database, not only in this browser).
pub async fn sign_out(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    identity::sign_out(&state.app, user.token.expose())
        .await
        .map_err(WebError::from)?;
    let mut response = see_other("/sign-in?notice=signed-out");
    clear_cookie(response.headers_mut(), &state.config, SESSION_COOKIE, "/");
    Ok(response)
}
