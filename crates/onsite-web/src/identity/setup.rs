//! The one-time setup page of an empty installation: whoever holds the code the server logged
//! at start makes themselves the first administrator, with their own password, and is signed
//! in. Once an administrator exists the page is gone (404), for good.

use crate::forms::FieldErrors;
use crate::identity::start_session;
use crate::layout::{Page, render, render_with_status};
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use onsite_app::{identity, team};

#[derive(Template)]
#[template(path = "identity/setup.html")]
struct SetupPage {
    page: Page,
    errors: FieldErrors,
    email: String,
    display_name: String,
}

/// `GET /setup`: the form, while the installation has no administrator.
pub async fn setup_page(State(state): State<AppState>, page: Page) -> WebResult<Response> {
    if !team::first_admin_needed(&state.app).await? {
        return Err(WebError::NotFound);
    }
    let view = SetupPage {
        page,
        errors: FieldErrors::new(),
        email: String::new(),
        display_name: String::new(),
    };
    render(&view)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SetupForm {
    code: String,
    email: String,
    name: String,
    password: String,
    confirm: String,
}

/// `POST /setup`: makes the first administrator and signs them in.
pub async fn set_up(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<SetupForm>,
) -> WebResult<Response> {
    if !team::first_admin_needed(&state.app).await? {
        return Err(WebError::NotFound);
    }
    let locale = page.locale;
    let mut view = SetupPage {
        page,
        errors: FieldErrors::new(),
        email: form.email.trim().to_owned(),
        display_name: form.name.trim().to_owned(),
    };
    if form.password != form.confirm {
        view.errors
            .add("confirm", locale.text("identity-passwords-differ"));
        return render_with_status(crate::error::INVALID, &view);
    }
    let made = team::set_up_first_admin(
        &state.app,
        &form.code,
        &form.email,
        &form.name,
        &form.password,
    )
    .await;
    let user = match made {
        Ok(user) => user,
        Err(e) if !e.is_internal() => {
            view.errors.add_failure(locale, &e);
            return render_with_status(crate::error::form_status(&e), &view);
        }
        Err(e) => return Err(e.into()),
    };
    let issued = identity::sign_in_as(&state.app, user, state.clock.now()).await?;
    Ok(start_session(&state, &issued, "/staff/users"))
}
