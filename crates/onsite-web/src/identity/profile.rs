//! The profile: name, phone, preferred language, time zone and notification preferences (all
//! optional), the password, and **Manage external authentication**. Right after redeeming an
//! invitation it opens in its welcome form (`?welcome=1`), as the first sign-in of the portal
//! it replaces did; saving it then leads home.

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use onsite_app::identity::{self, IdentityError, ProfileInput};
use onsite_app::oidc::{LinkedIdentity, ProviderInfo};
use std::sync::LazyLock;

/// The time zones people can choose: the IANA names of the bundled database, in the
/// `Area/Location` form (plus `UTC`), sorted.
pub(crate) static ZONES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        .filter(|name| {
            name == "UTC"
                || (name.contains('/')
                    && !name.starts_with("Etc/")
                    && !name.starts_with("SystemV/")
                    && !name.starts_with("posix/")
                    && !name.starts_with("right/"))
        })
        .collect();
    zones.sort();
    zones.dedup();
    zones
});

#[derive(Template)]
#[template(path = "identity/profile.html")]
struct ProfilePage {
    page: Page,
    welcome: bool,
    email: String,
    display_name: String,
    phone: String,
    language: String,
    time_zone: String,
    notify_email: bool,
    zones: &'static [String],
    profile_errors: FieldErrors,
    password_errors: FieldErrors,
    identities: Vec<LinkedIdentity>,
    providers: Vec<ProviderInfo>,
}

impl ProfilePage {
    fn zone_selected(&self, zone: &str) -> bool {
        zone == self.time_zone
    }
}

/// The page with the stored profile filled in.
async fn view(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    welcome: bool,
) -> WebResult<ProfilePage> {
    let u = &user.user;
    let identities = state
        .oidc
        .linked_identities(&state.store, u.id)
        .await
        .map_err(WebError::internal)?;
    Ok(ProfilePage {
        page,
        welcome,
        email: u.email.as_str().to_owned(),
        display_name: u.display_name.clone(),
        phone: u.phone.clone().unwrap_or_default(),
        language: u.language.clone().unwrap_or_default(),
        time_zone: u.time_zone.clone().unwrap_or_default(),
        notify_email: u.notify_email,
        zones: &ZONES,
        profile_errors: FieldErrors::new(),
        password_errors: FieldErrors::new(),
        identities,
        providers: state.oidc.providers(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProfileQuery {
    welcome: Option<String>,
}

/// `GET /profile` (`?welcome=1` right after redeeming an invitation).
pub async fn profile_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ProfileQuery>,
) -> WebResult<Response> {
    let welcome = query.welcome.is_some_and(|w| w == "1");
    render(&view(&state, page, &user, welcome).await?)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    display_name: String,
    phone: String,
    language: String,
    time_zone: String,
    /// A checkbox: present ("on") when ticked, absent otherwise.
    notify_email: Option<String>,
    welcome: Option<String>,
}

/// `POST /profile`: saves the profile; a refused field shows the form again with what was
/// typed, and nothing is saved.
pub async fn save_profile(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(form): Form<ProfileForm>,
) -> WebResult<Response> {
    let welcome = form.welcome.as_deref() == Some("1");
    let input = ProfileInput {
        display_name: form.display_name.clone(),
        phone: form.phone.clone(),
        language: form.language.clone(),
        time_zone: form.time_zone.clone(),
        notify_email: form.notify_email.is_some(),
    };
    match identity::update_profile(&state.app, user.user.id, &input).await {
        Ok(()) if welcome => Ok(see_other("/")),
        Ok(()) => Ok(see_other("/profile?notice=profile-saved")),
        Err(IdentityError::Invalid(invalid)) => {
            let locale = page.locale;
            let mut view = view(&state, page, &user, welcome).await?;
            view.display_name = form.display_name;
            view.phone = form.phone;
            view.language = form.language;
            view.time_zone = form.time_zone;
            view.notify_email = input.notify_email;
            view.profile_errors.add_invalid(locale, &invalid);
            render_with_status(crate::error::INVALID, &view)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /profile/password`: changes the password and ends the person's other sessions (this
/// one stays).
pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    if form.current_password.is_empty() {
        errors.add(
            "current_password",
            locale.text("identity-password-required"),
        );
    }
    if form.new_password.is_empty() {
        errors.add("new_password", locale.text("identity-password-required"));
    } else if form.new_password != form.confirm_password {
        errors.add("confirm_password", locale.text("identity-passwords-differ"));
    }
    if errors.is_empty() {
        let outcome = identity::change_password(
            &state.app,
            user.user.id,
            &form.current_password,
            &form.new_password,
            user.token.expose(),
        )
        .await;
        match outcome {
            Ok(()) => return Ok(see_other("/profile?notice=password-changed")),
            Err(e @ IdentityError::WrongCurrentPassword) => {
                errors.add("current_password", locale.text(e.message_id()))
            }
            Err(e @ (IdentityError::WeakPassword(_) | IdentityError::Invalid(_))) => {
                errors.add("new_password", locale.text(e.message_id()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut view = view(&state, page, &user, false).await?;
    view.password_errors = errors;
    render_with_status(crate::error::INVALID, &view)
}
