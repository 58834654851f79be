//! Language negotiation: the profile's language, the `lang` cookie and `Accept-Language`
//! headers of any shape always give one of the shipped locales, and a shipped tag, however
//! cased, gives itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_i18n::{Locale, SUPPORTED};

fuzz_target!(|input: (&str, &str)| {
    let (preferred, accept_language) = input;
    let chosen = Locale::negotiate(Some(preferred), Some(accept_language));
    assert!(SUPPORTED.contains(&chosen));
    if let Some(l) = Locale::from_accept_language(accept_language) {
        assert!(SUPPORTED.contains(&l));
    }
    if let Some(l) = Locale::from_tag(preferred) {
        assert_eq!(chosen, l, "the profile's language wins");
        assert_eq!(Locale::from_tag(&l.tag().to_uppercase()), Some(l));
    }
    // The language switcher's form, through axum.
    let body = format!("lang={preferred}");
    if let Some(form) = onsite_fuzz::form::<onsite_web::locale::SwitchForm>(body.as_bytes()) {
        let _ = Locale::from_tag(&form.lang);
    }
});
