//! What a form shown again needs: the errors of the fields that were refused, each shown next
//! to its field (`aria-invalid`, `aria-describedby`) and all of them summarized at the top of
//! the form with links to the fields (`templates/form_errors.html`).

use onsite_app::failure::Failure;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use std::borrow::Cow;

/// The key of an error about the whole form rather than one field (wrong email or password).
pub const FORM: &str = "";

/// The refused fields of a submitted form and why, in the person's language.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    errors: Vec<(&'static str, String)>,
}

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records why `field` ([`FORM`] for the whole form) was refused.
    pub fn add(&mut self, field: &'static str, message: String) {
        if self.get(field).is_none() {
            self.errors.push((field, message));
        }
    }

    /// Records a domain validation error in its field, with the generic message of its reason.
    pub fn add_invalid(&mut self, locale: Locale, invalid: &InvalidInput) {
        let text = locale.text(&format!("invalid-{}", invalid.reason));
        let text = if text.starts_with("Unknown localization key") {
            locale.text("web-error-invalid")
        } else {
            text
        };
        self.add(invalid.field, text);
    }

    /// Records a use case's refusal next to the field it names (the whole form when it names
    /// none), with its message.
    pub fn add_failure(&mut self, locale: Locale, failure: &impl Failure) {
        let field = match failure.field() {
            Some(Cow::Borrowed(field)) => field,
            _ => FORM,
        };
        self.add(field, failure.message(locale));
    }

    pub fn with(field: &'static str, message: String) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        errors
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `(field, message)` in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.errors.iter().map(|(f, m)| (*f, m.as_str()))
    }
}

/// The version a form or button carries (`seen_version`: the version of the record the page
/// showed), required.
pub fn seen_version(raw: &str) -> Result<i64, InvalidInput> {
    match raw.trim() {
        "" => Err(InvalidInput::new("seen_version", "required")),
        v => v
            .parse()
            .map_err(|_| InvalidInput::new("seen_version", "out-of-range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_per_field_in_order() {
        let mut e = FieldErrors::new();
        e.add("email", "first".into());
        e.add("email", "second".into());
        e.add(FORM, "whole form".into());
        assert_eq!(e.get("email"), Some("first"));
        assert_eq!(
            e.iter().collect::<Vec<_>>(),
            [("email", "first"), ("", "whole form")]
        );
    }

    #[test]
    fn validation_reasons_get_their_message() {
        let mut e = FieldErrors::new();
        e.add_invalid(onsite_i18n::DEFAULT, &InvalidInput::new("phone", "phone"));
        e.add_invalid(
            onsite_i18n::DEFAULT,
            &InvalidInput::new("x", "no-such-reason"),
        );
        assert_eq!(e.get("phone"), Some("This is not a valid phone number."));
        assert_eq!(e.get("x"), Some("This value is not valid."));
    }
}
