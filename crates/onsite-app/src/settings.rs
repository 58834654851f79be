//! Site settings as use cases, for every settings page (scheduling, distribution, portal): a group of
//! settings with their current values, and an administrator changing one. Values are validated
//! by `onsite_domain::settings` (the one place that knows each range); a refused value changes
//! nothing; every change is audit-logged with the previous value.

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Admin, Grant};
use onsite_domain::settings::{self as site, InvalidSetting, Setting, SettingValue};
use onsite_i18n::Locale;
use onsite_store::{Conn, StoreError, audit};
use serde::Serialize;
use std::borrow::Cow;

/// A setting and its current value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingRow {
    pub setting: &'static Setting,
    pub value: SettingValue,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    /// Not one of the page's settings, or a value outside its range.
    #[error(transparent)]
    Invalid(#[from] InvalidSetting),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for SettingError {
    fn kind(&self) -> Kind {
        match self {
            SettingError::Invalid(s) => s.kind(),
            SettingError::Store(e) => e.kind(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            SettingError::Invalid(s) => s.field(),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            SettingError::Invalid(s) => s.message(locale),
            SettingError::Store(e) => e.message(locale),
        }
    }
}

/// The scheduling settings page's settings, in its order: self-scheduling on or off, the
/// slots offered, and how travel between visits is estimated; and how long invitation codes
/// work.
pub const SCHEDULING: [&Setting; 8] = [
    &site::SELF_SCHEDULING_ENABLED,
    &site::SLOT_MINUTES,
    &site::ARRIVAL_WINDOW_MINUTES,
    &site::HORIZON_DAYS,
    &site::LEAD_TIME_MINUTES,
    &site::TRAVEL_SPEED_KMH,
    &site::TRAVEL_ROAD_FACTOR,
    &site::INVITATION_DAYS,
];

/// An administrator reads the settings of `group` (a settings page).
pub async fn read(
    app: &App,
    _admin: Admin,
    group: &[&'static Setting],
) -> Result<Vec<SettingRow>, StoreError> {
    values(&mut *app.store.conn().await?, group).await
}

/// The settings of `group`, in its order, with their values (the default when never set).
pub async fn values(
    conn: &mut Conn,
    group: &[&'static Setting],
) -> Result<Vec<SettingRow>, StoreError> {
    let mut rows = Vec::with_capacity(group.len());
    for &setting in group {
        rows.push(SettingRow {
            setting,
            value: onsite_store::settings::get(conn, setting).await?,
        });
    }
    Ok(rows)
}

/// An administrator changes one of the settings of `group`. Anything else, or a value that
/// does not validate, is refused naming the setting (and its range) and nothing changes.
pub async fn set(
    app: &App,
    admin: Admin,
    group: &[&'static Setting],
    key: &str,
    raw: &str,
) -> Result<SettingValue, SettingError> {
    let setting = group
        .iter()
        .copied()
        .find(|s| s.key == key.trim())
        .ok_or_else(|| InvalidSetting::Unknown(key.trim().to_owned()))?;
    let mut tx = app.store.begin().await?;
    let value = set_in(&mut tx, admin, setting, raw).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(value)
}

/// An administrator saves a settings form: every value of `wanted` that differs from the
/// stored one, in one transaction (all are saved, or on a refusal none), each audited with
/// its previous value.
pub async fn save(
    app: &App,
    admin: Admin,
    wanted: &[(&'static Setting, String)],
) -> Result<(), SettingError> {
    let mut tx = app.store.begin().await?;
    for (setting, raw) in wanted {
        set_in(&mut tx, admin, setting, raw).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Stores `raw` for `setting`, with its audit line, unless it is the stored value already
/// (nothing to record); the value as it is now.
async fn set_in(
    tx: &mut Conn,
    admin: Admin,
    setting: &'static Setting,
    raw: &str,
) -> Result<SettingValue, SettingError> {
    let previous = onsite_store::settings::get(tx, setting).await?;
    if setting.parse(raw).as_ref() == Ok(&previous) {
        return Ok(previous);
    }
    let value = onsite_store::settings::set(tx, setting.key, raw).await??;
    audit::record(
        tx,
        Some(admin.user()),
        "setting.update",
        "setting",
        None,
        &serde_json::json!({ "key": setting.key, "from": previous, "to": value }),
    )
    .await?;
    Ok(value)
}
