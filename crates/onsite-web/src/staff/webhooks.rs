//! Administrators' webhook endpoints: the list, adding one, its page (the form, the signing
//! secret with "Roll secret", the delivery log with "Redeliver" per delivery) and deleting it.
//! Every change goes through `onsite_app::webhooks`, which audits it.
//!
//! The signing secret is shown on the endpoint's page only, to administrators (the route
//! table gives these pages `Administer`): it is what the receiving system checks signatures
//! with, so it has to be copied from somewhere.

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::{PathId, parse_id};
use crate::layout::{Page, render_with_status};
use crate::session::Granted;
use crate::settings_form::{SettingField, labelled_setting_field, shown_value, submitted};
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::failure::Failure;
use onsite_app::policy::Admin;
use onsite_app::settings;
use onsite_app::webhooks::{self, EndpointInput, EndpointPage, WebhookError};
use onsite_domain::settings::Setting;
use onsite_domain::webhook::EventType;
use onsite_store::webhooks::{DeliveryId, DeliveryStatus, EndpointId};

/// The list and the "new endpoint" form.
pub const WEBHOOKS: &str = "/staff/webhooks";

/// An event type's box on the form.
#[derive(Debug)]
struct EventBox {
    value: &'static str,
    label: String,
    checked: bool,
}

/// The form's fields as typed (shown again after a refusal).
#[derive(Debug, Default)]
struct Fields {
    url: String,
    description: String,
    active: bool,
    events: Vec<String>,
    seen_version: i64,
}

impl Fields {
    /// Reads the submitted pairs (`event` repeats, one per ticked box).
    fn from_pairs(pairs: &[(String, String)]) -> Fields {
        let mut f = Fields::default();
        for (name, value) in pairs {
            match name.as_str() {
                "url" => f.url = value.clone(),
                "description" => f.description = value.clone(),
                "active" => f.active = matches!(value.as_str(), "on" | "true" | "1"),
                "event" => f.events.push(value.clone()),
                "seen_version" => f.seen_version = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    fn input(&self) -> EndpointInput {
        EndpointInput {
            url: self.url.clone(),
            description: self.description.clone(),
            active: self.active,
            events: self.events.clone(),
        }
    }

    fn boxes(&self, page: &Page) -> Vec<EventBox> {
        EventType::ALL
            .into_iter()
            .map(|t| EventBox {
                value: t.as_str(),
                label: event_label(page, t.as_str()),
                checked: self.events.iter().any(|e| e == t.as_str()),
            })
            .collect()
    }
}

/// `booking.created` → the message `webhooks-event-booking-created`.
fn event_label(page: &Page, event_type: &str) -> String {
    page.t(&format!(
        "webhooks-event-{}",
        event_type.replace(['.', '_'], "-")
    ))
}

#[derive(Debug)]
struct ListRow {
    id: EndpointId,
    url: String,
    description: String,
    active: bool,
    events: usize,
    pending: i64,
    failed: i64,
}

#[derive(Template)]
#[template(path = "staff/webhooks.html")]
struct ListPage {
    page: Page,
    rows: Vec<ListRow>,
    /// The retry bound's form.
    errors: FieldErrors,
    fields: Vec<SettingField>,
}

fn setting_field(page: &Page, s: &'static Setting, value: String) -> SettingField {
    let label = page.t(&format!(
        "webhooks-setting-{}",
        s.key.replace(['/', '_'], "-")
    ));
    labelled_setting_field(page.locale, s, label, value, false)
}

/// `GET /staff/webhooks`: every endpoint, and the retry bound.
pub async fn list(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    page: Page,
) -> WebResult<Response> {
    let fields = settings::read(&state.app, admin, &webhooks::SETTINGS)
        .await?
        .iter()
        .map(|r| setting_field(&page, r.setting, shown_value(page.locale, &r.value)))
        .collect();
    list_page(
        &state,
        admin,
        page,
        fields,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &AppState,
    admin: Admin,
    page: Page,
    fields: Vec<SettingField>,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let rows = webhooks::endpoints(&state.app, admin)
        .await?
        .into_iter()
        .map(|l| ListRow {
            id: l.endpoint.id,
            url: l.endpoint.url.as_str().to_owned(),
            description: l.endpoint.description,
            active: l.endpoint.active,
            events: l.endpoint.events.len(),
            pending: l.pending,
            failed: l.failed,
        })
        .collect();
    let view = ListPage {
        page,
        rows,
        errors,
        fields,
    };
    render_with_status(status, &view)
}

/// `POST /staff/webhooks/settings`: the retry bound, checked against its range first (a
/// refused form changes nothing), saved and audited.
pub async fn save_settings(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::new();
    let mut fields = Vec::new();
    for sent in submitted(page.locale, &webhooks::SETTINGS, &pairs) {
        match sent.setting.parse(&sent.raw) {
            Ok(_) => wanted.push((sent.setting, sent.raw)),
            Err(invalid) => errors.add(sent.setting.key, invalid.message(page.locale)),
        }
        fields.push(setting_field(&page, sent.setting, sent.shown));
    }
    if !errors.is_empty() {
        let status = crate::error::INVALID;
        return list_page(&state, admin, page, fields, errors, status).await;
    }
    settings::save(&state.app, admin, &wanted).await?;
    Ok(see_other(&format!(
        "{WEBHOOKS}?notice=webhook-settings-saved"
    )))
}

#[derive(Template)]
#[template(path = "staff/webhook_new.html")]
struct NewPage {
    page: Page,
    errors: FieldErrors,
    fields: Fields,
    events: Vec<EventBox>,
}

fn new_page(
    page: Page,
    fields: Fields,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let events = fields.boxes(&page);
    render_with_status(
        status,
        &NewPage {
            page,
            errors,
            fields,
            events,
        },
    )
}

/// `GET /staff/webhooks/new`: the form of a new endpoint (active, no event ticked).
pub async fn new_form(Granted(_admin): Granted<Admin>, page: Page) -> WebResult<Response> {
    let fields = Fields {
        active: true,
        ..Fields::default()
    };
    new_page(page, fields, FieldErrors::new(), StatusCode::OK)
}

/// The form shown again with `e` next to its field.
fn refused(page: &Page, e: &WebhookError) -> Option<(FieldErrors, StatusCode)> {
    let status = crate::error::form_refusal_status(e)?;
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    Some((errors, status))
}

/// `POST /staff/webhooks`: adds an endpoint, then shows its page (with its secret).
pub async fn create(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let fields = Fields::from_pairs(&pairs);
    match webhooks::create(&state.app, admin, &fields.input(), state.clock.now()).await {
        Ok(id) => Ok(see_other(&format!(
            "{WEBHOOKS}/{id}?notice=webhook-created"
        ))),
        Err(e) => match refused(&page, &e) {
            Some((errors, status)) => new_page(page, fields, errors, status),
            None => Err(e.into()),
        },
    }
}

#[derive(Debug)]
struct LogRow {
    id: DeliveryId,
    event_id: String,
    event: String,
    status: String,
    status_key: &'static str,
    attempts: i64,
    code: Option<i64>,
    time: String,
    error: Option<String>,
    excerpt: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/webhook.html")]
struct EndpointView {
    page: Page,
    errors: FieldErrors,
    id: EndpointId,
    url: String,
    secret: String,
    fields: Fields,
    events: Vec<EventBox>,
    log: Vec<LogRow>,
    older: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LogQuery {
    /// Show deliveries older than this one (the last of the previous page).
    before: Option<i64>,
}

fn endpoint_view(
    page: Page,
    found: EndpointPage,
    fields: Option<Fields>,
    errors: FieldErrors,
) -> EndpointView {
    let e = found.endpoint;
    let fields = fields.unwrap_or_else(|| Fields {
        url: e.url.as_str().to_owned(),
        description: e.description.clone(),
        active: e.active,
        events: e.events.iter().map(|t| t.as_str().to_owned()).collect(),
        seen_version: e.version,
    });
    let log: Vec<LogRow> = found
        .deliveries
        .into_iter()
        .map(|d| LogRow {
            id: d.id,
            event: event_label(&page, &d.event_type),
            event_id: d.event_id,
            status: page.t(&format!("webhooks-status-{}", d.status.as_str())),
            status_key: d.status.as_str(),
            attempts: d.attempts,
            code: d.last_status_code,
            time: page.time(match d.status {
                DeliveryStatus::Delivered => d.delivered_at.unwrap_or(d.created_at),
                _ => d.last_attempt_at.unwrap_or(d.created_at),
            }),
            error: d.last_error,
            excerpt: d.response_excerpt.filter(|x| !x.trim().is_empty()),
        })
        .collect();
    let older = match log.last() {
        Some(last) if found.has_more => Some(format!("{WEBHOOKS}/{}?before={}", e.id, last.id)),
        _ => None,
    };
    EndpointView {
        events: fields.boxes(&page),
        page,
        errors,
        id: e.id,
        url: e.url.as_str().to_owned(),
        secret: e.secret,
        fields,
        log,
        older,
    }
}

/// `GET /staff/webhooks/{id}`: the endpoint's form, secret and delivery log.
pub async fn show(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    page: Page,
    PathId(id): PathId<EndpointId>,
    Query(query): Query<LogQuery>,
) -> WebResult<Response> {
    let before = query.before.map(DeliveryId);
    let found = webhooks::endpoint(&state.app, admin, id, before).await?;
    let view = endpoint_view(page, found, None, FieldErrors::new());
    // The secret is on this page: the session layer keeps it out of every cache (`no-store`).
    render_with_status(StatusCode::OK, &view)
}

/// `POST /staff/webhooks/{id}`: saves the endpoint from the version its form showed.
pub async fn save(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    page: Page,
    PathId(id): PathId<EndpointId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let fields = Fields::from_pairs(&pairs);
    let now = state.clock.now();
    let saved = webhooks::update(
        &state.app,
        admin,
        id,
        fields.seen_version,
        &fields.input(),
        now,
    )
    .await;
    let e = match saved {
        Ok(()) => return Ok(see_other(&format!("{WEBHOOKS}/{id}?notice=webhook-saved"))),
        Err(e) => e,
    };
    let Some((errors, status)) = refused(&page, &e) else {
        return Err(e.into());
    };
    let found = webhooks::endpoint(&state.app, admin, id, None).await?;
    // Changed meanwhile: the form shows what is saved now, with the refusal above it.
    let fields = (!matches!(e, WebhookError::Changed)).then_some(fields);
    render_with_status(status, &endpoint_view(page, found, fields, errors))
}

/// `POST /staff/webhooks/{id}/secret`: a new signing secret.
pub async fn roll_secret(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    PathId(id): PathId<EndpointId>,
) -> WebResult<Response> {
    webhooks::roll_secret(&state.app, admin, id, state.clock.now()).await?;
    Ok(see_other(&format!(
        "{WEBHOOKS}/{id}?notice=webhook-secret-rolled#secret"
    )))
}

/// `POST /staff/webhooks/{id}/deliveries/{delivery}/redeliver`: sends one delivery again.
pub async fn redeliver(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    Path((id, delivery)): Path<(String, String)>,
) -> WebResult<Response> {
    let (Some(id), Some(delivery)) = (parse_id(&id), parse_id(&delivery)) else {
        return Err(WebError::NotFound);
    };
    let (id, delivery) = (EndpointId(id), DeliveryId(delivery));
    webhooks::redeliver(&state.app, admin, id, delivery, state.clock.now()).await?;
    Ok(see_other(&format!(
        "{WEBHOOKS}/{id}?notice=webhook-redelivered#log"
    )))
}

/// `POST /staff/webhooks/{id}/delete`: deletes the endpoint and its delivery log.
pub async fn delete(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    PathId(id): PathId<EndpointId>,
) -> WebResult<Response> {
    webhooks::delete(&state.app, admin, id).await?;
    Ok(see_other(&format!("{WEBHOOKS}?notice=webhook-deleted")))
}
