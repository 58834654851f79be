//! The administrators' API tokens: `GET /staff/api-tokens` lists every token (name, scopes,
//! who made it and when, expiry, last use, revoked or not) with the form to make one and the
//! per-token rate limit; `POST /staff/api-tokens` makes one and shows its secret in that
//! answer only (it is never stored, so no later page can show it); `POST
//! /staff/api-tokens/{id}/revoke` stops one at once. See `onsite_app::api_tokens` for the
//! rules and docs/api.md for how programs use them.

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::Granted;
use crate::settings_form::{SettingField, labelled_setting_field, shown_value, submitted};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use onsite_app::api_tokens::{self, ApiTokenError, NewTokenInput, SETTINGS};
use onsite_app::failure::Failure;
use onsite_app::policy::Admin;
use onsite_app::settings;
use onsite_domain::InvalidInput;
use onsite_domain::api_token::{Access, Area, Scopes};
use onsite_domain::settings::SettingValue;
use onsite_i18n::Locale;
use onsite_store::api_tokens::TokenRow;

/// One area's choice in the form: none, read, or read and write.
struct ScopeChoice {
    area: &'static str,
    label: String,
    /// `""`, `read` or `write`.
    chosen: &'static str,
}

struct TokenView {
    id: i64,
    name: String,
    scopes: String,
    created_by: String,
    created_at: String,
    expires: String,
    last_used: String,
    /// Revoked or expired: shown as such, without a revoke button when revoked.
    state: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "staff/api_tokens.html")]
struct TokensPage {
    page: Page,
    errors: FieldErrors,
    tokens: Vec<TokenView>,
    /// The name typed (`name` would be the input macro's own parameter).
    typed_name: String,
    expires_on: String,
    scopes: Vec<ScopeChoice>,
    /// The token just made: its name and secret, shown this once.
    created: Option<(String, String)>,
    fields: Vec<SettingField>,
}

fn area_label(locale: Locale, area: Area) -> String {
    locale.text(&format!("api-tokens-area-{}", area.as_str()))
}

fn scopes_text(locale: Locale, scopes: &Scopes) -> String {
    scopes
        .iter()
        .map(|(area, access)| {
            let access = locale.text(match access {
                Access::Read => "api-tokens-access-read",
                Access::Write => "api-tokens-access-write",
            });
            format!("{} ({access})", area_label(locale, area))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn token_view(page: &Page, t: &TokenRow, now: Timestamp) -> TokenView {
    let never = page.t("api-tokens-never");
    let state = match (t.revoked_at, t.expires_at) {
        (Some(at), _) => page.t1("api-tokens-revoked-at", "time", page.time(at)),
        (None, Some(at)) if at <= now => page.t("api-tokens-expired"),
        _ => page.t("api-tokens-active"),
    };
    TokenView {
        id: t.id,
        name: t.name.clone(),
        scopes: scopes_text(page.locale, &t.scopes),
        created_by: t.created_by_name.clone(),
        created_at: page.time(t.created_at),
        expires: t
            .expires_at
            .map_or_else(|| never.clone(), |at| page.time(at)),
        last_used: t.last_used_at.map_or(never, |at| page.time(at)),
        state,
        revoked: t.revoked_at.is_some(),
    }
}

/// The form as typed (every field a string; `scope-<area>` is ``, `read` or `write`).
#[derive(Debug, Default)]
struct Typed {
    name: String,
    expires_on: String,
    scopes: Vec<(Area, &'static str)>,
}

impl Typed {
    fn from_pairs(pairs: &[(String, String)]) -> Typed {
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        Typed {
            name: value("name"),
            expires_on: value("expires_on"),
            scopes: Area::ALL
                .iter()
                .map(|&area| {
                    let chosen = match value(&format!("scope-{}", area.as_str())).as_str() {
                        "read" => "read",
                        "write" => "write",
                        _ => "",
                    };
                    (area, chosen)
                })
                .collect(),
        }
    }

    /// The scopes chosen, and the expiry: the end of the chosen day in the reader's zone.
    fn read(&self, page: &Page) -> Result<(Scopes, Option<Timestamp>), InvalidInput> {
        let scopes =
            Scopes::new(self.scopes.iter().filter_map(|(area, chosen)| {
                Access::parse(chosen).ok().map(|access| (*area, access))
            }));
        let expires_at = match self.expires_on.as_str() {
            "" => None,
            raw => {
                let bad = || InvalidInput::new("expires_on", "date");
                let day: Date = raw.parse().map_err(|_| bad())?;
                let next = day.checked_add(1.day()).map_err(|_| bad())?;
                let end = next.to_zoned(page.time_zone()).map_err(|_| bad())?;
                Some(end.timestamp())
            }
        };
        Ok((scopes, expires_at))
    }
}

async fn view(
    state: &AppState,
    page: Page,
    admin: Admin,
    typed: Typed,
    errors: FieldErrors,
    created: Option<(String, String)>,
    fields: Option<Vec<SettingField>>,
) -> WebResult<TokensPage> {
    let locale = page.locale;
    let now = state.clock.now();
    let tokens = api_tokens::list(&state.app, admin)
        .await?
        .iter()
        .map(|t| token_view(&page, t, now))
        .collect();
    let fields = match fields {
        Some(fields) => fields,
        None => settings::read(&state.app, admin, &SETTINGS)
            .await?
            .iter()
            .map(|r| {
                let on = r.value == SettingValue::Bool(true);
                setting_field(locale, r.setting, shown_value(locale, &r.value), on)
            })
            .collect(),
    };
    Ok(TokensPage {
        errors,
        tokens,
        typed_name: typed.name,
        expires_on: typed.expires_on,
        scopes: typed
            .scopes
            .iter()
            .map(|(area, chosen)| ScopeChoice {
                area: area.as_str(),
                label: area_label(locale, *area),
                chosen,
            })
            .collect(),
        created,
        fields,
        page,
    })
}

fn setting_field(
    locale: Locale,
    s: &'static onsite_domain::settings::Setting,
    value: String,
    on: bool,
) -> SettingField {
    let label = locale.text(&format!("web-setting-{}", s.key.replace('/', "-")));
    labelled_setting_field(locale, s, label, value, on)
}

/// `GET /staff/api-tokens`.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(admin): Granted<Admin>,
) -> WebResult<Response> {
    let typed = Typed::from_pairs(&[]);
    render(&view(&state, page, admin, typed, FieldErrors::new(), None, None).await?)
}

/// `POST /staff/api-tokens`: makes the token and shows its secret, once; a refused form comes
/// back with what was typed and the reason next to its field, and nothing is made.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Granted(admin): Granted<Admin>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let typed = Typed::from_pairs(&pairs);
    let outcome = match typed.read(&page) {
        Ok((scopes, expires_at)) => {
            let input = NewTokenInput {
                name: &typed.name,
                scopes,
                expires_at,
            };
            api_tokens::create(&state.app, admin, &input, state.clock.now()).await
        }
        Err(invalid) => Err(ApiTokenError::from(invalid)),
    };
    match outcome {
        Ok(created) => {
            let shown = Some((created.name, created.secret.expose().to_owned()));
            let fresh = Typed::from_pairs(&[]);
            render(&view(&state, page, admin, fresh, FieldErrors::new(), shown, None).await?)
        }
        Err(refused) => {
            let Some(status) = crate::error::form_refusal_status(&refused) else {
                return Err(refused.into());
            };
            let mut errors = FieldErrors::new();
            errors.add_failure(locale, &refused);
            let view = view(&state, page, admin, typed, errors, None, None).await?;
            render_with_status(status, &view)
        }
    }
}

/// `POST /staff/api-tokens/{id}/revoke`: the token's next request is refused.
pub async fn revoke(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    api_tokens::revoke(&state.app, admin, id, state.clock.now()).await?;
    Ok(see_other("/staff/api-tokens?notice=api-token-revoked"))
}

/// `POST /staff/api-tokens/settings`: the requests a token may make per minute. A value out
/// of its range is shown again with its range, and nothing is saved.
pub async fn save_settings(
    State(state): State<AppState>,
    page: Page,
    Granted(admin): Granted<Admin>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::new();
    let mut fields = Vec::new();
    for sent in submitted(locale, &SETTINGS, &pairs) {
        match sent.setting.parse(&sent.raw) {
            Ok(_) => wanted.push((sent.setting, sent.raw)),
            Err(invalid) => errors.add(sent.setting.key, invalid.message(locale)),
        }
        fields.push(setting_field(locale, sent.setting, sent.shown, sent.on));
    }
    if !errors.is_empty() {
        let typed = Typed::from_pairs(&[]);
        let view = view(&state, page, admin, typed, errors, None, Some(fields)).await?;
        return render_with_status(crate::error::INVALID, &view);
    }
    settings::save(&state.app, admin, &wanted).await?;
    Ok(see_other("/staff/api-tokens?notice=api-tokens-saved"))
}
