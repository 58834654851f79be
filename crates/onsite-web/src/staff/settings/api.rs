//! `GET /api/v1/staff/settings` and `POST /api/v1/staff/settings` (administrators): every site
//! setting with its kind, range, default and value, and a change to any of them — all the
//! values sent are saved in one transaction, or on a refusal none (the refused one named), each
//! audited with its previous value, through `onsite_app::settings::save` as the settings pages
//! save. A setting is one value: a change replaces it whole, so it carries no version.

use crate::openapi::{Errors, JsonBody, refusal};
use crate::session::Granted;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use onsite_app::failure::Kind;
use onsite_app::policy::Admin;
use onsite_app::settings::{self, SettingRow};
use onsite_domain::settings::{self as site, Setting, SettingKind, SettingValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

refusal!(
    /// A setting unknown, or a value outside its range.
    BadSetting,
    Kind::Invalid,
    "A key is not a setting, or its value is not of its kind or outside its range \
     (`invalid`); `field` names the setting. Nothing is saved.",
);

crate::openapi::enum_schema!(
    /// The kind of a setting's value.
    SettingKindName,
    ["bool", "integer", "decimal", "text"].map(str::to_owned),
);

/// A site setting.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteSetting {
    /// E.g. `scheduling/slot_minutes`.
    key: &'static str,
    #[schema(value_type = SettingKindName)]
    kind: &'static str,
    /// The smallest value allowed (numbers only).
    #[schema(required = true)]
    min: Option<f64>,
    /// The largest value allowed (numbers only).
    #[schema(required = true)]
    max: Option<f64>,
    /// The value when never set, as text.
    default: &'static str,
    /// A boolean, a number or a text, by its kind.
    value: serde_json::Value,
}

impl SiteSetting {
    fn of(row: &SettingRow) -> SiteSetting {
        let (kind, min, max) = match row.setting.kind {
            SettingKind::Bool => ("bool", None, None),
            SettingKind::Integer { min, max } => ("integer", Some(min as f64), Some(max as f64)),
            SettingKind::Decimal { min, max } => ("decimal", Some(min), Some(max)),
            SettingKind::Text => ("text", None, None),
        };
        let value = match &row.value {
            SettingValue::Bool(b) => serde_json::Value::Bool(*b),
            SettingValue::Integer(i) => (*i).into(),
            SettingValue::Decimal(d) => (*d).into(),
            SettingValue::Text(t) => t.clone().into(),
        };
        SiteSetting {
            key: row.setting.key,
            kind,
            min,
            max,
            default: row.setting.default,
            value,
        }
    }
}

/// Every setting.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteSettings {
    /// In display order.
    settings: Vec<SiteSetting>,
}

/// New values by key: a boolean, a number or a text each, as its kind wants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    /// E.g. `{"scheduling/slot_minutes": 30, "scheduling/enabled": true}`.
    values: BTreeMap<String, serde_json::Value>,
}

fn every_setting() -> Vec<&'static Setting> {
    site::ALL.iter().collect()
}

async fn answer(state: &AppState, admin: Admin) -> WebResult<SiteSettings> {
    let rows = settings::read(&state.app, admin, &every_setting()).await?;
    Ok(SiteSettings {
        settings: rows.iter().map(SiteSetting::of).collect(),
    })
}

/// `GET /api/v1/staff/settings`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/settings",
    operation_id = "get_site_settings",
    tag = "settings",
    summary = "Every site setting with its value",
    responses((status = 200, description = "In display order.", body = SiteSettings)),
)]
pub async fn get(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
) -> WebResult<Json<SiteSettings>> {
    Ok(Json(answer(&state, admin).await?))
}

/// `POST /api/v1/staff/settings`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/settings",
    operation_id = "change_site_settings",
    tag = "settings",
    summary = "Change site settings",
    description = "Every value sent is saved, in one transaction, or on a refusal none. Each \
        change is audited with its previous value; the next slot search on every server uses \
        the new values.",
    request_body = SettingsChange,
    responses(
        (status = 200, description = "Every setting, as saved.", body = SiteSettings),
        Errors<(JsonBody, BadSetting)>,
    ),
)]
pub async fn change(
    State(state): State<AppState>,
    Granted(admin): Granted<Admin>,
    Json(body): Json<SettingsChange>,
) -> WebResult<Json<SiteSettings>> {
    let mut wanted = Vec::with_capacity(body.values.len());
    for (key, value) in body.values {
        let setting = Setting::lookup(&key).map_err(settings::SettingError::from)?;
        let raw = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            // Anything else is read as its JSON text, which the setting's kind then judges.
            other => other.to_string(),
        };
        wanted.push((setting, raw));
    }
    settings::save(&state.app, admin, &wanted).await?;
    Ok(Json(answer(&state, admin).await?))
}
