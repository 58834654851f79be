//! The words of distribution in the reader's language (`locales/*/distribution.ftl`): why a
//! partner is not available, what each metric is and how its value reads, statuses, stages,
//! event kinds, and the errors with their specifics. Numbers and amounts follow the locale's
//! decimal and grouping marks.

use super::{Action, DistributionError, Stage};
use onsite_distribute::{Criterion, Metric};
use onsite_domain::ProductId;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::settings::InvalidSetting;
use onsite_i18n::{Arg, Locale, number};

/// The message id explaining an exclusion criterion.
pub fn criterion_message_id(c: &Criterion) -> &'static str {
    match c {
        Criterion::PassedOver => "distribution-criterion-passed-over",
        Criterion::Capacity { .. } => "distribution-criterion-capacity",
        Criterion::RevenueBelowMin { .. } => "distribution-criterion-revenue-below-min",
        Criterion::RevenueAboveMax { .. } => "distribution-criterion-revenue-above-max",
        Criterion::Territory { .. } => "distribution-criterion-territory",
        Criterion::LeadType => "distribution-criterion-lead-type",
        Criterion::MissingProduct { .. } => "distribution-criterion-missing-product",
    }
}

/// Why a partner is not available, in words with the numbers: "At capacity: 5 open
/// opportunities of 5". `lead_type` is the opportunity's; `product_name` names a product id.
pub fn criterion_text(
    locale: Locale,
    c: &Criterion,
    lead_type: &str,
    product_name: impl Fn(ProductId) -> String,
) -> String {
    let id = criterion_message_id(c);
    match *c {
        Criterion::PassedOver => locale.text(id),
        Criterion::Capacity { open, capacity } => locale.text_with(
            id,
            &[
                ("open", Arg::Num(f64::from(open))),
                ("capacity", Arg::Num(f64::from(capacity))),
            ],
        ),
        Criterion::RevenueBelowMin {
            revenue_minor,
            min_minor,
        } => {
            let (revenue, limit) = (money(locale, revenue_minor), money(locale, min_minor));
            locale.text_with(
                id,
                &[("revenue", Arg::Str(&revenue)), ("limit", Arg::Str(&limit))],
            )
        }
        Criterion::RevenueAboveMax {
            revenue_minor,
            max_minor,
        } => {
            let (revenue, limit) = (money(locale, revenue_minor), money(locale, max_minor));
            locale.text_with(
                id,
                &[("revenue", Arg::Str(&revenue)), ("limit", Arg::Str(&limit))],
            )
        }
        Criterion::Territory { territories } => {
            locale.text_with(id, &[("territories", Arg::Num(f64::from(territories)))])
        }
        Criterion::LeadType => locale.text_with(id, &[("lead_type", Arg::Str(lead_type))]),
        Criterion::MissingProduct { product } => {
            let name = product_name(product);
            locale.text_with(id, &[("product", Arg::Str(&name))])
        }
    }
}

/// The metric's name (`distribution-metric-*`).
pub fn metric_message_id(m: Metric) -> &'static str {
    match m {
        Metric::Distance => "distribution-metric-distance",
        Metric::WinRate => "distribution-metric-win-rate",
        Metric::ReturnRate => "distribution-metric-return-rate",
        Metric::FeedbackRate => "distribution-metric-feedback-rate",
        Metric::StallRate => "distribution-metric-stall-rate",
        Metric::TouchRate => "distribution-metric-touch-rate",
        Metric::AvgDaysToClose => "distribution-metric-avg-days-to-close",
    }
}

pub fn metric_name(locale: Locale, m: Metric) -> String {
    locale.text(metric_message_id(m))
}

/// A metric's value as it reads: "3.2 km", "45 %", "12.5 days".
pub fn metric_value(locale: Locale, m: Metric, value: f64) -> String {
    match m {
        Metric::Distance => {
            let v = decimal(locale, value, 1);
            locale.text_with("distribution-value-km", &[("value", Arg::Str(&v))])
        }
        Metric::AvgDaysToClose => {
            let v = decimal(locale, value, 1);
            locale.text_with("distribution-value-days", &[("value", Arg::Str(&v))])
        }
        _ => {
            let v = decimal(locale, value * 100.0, 0);
            locale.text_with("distribution-value-percent", &[("value", Arg::Str(&v))])
        }
    }
}

pub fn status_message_id(s: OpportunityStatus) -> &'static str {
    match s {
        OpportunityStatus::New => "distribution-status-new",
        OpportunityStatus::Distributed => "distribution-status-distributed",
        OpportunityStatus::InProgress => "distribution-status-in-progress",
        OpportunityStatus::Won => "distribution-status-won",
        OpportunityStatus::Lost => "distribution-status-lost",
    }
}

pub fn stage_message_id(s: Stage) -> &'static str {
    match s {
        Stage::Qualify => "distribution-stage-qualify",
        Stage::Develop => "distribution-stage-develop",
        Stage::Propose => "distribution-stage-propose",
        Stage::Negotiate => "distribution-stage-negotiate",
    }
}

/// The history line of an event kind (`HistoryEntry::kind`); unknown kinds read as a touch.
pub fn event_message_id(kind: &str) -> &'static str {
    match kind {
        "distributed" => "distribution-event-distributed",
        "accepted" => "distribution-event-accepted",
        "declined" => "distribution-event-declined",
        "expired" => "distribution-event-expired",
        "stage" => "distribution-event-stage",
        "won" => "distribution-event-won",
        "lost" => "distribution-event-lost",
        "feedback" => "distribution-event-feedback",
        _ => "distribution-event-touched",
    }
}

pub fn action_message_id(a: Action) -> &'static str {
    match a {
        Action::Distribute => "distribution-action-distribute",
        Action::Accept => "distribution-action-accept",
        Action::Decline => "distribution-action-decline",
        Action::SetStage => "distribution-action-set-stage",
        Action::AddNote => "distribution-action-add-note",
        Action::Close => "distribution-action-close",
        Action::AddFeedback => "distribution-action-add-feedback",
    }
}

pub(super) fn setting_message_id(s: &InvalidSetting) -> &'static str {
    match s {
        InvalidSetting::Unknown(_) => "distribution-setting-unknown",
        InvalidSetting::NotBool { .. } => "distribution-setting-not-bool",
        InvalidSetting::IntegerOutOfRange { .. } => "distribution-setting-integer-range",
        InvalidSetting::DecimalOutOfRange { .. } => "distribution-setting-decimal-range",
    }
}

/// "distribution/weights/distance must be a number between -0.01 and 0", in the locale.
pub fn setting_message(locale: Locale, s: &InvalidSetting) -> String {
    let id = setting_message_id(s);
    match s {
        InvalidSetting::Unknown(key) => locale.text_with(id, &[("setting", Arg::Str(key))]),
        InvalidSetting::NotBool { key } => locale.text_with(id, &[("setting", Arg::Str(key))]),
        InvalidSetting::IntegerOutOfRange { key, min, max } => {
            let (min, max) = (min.to_string(), max.to_string());
            locale.text_with(
                id,
                &[
                    ("setting", Arg::Str(key)),
                    ("min", Arg::Str(&min)),
                    ("max", Arg::Str(&max)),
                ],
            )
        }
        InvalidSetting::DecimalOutOfRange { key, min, max } => {
            let (min, max) = (
                number::shortest(locale, *min),
                number::shortest(locale, *max),
            );
            locale.text_with(
                id,
                &[
                    ("setting", Arg::Str(key)),
                    ("min", Arg::Str(&min)),
                    ("max", Arg::Str(&max)),
                ],
            )
        }
    }
}

pub(super) fn error_message(e: &DistributionError, locale: Locale) -> String {
    match e {
        DistributionError::IllegalMove { action, status } => {
            let action = locale.text(action_message_id(*action));
            // Mid-sentence: "it is in progress", not "it is In progress".
            let status = locale.text(status_message_id(*status)).to_lowercase();
            locale.text_with(
                e.message_id(),
                &[("action", Arg::Str(&action)), ("status", Arg::Str(&status))],
            )
        }
        DistributionError::Unavailable {
            criterion,
            lead_type,
            product,
        } => {
            let reason = criterion_text(locale, criterion, lead_type, |p| {
                product.clone().unwrap_or_else(|| p.to_string())
            });
            locale.text_with(e.message_id(), &[("reason", Arg::Str(&reason))])
        }
        DistributionError::Setting(s) => setting_message(locale, s),
        DistributionError::Invalid(i) => {
            let field =
                field_message_id(i.field).map_or_else(|| i.field.to_owned(), |id| locale.text(id));
            let reason = locale.text(&format!("invalid-{}", i.reason));
            locale.text_with(
                e.message_id(),
                &[("field", Arg::Str(&field)), ("reason", Arg::Str(&reason))],
            )
        }
        _ => locale.text(e.message_id()),
    }
}

/// The label of a form field the distribution use cases validate.
pub fn field_message_id(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "distribution-field-name",
        "customer_name" => "distribution-field-customer-name",
        "postal_code" => "distribution-field-postal-code",
        "estimated_revenue" => "distribution-field-estimated-revenue",
        "lead_type" => "distribution-field-lead-type",
        "products" => "distribution-field-products",
        "reason" => "distribution-field-reason",
        "note" => "distribution-field-note",
        "feedback" => "distribution-field-feedback",
        "stage" => "distribution-field-stage",
        "filter" => "distribution-field-filter",
        _ => return None,
    })
}

/// `value` with `places` decimals and the locale's decimal mark: "3.2" / "3,2".
pub fn decimal(locale: Locale, value: f64, places: usize) -> String {
    number::rounded(locale, value, places)
}

/// An opportunity's amount as the locale writes money: "$14,500.00" / "14 500,00 $".
/// Opportunities carry no currency of their own: the service company works in Canadian
/// dollars (the revenue field says CAD).
pub fn money(locale: Locale, minor: i64) -> String {
    let amount = amount(locale, minor);
    locale.text_with("distribution-money", &[("amount", Arg::Str(&amount))])
}

/// An amount in minor units with two decimals and grouped thousands, without a currency:
/// "14,500.00" / "14 500,00" (a form field's value; [`money`] for reading).
pub fn amount(locale: Locale, minor: i64) -> String {
    number::fixed(locale, minor, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Locale {
        Locale::from_tag("fr").unwrap()
    }

    fn en() -> Locale {
        Locale::from_tag("en").unwrap()
    }

    #[test]
    fn amounts_follow_the_locale() {
        assert_eq!(amount(en(), 1_450_000), "14,500.00");
        assert_eq!(amount(fr(), 1_450_000), "14\u{202f}500,00");
        assert_eq!(amount(en(), 5), "0.05");
        assert_eq!(amount(en(), -123_456_789), "-1,234,567.89");
        assert_eq!(amount(en(), 100_000), "1,000.00");
        assert_eq!(money(en(), 1_450_000), "$14,500.00");
        assert_eq!(money(fr(), 1_450_000), "14\u{202f}500,00 $");
    }

    #[test]
    fn revenue_reasons_say_the_currency() {
        let below = Criterion::RevenueBelowMin {
            revenue_minor: 200_000,
            min_minor: 500_000,
        };
        let product = |_| String::new();
        assert_eq!(
            criterion_text(en(), &below, "", product),
            "The estimated revenue, $2,000.00, is below its minimum of $5,000.00."
        );
        assert_eq!(
            criterion_text(fr(), &below, "", product),
            "Le revenu estimé, 2\u{202f}000,00 $, est sous son minimum de 5\u{202f}000,00 $."
        );
    }

    #[test]
    fn decimals_follow_the_locale_without_negative_zero() {
        assert_eq!(decimal(en(), 3.25, 1), "3.2");
        assert_eq!(decimal(fr(), 3.26, 1), "3,3");
        assert_eq!(decimal(en(), -0.0001, 1), "0.0");
        assert_eq!(number::shortest(fr(), -0.01), "-0,01");
        assert_eq!(number::shortest(en(), -0.0), "0");
    }

    #[test]
    fn settings_messages_name_the_setting_and_range_in_both_languages() {
        let e = InvalidSetting::DecimalOutOfRange {
            key: "distribution/weights/distance",
            min: -0.01,
            max: 0.0,
        };
        assert_eq!(
            setting_message(en(), &e),
            "distribution/weights/distance must be a number between -0.01 and 0."
        );
        assert_eq!(
            setting_message(fr(), &e),
            "distribution/weights/distance doit être un nombre entre -0,01 et 0."
        );
    }

    #[test]
    fn every_criterion_metric_and_status_has_words_in_every_locale() {
        let criteria = [
            Criterion::PassedOver,
            Criterion::Capacity {
                open: 5,
                capacity: 5,
            },
            Criterion::RevenueBelowMin {
                revenue_minor: 100,
                min_minor: 200,
            },
            Criterion::RevenueAboveMax {
                revenue_minor: 300,
                max_minor: 200,
            },
            Criterion::Territory { territories: 0 },
            Criterion::Territory { territories: 1 },
            Criterion::Territory { territories: 3 },
            Criterion::LeadType,
            Criterion::MissingProduct {
                product: ProductId(4),
            },
        ];
        for &locale in onsite_i18n::SUPPORTED {
            let mut all: Vec<String> = criteria
                .iter()
                .map(|c| criterion_text(locale, c, "commercial", |_| "Heat pump".into()))
                .collect();
            all.extend(Metric::ALL.map(|m| metric_name(locale, m)));
            all.extend(Metric::ALL.map(|m| metric_value(locale, m, 0.5)));
            all.extend(OpportunityStatus::ALL.map(|s| locale.text(status_message_id(s))));
            all.extend(Stage::ALL.map(|s| locale.text(stage_message_id(s))));
            for kind in onsite_distribute::EventKind::ALL {
                all.push(locale.text(event_message_id(kind.as_str())));
            }
            for text in &all {
                assert!(
                    !text.is_empty() && !text.contains("distribution-"),
                    "{}: {text:?}",
                    locale.tag()
                );
            }
            assert!(all[1].contains('5'), "{}", all[1]);
            assert!(all[8].contains("Heat pump"), "{}", all[8]);
            assert!(all[7].contains("commercial"), "{}", all[7]);
        }
    }
}
