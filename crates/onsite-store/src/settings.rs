//! Site settings: validated values stored as text under their key; a missing key reads as the
//! setting's default.

use crate::{Conn, Result, to_ms};
use jiff::Timestamp;
use onsite_domain::settings::{InvalidSetting, Setting, SettingValue};

/// Reads a setting (its default when never set).
pub async fn get(conn: &mut Conn, setting: &Setting) -> Result<SettingValue> {
    let stored: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(setting.key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value_or_default(setting, stored.as_deref()))
}

/// A stored value that no longer validates (a range narrowed in an upgrade) falls back to the
/// default rather than breaking every page that reads it.
pub(crate) fn value_or_default(setting: &Setting, stored: Option<&str>) -> SettingValue {
    stored
        .and_then(|s| setting.parse(s).ok())
        .unwrap_or_else(|| setting.parse(setting.default).expect("defaults are valid"))
}

/// Validates and stores a setting. An invalid value is refused and nothing changes.
pub async fn set(
    conn: &mut Conn,
    key: &str,
    raw: &str,
) -> Result<Result<SettingValue, InvalidSetting>> {
    let setting = match Setting::lookup(key) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let value = match setting.parse(raw) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let text = match &value {
        SettingValue::Bool(b) => b.to_string(),
        SettingValue::Integer(i) => i.to_string(),
        SettingValue::Decimal(d) => d.to_string(),
        SettingValue::Text(t) => t.clone(),
    };
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(setting.key)
    .bind(text)
    .bind(to_ms(Timestamp::now()))
    .execute(&mut *conn)
    .await?;
    Ok(Ok(value))
}
