//! A form of site settings (the distribution settings, the portal settings): one field per
//! setting with its label, its range and default in the reader's language, and the numbers
//! people type read as the setting parser reads them.

use onsite_domain::settings::{Setting, SettingKind, SettingValue};
use onsite_i18n::{Arg, Locale, number};

/// One setting of a settings form (this page's and the portal settings page's).
#[derive(Debug)]
pub struct SettingField {
    pub key: &'static str,
    pub label: String,
    /// "Between -0.01 and 0", "On or off", "A whole number from 1 to 720".
    pub range: String,
    /// What the field's hint says: its range, unless the page explains the setting otherwise.
    pub hint: String,
    /// The keyboard a phone shows for the field (`numeric`, `decimal`, `text`).
    pub inputmode: &'static str,
    pub default: String,
    /// What the field shows: the stored value, or what was typed when refused.
    pub value: String,
    /// A switch (on/off) rather than a text field.
    pub switch: bool,
    pub on: bool,
}

pub fn setting_range(locale: Locale, s: &Setting) -> String {
    match s.kind {
        SettingKind::Decimal { min, max } => {
            let (min, max) = (number::shortest(locale, min), number::shortest(locale, max));
            locale.text_with(
                "partner-web-settings-range",
                &[("min", Arg::Str(&min)), ("max", Arg::Str(&max))],
            )
        }
        SettingKind::Integer { min, max } => {
            let (min, max) = (min.to_string(), max.to_string());
            locale.text_with(
                "partner-web-settings-range-whole",
                &[("min", Arg::Str(&min)), ("max", Arg::Str(&max))],
            )
        }
        SettingKind::Bool | SettingKind::Text => locale.text("partner-web-settings-on-off"),
    }
}

pub fn shown_value(locale: Locale, v: &SettingValue) -> String {
    match v {
        SettingValue::Bool(b) => b.to_string(),
        SettingValue::Integer(i) => i.to_string(),
        SettingValue::Decimal(d) => number::shortest(locale, *d),
        SettingValue::Text(t) => t.clone(),
    }
}

/// A settings form's field for `s` under `label`, showing `value` (`on` for a switch).
pub fn labelled_setting_field(
    locale: Locale,
    s: &'static Setting,
    label: String,
    value: String,
    on: bool,
) -> SettingField {
    let default = match s.parse(s.default) {
        Ok(v) if matches!(s.kind, SettingKind::Bool) => {
            locale.text(if v == SettingValue::Bool(true) {
                "partner-web-settings-on"
            } else {
                "partner-web-settings-off"
            })
        }
        Ok(v) => shown_value(locale, &v),
        Err(_) => s.default.to_owned(),
    };
    let range = setting_range(locale, s);
    SettingField {
        key: s.key,
        label,
        hint: range.clone(),
        inputmode: match s.kind {
            SettingKind::Integer { .. } => "numeric",
            SettingKind::Decimal { .. } => "decimal",
            SettingKind::Bool | SettingKind::Text => "text",
        },
        range,
        default,
        value,
        switch: matches!(s.kind, SettingKind::Bool),
        on,
    }
}

/// One setting of a submitted settings form.
#[derive(Debug)]
pub struct Submitted {
    pub setting: &'static Setting,
    /// What to validate and save: a number as the setting parser reads it, `true`/`false`.
    pub raw: String,
    /// What the field shows again if the form is refused: what was typed.
    pub shown: String,
    /// A switch that was on (an unticked switch sends nothing: off).
    pub on: bool,
}

/// The values a settings form sent for each setting of `group`, in its order.
pub fn submitted(
    locale: Locale,
    group: &[&'static Setting],
    pairs: &[(String, String)],
) -> Vec<Submitted> {
    let typed = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    group
        .iter()
        .map(|&setting| {
            let shown = typed(setting.key).unwrap_or_default();
            let (raw, on) = match setting.kind {
                SettingKind::Bool => {
                    let on = typed(setting.key).is_some_and(|v| v != "off" && v != "false");
                    return Submitted {
                        setting,
                        raw: on.to_string(),
                        shown: on.to_string(),
                        on,
                    };
                }
                SettingKind::Text => (shown.trim().to_owned(), false),
                SettingKind::Integer { .. } | SettingKind::Decimal { .. } => {
                    (normalized(locale, &shown), false)
                }
            };
            Submitted {
                setting,
                raw,
                shown,
                on,
            }
        })
        .collect()
}

/// A number typed in the locale, as the setting parser reads numbers: a French decimal comma
/// becomes a point, a typographic minus a hyphen.
pub fn normalized(locale: Locale, raw: &str) -> String {
    raw.trim()
        .replace('\u{2212}', "-")
        .replace(&number::decimal_mark(locale), ".")
}
