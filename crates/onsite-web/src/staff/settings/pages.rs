//! The administrators' scheduling settings page: self-scheduling on or off, the slots offered
//! (length, arrival window, horizon, lead time), how travel between visits is estimated, and
//! how long invitation codes work. Every value is checked against its range first; a refused
//! form changes nothing. A saved value is in the very next slot search on every server (the
//! scheduling snapshot's version follows every write to the settings).

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::settings_form::{SettingField, labelled_setting_field, shown_value, submitted};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use onsite_app::failure::Failure;
use onsite_app::settings::{self, SCHEDULING};
use onsite_domain::settings::{Setting, SettingValue};
use onsite_i18n::Locale;

#[derive(Template)]
#[template(path = "staff/scheduling_settings.html")]
struct SchedulingPage {
    page: Page,
    errors: FieldErrors,
    fields: Vec<SettingField>,
}

fn field(locale: Locale, s: &'static Setting, value: String, on: bool) -> SettingField {
    let label = locale.text(&format!("web-setting-{}", s.key.replace('/', "-")));
    labelled_setting_field(locale, s, label, value, on)
}

/// `GET /staff/settings/scheduling`.
pub async fn scheduling_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let locale = page.locale;
    let fields = settings::read(&state.app, user.grant()?, &SCHEDULING)
        .await?
        .iter()
        .map(|r| {
            let on = r.value == SettingValue::Bool(true);
            field(locale, r.setting, shown_value(locale, &r.value), on)
        })
        .collect();
    let view = SchedulingPage {
        page,
        errors: FieldErrors::new(),
        fields,
    };
    render(&view)
}

/// `POST /staff/settings/scheduling`: checks every value; if any is out of its range the form
/// comes back with what was typed and a message naming the setting and its range, and nothing
/// is saved. Otherwise saves the values that changed (each audited).
pub async fn scheduling_save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::new();
    let mut fields = Vec::new();
    for sent in submitted(locale, &SCHEDULING, &pairs) {
        match sent.setting.parse(&sent.raw) {
            Ok(_) => wanted.push((sent.setting, sent.raw)),
            Err(invalid) => errors.add(sent.setting.key, invalid.message(locale)),
        }
        fields.push(field(locale, sent.setting, sent.shown, sent.on));
    }
    if !errors.is_empty() {
        let view = SchedulingPage {
            page,
            errors,
            fields,
        };
        return render_with_status(crate::error::INVALID, &view);
    }
    settings::save(&state.app, user.grant()?, &wanted).await?;
    Ok(see_other(
        "/staff/settings/scheduling?notice=scheduling-saved",
    ))
}
