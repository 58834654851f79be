//! Numbers as each language writes them: the decimal and grouping marks come from Fluent
//! (`number.ftl`), so a new locale brings its own. One formatter for amounts, quantities,
//! rates, coordinates and scores alike.

use crate::Locale;

/// The mark between whole and fraction: "." / ",".
pub fn decimal_mark(locale: Locale) -> String {
    locale.text("number-decimal-mark")
}

/// An integer count of `10^-digits` units as a decimal number with grouped thousands:
/// "14,500.00" / "14 500,00"; `digits` 0 gives a whole number.
pub fn fixed(locale: Locale, scaled: i64, digits: u32) -> String {
    let abs = scaled.unsigned_abs();
    let unit = 10u64.pow(digits);
    let (whole, fraction) = (abs / unit, abs % unit);
    let whole = whole.to_string();
    let group = locale.text("number-group-mark");
    let mut out = String::new();
    if scaled < 0 {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push_str(&group);
        }
        out.push(c);
    }
    if digits > 0 {
        out.push_str(&decimal_mark(locale));
        out.push_str(&format!("{fraction:0width$}", width = digits as usize));
    }
    out
}

/// As [`fixed`], without the fraction's trailing zeros: 1500 thousandths → "1.5", 2000 → "2".
pub fn trimmed(locale: Locale, scaled: i64, digits: u32) -> String {
    let text = fixed(locale, scaled, digits);
    let mark = decimal_mark(locale);
    match text.rsplit_once(&mark) {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}{mark}{fraction}")
            }
        }
        None => text,
    }
}

/// `value` rounded to `places` decimals, ungrouped (a form field's value, a coordinate, a
/// score): "3.2" / "3,2". Rounding noise such as "-0.0" reads as "0.0".
pub fn rounded(locale: Locale, value: f64, places: usize) -> String {
    let text = format!("{:.*}", places, value + 0.0);
    let text = if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    };
    text.replace('.', &decimal_mark(locale))
}

/// `value` as short as it is exact, ungrouped: "-0.005", "2", "-0,01".
pub fn shortest(locale: Locale, value: f64) -> String {
    (value + 0.0)
        .to_string()
        .replace('.', &decimal_mark(locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Locale {
        Locale::from_tag("en").unwrap()
    }

    fn fr() -> Locale {
        Locale::from_tag("fr").unwrap()
    }

    #[test]
    fn numbers_follow_the_locale() {
        assert_eq!(fixed(en(), 1_450_000, 2), "14,500.00");
        assert_eq!(fixed(fr(), 1_450_000, 2), "14\u{202f}500,00");
        assert_eq!(fixed(en(), -5, 2), "-0.05");
        assert_eq!(fixed(en(), 1234, 0), "1,234");
        assert_eq!(trimmed(en(), 1500, 3), "1.5");
        assert_eq!(trimmed(fr(), 14_975, 3), "14,975");
        assert_eq!(trimmed(en(), 2000, 3), "2");
        assert_eq!(rounded(fr(), 3.21, 1), "3,2");
        assert_eq!(rounded(en(), -0.0001, 2), "0.00");
        assert_eq!(shortest(fr(), -0.01), "-0,01");
        assert_eq!(shortest(en(), 2.0), "2");
    }

    #[test]
    fn every_locale_has_its_marks() {
        for locale in crate::SUPPORTED {
            for id in ["number-decimal-mark", "number-group-mark"] {
                assert!(
                    !locale.text(id).starts_with("Unknown"),
                    "{id} in {}",
                    locale.tag()
                );
            }
        }
    }
}
