//! The seven ranking metrics and their weights, validated against the site settings
//! `distribution/weights/*` (SPEC §9: 0 disables a metric, a positive weight rewards high
//! values, a negative one low values).

use onsite_domain::settings::{self, InvalidSetting, Setting, SettingKind, SettingValue};
use serde::{Deserialize, Serialize};

/// A ranking metric. The order of [`Metric::ALL`] is the order of a score's terms and of every
/// explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Great-circle distance from the partner to the customer, in kilometres.
    Distance,
    /// Share of the partner's finished assignments that it won (0…1).
    WinRate,
    /// Share of the partner's finished assignments that it closed lost, i.e. returned (0…1).
    ReturnRate,
    /// Share of the partner's closed opportunities that received feedback (0…1).
    FeedbackRate,
    /// Share of the opportunities it accepted that went too long without progress (0…1).
    StallRate,
    /// Share of the opportunities distributed to it that it answered promptly (0…1).
    TouchRate,
    /// Mean days from acceptance to close.
    AvgDaysToClose,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::Distance,
        Metric::WinRate,
        Metric::ReturnRate,
        Metric::FeedbackRate,
        Metric::StallRate,
        Metric::TouchRate,
        Metric::AvgDaysToClose,
    ];

    /// The six metrics computed from the partner's history (every metric but distance).
    pub const FROM_HISTORY: [Metric; 6] = [
        Metric::WinRate,
        Metric::ReturnRate,
        Metric::FeedbackRate,
        Metric::StallRate,
        Metric::TouchRate,
        Metric::AvgDaysToClose,
    ];

    /// Stable machine name (JSON, Fluent message ids).
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Distance => "distance",
            Metric::WinRate => "win_rate",
            Metric::ReturnRate => "return_rate",
            Metric::FeedbackRate => "feedback_rate",
            Metric::StallRate => "stall_rate",
            Metric::TouchRate => "touch_rate",
            Metric::AvgDaysToClose => "avg_days_to_close",
        }
    }

    /// The site setting holding this metric's weight.
    pub fn setting(self) -> &'static Setting {
        match self {
            Metric::Distance => &settings::DISTANCE_WEIGHT,
            Metric::WinRate => &settings::WINRATE_WEIGHT,
            Metric::ReturnRate => &settings::RETURNRATE_WEIGHT,
            Metric::FeedbackRate => &settings::FEEDBACKRATE_WEIGHT,
            Metric::StallRate => &settings::STALLRATE_WEIGHT,
            Metric::TouchRate => &settings::TOUCHRATE_WEIGHT,
            Metric::AvgDaysToClose => &settings::AVGTIMETOCLOSE_WEIGHT,
        }
    }

    /// The weight's accepted range, from the setting (the one source of the ranges).
    pub fn range(self) -> (f64, f64) {
        match self.setting().kind {
            SettingKind::Decimal { min, max } => (min, max),
            // Every weight setting is a decimal; a wrong kind would accept nothing.
            _ => (0.0, 0.0),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The seven weights, each inside its setting's range. The only ways to build one validate
/// every value, so the engine trusts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights([f64; 7]);

impl Weights {
    /// Every weight 0: every partner scores 0 and ties are broken by distance, then account id.
    pub const ZERO: Weights = Weights([0.0; 7]);

    /// Reads the seven `distribution/weights/*` settings through `raw` (the stored text, or
    /// `None` for a setting never set, which takes its default). A value that is not a number
    /// or is outside its range is refused with an error naming the setting and its range.
    pub fn from_settings<S: AsRef<str>>(
        mut raw: impl FnMut(&'static Setting) -> Option<S>,
    ) -> Result<Self, InvalidSetting> {
        let mut w = Weights::ZERO;
        for metric in Metric::ALL {
            let setting = metric.setting();
            let value = match raw(setting) {
                Some(text) => setting.parse(text.as_ref())?,
                None => setting.parse(setting.default)?,
            };
            let SettingValue::Decimal(v) = value else {
                return Err(out_of_range(metric));
            };
            w = w.with(metric, v)?;
        }
        Ok(w)
    }

    /// This set of weights with `metric` set to `value`, refused (naming the setting and its
    /// range) unless `value` is a finite number inside the range.
    pub fn with(mut self, metric: Metric, value: f64) -> Result<Self, InvalidSetting> {
        let (min, max) = metric.range();
        if !value.is_finite() || value < min || value > max {
            return Err(out_of_range(metric));
        }
        // `-0` is a valid input; store it as 0 so scores and explanations never show "-0".
        self.0[metric.index()] = value + 0.0;
        Ok(self)
    }

    pub fn get(&self, metric: Metric) -> f64 {
        self.0[metric.index()]
    }
}

impl Default for Weights {
    /// The settings' defaults.
    fn default() -> Self {
        // The defaults are tested to be valid (domain and this crate); ZERO is only a fallback
        // that cannot be reached.
        Weights::from_settings(|_| None::<&str>).unwrap_or(Weights::ZERO)
    }
}

impl Serialize for Weights {
    /// As a map from metric name to weight: `{"distance": -0.005, "win_rate": 2, …}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Metric::ALL.len()))?;
        for m in Metric::ALL {
            map.serialize_entry(m.as_str(), &self.get(m))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Weights {
    /// From the same map, every metric required and validated like a setting.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let map = std::collections::BTreeMap::<Metric, f64>::deserialize(d)?;
        let mut w = Weights::ZERO;
        for m in Metric::ALL {
            let v = map
                .get(&m)
                .ok_or_else(|| D::Error::missing_field(m.as_str()))?;
            w = w.with(m, *v).map_err(D::Error::custom)?;
        }
        Ok(w)
    }
}

fn out_of_range(metric: Metric) -> InvalidSetting {
    let (min, max) = metric.range();
    InvalidSetting::DecimalOutOfRange {
        key: metric.setting().key,
        min,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_settings_defaults() {
        let w = Weights::default();
        for m in Metric::ALL {
            let expected: f64 = m.setting().default.parse().unwrap();
            assert_eq!(w.get(m), expected, "{}", m.as_str());
        }
        assert_ne!(w, Weights::ZERO);
    }

    #[test]
    fn metric_order_matches_index() {
        for (i, m) in Metric::ALL.into_iter().enumerate() {
            assert_eq!(m.index(), i);
        }
    }
}
