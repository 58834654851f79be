//! A forgotten password: **Forgot password?** emails a reset link (the answer is the same
//! whether or not the address has an account), and the link's page sets a new password, which
//! ends every session of the account.

use crate::error::set_retry_after;
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::layout::{Page, render, render_with_status};
use crate::session::ClientAddress;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::identity::{self, IdentityError};
use onsite_domain::text::EmailAddress;

#[derive(Template)]
#[template(path = "identity/forgot_password.html")]
struct ForgotPage {
    page: Page,
    errors: FieldErrors,
    email: String,
    sent: bool,
}

/// `GET /forgot-password`.
pub async fn forgot_page(page: Page) -> WebResult<Response> {
    render(&ForgotPage {
        page,
        errors: FieldErrors::new(),
        email: String::new(),
        sent: false,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

/// `POST /forgot-password`: queues the reset email if the address has an account, and says
/// the same either way.
pub async fn forgot(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(client): ClientAddress,
    Form(form): Form<ForgotForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut view = ForgotPage {
        page,
        errors: FieldErrors::new(),
        email: form.email.trim().to_owned(),
        sent: false,
    };
    if view.email.is_empty() {
        view.errors
            .add("email", locale.text("identity-email-required"));
    } else if let Err(invalid) = EmailAddress::parse(&view.email) {
        // Saying an address is malformed tells nothing about which ones have accounts.
        view.errors.add_invalid(locale, &invalid);
    }
    if !view.errors.is_empty() {
        return render_with_status(crate::error::INVALID, &view);
    }
    let now = state.clock.now();
    match identity::forgot_password(&state.app, &view.email, &client, now).await {
        Ok(()) => {
            view.sent = true;
            render(&view)
        }
        Err(e @ IdentityError::RateLimited(_)) => {
            view.errors.add(FORM, e.message(locale));
            let mut response = render_with_status(crate::error::status(&e), &view)?;
            set_retry_after(&mut response, &e);
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "identity/reset_password.html")]
struct ResetPage {
    page: Page,
    errors: FieldErrors,
    token: String,
    valid: bool,
}

/// A token as it may appear in the form's address: the 64 hex characters we issue. Anything
/// else is not looked up (and never put back into the page).
fn plausible(token: &str) -> Option<&str> {
    crate::session::plausible_token(token).then_some(token)
}

/// `GET /reset-password/{token}`: the form, or why the link does not work.
pub async fn reset_page(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let valid = match plausible(&token) {
        Some(t) => identity::reset_link_valid(&state.app, t, state.clock.now()).await?,
        None => false,
    };
    let view = ResetPage {
        page,
        errors: FieldErrors::new(),
        token: if valid { token } else { String::new() },
        valid,
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_with_status(status, &view)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    confirm: String,
}

/// `POST /reset-password/{token}`: sets the new password, ends every session of the account,
/// and sends the person to sign in with it.
pub async fn reset(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let Some(valid_token) = plausible(&token) else {
        let view = ResetPage {
            page,
            errors: FieldErrors::new(),
            token: String::new(),
            valid: false,
        };
        return render_with_status(StatusCode::NOT_FOUND, &view);
    };
    let mut view = ResetPage {
        page,
        errors: FieldErrors::new(),
        token: valid_token.to_owned(),
        valid: true,
    };
    if form.password.is_empty() {
        view.errors
            .add("password", locale.text("identity-password-required"));
    } else if form.password != form.confirm {
        view.errors
            .add("confirm", locale.text("identity-passwords-differ"));
    }
    if !view.errors.is_empty() {
        return render_with_status(crate::error::INVALID, &view);
    }
    match identity::reset_password(&state.app, valid_token, &form.password, state.clock.now()).await
    {
        Ok(_) => Ok(see_other("/sign-in?notice=password-reset")),
        Err(IdentityError::InvalidResetLink) => {
            view.valid = false;
            view.token.clear();
            render_with_status(StatusCode::NOT_FOUND, &view)
        }
        Err(e @ (IdentityError::WeakPassword(_) | IdentityError::Invalid(_))) => {
            view.errors.add("password", locale.text(e.message_id()));
            render_with_status(crate::error::INVALID, &view)
        }
        Err(e) => Err(e.into()),
    }
}
