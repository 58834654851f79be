//! Validated text values: email addresses, names, phone numbers, free text.

use crate::InvalidInput;
use serde::{Deserialize, Serialize};

/// A syntactically valid email address, trimmed and lower-cased (addresses compare equal
/// whatever case the user typed them in).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let s = raw.trim().to_lowercase();
        let err = |reason| Err(InvalidInput::new("email", reason));
        if s.is_empty() {
            return err("required");
        }
        if s.len() > 254 {
            return err("too-long");
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return err("email");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(c, '<' | '>' | '"' | '@' | ',' | ';')
            });
        if !domain_ok || !local_ok {
            return err("email");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(EmailAddress, PhoneNumber);

/// Trims `raw` and checks it is between 1 and `max` characters without control characters.
/// Used for names, titles and other short single-line text.
pub fn single_line(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidInput> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(InvalidInput::new(field, "required"));
    }
    if s.chars().count() > max {
        return Err(InvalidInput::new(field, "too-long"));
    }
    if s.chars().any(char::is_control) {
        return Err(InvalidInput::new(field, "control-characters"));
    }
    Ok(s.to_owned())
}

/// Optional multi-line text (comments, notes, reasons): trimmed, at most `max` characters,
/// control characters other than newlines and tabs removed. Empty becomes `None`.
pub fn free_text(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, InvalidInput> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max {
        return Err(InvalidInput::new(field, "too-long"));
    }
    Ok(Some(s))
}

/// A phone number as people type it: digits with optional `+`, spaces, dots, dashes and
/// parentheses; 6 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let s = raw.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let allowed = s.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')') || (c == '+' && i == 0)
        });
        if !allowed || !(6..=20).contains(&digits) {
            return Err(InvalidInput::new("phone", "phone"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalized_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@ex..com",
            "<a>@x.io",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn single_line_refuses_blank_long_and_control() {
        assert_eq!(single_line("name", "  Ana ", 10).unwrap(), "Ana");
        assert_eq!(
            single_line("name", "   ", 10).unwrap_err().reason,
            "required"
        );
        assert_eq!(
            single_line("name", "abcdefghijk", 10).unwrap_err().reason,
            "too-long"
        );
        assert_eq!(
            single_line("name", "a\u{7}b", 10).unwrap_err().reason,
            "control-characters"
        );
    }

    #[test]
    fn free_text_strips_controls_and_keeps_newlines() {
        assert_eq!(
            free_text("c", "a\u{0}b\nc", 10).unwrap().as_deref(),
            Some("ab\nc")
        );
        assert_eq!(free_text("c", "  ", 10).unwrap(), None);
    }

    #[test]
    fn phone_numbers() {
        assert!(PhoneNumber::parse("+1 (514) 555-0100").is_ok());
        assert!(PhoneNumber::parse("555").is_err());
        assert!(PhoneNumber::parse("1-800-FLOWERS").is_err());
        assert!(PhoneNumber::parse("12+3456789").is_err());
    }
}
