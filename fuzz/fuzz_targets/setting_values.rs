//! Site setting values as administrators type them (distribution and portal settings pages,
//! stored as text): every setting either refuses the value or keeps one of its type within its
//! range, which reads back the same from its stored text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_app::feedback::check_portal_setting;
use onsite_domain::settings::{ALL, Setting, SettingKind, SettingValue};

fn stored_text(v: &SettingValue) -> String {
    match v {
        SettingValue::Bool(b) => b.to_string(),
        SettingValue::Integer(n) => n.to_string(),
        SettingValue::Decimal(x) => x.to_string(),
        SettingValue::Text(s) => s.clone(),
    }
}

fuzz_target!(|input: (u8, &str)| {
    let (which, raw) = input;
    let setting: &Setting = &ALL[usize::from(which) % ALL.len()];
    let _ = Setting::lookup(raw);
    let _ = check_portal_setting(setting, raw);
    let Ok(value) = setting.parse(raw) else {
        return;
    };
    match (setting.kind, &value) {
        (SettingKind::Bool, SettingValue::Bool(_)) | (SettingKind::Text, SettingValue::Text(_)) => {
        }
        (SettingKind::Integer { min, max }, SettingValue::Integer(n)) => {
            assert!((min..=max).contains(n), "{} = {n}", setting.key)
        }
        (SettingKind::Decimal { min, max }, SettingValue::Decimal(x)) => {
            assert!(
                x.is_finite() && *x >= min && *x <= max,
                "{} = {x}",
                setting.key
            )
        }
        (kind, v) => panic!("{}: {v:?} is not a {kind:?}", setting.key),
    }
    assert_eq!(
        setting.parse(&stored_text(&value)),
        Ok(value),
        "{}",
        setting.key
    );
});
