//! The words and numbers of the record pages in the reader's language: amounts in an
//! invoice's currency, quantities, tax rates, and the Fluent ids of statuses, filters and sorts
//! (`locales/<lang>/records.ftl`). Numbers are written by `onsite_i18n::number`.

use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::InvoiceStatus;
use onsite_domain::money::Currency;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_i18n::{Arg, Locale, number};

/// Digits after the decimal mark of a currency's minor unit (ISO 4217): most have 2.
pub fn minor_digits(currency: Currency) -> u32 {
    match currency.as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// An amount in minor units of `currency`: "CAD 1,234.56" / "1 234,56 CAD".
pub fn money(locale: Locale, minor: i64, currency: Currency) -> String {
    let amount = number::fixed(locale, minor, minor_digits(currency));
    locale.text_with(
        "records-money",
        &[
            ("amount", Arg::Str(&amount)),
            ("currency", Arg::Str(currency.as_str())),
        ],
    )
}

/// A quantity in thousandths, without trailing zeros: 1500 → "1.5", 2000 → "2".
pub fn quantity(locale: Locale, milli: i64) -> String {
    number::trimmed(locale, milli, 3)
}

/// A tax rate in thousandths of a percent: 14975 → "14.975 %" / "14,975 %".
pub fn percent(locale: Locale, milli_percent: i64) -> String {
    let value = number::trimmed(locale, milli_percent, 3);
    locale.text_with("records-percent", &[("value", Arg::Str(&value))])
}

/// The Fluent id of a work order's status: `records-work-order-status-estimate-pending`.
pub fn work_order_status(status: WorkOrderStatus) -> String {
    format!(
        "records-work-order-status-{}",
        status.as_str().replace('_', "-")
    )
}

/// The Fluent id of an agreement's status: `records-agreement-status-renewal-pending`.
pub fn agreement_status(status: AgreementStatus) -> String {
    format!(
        "records-agreement-status-{}",
        status.as_str().replace('_', "-")
    )
}

/// The Fluent id of an invoice's status: `records-invoice-status-paid`.
pub fn invoice_status(status: InvoiceStatus) -> String {
    format!("records-invoice-status-{}", status.as_str())
}

/// The Fluent id of a list's filter or sort: `records-filter-<list>-<name>`,
/// `records-sort-<list>-<name>`, with `list` one of `work-orders`, `agreements`, `assets`,
/// `invoices` and `name` the filter's or sort's `as_str()`.
pub fn filter_label(list: &str, name: &str) -> String {
    format!("records-filter-{list}-{name}")
}

pub fn sort_label(list: &str, name: &str) -> String {
    format!("records-sort-{list}-{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use onsite_store::records::lists::{
        AgreementFilter, AgreementSort, AssetFilter, AssetSort, InvoiceFilter, InvoiceSort,
        WorkOrderFilter, WorkOrderSort,
    };

    fn en() -> Locale {
        Locale::from_tag("en").unwrap()
    }

    fn fr() -> Locale {
        Locale::from_tag("fr").unwrap()
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn amounts_follow_the_currency_and_the_locale() {
        assert_eq!(money(en(), 123_456_789, cur("CAD")), "CAD 1,234,567.89");
        assert_eq!(
            money(fr(), 123_456_789, cur("EUR")),
            "1\u{202f}234\u{202f}567,89 EUR"
        );
        assert_eq!(money(en(), 5, cur("USD")), "USD 0.05");
        assert_eq!(money(en(), -1999, cur("USD")), "USD -19.99");
        assert_eq!(money(en(), 1500, cur("JPY")), "JPY 1,500");
        assert_eq!(money(en(), 1500, cur("KWD")), "KWD 1.500");
        assert_eq!(money(en(), 0, cur("CAD")), "CAD 0.00");
        assert_eq!(
            money(en(), i64::MIN, cur("CAD")),
            "CAD -92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn quantities_and_rates_drop_trailing_zeros() {
        assert_eq!(quantity(en(), 1500), "1.5");
        assert_eq!(quantity(fr(), 1500), "1,5");
        assert_eq!(quantity(en(), 2000), "2");
        assert_eq!(quantity(en(), 1_234_500), "1,234.5");
        assert_eq!(percent(en(), 14975), "14.975%");
        assert_eq!(percent(fr(), 5000), "5\u{a0}%");
        assert_eq!(percent(en(), 0), "0%");
    }

    /// Every status, filter and sort has its words in every locale.
    #[test]
    fn every_label_is_translated() {
        let mut ids: Vec<String> = Vec::new();
        ids.extend(WorkOrderStatus::ALL.iter().map(|s| work_order_status(*s)));
        ids.extend(AgreementStatus::ALL.iter().map(|s| agreement_status(*s)));
        ids.extend(InvoiceStatus::ALL.iter().map(|s| invoice_status(*s)));
        ids.extend(
            WorkOrderFilter::ALL
                .iter()
                .map(|f| filter_label("work-orders", f.as_str())),
        );
        ids.extend(
            AgreementFilter::ALL
                .iter()
                .map(|f| filter_label("agreements", f.as_str())),
        );
        ids.extend(
            AssetFilter::ALL
                .iter()
                .map(|f| filter_label("assets", f.as_str())),
        );
        ids.extend(
            InvoiceFilter::ALL
                .iter()
                .map(|f| filter_label("invoices", f.as_str())),
        );
        ids.extend(
            WorkOrderSort::ALL
                .iter()
                .map(|s| sort_label("work-orders", s.as_str())),
        );
        ids.extend(
            AgreementSort::ALL
                .iter()
                .map(|s| sort_label("agreements", s.as_str())),
        );
        ids.extend(
            AssetSort::ALL
                .iter()
                .map(|s| sort_label("assets", s.as_str())),
        );
        ids.extend(
            InvoiceSort::ALL
                .iter()
                .map(|s| sort_label("invoices", s.as_str())),
        );
        for &locale in onsite_i18n::SUPPORTED {
            for id in &ids {
                let text = locale.text(id);
                assert!(
                    !text.is_empty() && text != *id && !text.contains("Unknown"),
                    "{}: {id}",
                    locale.tag()
                );
            }
        }
    }
}
